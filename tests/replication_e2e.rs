//! Replication end to end: the real `bisman` binary supervising the real Litestream,
//! replicating to a real S3-compatible server on loopback, and `bisman restore`.

mod common;

use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::s3::{tool, Moto};
use common::*;
use serde_json::{json, Value};

/// A running `bisman serve`, killed when dropped (also when a test panics).
struct Served(Child);

impl Served {
    fn id(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct Appliance {
    dir: tempfile::TempDir,
    env: Vec<(String, String)>,
}

impl Appliance {
    fn new(moto: &Moto, bucket: &str) -> Appliance {
        moto.create_bucket(bucket);
        let dir = tempfile::tempdir().expect("tmp");
        let env = vec![
            (
                "BISMAN_DATA_DIR".to_string(),
                dir.path().display().to_string(),
            ),
            (
                "BISMAN_REPLICA_URL".into(),
                format!("s3://{bucket}/appliance"),
            ),
            ("BISMAN_REPLICA_S3_ENDPOINT".into(), moto.endpoint()),
            ("BISMAN_REPLICA_S3_REGION".into(), "us-east-1".into()),
            (
                "BISMAN_LITESTREAM_BIN".into(),
                tool("BISMAN_LITESTREAM_BIN", "litestream")
                    .display()
                    .to_string(),
            ),
            ("AWS_ACCESS_KEY_ID".into(), "bisman-test".into()),
            ("AWS_SECRET_ACCESS_KEY".into(), "bisman-test-secret".into()),
            ("BISMAN_LOG".into(), "warn".into()),
            ("BISMAN_RATE_LOGIN".into(), "1000/60s".into()),
            ("BISMAN_RATE_API_USER".into(), "100000/60s".into()),
            ("BISMAN_RATE_API_TENANT".into(), "100000/60s".into()),
        ];
        Appliance { dir, env }
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new(bin());
        c.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default());
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().expect("run bisman")
    }

    fn serve(&self, port: u16) -> Served {
        self.serve_with(port, &[])
    }

    fn serve_with(&self, port: u16, extra: &[(&str, &str)]) -> Served {
        let mut cmd = self.cmd();
        cmd.env("BISMAN_BIND", format!("127.0.0.1:{port}"))
            .envs(extra.iter().copied())
            .arg("serve")
            .stderr(Stdio::null());
        Served(spawn_until_listening(&mut cmd))
    }

    fn create_tenant(&self, slug: &str, replica_env: bool) {
        let email = format!("owner@{slug}.in");
        let mut cmd = self.cmd();
        if !replica_env {
            // As an operator running plain `bisman` without the service's environment:
            // this process knows of no replica and cannot tell Litestream.
            cmd.env_remove("BISMAN_REPLICA_URL");
        }
        let o = cmd
            .args([
                "tenant",
                "create",
                slug,
                "--name",
                slug,
                "--owner-email",
                &email,
            ])
            .args(["--owner-password", OWNER_PASSWORD])
            .output()
            .expect("run bisman");
        assert!(
            o.status.success(),
            "tenant create: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }

    /// The replica's transaction id for `name`, from `bisman backup status --json`.
    fn replica_txid(&self, name: &str) -> u64 {
        let o = self.run(&["backup", "status", "--json"]);
        serde_json::from_slice::<Vec<Value>>(&o.stdout)
            .ok()
            .and_then(|rows| rows.into_iter().find(|r| r["name"] == name))
            .and_then(|r| r["replica_txid"].as_u64())
            .unwrap_or(0)
    }

    /// Waits until the replica of `name` has moved past `before` (a write made after
    /// reading `before` has reached object storage).
    fn wait_replicated(&self, name: &str, before: u64) -> u64 {
        let started = Instant::now();
        loop {
            let now = self.replica_txid(name);
            if now > before {
                return now;
            }
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "{name} not replicated past txid {before} in time"
            );
            std::thread::sleep(Duration::from_millis(300));
        }
    }

    fn restore(&self, tenant: &str, timestamp: Option<&str>, out: &str) -> std::path::PathBuf {
        let path = self.dir.path().join(out);
        let p = path.display().to_string();
        let mut args = vec!["restore", "--tenant", tenant, "--output", &p];
        if let Some(t) = timestamp {
            args.extend(["--timestamp", t]);
        }
        let o = self.run(&args);
        assert!(
            o.status.success(),
            "restore failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(String::from_utf8_lossy(&o.stdout).contains("integrity ok, audit chain ok"));
        path
    }
}

fn role_names(path: &std::path::Path) -> Vec<String> {
    let c = rusqlite::Connection::open(path).expect("open restored");
    let mut s = c
        .prepare("SELECT name FROM roles WHERE builtin = 0 ORDER BY name")
        .expect("prepare");
    let rows = s.query_map([], |r| r.get(0)).expect("query");
    rows.collect::<Result<_, _>>().expect("rows")
}

fn litestream_children(parent: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let ppid = stat
            .rsplit(')')
            .next()
            .and_then(|r| r.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        let cmd = std::fs::read_to_string(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        if ppid == Some(parent) && cmd.contains("replicate") {
            out.push(pid);
        }
    }
    out
}

fn login(client: &reqwest::blocking::Client, base: &str, tenant: &str, email: &str) -> String {
    let v: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"tenant": tenant, "email": email, "password": OWNER_PASSWORD}))
        .send()
        .expect("login")
        .json()
        .expect("json");
    v["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("login: {v}"))
        .to_string()
}

fn create_role(client: &reqwest::blocking::Client, base: &str, token: &str, name: &str) -> bool {
    client
        .post(format!("{base}/api/v1/roles"))
        .bearer_auth(token)
        .json(&json!({"name": name, "permissions": []}))
        .send()
        .is_ok_and(|r| r.status() == 201)
}

#[test]
fn replicate_restore_point_in_time_and_new_tenants_without_restart() {
    let moto = Moto::start();
    let a = Appliance::new(&moto, "bisman-e2e");
    assert!(a
        .run(&[
            "tenant",
            "create",
            "acme",
            "--name",
            "Acme",
            "--owner-email",
            "owner@acme.in",
            "--owner-password",
            OWNER_PASSWORD
        ])
        .status
        .success());
    assert!(a
        .run(&[
            "sysadmin",
            "create",
            "--email",
            "root@ops.in",
            "--password",
            "Sys-Admin#2026x"
        ])
        .status
        .success());
    let port = free_port();
    let server = a.serve(port);
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    let token = login(&client, &base, "acme", "owner@acme.in");
    let children = litestream_children(server.id());
    assert_eq!(children.len(), 1, "one supervised litestream");

    let start_txid = a.replica_txid("tenants/acme");
    for i in 0..10 {
        assert!(create_role(
            &client,
            &base,
            &token,
            &format!("before-{i:02}")
        ));
    }
    let mut txid = a.wait_replicated("tenants/acme", start_txid);
    // Litestream batches a second of commits per sync; wait until all ten are out.
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1500));
        let now = a.replica_txid("tenants/acme");
        if now == txid {
            break;
        }
        txid = now;
    }
    let t = bisman::clock::now_rfc3339();
    std::thread::sleep(Duration::from_millis(1500));
    assert!(create_role(&client, &base, &token, "after-t"));
    a.wait_replicated("tenants/acme", txid);

    let latest = role_names(&a.restore("acme", None, "latest.db"));
    assert_eq!(latest.len(), 11);
    assert!(latest.contains(&"after-t".to_string()));
    let pit = role_names(&a.restore("acme", Some(&t), "pit.db"));
    assert_eq!(pit.len(), 10, "point in time has A and not B: {pit:?}");
    assert!(!pit.contains(&"after-t".to_string()));

    // A tenant created over the API while Litestream runs is replicated without a restart.
    let sys: Value = client
        .post(format!("{base}/api/v1/system/login"))
        .json(&json!({"email": "root@ops.in", "password": "Sys-Admin#2026x"}))
        .send()
        .expect("sys")
        .json()
        .expect("json");
    let sys = sys["access_token"].as_str().expect("sys token").to_string();
    let created = client
        .post(format!("{base}/api/v1/system/tenants"))
        .bearer_auth(&sys)
        .json(&json!({"slug": "newco", "name": "New Co", "owner_email": "owner@newco.in", "owner_password": OWNER_PASSWORD}))
        .send()
        .expect("create");
    assert_eq!(created.status(), 201);
    let t2 = login(&client, &base, "newco", "owner@newco.in");
    let before = a.replica_txid("tenants/newco");
    assert!(create_role(&client, &base, &t2, "newco-role"));
    a.wait_replicated("tenants/newco", before);
    assert_eq!(
        role_names(&a.restore("newco", None, "newco.db")),
        vec!["newco-role".to_string()]
    );
    assert_eq!(
        litestream_children(server.id()),
        children,
        "litestream was not restarted"
    );

    // /ready and /metrics report replication.
    let ready: Value = client
        .get(format!("{base}/ready"))
        .send()
        .expect("ready")
        .json()
        .expect("json");
    assert!(ready["checks"]["replication"].is_string());
    drop(server);
}

