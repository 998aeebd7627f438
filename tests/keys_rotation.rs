//! `bisman keys rotate`: every encrypted value and file chunk moves to a new key
//! version, reads and writes keep working during the rotation (in-process and against a
//! real `bisman serve` process), an interrupted run resumes, and old versions are retired.

mod common;

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bisman::crypto::{ciphertext_key_version, decrypt_file, encrypt_file};
use bisman::keys::rotate::{self, Batches, Options};
use common::*;
use indicatif::ProgressBar;
use serde_json::{json, Value};

const IFSC: &str = "HDFC0001234";

fn aadhaar(n: u32) -> String {
    let first11 = format!("{:011}", 50_000_000_000u64 + u64::from(n));
    let digits: Vec<u8> = first11.bytes().map(|b| b - b'0').collect();
    let check = bisman::domain::verhoeff_check_digit(&digits).expect("check digit");
    format!("{first11}{check}")
}

fn pan(n: u32) -> String {
    format!("ABCPE{:04}F", n % 10_000)
}

fn account(n: u32) -> String {
    format!("5010{:010}", n)
}

fn employee(branch: &str, n: u32, with_bank: bool) -> Value {
    let mut v = json!({
        "employee_code": format!("E{n:05}"), "name": format!("Employee {n}"),
        "branch_id": branch, "pan": pan(n), "aadhaar": aadhaar(n),
        "monthly_salary_paise": 4_500_000, "status": "active"
    });
    if with_bank {
        v["bank_account"] =
            json!({"account_number": account(n), "ifsc": IFSC, "bank_name": "HDFC"});
    }
    v
}

fn pdf(size: usize) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n1 0 obj\n<< /Title (rotation) >>\nendobj\n".to_vec();
    out.extend((0..size).map(|i| b'a' + (i % 26) as u8));
    out.extend_from_slice(b"\n%%EOF\n");
    out
}

/// Uploads through the files API; returns the file id.
fn upload(app: &TestApp, token: &str, employee: &str, data: Vec<u8>) -> String {
    use reqwest::blocking::multipart::{Form, Part};
    let part = Part::bytes(data)
        .file_name("doc.pdf")
        .mime_str("application/pdf")
        .expect("mime");
    let form = Form::new()
        .text("entity", "employee")
        .text("entity_id", employee.to_string())
        .part("file", part);
    let res = app
        .req(reqwest::Method::POST, token, "/api/v1/files")
        .multipart(form)
        .send()
        .expect("upload");
    json_of(res, 201)["id"]
        .as_str()
        .expect("file id")
        .to_string()
}

fn download(app: &TestApp, token: &str, id: &str) -> Vec<u8> {
    let res = app.get(token, &format!("/api/v1/files/{id}"));
    assert_eq!(res.status(), 200);
    res.bytes().expect("bytes").to_vec()
}

/// Every ciphertext in a tenant file: (what, key version).
fn versions_in(path: &std::path::Path) -> Vec<(String, Option<u32>)> {
    let c = rusqlite::Connection::open(path).expect("open tenant");
    let mut out = Vec::new();
    for col in ["pan_enc", "aadhaar_enc", "bank_account_enc"] {
        let mut stmt = c
            .prepare(&format!(
                "SELECT id, {col} FROM employees WHERE {col} IS NOT NULL"
            ))
            .expect("prepare");
        let rows = stmt
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
            })
            .expect("query");
        for r in rows {
            let (id, blob) = r.expect("row");
            out.push((format!("{col} {id}"), ciphertext_key_version(&blob)));
        }
    }
    let company: Option<Vec<u8>> = c
        .query_row(
            "SELECT bank_account_enc FROM company WHERE id = 1",
            [],
            |r| r.get(0),
        )
        .expect("company");
    if let Some(blob) = company {
        out.push((
            "company bank_account_enc".into(),
            ciphertext_key_version(&blob),
        ));
    }
    let mut stmt = c
        .prepare("SELECT file_id, idx, data FROM file_chunks")
        .expect("prepare");
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Vec<u8>>(2)?,
            ))
        })
        .expect("query");
    for r in rows {
        let (f, i, blob) = r.expect("row");
        out.push((format!("chunk {f}/{i}"), ciphertext_key_version(&blob)));
    }
    out
}

