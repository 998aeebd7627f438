//! Integration-test harness: each test starts the real app on its own temp data dir and a
//! free loopback port, and talks HTTP to it. Nothing is shared between tests.
#![allow(dead_code)]

pub mod s3;

use std::net::TcpListener;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use bisman::app::{self, Core};
use bisman::audit::Actor;
use bisman::config::Settings;
use bisman::keys::KeyStore;
use bisman::modules::system::{model::CreateTenant, service as system};
use bisman::tenancy::Tenants;
use reqwest::blocking::{Client, RequestBuilder, Response};
use serde_json::{json, Value};

pub const OWNER_PASSWORD: &str = "Kesar-Mango#2026";

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

pub struct TestApp {
    pub base: String,
    pub dir: tempfile::TempDir,
    pub tenants: Arc<Tenants>,
    pub keys: Arc<KeyStore>,
    pub control: Arc<bisman::db::Database>,
    pub client: Client,
    shutdown: Option<rocket::Shutdown>,
    thread: Option<JoinHandle<()>>,
}

impl TestApp {
    pub fn start() -> TestApp {
        TestApp::start_with(|_| {})
    }

    /// Starts with default development settings, adjusted by `tweak`.
    pub fn start_with(tweak: impl FnOnce(&mut Settings)) -> TestApp {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut settings = Settings::for_data_dir(dir.path());
        settings.bind = format!("127.0.0.1:{}", free_port()).parse().expect("addr");
        settings.shutdown_grace_secs = 1;
        tweak(&mut settings);
        TestApp::start_in(dir, settings)
    }

    pub fn start_in(dir: tempfile::TempDir, settings: Settings) -> TestApp {
        let base = format!("http://{}", settings.bind);
        let core: Core = app::open_core(settings).unwrap_or_else(|e| panic!("open core: {e}"));
        let (tenants, keys, control) = (
            Arc::clone(&core.tenants),
            Arc::clone(&core.keys),
            Arc::clone(&core.control),
        );
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            let rt = rocket::tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let ignited = app::build(&core).ignite().await.expect("ignite");
                let _ = tx.send(ignited.shutdown());
                let _ = ignited.launch().await;
                core.tenants.checkpoint_all();
            });
        });
        let shutdown = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("server started");
        let client = Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("client");
        let app = TestApp {
            base,
            dir,
            tenants,
            keys,
            control,
            client,
            shutdown: Some(shutdown),
            thread: Some(thread),
        };
        app.wait_until_up();
        app
    }

    fn wait_until_up(&self) {
        for _ in 0..200 {
            if self.client.get(self.url("/health")).send().is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        panic!("server did not come up at {}", self.base);
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Creates a tenant directly (as the CLI does) with an owner; returns the owner's email.
    pub fn create_tenant(&self, slug: &str) -> String {
        let email = format!("owner@{slug}.example.in");
        let req = CreateTenant {
            slug: slug.into(),
            name: format!("{slug} Pvt Ltd"),
            owner_email: email.clone(),
            owner_password: Some(OWNER_PASSWORD.into()),
        };
        system::provision_tenant(&self.tenants, &self.keys, &req, &Actor::system(None))
            .unwrap_or_else(|e| panic!("provision {slug}: {e:?}"));
        email
    }

    pub fn login_raw(&self, tenant: &str, email: &str, password: &str) -> Response {
        self.client
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({"tenant": tenant, "email": email, "password": password}))
            .send()
            .expect("login request")
    }

    /// Logs in and returns the full login response body.
    pub fn login(&self, tenant: &str, email: &str, password: &str) -> Value {
        let res = self.login_raw(tenant, email, password);
        let status = res.status();
        let body: Value = res.json().expect("login json");
        assert_eq!(status, 200, "login failed: {body}");
        body
    }

    /// Creates a tenant and returns its owner's access token.
    pub fn owner_token(&self, slug: &str) -> String {
        let email = self.create_tenant(slug);
        token_of(&self.login(slug, &email, OWNER_PASSWORD))
    }

    /// Creates the branch BLR (Karnataka) with `token` and returns its id.
    pub fn create_branch(&self, token: &str) -> String {
        json_of(
            self.post(
                token,
                "/api/v1/branches",
                &json!({"code": "BLR", "name": "Bengaluru", "state_code": "29", "address": "MG Road"}),
            ),
            201,
        )["id"]
            .as_str()
            .expect("branch id")
            .to_string()
    }

    /// Creates a user with the given roles (as the owner) and returns their token.
    pub fn user_token(&self, slug: &str, owner: &str, email: &str, roles: &[&str]) -> String {
        let pw = "Us3r-Secret#word";
        let res = self.post(
            owner,
            "/api/v1/users",
            &json!({"email": email, "name": "Test User", "password": pw, "roles": roles}),
        );
        assert_eq!(
            res.status(),
            201,
            "create user: {}",
            res.text().unwrap_or_default()
        );
        token_of(&self.login(slug, email, pw))
    }

    pub fn req(&self, method: reqwest::Method, token: &str, path: &str) -> RequestBuilder {
        let b = self.client.request(method, self.url(path));
        if token.is_empty() {
            b
        } else {
            b.bearer_auth(token)
        }
    }

    pub fn get(&self, token: &str, path: &str) -> Response {
        self.req(reqwest::Method::GET, token, path)
            .send()
            .expect("GET")
    }

    pub fn post(&self, token: &str, path: &str, body: &Value) -> Response {
        self.req(reqwest::Method::POST, token, path)
            .json(body)
            .send()
            .expect("POST")
    }

    pub fn patch(&self, token: &str, path: &str, body: &Value) -> Response {
        self.req(reqwest::Method::PATCH, token, path)
            .json(body)
            .send()
            .expect("PATCH")
    }

    pub fn put(&self, token: &str, path: &str, body: &Value) -> Response {
        self.req(reqwest::Method::PUT, token, path)
            .json(body)
            .send()
            .expect("PUT")
    }

    pub fn delete(&self, token: &str, path: &str) -> Response {
        self.req(reqwest::Method::DELETE, token, path)
            .send()
            .expect("DELETE")
    }

    pub fn stop(&mut self) {
        if let Some(s) = self.shutdown.take() {
            s.notify();
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.stop();
    }
}

pub fn token_of(login: &Value) -> String {
    login["access_token"]
        .as_str()
        .expect("access_token")
        .to_string()
}

/// Asserts a problem document with the given status and code; returns it.
pub fn expect_problem(res: Response, status: u16, code: &str) -> Value {
    let got = res.status().as_u16();
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let text = res.text().unwrap_or_default();
    assert_eq!(got, status, "expected {status} {code}, got {got}: {text}");
    assert!(
        ct.starts_with("application/problem+json"),
        "content type {ct} for {text}"
    );
    let body: Value =
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("problem json: {text}"));
    assert_eq!(
        body["type"],
        format!("https://bisman.dev/problems/{code}"),
        "{body}"
    );
    assert_eq!(body["status"], status);
    assert!(body["request_id"].as_str().is_some_and(|s| !s.is_empty()));
    body
}

