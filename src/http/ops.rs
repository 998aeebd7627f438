//! Operations endpoints: liveness, readiness, metrics.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use rocket::http::{ContentType, Status};
use rocket::serde::json::Json;
use rocket::State;
use serde::Serialize;

use crate::config::Settings;
use crate::metrics::{self, Gauge};
use crate::tenancy::Tenants;

pub struct StartedAt(pub Instant);

/// Extra readiness checks contributed by optional subsystems (replication, scanner).
pub trait ReadinessProbe: Send + Sync {
    fn name(&self) -> &'static str;
    /// `ok`, `disabled`, or an error description.
    fn check(&self) -> String;
}

pub struct Probes(pub Vec<Box<dyn ReadinessProbe>>);

/// Extra gauges contributed at scrape time (replication lag, restore drills).
pub trait GaugeSource: Send + Sync {
    fn gauges(&self) -> Vec<Gauge>;
}

pub struct GaugeSources(pub Vec<Box<dyn GaugeSource>>);

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![health, ready, metrics_text]
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: &'static str,
    pub version: &'static str,
    pub uptime_seconds: u64,
}

/// Liveness: the process answers.
#[utoipa::path(get, path = "/health", tag = "operations", responses((status = 200, description = "Alive", body = Health)))]
#[rocket::get("/health")]
pub fn health(started: &State<StartedAt>) -> Json<Health> {
    Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
        uptime_seconds: started.0.elapsed().as_secs(),
    })
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Readiness {
    pub status: &'static str,
    #[schema(value_type = Object)]
    pub checks: serde_json::Map<String, serde_json::Value>,
}

/// Readiness fails when free space is under 5 % of the filesystem, capped at 1 GiB: a
/// fixed share alone would call a large, mostly free disk full (2 % of 270 GB is 5.4 GB).
pub const LOW_FREE_CAP: u64 = 1024 * 1024 * 1024;
pub const LOW_FREE_SHARE_PERCENT: u64 = 5;

pub fn is_low_disk(free: u64, total: u64) -> bool {
    free < LOW_FREE_CAP.min(total / 100 * LOW_FREE_SHARE_PERCENT)
}

pub fn disk_free(dir: &Path) -> Result<(u64, u64), String> {
    let st = rustix::fs::statvfs(dir).map_err(|e| format!("statvfs failed: {e}"))?;
    let free = st.f_bavail.saturating_mul(st.f_frsize);
    let total = st.f_blocks.saturating_mul(st.f_frsize);
    Ok((free, total))
}

pub fn disk_check(dir: &Path) -> String {
    match disk_free(dir) {
        Ok((free, total)) => {
            if is_low_disk(free, total) {
                format!("low disk space: {free} bytes free of {total}")
            } else {
                "ok".into()
            }
        }
        Err(e) => e,
    }
}

fn writable_check(dir: &Path) -> String {
    let probe = dir.join(".ready-probe");
    match std::fs::write(&probe, b"ok").and_then(|_| std::fs::remove_file(&probe)) {
        Ok(()) => "ok".into(),
        Err(e) => format!("data dir not writable: {e}"),
    }
}

/// Readiness: 503 with the failing checks named, 200 when every check is ok or disabled.
#[utoipa::path(get, path = "/ready", tag = "operations", responses(
    (status = 200, description = "Ready. `checks` has control_db, data_dir_writable, disk_free, replication, and with a replica configured restore_drill (the last restore drill of every tenant passed); each is ok, disabled or an error", body = Readiness),
    (status = 503, description = "Not ready; the failing checks say why", body = Readiness)))]
#[rocket::get("/ready")]
pub async fn ready(
    settings: &State<Settings>,
    tenants: &State<Arc<Tenants>>,
    probes: &State<Probes>,
) -> (Status, Json<Readiness>) {
    let t = Arc::clone(tenants);
    let control = rocket::tokio::task::spawn_blocking(move || {
        t.control()
            .read_blocking(|c| Ok(c.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))?))
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|r| r.map_err(|e| e.to_string()));
    let mut checks = serde_json::Map::new();
    checks.insert(
        "control_db".into(),
        match control {
            Ok(_) => "ok".into(),
            Err(e) => format!("control db: {e}").into(),
        },
    );
    checks.insert(
        "data_dir_writable".into(),
        writable_check(&settings.data_dir).into(),
    );
    checks.insert("disk_free".into(), disk_check(&settings.data_dir).into());
    for p in &probes.0 {
        checks.insert(p.name().into(), p.check().into());
    }
    if !checks.contains_key("replication") {
        checks.insert("replication".into(), "disabled".into());
    }
    let ok = checks
        .values()
        .all(|v| matches!(v.as_str(), Some("ok") | Some("disabled")));
    let status = if ok {
        Status::Ok
    } else {
        Status::ServiceUnavailable
    };
    (
        status,
        Json(Readiness {
            status: if ok { "ready" } else { "not_ready" },
            checks,
        }),
    )
}

/// Prometheus metrics.
#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, description = "Prometheus text format", body = String, content_type = "text/plain")))]
#[rocket::get("/metrics")]
pub fn metrics_text(
    settings: &State<Settings>,
    tenants: &State<Arc<Tenants>>,
    sources: &State<GaugeSources>,
) -> (ContentType, String) {
    let mut gauges = vec![
        Gauge {
            name: "bisman_tenant_pools_open",
            help: "Tenant databases open right now.",
            samples: vec![(vec![], tenants.open_count() as f64)],
        },
        Gauge {
            name: "bisman_tenant_pools_max",
            help: "Tenant databases that may be open at once (max_open_tenants).",
            samples: vec![(vec![], settings.max_open_tenants as f64)],
        },
        Gauge {
            name: "bisman_replication_configured",
            help: "1 when a replica (BISMAN_REPLICA_URL) is configured, 0 when nothing backs the data up.",
            samples: vec![(vec![], f64::from(u8::from(settings.replica_url.is_some())))],
        },
        Gauge {
            name: "bisman_production",
            help: "1 in production (BISMAN_ENV=production), else 0; lets alerts ignore test appliances.",
            samples: vec![(vec![], f64::from(u8::from(settings.is_production())))],
        },
        Gauge {
            name: "bisman_sqlite_heap_bytes",
            help: "Heap held by SQLite over all connections (page caches, schemas, statements).",
            samples: vec![(vec![], crate::db::memory::sqlite_heap().0 as f64)],
        },
    ];
    for s in &sources.0 {
        gauges.extend(s.gauges());
    }
    let ct =
        ContentType::new("text", "plain").with_params([("version", "0.0.4"), ("charset", "utf-8")]);
    (ct, metrics::global().render(&gauges))
}

#[cfg(test)]
mod tests {
    use super::is_low_disk;

    const GB: u64 = 1_000_000_000;

    #[test]
    fn low_disk_is_five_percent_capped_at_a_gibibyte() {
        // The CI machine: 4.3 GB free of 270 GB is plenty for the appliance.
        assert!(!is_low_disk(4_319_752_192, 270 * GB));
        assert!(is_low_disk(900_000_000, 270 * GB));
        // A small disk: 5 % of 8 GB is 400 MB.
        assert!(!is_low_disk(500_000_000, 8 * GB));
        assert!(is_low_disk(300_000_000, 8 * GB));
        // The disk-full test's 16 MiB tmpfs, filled.
        assert!(is_low_disk(4096, 16 << 20));
        assert!(!is_low_disk(8 << 20, 16 << 20));
    }
}
