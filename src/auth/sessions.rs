//! Issuing, rotating and revoking sessions.
//!
//! A login opens a *family*; each refresh spends the presented refresh token and issues
//! the next one in the same family. Presenting a spent token means it was stolen or
//! replayed, so the whole family is revoked — including the newest token the legitimate
//! client holds, which is the point: both parties must log in again.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::jwt::Claims;
use super::{Auth, ACCESS_TTL_SECS, REFRESH_TTL_SECS};
use crate::control::sessions::{self, NewFamily, RefreshRow};
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    pub refresh_expires_in: i64,
}

/// Who a session is for.
#[derive(Debug, Clone)]
pub struct Subject {
    pub scope: &'static str,
    pub tenant: Option<String>,
    pub user_id: String,
    pub epoch: i64,
    pub password_expired: bool,
}

pub fn hash_refresh(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_refresh_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    format!("rt_{}", URL_SAFE_NO_PAD.encode(bytes))
}

fn access_token(auth: &Auth, s: &Subject, family: &str, now: i64) -> String {
    auth.key.sign(&Claims {
        sub: s.user_id.clone(),
        tid: s.tenant.clone(),
        jti: uuid::Uuid::new_v4().to_string(),
        iat: now,
        exp: now + ACCESS_TTL_SECS,
        scope: s.scope.to_string(),
        fam: family.to_string(),
        ep: s.epoch,
        pwx: s.password_expired,
    })
}

/// Opens a new family and returns its first token pair.
pub fn open(auth: &Auth, s: &Subject, now: i64) -> AppResult<TokenPair> {
    let family = uuid::Uuid::new_v4().to_string();
    let refresh = new_refresh_token();
    let hash = hash_refresh(&refresh);
    auth.control.write_blocking(|tx| {
        sessions::create_family(
            tx,
            &NewFamily {
                id: &family,
                scope: s.scope,
                tenant: s.tenant.as_deref(),
                user_id: &s.user_id,
                now,
                expires_at: now + REFRESH_TTL_SECS,
            },
        )?;
        sessions::insert_refresh(tx, &hash, &family, now, now + REFRESH_TTL_SECS)
    })?;
    Ok(TokenPair {
        access_token: access_token(auth, s, &family, now),
        refresh_token: refresh,
        token_type: "Bearer",
        expires_in: ACCESS_TTL_SECS,
        refresh_expires_in: REFRESH_TTL_SECS,
    })
}

/// The user a refresh token was issued to, without spending it (None when unknown). Lets
/// the caller apply the per-user `/auth/*` limit before anything changes: a refused
/// request must not spend the token, or the client's retry would look like a replay.
pub fn owner_of(auth: &Auth, refresh_token: &str) -> AppResult<Option<String>> {
    let hash = hash_refresh(refresh_token);
    let row = auth
        .control
        .read_blocking(|c| sessions::find_refresh(c, &hash))?;
    Ok(row.map(|r| r.user_id))
}

/// Spends a refresh token. Unknown, expired, revoked or reused → 401 (reuse revokes the family).
pub fn spend(auth: &Auth, refresh_token: &str, now: i64) -> AppResult<RefreshRow> {
    let hash = hash_refresh(refresh_token);
    let outcome = auth.control.write_blocking(|tx| {
        let Some(row) = sessions::find_refresh(tx, &hash)? else {
            return Ok(Err(None));
        };
        if row.family_revoked || row.expires_at <= now {
            return Ok(Err(None));
        }
        if row.spent || !sessions::spend_refresh(tx, &hash, now)? {
            sessions::revoke_family(tx, &row.family_id, "refresh token reuse", now)?;
            return Ok(Err(Some(row.family_id)));
        }
        Ok(Ok(row))
    })?;
    match outcome {
        Ok(row) => Ok(row),
        Err(revoked) => {
            if let Some(family) = revoked {
                tracing::warn!(family = %family, "refresh token reuse detected; family revoked");
                auth.mark_revoked(None, &[family]);
            }
            Err(AppError::Unauthorized)
        }
    }
}

/// Issues the next pair in an existing family (after `spend`).
pub fn continue_family(auth: &Auth, s: &Subject, family: &str, now: i64) -> AppResult<TokenPair> {
    let refresh = new_refresh_token();
    let hash = hash_refresh(&refresh);
    auth.control.write_blocking(|tx| {
        sessions::insert_refresh(tx, &hash, family, now, now + REFRESH_TTL_SECS)
    })?;
    Ok(TokenPair {
        access_token: access_token(auth, s, family, now),
        refresh_token: refresh,
        token_type: "Bearer",
        expires_in: ACCESS_TTL_SECS,
        refresh_expires_in: REFRESH_TTL_SECS,
    })
}

/// Logout: the access token's jti and its whole family are revoked, persistently.
pub fn logout(auth: &Auth, jti: &str, family: &str, exp: i64, now: i64) -> AppResult<()> {
    auth.control.write_blocking(|tx| {
        sessions::revoke_jti(tx, jti, exp)?;
        sessions::revoke_family(tx, family, "logout", now)
    })?;
    auth.mark_revoked(Some(jti), &[family.to_string()]);
    Ok(())
}

/// Revokes every session of a user (password change, deactivation).
pub fn revoke_user(
    auth: &Auth,
    tenant: Option<&str>,
    user_id: &str,
    reason: &str,
    now: i64,
) -> AppResult<()> {
    let families = auth
        .control
        .write_blocking(|tx| sessions::revoke_user_families(tx, tenant, user_id, reason, now))?;
    auth.mark_revoked(None, &families);
    Ok(())
}
