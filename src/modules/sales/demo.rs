//! Sample sales data for `bisman serve --demo`: three branches in two states, fifty
//! customers, a hundred items over every GST rate, and two hundred invoices of the last
//! six months in every status with their payments. Everything except the branches goes
//! through the service functions, so the figures are computed and audited as usual.

use std::sync::Arc;

use rusqlite::OptionalExtension;
use time::Duration;

use super::customers::{model::CreateCustomer, service as customers};
use super::invoices::model::CancelInvoice;
use super::invoices::parse::{Head, LineDraft};
use super::invoices::service as invoices;
use super::items::{model::CreateItem, service as items};
use super::payments::model::{CreatePayment, PaymentMethod};
use super::payments::service as payments;
use crate::audit::Actor;
use crate::clock;
use crate::domain::{format_iso_date, gstin_check_char, GstRate, Quantity};
use crate::error::{AppError, AppResult};
use crate::tenancy::TenantHandle;

/// What was created, for the start-up message.
#[derive(Debug, Default, Clone, Copy)]
pub struct Seeded {
    pub customers: usize,
    pub items: usize,
    pub invoices: usize,
    pub payments: usize,
}

/// A small deterministic generator (xorshift64*), so every demo looks the same.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).unwrap_or(0)
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

const BRANCHES: [(&str, &str, &str); 3] = [
    ("MUM", "Mumbai head office", "27"),
    ("PUN", "Pune depot", "27"),
    ("BLR", "Bengaluru branch", "29"),
];

/// Inserts the demo branches that are missing (by code) and returns their ids.
pub fn ensure_branches(tenant: &Arc<TenantHandle>) -> AppResult<Vec<String>> {
    let now = clock::now_rfc3339();
    tenant.db.write_blocking(|tx| {
        let mut ids = Vec::new();
        for (code, name, state) in BRANCHES {
            tx.execute(
                "INSERT OR IGNORE INTO branches (id, code, name, state_code, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                rusqlite::params![crate::ids::new_id(), code, name, state, now],
            )?;
            let id: String =
                tx.query_row("SELECT id FROM branches WHERE code = ?1", [code], |r| {
                    r.get(0)
                })?;
            ids.push(id);
        }
        Ok(ids)
    })
}

const FIRST: [&str; 10] = [
    "Shree", "Ganesh", "Lakshmi", "Sai", "Om", "Jai", "Kaveri", "Sahyadri", "Deccan", "Konkan",
];
const SECOND: [&str; 10] = [
    "Traders",
    "Enterprises",
    "Agencies",
    "Stores",
    "Distributors",
    "Mart",
    "Industries",
    "Suppliers",
    "Retail",
    "Exports",
];
const CUSTOMER_STATES: [&str; 6] = ["27", "27", "27", "29", "29", "07"];

fn demo_gstin(state: &str, n: usize) -> Option<String> {
    let letters = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    let l = |k: usize| char::from(letters[k % letters.len()]);
    let first = format!(
        "{state}AA{}C{}{:04}{}1Z",
        l(n),
        l(n / 3 + 7),
        1000 + n * 37,
        l(n + 11)
    );
    gstin_check_char(&first).map(|c| format!("{first}{c}"))
}

fn seed_customers(t: &Arc<TenantHandle>, dice: &mut Dice, actor: &Actor) -> AppResult<Vec<String>> {
    let mut ids = Vec::new();
    for n in 0..50 {
        let state = *dice.pick(&CUSTOMER_STATES);
        let registered = n % 3 != 2;
        let req = CreateCustomer {
            name: format!("{} {} {}", FIRST[n % 10], SECOND[(n / 10 + n) % 10], n + 1),
            gstin: if registered {
                demo_gstin(state, n)
            } else {
                None
            },
            state_code: Some(state.to_string()),
            email: Some(format!("accounts{}@customer{}.example.in", n + 1, n + 1)),
            phone: Some(format!("+91 98{:08}", 20_000_000 + n * 7919)),
            billing_address: Some(format!("{} MG Road, Shop {}", n + 10, n + 1)),
            registration: None,
        };
        ids.push(customers::create(t, &req, actor)?.id);
    }
    Ok(ids)
}

const GOODS: [(&str, &str, &str); 10] = [
    ("Rice 25 kg bag", "1006", "bag"),
    ("Notebook A4", "48202000", "nos"),
    ("LED bulb 9W", "853950", "nos"),
    ("Steel almirah", "9403", "nos"),
    ("Cotton towel", "630260", "nos"),
    ("Cement 50 kg", "2523", "bag"),
    ("Mobile charger", "85044030", "nos"),
    ("Repair service", "998729", "hour"),
    ("Gold coin 1 g", "7118", "nos"),
    ("Aerated drink 1 L", "22021010", "bottle"),
];

