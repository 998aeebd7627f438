//! `app::build` — the one way to build the server, used by `main` and by the tests.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rocket::fairing::AdHoc;
use rocket::figment::Figment;
use rocket::{Build, Rocket};

use crate::auth::{limits::Limits, Auth};
use crate::backup::{Replication, ReplicationProbe};
use crate::config::{ConfigProblem, Settings};
use crate::db::embedded::CONTROL_MIGRATIONS;
use crate::db::Database;
use crate::drill::{DrillProbe, Drills};
use crate::http::{catchers, fairings, openapi, ops, ui};
use crate::keys::KeyStore;
use crate::tenancy::Tenants;

/// The long-lived parts of a running appliance, shared by the server and the CLI.
pub struct Core {
    pub settings: Settings,
    pub control: Arc<Database>,
    pub tenants: Arc<Tenants>,
    pub keys: Arc<KeyStore>,
    pub auth: Arc<Auth>,
    pub replication: Option<Arc<Replication>>,
}

/// Managed state: the replication glue, when a replica URL is configured.
pub struct ReplicationState(pub Option<Arc<Replication>>);

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("configuration problems:\n{}", .0.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Config(Vec<ConfigProblem>),
    #[error("{0}")]
    Other(String),
}

/// Opens the data dir: secrets, control DB (migrated), tenant registry, key store.
pub fn open_core(settings: Settings) -> Result<Core, StartError> {
    if let Err(p) = crate::secrets::check_data_dir(&settings.data_dir) {
        return Err(StartError::Config(vec![p]));
    }
    std::fs::create_dir_all(settings.tenants_dir()).map_err(|e| {
        StartError::Other(format!(
            "cannot create {}: {e}",
            settings.tenants_dir().display()
        ))
    })?;
    let secrets = crate::secrets::load(&settings).map_err(StartError::Config)?;
    let control = Database::open(
        &settings.control_db_path(),
        &CONTROL_MIGRATIONS,
        4,
        settings.slow_query,
    )
    .map_err(|e| StartError::Other(e.to_string()))?;
    let control = Arc::new(control);
    let tenants = Arc::new(Tenants::new(
        Arc::clone(&control),
        settings.tenants_dir(),
        settings.max_open_tenants,
        settings.tenant_idle,
        settings.slow_query,
    ));
    crate::db::slow::set_threshold(settings.slow_query);
    crate::db::memory::set_heap_limit(settings.sqlite_heap_limit);
    let keys = Arc::new(KeyStore::with_previous(
        secrets.master,
        secrets.previous,
        Arc::clone(&control),
    ));
    let limits = Limits::new(&settings);
    let mut auth = Auth::new(
        &secrets.jwt,
        limits,
        Arc::clone(&control),
        settings.password_max_age_days,
    );
    auth.backups_missing = crate::backup::backups_missing(&settings);
    let auth = Arc::new(auth);
    let replication = Replication::from_settings(&settings).map_err(|e| {
        StartError::Config(vec![ConfigProblem {
            variable: "BISMAN_REPLICA_URL".into(),
            message: e,
        }])
    })?;
    Ok(Core {
        settings,
        control,
        tenants,
        keys,
        auth,
        replication,
    })
}

