//! The `bisman` binary as an operator runs it: refusals, CLI, migrations, SIGTERM.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use serde_json::json;

fn bisman(dir: &std::path::Path) -> Command {
    let mut c = Command::new(bin());
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("BISMAN_DATA_DIR", dir)
        .env("BISMAN_LOG", "warn");
    c
}

fn run(c: &mut Command) -> Output {
    c.output().expect("run bisman")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write_secret(path: &std::path::Path, text: &str, mode: u32) {
    std::fs::write(path, text).expect("write secret");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

#[test]
fn production_refuses_missing_weak_or_exposed_secrets_and_bad_values() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    let o = run(bisman(&data)
        .env("BISMAN_ENV", "production")
        .args(["serve"]));
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("BISMAN_MASTER_KEY_FILE") && e.contains("BISMAN_JWT_SECRET_FILE"),
        "{e}"
    );
    assert!(
        !data.join("secrets").exists(),
        "production never generates secrets"
    );

    let master = dir.path().join("master.key");
    let jwt = dir.path().join("jwt.secret");
    write_secret(&master, &"00".repeat(32), 0o600);
    write_secret(&jwt, "changeme", 0o600);
    let o = run(bisman(&data)
        .env("BISMAN_ENV", "production")
        .env("BISMAN_MASTER_KEY_FILE", &master)
        .env("BISMAN_JWT_SECRET_FILE", &jwt)
        .args(["serve"]));
    let e = stderr(&o);
    assert!(!o.status.success());
    assert!(
        e.contains("BISMAN_MASTER_KEY_FILE") && e.contains("weak"),
        "{e}"
    );
    assert!(e.contains("BISMAN_JWT_SECRET_FILE"), "{e}");

    // Strong secrets, but readable by others.
    let strong_master = "9f2c4e7a1b3d5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8";
    write_secret(&master, strong_master, 0o644);
    write_secret(
        &jwt,
        "3e9a7c1f5b2d8e4a6c0f9b3d7e1a5c8f2b6d0e4a9c3f7b1d5e8a2c6f0b4d9e3a7c1f5b",
        0o600,
    );
    let o = run(bisman(&data)
        .env("BISMAN_ENV", "production")
        .env("BISMAN_MASTER_KEY_FILE", &master)
        .env("BISMAN_JWT_SECRET_FILE", &jwt)
        .args(["check"]));
    assert!(!o.status.success());
    assert!(stderr(&o).contains("group or others"), "{}", stderr(&o));

    write_secret(&master, strong_master, 0o600);
    let ok = run(bisman(&data)
        .env("BISMAN_ENV", "production")
        .env("BISMAN_MASTER_KEY_FILE", &master)
        .env("BISMAN_JWT_SECRET_FILE", &jwt)
        .args(["check"]));
    assert!(ok.status.success(), "{}", stderr(&ok));

    // An unwritable data dir (a path below a regular file) and an invalid value, both named.
    let file = dir.path().join("plain-file");
    std::fs::write(&file, b"x").expect("file");
    let o = run(bisman(&file.join("data"))
        .env("BISMAN_ENV", "production")
        .env("BISMAN_MASTER_KEY_FILE", &master)
        .env("BISMAN_JWT_SECRET_FILE", &jwt)
        .args(["serve"]));
    assert!(!o.status.success());
    assert!(stderr(&o).contains("BISMAN_DATA_DIR"), "{}", stderr(&o));
    let o = run(bisman(&data)
        .env("BISMAN_RATE_LOGIN", "lots")
        .env("BISMAN_BIND", "nowhere")
        .args(["check"]));
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("BISMAN_RATE_LOGIN") && e.contains("BISMAN_BIND"),
        "every problem is printed: {e}"
    );
}

#[test]
fn development_generates_secrets_with_mode_0600() {
    let dir = tempfile::tempdir().expect("tmp");
    let o = run(bisman(dir.path()).args(["check"]));
    assert!(o.status.success(), "{}", stderr(&o));
    for f in ["secrets/master.key", "secrets/jwt.secret"] {
        let mode = std::fs::metadata(dir.path().join(f))
            .expect(f)
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600, "{f}");
    }
}

