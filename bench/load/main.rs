//! Load harness: drives the real release binary over loopback with a bounded workload and
//! prints throughput and p50/p95/p99 per operation, plus the server's peak RSS and open
//! file descriptors.
//!
//!     cargo bench --bench load -- tenants [N_TENANTS] [REQUESTS]   # many tenants, ≤ 64 open
//!     cargo bench --bench load -- auth                             # login and /auth/me
//!     cargo bench --bench load -- business                         # reads, writes, baseline
//!     cargo bench --bench load -- mix [TENANTS] [REQUESTS]          # 80/20 over 1 and TENANTS
//!     cargo bench --bench load -- scale [BIG]                      # list pages at 10 k and BIG
//!     cargo bench --bench load -- tax [PDFS] [NOTES]               # invoice PDF, credit notes
//!     cargo bench --bench load -- books [BIG] [ISSUES]             # reports at 10 k and BIG lines
//!
//! Results go to stdout as a Markdown table; docs/benchmarks.md records them with the machine.

mod baseline;
mod books;
mod business;
mod purchases;
mod shop;
mod tax;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bisman::audit::Actor;
use bisman::modules::system::{model::CreateTenant, service as system};
use serde_json::{json, Value};

const PASSWORD: &str = "Kesar-Mango#2026";

struct Server {
    child: Child,
    base: String,
    log: std::path::PathBuf,
}