/// Builds the Rocket instance for a core.
pub fn build(core: &Core) -> Rocket<Build> {
    let s = &core.settings;
    let mut figment = Figment::from(rocket::Config::default())
        .merge(("address", s.bind.ip()))
        .merge(("port", s.bind.port()))
        .merge(("ident", false))
        .merge(("ip_header", false))
        // Rocket's own log lines print raw request paths ("No matching routes for
        // POST /api/v1/…"), where a mistyped URL may carry a password or an ID number;
        // they stay off, and telemetry::init does not bridge the `log` crate either.
        .merge(("log_level", "off"))
        .merge(("cli_colors", false))
        .merge(("keep_alive", 5))
        .merge(("shutdown.grace", s.shutdown_grace_secs))
        .merge(("shutdown.mercy", 2))
        .merge(("shutdown.ctrlc", true))
        // SIGHUP is not a stop: `cli::serve` checks the configuration and restarts in
        // place (a renewed TLS certificate); see src/tls.rs.
        .merge(("shutdown.signals", ["term"]))
        .merge(("limits.bytes", "1MiB"))
        .merge(("limits.json", "1MiB"))
        .merge((
            "limits.data-form",
            format!("{}B", s.upload_max_bytes + 64 * 1024),
        ))
        .merge((
            "limits.file",
            format!("{}B", s.upload_max_bytes + 64 * 1024),
        ));
    if let Some(tls) = &s.tls {
        figment = figment
            .merge(("tls.certs", tls.cert.clone()))
            .merge(("tls.key", tls.key.clone()));
    }

    let limits = Arc::clone(&core.auth.limits);
    let data_dir = s.data_dir.clone();
    let tenants_for_shutdown = Arc::clone(&core.tenants);
    let data_dir_at_shutdown = s.data_dir.clone();
    let repl_start = core.replication.clone();
    let repl_stop = core.replication.clone();
    let mut probes: Vec<Box<dyn ops::ReadinessProbe>> = Vec::new();
    let mut gauges: Vec<Box<dyn ops::GaugeSource>> = Vec::new();
    let scanner = crate::scan::Scanner::from_settings(s);
    let scanner_for_ping = scanner.clone();
    probes.push(Box::new(crate::scan::ScannerProbe(scanner.clone())));
    if let Some(r) = &core.replication {
        probes.push(Box::new(ReplicationProbe(Arc::clone(r))));
        gauges.push(Box::new(ReplicationProbe(Arc::clone(r))));
    }
    // Restore drills need a replica to restore from.
    let drills = match (&core.replication, s.restore_drill_interval) {
        (Some(r), Some(every)) => {
            let d = Arc::new(Drills::load(&s.data_dir));
            probes.push(Box::new(DrillProbe(Arc::clone(&d))));
            gauges.push(Box::new(DrillProbe(Arc::clone(&d))));
            Some((d, Arc::clone(r), every))
        }
        _ => None,
    };
    let alerts = s.smtp.clone().map(|smtp| {
        (
            crate::alerts::Sources {
                settings: s.clone(),
                replication: core.replication.clone(),
                drills: drills.as_ref().map(|(d, _, _)| Arc::clone(d)),
            },
            crate::alerts::Mailer::new(smtp),
            Arc::clone(&core.control),
        )
    });
    let tenants_for_drills = Arc::clone(&core.tenants);
    let keys_for_drills = Arc::clone(&core.keys);
    let tenants_for_replication = Arc::clone(&core.tenants);
    let maintenance = s
        .maintenance_interval
        .map(|every| (Arc::clone(&core.tenants), every));
    rocket::custom(figment)
        .manage(s.clone())
        .manage(Arc::clone(&core.tenants))
        .manage(Arc::clone(&core.keys))
        .manage(Arc::clone(&core.auth))
        .manage(ops::StartedAt(Instant::now()))
        .manage(ops::Probes(probes))
        .manage(ops::GaugeSources(gauges))
        .manage(ReplicationState(core.replication.clone()))
        .manage(crate::modules::files::ScannerState(scanner))
        .attach(fairings::Edge::new(s))
        .attach(AdHoc::on_liftoff("background", move |rocket| {
            // Printed only now: the listener is bound, so a client may connect at once.
            let cfg = rocket.config();
            let scheme = if cfg.tls_enabled() { "https" } else { "http" };
            tracing::info!(address = %cfg.address, port = cfg.port, scheme, "bisman listening");
            println!(
                "BISMAN ERP listening on {scheme}://{}:{}/",
                cfg.address, cfg.port
            );
            Box::pin(async move {
                if let Some(r) = repl_start {
                    if let Err(e) = r.start().await {
                        tracing::error!(error = %e, "replication is not running");
                    }
                    // Every tenant the control DB knows, however it was created, is
                    // registered with Litestream within RECONCILE_EVERY (or at once when
                    // nudged); /ready and /metrics read what this finds.
                    rocket::tokio::spawn(async move {
                        loop {
                            r.reconcile(&tenants_for_replication).await;
                            r.wait_next(crate::backup::RECONCILE_EVERY).await;
                        }
                    });
                }
                if let Some((d, r, every)) = drills {
                    rocket::tokio::spawn(crate::drill::schedule(
                        d,
                        r,
                        tenants_for_drills,
                        keys_for_drills,
                        every,
                    ));
                }
                if let Some((sources, mailer, control)) = alerts {
                    rocket::tokio::spawn(crate::alerts::schedule(sources, mailer, control));
                }
                if let Some((t, every)) = maintenance {
                    rocket::tokio::spawn(crate::maintenance::schedule(t, every));
                }
                if let Some(sc) = scanner_for_ping {
                    rocket::tokio::spawn(async move {
                        let mut tick = rocket::tokio::time::interval(Duration::from_secs(15));
                        loop {
                            tick.tick().await;
                            sc.refresh().await;
                        }
                    });
                }
                crate::service::notify_ready();
                rocket::tokio::spawn(async move {
                    let mut tick = rocket::tokio::time::interval(Duration::from_secs(60));
                    loop {
                        tick.tick().await;
                        limits.prune();
                        let dir = data_dir.clone();
                        let written = rocket::tokio::task::spawn_blocking(move || {
                            crate::db::slow::write_report(&dir)
                        })
                        .await;
                        if let Ok(Err(e)) = written {
                            tracing::warn!(error = %e, "could not write the slow-statement report");
                        }
                    }
                });
            })
        }))
        .attach(AdHoc::on_shutdown("checkpoint", move |_| {
            Box::pin(async move {
                if let Some(r) = repl_stop {
                    r.shutdown().await;
                }
                let t = tenants_for_shutdown;
                let n = rocket::tokio::task::spawn_blocking(move || t.checkpoint_all())
                    .await
                    .unwrap_or(0);
                tracing::info!(checkpointed = n, "shutdown: tenant WALs checkpointed");
                if let Err(e) = crate::db::slow::write_report(&data_dir_at_shutdown) {
                    tracing::warn!(error = %e, "could not write the slow-statement report");
                }
            })
        }))
        .register("/", catchers::all())
        .mount("/", ops::routes())
        .mount("/", openapi::routes())
        .mount("/", ui::routes())
        .mount("/", rocket::routes![fairings::preflight])
        .mount("/api/v1", crate::modules::iam::routes())
        .mount("/api/v1", crate::modules::system::routes())
        .mount("/api/v1", crate::modules::org::routes())
        .mount("/api/v1", crate::modules::company::routes())
        .mount("/api/v1", crate::modules::hr::routes())
        .mount("/api/v1", crate::modules::audit_log::routes())
        .mount("/api/v1", crate::modules::sales::routes())
        .mount("/api/v1", crate::modules::books::routes())
        .mount("/api/v1", crate::modules::purchases::routes())
        .mount("/api/v1", crate::modules::stock::routes())
        .mount("/api/v1", crate::modules::returns::routes())
        .mount("/api/v1", crate::modules::files::routes())
}
