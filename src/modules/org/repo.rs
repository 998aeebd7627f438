//! SQL for branches. Functions take a connection and know nothing of HTTP.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::model::Branch;
use crate::error::AppResult;

const COLUMNS: &str = "id, code, name, state_code, address, gstin, version, created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Branch> {
    Ok(Branch {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        state_code: r.get(3)?,
        address: r.get(4)?,
        gstin: r.get(5)?,
        version: r.get(6)?,
        created_at: r.get(7)?,
        updated_at: r.get(8)?,
    })
}

pub fn get(c: &Connection, id: &str) -> AppResult<Option<Branch>> {
    Ok(
        c.prepare_cached(&format!("SELECT {COLUMNS} FROM branches WHERE id = ?1"))?
            .query_row([id], from_row)
            .optional()?,
    )
}

pub fn exists(c: &Connection, id: &str) -> AppResult<bool> {
    Ok(c.prepare_cached("SELECT 1 FROM branches WHERE id = ?1")?
        .exists([id])?)
}

/// Keyset page by id; `scope` is a JSON array of allowed ids, or None for all.
pub fn list(
    c: &Connection,
    scope: Option<&str>,
    after: Option<&str>,
    limit: u32,
) -> AppResult<Vec<Branch>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM branches
         WHERE (?1 IS NULL OR id IN (SELECT value FROM json_each(?1))) AND (?2 IS NULL OR id > ?2)
         ORDER BY id LIMIT ?3"
    ))?;
    let rows = stmt.query_map(params![scope, after, limit + 1], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn insert(c: &Connection, b: &Branch) -> AppResult<()> {
    c.prepare_cached(
        "INSERT INTO branches (id, code, name, state_code, address, gstin, version, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?7)",
    )?
    .execute(params![b.id, b.code, b.name, b.state_code, b.address, b.gstin, b.created_at])?;
    Ok(())
}

/// Writes every editable column and bumps the version.
pub fn update(c: &Connection, b: &Branch, now: &str) -> AppResult<()> {
    c.prepare_cached(
        "UPDATE branches SET code = ?2, name = ?3, state_code = ?4, address = ?5, gstin = ?6,
         version = version + 1, updated_at = ?7 WHERE id = ?1",
    )?
    .execute(params![
        b.id,
        b.code,
        b.name,
        b.state_code,
        b.address,
        b.gstin,
        now
    ])?;
    Ok(())
}
