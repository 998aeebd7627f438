//! Routine upkeep inside `serve` (every `BISMAN_MAINTENANCE_INTERVAL`, default 1 h):
//! - control DB: delete expired revoked-token rows, expired refresh tokens and token
//!   families with no refresh token left (nothing can present them any more);
//! - every open tenant: delete idempotency keys older than their 48 h window;
//! - `PRAGMA optimize` on the control DB and every open tenant file, so the query
//!   planner's statistics follow the data (cheap: SQLite only analyzes what changed);
//! - `PRAGMA quick_check` of every open tenant file on a read-only connection (it does
//!   not block writers in WAL mode); a damaged file is logged at error level and counted
//!   in `bisman_integrity_failures_total`, long before a restore drill or a user trips on it.
//!
//! The audit trail is never touched: the database refuses UPDATE and DELETE on it, and
//! retention (at least 7 years) means keeping every event.
//! Closed tenant pools are skipped; they are optimized the next time they are open.

use std::sync::Arc;
use std::time::Duration;

use crate::control::sessions;
use crate::db::Database;
use crate::error::{AppError, AppResult};
use crate::modules::sales::payments::idempotency;
use crate::tenancy::Tenants;

/// What one round did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Rows deleted from the control DB (revocations, refresh tokens, families).
    pub control_pruned: usize,
    /// Idempotency keys deleted, over all tenants.
    pub idempotency_pruned: usize,
    /// Tenant files optimized.
    pub tenants_optimized: usize,
    /// Problems (one per database), logged and otherwise ignored.
    pub errors: Vec<String>,
}

fn optimize(db: &Database) -> AppResult<()> {
    db.with_writer(|c| {
        c.execute_batch("PRAGMA optimize")?;
        Ok(())
    })
}

/// Pruning and optimizing of the control DB.
pub fn control(db: &Database, now_unix: i64) -> AppResult<usize> {
    let n = db.write_blocking(|tx| sessions::prune(tx, now_unix))?;
    optimize(db)?;
    Ok(n)
}

/// Pruning, optimizing and a quick integrity check of one tenant file.
pub fn tenant(db: &Database, now_unix: i64) -> AppResult<usize> {
    let n = db.write_blocking(|tx| idempotency::prune(tx, now_unix))?;
    optimize(db)?;
    quick_check(db)?;
    Ok(n)
}

/// Database files whose last integrity check failed (for the operator e-mail alerts).
static DAMAGED: std::sync::Mutex<std::collections::BTreeSet<String>> =
    std::sync::Mutex::new(std::collections::BTreeSet::new());

/// The files whose most recent integrity check failed.
pub fn damaged_files() -> Vec<String> {
    DAMAGED
        .lock()
        .map(|d| d.iter().cloned().collect())
        .unwrap_or_default()
}

/// `PRAGMA quick_check`: Ok, or an error naming the first problems SQLite found.
pub fn quick_check(db: &Database) -> AppResult<()> {
    let problems: Vec<String> = db.read_blocking(|c| {
        let mut stmt = c.prepare("PRAGMA quick_check(5)")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    })?;
    let name = db.path().display().to_string();
    if problems.len() == 1 && problems[0] == "ok" {
        if let Ok(mut d) = DAMAGED.lock() {
            d.remove(&name);
        }
        return Ok(());
    }
    if let Ok(mut d) = DAMAGED.lock() {
        d.insert(name);
    }
    crate::metrics::global().integrity_failures.inc();
    tracing::error!(db = %db.path().display(), problems = ?problems, "integrity check failed");
    Err(AppError::internal(format!(
        "integrity check failed: {}",
        problems.join("; ")
    )))
}

/// One round over the control DB and every open tenant.
pub fn run_once(tenants: &Tenants, now_unix: i64) -> Report {
    let mut r = Report::default();
    match control(tenants.control(), now_unix) {
        Ok(n) => r.control_pruned = n,
        Err(e) => r.errors.push(format!("control: {e}")),
    }
    for h in tenants.open_handles() {
        match tenant(&h.db, now_unix) {
            Ok(n) => {
                r.idempotency_pruned += n;
                r.tenants_optimized += 1;
            }
            Err(e) => r.errors.push(format!("tenant {}: {e}", h.slug)),
        }
    }
    r
}

/// The maintenance loop of `serve`.
pub async fn schedule(tenants: Arc<Tenants>, every: Duration) {
    let mut tick = rocket::tokio::time::interval(every);
    tick.tick().await; // the first tick is immediate; start after one interval
    loop {
        tick.tick().await;
        let t = Arc::clone(&tenants);
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        match rocket::tokio::task::spawn_blocking(move || run_once(&t, now)).await {
            Ok(r) => {
                for e in &r.errors {
                    tracing::warn!(error = %e, "maintenance step failed");
                }
                tracing::info!(
                    control_pruned = r.control_pruned,
                    idempotency_pruned = r.idempotency_pruned,
                    tenants_optimized = r.tenants_optimized,
                    "maintenance done"
                );
            }
            Err(e) => tracing::warn!(error = %e, "maintenance task failed"),
        }
    }
}

#[cfg(test)]
mod integrity_tests {
    use super::*;
    use crate::db::embedded::TENANT_MIGRATIONS;

    #[test]
    fn quick_check_passes_a_sound_file_and_names_damage() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("tenant.db");
        {
            let db =
                Database::open(&path, &TENANT_MIGRATIONS, 2, Duration::from_secs(1)).expect("open");
            db.write_blocking(|tx| {
                for i in 0..2000 {
                    tx.execute(
                        "INSERT INTO customers (id, name, state_code, created_at, updated_at) VALUES (?1, ?2, '29', 'now', 'now')",
                        rusqlite::params![format!("c{i:05}"), format!("Customer number {i} with a longer name")],
                    )?;
                }
                Ok(())
            })
            .expect("rows");
            quick_check(&db).expect("a sound file passes");
            db.checkpoint().expect("checkpoint");
        }
        // Overwrite a stretch of the customers' pages (past the header and the schema) with garbage.
        let mut bytes = std::fs::read(&path).expect("read");
        let mid = bytes.len() * 3 / 4;
        for b in &mut bytes[mid..mid + 8192] {
            *b = 0xA5;
        }
        std::fs::write(&path, bytes).expect("write");
        let db =
            Database::open(&path, &TENANT_MIGRATIONS, 2, Duration::from_secs(1)).expect("reopen");
        let err = quick_check(&db).expect_err("damage is found");
        assert!(err.to_string().contains("integrity check failed"), "{err}");
    }
}
