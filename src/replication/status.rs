//! Replication position and lag per database.
//!
//! Three sources, all through Litestream's own commands:
//! * the replica itself: `litestream ltx -level all -json REPLICA_URL` lists its LTX
//!   files; the highest `max_txid` is the replicated position and the earliest file
//!   holding it tells when it reached the replica. Works with no daemon running.
//! * the local position: `litestream status -config FILE -json` (`local_txid`).
//! * the running daemon: `litestream list -socket S -json` gives each database's state
//!   and `last_sync_at`, which advances only while syncs to the replica succeed.

// Scratch crate / plain tokio: `use ::tokio;`. Needs tokio's `process` feature in Cargo.toml.
use rocket::tokio;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::config::{DbEntry, ReplicaTarget};
use super::{run_litestream, ReplicationError, Result};

/// Highest replicated TXID and when it reached the replica; `None` when empty.
type ReplicaPos = Option<(u64, OffsetDateTime)>;

/// Bound on each Litestream call made for a status report.
const CALL_LIMIT: Duration = Duration::from_secs(15);
/// Replica listings run at most this many at a time.
const PARALLEL: usize = 4;

/// Replication state of one database.
#[derive(Clone, Debug, Serialize)]
pub struct DbStatus {
    /// `control`, `tenants/<slug>`.
    pub name: String,
    pub path: PathBuf,
    /// Last transaction Litestream has captured locally (from `litestream status`).
    pub local_txid: Option<u64>,
    /// Last transaction present in the replica.
    pub replica_txid: Option<u64>,
    /// When `replica_txid` reached the replica (LTX file time, whole seconds).
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_replicated_at: Option<OffsetDateTime>,
    /// The daemon's state for this database (`replicating`, ...), if it runs.
    pub daemon_state: Option<String>,
    /// The daemon's last successful sync of this database to its replica.
    #[serde(with = "time::serde::rfc3339::option")]
    pub daemon_last_sync_at: Option<OffsetDateTime>,
    /// Seconds of changes not yet known to be in the replica: from the daemon's last
    /// sync when it runs, else 0 when the replica has the local position, else the age
    /// of the replica's newest file. `None` when it cannot be told.
    pub lag_seconds: Option<f64>,
    /// What went wrong while finding out, if anything.
    pub error: Option<String>,
}

/// Reports, for each database, where its replica is and how far behind it lags.
/// `config_path` (the generated `litestream.yml`) gives the local positions and
/// `socket_path` the daemon's view; either may be `None` or absent. Every Litestream
/// call is bounded; a failure for one database is reported in its `error` field. Fails
/// as a whole only when the Litestream executable cannot be run.
pub async fn status(
    bin: &Path,
    target: &ReplicaTarget,
    dbs: &[DbEntry],
    config_path: Option<&Path>,
    socket_path: Option<&Path>,
) -> Result<Vec<DbStatus>> {
    let local = match config_path.filter(|p| p.exists()) {
        Some(cfg) => local_positions(bin, cfg).await?,
        None => HashMap::new(),
    };
    let daemon = match socket_path {
        Some(s) if tokio::net::UnixStream::connect(s).await.is_ok() => daemon_view(bin, s).await?,
        _ => HashMap::new(),
    };

    let permits = Arc::new(tokio::sync::Semaphore::new(PARALLEL));
    let mut tasks = tokio::task::JoinSet::new();
    for (i, db) in dbs.iter().enumerate() {
        let (bin, url, permits) = (
            bin.to_path_buf(),
            target.replica_url(db.name()),
            Arc::clone(&permits),
        );
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            (i, replica_position(&bin, &url).await)
        });
    }
    let mut replica: Vec<Option<Result<ReplicaPos>>> = (0..dbs.len()).map(|_| None).collect();
    while let Some(joined) = tasks.join_next().await {
        if let Ok((i, r)) = joined {
            if let Some(slot) = replica.get_mut(i) {
                *slot = Some(r);
            }
        }
    }

    let now = OffsetDateTime::now_utc();
    let mut out = Vec::with_capacity(dbs.len());
    for (db, rep) in dbs.iter().zip(replica) {
        let path = db.path_str();
        let mut st = DbStatus {
            name: db.name().to_owned(),
            path: db.path().to_path_buf(),
            local_txid: local.get(&path).copied(),
            replica_txid: None,
            last_replicated_at: None,
            daemon_state: None,
            daemon_last_sync_at: None,
            lag_seconds: None,
            error: None,
        };
        match rep {
            Some(Ok(Some((txid, at)))) => {
                st.replica_txid = Some(txid);
                st.last_replicated_at = Some(at);
            }
            Some(Ok(None)) => st.error = Some("no replica yet".into()),
            Some(Err(e @ ReplicationError::Spawn { .. })) => return Err(e),
            Some(Err(e)) => st.error = Some(e.to_string()),
            None => st.error = Some("replica listing did not finish".into()),
        }
        if let Some(d) = daemon.get(&path) {
            st.daemon_state = Some(d.status.clone());
            st.daemon_last_sync_at = d.last_sync();
        }
        st.lag_seconds = lag(&st, now);
        out.push(st);
    }
    Ok(out)
}