#[test]
fn cli_tenant_lifecycle_sysadmin_and_audit_verify() {
    let dir = tempfile::tempdir().expect("tmp");
    let o = run(bisman(dir.path()).args([
        "tenant",
        "create",
        "acme",
        "--name",
        "Acme Traders",
        "--owner-email",
        "owner@acme.in",
        "--json",
    ]));
    assert!(o.status.success(), "{}", stderr(&o));
    let created: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(created["slug"], "acme");
    assert!(
        created["generated_owner_password"]
            .as_str()
            .is_some_and(|p| p.len() >= 16),
        "generated once"
    );
    let o = run(bisman(dir.path()).args([
        "tenant",
        "create",
        "../evil",
        "--name",
        "x",
        "--owner-email",
        "o@x.in",
    ]));
    assert!(!o.status.success());
    assert!(stderr(&o).starts_with("error: slug:"), "{}", stderr(&o));
    assert_eq!(stderr(&o).lines().count(), 1, "one-line error");
    assert!(run(bisman(dir.path()).args(["tenant", "suspend", "acme"]))
        .status
        .success());
    let list = run(bisman(dir.path()).args(["tenant", "list", "--json"]));
    let v: serde_json::Value = serde_json::from_slice(&list.stdout).expect("json");
    assert_eq!(v[0]["status"], "suspended");
    assert!(run(bisman(dir.path()).args(["tenant", "resume", "acme"]))
        .status
        .success());
    assert!(!run(bisman(dir.path()).args(["tenant", "resume", "ghost"]))
        .status
        .success());
    let o = run(bisman(dir.path()).args(["sysadmin", "create", "--email", "root@ops.in"]));
    assert!(String::from_utf8_lossy(&o.stdout).contains("password (shown once)"));
    let o = run(bisman(dir.path()).args(["audit", "verify", "--tenant", "acme"]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("ok: 2 events"));
    // Tamper with the chain directly in the file: verify exits 1 and names the sequence.
    let db = rusqlite::Connection::open(dir.path().join("tenants/acme/tenant.db")).expect("open");
    db.execute_batch("DROP TRIGGER audit_events_no_update; UPDATE audit_events SET action = 'forged' WHERE seq = 2;").expect("tamper");
    drop(db);
    let o = run(bisman(dir.path()).args(["audit", "verify", "--tenant", "acme"]));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("seq 2"), "{}", stderr(&o));
    for sub in ["serve", "tenant", "sysadmin", "migrate", "check", "audit"] {
        assert!(
            run(bisman(dir.path()).args([sub, "--help"]))
                .status
                .success(),
            "{sub} --help"
        );
    }
}

