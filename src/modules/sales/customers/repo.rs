//! SQL for customers.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::model::{Customer, CustomerFilter, Registration};
use crate::error::AppResult;

const COLUMNS: &str =
    "id, name, gstin, state_code, email, phone, billing_address, version, created_at, updated_at,
    registration, credit_balance_paise";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Customer> {
    Ok(Customer {
        id: r.get(0)?,
        name: r.get(1)?,
        gstin: r.get(2)?,
        state_code: r.get(3)?,
        email: r.get(4)?,
        phone: r.get(5)?,
        billing_address: r.get(6)?,
        version: r.get(7)?,
        created_at: r.get(8)?,
        updated_at: r.get(9)?,
        registration: Registration::parse(&r.get::<_, String>(10)?).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                10,
                rusqlite::types::Type::Text,
                "unknown registration".into(),
            )
        })?,
        credit_balance_paise: r.get(11)?,
    })
}

pub fn insert(c: &Connection, x: &Customer) -> AppResult<()> {
    c.prepare_cached(
        "INSERT INTO customers (id, name, gstin, state_code, email, phone, billing_address, registration,
           version, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9, ?9)",
    )?
    .execute(params![x.id, x.name, x.gstin, x.state_code, x.email, x.phone, x.billing_address,
        x.registration.as_str(), x.created_at])?;
    Ok(())
}

pub fn get(c: &Connection, id: &str) -> AppResult<Option<Customer>> {
    Ok(
        c.prepare_cached(&format!("SELECT {COLUMNS} FROM customers WHERE id = ?1"))?
            .query_row([id], from_row)
            .optional()?,
    )
}

/// Keyset page in id (creation) order; returns up to `limit + 1` rows.
pub fn list(c: &Connection, f: &CustomerFilter) -> AppResult<Vec<Customer>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM customers
         WHERE (?1 IS NULL OR id > ?1)
           AND (?2 IS NULL OR name LIKE ?2 ESCAPE '\\')
           AND (?3 IS NULL OR gstin = ?3)
         ORDER BY id LIMIT ?4"
    ))?;
    let rows = stmt.query_map(
        params![f.after, f.name_like, f.gstin, f.limit + 1],
        from_row,
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Writes every editable column and bumps the version.
pub fn update(c: &Connection, x: &Customer, now: &str) -> AppResult<()> {
    c.prepare_cached(
        "UPDATE customers SET name = ?2, gstin = ?3, state_code = ?4, email = ?5, phone = ?6,
         billing_address = ?7, registration = ?9, version = version + 1, updated_at = ?8 WHERE id = ?1",
    )?
    .execute(params![
        x.id,
        x.name,
        x.gstin,
        x.state_code,
        x.email,
        x.phone,
        x.billing_address,
        now,
        x.registration.as_str()
    ])?;
    Ok(())
}

/// Moves a customer's credit balance by `delta` paise (the CHECK refuses a negative one).
pub fn add_credit(c: &Connection, id: &str, delta: i64, now: &str) -> AppResult<()> {
    c.prepare_cached(
        "UPDATE customers SET credit_balance_paise = credit_balance_paise + ?2, updated_at = ?3 WHERE id = ?1",
    )?
    .execute(params![id, delta, now])?;
    Ok(())
}