fn lag(st: &DbStatus, now: OffsetDateTime) -> Option<f64> {
    let age = |t: OffsetDateTime| (now - t).as_seconds_f64().max(0.0);
    if let Some(t) = st.daemon_last_sync_at {
        return Some(age(t));
    }
    match (st.local_txid, st.replica_txid, st.last_replicated_at) {
        (Some(l), Some(r), _) if l <= r => Some(0.0),
        (Some(_), Some(_), Some(t)) => Some(age(t)),
        _ => None,
    }
}

#[derive(Deserialize)]
struct LtxFile {
    max_txid: String,
    timestamp: String,
}

/// Highest replicated TXID and when it reached the replica; `None` for an empty replica.
async fn replica_position(bin: &Path, url: &str) -> Result<ReplicaPos> {
    let out = run_litestream(
        bin,
        ["ltx", "-level", "all", "-json", url],
        Some(CALL_LIMIT),
    )
    .await?;
    parse_ltx_listing(&out.stdout)
}

fn parse_ltx_listing(stdout: &str) -> Result<ReplicaPos> {
    let parse_err = |detail: String| ReplicationError::Parse {
        command: "ltx".into(),
        detail,
    };
    let files: Vec<LtxFile> =
        serde_json::from_str(stdout).map_err(|e| parse_err(format!("{e}: {}", stdout.trim())))?;
    let mut best: Option<(u64, OffsetDateTime)> = None;
    for f in files {
        let txid = u64::from_str_radix(&f.max_txid, 16)
            .map_err(|e| parse_err(format!("max_txid {:?}: {e}", f.max_txid)))?;
        let at = OffsetDateTime::parse(&f.timestamp, &Rfc3339)
            .map_err(|e| parse_err(format!("timestamp {:?}: {e}", f.timestamp)))?;
        best = match best {
            // Compacted copies of the same TXID are newer files; keep the earliest.
            Some((t, a)) if t > txid || (t == txid && a <= at) => Some((t, a)),
            _ => Some((txid, at)),
        };
    }
    Ok(best)
}

#[derive(Deserialize)]
struct LocalStatus {
    database: String,
    local_txid: Option<String>,
}

/// Local TXID per database path, from `litestream status`.
async fn local_positions(bin: &Path, config: &Path) -> Result<HashMap<String, u64>> {
    let cfg = config.display().to_string();
    let args = ["status", "-config", cfg.as_str(), "-no-expand-env", "-json"];
    let out = match run_litestream(bin, args, Some(CALL_LIMIT)).await {
        Ok(o) => o,
        Err(e @ ReplicationError::Spawn { .. }) => return Err(e),
        Err(e) => {
            tracing::warn!(error = %e, "litestream status failed; local positions unknown");
            return Ok(HashMap::new());
        }
    };
    Ok(parse_local_status(&out.stdout))
}

fn parse_local_status(stdout: &str) -> HashMap<String, u64> {
    serde_json::from_str::<Vec<LocalStatus>>(stdout)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|s| {
            let txid = u64::from_str_radix(s.local_txid.as_deref()?, 16).ok()?;
            Some((s.database, txid))
        })
        .collect()
}

