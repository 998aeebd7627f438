//! Authentication and authorisation: tokens, passwords, sessions, rate limits, guards.

pub mod guards;
pub mod jwt;
pub mod limits;
pub mod password;
pub mod permissions;
pub mod principal;
pub mod sessions;

use std::sync::Arc;
use std::time::Duration;

use moka::sync::Cache;

pub use guards::{AnyTenantUser, SystemAdmin, TenantUser};
pub use principal::Principal;

use crate::db::Database;
use crate::error::AppResult;
use crate::metrics;

pub const ACCESS_TTL_SECS: i64 = 3600;
pub const REFRESH_TTL_SECS: i64 = 7 * 24 * 3600;

/// Shared auth state: signing key, limiters and the caches in front of the control DB.
pub struct Auth {
    pub key: jwt::JwtKey,
    pub limits: Arc<limits::Limits>,
    pub control: Arc<Database>,
    /// `j:<jti>` / `f:<family>` → revoked? Revocations made here update it at once.
    revoked: Cache<String, bool>,
    /// (tenant, user, auth generation) → the user's roles and permissions.
    principals: Cache<(String, String, u64), Arc<Principal>>,
    pub password_max_age_days: u32,
    /// Production with no replica configured: owners are told on sign-in (`Me`).
    pub backups_missing: bool,
}

impl Auth {
    pub fn new(
        secret: &[u8],
        limits: Arc<limits::Limits>,
        control: Arc<Database>,
        password_max_age_days: u32,
    ) -> Auth {
        Auth {
            key: jwt::JwtKey::new(secret),
            limits,
            control,
            revoked: Cache::builder()
                .max_capacity(100_000)
                .time_to_live(Duration::from_secs(300))
                .build(),
            principals: Cache::builder()
                .max_capacity(10_000)
                .time_to_idle(Duration::from_secs(600))
                .build(),
            password_max_age_days,
            backups_missing: false,
        }
    }

    /// Is this access token (or its family) revoked? Cached; the control DB is the truth.
    /// The revocation state from the cache alone, when both the token and its family are
    /// in it (the usual case): no database read, so no hand-off to a blocking thread.
    pub fn revoked_cached(&self, jti: &str, family: &str) -> Option<bool> {
        let token = self.revoked.get(&format!("j:{jti}"))?;
        let fam = self.revoked.get(&format!("f:{family}"))?;
        metrics::global().cache_hits.inc();
        Some(token || fam)
    }

    pub fn is_revoked_blocking(&self, jti: &str, family: &str) -> AppResult<bool> {
        for key in [format!("j:{jti}"), format!("f:{family}")] {
            let revoked = match self.revoked.get(&key) {
                Some(v) => {
                    metrics::global().cache_hits.inc();
                    v
                }
                None => {
                    metrics::global().cache_misses.inc();
                    let v = self.control.read_blocking(|c| {
                        if let Some(j) = key.strip_prefix("j:") {
                            crate::control::sessions::jti_revoked(c, j)
                        } else {
                            crate::control::sessions::family_revoked(c, &key[2..])
                        }
                    })?;
                    self.revoked.insert(key.clone(), v);
                    v
                }
            };
            if revoked {
                return Ok(true);
            }
        }
        Ok(false)
    }

    pub fn mark_revoked(&self, jti: Option<&str>, families: &[String]) {
        if let Some(j) = jti {
            self.revoked.insert(format!("j:{j}"), true);
        }
        for f in families {
            self.revoked.insert(format!("f:{f}"), true);
        }
    }

    pub fn cached_principal(&self, key: &(String, String, u64)) -> Option<Arc<Principal>> {
        let p = self.principals.get(key);
        if p.is_some() {
            metrics::global().cache_hits.inc();
        } else {
            metrics::global().cache_misses.inc();
        }
        p
    }

    pub fn cache_principal(&self, key: (String, String, u64), p: Arc<Principal>) {
        self.principals.insert(key, p);
    }
}
