//! The appliance foundation over real HTTP: conventions, operations endpoints, tenancy.

mod common;

use common::*;
use serde_json::{json, Value};

#[test]
fn health_ready_and_metrics() {
    let app = TestApp::start();
    let h = json_of(app.get("", "/health"), 200);
    assert_eq!(h["status"], "ok");
    assert!(h["version"].as_str().is_some() && h["uptime_seconds"].as_u64().is_some());
    let r = json_of(app.get("", "/ready"), 200);
    assert_eq!(r["status"], "ready");
    for check in [
        "control_db",
        "data_dir_writable",
        "disk_free",
        "replication",
    ] {
        assert!(r["checks"][check].is_string(), "missing {check}: {r}");
    }
    assert_eq!(r["checks"]["replication"], "disabled");
    let token = app.owner_token("acme");
    app.get(&token, "/api/v1/auth/me");
    let m = app.get("", "/metrics").text().expect("metrics");
    for name in [
        "http_requests_total{method=\"GET\",route=\"/api/v1/auth/me\",status=\"200\"}",
        "http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/auth/me\"",
        "bisman_tenant_pools_open",
        "bisman_cache_hits_total",
        "bisman_cache_misses_total",
        "bisman_rate_limited_total",
    ] {
        assert!(m.contains(name), "{name} missing from metrics");
    }
}

