//! Payments against an in-memory tenant database: the balance never goes negative,
//! whatever the sequence of amounts.

use proptest::prelude::*;
use rusqlite::{params, Connection};

use super::*;
use crate::db::embedded::TENANT_MIGRATIONS;
use crate::domain::Totals;
use crate::modules::sales::invoices::model::Registration;
use crate::modules::sales::invoices::repo::{insert_draft, DraftRow};

const INVOICE: &str = "0190f3c2-7b1e-7cc0-9a4e-1f2d3c4b5a01";

fn db_with_invoice(grand_total: i64) -> Connection {
    let mut c = Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
    TENANT_MIGRATIONS
        .apply(&mut c)
        .unwrap_or_else(|e| panic!("{e}"));
    let now = "2026-05-01T00:00:00Z";
    c.execute(
        "INSERT INTO branches (id, code, name, state_code, created_at, updated_at) VALUES ('b1', 'MUM', 'Mumbai', '27', ?1, ?1)",
        [now],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    c.execute(
        "INSERT INTO customers (id, name, state_code, created_at, updated_at) VALUES ('c1', 'Asha', '27', ?1, ?1)",
        [now],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let totals = Totals {
        taxable_total: grand_total,
        grand_total,
        ..Totals::default()
    };
    let row = DraftRow {
        id: INVOICE,
        branch_id: "b1",
        customer_id: "c1",
        invoice_date: "2026-05-01",
        due_date: "2026-05-31",
        notes: "",
        intra_state: true,
        supply_type: Registration::Unregistered,
        lut: false,
        reverse_charge: false,
        totals: &totals,
        now,
    };
    insert_draft(&c, &row).unwrap_or_else(|e| panic!("{e:?}"));
    c
}

/// Issues the draft as the service would: a number and the frozen copies.
fn mark_issued(c: &Connection) -> AppResult<()> {
    c.execute(
        r#"UPDATE invoices SET status = 'issued', number = 'MUM/26-27/00001', fy = '2026-27', seq = 1,
             place_of_supply = '27',
             seller = '{"legal_name": "Mumbai Traders", "gstin": null, "address": "Fort", "state_code": "27"}',
             buyer = '{"name": "Asha", "gstin": null, "billing_address": "", "state_code": "27", "registration": "unregistered"}'
           WHERE id = ?1"#,
        [INVOICE],
    )?;
    Ok(())
}

fn pay(c: &Connection, amount: i64) -> AppResult<Payment> {
    let p = Checked {
        invoice_id: INVOICE.into(),
        amount_paise: amount,
        method: PaymentMethod::Upi,
        reference: String::new(),
        received_on: "2026-05-02".into(),
    };
    apply(c, &None, "u1", &p, &Actor::default())
}

fn state(c: &Connection) -> (i64, i64, String) {
    c.query_row(
        "SELECT grand_total_paise, amount_paid_paise, status FROM invoices WHERE id = ?1",
        params![INVOICE],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn drafts_and_cancelled_invoices_refuse_payments() {
    let c = db_with_invoice(10_000);
    assert!(matches!(pay(&c, 100), Err(AppError::Conflict(_))));
    mark_issued(&c).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(matches!(
        pay(&c, 10_001),
        Err(AppError::Overpayment {
            balance_due_paise: 10_000
        })
    ));
    assert!(pay(&c, 10_000).is_ok());
    assert_eq!(state(&c).2, "paid");
    assert!(matches!(
        pay(&c, 1),
        Err(AppError::Overpayment {
            balance_due_paise: 0
        })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn balance_never_goes_negative(
        grand in 1i64..=10_000_000,
        fractions in proptest::collection::vec(1u32..=70, 1..25),
    ) {
        let grand = grand * 100;
        let c = db_with_invoice(grand);
        mark_issued(&c)
            .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let mut balance = grand;
        let mut accepted = 0i64;
        for pct in fractions {
            let amount = (grand * i64::from(pct) / 100).max(1);
            match pay(&c, amount) {
                Ok(p) => {
                    prop_assert!(amount <= balance);
                    prop_assert_eq!(p.amount_paise, amount);
                    balance -= amount;
                    accepted += amount;
                }
                Err(AppError::Overpayment { balance_due_paise }) => {
                    prop_assert!(amount > balance);
                    prop_assert_eq!(balance_due_paise, balance);
                }
                Err(e) => return Err(TestCaseError::fail(format!("{e:?}"))),
            }
            let (g, paid, status) = state(&c);
            prop_assert!(g - paid >= 0);
            prop_assert_eq!(paid, accepted);
            let expected = if paid == g { "paid" } else if paid > 0 { "partially_paid" } else { "issued" };
            prop_assert_eq!(status, expected);
        }
        let sum: i64 = c
            .query_row("SELECT COALESCE(SUM(amount_paise), 0) FROM payments", [], |r| r.get(0))
            .map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert_eq!(sum, accepted);
    }
}
