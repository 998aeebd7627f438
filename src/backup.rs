//! The appliance's use of replication: which files are replicated, the supervised
//! Litestream child, live registration of new tenants, and the health figures that
//! `/ready`, `/metrics` and `bisman backup status` report.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::config::Settings;
use crate::http::ops::{GaugeSource, ReadinessProbe};
use crate::metrics::Gauge;
use crate::replication::{self, DbEntry, DbStatus, ReplicaTarget, Supervisor, SupervisorOptions};

/// Lag above which `/ready` reports replication as unhealthy.
pub const MAX_HEALTHY_LAG_SECS: f64 = 60.0;

pub struct Replication {
    pub target: ReplicaTarget,
    pub bin: PathBuf,
    pub data_dir: PathBuf,
    pub config_path: PathBuf,
    pub socket_path: PathBuf,
    pub managed: bool,
    supervisor: rocket::tokio::sync::OnceCell<Supervisor>,
    last: Mutex<Option<Result<Vec<DbStatus>, String>>>,
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
            last: Mutex::new(None),
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
            Err(e) => {
                let msg = format!("litestream could not be started: {e}");
                if let Ok(mut last) = self.last.lock() {
                    *last = Some(Err(msg.clone()));
                }
                return Err(msg);
            }
        };
        if let Err(e) = sup.wait_ready(Duration::from_secs(30)).await {
            tracing::warn!(error = %e, "litestream control socket not ready yet");
        }
        let _ = self.supervisor.set(sup);
        Ok(())
    }

    /// Adds a new tenant to the running Litestream without a restart.
    pub async fn register_tenant(&self, slug: &str) {
        let entry = match DbEntry::tenant(&self.data_dir, slug) {
            Ok(e) => e,
            Err(e) => {
                tracing::error!(tenant = slug, error = %e, "replication: bad tenant entry");
                return;
            }
        };
        let result = match self.supervisor.get() {
            Some(sup) => sup.register(entry).await.map(|_| ()),
            None => replication::register_with_daemon(
                &self.bin,
                &self.socket_path,
                &self.target,
                &entry,
                Duration::from_secs(10),
            )
            .await
            .map(|_| ()),
        };
        if let Err(e) = result {
            tracing::error!(tenant = slug, error = %e, "replication: could not register the new tenant; it will be picked up at the next restart");
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

    /// Refreshes the cached status (called periodically by the server).
    pub async fn refresh(&self) {
        let s = self.status_now().await;
        if let Ok(mut last) = self.last.lock() {
            *last = Some(s);
        }
    }

    fn cached(&self) -> Option<Result<Vec<DbStatus>, String>> {
        self.last.lock().ok().and_then(|l| l.clone())
    }
}

/// Health of replication, for `/ready`.
pub struct ReplicationProbe(pub Arc<Replication>);

impl ReadinessProbe for ReplicationProbe {
    fn name(&self) -> &'static str {
        "replication"
    }
    fn check(&self) -> String {
        match self.0.cached() {
            None => "ok".into(), // first status pending; the process just started
            Some(Err(e)) => format!("litestream status failed: {e}"),
            Some(Ok(dbs)) => {
                let bad: Vec<String> = dbs
                    .iter()
                    .filter_map(|d| match (&d.error, d.lag_seconds) {
                        (Some(e), _) => Some(format!("{}: {e}", d.name)),
                        (None, Some(lag)) if lag > MAX_HEALTHY_LAG_SECS => {
                            Some(format!("{}: lag {lag:.0}s", d.name))
                        }
                        _ => None,
                    })
                    .collect();
                if bad.is_empty() {
                    "ok".into()
                } else {
                    format!("replication unhealthy: {}", bad.join("; "))
                }
            }
        }
    }
}

impl GaugeSource for ReplicationProbe {
    fn gauges(&self) -> Vec<Gauge> {
        let samples = match self.0.cached() {
            Some(Ok(dbs)) => dbs
                .iter()
                .filter_map(|d| {
                    let tenant = d
                        .name
                        .strip_prefix("tenants/")
                        .unwrap_or(&d.name)
                        .to_string();
                    d.lag_seconds.map(|l| (vec![("tenant", tenant)], l))
                })
                .collect(),
            _ => Vec::new(),
        };
        vec![Gauge {
            name: "bisman_replication_lag_seconds",
            help: "Seconds since the replica last caught up with the local database.",
            samples,
        }]
    }
}
