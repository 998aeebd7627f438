//! Ageing: each open balance goes into one bucket by how many days its due date lies
//! before the report day. Balances not yet due (negative days) count as `0_30`.

use time::Date;

use super::model::{Buckets, CustomerReceivable, DueRow, ReceivablesReport, ReceivablesTotals};
use crate::domain::{format_iso_date, parse_iso_date};
use crate::error::{AppError, AppResult};

impl Buckets {
    /// Adds `amount` to the bucket for `days_past_due`.
    pub fn add(&mut self, days_past_due: i64, amount: i64) {
        match days_past_due {
            ..=30 => self.days_0_30 += amount,
            31..=60 => self.days_31_60 += amount,
            61..=90 => self.days_61_90 += amount,
            _ => self.over_90 += amount,
        }
    }
}

/// Builds the report from grouped open balances (in customer order).
pub fn report(rows: Vec<DueRow>, as_of: Date) -> AppResult<ReceivablesReport> {
    let mut customers: Vec<CustomerReceivable> = Vec::new();
    let mut totals = ReceivablesTotals::default();
    for row in rows {
        let due = parse_iso_date(&row.due_date)
            .map_err(|_| AppError::internal("stored due date is invalid"))?;
        let days = (as_of - due).whole_days();
        let same = customers
            .last()
            .is_some_and(|c| c.customer_id == row.customer_id);
        if !same {
            customers.push(CustomerReceivable {
                customer_id: row.customer_id.clone(),
                customer_name: row.customer_name.clone(),
                gstin: row.gstin.clone(),
                invoices: 0,
                outstanding_paise: 0,
                buckets: Buckets::default(),
            });
        }
        if let Some(c) = customers.last_mut() {
            c.invoices += row.invoices;
            c.outstanding_paise += row.balance_paise;
            c.buckets.add(days, row.balance_paise);
        }
        totals.invoices += row.invoices;
        totals.outstanding_paise += row.balance_paise;
        totals.buckets.add(days, row.balance_paise);
    }
    Ok(ReceivablesReport {
        as_of: format_iso_date(as_of),
        customers,
        totals,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn row(customer: &str, due: &str, balance: i64) -> DueRow {
        DueRow {
            customer_id: customer.into(),
            customer_name: customer.into(),
            gstin: None,
            due_date: due.into(),
            invoices: 1,
            balance_paise: balance,
        }
    }

    #[test]
    fn bucket_edges() {
        let mut b = Buckets::default();
        for (days, amount) in [
            (-5, 1),
            (0, 2),
            (30, 4),
            (31, 8),
            (60, 16),
            (61, 32),
            (90, 64),
            (91, 128),
        ] {
            b.add(days, amount);
        }
        assert_eq!(
            b,
            Buckets {
                days_0_30: 7,
                days_31_60: 24,
                days_61_90: 96,
                over_90: 128
            }
        );
    }

    #[test]
    fn groups_by_customer_and_totals() {
        let as_of = date!(2026 - 07 - 01);
        let r = report(
            vec![
                row("a", "2026-06-21", 100),
                row("a", "2026-02-01", 50),
                row("b", "2026-05-01", 7),
            ],
            as_of,
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(r.customers.len(), 2);
        assert_eq!(r.customers[0].outstanding_paise, 150);
        assert_eq!(
            r.customers[0].buckets,
            Buckets {
                days_0_30: 100,
                over_90: 50,
                ..Buckets::default()
            }
        );
        assert_eq!(r.customers[1].buckets.days_61_90, 7);
        assert_eq!(r.totals.outstanding_paise, 157);
        assert_eq!(r.totals.invoices, 3);
        assert_eq!(r.as_of, "2026-07-01");
    }
}
