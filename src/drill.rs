//! Restore drills: restore a tenant from its replica into a scratch file and prove the
//! copy is usable, on a schedule inside `serve` and on demand (`bisman backup verify`).
//!
//! What a drill checks, in order (the first failure is the drill's error):
//! 1. `litestream restore` of `tenants/<slug>` (latest replicated state) succeeds;
//! 2. `PRAGMA integrity_check` of the restored file says `ok`;
//! 3. the restored audit chain verifies end to end;
//! 4. the restored chain is a prefix of the live one: the live event at the restored
//!    head's sequence number has the same hash (the replica may lag, never diverge);
//! 5. for tables the application never deletes from ([`COMPARED_TABLES`]), the restored
//!    row count is at most the live one. Tables with legitimate deletes (roles, draft
//!    invoices and their lines, documents, role/branch assignments, pruned idempotency
//!    keys) are not compared: a replica older than a delete would have more rows and fail wrongly;
//! 6. `control.db` is restored from its replica too, the tenant's key ring is opened from
//!    the *restored* control DB with the configured master key(s), and a random sample of
//!    encrypted fields ([`FIELD_SAMPLE`] employees' PAN, Aadhaar and account numbers) and
//!    one random document chunk of the restored tenant file decrypt. This is what proves
//!    the backup is usable after a total loss: data, wrapped keys and master key together.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::audit::Verification;
use crate::backup::Replication;
use crate::http::ops::{GaugeSource, ReadinessProbe};
use crate::keys::KeyStore;
use crate::metrics::Gauge;
use crate::tenancy::Tenants;

/// Employees whose encrypted fields a drill decrypts (a random sample each time).
pub const FIELD_SAMPLE: i64 = 20;

/// Tables whose rows are never deleted by the application (see the module docs).
/// Not `files`: documents can be deleted (and go with a deleted draft invoice).
pub const COMPARED_TABLES: [&str; 7] = [
    "users",
    "branches",
    "employees",
    "customers",
    "items",
    "payments",
    "audit_events",
];

#[derive(Debug, Clone, Serialize)]
pub struct TableCount {
    pub table: &'static str,
    pub restored: i64,
    pub live: i64,
}

/// The outcome of one drill of one tenant.
#[derive(Debug, Clone, Serialize)]
pub struct DrillReport {
    pub tenant: String,
    pub ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Audit events in the restored copy.
    pub audit_events: i64,
    pub counts: Vec<TableCount>,
    /// Encrypted fields and document chunks decrypted with keys from the restored control DB.
    pub decrypted_fields: usize,
    pub decrypted_chunks: usize,
    pub seconds: f64,
    /// Unix time the drill finished.
    pub finished_at: i64,
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Integrity and audit chain of a restored file (also used by `bisman restore`).
pub fn check_restored(path: &Path) -> Result<(Connection, Verification), String> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| format!("cannot open the restored file: {e}"))?;
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| format!("integrity check failed to run: {e}"))?;
    if integrity != "ok" {
        return Err(format!(
            "the restored file failed PRAGMA integrity_check: {integrity}"
        ));
    }
    let v = crate::audit::verify(&conn)
        .map_err(|e| format!("audit verification failed to run: {e}"))?;
    if !v.ok {
        return Err(format!(
            "the restored audit chain is broken at seq {}",
            v.first_bad_seq.unwrap_or(0)
        ));
    }
    Ok((conn, v))
}

fn count(c: &Connection, table: &str) -> Result<i64, String> {
    c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .map_err(|e| format!("counting {table}: {e}"))
}

/// Checks 4 and 5 of the module docs against the live tenant file.
pub fn compare_with_live(
    restored: &Connection,
    v: &Verification,
    live: &Connection,
) -> Result<Vec<TableCount>, String> {
    if v.events > 0 {
        let live_hash: Option<String> = live
            .query_row(
                "SELECT hash FROM audit_events WHERE seq = ?1",
                [v.events],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| format!("reading the live audit event {}: {e}", v.events))?;
        if live_hash.as_deref() != Some(v.head_hash.as_str()) {
            return Err(format!(
                "the restored audit chain diverges from the live one at seq {}",
                v.events
            ));
        }
    }
    let mut out = Vec::new();
    for table in COMPARED_TABLES {
        let (restored, live) = (count(restored, table)?, count(live, table)?);
        if restored > live {
            return Err(format!(
                "{table}: the restored copy has {restored} rows, the live file only {live}"
            ));
        }
        out.push(TableCount {
            table,
            restored,
            live,
        });
    }
    Ok(out)
}

