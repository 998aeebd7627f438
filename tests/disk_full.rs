//! Disk full: the data dir lives on a small tmpfs of its own. Fill it, and writes fail
//! with 507 `insufficient_storage` while reads keep working and `/ready` says why; free
//! the space, and writes succeed again with nothing acknowledged lost.
//!
//! Mounting needs root (CAP_SYS_ADMIN); without it the test says so and skips.

mod real;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use real::*;
use serde_json::{json, Value};

const FS_SIZE_MIB: u64 = 16;

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|u| u == "0"))
        })
        .unwrap_or(false)
}

/// A tmpfs mounted for the test, unmounted on drop.
struct SmallFs {
    path: PathBuf,
    _parent: tempfile::TempDir,
}

impl SmallFs {
    fn mount() -> Result<SmallFs, String> {
        if !is_root() {
            return Err("not running as root".into());
        }
        let parent = tempfile::tempdir().map_err(|e| e.to_string())?;
        let path = parent.path().join("small");
        std::fs::create_dir(&path).map_err(|e| e.to_string())?;
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o"])
            .arg(format!("size={FS_SIZE_MIB}m,mode=0700"))
            .arg("tmpfs")
            .arg(&path)
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "mount -t tmpfs failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(SmallFs {
            path,
            _parent: parent,
        })
    }
}

impl Drop for SmallFs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}

/// Writes zeros into `path` until the filesystem refuses; returns the bytes written.
fn fill(path: &Path) -> u64 {
    let mut f = std::fs::File::create(path).expect("ballast");
    let chunk = vec![0u8; 64 * 1024];
    let mut written = 0u64;
    // Bounded by the filesystem size; a small tail is filled byte-wise below.
    for _ in 0..(FS_SIZE_MIB * 16 + 16) {
        match f.write(&chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => written += n as u64,
        }
    }
    for _ in 0..64 * 1024 {
        match f.write(&[0u8]) {
            Ok(1) => written += 1,
            _ => break,
        }
    }
    let _ = f.sync_all();
    written
}

fn create_role(
    client: &reqwest::blocking::Client,
    s: &Server,
    token: &str,
    name: &str,
) -> reqwest::blocking::Response {
    client
        .post(s.url("/api/v1/roles"))
        .bearer_auth(token)
        .json(&json!({"name": name, "description": "d".repeat(400), "permissions": ["org.branches:read", "sales.items:read"]}))
        .send()
        .expect("create role")
}

#[test]
fn disk_full_gives_507_keeps_reads_and_recovers() {
    let fs = match SmallFs::mount() {
        Ok(fs) => fs,
        Err(why) => {
            eprintln!("SKIPPED disk_full: needs root and a tmpfs mount ({why})");
            return;
        }
    };
    let started = Instant::now();
    let data = fs.path.join("data");
    let email = create_tenant(&data, "full");
    let server = Server::start(&data, &[]);
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    let token = login(&client, &server.base, "full", &email);
    let ready = client.get(server.url("/ready")).send().expect("ready");
    assert_eq!(ready.status(), 200, "ready before filling");

    let mut acked: Vec<String> = Vec::new();
    for i in 0..5 {
        let name = format!("before-{i}");
        assert_eq!(create_role(&client, &server, &token, &name).status(), 201);
        acked.push(name);
    }

    let ballast = fs.path.join("ballast");
    let filled = fill(&ballast);

    // Writes: some may still fit in space SQLite already holds (a reused WAL); keep going
    // until the first 507, counting every 2xx as acknowledged.
    let mut refused = None;
    for i in 0..2_000 {
        let name = format!("during-{i}");
        let res = create_role(&client, &server, &token, &name);
        match res.status().as_u16() {
            201 => acked.push(name),
            507 => {
                refused = Some(res);
                break;
            }
            other => panic!(
                "write on a full disk answered {other}: {}",
                res.text().unwrap_or_default()
            ),
        }
    }
    let refused = refused.expect("a write on a full disk is refused");
    let ct = refused
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let problem: Value = refused.json().expect("problem json");
    assert!(ct.starts_with("application/problem+json"), "{ct}");
    assert_eq!(
        problem["type"],
        "https://bisman.dev/problems/insufficient_storage"
    );
    assert_eq!(problem["status"], 507);
    let writes_after_fill = acked.len() - 5;

    // Every further write is refused the same way, and none is half-done.
    for i in 0..5 {
        let res = create_role(&client, &server, &token, &format!("refused-{i}"));
        assert_eq!(res.status(), 507, "{}", res.text().unwrap_or_default());
    }
    // Reads keep working.
    for _ in 0..5 {
        let res = client
            .get(server.url("/api/v1/roles?limit=200"))
            .bearer_auth(&token)
            .send()
            .expect("list");
        assert_eq!(res.status(), 200);
        let me = client
            .get(server.url("/api/v1/auth/me"))
            .bearer_auth(&token)
            .send()
            .expect("me");
        assert_eq!(me.status(), 200);
    }
    // Readiness names the reason.
    let ready = client.get(server.url("/ready")).send().expect("ready");
    assert_eq!(ready.status(), 503);
    let body: Value = ready.json().expect("ready json");
    assert_eq!(body["status"], "not_ready");
    let disk = body["checks"]["disk_free"].as_str().unwrap_or_default();
    assert!(disk.contains("low disk space"), "{body}");

    // Free the space: writes succeed again and readiness returns.
    std::fs::remove_file(&ballast).expect("remove ballast");
    let mut recovered = false;
    for i in 0..50 {
        let name = format!("after-{i}");
        let res = create_role(&client, &server, &token, &name);
        if res.status() == 201 {
            acked.push(name);
            recovered = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(recovered, "writes succeed once space is freed");
    for i in 0..5 {
        let name = format!("after-more-{i}");
        assert_eq!(create_role(&client, &server, &token, &name).status(), 201);
        acked.push(name);
    }
    let ready = client.get(server.url("/ready")).send().expect("ready");
    assert_eq!(ready.status(), 200, "{}", ready.text().unwrap_or_default());

    // Every acknowledged write is there, through the API and in the file.
    let res = client
        .get(server.url("/api/v1/roles?limit=200"))
        .bearer_auth(&token)
        .send()
        .expect("list");
    let page: Value = res.json().expect("json");
    let names: Vec<&str> = page["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|r| r["name"].as_str()).collect())
        .unwrap_or_default();
    let mut server = server;
    assert_eq!(server.term().and_then(|s| s.code()), Some(0), "clean stop");
    let c = rusqlite::Connection::open(data.join("tenants/full/tenant.db")).expect("open");
    let check: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check");
    assert_eq!(check, "ok");
    for name in &acked {
        let n: i64 = c
            .query_row("SELECT count(*) FROM roles WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .expect("count");
        assert_eq!(n, 1, "acknowledged role {name} is stored");
        assert!(
            names.contains(&name.as_str()) || names.len() >= 200,
            "{name} listed"
        );
    }
    let refused_stored: i64 = c
        .query_row(
            "SELECT count(*) FROM roles WHERE name LIKE 'refused-%'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(refused_stored, 0, "refused writes left nothing behind");
    drop(c);
    let (code, out) = audit_verify(&data, "full");
    assert_eq!(code, Some(0), "audit verify: {out}");
    eprintln!(
        "disk_full: {FS_SIZE_MIB} MiB tmpfs, ballast {filled} bytes, {writes_after_fill} writes \
         fitted after the fill, then 507; {} acknowledged writes all present; {:.1}s",
        acked.len(),
        started.elapsed().as_secs_f64()
    );
}
