//! Crash durability: concurrent audited writers against the real binary, SIGKILL at a
//! random moment, restart, and check that every acknowledged write survived, that the
//! file is intact and that the audit chain still verifies. Repeated with different kill
//! points; bounded in iterations and time.

mod real;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::Rng;
use real::*;
use serde_json::{json, Value};

const ROUNDS: usize = 20;
const WRITERS: usize = 4;
/// The whole test must finish well within this; each round is also bounded.
const TIME_LIMIT: Duration = Duration::from_secs(90);

/// What the server acknowledged with a 2xx, per role id.
#[derive(Debug, Clone)]
struct Acked {
    name: String,
    /// Highest acknowledged version and the description it carried.
    version: i64,
    description: String,
}

fn writer(
    client: reqwest::blocking::Client,
    base: String,
    token: String,
    tag: String,
    stop: Arc<AtomicBool>,
    acked: Arc<Mutex<HashMap<String, Acked>>>,
) -> usize {
    let mut n = 0usize;
    let mut mine: Vec<(String, i64)> = Vec::new();
    let mut rng = rand::thread_rng();
    // Bounded: the kill ends it long before this many requests.
    for i in 0..5_000 {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        // Two of three writes create a role; the others patch one of ours with If-Match.
        let patch = !mine.is_empty() && rng.gen_ratio(1, 3);
        if patch {
            let k = rng.gen_range(0..mine.len());
            let (id, version) = mine[k].clone();
            let description = format!("{tag}-v{}", version + 1);
            let res = client
                .patch(format!("{base}/api/v1/roles/{id}"))
                .bearer_auth(&token)
                .header("If-Match", format!("\"{version}\""))
                .json(&json!({"description": description}))
                .send();
            match res {
                Ok(r) if r.status().is_success() => {
                    let body: Value = match r.json() {
                        Ok(b) => b,
                        Err(_) => break, // killed mid-body: not acknowledged
                    };
                    let v = body["version"].as_i64().unwrap_or(0);
                    mine[k].1 = v;
                    if let Ok(mut a) = acked.lock() {
                        if let Some(e) = a.get_mut(&id) {
                            e.version = v;
                            e.description = description;
                        }
                    }
                    n += 1;
                }
                Ok(r) => panic!("patch answered {}", r.status()),
                Err(_) => break,
            }
        } else {
            let name = format!("{tag}-{i}");
            let res = client
                .post(format!("{base}/api/v1/roles"))
                .bearer_auth(&token)
                .json(&json!({"name": name, "description": "v1", "permissions": ["org.branches:read"]}))
                .send();
            match res {
                Ok(r) if r.status().as_u16() == 201 => {
                    let body: Value = match r.json() {
                        Ok(b) => b,
                        Err(_) => break,
                    };
                    let id = body["id"].as_str().unwrap_or_default().to_string();
                    mine.push((id.clone(), 1));
                    if let Ok(mut a) = acked.lock() {
                        a.insert(
                            id,
                            Acked {
                                name,
                                version: 1,
                                description: "v1".into(),
                            },
                        );
                    }
                    n += 1;
                }
                Ok(r) => panic!(
                    "create answered {}: {}",
                    r.status(),
                    r.text().unwrap_or_default()
                ),
                Err(_) => break,
            }
        }
    }
    n
}

#[test]
fn acknowledged_writes_survive_sigkill() {
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("tmp");
    let email = create_tenant(dir.path(), "crash");
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(10))
        .pool_max_idle_per_host(0)
        .build()
        .expect("client");
    let acked: Arc<Mutex<HashMap<String, Acked>>> = Arc::new(Mutex::new(HashMap::new()));
    let mut token = String::new();
    let mut rng = rand::thread_rng();
    let mut kill_points = Vec::new();
    let mut total_writes = 0usize;

    for round in 0..ROUNDS {
        assert!(
            started.elapsed() < TIME_LIMIT,
            "time limit reached after {round} rounds"
        );
        let mut server = Server::start(dir.path(), &[]);
        if token.is_empty() {
            // Tokens outlive restarts (the signing secret is in the data dir).
            token = login(&client, &server.base, "crash", &email);
        }
        let stop = Arc::new(AtomicBool::new(false));
        let workers: Vec<_> = (0..WRITERS)
            .map(|w| {
                let (client, base, token, stop, acked) = (
                    client.clone(),
                    server.base.clone(),
                    token.clone(),
                    Arc::clone(&stop),
                    Arc::clone(&acked),
                );
                let tag = format!("r{round}w{w}");
                std::thread::spawn(move || writer(client, base, token, tag, stop, acked))
            })
            .collect();
        let kill_after = Duration::from_millis(rng.gen_range(30..600));
        kill_points.push(kill_after.as_millis());
        std::thread::sleep(kill_after);
        server.kill9();
        stop.store(true, Ordering::Relaxed);
        for w in workers {
            total_writes += w.join().expect("writer thread");
        }

        // The file as the crash left it (WAL included): intact, and every ack present.
        let db_path = dir.path().join("tenants/crash/tenant.db");
        let c = rusqlite::Connection::open(&db_path).expect("open tenant db");
        let check: String = c
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .expect("integrity_check");
        assert_eq!(check, "ok", "round {round}");
        let mut stmt = c
            .prepare("SELECT id, name, version, description FROM roles WHERE builtin = 0")
            .expect("prepare");
        let stored: HashMap<String, (String, i64, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?))))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        let audited: i64 = c
            .query_row(
                "SELECT count(DISTINCT entity_id) FROM audit_events WHERE action = 'role.created'",
                [],
                |r| r.get(0),
            )
            .expect("audit count");
        drop(stmt);
        drop(c);
        let acked_now = acked.lock().expect("lock").clone();
        for (id, a) in &acked_now {
            let Some((name, version, description)) = stored.get(id) else {
                panic!("round {round}: acknowledged role {} ({id}) is lost", a.name);
            };
            assert_eq!(name, &a.name);
            assert!(
                *version >= a.version,
                "round {round}: role {name} is at version {version}, v{} was acknowledged",
                a.version
            );
            if *version == a.version {
                assert_eq!(description, &a.description, "round {round}: role {name}");
            }
        }
        assert_eq!(
            audited as usize,
            stored.len(),
            "every stored role has its audit event"
        );
        let (code, out) = audit_verify(dir.path(), "crash");
        assert_eq!(code, Some(0), "round {round}: audit verify: {out}");
    }

    // A last clean start proves the data dir is still serviceable.
    let mut server = Server::start(dir.path(), &[]);
    let res = client
        .get(server.url("/api/v1/roles?limit=1"))
        .bearer_auth(&token)
        .send()
        .expect("list roles");
    assert_eq!(res.status(), 200);
    assert_eq!(server.term().and_then(|s| s.code()), Some(0));
    let acked_total = acked.lock().expect("lock").len();
    eprintln!(
        "crash: {ROUNDS} SIGKILLs at {kill_points:?} ms; {total_writes} acknowledged writes \
         ({acked_total} roles), none lost; {:.1}s",
        started.elapsed().as_secs_f64()
    );
    assert!(acked_total > 0, "the writers made progress");
}