fn assert_all_under(path: &std::path::Path, version: u32) {
    let all = versions_in(path);
    assert!(!all.is_empty());
    let wrong: Vec<_> = all.iter().filter(|(_, v)| *v != Some(version)).collect();
    assert!(wrong.is_empty(), "not under v{version}: {wrong:?}");
}

fn live_versions(control: &std::path::Path, tenant: &str) -> Vec<u32> {
    let c = rusqlite::Connection::open(control).expect("open control");
    rotate::live_versions(&c, tenant).expect("versions")
}

/// Stores a document the way the files API does: a `files` row plus encrypted chunks.
fn store_file(app: &TestApp, tenant: &str, entity_id: &str, data: &[u8]) -> String {
    let ring = app.keys.ring_blocking(tenant).expect("ring");
    let id = bisman::ids::new_id();
    let chunks = encrypt_file(&ring, &id, data).expect("encrypt");
    let handle = app.tenants.open_blocking(tenant).expect("open");
    handle
        .db
        .write_blocking(|tx| {
            tx.execute(
                "INSERT INTO files (id, entity, entity_id, filename, content_type, size, sha256, scan, chunk_count, created_by, created_at) \
                 VALUES (?1, 'employee', ?2, 'doc.pdf', 'application/pdf', ?3, 'x', 'unscanned', ?4, 'test', '2026-01-01T00:00:00Z')",
                rusqlite::params![id, entity_id, data.len() as i64, chunks.len() as i64],
            )?;
            for (i, c) in chunks.iter().enumerate() {
                tx.execute(
                    "INSERT INTO file_chunks (file_id, idx, data) VALUES (?1, ?2, ?3)",
                    rusqlite::params![id, i as i64, c],
                )?;
            }
            Ok(())
        })
        .expect("store file");
    id
}