#[test]
fn every_response_carries_security_headers_and_request_ids() {
    let app = TestApp::start();
    let res = app
        .client
        .get(app.url("/api/v1/nope"))
        .header("X-Request-Id", "abc-123")
        .send()
        .expect("get");
    let h = res.headers().clone();
    assert_eq!(h["x-request-id"], "abc-123");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert_eq!(
        h["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
    assert_eq!(h["cache-control"], "no-store");
    assert!(h["content-security-policy"]
        .to_str()
        .expect("csp")
        .contains("default-src 'none'"));
    let body = expect_problem(res, 404, "not_found");
    assert_eq!(body["request_id"], "abc-123");
    // An insane id is replaced, never echoed.
    let res = app
        .client
        .get(app.url("/health"))
        .header("X-Request-Id", "a b<script>")
        .send()
        .expect("get");
    let rid = res.headers()["x-request-id"]
        .to_str()
        .expect("rid")
        .to_string();
    assert!(!rid.contains('<') && !rid.is_empty());
}

#[test]
fn large_responses_are_compressed_when_accepted() {
    let app = TestApp::start();
    for (enc, expected) in [("gzip", "gzip"), ("br, gzip", "br")] {
        let raw = reqwest::blocking::Client::builder()
            .no_gzip()
            .no_brotli()
            .build()
            .expect("client");
        let res = raw
            .get(app.url("/api-docs/openapi.json"))
            .header("Accept-Encoding", enc)
            .send()
            .expect("get");
        assert_eq!(res.headers()["content-encoding"], expected);
    }
    // The decoding client sees the same document.
    let doc = json_of(app.get("", "/api-docs/openapi.json"), 200);
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    assert!(doc["paths"]["/api/v1/auth/login"]["post"].is_object());
    assert!(
        doc["paths"]["/api/v1/system/tenants"]["post"]["responses"]["422"].is_object(),
        "problem responses documented"
    );
    let raw = reqwest::blocking::Client::builder()
        .no_gzip()
        .no_brotli()
        .build()
        .expect("client");
    let small = raw
        .get(app.url("/health"))
        .header("Accept-Encoding", "gzip")
        .send()
        .expect("get");
    assert!(
        small.headers().get("content-encoding").is_none(),
        "small bodies are not compressed"
    );
}

#[test]
fn cors_only_for_listed_origins() {
    let app = TestApp::start_with(|s| s.cors_origins = vec!["https://erp.example.in".into()]);
    let ok = app
        .client
        .get(app.url("/health"))
        .header("Origin", "https://erp.example.in")
        .send()
        .expect("get");
    assert_eq!(
        ok.headers()["access-control-allow-origin"],
        "https://erp.example.in"
    );
    let evil = app
        .client
        .get(app.url("/health"))
        .header("Origin", "https://evil.example")
        .send()
        .expect("get");
    assert!(evil.headers().get("access-control-allow-origin").is_none());
    let pre = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/auth/login"))
        .header("Origin", "https://erp.example.in")
        .header("Access-Control-Request-Method", "POST")
        .send()
        .expect("preflight");
    assert_eq!(pre.status(), 204);
    assert!(pre.headers()["access-control-allow-methods"]
        .to_str()
        .expect("m")
        .contains("POST"));
}

#[test]
fn bad_bodies_get_the_right_problem() {
    let app = TestApp::start();
    let url = app.url("/api/v1/auth/login");
    let c = &app.client;
    expect_problem(
        c.post(&url)
            .header("Content-Type", "application/json")
            .body("{\"tenant\":")
            .send()
            .expect("p"),
        400,
        "bad_request",
    );
    expect_problem(
        c.post(&url)
            .header("Content-Type", "text/plain")
            .body("hello")
            .send()
            .expect("p"),
        415,
        "unsupported_media_type",
    );
    expect_problem(
        c.post(&url).send().expect("p"),
        415,
        "unsupported_media_type",
    );
    let big = format!("{{\"tenant\":\"{}\"}}", "a".repeat(1024 * 1024 + 10));
    expect_problem(
        c.post(&url)
            .header("Content-Type", "application/json")
            .body(big)
            .send()
            .expect("p"),
        413,
        "payload_too_large",
    );
    let body = expect_problem(
        app.post(
            "",
            "/api/v1/auth/login",
            &json!({"tenant": "acme", "email": "a@b.in", "password": "x", "role": "owner"}),
        ),
        422,
        "validation_failed",
    );
    assert_eq!(body["errors"][0]["field"], "role");
    assert_eq!(body["errors"][0]["code"], "unknown_field");
    let body = expect_problem(
        app.post(
            "",
            "/api/v1/auth/login",
            &json!({"tenant": "acme", "email": 5, "password": "x"}),
        ),
        422,
        "validation_failed",
    );
    assert_eq!(body["errors"][0]["field"], "email");
    let body = expect_problem(
        app.post("", "/api/v1/auth/login", &json!({"tenant": "acme"})),
        422,
        "validation_failed",
    );
    assert_eq!(body["errors"][0]["code"], "required");
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    expect_problem(
        c.post(&url)
            .header("Content-Type", "application/json")
            .body(deep)
            .send()
            .expect("p"),
        400,
        "bad_request",
    );
    // Unknown route and unknown method.
    expect_problem(app.get("", "/api/v1/does-not-exist"), 404, "not_found");
    expect_problem(
        app.req(reqwest::Method::PUT, "", "/api/v1/auth/login")
            .send()
            .expect("put"),
        405,
        "method_not_allowed",
    );
}

fn sysadmin_token(app: &TestApp) -> String {
    bisman::modules::system::service::create_sysadmin(
        &app.control,
        "root@ops.example.in",
        "Sys-Admin#2026x",
    )
    .expect("sysadmin");
    let body = json_of(
        app.post(
            "",
            "/api/v1/system/login",
            &json!({"email": "root@ops.example.in", "password": "Sys-Admin#2026x"}),
        ),
        200,
    );
    assert_eq!(body["scope"], "system");
    body["access_token"].as_str().expect("token").to_string()
}

#[test]
fn system_admin_manages_tenants_and_bad_slugs_touch_nothing() {
    // The data dir sits inside a root of its own, so "nothing outside the data dir" is checkable.
    let root = tempfile::tempdir().expect("root");
    let mut settings = bisman::config::Settings::for_data_dir(&root.path().join("data"));
    settings.bind = format!("127.0.0.1:{}", free_port()).parse().expect("addr");
    let app = TestApp::start_in(root, settings);
    let data = app.dir.path().join("data");
    let sys = sysadmin_token(&app);
    let created = json_of(
        app.post(&sys, "/api/v1/system/tenants", &json!({"slug": "shree-traders", "name": "Shree Traders", "owner_email": "owner@shree.in", "owner_password": "Kesar-Mango#2026"})),
        201,
    );
    assert_eq!(created["slug"], "shree-traders");
    assert_eq!(created["status"], "active");
    assert!(data.join("tenants/shree-traders/tenant.db").exists());
    let dup = app.post(&sys, "/api/v1/system/tenants", &json!({"slug": "shree-traders", "name": "X", "owner_email": "o@x.in", "owner_password": "Kesar-Mango#2026"}));
    expect_problem(dup, 409, "conflict");
    let before: Vec<_> = walk(app.dir.path());
    for bad in [
        "../x",
        "A",
        "a/b",
        &"a".repeat(64),
        "",
        "-ab",
        "a",
        "ab_c",
        "..",
        "%2e%2e",
    ] {
        let res = app.post(&sys, "/api/v1/system/tenants", &json!({"slug": bad, "name": "X", "owner_email": "o@x.in", "owner_password": "Kesar-Mango#2026"}));
        let body = expect_problem(res, 422, "validation_failed");
        assert_eq!(body["errors"][0]["field"], "slug", "{bad}");
    }
    assert_eq!(
        before,
        walk(app.dir.path()),
        "no file created or removed by bad slugs"
    );
    // Generated owner password is returned once.
    let gen = json_of(
        app.post(
            &sys,
            "/api/v1/system/tenants",
            &json!({"slug": "gen-co", "name": "Gen", "owner_email": "owner@gen.in"}),
        ),
        201,
    );
    let pw = gen["generated_owner_password"]
        .as_str()
        .expect("generated")
        .to_string();
    app.login("gen-co", "owner@gen.in", &pw);

    let list = json_of(app.get(&sys, "/api/v1/system/tenants"), 200);
    assert_eq!(list["items"].as_array().map(|a| a.len()), Some(2));

    // Suspend: the tenant's users get 403 tenant_suspended; resume restores access.
    let owner = token_of(&app.login("shree-traders", "owner@shree.in", "Kesar-Mango#2026"));
    json_of(app.get(&owner, "/api/v1/auth/me"), 200);
    json_of(
        app.post(
            &sys,
            "/api/v1/system/tenants/shree-traders/suspend",
            &json!({}),
        ),
        200,
    );
    expect_problem(app.get(&owner, "/api/v1/users"), 403, "tenant_suspended");
    expect_problem(
        app.login_raw("shree-traders", "owner@shree.in", "Kesar-Mango#2026"),
        403,
        "tenant_suspended",
    );
    json_of(
        app.post(
            &sys,
            "/api/v1/system/tenants/shree-traders/resume",
            &json!({}),
        ),
        200,
    );
    json_of(app.get(&owner, "/api/v1/users"), 200);
    expect_problem(
        app.post(
            &sys,
            "/api/v1/system/tenants/nobody-here/suspend",
            &json!({}),
        ),
        404,
        "not_found",
    );
    expect_problem(
        app.post(&sys, "/api/v1/system/tenants/..%2Fetc/suspend", &json!({})),
        422,
        "validation_failed",
    );

    // Scope separation both ways.
    expect_problem(app.get(&sys, "/api/v1/users"), 403, "forbidden");
    expect_problem(app.get(&owner, "/api/v1/system/tenants"), 403, "forbidden");
    expect_problem(app.get("", "/api/v1/system/tenants"), 401, "unauthorized");
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            out.push(p.display().to_string());
            // Never follow symlinks out of the tree.
            if std::fs::symlink_metadata(&p).is_ok_and(|m| m.is_dir()) {
                out.extend(walk(&p));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_corrupt_tenant_file_fails_alone() {
    let mut app = TestApp::start();
    let good = app.owner_token("good-co");
    let email = app.create_tenant("bad-co");
    let bad = token_of(&app.login("bad-co", &email, OWNER_PASSWORD));
    app.stop();
    // Replace bad-co's file with garbage while the appliance is down.
    let path = app.dir.path().join("tenants/bad-co/tenant.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    std::fs::write(&path, vec![0x5au8; 64 * 1024]).expect("corrupt");
    let settings = {
        let mut s = bisman::config::Settings::for_data_dir(app.dir.path());
        s.bind = format!("127.0.0.1:{}", free_port()).parse().expect("addr");
        s
    };
    let dir = tempfile::tempdir().expect("placeholder");
    let app2 = TestApp::start_in(dir, settings);
    let body = expect_problem(
        app2.get(&bad, "/api/v1/auth/me"),
        503,
        "service_unavailable",
    );
    assert!(
        !body["detail"].as_str().unwrap_or("").contains("tenant.db"),
        "no paths leak"
    );
    json_of(app2.get(&good, "/api/v1/auth/me"), 200);
    let _ = Value::Null;
}