/// Check 6: the tenant's keys from the restored control DB, opened with `masters`, decrypt
/// a sample of the restored tenant's encrypted fields and one document chunk. Returns how
/// many fields and chunks were decrypted.
pub fn check_decrypts(
    control: &Connection,
    restored: &Connection,
    masters: &[&crate::crypto::MasterKey],
    slug: &str,
) -> Result<(usize, usize), String> {
    use crate::modules::hr::crypt;
    let ring = crate::keys::load_ring_any(control, masters, slug).map_err(|e| {
        format!("the restored control DB's keys of {slug} do not open with the master key: {e}")
    })?;
    let mut fields = 0;
    let mut stmt = restored
        .prepare("SELECT id, pan_enc, aadhaar_enc, bank_account_enc FROM employees ORDER BY random() LIMIT ?1")
        .map_err(|e| format!("reading employees: {e}"))?;
    let rows = stmt
        .query_map([FIELD_SAMPLE], |r| {
            Ok((
                r.get::<_, String>(0)?,
                [
                    r.get::<_, Option<Vec<u8>>>(1)?,
                    r.get::<_, Option<Vec<u8>>>(2)?,
                    r.get::<_, Option<Vec<u8>>>(3)?,
                ],
            ))
        })
        .map_err(|e| format!("reading employees: {e}"))?;
    for row in rows {
        let (id, blobs) = row.map_err(|e| format!("reading employees: {e}"))?;
        for (secret, blob) in crypt::ENCRYPTED.iter().zip(blobs) {
            let Some(blob) = blob else { continue };
            crypt::open(&ring, &id, *secret, &blob)
                .map_err(|e| format!("employee {id}: {} does not decrypt: {e}", secret.field))?;
            fields += 1;
        }
    }
    let chunk: Option<(String, i64, Vec<u8>, i64)> = restored
        .query_row(
            "SELECT c.file_id, c.idx, c.data, f.chunk_count FROM file_chunks c \
             JOIN files f ON f.id = c.file_id ORDER BY random() LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()
        .map_err(|e| format!("reading document chunks: {e}"))?;
    let mut chunks = 0;
    if let Some((file, idx, data, count)) = chunk {
        let index = u32::try_from(idx).map_err(|_| format!("file {file}: chunk index {idx}"))?;
        crate::crypto::decrypt_chunk(&ring, &file, index, idx == count - 1, &data)
            .map_err(|e| format!("file {file} chunk {idx} does not decrypt: {e}"))?;
        chunks = 1;
    }
    Ok((fields, chunks))
}

/// What a passing drill found.
struct Passed {
    events: i64,
    counts: Vec<TableCount>,
    fields: usize,
    chunks: usize,
}

/// Runs one drill of `slug`. Never fails: problems end up in the report.
pub async fn run(
    repl: &Replication,
    tenants: &Arc<Tenants>,
    keys: &Arc<KeyStore>,
    slug: &str,
) -> DrillReport {
    let started = Instant::now();
    let result = drill(repl, tenants, keys, slug).await;
    let (ok, error, p) = match result {
        Ok(p) => (true, None, p),
        Err(e) => (
            false,
            Some(e),
            Passed {
                events: 0,
                counts: Vec::new(),
                fields: 0,
                chunks: 0,
            },
        ),
    };
    DrillReport {
        tenant: slug.to_string(),
        ok,
        error,
        audit_events: p.events,
        counts: p.counts,
        decrypted_fields: p.fields,
        decrypted_chunks: p.chunks,
        seconds: started.elapsed().as_secs_f64(),
        finished_at: unix_now(),
    }
}

async fn drill(
    repl: &Replication,
    tenants: &Arc<Tenants>,
    keys: &Arc<KeyStore>,
    slug: &str,
) -> Result<Passed, String> {
    // A fresh directory per drill inside the data dir: same filesystem and permissions
    // as the live files (systemd's PrivateTmp and a small /tmp do not matter), removed after.
    let scratch = repl
        .data_dir
        .join("restore-drill")
        .join(format!("{slug}-{}", crate::ids::new_id()));
    std::fs::create_dir_all(&scratch)
        .map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;
    let result = restore_and_check(repl, tenants, keys, slug, &scratch).await;
    if let Err(e) = std::fs::remove_dir_all(&scratch) {
        tracing::warn!(path = %scratch.display(), error = %e, "could not remove the drill's scratch copy");
    }
    result
}

async fn restore_and_check(
    repl: &Replication,
    tenants: &Arc<Tenants>,
    keys: &Arc<KeyStore>,
    slug: &str,
    scratch: &Path,
) -> Result<Passed, String> {
    let file = scratch.join("tenant.db");
    let control_file = scratch.join("control.db");
    crate::replication::restore(
        &repl.bin,
        &repl.target,
        &format!("tenants/{slug}"),
        None,
        &file,
    )
    .await
    .map_err(|e| format!("restore failed: {e}"))?;
    crate::replication::restore(&repl.bin, &repl.target, "control", None, &control_file)
        .await
        .map_err(|e| format!("restore of control.db failed: {e}"))?;
    let (tenants, keys, slug) = (Arc::clone(tenants), Arc::clone(keys), slug.to_string());
    rocket::tokio::task::spawn_blocking(move || {
        let (restored, v) = check_restored(&file)?;
        // A plain read-only connection, not the registry's pool: a drill must not reopen
        // the pool of a suspended tenant or evict a busy one.
        let parsed = crate::domain::TenantSlug::parse(&slug)
            .map_err(|e| format!("bad tenant slug: {}", e.message))?;
        let live = crate::db::open_reader(&tenants.file_path(&parsed))
            .map_err(|e| format!("cannot open the live file: {e}"))?;
        let counts = compare_with_live(&restored, &v, &live)?;
        let control = Connection::open_with_flags(&control_file, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| format!("cannot open the restored control.db: {e}"))?;
        let mut masters = vec![keys.master()];
        masters.extend(keys.previous_master());
        let (fields, chunks) = check_decrypts(&control, &restored, &masters, &slug)?;
        Ok(Passed {
            events: v.events,
            counts,
            fields,
            chunks,
        })
    })
    .await
    .map_err(|e| format!("drill task failed: {e}"))?
}

// ---- schedule and state (inside `serve`) ------------------------------------------------

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TenantDrill {
    pub last_run: Option<i64>,
    pub last_success: Option<i64>,
    pub last_error: Option<String>,
}

/// Last drill per tenant, kept in `<data dir>/restore-drills.json` so the metric and the
/// schedule survive restarts (no schema change, nothing for Litestream to replicate).
pub struct Drills {
    path: PathBuf,
    state: Mutex<BTreeMap<String, TenantDrill>>,
}

impl Drills {
    pub fn load(data_dir: &Path) -> Drills {
        let path = data_dir.join("restore-drills.json");
        let state = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                tracing::warn!(path = %path.display(), error = %e, "ignoring unreadable drill state");
                BTreeMap::new()
            }),
            Err(_) => BTreeMap::new(),
        };
        Drills {
            path,
            state: Mutex::new(state),
        }
    }

    pub fn snapshot(&self) -> BTreeMap<String, TenantDrill> {
        self.state.lock().map(|s| s.clone()).unwrap_or_default()
    }

    pub fn record(&self, r: &DrillReport) {
        let snapshot = {
            let Ok(mut s) = self.state.lock() else { return };
            let e = s.entry(r.tenant.clone()).or_default();
            e.last_run = Some(r.finished_at);
            if r.ok {
                e.last_success = Some(r.finished_at);
                e.last_error = None;
            } else {
                e.last_error = r.error.clone();
            }
            s.clone()
        };
        let tmp = self.path.with_extension("json.tmp");
        let written = serde_json::to_vec_pretty(&snapshot)
            .map_err(std::io::Error::other)
            .and_then(|b| std::fs::write(&tmp, b))
            .and_then(|()| std::fs::rename(&tmp, &self.path));
        if let Err(e) = written {
            tracing::warn!(path = %self.path.display(), error = %e, "could not save drill state");
        }
    }

    /// Forgets tenants that no longer exist (so /ready does not report them forever).
    fn retain(&self, slugs: &[String]) {
        if let Ok(mut s) = self.state.lock() {
            s.retain(|k, _| slugs.contains(k));
        }
    }
}