#[test]
fn migrate_dry_run_changes_nothing_and_drift_stops_startup() {
    let dir = tempfile::tempdir().expect("tmp");
    assert!(run(bisman(dir.path()).args([
        "tenant",
        "create",
        "acme",
        "--name",
        "A",
        "--owner-email",
        "owner@acme.in"
    ]))
    .status
    .success());
    let db_path = dir.path().join("tenants/acme/tenant.db");
    let o = run(bisman(dir.path()).args(["migrate", "--dry-run"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        out.contains("control: up to date") && out.contains("tenant acme: up to date"),
        "{out}"
    );
    // Pretend migration 1 was never applied: dry run lists it and leaves the file alone.
    let c = rusqlite::Connection::open(&db_path).expect("open");
    c.execute("DELETE FROM schema_migrations", [])
        .expect("forget");
    c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .expect("ckpt");
    drop(c);
    let before = std::fs::read(&db_path).expect("read");
    let o = run(bisman(dir.path()).args(["migrate", "--dry-run"]));
    assert!(String::from_utf8_lossy(&o.stdout).contains("tenant acme: pending 0001_init"));
    assert_eq!(
        before,
        std::fs::read(&db_path).expect("read"),
        "dry run changed nothing"
    );
    // A real migrate re-applies 0001 on an existing schema: it fails, names the statement, and leaves the file as it was.
    let o = run(bisman(dir.path()).args(["migrate"]));
    assert!(!o.status.success());
    assert!(stderr(&o).contains("CREATE TABLE users"), "{}", stderr(&o));
    let c = rusqlite::Connection::open(&db_path).expect("open");
    let n: i64 = c
        .query_row("SELECT count(*) FROM schema_migrations", [], |r| r.get(0))
        .expect("count");
    assert_eq!(n, 0, "the failed migration was rolled back");
    // Checksum drift: an applied migration whose text differs stops the tenant from opening.
    c.execute(
        "INSERT INTO schema_migrations (version, name, checksum) VALUES (1, 'init', 'deadbeef')",
        [],
    )
    .expect("drift");
    drop(c);
    let o = run(bisman(dir.path()).args(["migrate"]));
    assert!(!o.status.success());
    assert!(stderr(&o).contains("checksum"), "{}", stderr(&o));
}

fn spawn_server(dir: &std::path::Path, port: u16) -> Child {
    spawn_until_listening(
        bisman(dir)
            .env("BISMAN_BIND", format!("127.0.0.1:{port}"))
            .env("BISMAN_SHUTDOWN_GRACE_SECS", "5")
            .env("BISMAN_RATE_LOGIN", "100000/60s")
            .env("BISMAN_RATE_API_USER", "100000/60s")
            .env("BISMAN_RATE_API_TENANT", "100000/60s")
            .args(["serve"])
            .stderr(Stdio::piped()),
    )
}

#[test]
fn sigterm_drains_in_flight_requests_checkpoints_and_exits_zero() {
    let dir = tempfile::tempdir().expect("tmp");
    assert!(run(bisman(dir.path()).args([
        "tenant",
        "create",
        "acme",
        "--name",
        "A",
        "--owner-email",
        "owner@acme.in",
        "--owner-password",
        OWNER_PASSWORD
    ]))
    .status
    .success());
    let port = free_port();
    let mut child = spawn_server(dir.path(), port);
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    let login: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"tenant": "acme", "email": "owner@acme.in", "password": OWNER_PASSWORD}))
        .send()
        .expect("login")
        .json()
        .expect("json");
    let token = token_of(&login);
    // Load: writers creating roles (each a durable, audited transaction) and argon2-bound logins.
    let stop = Arc::new(AtomicBool::new(false));
    let ok = Arc::new(AtomicUsize::new(0));
    let bad = Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut workers = Vec::new();
    for w in 0..6 {
        let (stop, ok, bad, base, token, client) = (
            Arc::clone(&stop),
            Arc::clone(&ok),
            Arc::clone(&bad),
            base.clone(),
            token.clone(),
            client.clone(),
        );
        workers.push(std::thread::spawn(move || {
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let res = if w % 2 == 0 {
                    client.post(format!("{base}/api/v1/roles")).bearer_auth(&token).json(&json!({"name": format!("r{w}-{i}"), "permissions": []})).send()
                } else {
                    client.post(format!("{base}/api/v1/auth/login")).json(&json!({"tenant": "acme", "email": "owner@acme.in", "password": OWNER_PASSWORD})).send()
                };
                match res {
                    Ok(r) if r.status().is_success() => {
                        ok.fetch_add(1, Ordering::Relaxed);
                    }
                    // A response that is not a success while draining is a failure of the drain.
                    Ok(r) => bad.lock().expect("lock").push(r.status().as_u16()),
                    // Connection refused after the listener closed is expected.
                    Err(_) => break,
                }
            }
        }));
    }
    std::thread::sleep(Duration::from_millis(800));
    let before = ok.load(Ordering::Relaxed);
    assert!(before > 0, "load is running");
    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(term.success());
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "shutdown is bounded"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        let _ = w.join();
    }
    assert_eq!(status.code(), Some(0), "exit 0 after SIGTERM");
    assert!(
        bad.lock().expect("lock").is_empty(),
        "no in-flight request failed: {:?}",
        bad.lock().expect("lock")
    );
    // The WAL was checkpointed into the main file.
    let wal = dir.path().join("tenants/acme/tenant.db-wal");
    let wal_len = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    assert_eq!(wal_len, 0, "tenant WAL checkpointed on shutdown");
    // Every acknowledged role is in the file.
    let c = rusqlite::Connection::open(dir.path().join("tenants/acme/tenant.db")).expect("open");
    let roles: i64 = c
        .query_row("SELECT count(*) FROM roles WHERE builtin = 0", [], |r| {
            r.get(0)
        })
        .expect("count");
    assert!(roles > 0);
}