impl Server {
    fn start(dir: &Path, extra: &[(&str, &str)]) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("port");
        let started = Instant::now();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_bisman"));
        cmd.env_clear()
            .env("BISMAN_DATA_DIR", dir)
            .env("BISMAN_BIND", format!("127.0.0.1:{port}"))
            .env("BISMAN_LOG", "warn")
            .env("BISMAN_RATE_LOGIN", "1000000/60s")
            .env("BISMAN_RATE_AUTH", "1000000/60s")
            .env("BISMAN_RATE_API_USER", "1000000/60s")
            .env("BISMAN_RATE_API_TENANT", "1000000/60s");
        for (k, v) in extra {
            cmd.env(k, v);
        }
        // Sizing knobs may be passed through, e.g. BISMAN_MAX_OPEN_TENANTS=512.
        for knob in ["BISMAN_MAX_OPEN_TENANTS", "BISMAN_SQLITE_HEAP_LIMIT_MB"] {
            if let Ok(v) = std::env::var(knob) {
                cmd.env(knob, v);
            }
        }
        let log = std::fs::File::create(dir.join("server.log")).expect("server log");
        let mut child = cmd
            .arg("serve")
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("spawn server");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        for l in lines.by_ref() {
            if l.map(|l| l.contains("listening")).unwrap_or(false) {
                break;
            }
        }
        std::thread::spawn(move || for _ in lines {});
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::blocking::Client::new();
        while client.get(format!("{base}/health")).send().is_err() {
            std::thread::sleep(Duration::from_millis(5));
        }
        println!(
            "server ready in {:.0} ms",
            started.elapsed().as_secs_f64() * 1000.0
        );
        Server {
            child,
            base,
            log: dir.join("server.log"),
        }
    }

    fn proc_status(&self, key: &str) -> u64 {
        let s = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        s.lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    /// CPU seconds the server has used so far (user + system, from /proc/<pid>/stat).
    fn cpu_seconds(&self) -> f64 {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        // Fields after the parenthesised command name; utime and stime are the 12th and
        // 13th of those, in clock ticks (100 per second on Linux).
        let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
        let f: Vec<f64> = rest
            .split_whitespace()
            .map(|v| v.parse().unwrap_or(0.0))
            .collect();
        (f.get(11).unwrap_or(&0.0) + f.get(12).unwrap_or(&0.0)) / 100.0
    }

    /// Prints the server's CPU time per request since `since` (a `cpu_seconds` reading):
    /// what the server itself spent, apart from the load generator on the same cores.
    fn print_cpu_per_request(&self, since: f64, requests: usize) {
        let used = self.cpu_seconds() - since;
        println!(
            "|   server CPU per request | | | {:.0} µs | | | |",
            used * 1e6 / requests.max(1) as f64
        );
    }

    /// One unlabelled sample from `/metrics` (0 when missing).
    fn metric(&self, name: &str) -> f64 {
        reqwest::blocking::get(format!("{}/metrics", self.base))
            .and_then(|r| r.text())
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or(0.0)
    }

    fn open_fds(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.child.id()))
            .map(|d| d.count())
            .unwrap_or(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // A server that died under load says why in its last log lines.
        if let Ok(Some(status)) = self.child.try_wait() {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(20).collect();
            eprintln!("server exited early ({status}); last log lines:");
            for l in tail.iter().rev() {
                eprintln!("  {l}");
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Default)]
struct Stats {
    samples: Vec<Duration>,
    errors: usize,
}

impl Stats {
    /// One operation that began at `started`: its latency when it succeeded, else an error.
    fn record(&mut self, started: Instant, ok: bool) {
        if ok {
            self.samples.push(started.elapsed());
        } else {
            self.errors += 1;
        }
    }

    fn absorb(&mut self, other: Stats) {
        self.samples.extend(other.samples);
        self.errors += other.errors;
    }
}

/// The next operation number to run, until `total` have been handed out.
fn claim(next: &AtomicUsize, total: usize) -> Option<usize> {
    let i = next.fetch_add(1, Ordering::Relaxed);
    (i < total).then_some(i)
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// Prints one table row and returns the throughput (successful operations per second).
fn report(name: &str, stats: &Stats, wall: Duration) -> f64 {
    let mut s = stats.samples.clone();
    s.sort();
    let rate = s.len() as f64 / wall.as_secs_f64();
    println!(
        "| {name} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {} |",
        s.len(),
        rate,
        pct(&s, 0.50),
        pct(&s, 0.95),
        pct(&s, 0.99),
        stats.errors
    );
    rate
}

fn header() {
    println!("| operation | requests | req/s | p50 ms | p95 ms | p99 ms | errors |");
    println!("|---|---|---|---|---|---|---|");
}

/// Runs `total` GETs of `path(i)` with `token` over `concurrency` connections, all driven
/// from one thread by an async client (as wrk does), reading each body. The blocking
/// driver below costs two thread hand-offs per request in the generator; on two cores
/// that is CPU taken from the server, so latency figures of reads use this one.
fn drive_gets(
    base: &str,
    token: &str,
    concurrency: usize,
    total: usize,
    path: impl Fn(usize) -> String + Send + Sync + 'static,
) -> (Stats, Duration) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let path = Arc::new(path);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let parts = runtime.block_on(async {
        let mut connections = Vec::new();
        for _ in 0..concurrency {
            let (path, next) = (Arc::clone(&path), Arc::clone(&next));
            let client = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .build()
                .expect("client");
            connections.push(async move {
                let mut local = Stats::default();
                while let Some(i) = claim(&next, total) {
                    let t = Instant::now();
                    let sent = client
                        .get(format!("{base}{}", path(i)))
                        .bearer_auth(token)
                        .send()
                        .await;
                    let ok = match sent {
                        Ok(r) if r.status() == 200 => r.bytes().await.is_ok(),
                        _ => false,
                    };
                    local.record(t, ok);
                }
                local
            });
        }
        futures_util::future::join_all(connections).await
    });
    let wall = started.elapsed();
    let mut stats = Stats::default();
    for p in parts {
        stats.absorb(p);
    }
    (stats, wall)
}

/// Runs `total` calls of `op` over `concurrency` threads.
fn drive(
    concurrency: usize,
    total: usize,
    op: impl Fn(usize, &reqwest::blocking::Client) -> bool + Send + Sync + 'static,
) -> (Stats, Duration) {
    let op = Arc::new(op);
    let next = Arc::new(AtomicUsize::new(0));
    let stats = Arc::new(Mutex::new(Stats::default()));
    let started = Instant::now();
    let mut threads = Vec::new();
    for _ in 0..concurrency {
        let (op, next, stats) = (Arc::clone(&op), Arc::clone(&next), Arc::clone(&stats));
        threads.push(std::thread::spawn(move || {
            let client = reqwest::blocking::Client::builder()
                .pool_max_idle_per_host(1)
                .build()
                .expect("client");
            let mut local = Stats::default();
            while let Some(i) = claim(&next, total) {
                let t = Instant::now();
                local.record(t, op(i, &client));
            }
            if let Ok(mut s) = stats.lock() {
                s.absorb(local);
            }
        }));
    }
    for t in threads {
        let _ = t.join();
    }
    let wall = started.elapsed();
    let stats = Arc::try_unwrap(stats)
        .ok()
        .and_then(|m| m.into_inner().ok())
        .unwrap_or_default();
    (stats, wall)
}

fn provision(dir: &Path, n: usize) -> Vec<String> {
    let core = bisman::app::open_core(bisman::config::Settings::for_data_dir(dir))
        .unwrap_or_else(|e| panic!("core: {e}"));
    let started = Instant::now();
    let slugs: Vec<String> = (0..n).map(|i| format!("t{i:05}")).collect();
    for s in &slugs {
        let req = CreateTenant {
            slug: s.clone(),
            name: s.clone(),
            owner_email: format!("owner@{s}.in"),
            owner_password: Some(PASSWORD.into()),
        };
        system::provision_tenant(&core.tenants, &core.keys, &req, &Actor::system(None))
            .unwrap_or_else(|e| panic!("provision {s}: {e:?}"));
    }
    println!(
        "provisioned {n} tenants in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    core.tenants.checkpoint_all();
    slugs
}

fn login(client: &reqwest::blocking::Client, base: &str, slug: &str) -> Option<String> {
    let v: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"tenant": slug, "email": format!("owner@{slug}.in"), "password": PASSWORD}))
        .send()
        .ok()?
        .json()
        .ok()?;
    v["access_token"].as_str().map(str::to_string)
}