/// Seconds into the first interval at which a tenant's first drill runs: spread over
/// at most an hour, so many tenants never restore at once after a start.
pub fn stagger(slug: &str, interval: Duration) -> u64 {
    // FNV-1a: stable across runs and versions, unlike std's hasher.
    let h = slug.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    h % interval.as_secs().clamp(1, 3600)
}

/// When the next drill of a tenant is due (unix seconds). A failed drill is retried
/// after at most an hour, so a transient failure does not keep `/ready` red for a week.
/// A tenant's first drill also waits until it is 10 minutes old (at most one interval),
/// so a tenant created a moment ago is not failed for a replica still being written.
pub fn next_due(
    d: Option<&TenantDrill>,
    slug: &str,
    started: i64,
    created: i64,
    interval: Duration,
) -> i64 {
    let every = interval.as_secs() as i64;
    match d.and_then(|d| d.last_run.map(|r| (r, d.last_error.is_some()))) {
        Some((last, false)) => last + every,
        Some((last, true)) => last + every.min(3600),
        None => (started + stagger(slug, interval) as i64).max(created + every.min(600)),
    }
}

/// Scratch copies left by a drill that was killed (older than an hour, so a
/// `bisman backup verify` running right now keeps its own).
fn remove_stale_scratch(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > Duration::from_secs(3600));
        if old {
            if let Err(err) = std::fs::remove_dir_all(e.path()) {
                tracing::warn!(path = %e.path().display(), error = %err, "could not remove an old drill scratch copy");
            }
        }
    }
}

