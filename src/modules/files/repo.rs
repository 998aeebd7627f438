//! SQL for `files` and `file_chunks`.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::model::FileMeta;
use crate::error::AppResult;

const COLUMNS: &str =
    "id, entity, entity_id, filename, content_type, size, sha256, scan, created_by, created_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<FileMeta> {
    Ok(FileMeta {
        id: r.get(0)?,
        entity: r.get(1)?,
        entity_id: r.get(2)?,
        filename: r.get(3)?,
        content_type: r.get(4)?,
        size: r.get(5)?,
        sha256: r.get(6)?,
        scan: r.get(7)?,
        created_by: r.get(8)?,
        created_at: r.get(9)?,
    })
}

/// Inserts the row and its encrypted chunks; call inside the write transaction.
pub fn insert(c: &Connection, f: &FileMeta, chunks: &[Vec<u8>]) -> AppResult<()> {
    c.prepare_cached(
        "INSERT INTO files (id, entity, entity_id, filename, content_type, size, sha256, scan,
                            chunk_count, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        f.id,
        f.entity,
        f.entity_id,
        f.filename,
        f.content_type,
        f.size,
        f.sha256,
        f.scan,
        chunks.len() as i64,
        f.created_by,
        f.created_at
    ])?;
    let mut stmt =
        c.prepare_cached("INSERT INTO file_chunks (file_id, idx, data) VALUES (?1, ?2, ?3)")?;
    for (i, data) in chunks.iter().enumerate() {
        stmt.execute(params![f.id, i as i64, data])?;
    }
    Ok(())
}

pub fn get(c: &Connection, id: &str) -> AppResult<Option<FileMeta>> {
    Ok(
        c.prepare_cached(&format!("SELECT {COLUMNS} FROM files WHERE id = ?1"))?
            .query_row([id], from_row)
            .optional()?,
    )
}

/// Files of one employee or invoice, oldest first, after `after` (keyset).
pub fn list(
    c: &Connection,
    entity: &str,
    entity_id: &str,
    after: Option<&str>,
    limit: u32,
) -> AppResult<Vec<FileMeta>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM files
         WHERE entity = ?1 AND entity_id = ?2 AND (?3 IS NULL OR id > ?3)
         ORDER BY id LIMIT ?4"
    ))?;
    let rows = stmt
        .query_map(
            params![entity, entity_id, after, i64::from(limit) + 1],
            from_row,
        )?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// The encrypted chunks in order, with the count the file row promises (so a missing
/// tail is noticed, not served as a shorter file).
pub fn chunks(c: &Connection, id: &str) -> AppResult<(i64, Vec<Vec<u8>>)> {
    let count: i64 = c
        .prepare_cached("SELECT chunk_count FROM files WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?;
    let mut stmt =
        c.prepare_cached("SELECT data FROM file_chunks WHERE file_id = ?1 ORDER BY idx")?;
    let rows = stmt
        .query_map([id], |r| r.get::<_, Vec<u8>>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok((count, rows))
}

pub fn delete(c: &Connection, id: &str) -> AppResult<bool> {
    Ok(c.prepare_cached("DELETE FROM files WHERE id = ?1")?
        .execute([id])?
        == 1)
}