#[test]
fn db_stats_shows_tables_and_the_slow_statements_as_templates() {
    let dir = tempfile::tempdir().expect("tmp");
    let create = run(bisman(dir.path()).args([
        "tenant",
        "create",
        "acme",
        "--name",
        "A",
        "--owner-email",
        "owner@acme.in",
        "--owner-password",
        OWNER_PASSWORD,
    ]));
    assert!(create.status.success(), "{}", stderr(&create));
    let port = free_port();
    // Threshold 0: every statement counts as slow, so the report has something to show.
    let mut cmd = bisman(dir.path());
    cmd.env("BISMAN_SLOW_QUERY_MS", "0");
    let mut child = spawn_until_listening(
        cmd.env("BISMAN_BIND", format!("127.0.0.1:{port}"))
            .args(["serve"])
            .stderr(Stdio::null()),
    );
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::blocking::Client::new();
    let login = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"tenant": "acme", "email": "owner@acme.in", "password": OWNER_PASSWORD}))
        .send()
        .expect("login");
    assert_eq!(login.status(), 200);
    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(term.success());
    assert_eq!(child.wait().expect("wait").code(), Some(0));

    let out = run(bisman(dir.path()).args(["db", "stats", "--tenant", "acme"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("users") && text.contains("audit_events"),
        "{text}"
    );
    assert!(
        text.contains("slowest statements since the server started"),
        "{text}"
    );
    assert!(text.contains("SELECT"), "{text}");
    assert!(
        !text.contains("owner@acme.in"),
        "bound values never appear: {text}"
    );

    let json_out = run(bisman(dir.path()).args(["db", "stats", "--tenant", "acme", "--json"]));
    let v: serde_json::Value = serde_json::from_slice(&json_out.stdout).expect("json");
    assert!(v["slowest"].as_array().is_some_and(|a| !a.is_empty()));
    let missing = run(bisman(dir.path()).args(["db", "stats", "--tenant", "nope"]));
    assert!(!missing.status.success());
    assert!(
        stderr(&missing).contains("no tenant"),
        "{}",
        stderr(&missing)
    );
}

/// Starts `serve` and returns it with the log lines printed before it listened.
fn serve_collecting_startup_log(cmd: &mut Command) -> (Child, Vec<String>) {
    use std::io::{BufRead, BufReader};
    let mut child = cmd.stdout(Stdio::piped()).spawn().expect("spawn serve");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut seen = Vec::new();
    for l in lines.by_ref().map_while(Result::ok) {
        let done = l.contains("listening");
        seen.push(l);
        if done {
            break;
        }
    }
    std::thread::spawn(move || for _ in lines {});
    (child, seen)
}

/// Issue #13 (4): with no replica configured nothing said that there were no backups.
/// In production `bisman check` and the start-up log warn, /metrics says
/// `bisman_replication_configured 0`, and owners are told on sign-in (the UI's banner).
#[test]
fn production_without_a_replica_says_so_in_check_the_log_metrics_and_to_owners() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    let (master, jwt) = (dir.path().join("master.key"), dir.path().join("jwt.secret"));
    write_secret(
        &master,
        "9f2c4e7a1b3d5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8",
        0o600,
    );
    write_secret(
        &jwt,
        "3e9a7c1f5b2d8e4a6c0f9b3d7e1a5c8f2b6d0e4a9c3f7b1d5e8a2c6f0b4d9e3a7c1f5b",
        0o600,
    );
    let replica = dir.path().join("replica");
    let replica_url = format!("file://{}", replica.display());
    let prod = |replica: Option<&str>| {
        let mut c = bisman(&data);
        c.env("BISMAN_ENV", "production")
            .env("BISMAN_MASTER_KEY_FILE", &master)
            .env("BISMAN_JWT_SECRET_FILE", &jwt)
            .env("BISMAN_LOG", "warn,bisman=info")
            // Litestream is not what this test is about: nothing is started for it.
            .env("BISMAN_LITESTREAM_MANAGED", "false")
            .env("BISMAN_RESTORE_DRILL_INTERVAL", "off");
        if let Some(url) = replica {
            c.env("BISMAN_REPLICA_URL", url);
        }
        c
    };
    let o = run(prod(None).args([
        "tenant",
        "create",
        "acme",
        "--name",
        "Acme",
        "--owner-email",
        "owner@acme.in",
        "--owner-password",
        OWNER_PASSWORD,
    ]));
    assert!(o.status.success(), "{}", stderr(&o));
    let client = reqwest::blocking::Client::new();
    for (replica, configured) in [(None, false), (Some(replica_url.as_str()), true)] {
        let o = run(prod(replica).arg("check"));
        assert!(
            o.status.success(),
            "a warning, not a failure: {}",
            stderr(&o)
        );
        assert_eq!(
            stderr(&o).contains("backups are not configured"),
            !configured,
            "{}",
            stderr(&o)
        );
        let port = free_port();
        let (mut server, log) = serve_collecting_startup_log(
            prod(replica)
                .env("BISMAN_BIND", format!("127.0.0.1:{port}"))
                .arg("serve"),
        );
        assert_eq!(
            log.iter()
                .any(|l| l.contains("backups are not configured") && l.contains("WARN")),
            !configured,
            "{log:?}"
        );
        let base = format!("http://127.0.0.1:{port}");
        let metrics = client
            .get(format!("{base}/metrics"))
            .send()
            .and_then(|r| r.text())
            .expect("metrics");
        let line = format!("bisman_replication_configured {}", u8::from(configured));
        assert!(metrics.contains(&line), "{metrics}");
        assert!(metrics.contains("bisman_production 1"), "{metrics}");
        let login: serde_json::Value = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"tenant": "acme", "email": "owner@acme.in", "password": OWNER_PASSWORD}))
            .send()
            .and_then(|r| r.json())
            .expect("login");
        assert_eq!(
            login["user"]["backups_not_configured"], !configured,
            "{login}"
        );
        let me: serde_json::Value = client
            .get(format!("{base}/api/v1/auth/me"))
            .bearer_auth(login["access_token"].as_str().expect("token"))
            .send()
            .and_then(|r| r.json())
            .expect("me");
        assert_eq!(me["backups_not_configured"], !configured, "{me}");
        let _ = server.kill();
        let _ = server.wait();
    }
}

