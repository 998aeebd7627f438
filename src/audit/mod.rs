//! The tamper-evident audit trail of a tenant.
//!
//! Every event is appended inside the same transaction as the change it records (no
//! change without its event, no event without its change). Each event's `hash` is
//! SHA-256 over the previous hash and the event's canonical JSON, so altering, removing
//! or reordering any stored event breaks the chain from that point on. Triggers make the
//! table refuse UPDATE and DELETE.

pub mod repo;

use rusqlite::Connection;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::AppResult;

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who caused an event.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub actor_id: Option<String>,
    pub request_id: Option<String>,
    pub ip: Option<String>,
}

impl Actor {
    /// Who to record as a record's creator: the user, or `system`.
    pub fn id(&self) -> &str {
        self.actor_id.as_deref().unwrap_or("system")
    }

    pub fn system(request_id: Option<String>) -> Actor {
        Actor {
            actor_id: None,
            request_id,
            ip: None,
        }
    }
}

/// The fields covered by the hash, serialised in this fixed order.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditEvent {
    pub seq: i64,
    pub at: String,
    pub actor_id: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub request_id: Option<String>,
    pub ip: Option<String>,
    #[schema(value_type = Object)]
    pub changes: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Serialize)]
struct Canonical<'a> {
    seq: i64,
    at: &'a str,
    actor_id: Option<&'a str>,
    action: &'a str,
    entity: &'a str,
    entity_id: Option<&'a str>,
    request_id: Option<&'a str>,
    ip: Option<&'a str>,
    changes: &'a serde_json::Value,
}

pub fn compute_hash(prev_hash: &str, e: &AuditEvent) -> String {
    let canonical = Canonical {
        seq: e.seq,
        at: &e.at,
        actor_id: e.actor_id.as_deref(),
        action: &e.action,
        entity: &e.entity,
        entity_id: e.entity_id.as_deref(),
        request_id: e.request_id.as_deref(),
        ip: e.ip.as_deref(),
        changes: &e.changes,
    };
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(b"\n");
    h.update(serde_json::to_vec(&canonical).unwrap_or_default());
    hex::encode(h.finalize())
}

/// Appends one event in the caller's transaction. `changes` must already be masked.
pub fn append(
    conn: &Connection,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: Option<&str>,
    changes: serde_json::Value,
) -> AppResult<i64> {
    let (last_seq, prev_hash) = repo::head(conn)?;
    let mut event = AuditEvent {
        seq: last_seq + 1,
        at: crate::clock::now_rfc3339(),
        actor_id: actor.actor_id.clone(),
        action: action.to_string(),
        entity: entity.to_string(),
        entity_id: entity_id.map(str::to_string),
        request_id: actor.request_id.clone(),
        ip: actor.ip.clone(),
        changes,
        prev_hash: prev_hash.clone(),
        hash: String::new(),
    };
    event.hash = compute_hash(&prev_hash, &event);
    repo::insert(conn, &event)?;
    Ok(event.seq)
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Verification {
    pub ok: bool,
    pub events: i64,
    pub head_hash: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_bad_seq: Option<i64>,
}

/// Walks the whole chain; reports the first event that is altered, missing or out of order.
pub fn verify(conn: &Connection) -> AppResult<Verification> {
    let mut stmt = conn.prepare("SELECT seq, at, actor_id, action, entity, entity_id, request_id, ip, changes, prev_hash, hash FROM audit_events ORDER BY rowid")?;
    let mut rows = stmt.query([])?;
    let mut expected_seq = 1;
    let mut running = GENESIS_HASH.to_string();
    let mut events = 0;
    while let Some(row) = rows.next()? {
        let e = repo::from_row(row)?;
        events += 1;
        let recomputed = compute_hash(&running, &e);
        if e.seq != expected_seq || e.prev_hash != running || e.hash != recomputed {
            return Ok(Verification {
                ok: false,
                events,
                head_hash: running,
                first_bad_seq: Some(expected_seq.min(e.seq)),
            });
        }
        running = e.hash;
        expected_seq += 1;
    }
    Ok(Verification {
        ok: true,
        events,
        head_hash: running,
        first_bad_seq: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::embedded::TENANT_MIGRATIONS;
    use serde_json::json;

    fn db() -> Connection {
        let mut c = Connection::open_in_memory().expect("db");
        TENANT_MIGRATIONS.apply(&mut c).expect("migrate");
        c
    }

    #[test]
    fn chain_verifies_and_detects_edits_and_removals() {
        let c = db();
        for i in 0..5 {
            append(
                &c,
                &Actor::default(),
                "thing.created",
                "thing",
                Some(&format!("t{i}")),
                json!({"n": i}),
            )
            .expect("append");
        }
        let v = verify(&c).expect("verify");
        assert!(v.ok && v.events == 5);
        assert!(
            c.execute("UPDATE audit_events SET action = 'x' WHERE seq = 3", [])
                .is_err(),
            "trigger refuses UPDATE"
        );
        assert!(
            c.execute("DELETE FROM audit_events WHERE seq = 3", [])
                .is_err(),
            "trigger refuses DELETE"
        );
        c.execute_batch(
            "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;",
        )
        .expect("drop");
        c.execute(
            "UPDATE audit_events SET changes = '{\"n\":99}' WHERE seq = 3",
            [],
        )
        .expect("tamper");
        assert_eq!(verify(&c).expect("verify").first_bad_seq, Some(3));
    }

    #[test]
    fn removal_is_detected() {
        let c = db();
        for i in 0..4 {
            append(&c, &Actor::default(), "a", "e", None, json!({"i": i})).expect("append");
        }
        c.execute_batch(
            "DROP TRIGGER audit_events_no_delete; DELETE FROM audit_events WHERE seq = 2;",
        )
        .expect("delete");
        assert_eq!(verify(&c).expect("verify").first_bad_seq, Some(2));
    }
}
