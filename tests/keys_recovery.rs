//! The master key's way back (issue #13, item 5): `bisman keys export-recovery` seals it
//! under a passphrase, the key file is lost, `bisman keys verify-recovery --write-key`
//! brings it back, and every employee's PAN reads again. Then `bisman keys
//! rotate-master` moves every tenant key to a new master key while the server runs.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use common::*;
use serde_json::{json, Value};

const PASSPHRASE: &str = "monsoon ledger turmeric bicycle";

fn bisman(dir: &Path) -> Command {
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

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn serve(mut c: Command, port: u16) -> Child {
    spawn_until_listening(
        c.env("BISMAN_BIND", format!("127.0.0.1:{port}"))
            .env("BISMAN_RATE_LOGIN", "100000/60s")
            .env("BISMAN_RATE_API_USER", "100000/60s")
            .args(["serve"])
            .stderr(Stdio::null()),
    )
}

fn stop(mut child: Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

fn login(base: &str, tenant: &str) -> String {
    let v: Value = client()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"tenant": tenant, "email": format!("owner@{tenant}.in"), "password": OWNER_PASSWORD}))
        .send()
        .and_then(|r| r.json())
        .expect("login");
    token_of(&v)
}

fn post(base: &str, token: &str, path: &str, body: &Value) -> Value {
    let r = client()
        .post(format!("{base}{path}"))
        .bearer_auth(token)
        .json(body)
        .send()
        .expect("post");
    assert_eq!(r.status(), 201, "{path}");
    r.json().expect("json")
}

/// Every (tenant, employee id) revealed PAN.
fn revealed_pans(base: &str, people: &[(String, String, String)]) -> Vec<String> {
    let mut tokens = std::collections::HashMap::new();
    people
        .iter()
        .map(|(tenant, id, _)| {
            let token = tokens
                .entry(tenant.clone())
                .or_insert_with(|| login(base, tenant))
                .clone();
            let r = client()
                .get(format!("{base}/api/v1/employees/{id}?reveal=true"))
                .bearer_auth(token)
                .send()
                .expect("reveal");
            assert_eq!(r.status(), 200, "reveal {tenant}/{id}");
            let v: Value = r.json().expect("json");
            v["pan"].as_str().unwrap_or_default().to_string()
        })
        .collect()
}

#[test]
fn lose_the_master_key_recover_it_from_the_recovery_file_then_rotate_it_online() {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    let key_file = data.join("secrets").join("master.key");
    let pass_file = tmp.path().join("passphrase");
    std::fs::write(&pass_file, format!("{PASSPHRASE}\n")).expect("passphrase");
    for slug in ["acme", "globex"] {
        let o = run(bisman(&data).args([
            "tenant",
            "create",
            slug,
            "--name",
            slug,
            "--owner-email",
            &format!("owner@{slug}.in"),
            "--owner-password",
            OWNER_PASSWORD,
        ]));
        assert!(o.status.success(), "{}", text(&o));
    }
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let server = serve(bisman(&data), port);
    let mut people = Vec::new();
    for (t, slug) in ["acme", "globex"].iter().enumerate() {
        let token = login(&base, slug);
        let branch = post(
            &base,
            &token,
            "/api/v1/branches",
            &json!({"code": "BLR", "name": "Bengaluru", "state_code": "29", "address": "MG Road"}),
        );
        for n in 0..3 {
            let pan = format!("ABCPE{}{n:03}F", t + 1);
            let e = post(
                &base,
                &token,
                "/api/v1/employees",
                &json!({"employee_code": format!("E{n}"), "name": format!("Employee {n}"),
                        "branch_id": branch["id"], "pan": pan, "monthly_salary_paise": 100_000,
                        "status": "active"}),
            );
            people.push((
                slug.to_string(),
                e["id"].as_str().expect("id").to_string(),
                pan,
            ));
        }
    }
    let pans: Vec<String> = people.iter().map(|p| p.2.clone()).collect();
    assert_eq!(revealed_pans(&base, &people), pans);
    stop(server);

    // Export, then lose the key.
    let recovery = tmp.path().join("bisman-recovery.txt");
    let o = run(bisman(&data)
        .args(["keys", "export-recovery", "--output"])
        .arg(&recovery)
        .arg("--passphrase-file")
        .arg(&pass_file));
    assert!(o.status.success(), "{}", text(&o));
    let sealed = std::fs::read_to_string(&recovery).expect("recovery file");
    let key_text = std::fs::read_to_string(&key_file).expect("key");
    assert!(
        !sealed.contains(key_text.trim()),
        "the key is sealed, not copied"
    );
    std::fs::remove_file(&key_file).expect("lose the key");

    // A wrong passphrase, then a changed file: refused, and nothing is written.
    let wrong = tmp.path().join("wrong");
    std::fs::write(&wrong, "monsoon ledger turmeric tricycle\n").expect("wrong");
    let o = run(bisman(&data)
        .args(["keys", "verify-recovery"])
        .arg(&recovery)
        .arg("--passphrase-file")
        .arg(&wrong)
        .arg("--write-key")
        .arg(&key_file));
    assert!(!o.status.success() && !key_file.exists(), "{}", text(&o));
    assert!(text(&o).contains("wrong passphrase"), "{}", text(&o));

    // The way back: the recovered key opens every tenant's keys, and is written back.
    let o = run(bisman(&data)
        .args(["keys", "verify-recovery"])
        .arg(&recovery)
        .arg("--passphrase-file")
        .arg(&pass_file)
        .arg("--write-key")
        .arg(&key_file));
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("opens all of the wrapped keys of 2 tenants"),
        "{}",
        text(&o)
    );
    let server = serve(bisman(&data), port);
    assert_eq!(revealed_pans(&base, &people), pans, "every PAN reads again");

    // Rotate the master key while serving: the server reads keys under either key.
    let old_key: PathBuf = key_file.clone();
    let new_key = tmp.path().join("master.key.new");
    let o = run(bisman(&data)
        .args(["keys", "rotate-master", "--generate"])
        .arg(&new_key));
    assert!(o.status.success(), "{}", text(&o));
    stop(server);
    let both = || {
        let mut c = bisman(&data);
        c.env("BISMAN_MASTER_KEY_FILE", &new_key)
            .env("BISMAN_MASTER_KEY_PREVIOUS_FILE", &old_key);
        c
    };
    let server = serve(both(), port);
    assert_eq!(revealed_pans(&base, &people), pans, "before the re-wrap");
    let o = run(both().args(["keys", "rotate-master"]));
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("re-wrapped 4 tenant key(s)"),
        "{}",
        text(&o)
    );
    assert_eq!(
        revealed_pans(&base, &people),
        pans,
        "after the re-wrap, same server"
    );
    stop(server);
    // The new key alone now opens everything; the old recovery file no longer does.
    let mut only_new = bisman(&data);
    only_new.env("BISMAN_MASTER_KEY_FILE", &new_key);
    let server = serve(only_new, port);
    assert_eq!(revealed_pans(&base, &people), pans, "with the new key only");
    stop(server);
    let o = run(bisman(&data)
        .args(["keys", "verify-recovery"])
        .arg(&recovery)
        .arg("--passphrase-file")
        .arg(&pass_file));
    assert!(!o.status.success(), "{}", text(&o));
}