fn tenants_scenario(n: usize, requests: usize) {
    let dir = tempfile::tempdir().expect("tmp");
    let slugs = provision(dir.path(), n);
    let server = Server::start(dir.path(), &[]);
    println!(
        "idle RSS {} kB, open fds {}",
        server.proc_status("VmRSS:"),
        server.open_fds()
    );
    let base = server.base.clone();
    let tokens: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(vec![String::new(); n]));
    {
        let (tokens, base, slugs) = (Arc::clone(&tokens), base.clone(), slugs.clone());
        let (stats, wall) = drive(8, n, move |i, c| match login(c, &base, &slugs[i]) {
            Some(t) => {
                if let Ok(mut v) = tokens.lock() {
                    v[i] = t;
                }
                true
            }
            None => false,
        });
        header();
        report(&format!("login, {n} tenants"), &stats, wall);
    }
    let tokens = Arc::new(tokens.lock().map(|v| v.clone()).unwrap_or_default());
    // Spread requests over all tenants in a scrambled order, 64 in flight at most.
    let b2 = base.clone();
    let (stats, wall) = drive(64, requests, move |i, c| {
        let t = (i.wrapping_mul(7919)) % tokens.len();
        shop::answered(
            c.get(format!("{b2}/api/v1/auth/me"))
                .bearer_auth(&tokens[t])
                .send(),
            200,
        )
    });
    report(
        &format!("GET /auth/me over {n} tenants, 64 concurrent"),
        &stats,
        wall,
    );
    println!();
    println!(
        "peak RSS {} kB, RSS now {} kB, open fds {}",
        server.proc_status("VmHWM:"),
        server.proc_status("VmRSS:"),
        server.open_fds()
    );
}

fn auth_scenario() {
    let dir = tempfile::tempdir().expect("tmp");
    let slugs = provision(dir.path(), 1);
    let server = Server::start(dir.path(), &[]);
    let base = server.base.clone();
    header();
    let (b, s) = (base.clone(), slugs[0].clone());
    let (stats, wall) = drive(2, 200, move |_, c| login(c, &b, &s).is_some());
    report("login (argon2id m=19MiB t=2), 2 concurrent", &stats, wall);
    let token = login(&reqwest::blocking::Client::new(), &base, &slugs[0]).expect("token");
    let cpu = server.cpu_seconds();
    let (stats, wall) = drive_gets(&base, &token, 32, 20_000, |_| "/api/v1/auth/me".into());
    report("GET /auth/me, 32 concurrent", &stats, wall);
    server.print_cpu_per_request(cpu, 20_000);
    println!();
    println!("peak RSS {} kB", server.proc_status("VmHWM:"));
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --all-targets` runs this binary too, with
    // test flags only. A benchmark is not a test: do nothing then.
    if !std::env::args().any(|a| a == "--bench") {
        println!("load harness: run it with `cargo bench --bench load -- <scenario>`");
        return;
    }
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let num = |i: usize, d: usize| args.get(i).and_then(|v| v.parse().ok()).unwrap_or(d);
    println!(
        "machine: {} cores, {}",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
        std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(
                |c| c.lines().find(|l| l.starts_with("model name")).map(|l| l
                    .split(':')
                    .nth(1)
                    .unwrap_or("")
                    .trim()
                    .to_string())
            )
            .unwrap_or_default()
    );
    match args.first().map(String::as_str) {
        Some("tenants") => tenants_scenario(num(1, 1000), num(2, 50_000)),
        Some("auth") | None => auth_scenario(),
        Some("business") => business::reads_writes(),
        Some("mix") => {
            header();
            let one = business::mix(1, num(2, 20_000));
            let many = business::mix(num(1, 500), num(2, 20_000));
            println!("many/one throughput ratio {:.2}", many / one);
        }
        Some("scale") => business::scale(num(1, 1_000_000)),
        Some("tax") => tax::tax_documents(num(1, 500), num(2, 2_000)),
        Some("books") => books::books(num(1, 1_000_000), num(2, 1_000)),
        Some("purchases") => purchases::purchases(num(1, 100_000), num(2, 1_000)),
        Some(other) => {
            eprintln!("unknown scenario {other}; use tenants, auth, business, mix, scale, tax, books or purchases")
        }
    }
}