/// The drill loop of `serve`: one tenant at a time, each when due.
pub async fn schedule(
    drills: Arc<Drills>,
    repl: Arc<Replication>,
    tenants: Arc<Tenants>,
    keys: Arc<KeyStore>,
    interval: Duration,
) {
    let started = unix_now();
    remove_stale_scratch(&repl.data_dir.join("restore-drill"));
    let tick = Duration::from_secs(interval.as_secs().clamp(1, 60));
    loop {
        rocket::tokio::time::sleep(tick).await;
        let t = Arc::clone(&tenants);
        let list = match rocket::tokio::task::spawn_blocking(move || t.list_blocking()).await {
            Ok(Ok(l)) => l,
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "restore drill: cannot list tenants");
                continue;
            }
            Err(e) => {
                tracing::warn!(error = %e, "restore drill: cannot list tenants");
                continue;
            }
        };
        let slugs: Vec<String> = list.iter().map(|t| t.slug.clone()).collect();
        drills.retain(&slugs);
        for t in list {
            let slug = t.slug;
            // Unparseable: treat as old, i.e. no extra delay.
            let created = time::OffsetDateTime::parse(
                &t.created_at,
                &time::format_description::well_known::Rfc3339,
            )
            .map(|c| c.unix_timestamp())
            .unwrap_or(0);
            let state = drills.snapshot();
            if unix_now() < next_due(state.get(&slug), &slug, started, created, interval) {
                continue;
            }
            let report = run(&repl, &tenants, &keys, &slug).await;
            if report.ok {
                tracing::info!(tenant = %slug, seconds = report.seconds, events = report.audit_events, "restore drill passed");
            } else {
                tracing::error!(tenant = %slug, error = report.error.as_deref().unwrap_or(""), "restore drill failed");
            }
            drills.record(&report);
        }
    }
}

/// `/ready` check and `/metrics` gauge of the drills.
pub struct DrillProbe(pub Arc<Drills>);

impl ReadinessProbe for DrillProbe {
    fn name(&self) -> &'static str {
        "restore_drill"
    }
    fn check(&self) -> String {
        let failed: Vec<String> = self
            .0
            .snapshot()
            .into_iter()
            .filter_map(|(t, d)| d.last_error.map(|e| format!("{t}: {e}")))
            .collect();
        if failed.is_empty() {
            "ok".into()
        } else {
            format!("restore drill failed: {}", failed.join("; "))
        }
    }
}

