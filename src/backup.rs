//! The appliance's use of replication: which files are replicated, the supervised
//! Litestream child, reconciling what Litestream replicates with the tenants the control
//! DB knows, and the health figures that `/ready`, `/metrics` and `bisman backup status`
//! report.
//!
//! **Reconcile.** Every [`RECONCILE_EVERY`] (and at once when nudged, e.g. after a tenant
//! is created over the API) the server lists the control DB's tenants and asks the
//! running Litestream (`litestream list` over its control socket) what it replicates.
//! Any database it lacks is registered, and any the generated config lacks is written
//! into it, so a tenant created by `bisman tenant create` in another process, by a
//! restore, or while Litestream was restarting is replicated within seconds.
//!
//! **Freshness.** `/ready` and `/metrics` read the view of the last reconcile: at most
//! [`RECONCILE_EVERY`] old. A database counts as replicated only once Litestream reports a
//! successful sync of it to the replica (`last_sync_at`, which Litestream advances every
//! few seconds while syncs succeed, also when idle); before that `/ready` says
//! `no replica yet` and answers 503.

use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use time::OffsetDateTime;

use crate::config::Settings;
use crate::http::ops::{GaugeSource, ReadinessProbe};
use crate::metrics::Gauge;
use crate::replication::{self, DbEntry, DbStatus, ReplicaTarget, Supervisor, SupervisorOptions};
use crate::tenancy::Tenants;

/// What production says when no replica is configured (`bisman check`, the start-up log).
pub const NO_BACKUPS_WARNING: &str = "backups are not configured: BISMAN_REPLICA_URL (replica_url) is not set, so a dead disk loses every tenant. The simplest safe choice is a second disk or a NAS: replica_url = \"file:///mnt/backup/bisman\" (docs/operations.md, section 2)";

/// True when this appliance runs in production with no replica: the case that must
/// be shouted about (metrics, alert, start-up log, `bisman check`, the owners' banner).
pub fn backups_missing(s: &Settings) -> bool {
    s.is_production() && s.replica_url.is_none()
}

/// Lag above which `/ready` reports replication as unhealthy.
pub const MAX_HEALTHY_LAG_SECS: f64 = 60.0;

/// How often the server reconciles the control DB's tenants with what Litestream
/// replicates, and so how old `/ready`'s view of replication can be.
pub const RECONCILE_EVERY: Duration = Duration::from_secs(2);

/// A view older than this (the reconcile loop is stuck) is reported as stale.
const STALE_VIEW_SECS: f64 = 30.0;

/// One database as the last reconcile saw it.
#[derive(Clone, Debug)]
pub struct LiveDb {
    /// `control`, `tenants/<slug>`.
    pub name: String,
    /// Litestream has it (it was listed, or registering it just succeeded).
    pub replicating: bool,
    /// Litestream's last successful sync of it to the replica.
    pub last_sync_at: Option<OffsetDateTime>,
    /// Why registering it failed, when it did.
    pub register_error: Option<String>,
}

/// What Litestream replicated at the last reconcile.
#[derive(Clone, Debug)]
pub struct LiveView {
    pub at: OffsetDateTime,
    /// Litestream could not be asked at all (not running, socket not answering).
    pub error: Option<String>,
    pub dbs: Vec<LiveDb>,
}

impl LiveView {
    /// `ok`, or what is wrong, naming every database concerned. `now` is the time of
    /// the question.
    pub fn verdict(&self, now: OffsetDateTime) -> String {
        let age = (now - self.at).as_seconds_f64();
        if age > STALE_VIEW_SECS {
            return format!("replication status is stale ({age:.0}s old)");
        }
        if let Some(e) = &self.error {
            return format!("litestream unreachable: {e}");
        }
        let (mut missing, mut empty, mut lagging) = (Vec::new(), Vec::new(), Vec::new());
        for d in &self.dbs {
            match (d.replicating, d.last_sync_at) {
                (false, _) => missing.push(match &d.register_error {
                    Some(e) => format!("{} ({e})", d.name),
                    None => d.name.clone(),
                }),
                (true, None) => empty.push(d.name.clone()),
                (true, Some(t)) => {
                    let lag = (self.at - t).as_seconds_f64();
                    if lag > MAX_HEALTHY_LAG_SECS {
                        lagging.push(format!("{} {lag:.0}s", d.name));
                    }
                }
            }
        }
        let mut parts = Vec::new();
        if !missing.is_empty() {
            parts.push(format!("not replicated: {}", missing.join(", ")));
        }
        if !empty.is_empty() {
            parts.push(format!("no replica yet: {}", empty.join(", ")));
        }
        if !lagging.is_empty() {
            parts.push(format!("lagging: {}", lagging.join(", ")));
        }
        if parts.is_empty() {
            "ok".into()
        } else {
            format!("replication unhealthy: {}", parts.join("; "))
        }
    }
}

