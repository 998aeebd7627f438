//! Stored responses of requests made with an `Idempotency-Key`, per user and key.
//!
//! A key is kept at least 24 hours (pruned once older than 48), so a client can retry
//! across a restart of the appliance and still get the original response.

use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::error::AppResult;

/// Keys older than this are removed.
pub const KEEP_SECS: i64 = 48 * 3600;

pub struct Saved {
    pub request_hash: String,
    pub status: u16,
    pub body: String,
}

/// SHA-256 of the route and the canonical (re-serialized) request body.
pub fn fingerprint(route: &str, canonical_body: &str) -> String {
    let mut h = Sha256::new();
    h.update(route.as_bytes());
    h.update(b"\n");
    h.update(canonical_body.as_bytes());
    hex::encode(h.finalize())
}

pub fn find(c: &Connection, user_id: &str, key: &str) -> AppResult<Option<Saved>> {
    Ok(c
        .prepare_cached(
            "SELECT request_hash, response_status, response_body FROM idempotency_keys WHERE user_id = ?1 AND idem_key = ?2",
        )?
        .query_row(params![user_id, key], |r| {
            Ok(Saved {
                request_hash: r.get(0)?,
                status: r.get(1)?,
                body: r.get(2)?,
            })
        })
        .optional()?)
}

pub fn save(
    c: &Connection,
    user_id: &str,
    key: &str,
    saved: &Saved,
    now_unix: i64,
) -> AppResult<()> {
    c.prepare_cached(
        "INSERT INTO idempotency_keys (user_id, idem_key, request_hash, response_status, response_body, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![user_id, key, saved.request_hash, saved.status, saved.body, now_unix])?;
    Ok(())
}

/// Removes keys older than [`KEEP_SECS`]; returns how many.
pub fn prune(c: &Connection, now_unix: i64) -> AppResult<usize> {
    Ok(
        c.prepare_cached("DELETE FROM idempotency_keys WHERE created_at < ?1")?
            .execute([now_unix - KEEP_SECS])?,
    )
}

/// What the client gets: the status code and body, and whether it is a replay.
pub struct Recorded {
    pub status: u16,
    pub body: serde_json::Value,
    pub replayed: bool,
}

/// Runs `create` (which answers 201 with what it made) at most once per user and key, in
/// one write transaction of the tenant: a retry of the same request (`route` and `req`,
/// re-serialized) gets the stored original response and a different request under the
/// same key is refused. Only successful responses are stored: a refused request may be
/// retried and is decided afresh.
pub fn record<R: serde::Serialize, T: serde::Serialize>(
    tenant: &crate::tenancy::TenantHandle,
    route: &str,
    req: &R,
    user_id: &str,
    key: Option<&str>,
    create: impl FnOnce(&Connection) -> crate::error::AppResult<T>,
) -> crate::error::AppResult<Recorded> {
    use crate::error::AppError;
    let canonical = serde_json::to_string(req).map_err(AppError::internal)?;
    let hash = fingerprint(route, &canonical);
    let now = crate::clock::unix_now();
    tenant.db.write_blocking(|tx| {
        once(tx, user_id, key, &hash, now, || {
            serde_json::to_value(create(tx)?).map_err(AppError::internal)
        })
    })
}

fn once(
    c: &Connection,
    user_id: &str,
    key: Option<&str>,
    fingerprint: &str,
    now_unix: i64,
    create: impl FnOnce() -> crate::error::AppResult<serde_json::Value>,
) -> crate::error::AppResult<Recorded> {
    use crate::error::AppError;
    prune(c, now_unix)?;
    if let Some(k) = key {
        if let Some(saved) = find(c, user_id, k)? {
            if saved.request_hash != fingerprint {
                return Err(AppError::IdempotencyMismatch);
            }
            let body = serde_json::from_str(&saved.body).map_err(AppError::internal)?;
            return Ok(Recorded {
                status: saved.status,
                body,
                replayed: true,
            });
        }
    }
    let body = create()?;
    if let Some(k) = key {
        let saved = Saved {
            request_hash: fingerprint.to_string(),
            status: 201,
            body: body.to_string(),
        };
        save(c, user_id, k, &saved, now_unix)?;
    }
    Ok(Recorded {
        status: 201,
        body,
        replayed: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::embedded::TENANT_MIGRATIONS;

    #[test]
    fn keys_live_48_hours() {
        let mut c = Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        TENANT_MIGRATIONS
            .apply(&mut c)
            .unwrap_or_else(|e| panic!("{e}"));
        let s = |h: &str| Saved {
            request_hash: h.into(),
            status: 201,
            body: "{}".into(),
        };
        save(&c, "u", "old", &s("a"), 1_000).unwrap_or_else(|e| panic!("{e:?}"));
        save(&c, "u", "new", &s("b"), 1_000 + KEEP_SECS).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(prune(&c, 1_001 + KEEP_SECS).ok(), Some(1));
        assert!(find(&c, "u", "old").ok().flatten().is_none());
        assert_eq!(
            find(&c, "u", "new").ok().flatten().map(|x| x.request_hash),
            Some("b".into())
        );
        assert_ne!(fingerprint("r", "{}"), fingerprint("r", "{ }"));
    }
}
