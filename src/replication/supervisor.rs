//! Runs `litestream replicate` as a supervised child process.
//!
//! * The child is restarted when it dies, after a capped exponential backoff.
//! * Its log lines (stdout and stderr) are forwarded to `tracing` at their own level.
//! * New databases are added to the running child through Litestream's control socket
//!   (`litestream register`), with no restart; the generated config is rewritten first,
//!   so a later restart keeps them.
//! * Shutdown sends SIGTERM (Litestream then does a final sync) and SIGKILL after a
//!   bound.

// Scratch crate / plain tokio: `use ::tokio;`. Needs tokio's `process` feature in Cargo.toml.
use rocket::tokio;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::Child;
use tokio::sync::{watch, Mutex};
use tokio::task::JoinHandle;

use super::config::{render_config, write_config, DbEntry, ReplicaTarget};
use super::{litestream_command, run_litestream, ReplicationError, Result};

/// Longest control-socket path a Unix socket address can hold (with the NUL).
const MAX_SOCKET_PATH: usize = 107;

/// How the supervisor runs Litestream. [`SupervisorOptions::new`] gives sensible bounds.
#[derive(Clone, Debug)]
pub struct SupervisorOptions {
    /// The `litestream` executable.
    pub bin: PathBuf,
    /// Where the generated `litestream.yml` is written.
    pub config_path: PathBuf,
    /// The control socket (written into the config).
    pub socket_path: PathBuf,
    /// Where the replicas go.
    pub target: ReplicaTarget,
    /// First restart delay.
    pub min_backoff: Duration,
    /// Restart delays double up to this cap.
    pub max_backoff: Duration,
    /// A child that ran at least this long resets the backoff to `min_backoff`.
    pub stable_after: Duration,
    /// How long to wait after SIGTERM before SIGKILL.
    pub stop_timeout: Duration,
    /// How long `register` keeps trying to reach the control socket.
    pub register_timeout: Duration,
}

impl SupervisorOptions {
    /// Options with the default bounds: backoff 1 s doubling to 30 s (reset after 60 s
    /// of uptime), 15 s from SIGTERM to SIGKILL, 30 s to register a database.
    pub fn new(
        bin: PathBuf,
        config_path: PathBuf,
        socket_path: PathBuf,
        target: ReplicaTarget,
    ) -> Self {
        Self {
            bin,
            config_path,
            socket_path,
            target,
            min_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
            stable_after: Duration::from_secs(60),
            stop_timeout: Duration::from_secs(15),
            register_timeout: Duration::from_secs(30),
        }
    }
}

struct Shared {
    opts: SupervisorOptions,
    /// Databases in the config. Its lock also serialises config writes and registrations.
    dbs: Mutex<BTreeSet<DbEntry>>,
    /// Pid of the running child, 0 when none.
    pid: AtomicU32,
    /// How many times a child has been started.
    spawns: AtomicU64,
}

/// A running, supervised `litestream replicate`. Dropping it also stops the child
/// (gracefully, if the runtime is still alive); prefer [`Supervisor::shutdown`].
pub struct Supervisor {
    shared: Arc<Shared>,
    shutdown_tx: watch::Sender<bool>,
    task: std::sync::Mutex<Option<JoinHandle<()>>>,
}

impl Supervisor {
    /// Writes the config for `dbs`, starts `litestream replicate` and supervises it.
    /// Fails if the executable cannot be started, the config cannot be written, or
    /// another daemon already answers on the control socket.
    pub async fn start(opts: SupervisorOptions, dbs: Vec<DbEntry>) -> Result<Self> {
        check_socket_path(&opts.socket_path)?;
        if tokio::net::UnixStream::connect(&opts.socket_path)
            .await
            .is_ok()
        {
            return Err(ReplicationError::AlreadyRunning(opts.socket_path.clone()));
        }
        let dbs: BTreeSet<DbEntry> = dbs.into_iter().collect();
        write_config_async(&opts, &dbs).await?;
        let shared = Arc::new(Shared {
            opts,
            dbs: Mutex::new(dbs),
            pid: AtomicU32::new(0),
            spawns: AtomicU64::new(0),
        });
        let first = spawn_child(&shared)?;
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let task = tokio::spawn(supervise(Arc::clone(&shared), first, shutdown_rx));
        Ok(Self {
            shared,
            shutdown_tx,
            task: std::sync::Mutex::new(Some(task)),
        })
    }

