//! SQL for the audit table.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::{AuditEvent, GENESIS_HASH};
use crate::error::AppResult;

pub fn head(conn: &Connection) -> AppResult<(i64, String)> {
    Ok(conn
        .prepare_cached("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((0, GENESIS_HASH.to_string())))
}

pub fn insert(conn: &Connection, e: &AuditEvent) -> AppResult<()> {
    conn.prepare_cached(
        "INSERT INTO audit_events (seq, at, actor_id, action, entity, entity_id, request_id, ip, changes, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        e.seq,
        e.at,
        e.actor_id,
        e.action,
        e.entity,
        e.entity_id,
        e.request_id,
        e.ip,
        e.changes.to_string(),
        e.prev_hash,
        e.hash
    ])?;
    Ok(())
}

pub fn from_row(r: &Row<'_>) -> rusqlite::Result<AuditEvent> {
    let changes: String = r.get(8)?;
    Ok(AuditEvent {
        seq: r.get(0)?,
        at: r.get(1)?,
        actor_id: r.get(2)?,
        action: r.get(3)?,
        entity: r.get(4)?,
        entity_id: r.get(5)?,
        request_id: r.get(6)?,
        ip: r.get(7)?,
        changes: serde_json::from_str(&changes).unwrap_or(serde_json::Value::String(changes)),
        prev_hash: r.get(9)?,
        hash: r.get(10)?,
    })
}

#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub actor_id: Option<String>,
    pub action: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// Newest first: events with seq below this.
    pub before_seq: Option<i64>,
    pub limit: u32,
}

pub fn list(conn: &Connection, f: &AuditFilter) -> AppResult<Vec<AuditEvent>> {
    let sql = "SELECT seq, at, actor_id, action, entity, entity_id, request_id, ip, changes, prev_hash, hash FROM audit_events
        WHERE (?1 IS NULL OR entity = ?1) AND (?2 IS NULL OR entity_id = ?2) AND (?3 IS NULL OR actor_id = ?3)
          AND (?4 IS NULL OR action = ?4) AND (?5 IS NULL OR at >= ?5) AND (?6 IS NULL OR at < ?6)
          AND (?7 IS NULL OR seq < ?7)
        ORDER BY seq DESC LIMIT ?8";
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(
        params![
            f.entity,
            f.entity_id,
            f.actor_id,
            f.action,
            f.from,
            f.to,
            f.before_seq,
            f.limit + 1
        ],
        from_row,
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}
