//! The tenant registry: control DB + cache of open tenant databases.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use moka::sync::Cache;

use crate::control::tenants::{self, TenantRecord, TenantStatus};
use crate::db::embedded::TENANT_MIGRATIONS;
use crate::db::{Database, OpenError};
use crate::domain::TenantSlug;
use crate::error::{AppError, AppResult};
use crate::metrics;

/// An open tenant: its database and a generation counter that invalidates cached
/// permissions whenever a role or a user's assignment changes.
pub struct TenantHandle {
    pub slug: String,
    pub db: Arc<Database>,
    auth_generation: AtomicU64,
}

impl TenantHandle {
    pub fn auth_generation(&self) -> u64 {
        self.auth_generation.load(Ordering::Acquire)
    }

    /// Call after any change to roles, role permissions, user roles, branches or status.
    pub fn bump_auth_generation(&self) {
        self.auth_generation.fetch_add(1, Ordering::AcqRel);
    }
}

pub struct Tenants {
    control: Arc<Database>,
    dir: PathBuf,
    open: Cache<String, Arc<TenantHandle>>,
    records: Cache<String, Option<TenantRecord>>,
    readers_per_tenant: u32,
    slow_query: Duration,
    creation: std::sync::Mutex<()>,
}

impl Tenants {
    pub fn new(
        control: Arc<Database>,
        dir: PathBuf,
        max_open: u64,
        idle: Duration,
        slow_query: Duration,
    ) -> Tenants {
        Tenants {
            control,
            dir,
            open: Cache::builder()
                .max_capacity(max_open)
                .time_to_idle(idle)
                .build(),
            // Short TTL: a suspend done by another process (the CLI) is seen within seconds.
            records: Cache::builder()
                .max_capacity(10_000)
                .time_to_live(Duration::from_secs(5))
                .build(),
            // Readers open on demand (min_idle 0): with 500 tenants open under a spread load
            // each tenant held one reader, so this cap costs nothing there (measured: the
            // same 2,523 fds and ~390 MB with a cap of 2 or 4) and lets one busy tenant
            // run four reads at once.
            readers_per_tenant: 4,
            slow_query,
            creation: std::sync::Mutex::new(()),
        }
    }

    pub fn control(&self) -> &Arc<Database> {
        &self.control
    }

    pub fn file_path(&self, slug: &TenantSlug) -> PathBuf {
        self.dir.join(slug.as_str()).join("tenant.db")
    }

    /// The tenant's control record, cached for a few seconds.
    pub fn record_blocking(&self, slug: &str) -> AppResult<Option<TenantRecord>> {
        if let Some(r) = self.records.get(slug) {
            metrics::global().cache_hits.inc();
            return Ok(r);
        }
        metrics::global().cache_misses.inc();
        let r = self.control.read_blocking(|c| tenants::find(c, slug))?;
        self.records.insert(slug.to_string(), r.clone());
        Ok(r)
    }

    pub async fn record(self: &Arc<Self>, slug: &str) -> AppResult<Option<TenantRecord>> {
        let me = Arc::clone(self);
        let slug = slug.to_string();
        rocket::tokio::task::spawn_blocking(move || me.record_blocking(&slug)).await?
    }

    /// An active tenant's open database. Unknown → NotFound; suspended → TenantSuspended.
    pub fn active_blocking(&self, slug: &str) -> AppResult<Arc<TenantHandle>> {
        let record = self.record_blocking(slug)?.ok_or(AppError::NotFound)?;
        if record.status == TenantStatus::Suspended {
            // Suspended by another process (the CLI): close its pool once we notice.
            self.close(slug);
            return Err(AppError::TenantSuspended);
        }
        self.open_blocking(slug)
    }

    pub async fn active(self: &Arc<Self>, slug: &str) -> AppResult<Arc<TenantHandle>> {
        if let Some(h) = self.open.get(slug) {
            // Fast path: open pool; the status still comes from the (cached) record.
            if let Some(Some(r)) = self.records.get(slug) {
                metrics::global().cache_hits.inc();
                return if r.status == TenantStatus::Suspended {
                    self.close(slug);
                    Err(AppError::TenantSuspended)
                } else {
                    Ok(h)
                };
            }
        }
        let me = Arc::clone(self);
        let slug = slug.to_string();
        rocket::tokio::task::spawn_blocking(move || me.active_blocking(&slug)).await?
    }