pub struct Replication {
    pub target: ReplicaTarget,
    pub bin: PathBuf,
    pub data_dir: PathBuf,
    pub config_path: PathBuf,
    pub socket_path: PathBuf,
    pub managed: bool,
    supervisor: rocket::tokio::sync::OnceCell<Supervisor>,
    live: Mutex<Option<LiveView>>,
    /// Databases whose registration is failing (logged once, then on recovery).
    failing: Mutex<HashSet<String>>,
    wake: rocket::tokio::sync::Notify,
}

impl Replication {
    /// None when no replica URL is configured.
    pub fn from_settings(s: &Settings) -> Result<Option<Arc<Replication>>, String> {
        let Some(url) = &s.replica_url else {
            return Ok(None);
        };
        let target = ReplicaTarget::parse(
            url,
            s.replica_s3_endpoint.as_deref(),
            s.replica_s3_region.as_deref(),
        )
        .map_err(|e| e.to_string())?;
        Ok(Some(Arc::new(Replication {
            target,
            bin: PathBuf::from(&s.litestream_bin),
            data_dir: s.data_dir.clone(),
            config_path: s.data_dir.join("litestream.yml"),
            socket_path: s.data_dir.join("litestream.sock"),
            managed: s.litestream_managed,
            supervisor: rocket::tokio::sync::OnceCell::new(),
            live: Mutex::new(None),
            failing: Mutex::new(HashSet::new()),
            wake: rocket::tokio::sync::Notify::new(),
        })))
    }

    /// The control DB and every tenant file on disk.
    pub fn databases(&self) -> Vec<DbEntry> {
        let mut dbs = Vec::new();
        if let Ok(c) = DbEntry::control(&self.data_dir) {
            dbs.push(c);
        }
        if let Ok(rd) = std::fs::read_dir(self.data_dir.join("tenants")) {
            for e in rd.flatten() {
                let slug = e.file_name().to_string_lossy().into_owned();
                if e.path().join("tenant.db").exists() {
                    if let Ok(d) = DbEntry::tenant(&self.data_dir, &slug) {
                        dbs.push(d);
                    }
                }
            }
        }
        dbs
    }

    /// Starts the supervised `litestream replicate` (managed mode only).
    pub async fn start(&self) -> Result<(), String> {
        if !self.managed {
            tracing::info!(
                "replication: Litestream is managed externally (BISMAN_LITESTREAM_MANAGED=false)"
            );
            return Ok(());
        }
        let opts = SupervisorOptions::new(
            self.bin.clone(),
            self.config_path.clone(),
            self.socket_path.clone(),
            self.target.clone(),
        );
        let sup = match Supervisor::start(opts, self.databases()).await {
            Ok(s) => s,
            Err(e) => return Err(format!("litestream could not be started: {e}")),
        };
        if let Err(e) = sup.wait_ready(Duration::from_secs(30)).await {
            tracing::warn!(error = %e, "litestream control socket not ready yet");
        }
        let _ = self.supervisor.set(sup);
        Ok(())
    }

    /// Adds one database to the running Litestream without a restart: through the
    /// supervisor (which also writes it into the generated config) when this process
    /// runs Litestream, else straight over the control socket.
    async fn register(&self, entry: &DbEntry) -> Result<(), String> {
        match self.supervisor.get() {
            Some(sup) => sup.register(entry.clone()).await.map(|_| ()),
            None => replication::register_with_daemon(
                &self.bin,
                &self.socket_path,
                &self.target,
                entry,
                Duration::from_secs(10),
            )
            .await
            .map(|_| ()),
        }
        .map_err(|e| e.to_string())
    }

