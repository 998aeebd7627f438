//! SQL for vendor payments. Reads join the bill so branch scope applies.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::model::{PayMethod, VendorPayment, VendorPaymentFilter};
use crate::db::filters::{arg, ListQuery};
use crate::error::AppResult;

const COLUMNS: &str = "p.id, p.bill_id, p.vendor_id, p.amount_paise, p.method, p.reference,
    p.paid_on, p.created_by, p.created_at,
    (SELECT j.id FROM journals j WHERE j.source_type = 'vendor_payment' AND j.source_id = p.id)";

fn from_row(r: &Row<'_>) -> rusqlite::Result<VendorPayment> {
    let method: String = r.get(4)?;
    Ok(VendorPayment {
        id: r.get(0)?,
        bill_id: r.get(1)?,
        vendor_id: r.get(2)?,
        amount_paise: r.get(3)?,
        method: PayMethod::parse(&method).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                4,
                rusqlite::types::Type::Text,
                "unknown payment method".into(),
            )
        })?,
        reference: r.get(5)?,
        paid_on: r.get(6)?,
        created_by: r.get(7)?,
        created_at: r.get(8)?,
        journal_id: r.get(9)?,
    })
}

pub fn insert(c: &Connection, p: &VendorPayment) -> AppResult<()> {
    c.prepare_cached(
        "INSERT INTO vendor_payments (id, bill_id, vendor_id, amount_paise, method, reference,
             paid_on, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        p.id,
        p.bill_id,
        p.vendor_id,
        p.amount_paise,
        p.method.as_str(),
        p.reference,
        p.paid_on,
        p.created_by,
        p.created_at
    ])?;
    Ok(())
}

/// A payment with the branch of its bill.
pub fn get(c: &Connection, id: &str) -> AppResult<Option<(VendorPayment, String)>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {COLUMNS}, b.branch_id FROM vendor_payments p JOIN bills b ON b.id = p.bill_id
             WHERE p.id = ?1"
    ))?
    .query_row([id], |r| Ok((from_row(r)?, r.get(10)?)))
    .optional()?)
}

/// Keyset page in id (creation) order with the filters; up to `limit + 1` rows.
pub fn list(c: &Connection, f: &VendorPaymentFilter) -> AppResult<Vec<VendorPayment>> {
    let mut q = ListQuery::new(&format!(
        "SELECT {COLUMNS} FROM vendor_payments p JOIN bills b ON b.id = p.bill_id"
    ));
    q.and("p.id >", arg(&f.after))
        .and("p.bill_id =", arg(&f.bill_id))
        .and("p.vendor_id =", arg(&f.vendor_id))
        .and("p.paid_on >=", arg(&f.from))
        .and("p.paid_on <=", arg(&f.to))
        .within("b.branch_id", arg(&f.scope));
    let limit = i64::from(f.limit) + 1;
    let (sql, args) = q.page("p.id", &limit);
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt.query_map(args.as_slice(), from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}