fn read_file(app: &TestApp, tenant: &str, id: &str) -> Vec<u8> {
    app.keys.forget(tenant);
    let ring = app.keys.ring_blocking(tenant).expect("ring");
    let handle = app.tenants.open_blocking(tenant).expect("open");
    let chunks: Vec<Vec<u8>> = handle
        .db
        .read_blocking(|c| {
            let mut s =
                c.prepare("SELECT data FROM file_chunks WHERE file_id = ?1 ORDER BY idx")?;
            let rows = s.query_map([id], |r| r.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .expect("chunks");
    decrypt_file(&ring, id, &chunks).expect("decrypt").to_vec()
}

fn reveal(app: &TestApp, token: &str, id: &str) -> Value {
    json_of(
        app.get(token, &format!("/api/v1/employees/{id}?reveal=true")),
        200,
    )
}

/// No wait before retiring: the in-process server checks versions under the write lock.
fn quick() -> Options {
    Options {
        retire_after: Duration::ZERO,
        ..Options::default()
    }
}

fn rotate_once(app: &TestApp, tenant: &str, opts: &Options) -> rotate::TenantOutcome {
    let handle = app.tenants.open_blocking(tenant).expect("open");
    rotate::rotate_tenant(
        &app.control,
        app.keys.master(),
        &handle.db,
        tenant,
        opts,
        &mut Batches::default(),
        &ProgressBar::hidden(),
    )
    .expect("rotate")
}

#[test]
fn rotation_reencrypts_every_value_and_chunk_resumes_and_retires_old_versions() {
    let app = TestApp::start();
    let owner = app.owner_token("acme");
    let branch = app.create_branch(&owner);
    let mut ids = HashMap::new();
    for n in 0..25 {
        let e = json_of(
            app.post(
                &owner,
                "/api/v1/employees",
                &employee(&branch, n, n % 3 != 0),
            ),
            201,
        );
        ids.insert(n, e["id"].as_str().expect("id").to_string());
    }
    let docs: Vec<(String, Vec<u8>)> = [0usize, 1000, 300 * 1024, 600 * 1024]
        .iter()
        .map(|&len| {
            let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            (store_file(&app, "acme", &ids[&1], &data), data)
        })
        .collect();
    let uploaded_before = pdf(600 * 1024);
    let up_before = upload(&app, &owner, &ids[&2], uploaded_before.clone());
    // The company's bank account is encrypted like employees' and rotates with them.
    json_of(
        app.put(
            &owner,
            "/api/v1/company",
            &json!({"legal_name": "Acme Foods Private Limited",
                "bank": {"account_number": "50200012345678", "ifsc": "HDFC0000060", "bank_name": "HDFC Bank"}}),
        ),
        200,
    );
    let path = app.dir.path().join("tenants/acme/tenant.db");
    let control = app.dir.path().join("control.db");
    assert_all_under(&path, 1);

    // Interrupted after 3 small batches: a new version exists, the old one is still live.
    let partial = rotate_once(
        &app,
        "acme",
        &Options {
            rows_per_batch: 4,
            chunks_per_batch: 1,
            stop_after_batches: Some(3),
            ..quick()
        },
    );
    assert!(!partial.finished && partial.created && partial.version == 2);
    assert_eq!(live_versions(&control, "acme"), vec![1, 2]);
    let mixed = versions_in(&path);
    assert!(mixed.iter().any(|(_, v)| *v == Some(1)) && mixed.iter().any(|(_, v)| *v == Some(2)));

    // The server still holds the v1-only ring: a write must use v2 anyway...
    let late = json_of(
        app.post(&owner, "/api/v1/employees", &employee(&branch, 99, true)),
        201,
    );
    let late_id = late["id"].as_str().expect("id").to_string();
    let late_versions: Vec<_> = versions_in(&path)
        .into_iter()
        .filter(|(w, _)| w.ends_with(&late_id))
        .collect();
    assert_eq!(late_versions.len(), 3);
    assert!(
        late_versions.iter().all(|(_, v)| *v == Some(2)),
        "{late_versions:?}"
    );
    // ...uploads too...
    let uploaded_during = pdf(300 * 1024);
    let up_during = upload(&app, &owner, &ids[&3], uploaded_during.clone());
    let during: Vec<_> = versions_in(&path)
        .into_iter()
        .filter(|(w, _)| w.contains(&up_during))
        .collect();
    assert!(
        !during.is_empty() && during.iter().all(|(_, v)| *v == Some(2)),
        "{during:?}"
    );
    // ...and reads of both versions work mid-rotation.
    for (n, id) in &ids {
        assert_eq!(reveal(&app, &owner, id)["pan"], pan(*n));
    }

    // Rerun: continues with v2 (no v3), finishes, retires v1.
    let done = rotate_once(&app, "acme", &quick());
    assert!(done.finished && !done.created, "{done:?}");
    assert_eq!(done.version, 2);
    assert_eq!(done.retired, vec![1]);
    assert!(done.fields > 0 && done.chunks > 0, "{done:?}");
    assert_eq!(live_versions(&control, "acme"), vec![2]);
    assert_all_under(&path, 2);
    for (n, id) in &ids {
        let e = reveal(&app, &owner, id);
        assert_eq!(e["pan"], pan(*n));
        assert_eq!(e["aadhaar"], aadhaar(*n));
        if n % 3 != 0 {
            assert_eq!(e["bank_account"]["account_number"], account(*n));
        }
    }
    for (id, data) in &docs {
        assert_eq!(&read_file(&app, "acme", id), data);
    }
    assert_eq!(download(&app, &owner, &up_before), uploaded_before);
    assert_eq!(download(&app, &owner, &up_during), uploaded_during);
    let handle = app.tenants.open_blocking("acme").expect("open");
    let company = handle
        .db
        .read_blocking(bisman::modules::company::repo::get)
        .expect("company");
    let ring = app.keys.ring_blocking("acme").expect("ring");
    assert_eq!(
        bisman::modules::company::service::bank_account(&ring, &company)
            .expect("decrypts")
            .as_deref(),
        Some("50200012345678")
    );
    // Blind indexes use their own key: lookups still match.
    let found = json_of(
        app.post(&owner, "/api/v1/employees/lookup", &json!({"pan": pan(7)})),
        200,
    );
    assert_eq!(found["items"][0]["id"], ids[&7].as_str());

    // A finished rotation leaves nothing to resume: the next run makes v3 and retires v2.
    let again = rotate_once(&app, "acme", &quick());
    assert!(again.finished && again.created && again.version == 3);
    assert_eq!(again.retired, vec![2]);
    assert_all_under(&path, 3);
    for (id, data) in &docs {
        assert_eq!(&read_file(&app, "acme", id), data);
    }
    // Each finished rotation is in the tenant's audit trail, and the chain still verifies.
    let handle = app.tenants.open_blocking("acme").expect("open");
    let rotated: i64 = handle
        .db
        .read_blocking(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM audit_events WHERE action = 'data_key.rotated'",
                [],
                |r| r.get(0),
            )?)
        })
        .expect("count");
    assert_eq!(rotated, 2);
    assert!(
        handle
            .db
            .read_blocking(bisman::audit::verify)
            .expect("verify")
            .ok
    );
}

