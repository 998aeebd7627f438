//! Purchases for `bisman serve --demo`: vendors in two states (regular, composition and
//! unregistered), three months of bills — one under reverse charge, one with credit
//! blocked under s. 17(5), one bill of supply — and payments, some partial, so the
//! payables report has every bucket. Entered through the same services a user calls.

use std::sync::Arc;

use time::Duration;

use super::bills::model::{BillLineRequest, CreateBill, Itc};
use super::bills::service as bills;
use super::payments::model::{CreateVendorPayment, PayMethod};
use super::payments::service as payments;
use super::vendors::model::{CreateVendor, VendorRegistration};
use super::vendors::service as vendors;
use crate::audit::Actor;
use crate::clock;
use crate::domain::format_iso_date;
use crate::error::{AppError, AppResult};
use crate::modules::fields::BranchScope;
use crate::modules::sales::demo::demo_gstin;
use crate::tenancy::TenantHandle;

/// What was made.
pub struct Seeded {
    pub vendors: usize,
    pub bills: usize,
    pub payments: usize,
    pub stocked: usize,
}

/// The demo GSTR-2B statement (June 2026) and the June bills it is reconciled with.
const JUNE_2B: &str = include_str!("../../../demo/gstr2b-062026.json");

/// Four bills of June 2026 at Mumbai and the portal's statement for that month, imported:
/// one matches, two differ (a date; a taxable value), one is missing in 2B, and the
/// statement names an invoice the books do not have (`demo/README.md`).
fn seed_june(
    t: &Arc<TenantHandle>,
    actor: &Actor,
    vendors: &[&String; 3],
    items: &[(String, i64)],
    office: &str,
    mum: &str,
) -> AppResult<usize> {
    use crate::modules::returns::gstr2b::{file, reconcile};
    let all = BranchScope::all();
    let rated = |item: &str, qty: i64, price: i64, rate: i64| BillLineRequest {
        gst_rate_bp: Some(rate),
        ..item_line(item, qty, price)
    };
    let bills = [
        (
            vendors[0],
            "SGW/0601",
            "2026-06-05",
            rated(&items[1].0, 20, 50_000, 1800),
        ),
        (
            vendors[0],
            "SGW/0602",
            "2026-06-12",
            rated(&items[2].0, 12, 125_000, 1200),
        ),
        (
            vendors[1],
            "NPI-0611",
            "2026-06-18",
            rated(&items[6].0, 300, 4_250, 1800),
        ),
        (
            vendors[2],
            "AC/2026/201",
            "2026-06-25",
            account_line(
                office,
                "Staff lunch, stock-taking",
                "996334",
                300_000,
                500,
                Itc::Blocked,
            ),
        ),
    ];
    for (vendor, no, date, line) in bills {
        let req = CreateBill {
            vendor_id: vendor.clone(),
            branch_id: mum.into(),
            supplier_invoice_no: no.into(),
            supplier_invoice_date: date.into(),
            posting_date: None,
            due_date: date.into(),
            reverse_charge: Some(false),
            lines: vec![line],
            notes: None,
        };
        let draft = bills::create(t, &all, &req, actor)?;
        bills::post(t, &all, &draft.id, None, actor)?;
    }
    let parsed: file::Gstr2bFile = serde_json::from_str(JUNE_2B).map_err(AppError::internal)?;
    let statement = file::check(&parsed)?;
    t.db.write_blocking(|tx| reconcile::store(tx, &statement, actor.id()).map(|_| ()))?;
    Ok(4)
}

/// Goods the demo keeps in stock: (SKU, name, HSN, unit, selling price, rate, cost).
const STOCKED: [(&str, &str, &str, &str, i64, i64, i64); 3] = [
    (
        "STK-RICE25",
        "Basmati rice, 25 kg bag",
        "1006",
        "bag",
        245_000,
        500,
        189_000,
    ),
    (
        "STK-OIL15",
        "Sunflower oil, 15 L tin",
        "1512",
        "tin",
        215_000,
        500,
        176_050,
    ),
    (
        "STK-CTN100",
        "Corrugated cartons, bundle of 100",
        "4819",
        "bundle",
        120_000,
        1200,
        84_500,
    ),
];

