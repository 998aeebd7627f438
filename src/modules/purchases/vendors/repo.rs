//! SQL for vendors.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::model::{Vendor, VendorFilter, VendorRegistration};
use crate::db::filters::{arg, ListQuery};
use crate::error::AppResult;

const COLUMNS: &str = "id, name, gstin, state_code, email, phone, billing_address, registration,
    version, created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Vendor> {
    Ok(Vendor {
        id: r.get(0)?,
        name: r.get(1)?,
        gstin: r.get(2)?,
        state_code: r.get(3)?,
        email: r.get(4)?,
        phone: r.get(5)?,
        billing_address: r.get(6)?,
        registration: VendorRegistration::parse(&r.get::<_, String>(7)?).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                7,
                rusqlite::types::Type::Text,
                "unknown registration".into(),
            )
        })?,
        version: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
    })
}

pub fn insert(c: &Connection, x: &Vendor) -> AppResult<()> {
    c.prepare_cached(
        "INSERT INTO vendors (id, name, gstin, state_code, email, phone, billing_address,
             registration, version, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9, ?9)",
    )?
    .execute(params![
        x.id,
        x.name,
        x.gstin,
        x.state_code,
        x.email,
        x.phone,
        x.billing_address,
        x.registration.as_str(),
        x.created_at
    ])?;
    Ok(())
}

pub fn get(c: &Connection, id: &str) -> AppResult<Option<Vendor>> {
    Ok(
        c.prepare_cached(&format!("SELECT {COLUMNS} FROM vendors WHERE id = ?1"))?
            .query_row([id], from_row)
            .optional()?,
    )
}

/// Keyset page in id (creation) order; returns up to `limit + 1` rows.
pub fn list(c: &Connection, f: &VendorFilter) -> AppResult<Vec<Vendor>> {
    let mut q = ListQuery::new(&format!("SELECT {COLUMNS} FROM vendors"));
    q.and("id >", arg(&f.after))
        .and_with("name LIKE ? ESCAPE '\\'", arg(&f.name_like))
        .and("gstin =", arg(&f.gstin));
    let limit = i64::from(f.limit) + 1;
    let (sql, args) = q.page("id", &limit);
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt.query_map(args.as_slice(), from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Writes every editable column and bumps the version.
pub fn update(c: &Connection, x: &Vendor, now: &str) -> AppResult<()> {
    c.prepare_cached(
        "UPDATE vendors SET name = ?2, gstin = ?3, state_code = ?4, email = ?5, phone = ?6,
             billing_address = ?7, registration = ?8, version = version + 1, updated_at = ?9
         WHERE id = ?1",
    )?
    .execute(params![
        x.id,
        x.name,
        x.gstin,
        x.state_code,
        x.email,
        x.phone,
        x.billing_address,
        x.registration.as_str(),
        now
    ])?;
    Ok(())
}
