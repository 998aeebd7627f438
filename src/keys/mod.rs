//! Tenant key store: the master key in memory, each tenant's wrapped keys in the control
//! DB, unwrapped key rings cached.

pub mod recovery;
pub mod rotate;

use std::sync::Arc;

use moka::sync::Cache;
use rusqlite::{params, Connection};

use crate::crypto::{CryptoError, MasterKey, TenantKeys};
use crate::db::Database;
use crate::error::{AppError, AppResult};

/// How long an unwrapped ring stays cached. `keys rotate` waits this long (plus a margin)
/// after adding a version before it deletes old ones, so any writer that took its ring
/// from this cache has reloaded it by then.
pub const RING_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(300);

pub struct KeyStore {
    master: MasterKey,
    /// The master key before `keys rotate-master`, while keys wrapped under it remain.
    previous: Option<MasterKey>,
    control: Arc<Database>,
    rings: Cache<String, Arc<TenantKeys>>,
}

fn crypto_err(e: CryptoError) -> AppError {
    AppError::internal(format!("key store: {e}"))
}

impl KeyStore {
    pub fn new(master: MasterKey, control: Arc<Database>) -> KeyStore {
        KeyStore::with_previous(master, None, control)
    }

    /// A key store that also reads tenant keys still wrapped under `previous` (during a
    /// master-key rotation). New keys are always wrapped under `master`.
    pub fn with_previous(
        master: MasterKey,
        previous: Option<MasterKey>,
        control: Arc<Database>,
    ) -> KeyStore {
        KeyStore {
            master,
            previous,
            control,
            // A bounded lifetime as a backstop: a ring cached before a rotation by another
            // process is dropped within minutes even where no reload is triggered.
            rings: Cache::builder()
                .max_capacity(1024)
                .time_to_live(RING_CACHE_TTL)
                .build(),
        }
    }

    pub fn master(&self) -> &MasterKey {
        &self.master
    }

    pub fn previous_master(&self) -> Option<&MasterKey> {
        self.previous.as_ref()
    }

    /// Creates and stores the first data key and the index key of a new tenant.
    pub fn provision_blocking(&self, tenant: &str) -> AppResult<()> {
        let (ring, wrapped) = TenantKeys::create(&self.master, tenant).map_err(crypto_err)?;
        let now = crate::clock::now_rfc3339();
        self.control.write_blocking(|tx| {
            tx.execute("DELETE FROM tenant_data_keys WHERE tenant = ?1", [tenant])?;
            tx.execute("DELETE FROM tenant_index_keys WHERE tenant = ?1", [tenant])?;
            tx.execute(
                "INSERT INTO tenant_data_keys (tenant, version, wrapped, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![tenant, wrapped.version, wrapped.data_key, now],
            )?;
            tx.execute(
                "INSERT INTO tenant_index_keys (tenant, wrapped, created_at) VALUES (?1, ?2, ?3)",
                params![tenant, wrapped.index_key, now],
            )?;
            Ok(())
        })?;
        self.rings.insert(tenant.to_string(), Arc::new(ring));
        Ok(())
    }

    /// The tenant's key ring (every live version; the newest is current).
    pub fn ring_blocking(&self, tenant: &str) -> AppResult<Arc<TenantKeys>> {
        if let Some(r) = self.rings.get(tenant) {
            return Ok(r);
        }
        let ring = self.control.read_blocking(|c| match &self.previous {
            // During `keys rotate-master` each wrapped key opens with one of the two.
            Some(previous) => load_ring_any(c, &[&self.master, previous], tenant),
            None => load_ring(c, &self.master, tenant),
        })?;
        let ring = Arc::new(ring);
        self.rings.insert(tenant.to_string(), Arc::clone(&ring));
        Ok(ring)
    }

    pub async fn ring(self: &Arc<Self>, tenant: &str) -> AppResult<Arc<TenantKeys>> {
        if let Some(r) = self.rings.get(tenant) {
            return Ok(r);
        }
        let me = Arc::clone(self);
        let t = tenant.to_string();
        rocket::tokio::task::spawn_blocking(move || me.ring_blocking(&t)).await?
    }