    /// Opens (or reuses) a tenant database regardless of status. A corrupt or foreign file
    /// gives 503 for this tenant only.
    pub fn open_blocking(&self, slug: &str) -> AppResult<Arc<TenantHandle>> {
        if let Some(h) = self.open.get(slug) {
            metrics::global().cache_hits.inc();
            return Ok(h);
        }
        metrics::global().cache_misses.inc();
        let parsed = TenantSlug::parse(slug).map_err(|_| AppError::NotFound)?;
        let path = self.file_path(&parsed);
        if !path.exists() {
            return Err(AppError::TenantUnavailable(format!(
                "tenant file {} is missing",
                path.display()
            )));
        }
        let handle = self
            .open
            .try_get_with(slug.to_string(), || {
                let db = Database::open(
                    &path,
                    &TENANT_MIGRATIONS,
                    self.readers_per_tenant,
                    self.slow_query,
                )?;
                Ok::<_, OpenError>(Arc::new(TenantHandle {
                    slug: slug.to_string(),
                    db: Arc::new(db),
                    auth_generation: AtomicU64::new(0),
                }))
            })
            .map_err(|e: Arc<OpenError>| {
                tracing::error!(tenant = slug, error = %e, "tenant database unavailable");
                AppError::TenantUnavailable(e.to_string())
            });
        // moka evicts in batches; under churn the cache ran far past its capacity (1,283
        // fds with a cap of 64 in the benchmark). Evict now, so the cap bounds open files.
        self.open.run_pending_tasks();
        handle
    }

    /// Creates the tenant file, migrates it and runs `seed` in its first transaction, then
    /// records the tenant in the control DB. Nothing is left behind if any step fails.
    pub fn create_blocking(
        &self,
        slug: &TenantSlug,
        name: &str,
        seed: impl FnOnce(&rusqlite::Transaction) -> AppResult<()>,
    ) -> AppResult<Arc<TenantHandle>> {
        let _guard = self
            .creation
            .lock()
            .map_err(|_| AppError::internal("tenant creation lock poisoned"))?;
        if self
            .control
            .read_blocking(|c| tenants::find(c, slug.as_str()))?
            .is_some()
        {
            return Err(AppError::Conflict(format!(
                "tenant '{slug}' already exists"
            )));
        }
        let dir = self.dir.join(slug.as_str());
        if dir.exists() {
            return Err(AppError::Conflict(format!(
                "a directory for tenant '{slug}' already exists in the data dir; move it away first"
            )));
        }
        std::fs::create_dir_all(&dir).map_err(io_error)?;
        let created = (|| {
            let db = Database::open(
                &dir.join("tenant.db"),
                &TENANT_MIGRATIONS,
                self.readers_per_tenant,
                self.slow_query,
            )
            .map_err(|e| AppError::internal(e.to_string()))?;
            db.write_blocking(seed)?;
            let now = crate::clock::now_rfc3339();
            self.control
                .write_blocking(|tx| tenants::insert(tx, slug.as_str(), name, &now))?;
            Ok(db)
        })();
        match created {
            Ok(db) => {
                self.records.invalidate(slug.as_str());
                let handle = Arc::new(TenantHandle {
                    slug: slug.to_string(),
                    db: Arc::new(db),
                    auth_generation: AtomicU64::new(0),
                });
                self.open.insert(slug.to_string(), Arc::clone(&handle));
                Ok(handle)
            }
            Err(e) => {
                let _ = std::fs::remove_dir_all(&dir);
                Err(e)
            }
        }
    }

    /// Returns the updated record, or NotFound.
    pub fn set_status_blocking(&self, slug: &str, status: TenantStatus) -> AppResult<TenantRecord> {
        let now = crate::clock::now_rfc3339();
        let found = self
            .control
            .write_blocking(|tx| tenants::set_status(tx, slug, status, &now))?;
        self.records.invalidate(slug);
        if !found {
            return Err(AppError::NotFound);
        }
        if status == TenantStatus::Suspended {
            self.close(slug);
        }
        self.record_blocking(slug)?.ok_or(AppError::NotFound)
    }

    pub fn list_blocking(&self) -> AppResult<Vec<TenantRecord>> {
        self.control.read_blocking(tenants::list)
    }

    /// Drops a tenant's pool from the registry. Its connections close (and SQLite
    /// checkpoints the WAL) as soon as in-flight requests release their handles; a
    /// suspended tenant then holds no file descriptors or cache memory.
    pub fn close(&self, slug: &str) {
        if self.open.contains_key(slug) {
            self.open.invalidate(slug);
            tracing::info!(tenant = slug, "tenant pool closed (suspended)");
        }
    }

    /// Number of tenant databases open right now.
    pub fn open_count(&self) -> u64 {
        self.open.run_pending_tasks();
        self.open.entry_count()
    }

    /// Every open tenant (for shutdown checkpoints and maintenance).
    pub fn open_handles(&self) -> Vec<Arc<TenantHandle>> {
        self.open.iter().map(|(_, h)| h).collect()
    }

    /// Checkpoints every open tenant WAL and the control DB; returns how many succeeded.
    pub fn checkpoint_all(&self) -> usize {
        let mut ok = 0;
        for h in self.open_handles() {
            match h.db.checkpoint() {
                Ok(()) => ok += 1,
                Err(e) => tracing::warn!(tenant = %h.slug, error = %e, "checkpoint failed"),
            }
        }
        if let Err(e) = self.control.checkpoint() {
            tracing::warn!(error = %e, "control checkpoint failed");
        }
        ok
    }
}

fn io_error(e: std::io::Error) -> AppError {
    if e.raw_os_error() == Some(28) {
        AppError::InsufficientStorage
    } else {
        AppError::internal(e)
    }
}