    /// Adds `db` to the running Litestream without restarting it: rewrites the config
    /// (so a restart keeps it), then registers it over the control socket. Registering
    /// a database twice is fine.
    pub async fn register(&self, db: DbEntry) -> Result<()> {
        if *self.shutdown_tx.borrow() {
            return Err(ReplicationError::Stopped);
        }
        let mut dbs = self.shared.dbs.lock().await;
        if !dbs.contains(&db) {
            let mut next = dbs.clone();
            next.insert(db.clone());
            write_config_async(&self.shared.opts, &next).await?;
            *dbs = next;
        }
        let o = &self.shared.opts;
        let status =
            register_with_daemon(&o.bin, &o.socket_path, &o.target, &db, o.register_timeout)
                .await?;
        tracing::info!(db = db.name(), path = %db.path().display(), status, "registered with litestream");
        Ok(())
    }

    /// Waits until the control socket accepts connections.
    pub async fn wait_ready(&self, limit: Duration) -> Result<()> {
        let deadline = Instant::now() + limit;
        loop {
            if tokio::net::UnixStream::connect(&self.shared.opts.socket_path)
                .await
                .is_ok()
            {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(ReplicationError::Timeout {
                    command: "replicate (control socket)".into(),
                    seconds: limit.as_secs(),
                });
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The databases in the current config.
    pub async fn databases(&self) -> Vec<DbEntry> {
        self.shared.dbs.lock().await.iter().cloned().collect()
    }

    /// Pid of the running `litestream replicate`, if one is running.
    pub fn pid(&self) -> Option<u32> {
        match self.shared.pid.load(Ordering::SeqCst) {
            0 => None,
            p => Some(p),
        }
    }

    /// How many times a child has been started (1 = never restarted).
    pub fn spawn_count(&self) -> u64 {
        self.shared.spawns.load(Ordering::SeqCst)
    }

    /// The options this supervisor runs with.
    pub fn options(&self) -> &SupervisorOptions {
        &self.shared.opts
    }

    /// Stops the child (SIGTERM, then SIGKILL after `stop_timeout`) and the
    /// supervision task. Idempotent.
    pub async fn shutdown(&self) {
        let _ = self.shutdown_tx.send(true);
        let task = match self.task.lock() {
            Ok(mut t) => t.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        if let Some(task) = task {
            let bound = self.shared.opts.stop_timeout + Duration::from_secs(5);
            if tokio::time::timeout(bound, task).await.is_err() {
                tracing::error!("litestream supervisor did not stop within {bound:?}");
            }
        }
    }
}

impl Drop for Supervisor {
    fn drop(&mut self) {
        // The task sees the closed or set channel and stops the child.
        let _ = self.shutdown_tx.send(true);
    }
}

/// Registers `db` with a running Litestream daemon through its control socket
/// (`litestream register -socket S -replica URL DB`). Retries while the socket does not
/// answer (e.g. the daemon is restarting), up to `limit`. Returns Litestream's status,
/// `registered` or `already_registered`. Also usable when Litestream runs under its own
/// systemd unit (`BISMAN_LITESTREAM_MANAGED=false`).
pub async fn register_with_daemon(
    bin: &Path,
    socket_path: &Path,
    target: &ReplicaTarget,
    db: &DbEntry,
    limit: Duration,
) -> Result<String> {
    let deadline = Instant::now() + limit;
    let secs = limit.as_secs().max(1);
    let url = target.replica_url(db.name());
    loop {
        let args = [
            "register".to_owned(),
            "-socket".to_owned(),
            socket_path.display().to_string(),
            "-replica".to_owned(),
            url.clone(),
            "-timeout".to_owned(),
            secs.to_string(),
            "-json".to_owned(),
            db.path_str(),
        ];
        let err = match run_litestream(bin, &args, Some(Duration::from_secs(secs + 5))).await {
            Ok(out) => return parse_register_output(&out.stdout),
            Err(e @ ReplicationError::Spawn { .. }) => return Err(e),
            Err(e) => e,
        };
        let socket_up = tokio::net::UnixStream::connect(socket_path).await.is_ok();
        if socket_up || Instant::now() >= deadline {
            return Err(err);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn parse_register_output(stdout: &str) -> Result<String> {
    let v: serde_json::Value =
        serde_json::from_str(stdout).map_err(|e| ReplicationError::Parse {
            command: "register".into(),
            detail: format!("{e}: {}", stdout.trim()),
        })?;
    match v.get("status").and_then(|s| s.as_str()) {
        Some(s @ ("registered" | "already_registered")) => Ok(s.to_owned()),
        _ => Err(ReplicationError::Parse {
            command: "register".into(),
            detail: stdout.trim().to_owned(),
        }),
    }
}

fn check_socket_path(p: &Path) -> Result<()> {
    if p.as_os_str().len() > MAX_SOCKET_PATH {
        return Err(ReplicationError::InvalidConfig(format!(
            "control socket path {} is longer than {MAX_SOCKET_PATH} bytes; use a shorter data dir",
            p.display()
        )));
    }
    Ok(())
}

async fn write_config_async(opts: &SupervisorOptions, dbs: &BTreeSet<DbEntry>) -> Result<()> {
    let list: Vec<DbEntry> = dbs.iter().cloned().collect();
    let text = render_config(&list, &opts.target, Some(&opts.socket_path));
    let path = opts.config_path.clone();
    tokio::task::spawn_blocking(move || write_config(&path, &text))
        .await
        .map_err(|e| ReplicationError::io("writing litestream config", std::io::Error::other(e)))?
}

fn spawn_child(shared: &Shared) -> Result<Child> {
    let o = &shared.opts;
    let mut cmd = litestream_command(&o.bin);
    cmd.arg("replicate")
        .arg("-config")
        .arg(&o.config_path)
        .arg("-no-expand-env")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Own process group: a Ctrl-C in a terminal reaches bisman, which then stops
        // Litestream in order, instead of killing both at once.
        .process_group(0);
    // If bisman itself dies (SIGKILL, OOM), Litestream must not live on as an orphan
    // holding the control socket, or the next start would find it "already running".
    // PDEATHSIG follows the spawning thread: this runs on a tokio worker, which lives
    // as long as the runtime.
    // SAFETY: the closure runs between fork and exec and only calls prctl, which is
    // async-signal-safe; it allocates nothing.
    unsafe {
        cmd.pre_exec(|| {
            rustix::process::set_parent_process_death_signal(Some(rustix::process::Signal::TERM))
                .map_err(std::io::Error::from)
        });
    }
    let mut child = cmd.spawn().map_err(|source| ReplicationError::Spawn {
        bin: o.bin.display().to_string(),
        source,
    })?;
    let pid = child.id().unwrap_or(0);
    shared.pid.store(pid, Ordering::SeqCst);
    let n = shared.spawns.fetch_add(1, Ordering::SeqCst) + 1;
    tracing::info!(pid, start = n, config = %o.config_path.display(), "started litestream replicate");
    if let Some(out) = child.stdout.take() {
        tokio::spawn(forward_lines(out));
    }
    if let Some(err) = child.stderr.take() {
        tokio::spawn(forward_lines(err));
    }
    Ok(child)
}

async fn supervise(shared: Arc<Shared>, first: Child, mut shutdown_rx: watch::Receiver<bool>) {
    let o = shared.opts.clone();
    let mut backoff = o.min_backoff;
    let mut next = Some(first);
    loop {
        let mut child = match next.take() {
            Some(c) => c,
            None => match spawn_child(&shared) {
                Ok(c) => c,
                Err(e) => {
                    tracing::error!(error = %e, "cannot restart litestream; retrying in {backoff:?}");
                    if sleep_or_shutdown(&mut shutdown_rx, backoff).await {
                        return;
                    }
                    backoff = (backoff * 2).min(o.max_backoff);
                    continue;
                }
            },
        };
        let started = Instant::now();
        let exited = tokio::select! {
            status = child.wait() => Some(status),
            _ = shutdown_rx.wait_for(|stop| *stop) => None,
        };
        let Some(status) = exited else {
            stop_child(&mut child, o.stop_timeout).await;
            shared.pid.store(0, Ordering::SeqCst);
            return;
        };
        shared.pid.store(0, Ordering::SeqCst);
        if started.elapsed() >= o.stable_after {
            backoff = o.min_backoff;
        }
        match status {
            Ok(s) => {
                tracing::warn!(status = %s, "litestream replicate exited; restarting in {backoff:?}")
            }
            Err(e) => {
                tracing::error!(error = %e, "lost litestream replicate; restarting in {backoff:?}")
            }
        }
        if sleep_or_shutdown(&mut shutdown_rx, backoff).await {
            return;
        }
        backoff = (backoff * 2).min(o.max_backoff);
    }
}

/// Sleeps for `d`; true if shutdown was requested meanwhile (or the supervisor is gone).
async fn sleep_or_shutdown(rx: &mut watch::Receiver<bool>, d: Duration) -> bool {
    if *rx.borrow() {
        return true;
    }
    tokio::select! {
        _ = tokio::time::sleep(d) => false,
        _ = rx.wait_for(|stop| *stop) => true,
    }
}

/// SIGTERM, wait up to `limit`, then SIGKILL.
async fn stop_child(child: &mut Child, limit: Duration) {
    let Some(pid) = child.id() else {
        return; // already reaped
    };
    let sent = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
        .map(|p| rustix::process::kill_process(p, rustix::process::Signal::TERM));
    if let Some(Err(e)) = sent {
        tracing::warn!(pid, error = %e, "cannot send SIGTERM to litestream");
    }
    match tokio::time::timeout(limit, child.wait()).await {
        Ok(Ok(s)) => tracing::info!(pid, status = %s, "litestream replicate stopped"),
        Ok(Err(e)) => tracing::warn!(pid, error = %e, "waiting for litestream"),
        Err(_) => {
            tracing::warn!(
                pid,
                "litestream ignored SIGTERM for {limit:?}; sending SIGKILL"
            );
            if let Err(e) = child.kill().await {
                tracing::error!(pid, error = %e, "cannot kill litestream");
            }
        }
    }
}

/// Forwards Litestream's `time=… level=X msg=…` lines to `tracing` at level X.
async fn forward_lines<R: AsyncRead + Unpin>(reader: R) {
    let mut lines = BufReader::new(reader).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let (level, text) = split_log_line(&line);
        match level {
            "ERROR" => tracing::error!(target: "litestream", "{text}"),
            "WARN" => tracing::warn!(target: "litestream", "{text}"),
            "DEBUG" | "TRACE" => tracing::debug!(target: "litestream", "{text}"),
            _ => tracing::info!(target: "litestream", "{text}"),
        }
    }
}

/// Splits a Litestream log line into its level and the rest without the timestamp.
fn split_log_line(line: &str) -> (&str, &str) {
    let rest = match line.strip_prefix("time=") {
        Some(r) => r.split_once(' ').map_or("", |(_, r)| r),
        None => line,
    };
    match rest.strip_prefix("level=") {
        Some(r) => r.split_once(' ').unwrap_or((r, "")),
        None => ("", rest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_lines_split() {
        assert_eq!(
            split_log_line("time=2026-01-01T00:00:00Z level=WARN msg=\"x y\" a=b"),
            ("WARN", "msg=\"x y\" a=b")
        );
        assert_eq!(split_log_line("Error: boom"), ("", "Error: boom"));
        assert_eq!(split_log_line("level=ERROR msg=x"), ("ERROR", "msg=x"));
    }

    #[test]
    fn register_output() {
        assert_eq!(
            parse_register_output("{\"status\": \"already_registered\"}")
                .ok()
                .as_deref(),
            Some("already_registered")
        );
        assert!(parse_register_output("{\"status\": \"nope\"}").is_err());
        assert!(parse_register_output("garbage").is_err());
    }

    #[test]
    fn long_socket_paths_are_refused() {
        assert!(check_socket_path(Path::new(&"/x".repeat(60))).is_err());
        assert!(check_socket_path(Path::new("/data/litestream.sock")).is_ok());
    }
}
