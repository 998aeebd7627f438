//! Point-in-time restore of one database from its replica into a new file
//! (`litestream restore [-timestamp T] -o OUTPUT REPLICA_URL`).

use std::path::Path;
use std::time::{Duration, Instant};

use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use super::config::{DbEntry, ReplicaTarget};
use super::{run_litestream, ReplicationError, Result};

/// What a successful restore produced.
#[derive(Clone, Debug, Serialize)]
pub struct RestoreSummary {
    /// The last transaction applied (Litestream's hex TXID), if it said.
    pub txid: Option<String>,
    /// Wall time of the restore.
    pub duration: Duration,
}

/// Parses an RFC 3339 instant (`2026-04-01T10:30:00Z`, `...+05:30`) as given to
/// `bisman restore --timestamp`.
pub fn parse_timestamp(s: &str) -> Result<OffsetDateTime> {
    OffsetDateTime::parse(s.trim(), &Rfc3339).map_err(|e| {
        ReplicationError::InvalidConfig(format!(
            "timestamp {s:?} is not an RFC 3339 instant like 2026-04-01T10:30:00Z: {e}"
        ))
    })
}

/// Restores database `name` (`control`, `tenants/<slug>`) from `target` into the new
/// file `output`, as of `timestamp` (the state of the last transaction replicated at
/// or before it) or the latest replicated state. Never overwrites: fails with
/// [`ReplicationError::OutputExists`] if `output` or a `-wal`/`-shm`/`-journal` file
/// beside it exists. Runs a quick integrity check on the result.
pub async fn restore(
    bin: &Path,
    target: &ReplicaTarget,
    name: &str,
    timestamp: Option<OffsetDateTime>,
    output: &Path,
) -> Result<RestoreSummary> {
    let entry = DbEntry::new(name, output)?; // validates the name, makes the path absolute
    let out = entry.path();
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = out.as_os_str().to_owned();
        p.push(suffix);
        let p = std::path::PathBuf::from(p);
        if std::fs::symlink_metadata(&p).is_ok() {
            return Err(ReplicationError::OutputExists(p));
        }
    }
    let mut args: Vec<String> = vec![
        "restore".into(),
        "-o".into(),
        entry.path_str(),
        "-json".into(),
        "-integrity-check".into(),
        "quick".into(),
    ];
    if let Some(ts) = timestamp {
        let ts = ts.to_offset(UtcOffset::UTC).format(&Rfc3339).map_err(|e| {
            ReplicationError::InvalidConfig(format!("cannot format timestamp: {e}"))
        })?;
        args.push("-timestamp".into());
        args.push(ts);
    }
    args.push(target.replica_url(name));
    let started = Instant::now();
    // No time limit: a large database over a slow link may take long.
    let res = run_litestream(bin, &args, None).await?;
    let txid = serde_json::from_str::<serde_json::Value>(&res.stdout)
        .ok()
        .and_then(|v| v.get("txid").and_then(|t| t.as_str()).map(str::to_owned));
    if std::fs::metadata(out).is_err() {
        return Err(ReplicationError::Litestream {
            command: "restore".into(),
            message: format!("reported success but wrote no {}", out.display()),
        });
    }
    Ok(RestoreSummary {
        txid,
        duration: started.elapsed(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert!(parse_timestamp("2026-04-01T10:30:00Z").is_ok());
        assert!(parse_timestamp("2026-04-01T10:30:00.25+05:30").is_ok());
        assert!(parse_timestamp("2026-04-01 10:30").is_err());
        assert!(parse_timestamp("yesterday").is_err());
    }

    #[tokio::test]
    async fn refuses_existing_output() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| ReplicationError::io("tempdir", e))?;
        let out = dir.path().join("x.db");
        std::fs::write(out.with_file_name("x.db-wal"), b"")
            .map_err(|e| ReplicationError::io("write", e))?;
        let t = ReplicaTarget::parse("file:///nonexistent-replica", None, None)?;
        let r = restore(
            Path::new("/nonexistent/litestream"),
            &t,
            "control",
            None,
            &out,
        )
        .await;
        assert!(matches!(r, Err(ReplicationError::OutputExists(_))), "{r:?}");
        Ok(())
    }
}