fn seed_items(t: &Arc<TenantHandle>, dice: &mut Dice, actor: &Actor) -> AppResult<Vec<String>> {
    let mut ids = Vec::new();
    for n in 0..100 {
        let (name, hsn, unit) = GOODS[n % GOODS.len()];
        let rate = GstRate::ALLOWED_BP[n % GstRate::ALLOWED_BP.len()];
        let price = 500 + 25 * i64::try_from(dice.below(20_000)).unwrap_or(0);
        let req = CreateItem {
            sku: format!("SKU-{:04}", n + 1),
            name: format!("{name} #{}", n + 1),
            hsn_sac: hsn.to_string(),
            unit: unit.to_string(),
            unit_price_paise: price,
            gst_rate_bp: i64::from(rate),
        };
        ids.push(items::create(t, &req, actor)?.id);
    }
    Ok(ids)
}

const QUANTITIES: [i64; 8] = [1000, 2000, 2500, 333, 5000, 12_000, 1500, 750];

/// Creates the invoices and takes each to its status; returns (invoices, payments).
fn seed_invoices(
    t: &Arc<TenantHandle>,
    dice: &mut Dice,
    actor: &Actor,
    branches: &[String],
    customers: &[String],
    items: &[String],
) -> AppResult<(usize, usize)> {
    let today = clock::today();
    let mut payments_made = 0;
    for n in 0..200usize {
        let date = today - Duration::days(i64::try_from(180 - (n * 180 / 200)).unwrap_or(0));
        let mut lines = Vec::new();
        for _ in 0..1 + dice.below(4) {
            let milli = *dice.pick(&QUANTITIES);
            lines.push(LineDraft {
                item_id: dice.pick(items).clone(),
                quantity: Quantity::from_milli(milli).map_err(AppError::internal)?,
                unit_price_paise: None,
                discount_paise: if dice.below(5) == 0 { 100 } else { 0 },
            });
        }
        let head = Head {
            branch_id: dice.pick(branches).clone(),
            customer_id: dice.pick(customers).clone(),
            invoice_date: date,
            due_date: date + Duration::days(*dice.pick(&[15, 30, 30, 45])),
            notes: String::new(),
            lut: false,
            reverse_charge: false,
        };
        let inv = invoices::create_parsed(t, &None, head, lines, actor)?;
        // 10% stay drafts, 10% are cancelled, the rest are unpaid, part paid or paid.
        let fate = n % 10;
        if fate == 0 {
            continue;
        }
        let inv = invoices::issue(t, &None, &inv.id, None, actor)?;
        if fate == 1 {
            let reason = CancelInvoice {
                reason: "Raised in error".into(),
            };
            invoices::cancel(t, &None, &inv.id, &reason, None, actor)?;
            continue;
        }
        let owed = inv.grand_total_paise;
        let amounts: Vec<i64> = match fate {
            2..=4 => vec![],
            5 | 6 => vec![owed / 3],
            _ => vec![owed / 2, owed - owed / 2],
        };
        let days_since = (today - date).whole_days().max(0);
        for (k, amount) in amounts.into_iter().filter(|a| *a > 0).enumerate() {
            let received = date
                + Duration::days(
                    (days_since * (i64::try_from(k).unwrap_or(0) + 1) / 3).min(days_since),
                );
            let req = CreatePayment {
                invoice_id: inv.id.clone(),
                amount_paise: amount,
                method: *dice.pick(&[
                    PaymentMethod::Upi,
                    PaymentMethod::BankTransfer,
                    PaymentMethod::Cash,
                    PaymentMethod::Cheque,
                    PaymentMethod::Card,
                ]),
                reference: Some(format!("DEMO-{n:03}-{k}")),
                received_on: Some(format_iso_date(received)),
            };
            let user = actor.actor_id.clone().unwrap_or_default();
            payments::record(t, &None, &user, &req, None, actor)?;
            payments_made += 1;
        }
    }
    Ok((200, payments_made))
}

/// Seeds the demo tenant once: does nothing when it already has customers.
pub fn seed(t: &Arc<TenantHandle>, owner_id: &str) -> AppResult<Option<Seeded>> {
    let branches = ensure_branches(t)?;
    let existing: Option<i64> = t.db.read_blocking(|c| {
        Ok(
            c.query_row("SELECT 1 FROM customers LIMIT 1", [], |r| r.get(0))
                .optional()?,
        )
    })?;
    if existing.is_some() {
        return Ok(None);
    }
    let actor = Actor {
        actor_id: Some(owner_id.to_string()),
        request_id: Some("demo-seed".into()),
        ip: None,
    };
    let mut dice = Dice(0x5EED_B15A_0000_2026);
    let customers = seed_customers(t, &mut dice, &actor)?;
    let items = seed_items(t, &mut dice, &actor)?;
    let (invoices, payments) = seed_invoices(t, &mut dice, &actor, &branches, &customers, &items)?;
    Ok(Some(Seeded {
        customers: customers.len(),
        items: items.len(),
        invoices,
        payments,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Gstin;

    #[test]
    fn demo_gstins_are_valid() {
        for n in 0..50 {
            for state in CUSTOMER_STATES {
                let g = demo_gstin(state, n).unwrap_or_default();
                let parsed = Gstin::parse(&g).map_err(|e| format!("{g}: {e}"));
                assert_eq!(parsed.map(|p| p.state_code().as_str()), Ok(state));
            }
        }
    }
}