#[test]
fn sigkill_during_writes_loses_nothing_acknowledged_before_the_last_seconds() {
    let moto = Moto::start();
    let a = Appliance::new(&moto, "bisman-kill");
    assert!(a
        .run(&[
            "tenant",
            "create",
            "acme",
            "--name",
            "Acme",
            "--owner-email",
            "owner@acme.in",
            "--owner-password",
            OWNER_PASSWORD
        ])
        .status
        .success());
    let port = free_port();
    let mut server = a.serve(port);
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let token = login(&client, &base, "acme", "owner@acme.in");
    let acked: Arc<Mutex<Vec<(String, Instant)>>> = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for w in 0..3 {
        let (acked, stop, client, base, token) = (
            Arc::clone(&acked),
            Arc::clone(&stop),
            client.clone(),
            base.clone(),
            token.clone(),
        );
        workers.push(std::thread::spawn(move || {
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let name = format!("w{w}-{i:05}");
                if create_role(&client, &base, &token, &name) {
                    acked.lock().expect("lock").push((name, Instant::now()));
                }
            }
        }));
    }
    std::thread::sleep(Duration::from_secs(6));
    let killed_at = Instant::now();
    Command::new("kill")
        .args(["-KILL", &server.id().to_string()])
        .status()
        .expect("kill");
    let _ = server.0.wait();
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        let _ = w.join();
    }
    // The orphaned Litestream gets SIGTERM (parent-death signal) and exits.
    std::thread::sleep(Duration::from_secs(2));
    let restored = a.restore("acme", None, "after-kill.db");
    let present: std::collections::HashSet<String> = role_names(&restored).into_iter().collect();
    let acked = acked.lock().expect("lock").clone();
    assert!(acked.len() > 10, "load ran: {}", acked.len());
    let old_enough: Vec<_> = acked
        .iter()
        .filter(|(_, at)| killed_at.duration_since(*at) > Duration::from_secs(3))
        .collect();
    let missing: Vec<_> = old_enough
        .iter()
        .filter(|(n, _)| !present.contains(n))
        .collect();
    assert!(
        missing.is_empty(),
        "acknowledged writes missing from the replica: {missing:?}"
    );
    // And the appliance starts again on the same data dir (no orphan holds the socket).
    let port = free_port();
    let again = a.serve(port);
    let h = client
        .get(format!("http://127.0.0.1:{port}/health"))
        .send()
        .expect("health");
    assert_eq!(h.status(), 200);
    assert_eq!(
        litestream_children(again.id()).len(),
        1,
        "litestream supervised again"
    );
    drop(again);
}