    /// Adds a new tenant to the running Litestream without a restart. Used by the API
    /// right after creating a tenant and by `bisman tenant create`; the server's
    /// reconcile catches whatever this misses.
    pub async fn register_tenant(&self, slug: &str) -> Result<(), String> {
        let entry = DbEntry::tenant(&self.data_dir, slug).map_err(|e| e.to_string())?;
        self.register(&entry).await?;
        self.nudge();
        Ok(())
    }

    /// Asks the reconcile loop to run now instead of at its next tick.
    pub fn nudge(&self) {
        self.wake.notify_one();
    }

    /// Waits for the next reconcile: `every`, or a nudge.
    pub async fn wait_next(&self, every: Duration) {
        rocket::tokio::select! {
            _ = rocket::tokio::time::sleep(every) => {}
            _ = self.wake.notified() => {}
        }
    }

    /// The control DB and every tenant the control DB knows whose file exists.
    fn expected(&self, tenants: &Tenants) -> Result<Vec<DbEntry>, String> {
        let mut out = vec![DbEntry::control(&self.data_dir).map_err(|e| e.to_string())?];
        for t in tenants.list_blocking().map_err(|e| e.to_string())? {
            let Ok(entry) = DbEntry::tenant(&self.data_dir, &t.slug) else {
                continue;
            };
            if entry.path().exists() {
                out.push(entry);
            }
        }
        Ok(out)
    }

    /// Makes Litestream replicate every database the control DB knows (registering
    /// what it lacks, writing into the config what the config lacks) and records what it
    /// replicates for `/ready` and `/metrics`.
    pub async fn reconcile(self: &Arc<Self>, tenants: &Arc<Tenants>) {
        let view = self.reconcile_view(tenants).await;
        if let Ok(mut live) = self.live.lock() {
            *live = Some(view);
        }
    }

    async fn reconcile_view(self: &Arc<Self>, tenants: &Arc<Tenants>) -> LiveView {
        let failed = |error: String| LiveView {
            at: OffsetDateTime::now_utc(),
            error: Some(error),
            dbs: Vec::new(),
        };
        let (me, t) = (Arc::clone(self), Arc::clone(tenants));
        let expected = match rocket::tokio::task::spawn_blocking(move || me.expected(&t)).await {
            Ok(Ok(e)) => e,
            Ok(Err(e)) => return failed(format!("cannot list tenants: {e}")),
            Err(e) => return failed(format!("cannot list tenants: {e}")),
        };
        if self.managed && self.supervisor.get().is_none() {
            return failed("litestream is not running".into());
        }
        let daemon = match replication::status::daemon_databases(&self.bin, &self.socket_path).await
        {
            Ok(d) => d,
            Err(e) => return failed(e.to_string()),
        };
        let at = OffsetDateTime::now_utc();
        let in_config: Option<BTreeSet<DbEntry>> = match self.supervisor.get() {
            Some(sup) => Some(sup.databases().await.into_iter().collect()),
            None => None,
        };
        let mut dbs = Vec::with_capacity(expected.len());
        for entry in expected {
            let listed = daemon.get(&entry.path_str());
            let configured = in_config.as_ref().is_none_or(|c| c.contains(&entry));
            let mut db = LiveDb {
                name: entry.name().to_owned(),
                replicating: listed.is_some(),
                last_sync_at: listed.and_then(|d| d.last_sync()),
                register_error: None,
            };
            if listed.is_none() || !configured {
                match self.register(&entry).await {
                    Ok(()) => {
                        if listed.is_none() {
                            tracing::info!(db = entry.name(), "replication: registered a database the running litestream did not replicate");
                        }
                        db.replicating = true;
                        self.note_registration(entry.name(), None);
                    }
                    Err(e) => {
                        self.note_registration(entry.name(), Some(&e));
                        db.register_error = Some(e);
                    }
                }
            }
            dbs.push(db);
        }
        LiveView {
            at,
            error: None,
            dbs,
        }
    }

