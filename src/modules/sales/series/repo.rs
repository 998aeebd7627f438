//! SQL for series, their counters and the tenant's issued numbers.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::model::{DocType, SeriesRow};
use crate::error::AppResult;

const COLUMNS: &str = "id, branch_id, doc_type, prefix, version, created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<SeriesRow> {
    let t: String = r.get(2)?;
    Ok(SeriesRow {
        id: r.get(0)?,
        branch_id: r.get(1)?,
        doc_type: DocType::parse(&t).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                2,
                rusqlite::types::Type::Text,
                "unknown document type".into(),
            )
        })?,
        prefix: r.get(3)?,
        version: r.get(4)?,
        created_at: r.get(5)?,
        updated_at: r.get(6)?,
    })
}

pub fn of_branch(c: &Connection, branch_id: &str) -> AppResult<Vec<SeriesRow>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM doc_series WHERE branch_id = ?1 ORDER BY doc_type"
    ))?;
    let rows = stmt.query_map([branch_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn get(c: &Connection, id: &str) -> AppResult<Option<SeriesRow>> {
    Ok(
        c.prepare_cached(&format!("SELECT {COLUMNS} FROM doc_series WHERE id = ?1"))?
            .query_row([id], from_row)
            .optional()?,
    )
}

pub fn for_doc(c: &Connection, branch_id: &str, t: DocType) -> AppResult<Option<SeriesRow>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM doc_series WHERE branch_id = ?1 AND doc_type = ?2"
    ))?
    .query_row(params![branch_id, t.as_str()], from_row)
    .optional()?)
}

pub fn prefix_taken(c: &Connection, prefix: &str) -> AppResult<bool> {
    Ok(
        c.prepare_cached("SELECT 1 FROM doc_series WHERE prefix = ?1")?
            .exists([prefix])?,
    )
}

pub fn insert(c: &Connection, s: &SeriesRow) -> AppResult<()> {
    c.prepare_cached(
        "INSERT INTO doc_series (id, branch_id, doc_type, prefix, version, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5)",
    )?
    .execute(params![
        s.id,
        s.branch_id,
        s.doc_type.as_str(),
        s.prefix,
        s.created_at
    ])?;
    Ok(())
}

pub fn set_prefix(c: &Connection, id: &str, prefix: &str, now: &str) -> AppResult<()> {
    c.prepare_cached(
        "UPDATE doc_series SET prefix = ?2, version = version + 1, updated_at = ?3 WHERE id = ?1",
    )?
    .execute(params![id, prefix, now])?;
    Ok(())
}

/// The last sequence number used in a series' financial year (0 before the first).
pub fn last_seq(c: &Connection, series_id: &str, fy: &str) -> AppResult<i64> {
    Ok(
        c.prepare_cached("SELECT last_seq FROM doc_sequences WHERE series_id = ?1 AND fy = ?2")?
            .query_row(params![series_id, fy], |r| r.get(0))
            .optional()?
            .unwrap_or(0),
    )
}

/// Takes the next sequence number; runs in the issuing transaction, so a rollback gives
/// it back (no gaps).
pub fn bump(c: &Connection, series_id: &str, fy: &str) -> AppResult<i64> {
    Ok(c.prepare_cached(
        "INSERT INTO doc_sequences (series_id, fy, last_seq) VALUES (?1, ?2, 1)
             ON CONFLICT (series_id, fy) DO UPDATE SET last_seq = last_seq + 1
             RETURNING last_seq",
    )?
    .query_row(params![series_id, fy], |r| r.get(0))?)
}

/// Records an issued number; a number used before (by any document) is a UNIQUE error.
pub fn record_number(c: &Connection, number: &str, t: DocType, doc_id: &str) -> AppResult<()> {
    c.prepare_cached("INSERT INTO issued_numbers (number, doc_type, doc_id) VALUES (?1, ?2, ?3)")?
        .execute(params![number, t.as_str(), doc_id])?;
    Ok(())
}
