//! Sample sales data for `bisman serve --demo`: a company profile (PAN, bank, UPI, logo),
//! three registered branches in two states, fifty customers and an SEZ unit and an
//! exporter, a hundred items over every GST rate, two hundred invoices of the last six
//! months in every status with their payments, credit notes (a return and a discount), a
//! debit note, customer credit and a refund. Everything except the branches goes through
//! the service functions, so the figures are computed and audited as usual.

use std::sync::Arc;

use rusqlite::OptionalExtension;
use time::Duration;

use super::customers::{model::CreateCustomer, model::Registration, service as customers};
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
use crate::keys::KeyStore;
use crate::tenancy::TenantHandle;

/// What was created, for the start-up message.
#[derive(Debug, Default, Clone, Copy)]
pub struct Seeded {
    pub customers: usize,
    pub items: usize,
    pub invoices: usize,
    pub payments: usize,
    pub notes: usize,
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

const BRANCHES: [(&str, &str, &str, &str); 3] = [
    (
        "MUM",
        "Mumbai head office",
        "27",
        "4th floor, Kesar House, 21 Dadabhai Naoroji Road, Fort, Mumbai 400001",
    ),
    (
        "PUN",
        "Pune depot",
        "27",
        "Plot 14, MIDC Bhosari, Pune 411026",
    ),
    (
        "BLR",
        "Bengaluru branch",
        "29",
        "88 Residency Road, Bengaluru 560025",
    ),
];

/// The demo company's PAN (a company: `C`), carried by its GSTINs.
pub const DEMO_PAN: &str = "AAJCK4312M";

/// The demo company's GSTIN in a state.
pub fn demo_branch_gstin(state: &str) -> AppResult<String> {
    let first = format!("{state}{DEMO_PAN}1Z");
    gstin_check_char(&first)
        .map(|c| format!("{first}{c}"))
        .ok_or_else(|| AppError::internal("demo GSTIN"))
}

/// Inserts the demo branches that are missing (by code), registers them (GSTIN and
/// address) and gives each its numbering series; returns their ids.
pub fn ensure_branches(tenant: &Arc<TenantHandle>) -> AppResult<Vec<String>> {
    let now = clock::now_rfc3339();
    tenant.db.write_blocking(|tx| {
        let mut ids = Vec::new();
        for (code, name, state, address) in BRANCHES {
            let gstin = demo_branch_gstin(state)?;
            tx.execute(
                "INSERT OR IGNORE INTO branches (id, code, name, state_code, address, gstin, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                rusqlite::params![crate::ids::new_id(), code, name, state, address, gstin, now],
            )?;
            // A demo made before branches were registered.
            tx.execute(
                "UPDATE branches SET gstin = ?2, address = ?3 WHERE code = ?1 AND gstin IS NULL",
                rusqlite::params![code, gstin, address],
            )?;
            let id: String =
                tx.query_row("SELECT id FROM branches WHERE code = ?1", [code], |r| {
                    r.get(0)
                })?;
            super::series::service::ensure(tx, &id, code)?;
            ids.push(id);
        }
        Ok(ids)
    })
}

/// The company profile with bank details, UPI ID and logo, unless one is set.
fn seed_company(t: &Arc<TenantHandle>, keys: &KeyStore, actor: &Actor) -> AppResult<()> {
    use crate::modules::company::{model::*, repo, service};
    if !t.db.read_blocking(repo::get)?.legal_name.is_empty() {
        return Ok(());
    }
    let req = PutCompany {
        legal_name: "Kesar Foods Private Limited".into(),
        trade_name: Some("Kesar Foods".into()),
        pan: Some(DEMO_PAN.into()),
        registered_address: Some(
            "4th floor, Kesar House, 21 Dadabhai Naoroji Road, Fort, Mumbai 400001".into(),
        ),
        bank: Some(BankRequest {
            account_number: "50200012345678".into(),
            ifsc: "HDFC0000060".into(),
            bank_name: "HDFC Bank, Fort branch".into(),
        }),
        upi_id: Some("kesarfoods@hdfcbank".into()),
        invoice_terms: Some(
            "Payment within the due date. Interest at 18% a year on overdue amounts. Subject to Mumbai jurisdiction."
                .into(),
        ),
        e_invoicing: Some(false),
    };
    service::put(t, keys, &req, None, actor)?;
    service::put_logo(
        t,
        include_bytes!("../../../assets/demo/logo.png").to_vec(),
        actor,
    )?;
    Ok(())
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

pub fn demo_gstin(state: &str, n: usize) -> Option<String> {
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

/// An SEZ unit in Karnataka and an importer abroad: (sez, export).
fn seed_zero_rated_customers(t: &Arc<TenantHandle>, actor: &Actor) -> AppResult<(String, String)> {
    let sez = CreateCustomer {
        name: "Electronic City SEZ Devices Pvt Ltd".into(),
        gstin: Some("29AAGCB7383J1Z4".into()),
        state_code: None,
        email: Some("accounts@ecsez.example.in".into()),
        phone: None,
        billing_address: Some("Unit 7, Electronic City SEZ, Bengaluru 560100".into()),
        registration: Some(Registration::Sez),
    };
    let export = CreateCustomer {
        name: "Gulf Spice Trading LLC".into(),
        gstin: None,
        state_code: None,
        email: Some("buying@gulfspice.example.ae".into()),
        phone: None,
        billing_address: Some("PO Box 1123, Deira, Dubai, United Arab Emirates".into()),
        registration: Some(Registration::Export),
    };
    Ok((
        customers::create(t, &sez, actor)?.id,
        customers::create(t, &export, actor)?.id,
    ))
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
            track_stock: None,
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

/// Zero-rated and IGST supplies to the SEZ unit and the exporter, credit notes (a
/// return, a discount, one beyond the balance that leaves customer credit, then a
/// refund) and a debit note; returns (invoices, notes).
fn seed_notes(
    t: &Arc<TenantHandle>,
    actor: &Actor,
    branches: &[String],
    zero_rated: (String, String),
    items: &[String],
) -> AppResult<(usize, usize)> {
    use super::notes::model::{CreateNote, NoteKind, NoteLineRequest, NoteReason};
    use super::notes::service as notes;
    let today = clock::today();
    let day = |n: i64| today - Duration::days(n);
    let line = |item: &String, milli: i64| -> AppResult<LineDraft> {
        Ok(LineDraft {
            item_id: item.clone(),
            quantity: Quantity::from_milli(milli).map_err(AppError::internal)?,
            unit_price_paise: None,
            discount_paise: 0,
        })
    };
    let invoice = |branch: &String, customer: &String, date, lut, lines| -> AppResult<String> {
        let head = Head {
            branch_id: branch.clone(),
            customer_id: customer.clone(),
            invoice_date: date,
            due_date: date + Duration::days(30),
            notes: String::new(),
            lut,
            reverse_charge: false,
        };
        let inv = invoices::create_parsed(t, &None, head, lines, actor)?;
        Ok(invoices::issue(t, &None, &inv.id, None, actor)?.id)
    };
    let (sez, export) = zero_rated;
    let blr = &branches[2];
    let mum = &branches[0];
    let sez_lut = invoice(
        blr,
        &sez,
        day(40),
        true,
        vec![line(&items[2], 10_000)?, line(&items[6], 4_000)?],
    )?;
    let sez_paid = invoice(blr, &sez, day(35), false, vec![line(&items[12], 2_000)?])?;
    invoice(mum, &export, day(30), true, vec![line(&items[0], 50_000)?])?;
    let export_igst = invoice(
        mum,
        &export,
        day(20),
        false,
        vec![line(&items[10], 20_000)?, line(&items[3], 1_000)?],
    )?;
    let note =
        |kind, invoice_id: &String, date, reason, lines: Vec<NoteLineRequest>| -> AppResult<()> {
            let req = CreateNote {
                invoice_id: invoice_id.clone(),
                note_date: format_iso_date(date),
                reason,
                lines,
            };
            let n = notes::create(t, &None, kind, &req, actor)?;
            notes::issue(t, &None, kind, &n.id, None, actor)?;
            Ok(())
        };
    let qty = |l: i64, q: i64| NoteLineRequest {
        invoice_line: l,
        quantity: Some(serde_json::json!(q)),
        taxable_paise: None,
    };
    let value = |l: i64, v: i64| NoteLineRequest {
        invoice_line: l,
        quantity: None,
        taxable_paise: Some(v),
    };
    // Goods returned, and a discount agreed after the sale.
    note(
        NoteKind::Credit,
        &export_igst,
        day(15),
        NoteReason::SalesReturn,
        vec![qty(1, 5)],
    )?;
    note(
        NoteKind::Credit,
        &sez_lut,
        day(25),
        NoteReason::PostSaleDiscount,
        vec![value(1, 50_000)],
    )?;
    // A freight charge billed after the invoice.
    note(
        NoteKind::Debit,
        &export_igst,
        day(12),
        NoteReason::CorrectionInInvoice,
        vec![value(2, 25_000)],
    )?;
    // Paid in full, then a return: the credit goes to the customer, part of it refunded.
    let paid = invoices::visible_blocking(t, &sez_paid)?;
    let user = actor.actor_id.clone().unwrap_or_default();
    payments::record(
        t,
        &None,
        &user,
        &CreatePayment {
            invoice_id: sez_paid.clone(),
            amount_paise: paid.grand_total_paise,
            method: PaymentMethod::BankTransfer,
            reference: Some("NEFT-SEZ-0042".into()),
            received_on: Some(format_iso_date(day(33))),
        },
        None,
        actor,
    )?;
    note(
        NoteKind::Credit,
        &sez_paid,
        day(10),
        NoteReason::SalesReturn,
        vec![qty(1, 1)],
    )?;
    payments::record(
        t,
        &None,
        &user,
        &CreatePayment {
            invoice_id: sez_paid.clone(),
            amount_paise: -10_000,
            method: PaymentMethod::BankTransfer,
            reference: Some("REFUND-0001".into()),
            received_on: Some(format_iso_date(day(8))),
        },
        None,
        actor,
    )?;
    Ok((4, 4))
}

/// Seeds the demo tenant once: does nothing when it already has customers.
pub fn seed(t: &Arc<TenantHandle>, keys: &KeyStore, owner_id: &str) -> AppResult<Option<Seeded>> {
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
    seed_company(t, keys, &actor)?;
    let mut dice = Dice(0x5EED_B15A_0000_2026);
    let customers = seed_customers(t, &mut dice, &actor)?;
    let zero_rated = seed_zero_rated_customers(t, &actor)?;
    let items = seed_items(t, &mut dice, &actor)?;
    let (invoices, payments) = seed_invoices(t, &mut dice, &actor, &branches, &customers, &items)?;
    let (more, notes) = seed_notes(t, &actor, &branches, zero_rated, &items)?;
    Ok(Some(Seeded {
        customers: customers.len() + 2,
        items: items.len(),
        invoices: invoices + more,
        payments: payments + 2,
        notes,
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