/// Object keys under `prefix` in a moto bucket (moto answers unsigned listings).
fn s3_keys(moto: &Moto, bucket: &str, prefix: &str) -> Vec<String> {
    let body = reqwest::blocking::get(format!(
        "{}/{bucket}?list-type=2&prefix={prefix}",
        moto.endpoint()
    ))
    .and_then(|r| r.text())
    .unwrap_or_default();
    body.split("<Key>")
        .skip(1)
        .filter_map(|k| k.split_once("</Key>").map(|(k, _)| k.to_string()))
        .collect()
}

fn ready(client: &reqwest::blocking::Client, base: &str) -> Option<(u16, Value)> {
    let r = client.get(format!("{base}/ready")).send().ok()?;
    let status = r.status().as_u16();
    Some((status, r.json().ok()?))
}

/// Issue #13 (1): `bisman tenant create` in another process while `serve` runs used to
/// leave the new tenant unreplicated until a restart. The server reconciles the control
/// DB's tenants with what Litestream replicates. This tenant is created by a CLI that
/// does not even know a replica is configured, so only the server can register it.
#[test]
fn a_tenant_created_with_the_cli_while_serving_is_replicated_and_restorable() {
    let moto = Moto::start();
    let a = Appliance::new(&moto, "bisman-reconcile");
    a.create_tenant("acme", true);
    let port = free_port();
    let server = a.serve_with(port, &[("BISMAN_RESTORE_DRILL_INTERVAL", "off")]);
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    let started = Instant::now();
    let children = loop {
        let c = litestream_children(server.id());
        if !c.is_empty() || started.elapsed() > Duration::from_secs(20) {
            break c;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(children.len(), 1, "one supervised litestream");

    a.create_tenant("lateco", false);
    a.create_tenant("clico", true);
    for slug in ["lateco", "clico"] {
        let token = login(&client, &base, slug, &format!("owner@{slug}.in"));
        assert!(create_role(&client, &base, &token, &format!("{slug}-role")));
        a.wait_replicated(&format!("tenants/{slug}"), 0);
    }
    // Replicated through the running Litestream (no restart), and kept in its config
    // so that a restart of Litestream keeps replicating them.
    assert_eq!(litestream_children(server.id()), children);
    let config =
        std::fs::read_to_string(a.dir.path().join("litestream.yml")).expect("litestream.yml");
    assert!(
        config.contains("tenants/lateco/tenant.db") && config.contains("tenants/clico"),
        "{config}"
    );
    // The role written after creation is in the replica: wait until it is out, then restore.
    let deadline = Instant::now() + Duration::from_secs(60);
    for attempt in 0.. {
        let restored = a.restore("lateco", None, &format!("lateco-{attempt}.db"));
        if role_names(&restored) == vec!["lateco-role".to_string()] {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "lateco-role never reached the replica"
        );
        std::thread::sleep(Duration::from_secs(1));
    }
    // And /ready says so for every tenant.
    let started = Instant::now();
    loop {
        let (status, body) = ready(&client, &base).expect("ready");
        if status == 200 {
            assert_eq!(body["checks"]["replication"], "ok");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "/ready stayed {status}: {body}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    drop(server);
}

/// Issue #13 (2): `/ready` said ok for a moment after start, before any replica existed,
/// and then "no replica yet" until about 14 s after the first snapshot was in the store.
/// It must never say ok before the replica has the data, and must say ok within a few
/// seconds of the first successful sync.
#[test]
fn ready_is_never_ok_before_the_replica_has_the_data_and_is_ok_soon_after() {
    let moto = Moto::start();
    let a = Appliance::new(&moto, "bisman-ready");
    a.create_tenant("acme", true);
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    let quiet = ("BISMAN_RESTORE_DRILL_INTERVAL", "off");

    // A bucket that does not exist: nothing ever reaches a replica, so never ready.
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let server = a.serve_with(
        port,
        &[
            quiet,
            ("BISMAN_REPLICA_URL", "s3://bisman-missing/appliance"),
        ],
    );
    let started = Instant::now();
    let mut last = None;
    while started.elapsed() < Duration::from_secs(8) {
        if let Some((status, body)) = ready(&client, &base) {
            assert_ne!(status, 200, "ready without a replica: {body}");
            last = Some(body);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let last = last.expect("an answer");
    let check = last["checks"]["replication"].as_str().unwrap_or_default();
    assert!(
        check.contains("acme") && check.contains("control"),
        "{last}"
    );
    drop(server);

    // The real bucket: ready only once the store holds every database, and soon after.
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let server = a.serve_with(port, &[quiet]);
    let started = Instant::now();
    let (mut in_store, mut ready_at) = (None, None);
    while ready_at.is_none() {
        assert!(started.elapsed() < Duration::from_secs(60), "never ready");
        let keys = s3_keys(&moto, "bisman-ready", "appliance/");
        let has = |p: &str| keys.iter().any(|k| k.starts_with(p) && k.ends_with(".ltx"));
        if in_store.is_none() && has("appliance/control/") && has("appliance/tenants/acme/") {
            in_store = Some(started.elapsed());
        }
        if let Some((200, _)) = ready(&client, &base) {
            ready_at = Some(started.elapsed());
            assert!(
                in_store.is_some() || {
                    let keys = s3_keys(&moto, "bisman-ready", "appliance/");
                    keys.iter()
                        .any(|k| k.starts_with("appliance/tenants/acme/"))
                        && keys.iter().any(|k| k.starts_with("appliance/control/"))
                },
                "ready at {ready_at:?} before the store had every database: {keys:?}"
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let (in_store, ready_at) = (in_store.unwrap_or_default(), ready_at.unwrap_or_default());
    eprintln!("replica in the store after {in_store:?}, /ready ok after {ready_at:?}");
    assert!(
        ready_at.saturating_sub(in_store) < Duration::from_secs(5),
        "ready {:?} after the replica reached the store",
        ready_at.saturating_sub(in_store)
    );
    drop(server);
}