/// A `bisman serve` whose stdout and stderr are collected line by line, all of it.
struct Logged {
    child: Child,
    lines: Arc<std::sync::Mutex<Vec<String>>>,
}

impl Logged {
    fn start(cmd: &mut Command) -> Logged {
        use std::io::{BufRead, BufReader, Read};
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn serve");
        let lines = Arc::new(std::sync::Mutex::new(Vec::new()));
        let out: Box<dyn Read + Send> = Box::new(child.stdout.take().expect("stdout"));
        let err: Box<dyn Read + Send> = Box::new(child.stderr.take().expect("stderr"));
        for stream in [out, err] {
            let sink = Arc::clone(&lines);
            std::thread::spawn(move || {
                for l in BufReader::new(stream).lines().map_while(Result::ok) {
                    sink.lock().expect("lines").push(l);
                }
            });
        }
        let logged = Logged { child, lines };
        assert!(
            logged.wait_for("listening on", 1),
            "never listened: {}",
            logged.text()
        );
        logged
    }

    fn count(&self, needle: &str) -> usize {
        let lines = self.lines.lock().expect("lines");
        lines.iter().filter(|l| l.contains(needle)).count()
    }

    /// Waits up to 60 s for `n` lines containing `needle`.
    fn wait_for(&self, needle: &str, n: usize) -> bool {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if self.count(needle) >= n {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    fn text(&self) -> String {
        self.lines.lock().expect("lines").join("\n")
    }

    fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .args([sig, &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(ok.success());
    }

    /// SIGTERM, then the exit status (killed after 30 s).
    fn stop(&mut self) -> std::process::ExitStatus {
        self.signal("-TERM");
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        self.child.wait().expect("wait")
    }
}

impl Drop for Logged {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `bisman` in production with strong secrets kept in `dir`.
fn production(dir: &std::path::Path) -> Command {
    let (master, jwt) = (dir.join("master.key"), dir.join("jwt.secret"));
    write_secret(
        &master,
        "9f2c4e7a1b3d5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8",
        0o600,
    );
    write_secret(
        &jwt,
        "3e9a7c1f5b2d8e4a6c0f9b3d7e1a5c8f2b6d0e4a9c3f7b1d5e8a2c6f0b4d9e3a7c1f5b",
        0o600,
    );
    let mut c = bisman(&dir.join("data"));
    c.env("BISMAN_ENV", "production")
        .env("BISMAN_MASTER_KEY_FILE", &master)
        .env("BISMAN_JWT_SECRET_FILE", &jwt)
        .env("BISMAN_LOG", "warn,bisman=info")
        .env("BISMAN_LITESTREAM_MANAGED", "false")
        .env("BISMAN_RESTORE_DRILL_INTERVAL", "off");
    c
}

/// A self-signed certificate for 127.0.0.1 and localhost: (certificate PEM, key PEM).
fn self_signed() -> (String, String) {
    let rcgen::CertifiedKey { cert, key_pair } =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string(), "localhost".to_string()])
            .expect("certificate");
    (cert.pem(), key_pair.serialize_pem())
}

/// A client that trusts exactly `ca_pem`.
fn https_client(ca_pem: &str) -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(ca_pem.as_bytes()).expect("pem"))
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

/// Issue #15 (1): HTTPS served natively, end to end, and a renewed certificate loaded
/// on SIGHUP (restart in place, same PID); a broken one is refused and the old kept.
#[test]
fn https_end_to_end_and_sighup_loads_a_renewed_certificate() {
    let dir = tempfile::tempdir().expect("tmp");
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let (cert_a, key_a) = self_signed();
    let (cert_b, key_b) = self_signed();
    std::fs::write(&cert, &cert_a).expect("cert");
    write_secret(&key, &key_a, 0o600);
    let o = run(production(dir.path()).args([
        "tenant",
        "create",
        "acme",
        "--name",
        "Acme",
        "--owner-email",
        "owner@acme.in",
        "--owner-password",
        OWNER_PASSWORD,
    ]));
    assert!(o.status.success(), "{}", stderr(&o));
    let port = free_port();
    // Production, on every interface: allowed because it is HTTPS.
    let mut server = Logged::start(
        production(dir.path())
            .env("BISMAN_BIND", format!("0.0.0.0:{port}"))
            .env("BISMAN_TLS_CERT", &cert)
            .env("BISMAN_TLS_KEY", &key)
            .arg("serve"),
    );
    assert!(
        server.count(&format!("listening on https://0.0.0.0:{port}/")) == 1,
        "{}",
        server.text()
    );
    let base = format!("https://127.0.0.1:{port}");
    let (trusts_a, trusts_b) = (https_client(&cert_a), https_client(&cert_b));
    let health = trusts_a
        .get(format!("{base}/health"))
        .send()
        .expect("https");
    assert_eq!(health.status(), 200);
    let login: serde_json::Value = trusts_a
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"tenant": "acme", "email": "owner@acme.in", "password": OWNER_PASSWORD}))
        .send()
        .and_then(|r| r.json())
        .expect("login over https");
    let token = login["access_token"].as_str().expect("token").to_string();
    let me = trusts_a
        .get(format!("{base}/api/v1/auth/me"))
        .bearer_auth(&token)
        .send()
        .expect("me");
    assert_eq!(me.status(), 200);
    assert!(
        trusts_b.get(format!("{base}/health")).send().is_err(),
        "the certificate is really checked"
    );
    let plain = reqwest::blocking::Client::new()
        .get(format!("http://127.0.0.1:{port}/health"))
        .timeout(Duration::from_secs(5))
        .send();
    assert!(
        plain.map(|r| r.status() != 200).unwrap_or(true),
        "no plain HTTP on the TLS port"
    );

    // Renewal: new files, SIGHUP, same process serves the new certificate.
    let pid = server.child.id();
    std::fs::write(&cert, &cert_b).expect("cert");
    write_secret(&key, &key_b, 0o600);
    server.signal("-HUP");
    assert!(
        server.wait_for("listening on https", 2),
        "{}",
        server.text()
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while trusts_b.get(format!("{base}/health")).send().is_err() {
        assert!(
            Instant::now() < deadline,
            "never served the new certificate"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(trusts_a.get(format!("{base}/health")).send().is_err());
    assert!(server.child.try_wait().expect("wait").is_none());
    assert_eq!(server.child.id(), pid);
    assert_eq!(server.count("restarting in place"), 2, "{}", server.text());
    // Tokens survive the restart (same secrets, same data).
    let me = trusts_b
        .get(format!("{base}/api/v1/auth/me"))
        .bearer_auth(&token)
        .send()
        .expect("me");
    assert_eq!(me.status(), 200);

    // A broken renewal is refused: the server keeps the certificate it has.
    std::fs::write(&cert, "-----BEGIN CERTIFICATE-----\nnot base64\n").expect("cert");
    server.signal("-HUP");
    assert!(server.wait_for("SIGHUP ignored", 1), "{}", server.text());
    assert!(
        server.text().contains("BISMAN_TLS_CERT"),
        "{}",
        server.text()
    );
    assert_eq!(
        trusts_b
            .get(format!("{base}/health"))
            .send()
            .expect("still up")
            .status(),
        200
    );
    assert_eq!(server.count("listening on https"), 2);
    assert_eq!(server.stop().code(), Some(0), "{}", server.text());
}

/// Issue #15 (1): production refuses plain HTTP on a non-loopback address unless a
/// trusted proxy is configured, and then takes plain requests only from that proxy's
/// HTTPS (X-Forwarded-Proto) or from this machine. Bad certificate files are named.
#[test]
fn production_refuses_a_plain_non_loopback_bind() {
    let dir = tempfile::tempdir().expect("tmp");
    let port = free_port();
    for cmd in ["check", "serve"] {
        let o = run(production(dir.path())
            .env("BISMAN_BIND", format!("0.0.0.0:{port}"))
            .arg(cmd));
        assert!(!o.status.success(), "{cmd} must refuse");
        let e = stderr(&o);
        assert!(
            e.contains("BISMAN_BIND") && e.contains("plain HTTP") && e.contains("BISMAN_TLS_CERT"),
            "{cmd}: {e}"
        );
    }
    // Loopback stays allowed (the proxy on this machine, tests, the demo).
    let o = run(production(dir.path())
        .env("BISMAN_BIND", format!("127.0.0.1:{port}"))
        .arg("check"));
    assert!(o.status.success(), "{}", stderr(&o));
    // Certificate files that do not parse are named before anything listens.
    let garbage = dir.path().join("garbage.pem");
    std::fs::write(&garbage, "hello").expect("write");
    for cmd in ["check", "serve"] {
        let o = run(production(dir.path())
            .env("BISMAN_BIND", format!("0.0.0.0:{port}"))
            .env("BISMAN_TLS_CERT", &garbage)
            .env("BISMAN_TLS_KEY", &garbage)
            .arg(cmd));
        assert!(!o.status.success(), "{cmd} must refuse");
        assert!(stderr(&o).contains("BISMAN_TLS_CERT"), "{}", stderr(&o));
    }

    // Behind a trusted proxy: a plain bind on every interface is accepted …
    let mut server = Logged::start(
        production(dir.path())
            .env("BISMAN_BIND", format!("0.0.0.0:{port}"))
            .env("BISMAN_TRUSTED_PROXIES", "127.0.0.1, 198.51.100.0/28")
            .arg("serve"),
    );
    let client = reqwest::blocking::Client::new();
    let get = |host: &str, proto: Option<&str>| {
        let mut r = client.get(format!("http://{host}:{port}/api/v1/auth/me"));
        if let Some(p) = proto {
            r = r.header("X-Forwarded-Proto", p);
        }
        r.send().expect("request").status().as_u16()
    };
    // … the proxy's HTTPS goes through (401: no token), its plain HTTP does not.
    assert_eq!(get("127.0.0.1", Some("https")), 401);
    assert_eq!(get("127.0.0.1", None), 401, "this machine itself");
    assert_eq!(get("127.0.0.1", Some("http")), 403);
    // A LAN client talking to the plain port directly is refused, whatever it claims.
    let lan = std::net::UdpSocket::bind("0.0.0.0:0")
        .and_then(|s| s.connect("192.0.2.1:9").map(|()| s))
        .and_then(|s| s.local_addr())
        .map(|a| a.ip())
        .ok()
        .filter(|ip| !ip.is_loopback() && !ip.is_unspecified())
        // Not in the trusted block above.
        .filter(|ip| !ip.to_string().starts_with("198.51.100."));
    if let Some(ip) = lan {
        assert_eq!(get(&ip.to_string(), Some("https")), 403, "from {ip}");
        assert_eq!(get(&ip.to_string(), None), 403, "from {ip}");
    } else {
        eprintln!("no non-loopback address on this machine: LAN case not exercised");
    }
    assert_eq!(server.stop().code(), Some(0));
}

/// Issue #15 (2): nothing a client sends — PANs, Aadhaar numbers, passwords with spaces,
/// bearer tokens, in bodies, query strings or mistyped paths — reaches the real server's
/// output. Every documented endpoint is driven with them (authenticated, so handlers get
/// as far as parsing), plus malformed bodies and URLs no route matches.
#[test]
fn the_real_server_never_logs_identity_numbers_passwords_or_tokens() {
    const PAN: &str = "ABCPE1234F";
    const AADHAAR: &str = "234123412346";
    const PASSWORD: &str = "my secret pass";
    const FAKE_TOKEN: &str = "Zx9kQ2mLw8vT4rYp6sNd3hJf";
    let dir = tempfile::tempdir().expect("tmp");
    assert!(run(bisman(dir.path()).args([
        "tenant",
        "create",
        "acme",
        "--name",
        "Acme",
        "--owner-email",
        "owner@acme.in",
        "--owner-password",
        OWNER_PASSWORD
    ]))
    .status
    .success());
    for format in ["json", "pretty"] {
        let port = free_port();
        let mut server = Logged::start(
            bisman(dir.path())
                .env("BISMAN_BIND", format!("127.0.0.1:{port}"))
                .env("BISMAN_LOG", "trace")
                .env("BISMAN_LOG_FORMAT", format)
                .env("BISMAN_RATE_LOGIN", "100000/60s")
                .env("BISMAN_RATE_AUTH", "100000/60s")
                .env("BISMAN_RATE_API_USER", "100000/60s")
                .env("BISMAN_RATE_API_TENANT", "100000/60s")
                .arg("serve"),
        );
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("client");
        let login: serde_json::Value = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"tenant": "acme", "email": "owner@acme.in", "password": OWNER_PASSWORD}))
            .send()
            .and_then(|r| r.json())
            .expect("login");
        let token = login["access_token"].as_str().expect("token").to_string();
        let refresh = login["refresh_token"].as_str().unwrap_or("").to_string();
        let body = json!({
            "tenant": "acme", "email": "owner@acme.in", "password": PASSWORD,
            "current_password": PASSWORD, "new_password": PASSWORD,
            "refresh_token": FAKE_TOKEN, "token": FAKE_TOKEN,
            "pan": PAN, "aadhaar": AADHAAR, "name": format!("{PAN} {AADHAAR}"),
            "gstin": format!("27{PAN}1Z5"), "phone": AADHAAR, "account_number": AADHAAR,
            "note": PASSWORD, "reason": PASSWORD,
        });
        let malformed = [
            format!(r#"{{"password": "{PASSWORD}", "pan": {PAN}}}"#),
            format!(r#"{{"email": {AADHAAR}, "password": ["{PASSWORD}"], "pan": 7}}"#),
            format!(r#"{{"tenant": "{PAN}", "password": "{PASSWORD}""#),
        ];
        let doc: serde_json::Value = client
            .get(format!("{base}/api-docs/openapi.json"))
            .send()
            .and_then(|r| r.json())
            .expect("openapi");
        let mut requests = 0usize;
        let mut send =
            |method: reqwest::Method, url: String, bearer: &str, body: Option<String>| {
                let mut r = client
                    .request(method, &url)
                    .bearer_auth(bearer)
                    .header("X-Request-Id", "leak-test")
                    .header("If-Match", format!("\"{AADHAAR}\""))
                    .header("Idempotency-Key", PAN);
                if let Some(b) = body {
                    r = r.header("Content-Type", "application/json").body(b);
                }
                // Any answer will do; only the log is being tested.
                let _ = r.send();
                requests += 1;
            };
        let paths = doc["paths"].as_object().expect("paths");
        let encoded = PASSWORD.replace(' ', "%20");
        for (path, ops) in paths {
            for (method, _) in ops.as_object().expect("ops") {
                let Ok(method) = method.to_uppercase().parse::<reqwest::Method>() else {
                    continue;
                };
                if path.ends_with("/logout") || path.ends_with("/logout-all") {
                    continue; // keep the token working for the rest
                }
                for value in [PAN, AADHAAR, encoded.as_str(), FAKE_TOKEN] {
                    let mut concrete = String::new();
                    for seg in path.split('/').filter(|s| !s.is_empty()) {
                        concrete.push('/');
                        concrete.push_str(if seg.starts_with('{') { value } else { seg });
                    }
                    let url = format!("{base}{concrete}?q={value}&password={encoded}&pan={PAN}");
                    send(method.clone(), url.clone(), &token, Some(body.to_string()));
                    send(method.clone(), url, FAKE_TOKEN, Some(malformed[0].clone()));
                }
                for bad in &malformed {
                    send(
                        method.clone(),
                        format!("{base}{path}"),
                        &token,
                        Some(bad.clone()),
                    );
                }
            }
        }
        // Mistyped URLs: no route matches, Rocket used to print the raw path.
        for (method, path) in [
            (reqwest::Method::POST, format!("/api/v1/auth/login/{PAN}")),
            (
                reqwest::Method::POST,
                format!("/api/v1/auth/login/{encoded}"),
            ),
            (
                reqwest::Method::GET,
                format!("/api/v1/employees/{AADHAAR}x"),
            ),
            (
                reqwest::Method::GET,
                format!("/api/v1/employees/x{AADHAAR}"),
            ),
            (reqwest::Method::GET, format!("/api/v1/{FAKE_TOKEN}/{PAN}")),
            (
                reqwest::Method::PUT,
                format!("/{encoded}?password={encoded}"),
            ),
            (reqwest::Method::DELETE, format!("/ui/{AADHAAR}/{PAN}")),
        ] {
            send(
                method.clone(),
                format!("{base}{path}"),
                &token,
                Some(body.to_string()),
            );
            send(method, format!("{base}{path}"), FAKE_TOKEN, None);
        }
        // A failed sign-in with the password in the body.
        let _ = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"tenant": "acme", "email": "owner@acme.in", "password": PASSWORD}))
            .send();
        assert!(requests > 100, "only {requests} requests");
        assert!(
            server.wait_for("request", requests / 2),
            "{}",
            server.text()
        );
        let status = server.stop();
        assert_eq!(status.code(), Some(0), "{}", server.text());
        let log = server.text();
        assert!(
            log.contains("leak-test"),
            "the access log was captured: {log}"
        );
        let mut secrets = vec![
            PAN.to_string(),
            AADHAAR.to_string(),
            "2341 2341 2346".to_string(),
            PASSWORD.to_string(),
            "secret pass".to_string(),
            encoded.clone(),
            FAKE_TOKEN.to_string(),
            OWNER_PASSWORD.to_string(),
            token.clone(),
            token.split('.').nth(2).unwrap_or("none").to_string(),
        ];
        if !refresh.is_empty() {
            secrets.push(refresh.clone());
        }
        for secret in &secrets {
            let hits: Vec<&str> = log
                .lines()
                .filter(|l| l.contains(secret.as_str()))
                .collect();
            assert!(hits.is_empty(), "{format}: {secret} leaked: {hits:#?}");
        }
    }
}