    /// The ring to encrypt with inside a tenant write transaction. `bisman keys rotate`
    /// runs in another process, so the cached ring may name an old current version: this
    /// asks the control DB which version is current (one indexed read) and reloads on a
    /// mismatch. Called with the tenant's write lock held, so once the rotation has taken
    /// that lock after adding its version, no write under the old version can follow,
    /// and a single re-encryption pass is enough.
    pub fn ring_for_write_blocking(&self, tenant: &str) -> AppResult<Arc<TenantKeys>> {
        let ring = self.ring_blocking(tenant)?;
        let current = self.control.read_blocking(|c| current_version(c, tenant))?;
        if current == Some(ring.current_version()) {
            return Ok(ring);
        }
        self.forget(tenant);
        self.ring_blocking(tenant)
    }

    /// Forgets a cached ring (after a rotation, or when a ciphertext names an unknown version).
    pub fn forget(&self, tenant: &str) {
        self.rings.invalidate(tenant);
    }
}

/// The newest live data-key version of a tenant (the one new writes must use).
pub fn current_version(c: &Connection, tenant: &str) -> AppResult<Option<u32>> {
    Ok(c.query_row(
        "SELECT max(version) FROM tenant_data_keys WHERE tenant = ?1 AND retired_at IS NULL",
        [tenant],
        |r| r.get(0),
    )?)
}

pub fn load_ring(c: &Connection, master: &MasterKey, tenant: &str) -> AppResult<TenantKeys> {
    let mut stmt = c.prepare_cached("SELECT version, wrapped FROM tenant_data_keys WHERE tenant = ?1 AND retired_at IS NULL ORDER BY version")?;
    let versions: Vec<(u32, Vec<u8>)> = stmt
        .query_map([tenant], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let current = versions
        .last()
        .map(|(v, _)| *v)
        .ok_or_else(|| AppError::internal(format!("tenant {tenant} has no data key")))?;
    let index: Vec<u8> = c.query_row(
        "SELECT wrapped FROM tenant_index_keys WHERE tenant = ?1",
        [tenant],
        |r| r.get(0),
    )?;
    TenantKeys::from_wrapped(master, tenant, current, versions, &index).map_err(crypto_err)
}

/// Like [`load_ring`], each wrapped key opened by whichever of `masters` opens it (while
/// `keys rotate-master` has re-wrapped some of a tenant's keys and not others).
pub fn load_ring_any(
    c: &Connection,
    masters: &[&MasterKey],
    tenant: &str,
) -> AppResult<TenantKeys> {
    use crate::crypto::{unwrap_data_key, unwrap_index_key};
    let mut stmt = c.prepare_cached("SELECT version, wrapped FROM tenant_data_keys WHERE tenant = ?1 AND retired_at IS NULL ORDER BY version")?;
    let versions: Vec<(u32, Vec<u8>)> = stmt
        .query_map([tenant], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let current = versions
        .last()
        .map(|(v, _)| *v)
        .ok_or_else(|| AppError::internal(format!("tenant {tenant} has no data key")))?;
    let mut keys = std::collections::BTreeMap::new();
    for (version, wrapped) in &versions {
        let key = masters
            .iter()
            .find_map(|m| unwrap_data_key(m, tenant, *version, wrapped).ok())
            .ok_or(CryptoError::Decrypt)
            .map_err(crypto_err)?;
        keys.insert(*version, key);
    }
    let index: Vec<u8> = c.query_row(
        "SELECT wrapped FROM tenant_index_keys WHERE tenant = ?1",
        [tenant],
        |r| r.get(0),
    )?;
    let index = masters
        .iter()
        .find_map(|m| unwrap_index_key(m, tenant, &index).ok())
        .ok_or(CryptoError::Decrypt)
        .map_err(crypto_err)?;
    TenantKeys::new(tenant, current, keys, index).map_err(crypto_err)
}