// ---- against real processes -------------------------------------------------------------

fn bisman(dir: &std::path::Path) -> Command {
    let mut c = Command::new(bin());
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("BISMAN_DATA_DIR", dir)
        .env("BISMAN_LOG", "warn");
    c
}

fn spawn_server(dir: &std::path::Path, port: u16) -> Child {
    spawn_until_listening(
        bisman(dir)
            .env("BISMAN_BIND", format!("127.0.0.1:{port}"))
            .env("BISMAN_RATE_LOGIN", "100000/60s")
            .env("BISMAN_RATE_API_USER", "100000/60s")
            .env("BISMAN_RATE_API_TENANT", "100000/60s")
            .args(["serve"])
            .stderr(Stdio::null()),
    )
}

fn stop_server(mut child: Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

#[test]
fn rotation_under_concurrent_http_load_against_a_real_server_survives_crashes() {
    let dir = tempfile::tempdir().expect("tmp");
    let o = bisman(dir.path())
        .args([
            "tenant",
            "create",
            "acme",
            "--name",
            "Acme",
            "--owner-email",
            "owner@acme.in",
            "--owner-password",
            OWNER_PASSWORD,
        ])
        .output()
        .expect("tenant create");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let server = spawn_server(dir.path(), port);
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let login: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"tenant": "acme", "email": "owner@acme.in", "password": OWNER_PASSWORD}))
        .send()
        .and_then(|r| r.json())
        .expect("login");
    let token = token_of(&login);
    let branch: Value = client
        .post(format!("{base}/api/v1/branches"))
        .bearer_auth(&token)
        .json(
            &json!({"code": "BLR", "name": "Bengaluru", "state_code": "29", "address": "MG Road"}),
        )
        .send()
        .and_then(|r| r.json())
        .expect("branch");
    let branch = branch["id"].as_str().expect("branch id").to_string();
    // (employee number, id, current PAN number) of everything created so far.
    let people: Arc<Mutex<Vec<(u32, String, u32)>>> = Arc::new(Mutex::new(Vec::new()));
    for n in 0..250 {
        let e: Value = client
            .post(format!("{base}/api/v1/employees"))
            .bearer_auth(&token)
            .json(&employee(&branch, n, true))
            .send()
            .and_then(|r| r.json())
            .expect("employee");
        let id = e["id"].as_str().expect("id").to_string();
        people.lock().expect("lock").push((n, id, n));
    }

    let stop = Arc::new(AtomicBool::new(false));
    let requests = Arc::new(AtomicUsize::new(0));
    let failures: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(Vec::new()));
    let next = Arc::new(AtomicUsize::new(1000));
    let mut workers = Vec::new();
    for w in 0..4 {
        let (stop, requests, failures, people, next) = (
            Arc::clone(&stop),
            Arc::clone(&requests),
            Arc::clone(&failures),
            Arc::clone(&people),
            Arc::clone(&next),
        );
        let (client, base, token, branch) =
            (client.clone(), base.clone(), token.clone(), branch.clone());
        workers.push(std::thread::spawn(move || {
            let mut i = 0usize;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let pick = {
                    let p = people.lock().expect("lock");
                    p[(i * 7 + w * 13) % p.len()].clone()
                };
                let res = match (w, i % 3) {
                    // Readers: reveal decrypts, so it touches old and new versions alike.
                    (0 | 1, _) => client
                        .get(format!("{base}/api/v1/employees/{}?reveal=true", pick.1))
                        .bearer_auth(&token)
                        .send(),
                    // Writers: new employees and new PANs while rows are being rewritten.
                    (2, _) | (3, 0) => {
                        let n = next.fetch_add(1, Ordering::Relaxed) as u32;
                        let r = client
                            .post(format!("{base}/api/v1/employees"))
                            .bearer_auth(&token)
                            .json(&employee(&branch, n, true))
                            .send();
                        if let Ok(r) = r {
                            let status = r.status();
                            let body: Value = r.json().unwrap_or_default();
                            if status.is_success() {
                                if let Some(id) = body["id"].as_str() {
                                    people.lock().expect("lock").push((n, id.to_string(), n));
                                }
                                requests.fetch_add(1, Ordering::Relaxed);
                            } else {
                                failures
                                    .lock()
                                    .expect("lock")
                                    .push(format!("POST {status} {body}"));
                            }
                            continue;
                        }
                        r
                    }
                    _ => {
                        let newpan = (pick.2 + 5000) % 10_000;
                        let r = client
                            .patch(format!("{base}/api/v1/employees/{}", pick.1))
                            .bearer_auth(&token)
                            .json(&json!({"pan": pan(newpan)}))
                            .send();
                        if matches!(&r, Ok(r) if r.status().is_success()) {
                            let mut p = people.lock().expect("lock");
                            if let Some(e) = p.iter_mut().find(|e| e.1 == pick.1) {
                                e.2 = newpan;
                            }
                        }
                        r
                    }
                };
                requests.fetch_add(1, Ordering::Relaxed);
                match res {
                    Ok(r) if r.status().is_success() => {}
                    Ok(r) => failures.lock().expect("lock").push(format!(
                        "{} {}",
                        r.status(),
                        r.text().unwrap_or_default()
                    )),
                    Err(e) => failures.lock().expect("lock").push(e.to_string()),
                }
            }
        }));
    }
    // No 6-minute wait before retiring: this server checks versions under the write lock.
    let rotate = |extra: &[&str]| {
        bisman(dir.path())
            .args(["keys", "rotate", "--retire-after-secs", "0"])
            .args(extra)
            .output()
            .expect("keys rotate")
    };
    let control = dir.path().join("control.db");
    let tenant_db = dir.path().join("tenants/acme/tenant.db");
    std::thread::sleep(Duration::from_millis(300));

    // 1. Stopped after one batch (as a crash after a commit): v2 exists beside v1.
    let started = Instant::now();
    let o = rotate(&["--stop-after-batches", "1"]);
    assert_eq!(
        o.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(live_versions(&control, "acme"), vec![1, 2]);
    std::thread::sleep(Duration::from_millis(300));
    // 2. Rerun resumes v2 to completion and retires v1.
    let o = rotate(&[]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success(),
        "{out} {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        out.contains("key version 2 (resumed)") && out.contains("retired [1]"),
        "{out}"
    );
    assert_eq!(live_versions(&control, "acme"), vec![2]);
    let first_two = started.elapsed();
    // 3. SIGKILL in the middle of a third rotation (once at least one batch of 100
    //    employees is under v3), then rerun to completion.
    let mut child = bisman(dir.path())
        .args(["keys", "rotate", "--retire-after-secs", "0"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn rotate");
    let mut killed_mid_rotation = false;
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(30) {
        if matches!(child.try_wait(), Ok(Some(_))) {
            break;
        }
        let under_v3 = versions_in(&tenant_db)
            .iter()
            .filter(|(_, v)| *v == Some(3))
            .count();
        if under_v3 >= 300 {
            let _ = child.kill(); // SIGKILL
            killed_mid_rotation = true;
            break;
        }
    }
    let _ = child.wait();
    assert!(
        killed_mid_rotation,
        "the rotation finished before it could be killed"
    );
    assert_eq!(
        live_versions(&control, "acme"),
        vec![2, 3],
        "killed with v3 unfinished"
    );
    let half = versions_in(&tenant_db);
    eprintln!(
        "killed with {} of {} values already under v3",
        half.iter().filter(|(_, v)| *v == Some(3)).count(),
        half.len()
    );
    let o = rotate(&[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("key version 3 (resumed)"));
    let live = live_versions(&control, "acme");
    assert_eq!(live, vec![3], "{}", String::from_utf8_lossy(&o.stdout));
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().expect("worker");
    }
    let failures = failures.lock().expect("lock").clone();
    let served = requests.load(Ordering::Relaxed);
    eprintln!(
        "rotations 1+2 took {first_two:?}; {served} requests during rotation, {} failed",
        failures.len()
    );
    assert!(served > 50, "load ran: {served}");
    assert!(failures.is_empty(), "{failures:?}");

    // Every value is under v3, and decrypts: in the running server and after a restart
    // (which loads only the live v3 key from the control DB).
    assert_all_under(&tenant_db, 3);
    let people = people.lock().expect("lock").clone();
    let check_all = |base: &str| {
        for (n, id, p) in &people {
            let e: Value = client
                .get(format!("{base}/api/v1/employees/{id}?reveal=true"))
                .bearer_auth(&token)
                .send()
                .and_then(|r| r.json())
                .expect("reveal");
            assert_eq!(e["pan"], pan(*p), "{e}");
            assert_eq!(e["aadhaar"], aadhaar(*n), "{e}");
            assert_eq!(e["bank_account"]["account_number"], account(*n), "{e}");
        }
    };
    check_all(&base);
    stop_server(server);
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let server = spawn_server(dir.path(), port);
    check_all(&base);
    stop_server(server);
}

/// The runbook's recovery for a tenant file restored from before a rotation: copy the old
/// key row back from (a restore of) the old control DB, rotate again.
#[test]
fn a_file_from_before_a_rotation_is_recovered_by_restoring_its_old_key_and_rotating() {
    use bisman::modules::hr::crypt::{self, PAN};
    let app = TestApp::start();
    let owner = app.owner_token("acme");
    let branch = app.create_branch(&owner);
    let mut ids = Vec::new();
    for n in 0..5 {
        let e = json_of(
            app.post(&owner, "/api/v1/employees", &employee(&branch, n, true)),
            201,
        );
        ids.push((n, e["id"].as_str().expect("id").to_string()));
    }
    // "Backups" from before the rotation: the tenant file and the control DB's key rows.
    let old_file = app.dir.path().join("old-acme.db");
    let handle = app.tenants.open_blocking("acme").expect("open");
    handle
        .db
        .with_writer(|c| {
            c.execute("VACUUM INTO ?1", [old_file.to_string_lossy()])?;
            Ok(())
        })
        .expect("snapshot");
    let old_keys: Vec<(String, u32, Vec<u8>, String)> = app
        .control
        .read_blocking(|c| {
            let mut s = c.prepare(
                "SELECT tenant, version, wrapped, created_at FROM tenant_data_keys WHERE tenant = 'acme'",
            )?;
            let rows = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .expect("old keys");

    let done = rotate_once(&app, "acme", &quick());
    assert_eq!((done.version, done.retired.clone()), (2, vec![1]));

    // The old file's values are under the deleted v1: unreadable now.
    let old = bisman::db::Database::open(
        &old_file,
        &bisman::db::embedded::TENANT_MIGRATIONS,
        1,
        Duration::from_secs(1),
    )
    .expect("open old file");
    let first_pan = |db: &bisman::db::Database, id: &str| -> Vec<u8> {
        db.read_blocking(|c| {
            Ok(
                c.query_row("SELECT pan_enc FROM employees WHERE id = ?1", [id], |r| {
                    r.get(0)
                })?,
            )
        })
        .expect("pan")
    };
    app.keys.forget("acme");
    let ring = app.keys.ring_blocking("acme").expect("ring");
    assert!(crypt::open(&ring, &ids[0].1, PAN, &first_pan(&old, &ids[0].1)).is_err());

    // Put v1 back (what the runbook's sqlite3 ATTACH/INSERT does), rotate again.
    app.control
        .write_blocking(|tx| {
            for (t, v, w, at) in &old_keys {
                tx.execute(
                    "INSERT OR IGNORE INTO tenant_data_keys (tenant, version, wrapped, created_at) VALUES (?1, ?2, ?3, ?4)",
                    rusqlite::params![t, v, w, at],
                )?;
            }
            Ok(())
        })
        .expect("restore old key");
    let recovered = rotate::rotate_tenant(
        &app.control,
        app.keys.master(),
        &old,
        "acme",
        &quick(),
        &mut Batches::default(),
        &ProgressBar::hidden(),
    )
    .expect("rotate the old file");
    assert!(recovered.finished && !recovered.created, "{recovered:?}");
    assert_eq!((recovered.version, recovered.retired), (2, vec![1]));
    assert_all_under(&old_file, 2);
    app.keys.forget("acme");
    let ring = app.keys.ring_blocking("acme").expect("ring");
    for (n, id) in &ids {
        let pan_now = crypt::open(&ring, id, PAN, &first_pan(&old, id)).expect("decrypts");
        assert_eq!(&*pan_now, &pan(*n));
    }
}

/// Throughput of a rotation on a larger tenant (run by hand:
/// `cargo test --test keys_rotation throughput -- --ignored --nocapture`).
#[test]
#[ignore]
fn rotation_throughput() {
    use bisman::modules::hr::crypt::{self, AADHAAR, ACCOUNT, PAN};
    let app = TestApp::start();
    let owner = app.owner_token("acme");
    let branch = app.create_branch(&owner);
    let ring = app.keys.ring_blocking("acme").expect("ring");
    let handle = app.tenants.open_blocking("acme").expect("open");
    let rows = 20_000u32;
    handle
        .db
        .write_blocking(|tx| {
            for n in 0..rows {
                let id = bisman::ids::new_id();
                let p = crypt::seal(&ring, &id, PAN, &pan(n))?;
                let a = crypt::seal(&ring, &id, AADHAAR, &aadhaar(n))?;
                let b = crypt::seal(&ring, &id, ACCOUNT, &account(n))?;
                tx.execute(
                    "INSERT INTO employees (id, employee_code, name, branch_id, pan_enc, aadhaar_enc, bank_account_enc, created_at, updated_at) \
                     VALUES (?1, ?2, 'x', ?3, ?4, ?5, ?6, 'now', 'now')",
                    rusqlite::params![id, format!("E{n:06}"), branch, p.enc, a.enc, b.enc],
                )?;
            }
            Ok(())
        })
        .expect("seed");
    let any: String = handle
        .db
        .read_blocking(|c| Ok(c.query_row("SELECT id FROM employees LIMIT 1", [], |r| r.get(0))?))
        .expect("an employee");
    let mib: Vec<u8> = (0..1024 * 1024).map(|i| (i % 251) as u8).collect();
    for _ in 0..20 {
        store_file(&app, "acme", &any, &mib);
    }
    let started = Instant::now();
    let o = rotate_once(&app, "acme", &quick());
    let took = started.elapsed();
    eprintln!(
        "rotated {} fields and {} chunks (20 MiB) in {took:?}: {:.0} fields/s",
        o.fields,
        o.chunks,
        o.fields as f64 / took.as_secs_f64()
    );
    assert!(o.finished);
}

/// A writer that ignores the version check (it encrypts with a ring cached before the
/// rotation) while old versions wait to be retired: the recount after the wait finds its
/// value and re-encrypts it before anything is deleted.
#[test]
fn values_written_under_an_old_version_during_the_wait_are_caught_before_retiring() {
    use bisman::modules::hr::crypt::{self, PAN};
    let app = TestApp::start();
    let owner = app.owner_token("acme");
    let branch = app.create_branch(&owner);
    for n in 0..5 {
        json_of(
            app.post(&owner, "/api/v1/employees", &employee(&branch, n, true)),
            201,
        );
    }
    let stale = app
        .keys
        .ring_blocking("acme")
        .expect("ring before the rotation");
    assert_eq!(stale.current_version(), 1);
    let handle = app.tenants.open_blocking("acme").expect("open");
    let late_id = bisman::ids::new_id();
    let writer = {
        let (db, id, branch) = (Arc::clone(&handle.db), late_id.clone(), branch.clone());
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(700));
            let sealed = crypt::seal(&stale, &id, PAN, &pan(4242)).expect("seal");
            db.write_blocking(|tx| {
                tx.execute(
                    "INSERT INTO employees (id, employee_code, name, branch_id, pan_enc, created_at, updated_at) \
                     VALUES (?1, 'LATE', 'Late Writer', ?2, ?3, 'now', 'now')",
                    rusqlite::params![id, branch, sealed.enc],
                )?;
                Ok(())
            })
            .expect("stale write");
        })
    };
    let started = Instant::now();
    let o = rotate_once(
        &app,
        "acme",
        &Options {
            retire_after: Duration::from_secs(2),
            ..Options::default()
        },
    );
    writer.join().expect("writer");
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "waited before retiring"
    );
    assert!(o.finished && o.retired == vec![1], "{o:?}");
    let path = app.dir.path().join("tenants/acme/tenant.db");
    assert_all_under(&path, 2);
    app.keys.forget("acme");
    let ring = app.keys.ring_blocking("acme").expect("ring");
    let blob: Vec<u8> = handle
        .db
        .read_blocking(|c| {
            Ok(c.query_row(
                "SELECT pan_enc FROM employees WHERE id = ?1",
                [&late_id],
                |r| r.get(0),
            )?)
        })
        .expect("late row");
    assert_eq!(
        &*crypt::open(&ring, &late_id, PAN, &blob).expect("decrypts"),
        &pan(4242)
    );
}