#[derive(Deserialize)]
struct DaemonList {
    databases: Vec<DaemonDb>,
}

/// One database as the running daemon reports it (`litestream list`).
#[derive(Clone, Debug, Deserialize)]
pub struct DaemonDb {
    pub path: String,
    pub status: String,
    /// The last successful sync to the replica (RFC 3339). Absent until the first one;
    /// Litestream advances it every few seconds while syncs succeed, also when idle.
    pub last_sync_at: Option<String>,
}

impl DaemonDb {
    pub fn last_sync(&self) -> Option<OffsetDateTime> {
        self.last_sync_at
            .as_deref()
            .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok())
    }
}

/// The databases the daemon listening on `socket` replicates, by path. Fails when the
/// daemon does not answer or answers something unexpected.
pub async fn daemon_databases(bin: &Path, socket: &Path) -> Result<HashMap<String, DaemonDb>> {
    let sock = socket.display().to_string();
    let args = ["list", "-socket", sock.as_str(), "-timeout", "10", "-json"];
    let out = run_litestream(bin, args, Some(CALL_LIMIT)).await?;
    let list =
        serde_json::from_str::<DaemonList>(&out.stdout).map_err(|e| ReplicationError::Parse {
            command: "list".into(),
            detail: format!("{e}: {}", out.stdout.trim()),
        })?;
    Ok(list
        .databases
        .into_iter()
        .map(|d| (d.path.clone(), d))
        .collect())
}

/// The running daemon's view per database path, from `litestream list`; empty when it
/// cannot be had.
async fn daemon_view(bin: &Path, socket: &Path) -> Result<HashMap<String, DaemonDb>> {
    match daemon_databases(bin, socket).await {
        Ok(m) => Ok(m),
        Err(e @ ReplicationError::Spawn { .. }) => Err(e),
        Err(e) => {
            tracing::warn!(error = %e, "litestream list failed; daemon view unknown");
            Ok(HashMap::new())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn ltx_listing_takes_highest_txid_earliest_time() -> Result<()> {
        let json = r#"[
          {"level":0,"min_txid":"0000000000000001","max_txid":"0000000000000001","size":5,"timestamp":"2026-11-24T02:42:56Z"},
          {"level":0,"min_txid":"0000000000000002","max_txid":"000000000000000a","size":5,"timestamp":"2026-11-24T02:43:07Z"},
          {"level":1,"min_txid":"0000000000000001","max_txid":"000000000000000a","size":5,"timestamp":"2026-11-24T02:43:30Z"}
        ]"#;
        assert_eq!(
            parse_ltx_listing(json)?,
            Some((10, datetime!(2026-11-24 02:43:07 UTC)))
        );
        assert_eq!(parse_ltx_listing("[]")?, None);
        assert!(parse_ltx_listing("nope").is_err());
        Ok(())
    }

    #[test]
    fn local_status_parses() {
        let m = parse_local_status(
            r#"[{"database":"/d/control.db","status":"ok","local_txid":"00000000000000ff","wal_size":"16 kB"},
                {"database":"/d/x.db","status":"no database"}]"#,
        );
        assert_eq!(m.get("/d/control.db"), Some(&255));
        assert_eq!(m.len(), 1);
    }

    #[test]
    fn lag_rules() {
        let now = datetime!(2026-01-01 00:01:00 UTC);
        let mut st = DbStatus {
            name: "control".into(),
            path: "/d/control.db".into(),
            local_txid: Some(5),
            replica_txid: Some(5),
            last_replicated_at: Some(datetime!(2026-01-01 00:00:00 UTC)),
            daemon_state: None,
            daemon_last_sync_at: None,
            lag_seconds: None,
            error: None,
        };
        assert_eq!(lag(&st, now), Some(0.0));
        st.local_txid = Some(6);
        assert_eq!(lag(&st, now), Some(60.0));
        st.daemon_last_sync_at = Some(datetime!(2026-01-01 00:00:58 UTC));
        assert_eq!(lag(&st, now), Some(2.0));
        st.daemon_last_sync_at = None;
        st.local_txid = None;
        assert_eq!(lag(&st, now), None);
    }
}
