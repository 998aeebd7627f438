//! The real `bisman` binary as a child process, for tests that kill it, starve it of
//! disk or attack it over sockets. Every wait here is bounded.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const PASSWORD: &str = "Kesar-Mango#2026";

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_bisman")
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// `bisman` with a clean environment pointed at `dir`.
pub fn cli(dir: &Path) -> Command {
    let mut c = Command::new(bin());
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("BISMAN_DATA_DIR", dir)
        .env("BISMAN_LOG", "warn");
    c
}

/// Creates tenant `slug` with owner `owner@<slug>.in` and the shared test password.
pub fn create_tenant(dir: &Path, slug: &str) -> String {
    let email = format!("owner@{slug}.in");
    let out = cli(dir)
        .args(["tenant", "create", slug, "--name", slug])
        .args(["--owner-email", &email, "--owner-password", PASSWORD])
        .output()
        .expect("run bisman tenant create");
    assert!(
        out.status.success(),
        "tenant create: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    email
}

/// `bisman audit verify --tenant slug`: (exit code, stdout + stderr).
pub fn audit_verify(dir: &Path, slug: &str) -> (Option<i32>, String) {
    let out = cli(dir)
        .args(["audit", "verify", "--tenant", slug])
        .output()
        .expect("run bisman audit verify");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text)
}

pub struct Server {
    child: Child,
    pub port: u16,
    pub base: String,
    pub dir: PathBuf,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts `bisman serve` on a free loopback port with relaxed rate limits (unless
    /// `env` overrides them) and waits until `/health` answers.
    pub fn start(dir: &Path, env: &[(&str, &str)]) -> Server {
        let port = free_port();
        let mut cmd = cli(dir);
        cmd.env("BISMAN_BIND", format!("127.0.0.1:{port}"))
            .env("BISMAN_SHUTDOWN_GRACE_SECS", "2")
            .env("BISMAN_RATE_LOGIN", "1000000/60s")
            .env("BISMAN_RATE_AUTH", "1000000/60s")
            .env("BISMAN_RATE_API_USER", "1000000/60s")
            .env("BISMAN_RATE_API_TENANT", "1000000/60s");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .args(["serve"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn bisman serve");
        let log = Arc::new(Mutex::new(Vec::new()));
        for stream in [
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let log = Arc::clone(&log);
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if let Ok(mut l) = log.lock() {
                        if l.len() >= 2000 {
                            l.remove(0);
                        }
                        l.push(line);
                    }
                }
            });
        }
        let mut server = Server {
            child,
            port,
            base: format!("http://127.0.0.1:{port}"),
            dir: dir.to_path_buf(),
            log,
        };
        server.wait_healthy(Duration::from_secs(30));
        server
    }

    fn wait_healthy(&mut self, limit: Duration) {
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .expect("client");
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("server exited at start-up ({status}): {}", self.log_text());
            }
            if client
                .get(format!("{}/health", self.base))
                .send()
                .is_ok_and(|r| r.status().is_success())
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("server not healthy in {limit:?}: {}", self.log_text());
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn log_text(&self) -> String {
        self.log.lock().map(|l| l.join("\n")).unwrap_or_default()
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// SIGKILL: no drain, no checkpoint, no destructors.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM and a bounded wait for the exit.
    pub fn term(&mut self) -> Option<ExitStatus> {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(s)) = self.child.try_wait() {
                return Some(s);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.kill9();
        None
    }

    /// Resident set size of the server process, in KiB (`VmRSS` in /proc).
    pub fn rss_kib(&self) -> u64 {
        proc_status_kib(self.pid(), "VmRSS:")
    }

    /// Peak resident set size (`VmHWM`), in KiB.
    pub fn peak_rss_kib(&self) -> u64 {
        proc_status_kib(self.pid(), "VmHWM:")
    }

    /// Open file descriptors of the server process.
    pub fn open_fds(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.pid()))
            .map(|d| d.count())
            .unwrap_or(0)
    }
}

fn proc_status_kib(pid: u32, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.is_running() {
            self.kill9();
        }
    }
}

/// Signs in as a tenant user and returns the access token.
pub fn login(client: &reqwest::blocking::Client, base: &str, tenant: &str, email: &str) -> String {
    let res = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"tenant": tenant, "email": email, "password": PASSWORD}))
        .send()
        .expect("login request");
    let status = res.status();
    let body: serde_json::Value = res.json().expect("login json");
    assert_eq!(status, 200, "login: {body}");
    body["access_token"]
        .as_str()
        .expect("access_token")
        .to_string()
}