/// Stock: the tracked goods are bought at Mumbai and Bengaluru, Mumbai sends some to Pune
/// under a delivery challan, sells some and takes one bag back on a sales return.
fn seed_stock(
    t: &Arc<TenantHandle>,
    actor: &Actor,
    vendor: &str,
    branches: &[String],
) -> AppResult<usize> {
    use crate::modules::sales::invoices::{model::*, service as invoices};
    use crate::modules::sales::items::{model::CreateItem, service as items};
    use crate::modules::sales::notes::{model::*, service as notes};
    use crate::modules::stock::transfers::{model::*, service as transfers};
    let all = BranchScope::all();
    let today = clock::today();
    let (mum, pun, blr) = (&branches[0], &branches[1], &branches[2]);
    let mut ids = Vec::new();
    for (sku, name, hsn, unit, price, rate, _) in STOCKED {
        let req = CreateItem {
            sku: sku.into(),
            name: name.into(),
            hsn_sac: hsn.into(),
            unit: unit.into(),
            unit_price_paise: price,
            gst_rate_bp: rate,
            track_stock: Some(true),
        };
        ids.push(items::create(t, &req, actor)?.id);
    }
    for (n, (branch, days)) in [(mum, 70), (blr, 65), (mum, 35)].into_iter().enumerate() {
        let day = today - Duration::days(days);
        let lines = STOCKED
            .iter()
            .zip(&ids)
            .map(|((.., cost), id)| {
                item_line(
                    id,
                    40 + 10 * i64::try_from(n).unwrap_or(0),
                    *cost + 2_500 * i64::try_from(n).unwrap_or(0),
                )
            })
            .collect();
        let req = CreateBill {
            vendor_id: vendor.into(),
            branch_id: branch.clone(),
            supplier_invoice_no: format!("SGW/S{}", 201 + n),
            supplier_invoice_date: format_iso_date(day),
            posting_date: None,
            due_date: format_iso_date(day + Duration::days(45)),
            reverse_charge: Some(false),
            lines,
            notes: Some("Stock purchase".into()),
        };
        let draft = bills::create(t, &all, &req, actor)?;
        bills::post(t, &all, &draft.id, None, actor)?;
    }
    transfers::create(
        t,
        &all,
        &CreateTransfer {
            from_branch_id: mum.clone(),
            to_branch_id: pun.clone(),
            date: format_iso_date(today - Duration::days(30)),
            lines: vec![
                TransferLineRequest {
                    item_id: ids[0].clone(),
                    quantity: serde_json::json!(12),
                },
                TransferLineRequest {
                    item_id: ids[1].clone(),
                    quantity: serde_json::json!(6.5),
                },
            ],
            notes: Some("Weekly replenishment of the Pune depot".into()),
        },
        actor,
    )?;
    let customer: Option<String> = t.db.read_blocking(|c| {
        Ok(rusqlite::OptionalExtension::optional(c.query_row(
            "SELECT id FROM customers WHERE state_code = '27' AND registration = 'regular' ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        ))?)
    })?;
    let Some(customer) = customer else {
        return Ok(ids.len());
    };
    let mut sold = Vec::new();
    for (days, qty) in [(25, 8), (12, 15)] {
        let day = today - Duration::days(days);
        let req = CreateInvoice {
            branch_id: mum.clone(),
            customer_id: customer.clone(),
            invoice_date: format_iso_date(day),
            due_date: format_iso_date(day + Duration::days(30)),
            lines: ids
                .iter()
                .map(|id| LineRequest {
                    item_id: id.clone(),
                    quantity: serde_json::json!(qty),
                    unit_price_paise: None,
                    discount_paise: None,
                })
                .collect(),
            notes: None,
            lut: None,
            reverse_charge: None,
        };
        let draft = invoices::create(t, &None, &req, actor)?;
        sold.push(invoices::issue(t, &None, &draft.id, None, actor)?);
    }
    if let Some(first) = sold.first() {
        let note = notes::create(
            t,
            &None,
            NoteKind::Credit,
            &CreateNote {
                invoice_id: first.id.clone(),
                note_date: format_iso_date(today - Duration::days(20)),
                reason: NoteReason::SalesReturn,
                lines: vec![NoteLineRequest {
                    invoice_line: 1,
                    quantity: Some(serde_json::json!(1)),
                    taxable_paise: None,
                }],
            },
            actor,
        )?;
        notes::issue(t, &None, NoteKind::Credit, &note.id, None, actor)?;
    }
    Ok(ids.len())
}

fn vendor(
    t: &Arc<TenantHandle>,
    actor: &Actor,
    name: &str,
    gstin: Option<String>,
    state: &str,
    registration: VendorRegistration,
) -> AppResult<String> {
    let req = CreateVendor {
        name: name.into(),
        gstin,
        state_code: Some(state.into()),
        email: None,
        phone: None,
        billing_address: Some(format!("{name}, state {state}")),
        registration: Some(registration),
    };
    Ok(vendors::create(t, &req, actor)?.id)
}

fn item_line(item: &str, qty: i64, price: i64) -> BillLineRequest {
    BillLineRequest {
        item_id: Some(item.into()),
        account_id: None,
        description: None,
        hsn_sac: None,
        quantity: serde_json::json!(qty),
        unit_price_paise: price,
        discount_paise: None,
        gst_rate_bp: None,
        itc: None,
    }
}

fn account_line(
    account: &str,
    what: &str,
    sac: &str,
    price: i64,
    rate: i64,
    itc: Itc,
) -> BillLineRequest {
    BillLineRequest {
        item_id: None,
        account_id: Some(account.into()),
        description: Some(what.into()),
        hsn_sac: Some(sac.into()),
        quantity: serde_json::json!(1),
        unit_price_paise: price,
        discount_paise: None,
        gst_rate_bp: Some(rate),
        itc: Some(itc),
    }
}

/// Seeds once (skipped when vendors exist); None when skipped.
pub fn seed(
    t: &Arc<TenantHandle>,
    owner_id: &str,
    branches: &[String],
) -> AppResult<Option<Seeded>> {
    type Found = (Option<i64>, Vec<(String, i64)>, Vec<(String, String)>);
    let (any, items, accounts): Found = t.db.read_blocking(|c| {
        let any = rusqlite::OptionalExtension::optional(c.query_row(
            "SELECT 1 FROM vendors LIMIT 1",
            [],
            |r| r.get(0),
        ))?;
        let mut stmt = c.prepare("SELECT id, unit_price_paise FROM items ORDER BY sku LIMIT 8")?;
        let items = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let mut stmt = c.prepare("SELECT code, id FROM accounts")?;
        let accounts = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok((any, items, accounts))
    })?;
    if any.is_some() || items.len() < 8 || branches.len() < 3 {
        return Ok(None);
    }
    let account = |code: &str| -> AppResult<String> {
        accounts
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, id)| id.clone())
            .ok_or_else(|| AppError::internal(format!("demo: no account {code}")))
    };
    let gstin = |state: &str, n: usize| {
        demo_gstin(state, n).ok_or_else(|| AppError::internal("demo vendor GSTIN"))
    };
    let actor = Actor {
        actor_id: Some(owner_id.to_string()),
        request_id: Some("demo-seed".into()),
        ip: None,
    };
    use VendorRegistration::*;
    let wholesale = vendor(
        t,
        &actor,
        "Shree Ganesh Wholesale Traders",
        Some(gstin("27", 201)?),
        "27",
        Regular,
    )?;
    let packaging = vendor(
        t,
        &actor,
        "Nandi Packaging Industries",
        Some(gstin("29", 202)?),
        "29",
        Regular,
    )?;
    let transport = vendor(t, &actor, "Sai Ram Roadways", None, "27", Unregistered)?;
    let caterer = vendor(
        t,
        &actor,
        "Annapurna Caterers",
        Some(gstin("27", 203)?),
        "27",
        Regular,
    )?;
    let stationer = vendor(
        t,
        &actor,
        "Shivam Stationers",
        Some(gstin("27", 204)?),
        "27",
        Composition,
    )?;

    let all = BranchScope::all();
    let today = clock::today();
    let (mum, blr) = (&branches[0], &branches[2]);
    let cost = |i: usize| items[i].1 * 7 / 10;
    let mut made: Vec<(String, i64)> = Vec::new();
    let mut bill = |vendor: &str,
                    branch: &str,
                    no: String,
                    day: time::Date,
                    rcm: bool,
                    lines: Vec<BillLineRequest>|
     -> AppResult<()> {
        let req = CreateBill {
            vendor_id: vendor.into(),
            branch_id: branch.into(),
            supplier_invoice_no: no,
            supplier_invoice_date: format_iso_date(day),
            posting_date: None,
            due_date: format_iso_date(day + Duration::days(30)),
            reverse_charge: Some(rcm),
            lines,
            notes: None,
        };
        let draft = bills::create(t, &all, &req, &actor)?;
        let posted = bills::post(t, &all, &draft.id, None, &actor)?;
        made.push((posted.id, posted.grand_total_paise));
        Ok(())
    };
    for month in 0..3i64 {
        let day = today - Duration::days(85 - month * 30);
        let m = usize::try_from(month).unwrap_or(0);
        bill(
            &wholesale,
            mum,
            format!("SGW/{}", 101 + month),
            day,
            false,
            vec![
                item_line(&items[m].0, 40, cost(m)),
                item_line(&items[m + 3].0, 25, cost(m + 3)),
            ],
        )?;
        bill(
            &packaging,
            mum,
            format!("NPI-{:04}", 7 + month),
            day + Duration::days(2),
            false,
            vec![item_line(&items[6].0, 100, cost(6))],
        )?;
        bill(
            &packaging,
            blr,
            format!("NPI-{:04}", 57 + month),
            day + Duration::days(3),
            false,
            vec![item_line(&items[7].0, 60, cost(7))],
        )?;
    }
    let last = today - Duration::days(20);
    bill(
        &transport,
        mum,
        "LR-4471".into(),
        last,
        true,
        vec![account_line(
            &account("5210")?,
            "Freight inward, goods transport (GTA)",
            "996511",
            1_850_000,
            500,
            Itc::Eligible,
        )],
    )?;
    bill(
        &caterer,
        mum,
        "AC/2026/318".into(),
        last + Duration::days(2),
        false,
        vec![account_line(
            &account("5350")?,
            "Staff lunch, annual stock-taking",
            "996334",
            2_400_000,
            500,
            Itc::Blocked,
        )],
    )?;
    bill(
        &stationer,
        mum,
        "SS-88".into(),
        last + Duration::days(4),
        false,
        vec![account_line(
            &account("5350")?,
            "Office stationery (bill of supply)",
            "4820",
            365_000,
            0,
            Itc::Ineligible,
        )],
    )?;
    // The first two months are paid, one bill of the third in part; the rest is open.
    let mut paid = 0;
    for (i, (id, total)) in made.iter().enumerate().take(7) {
        let amount = if i == 6 { total / 2 } else { *total };
        if amount <= 0 {
            continue;
        }
        let req = CreateVendorPayment {
            bill_id: id.clone(),
            amount_paise: amount,
            method: if i % 3 == 2 {
                PayMethod::Cheque
            } else {
                PayMethod::BankTransfer
            },
            reference: Some(format!("UTR{:06}", 240_100 + i)),
            paid_on: Some(format_iso_date(if i == 6 {
                today - Duration::days(10)
            } else {
                today - Duration::days(40 - i64::try_from(i).unwrap_or(0))
            })),
        };
        payments::record(t, &all, owner_id, &req, None, &actor)?;
        paid += 1;
    }
    let stocked = seed_stock(t, &actor, &wholesale, branches)?;
    let june = seed_june(
        t,
        &actor,
        &[&wholesale, &packaging, &caterer],
        &items,
        &account("5350")?,
        mum,
    )?;
    Ok(Some(Seeded {
        vendors: 5,
        bills: made.len() + 3 + june,
        payments: paid,
        stocked,
    }))
}
