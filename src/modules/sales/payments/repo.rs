//! SQL for payments. Reads join the invoice so branch scope applies.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::model::{Payment, PaymentFilter, PaymentMethod};
use crate::error::AppResult;

const COLUMNS: &str = "p.id, p.invoice_id, p.amount_paise, p.method, p.reference, p.received_on, p.created_by, p.created_at, p.customer_id,
    (SELECT j.id FROM journals j WHERE j.source_type = 'payment' AND j.source_id = p.id)";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Payment> {
    let method: String = r.get(3)?;
    Ok(Payment {
        id: r.get(0)?,
        invoice_id: r.get(1)?,
        amount_paise: r.get(2)?,
        method: PaymentMethod::parse(&method).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                3,
                rusqlite::types::Type::Text,
                "unknown payment method".into(),
            )
        })?,
        reference: r.get(4)?,
        received_on: r.get(5)?,
        created_by: r.get(6)?,
        created_at: r.get(7)?,
        customer_id: r.get(8)?,
        journal_id: r.get(9)?,
    })
}

pub fn insert(c: &Connection, p: &Payment) -> AppResult<()> {
    c.prepare_cached(
        "INSERT INTO payments (id, invoice_id, customer_id, amount_paise, method, reference, received_on, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![p.id, p.invoice_id, p.customer_id, p.amount_paise, p.method.as_str(), p.reference, p.received_on, p.created_by, p.created_at])?;
    Ok(())
}

/// A payment with the branch of its invoice.
pub fn get(c: &Connection, id: &str) -> AppResult<Option<(Payment, String)>> {
    Ok(c
        .prepare_cached(&format!(
            "SELECT {COLUMNS}, i.branch_id FROM payments p JOIN invoices i ON i.id = p.invoice_id WHERE p.id = ?1"
        ))?
        .query_row([id], |r| Ok((from_row(r)?, r.get(10)?)))
        .optional()?)
}

/// Keyset page in id (creation) order with the filters; up to `limit + 1` rows.
pub fn list(c: &Connection, f: &PaymentFilter) -> AppResult<Vec<Payment>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM payments p JOIN invoices i ON i.id = p.invoice_id
         WHERE (?1 IS NULL OR p.id > ?1)
           AND (?2 IS NULL OR i.branch_id IN (SELECT value FROM json_each(?2)))
           AND (?3 IS NULL OR p.invoice_id = ?3)
           AND (?4 IS NULL OR p.received_on >= ?4)
           AND (?5 IS NULL OR p.received_on <= ?5)
         ORDER BY p.id LIMIT ?6"
    ))?;
    let rows = stmt.query_map(
        params![f.after, f.scope, f.invoice_id, f.from, f.to, f.limit + 1],
        from_row,
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}
