//! Refresh-token families and revoked access tokens, persisted so that logout and
//! revocation survive restarts.

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::AppResult;

pub struct NewFamily<'a> {
    pub id: &'a str,
    pub scope: &'a str,
    pub tenant: Option<&'a str>,
    pub user_id: &'a str,
    pub now: i64,
    pub expires_at: i64,
}

pub fn create_family(conn: &Connection, f: &NewFamily<'_>) -> AppResult<()> {
    conn.execute(
        "INSERT INTO token_families (id, scope, tenant, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![f.id, f.scope, f.tenant, f.user_id, f.now, f.expires_at],
    )?;
    Ok(())
}

pub fn insert_refresh(
    conn: &Connection,
    token_hash: &str,
    family_id: &str,
    now: i64,
    expires_at: i64,
) -> AppResult<()> {
    conn.execute(
        "INSERT INTO refresh_tokens (token_hash, family_id, issued_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![token_hash, family_id, now, expires_at],
    )?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct RefreshRow {
    pub family_id: String,
    pub scope: String,
    pub tenant: Option<String>,
    pub user_id: String,
    pub expires_at: i64,
    pub spent: bool,
    pub family_revoked: bool,
}

pub fn find_refresh(conn: &Connection, token_hash: &str) -> AppResult<Option<RefreshRow>> {
    Ok(conn
        .prepare_cached(
            "SELECT f.id, f.scope, f.tenant, f.user_id, r.expires_at, r.spent_at IS NOT NULL, f.revoked_at IS NOT NULL
             FROM refresh_tokens r JOIN token_families f ON f.id = r.family_id WHERE r.token_hash = ?1",
        )?
        .query_row([token_hash], |r| {
            Ok(RefreshRow {
                family_id: r.get(0)?,
                scope: r.get(1)?,
                tenant: r.get(2)?,
                user_id: r.get(3)?,
                expires_at: r.get(4)?,
                spent: r.get(5)?,
                family_revoked: r.get(6)?,
            })
        })
        .optional()?)
}

/// Marks a refresh token spent; false if it was already spent (a concurrent refresh won).
pub fn spend_refresh(conn: &Connection, token_hash: &str, now: i64) -> AppResult<bool> {
    let n = conn.execute(
        "UPDATE refresh_tokens SET spent_at = ?2 WHERE token_hash = ?1 AND spent_at IS NULL",
        params![token_hash, now],
    )?;
    Ok(n == 1)
}

pub fn revoke_family(conn: &Connection, family_id: &str, reason: &str, now: i64) -> AppResult<()> {
    conn.execute(
        "UPDATE token_families SET revoked_at = ?2, revoked_reason = ?3 WHERE id = ?1 AND revoked_at IS NULL",
        params![family_id, now, reason],
    )?;
    Ok(())
}

/// Revokes every live family of one user (password change, deactivation).
pub fn revoke_user_families(
    conn: &Connection,
    tenant: Option<&str>,
    user_id: &str,
    reason: &str,
    now: i64,
) -> AppResult<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "UPDATE token_families SET revoked_at = ?3, revoked_reason = ?4
         WHERE tenant IS ?1 AND user_id = ?2 AND revoked_at IS NULL RETURNING id",
    )?;
    let ids = stmt.query_map(params![tenant, user_id, now, reason], |r| r.get(0))?;
    Ok(ids.collect::<Result<_, _>>()?)
}

pub fn family_revoked(conn: &Connection, family_id: &str) -> AppResult<bool> {
    let revoked: Option<bool> = conn
        .prepare_cached("SELECT revoked_at IS NOT NULL FROM token_families WHERE id = ?1")?
        .query_row([family_id], |r| r.get(0))
        .optional()?;
    // A family that does not exist is as good as revoked.
    Ok(revoked.unwrap_or(true))
}

pub fn revoke_jti(conn: &Connection, jti: &str, expires_at: i64) -> AppResult<()> {
    conn.execute(
        "INSERT OR IGNORE INTO revoked_tokens (jti, expires_at) VALUES (?1, ?2)",
        params![jti, expires_at],
    )?;
    Ok(())
}

pub fn jti_revoked(conn: &Connection, jti: &str) -> AppResult<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM revoked_tokens WHERE jti = ?1")?
        .exists([jti])?)
}

/// Deletes what can no longer matter: expired revocations, refresh tokens and families.
pub fn prune(conn: &Connection, now: i64) -> AppResult<usize> {
    let mut n = conn.execute("DELETE FROM revoked_tokens WHERE expires_at < ?1", [now])?;
    n += conn.execute("DELETE FROM refresh_tokens WHERE expires_at < ?1", [now])?;
    n += conn.execute(
        "DELETE FROM token_families WHERE expires_at < ?1 AND NOT EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.family_id = token_families.id)",
        [now],
    )?;
    Ok(n)
}