impl GaugeSource for DrillProbe {
    fn gauges(&self) -> Vec<Gauge> {
        let state = self.0.snapshot();
        let success = state
            .iter()
            .filter_map(|(t, d)| {
                d.last_success
                    .map(|s| (vec![("tenant", t.clone())], s as f64))
            })
            .collect();
        let failed = state
            .iter()
            .filter(|(_, d)| d.last_run.is_some())
            .map(|(t, d)| {
                let f = if d.last_error.is_some() { 1.0 } else { 0.0 };
                (vec![("tenant", t.clone())], f)
            })
            .collect();
        vec![
            Gauge {
                name: "bisman_restore_drill_last_success_timestamp",
                help: "Unix time of the last restore drill of the tenant that passed.",
                samples: success,
            },
            Gauge {
                name: "bisman_restore_drill_failed",
                help: "1 when the tenant's last restore drill failed (see /ready for why), else 0.",
                samples: failed,
            },
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_drills_are_staggered_within_an_hour_then_follow_the_interval() {
        let week = Duration::from_secs(7 * 86_400);
        let a = stagger("acme", week);
        assert!(a < 3600);
        assert_eq!(a, stagger("acme", week), "stable");
        let spread: std::collections::HashSet<u64> = (0..50)
            .map(|i| stagger(&format!("tenant-{i}"), week))
            .collect();
        assert!(spread.len() > 40, "tenants spread out");
        assert!(stagger("acme", Duration::from_secs(2)) < 2);

        assert_eq!(next_due(None, "acme", 1000, 0, week), 1000 + a as i64);
        // A tenant created just now waits ten minutes for its replica to exist.
        assert_eq!(next_due(None, "acme", 1000, 5000, week), 5600);
        assert_eq!(
            next_due(None, "acme", 1000, 5000, Duration::from_secs(2)),
            (1000 + stagger("acme", Duration::from_secs(2)) as i64).max(5002)
        );
        let passed = TenantDrill {
            last_run: Some(5000),
            last_success: Some(5000),
            last_error: None,
        };
        assert_eq!(
            next_due(Some(&passed), "acme", 0, 0, week),
            5000 + 7 * 86_400
        );
        let failed = TenantDrill {
            last_error: Some("boom".into()),
            ..passed
        };
        assert_eq!(next_due(Some(&failed), "acme", 0, 0, week), 5000 + 3600);
    }

    #[test]
    fn state_survives_a_restart_and_failures_show_in_ready() {
        let dir = tempfile::tempdir().expect("tmp");
        let d = Drills::load(dir.path());
        let report = |ok: bool, at: i64| DrillReport {
            tenant: "acme".into(),
            ok,
            error: (!ok).then(|| "restore failed: no backups".to_string()),
            audit_events: 1,
            counts: Vec::new(),
            decrypted_fields: 0,
            decrypted_chunks: 0,
            seconds: 0.1,
            finished_at: at,
        };
        d.record(&report(true, 100));
        d.record(&report(false, 200));
        let probe = DrillProbe(Arc::new(Drills::load(dir.path())));
        assert!(
            probe.check().contains("acme: restore failed"),
            "{}",
            probe.check()
        );
        let g = probe.gauges();
        assert_eq!(
            g[0].samples,
            vec![(vec![("tenant", "acme".to_string())], 100.0)]
        );
        probe.0.record(&report(true, 300));
        assert_eq!(probe.check(), "ok");
    }

    fn tenant_file(dir: &Path, name: &str) -> crate::db::Database {
        crate::db::Database::open(
            &dir.join(name),
            &crate::db::embedded::TENANT_MIGRATIONS,
            1,
            Duration::from_secs(1),
        )
        .expect("open")
    }

    fn event(db: &crate::db::Database, action: &str) {
        db.write_blocking(|tx| {
            crate::audit::append(
                tx,
                &crate::audit::Actor::system(None),
                action,
                "test",
                None,
                serde_json::json!({}),
            )
            .map(|_| ())
        })
        .expect("append");
    }

    fn snapshot(db: &crate::db::Database, to: &Path) -> Connection {
        db.with_writer(|c| {
            c.execute("VACUUM INTO ?1", [to.to_string_lossy()])?;
            Ok(())
        })
        .expect("vacuum into");
        Connection::open(to).expect("open copy")
    }

    #[test]
    fn a_lagging_copy_passes_and_a_divergent_or_larger_one_fails() {
        let dir = tempfile::tempdir().expect("tmp");
        let live = tenant_file(dir.path(), "live.db");
        event(&live, "a");
        event(&live, "b");
        let copy = snapshot(&live, &dir.path().join("copy.db"));
        event(&live, "c"); // the replica lags behind the live file: fine
        let (_, v) = check_restored(&dir.path().join("copy.db")).expect("checks");
        assert_eq!(v.events, 2);
        let counts = live
            .read_blocking(|c| Ok(compare_with_live(&copy, &v, c)))
            .expect("read")
            .expect("lagging copy passes");
        let audit = counts
            .iter()
            .find(|c| c.table == "audit_events")
            .expect("audit");
        assert_eq!((audit.restored, audit.live), (2, 3));

        // More rows in the copy than live, in a table the app never deletes from.
        copy.execute(
            "INSERT INTO items (id, sku, name, hsn_sac, unit, unit_price_paise, gst_rate_bp, created_at, updated_at) \
             VALUES ('i', 'SKU', 'x', '1234', 'nos', 0, 0, 'now', 'now')",
            [],
        )
        .expect("insert");
        let err = live
            .read_blocking(|c| Ok(compare_with_live(&copy, &v, c)))
            .expect("read")
            .expect_err("more rows than live");
        assert!(err.contains("items"), "{err}");

        // A chain that is not a prefix of the live one.
        let other = tenant_file(dir.path(), "other.db");
        event(&other, "x");
        event(&other, "y");
        let foreign = snapshot(&other, &dir.path().join("foreign.db"));
        let (_, fv) = check_restored(&dir.path().join("foreign.db")).expect("checks");
        let err = live
            .read_blocking(|c| Ok(compare_with_live(&foreign, &fv, c)))
            .expect("read")
            .expect_err("diverging chain");
        assert!(err.contains("diverges"), "{err}");
    }
}
