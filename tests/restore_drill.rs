//! Restore drills against real Litestream and a real S3-compatible server (moto) on
//! loopback: `bisman backup verify` now, and the scheduled drill inside `bisman serve`
//! with its metric and `/ready` check, passing and failing.

mod common;

use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::s3::{tool, Moto};
use common::*;
use serde_json::{json, Value};

struct Served(Child);

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
        let env = [
            ("BISMAN_DATA_DIR", dir.path().display().to_string()),
            ("BISMAN_REPLICA_URL", format!("s3://{bucket}/appliance")),
            ("BISMAN_REPLICA_S3_ENDPOINT", moto.endpoint()),
            ("BISMAN_REPLICA_S3_REGION", "us-east-1".into()),
            (
                "BISMAN_LITESTREAM_BIN",
                tool("BISMAN_LITESTREAM_BIN", "litestream")
                    .display()
                    .to_string(),
            ),
            ("AWS_ACCESS_KEY_ID", "bisman-test".into()),
            ("AWS_SECRET_ACCESS_KEY", "bisman-test-secret".into()),
            ("BISMAN_LOG", "warn".into()),
            ("BISMAN_RESTORE_DRILL_INTERVAL", "2s".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
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

    fn create_tenant(&self, slug: &str) {
        let email = format!("owner@{slug}.in");
        let o = self.run(&[
            "tenant",
            "create",
            slug,
            "--name",
            slug,
            "--owner-email",
            &email,
            "--owner-password",
            OWNER_PASSWORD,
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }

    fn serve(&self, port: u16, extra: &[(&str, &str)]) -> Served {
        let mut c = self.cmd();
        for (k, v) in extra {
            c.env(k, v);
        }
        let child = spawn_until_listening(
            c.env("BISMAN_BIND", format!("127.0.0.1:{port}"))
                .arg("serve")
                .stderr(Stdio::null()),
        );
        Served(child)
    }

    fn replica_txid(&self, name: &str) -> u64 {
        let o = self.run(&["backup", "status", "--json"]);
        serde_json::from_slice::<Vec<Value>>(&o.stdout)
            .ok()
            .and_then(|rows| rows.into_iter().find(|r| r["name"] == name))
            .and_then(|r| r["replica_txid"].as_u64())
            .unwrap_or(0)
    }
}

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

/// Polls `f` for up to `secs` seconds until it returns Some.
fn eventually<T>(secs: u64, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(started.elapsed() < Duration::from_secs(secs), "{what}");
        std::thread::sleep(Duration::from_millis(300));
    }
}

fn drill_timestamp(metrics: &str, tenant: &str) -> Option<f64> {
    let prefix = format!("bisman_restore_drill_last_success_timestamp{{tenant=\"{tenant}\"}} ");
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .and_then(|v| v.trim().parse().ok())
}

#[test]
fn backup_verify_and_scheduled_drills_pass_and_report_failures() {
    let moto = Moto::start();
    let a = Appliance::new(&moto, "bisman-drill");
    a.create_tenant("acme");
    a.create_tenant("globex");
    let port = free_port();
    let server = a.serve(port, &[]);
    let base = format!("http://127.0.0.1:{port}");
    let http = client();
    let login: Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"tenant": "acme", "email": "owner@acme.in", "password": OWNER_PASSWORD}))
        .send()
        .and_then(|r| r.json())
        .expect("login");
    let token = token_of(&login);
    let before = a.replica_txid("tenants/acme");
    for code in ["BLR", "MUM", "DEL"] {
        let r = http
            .post(format!("{base}/api/v1/branches"))
            .bearer_auth(&token)
            .json(&json!({"code": code, "name": code, "state_code": "29", "address": "x"}))
            .send()
            .expect("branch");
        assert_eq!(r.status(), 201);
    }
    eventually(120, "acme replicated", || {
        (a.replica_txid("tenants/acme") > before).then_some(())
    });

    // On demand, while the server runs: every tenant, then one.
    let o = a.run(&["backup", "verify"]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success(),
        "{out} {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        out.contains("tenant acme: ok") && out.contains("tenant globex: ok"),
        "{out}"
    );
    assert!(
        out.contains("audit chain ok") && out.contains("branches "),
        "{out}"
    );
    eprintln!("{out}");
    let o = a.run(&["backup", "verify", "--tenant", "globex"]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(o.status.success() && !out.contains("acme"), "{out}");
    assert!(!a
        .run(&["backup", "verify", "--tenant", "ghost"])
        .status
        .success());
    // Scheduled inside serve (interval 2s here): both tenants get a success timestamp.
    let metrics = eventually(90, "scheduled drills ran", || {
        let m = http
            .get(format!("{base}/metrics"))
            .send()
            .ok()?
            .text()
            .ok()?;
        (drill_timestamp(&m, "acme").is_some() && drill_timestamp(&m, "globex").is_some())
            .then_some(m)
    });
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs_f64();
    let ts = drill_timestamp(&metrics, "acme").expect("acme");
    assert!((now - ts).abs() < 120.0, "recent: {ts} vs {now}");
    assert!(metrics.contains("bisman_tenant_pools_max 256"), "{metrics}");
    let ready: Value = http
        .get(format!("{base}/ready"))
        .send()
        .and_then(|r| r.json())
        .expect("ready");
    assert_eq!(ready["checks"]["restore_drill"], "ok", "{ready}");
    drop(server);
    // The last success survives a restart (kept in the data dir).
    assert!(a.dir.path().join("restore-drills.json").exists());

    // A replica that has nothing for these tenants: the CLI exits 1 naming the tenant,
    // and the scheduled drill turns /ready red with the reason.
    let empty = [("BISMAN_REPLICA_URL", "s3://bisman-drill/elsewhere")];
    let mut c = a.cmd();
    c.env("BISMAN_REPLICA_URL", "s3://bisman-drill/elsewhere");
    let o = c
        .args(["backup", "verify", "--tenant", "acme"])
        .output()
        .expect("run");
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("tenant acme: FAILED: restore failed"), "{out}");
    eprintln!("{out}");

    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let server = a.serve(port, &[empty[0], ("BISMAN_LITESTREAM_MANAGED", "false")]);
    let m = http
        .get(format!("{base}/metrics"))
        .send()
        .and_then(|r| r.text())
        .expect("metrics");
    assert_eq!(drill_timestamp(&m, "acme"), Some(ts), "loaded from disk");
    let ready = eventually(60, "failed drill reported", || {
        let r = http.get(format!("{base}/ready")).send().ok()?;
        let status = r.status().as_u16();
        let v: Value = r.json().ok()?;
        let check = v["checks"]["restore_drill"].as_str()?;
        (check.contains("restore drill failed")
            && check.contains("acme")
            && check.contains("globex"))
        .then_some((status, v))
    });
    assert_eq!(ready.0, 503, "{}", ready.1);
    assert_eq!(ready.1["status"], "not_ready");
    let m = http
        .get(format!("{base}/metrics"))
        .send()
        .and_then(|r| r.text())
        .expect("metrics");
    assert!(
        m.contains("bisman_restore_drill_failed{tenant=\"acme\"} 1"),
        "{m}"
    );
    drop(server);
}