pub fn json_of(res: Response, status: u16) -> Value {
    let got = res.status().as_u16();
    let text = res.text().unwrap_or_default();
    assert_eq!(got, status, "expected {status}, got {got}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("json: {text}"))
}

/// Path of the built `bisman` binary (for process-level tests).
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_bisman")
}

/// A valid 1x1 RGB PNG: an upload the server accepts.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
    0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0x3f, 0xd3, 0x18,
    0x00, 0x04, 0x66, 0x01, 0xcc, 0xcd, 0xbb, 0xeb, 0x87, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
    0x44, 0xae, 0x42, 0x60, 0x82,
];

/// The secret a running app signs its access tokens with.
pub fn jwt_secret(app: &TestApp) -> Vec<u8> {
    std::fs::read_to_string(app.dir.path().join("secrets/jwt.secret"))
        .expect("secret")
        .trim()
        .as_bytes()
        .to_vec()
}

/// A token with these claims and `alg` in its header, signed with HMAC-SHA256 under
/// `secret` (unsigned for `none`): forged tokens for the attack tests.
pub fn forge(claims: &Value, secret: &[u8], alg: &str) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use hmac::{Hmac, Mac};
    let header = URL_SAFE_NO_PAD.encode(format!("{{\"alg\":\"{alg}\",\"typ\":\"JWT\"}}"));
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let input = format!("{header}.{payload}");
    if alg == "none" {
        return format!("{input}.");
    }
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).expect("hmac");
    mac.update(input.as_bytes());
    format!(
        "{input}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

/// The claims of a token, unverified.
pub fn claims_of(token: &str) -> Value {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let payload = token.split('.').nth(1).expect("payload");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("b64")).expect("json")
}

/// Spawns `cmd` (a `bisman serve`) with stdout piped and returns once it says it is
/// listening, exits, or 30 s pass. The rest of its stdout is drained on a thread so the
/// server never blocks on a full pipe. Callers choose stderr.
pub fn spawn_until_listening(cmd: &mut std::process::Command) -> std::process::Child {
    use std::io::{BufRead, BufReader};
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn bisman serve");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while std::time::Instant::now() < deadline {
        match lines.next() {
            Some(Ok(l)) if l.contains("listening") => break,
            Some(_) => continue,
            None => break,
        }
    }
    std::thread::spawn(move || for _ in lines {});
    child
}