    /// Logs a failing registration once, and its recovery.
    fn note_registration(&self, name: &str, error: Option<&str>) {
        let Ok(mut failing) = self.failing.lock() else {
            return;
        };
        match error {
            Some(e) => {
                if failing.insert(name.to_owned()) {
                    tracing::error!(db = name, error = %e, "replication: cannot register this database with litestream; it is not replicated");
                }
            }
            None => {
                if failing.remove(name) {
                    tracing::info!(db = name, "replication: registered after earlier failures");
                }
            }
        }
    }

    pub async fn shutdown(&self) {
        if let Some(sup) = self.supervisor.get() {
            sup.shutdown().await;
        }
    }

    pub async fn status_now(&self) -> Result<Vec<DbStatus>, String> {
        let cfg = self
            .config_path
            .exists()
            .then_some(self.config_path.as_path());
        replication::status(
            &self.bin,
            &self.target,
            &self.databases(),
            cfg,
            Some(&self.socket_path),
        )
        .await
        .map_err(|e| e.to_string())
    }

    /// The view of the last reconcile (None before the first).
    pub fn live(&self) -> Option<LiveView> {
        self.live.lock().ok().and_then(|l| l.clone())
    }
}

/// Health of replication, for `/ready`.
pub struct ReplicationProbe(pub Arc<Replication>);

impl ReadinessProbe for ReplicationProbe {
    fn name(&self) -> &'static str {
        "replication"
    }
    fn check(&self) -> String {
        match self.0.live() {
            // Never "ok" before Litestream has confirmed a sync of every database.
            None => "replication status pending (first check after start)".into(),
            Some(view) => view.verdict(OffsetDateTime::now_utc()),
        }
    }
}

impl GaugeSource for ReplicationProbe {
    fn gauges(&self) -> Vec<Gauge> {
        let (mut lag, mut unreplicated) = (Vec::new(), 0.0);
        if let Some(view) = self.0.live() {
            for d in &view.dbs {
                let tenant = d.name.strip_prefix("tenants/").unwrap_or(&d.name);
                match (d.replicating, d.last_sync_at) {
                    (true, Some(t)) => lag.push((
                        vec![("tenant", tenant.to_string())],
                        (view.at - t).as_seconds_f64().max(0.0),
                    )),
                    _ => unreplicated += 1.0,
                }
            }
        }
        vec![
            Gauge {
                name: "bisman_replication_lag_seconds",
                help: "Seconds since Litestream's last successful sync of the database to the replica.",
                samples: lag,
            },
            Gauge {
                name: "bisman_replication_unreplicated_databases",
                help: "Databases the control DB knows that have no confirmed replica (not registered with Litestream, or never synced).",
                samples: vec![(vec![], unreplicated)],
            },
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn db(name: &str, replicating: bool, last: Option<OffsetDateTime>) -> LiveDb {
        LiveDb {
            name: name.into(),
            replicating,
            last_sync_at: last,
            register_error: None,
        }
    }

    #[test]
    fn the_verdict_names_every_database_without_a_confirmed_replica() {
        let at = datetime!(2026-01-01 00:01:00 UTC);
        let mut view = LiveView {
            at,
            error: None,
            dbs: vec![
                db("control", true, Some(datetime!(2026-01-01 00:00:59 UTC))),
                db(
                    "tenants/acme",
                    true,
                    Some(datetime!(2026-01-01 00:00:58 UTC)),
                ),
            ],
        };
        assert_eq!(view.verdict(at), "ok");
        view.dbs.push(db("tenants/lateco", false, None));
        view.dbs.push(db("tenants/newco", true, None));
        view.dbs.push(db(
            "tenants/slow",
            true,
            Some(datetime!(2025-12-31 23:59:50 UTC)),
        ));
        let v = view.verdict(at);
        assert!(v.contains("not replicated: tenants/lateco"), "{v}");
        assert!(v.contains("no replica yet: tenants/newco"), "{v}");
        assert!(v.contains("lagging: tenants/slow 70s"), "{v}");
        assert!(!v.contains("acme"), "{v}");
        // A view nobody refreshed for a while is not trusted.
        view.dbs.truncate(2);
        assert!(view
            .verdict(at + time::Duration::seconds(31))
            .contains("stale"));
        view.error = Some("connection refused".into());
        assert!(view.verdict(at).contains("litestream unreachable"));
    }
}
