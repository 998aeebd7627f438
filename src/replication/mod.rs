//! Streaming replication of every SQLite file (control DB and one file per tenant) to
//! object storage through Litestream, which runs as a separate process.
//!
//! * [`config`]: the replica target taken from `BISMAN_REPLICA_*` and the generated
//!   `litestream.yml`.
//! * [`supervisor`]: runs `litestream replicate` as a supervised child and adds new
//!   tenant files to it through its control socket, without a restart.
//! * [`restore`]: point-in-time restore of one database into a new file.
//! * [`status`]: replication position and lag per database.
//!
//! Every Litestream process is started through [`litestream_command`], which removes
//! `AWS_CA_BUNDLE` from its environment: Litestream 0.5.17 builds its own HTTP client
//! and fails to load its S3 configuration at all when that variable is set.

// Scratch crate / plain tokio: `use ::tokio;`. Needs tokio's `process` feature in Cargo.toml.
use rocket::tokio;

pub mod config;
pub mod restore;
pub mod status;
pub mod supervisor;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

pub use config::{render_config, write_config, DbEntry, ReplicaTarget};
pub use restore::{parse_timestamp, restore, RestoreSummary};
pub use status::{status, DbStatus};
pub use supervisor::{register_with_daemon, Supervisor, SupervisorOptions};

/// Environment variable naming the Litestream executable.
pub const ENV_LITESTREAM_BIN: &str = "BISMAN_LITESTREAM_BIN";

/// Everything that can go wrong in this module.
#[derive(Debug, thiserror::Error)]
pub enum ReplicationError {
    /// A configuration value (URL, endpoint, region, name, path) is unusable.
    #[error("{0}")]
    InvalidConfig(String),
    /// An I/O error with what was being done.
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    /// Litestream could not be started at all.
    #[error("cannot run litestream ({bin}): {source}")]
    Spawn {
        bin: String,
        #[source]
        source: std::io::Error,
    },
    /// Litestream ran and failed; `message` is its last error line.
    #[error("litestream {command} failed: {message}")]
    Litestream { command: String, message: String },
    /// Litestream did not finish in time.
    #[error("litestream {command} did not finish within {seconds} s")]
    Timeout { command: String, seconds: u64 },
    /// Litestream printed something this module does not understand.
    #[error("unexpected output from litestream {command}: {detail}")]
    Parse { command: String, detail: String },
    /// A restore would overwrite an existing file.
    #[error("refusing to overwrite existing {0}")]
    OutputExists(PathBuf),
    /// Another Litestream daemon already listens on the control socket.
    #[error("another litestream daemon already listens on {0}")]
    AlreadyRunning(PathBuf),
    /// The supervisor has been shut down.
    #[error("the litestream supervisor is stopped")]
    Stopped,
}

/// Result type of this module.
pub type Result<T, E = ReplicationError> = std::result::Result<T, E>;

impl ReplicationError {
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io {
            context: context.into(),
            source,
        }
    }
}

/// The Litestream executable: `BISMAN_LITESTREAM_BIN`, else `litestream` on `PATH`.
pub fn litestream_bin_from_env() -> PathBuf {
    match std::env::var_os(ENV_LITESTREAM_BIN) {
        Some(v) if !v.is_empty() => PathBuf::from(v),
        _ => PathBuf::from("litestream"),
    }
}

/// A `litestream` command with a clean environment for S3 (no `AWS_CA_BUNDLE`), no
/// stdin, and killed if the handle is dropped (e.g. when a timeout fires).
pub fn litestream_command(bin: &Path) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(bin);
    cmd.env_remove("AWS_CA_BUNDLE")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    cmd
}

/// Output of a finished Litestream command.
#[derive(Debug)]
pub(crate) struct CmdOutput {
    pub stdout: String,
}

/// Runs `litestream <args>` to completion, within `limit` if given; a non-zero exit
/// becomes [`ReplicationError::Litestream`] carrying its last error line.
pub(crate) async fn run_litestream<I, S>(
    bin: &Path,
    args: I,
    limit: Option<Duration>,
) -> Result<CmdOutput>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(|a| a.as_ref().to_owned()).collect();
    let command = args
        .first()
        .map(|a| a.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut cmd = litestream_command(bin);
    cmd.args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = cmd.spawn().map_err(|source| ReplicationError::Spawn {
        bin: bin.display().to_string(),
        source,
    })?;
    let waited = match limit {
        Some(limit) => tokio::time::timeout(limit, child.wait_with_output())
            .await
            .map_err(|_| ReplicationError::Timeout {
                command: command.clone(),
                seconds: limit.as_secs(),
            })?,
        None => child.wait_with_output().await,
    };
    let out =
        waited.map_err(|e| ReplicationError::io(format!("waiting for litestream {command}"), e))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if !out.status.success() {
        return Err(ReplicationError::Litestream {
            command,
            message: last_error_line(&stderr, &stdout, out.status),
        });
    }
    Ok(CmdOutput { stdout })
}

/// The most useful line of a failed command's output: its `Error:` line if any,
/// else its last non-empty stderr line, else the exit status.
fn last_error_line(stderr: &str, stdout: &str, status: std::process::ExitStatus) -> String {
    let lines = || stdout.lines().chain(stderr.lines()).map(str::trim);
    if let Some(l) = lines().rfind(|l| l.starts_with("Error:")) {
        return l.trim_start_matches("Error:").trim().to_owned();
    }
    stderr
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| format!("exited with {status}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;

    #[test]
    fn error_line_prefers_error_prefix() {
        let st = std::process::ExitStatus::from_raw(256);
        assert_eq!(
            last_error_line("noise\nError: no matching backup files available\n", "", st),
            "no matching backup files available"
        );
        assert_eq!(last_error_line("a\nb\n\n", "", st), "b");
        assert!(last_error_line("", "", st).contains("exit"));
    }
}