/// Issue #13 (5): a drill restores control.db as well, opens the tenant's keys from it
/// with the master key, and decrypts a sample of encrypted fields and a document chunk;
/// with the wrong master key the same drill fails, naming the keys.
#[test]
fn a_drill_restores_control_db_and_decrypts_fields_and_a_document_chunk() {
    use reqwest::blocking::multipart::{Form, Part};
    let moto = Moto::start();
    let a = Appliance::new(&moto, "bisman-drill-keys");
    a.create_tenant("acme");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let server = a.serve(port, &[("BISMAN_RESTORE_DRILL_INTERVAL", "off")]);
    let http = client();
    let login: Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"tenant": "acme", "email": "owner@acme.in", "password": OWNER_PASSWORD}))
        .send()
        .and_then(|r| r.json())
        .expect("login");
    let token = token_of(&login);
    let post = |path: &str, body: Value| -> Value {
        let r = http
            .post(format!("{base}{path}"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .expect("post");
        assert_eq!(r.status(), 201, "{path}");
        r.json().expect("json")
    };
    let branch = post(
        "/api/v1/branches",
        json!({"code": "BLR", "name": "Bengaluru", "state_code": "29", "address": "MG Road"}),
    );
    let digits: Vec<u8> = "50000000001".bytes().map(|b| b - b'0').collect();
    let check = bisman::domain::verhoeff_check_digit(&digits).expect("check digit");
    let employee = post(
        "/api/v1/employees",
        json!({"employee_code": "E1", "name": "Asha", "branch_id": branch["id"],
               "pan": "ABCPE1234F", "aadhaar": format!("50000000001{check}"),
               "bank_account": {"account_number": "50100000000001", "ifsc": "HDFC0001234", "bank_name": "HDFC"},
               "monthly_salary_paise": 100_000, "status": "active"}),
    );
    let mut pdf = b"%PDF-1.4\n1 0 obj\n<< /Title (drill) >>\nendobj\n".to_vec();
    pdf.extend_from_slice(b"\n%%EOF\n");
    let part = Part::bytes(pdf)
        .file_name("id.pdf")
        .mime_str("application/pdf")
        .expect("mime");
    let form = Form::new()
        .text("entity", "employee")
        .text(
            "entity_id",
            employee["id"].as_str().expect("id").to_string(),
        )
        .part("file", part);
    let r = http
        .post(format!("{base}/api/v1/files"))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .expect("upload");
    assert_eq!(r.status(), 201);

    // Once the replica has the employee and the document, the drill decrypts them.
    let out = eventually(120, "drill decrypted the sample", || {
        let o = a.run(&["backup", "verify", "--tenant", "acme"]);
        let out = String::from_utf8_lossy(&o.stdout).into_owned();
        (o.status.success() && out.contains("3 encrypted fields and 1 document chunk(s) decrypt"))
            .then_some(out)
    });
    assert!(out.contains("with control.db restored too"), "{out}");
    drop(server);

    // Another master key: the restored keys do not open, and the drill says so.
    let wrong = a.dir.path().join("wrong.key");
    std::fs::write(
        &wrong,
        "9f2c4e7a1b3d5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8\n",
    )
    .expect("key");
    let o = a
        .cmd()
        .env("BISMAN_MASTER_KEY_FILE", &wrong)
        .args(["backup", "verify", "--tenant", "acme"])
        .output()
        .expect("run");
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("do not open with the master key"), "{out}");
}
