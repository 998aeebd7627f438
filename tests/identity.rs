//! Identity and access over real HTTP: sessions, the token attack matrix, password
//! policy and expiry, roles and permissions, rate limits, tenant isolation.

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::*;
use serde_json::{json, Value};

#[test]
fn login_shape_and_uniform_failures() {
    let app = TestApp::start();
    let email = app.create_tenant("acme");
    let body = app.login("acme", &email, OWNER_PASSWORD);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["refresh_expires_in"], 604800);
    assert_eq!(body["password_expired"], false);
    assert_eq!(body["user"]["email"], email);
    assert_eq!(body["user"]["roles"], json!(["owner"]));
    assert!(body["user"]["permissions"]
        .as_array()
        .is_some_and(|p| p.len() > 15));
    let c = claims_of(body["access_token"].as_str().expect("token"));
    for k in ["sub", "tid", "jti", "iat", "exp"] {
        assert!(!c[k].is_null(), "claim {k}");
    }
    // Wrong password, unknown email, unknown tenant: the same 401.
    let a = expect_problem(
        app.login_raw("acme", &email, "Wrong-Pass#2026"),
        401,
        "unauthorized",
    );
    let b = expect_problem(
        app.login_raw("acme", "nobody@acme.in", OWNER_PASSWORD),
        401,
        "unauthorized",
    );
    let d = expect_problem(
        app.login_raw("no-such-tenant", &email, OWNER_PASSWORD),
        401,
        "unauthorized",
    );
    assert_eq!(
        (a["detail"].clone(), a["title"].clone()),
        (b["detail"].clone(), b["title"].clone())
    );
    assert_eq!(a["detail"], d["detail"]);
    // Failed and successful logins are audited in the tenant.
    let token = token_of(&body);
    let me = json_of(app.get(&token, "/api/v1/auth/me"), 200);
    assert_eq!(me["email"], email);
}

#[test]
fn token_attack_matrix() {
    let app = TestApp::start();
    let token = app.owner_token("acme");
    let other_owner = app.owner_token("other");
    let secret = jwt_secret(&app);
    let good = claims_of(&token);
    let now = good["iat"].as_i64().expect("iat");
    let mut cases: Vec<(&str, String)> = Vec::new();
    cases.push(("alg none", forge(&good, &secret, "none")));
    cases.push((
        "other secret",
        forge(&good, b"not-the-secret-not-the-secret-xx", "HS256"),
    ));
    cases.push(("HS512 header", forge(&good, &secret, "HS512")));
    let mut expired = good.clone();
    expired["iat"] = json!(now - 7200);
    expired["exp"] = json!(now - 3600);
    cases.push(("expired", forge(&expired, &secret, "HS256")));
    let mut future = good.clone();
    future["iat"] = json!(now + 3600);
    future["exp"] = json!(now + 7200);
    cases.push(("not yet valid", forge(&future, &secret, "HS256")));
    let parts: Vec<&str> = token.split('.').collect();
    let mut tampered = good.clone();
    tampered["sub"] = json!("00000000-0000-7000-8000-000000000000");
    cases.push((
        "tampered payload",
        format!(
            "{}.{}.{}",
            parts[0],
            URL_SAFE_NO_PAD.encode(tampered.to_string()),
            parts[2]
        ),
    ));
    let mut cross = good.clone();
    cross["tid"] = json!("other");
    cases.push(("another tenant's tid", forge(&cross, b"wrong", "HS256")));
    cases.push(("garbage", "not.a.jwt".into()));
    cases.push(("empty", String::new()));
    for (name, t) in &cases {
        let res = app
            .client
            .get(app.url("/api/v1/auth/me"))
            .header("Authorization", format!("Bearer {t}"))
            .send()
            .expect("get");
        assert_eq!(res.status(), 401, "{name} must be rejected");
    }
    // A correctly signed token naming another tenant's tid with this tenant's user id fails too.
    let mut swapped = good.clone();
    swapped["tid"] = json!("other");
    let forged = forge(&swapped, &secret, "HS256");
    assert_eq!(
        app.get(&forged, "/api/v1/auth/me").status(),
        401,
        "user does not exist in the other tenant"
    );
    json_of(app.get(&other_owner, "/api/v1/auth/me"), 200);
    json_of(app.get(&token, "/api/v1/auth/me"), 200);
}

#[test]
fn refresh_rotates_and_reuse_revokes_the_family() {
    let app = TestApp::start();
    let email = app.create_tenant("acme");
    let first = app.login("acme", &email, OWNER_PASSWORD);
    let r1 = first["refresh_token"].as_str().expect("rt").to_string();
    let second = json_of(
        app.post("", "/api/v1/auth/refresh", &json!({"refresh_token": r1})),
        200,
    );
    let r2 = second["refresh_token"].as_str().expect("rt").to_string();
    let a2 = token_of(&second);
    assert_ne!(r1, r2);
    json_of(app.get(&a2, "/api/v1/auth/me"), 200);
    // Replaying the spent token: 401, and the whole family dies (r2 and its access token too).
    expect_problem(
        app.post("", "/api/v1/auth/refresh", &json!({"refresh_token": r1})),
        401,
        "unauthorized",
    );
    expect_problem(
        app.post("", "/api/v1/auth/refresh", &json!({"refresh_token": r2})),
        401,
        "unauthorized",
    );
    expect_problem(app.get(&a2, "/api/v1/auth/me"), 401, "unauthorized");
    // Another login (another family) is unaffected.
    let other = app.login("acme", &email, OWNER_PASSWORD);
    json_of(app.get(&token_of(&other), "/api/v1/auth/me"), 200);
    expect_problem(
        app.post(
            "",
            "/api/v1/auth/refresh",
            &json!({"refresh_token": "rt_nonsense"}),
        ),
        401,
        "unauthorized",
    );
}

/// Issue #13 (3): a refresh refused by the `/auth/*` limit must change nothing. It used
/// to spend the token first, so the client's retry after the 429 presented a spent token
/// and revoked the whole family: a rate limit logged the user out.
#[test]
fn a_rate_limited_refresh_leaves_the_session_alive() {
    let app = TestApp::start_with(|s| {
        s.rate_auth = bisman::config::RateSpec::parse("1/3s").expect("spec")
    });
    let email = app.create_tenant("acme");
    let first = app.login("acme", &email, OWNER_PASSWORD);
    let r1 = first["refresh_token"].as_str().expect("rt").to_string();
    let second = json_of(
        app.post("", "/api/v1/auth/refresh", &json!({"refresh_token": r1})),
        200,
    );
    let r2 = second["refresh_token"].as_str().expect("rt").to_string();
    let a2 = token_of(&second);
    // The burst of one is spent: refused, and the token is not.
    let refused = app.post("", "/api/v1/auth/refresh", &json!({"refresh_token": r2}));
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().get("retry-after").is_some());
    json_of(app.get(&a2, "/api/v1/auth/me"), 200);
    // After the refill the retry with the same token works and the login lives on.
    std::thread::sleep(std::time::Duration::from_millis(3200));
    let third = json_of(
        app.post("", "/api/v1/auth/refresh", &json!({"refresh_token": r2})),
        200,
    );
    json_of(app.get(&token_of(&third), "/api/v1/auth/me"), 200);
}

#[test]
fn logout_survives_a_restart() {
    let mut app = TestApp::start();
    let email = app.create_tenant("acme");
    let login = app.login("acme", &email, OWNER_PASSWORD);
    let (access, refresh) = (
        token_of(&login),
        login["refresh_token"].as_str().expect("rt").to_string(),
    );
    let keep = token_of(&app.login("acme", &email, OWNER_PASSWORD));
    assert_eq!(
        app.post(&access, "/api/v1/auth/logout", &json!({}))
            .status(),
        204
    );
    expect_problem(app.get(&access, "/api/v1/auth/me"), 401, "unauthorized");
    expect_problem(
        app.post(
            "",
            "/api/v1/auth/refresh",
            &json!({"refresh_token": refresh}),
        ),
        401,
        "unauthorized",
    );
    app.stop();
    let mut s = bisman::config::Settings::for_data_dir(app.dir.path());
    s.bind = format!("127.0.0.1:{}", free_port()).parse().expect("addr");
    let app2 = TestApp::start_in(tempfile::tempdir().expect("tmp"), s);
    expect_problem(app2.get(&access, "/api/v1/auth/me"), 401, "unauthorized");
    expect_problem(
        app2.post(
            "",
            "/api/v1/auth/refresh",
            &json!({"refresh_token": refresh}),
        ),
        401,
        "unauthorized",
    );
    json_of(app2.get(&keep, "/api/v1/auth/me"), 200);
}

#[test]
fn password_policy_history_and_token_invalidation() {
    // This test signs in many times on purpose; the limits have their own tests.
    let app = TestApp::start_with(|s| {
        s.rate_login = bisman::config::RateSpec {
            count: 100,
            period: std::time::Duration::from_secs(60),
        };
        s.rate_auth = bisman::config::RateSpec {
            count: 100,
            period: std::time::Duration::from_secs(60),
        };
    });
    let email = app.create_tenant("acme");
    let login = app.login("acme", &email, OWNER_PASSWORD);
    let token = token_of(&login);
    let other_session = token_of(&app.login("acme", &email, OWNER_PASSWORD));
    let refresh = login["refresh_token"].as_str().expect("rt").to_string();
    let change = |tok: &str, cur: &str, new: &str| {
        app.post(
            tok,
            "/api/v1/auth/password",
            &json!({"current_password": cur, "new_password": new}),
        )
    };
    let cases = [
        ("Ab1!x", "password_too_short"),
        ("abcdefgh1!", "password_missing_upper"),
        ("ABCDEFGH1!", "password_missing_lower"),
        ("Abcdefgh!!", "password_missing_digit"),
        ("Abcdefgh12", "password_missing_special"),
        ("Xowner-acme#9", "password_contains_email"),
        ("P@ssw0rd", "password_common"),
        (&*format!("Aa1!{}", "x".repeat(125)), "password_too_long"),
        (OWNER_PASSWORD, "password_reused"),
    ];
    for (pw, code) in cases {
        let body = expect_problem(change(&token, OWNER_PASSWORD, pw), 422, "validation_failed");
        assert_eq!(body["errors"][0]["code"], code, "{pw}");
        assert_eq!(body["errors"][0]["field"], "new_password");
    }
    expect_problem(
        change(&token, "Wrong-Pass#2026", "Fresh-Lotus#2026"),
        422,
        "validation_failed",
    );
    // A good change: every earlier token of the user stops working.
    assert_eq!(
        change(&token, OWNER_PASSWORD, "Fresh-Lotus#2026").status(),
        204
    );
    for t in [&token, &other_session] {
        expect_problem(app.get(t, "/api/v1/auth/me"), 401, "unauthorized");
    }
    expect_problem(
        app.post(
            "",
            "/api/v1/auth/refresh",
            &json!({"refresh_token": refresh}),
        ),
        401,
        "unauthorized",
    );
    // History: the last 5 (current included) are refused, the 6th most recent is allowed.
    let mut current = "Fresh-Lotus#2026".to_string();
    let seq = [
        "Second-Lotus#2026",
        "Third-Lotus#2026",
        "Fourth-Lotus#2026",
        "Fifth-Lotus#2026",
    ];
    for next in seq {
        let t = token_of(&app.login("acme", &email, &current));
        assert_eq!(change(&t, &current, next).status(), 204, "{next}");
        current = next.to_string();
    }
    // History now: OWNER, Fresh, Second, Third, Fourth, Fifth(current). Last 5 = Fresh..Fifth.
    let t = token_of(&app.login("acme", &email, &current));
    for reused in ["Fresh-Lotus#2026", "Third-Lotus#2026", "Fifth-Lotus#2026"] {
        let body = expect_problem(change(&t, &current, reused), 422, "validation_failed");
        assert_eq!(body["errors"][0]["code"], "password_reused");
    }
    assert_eq!(
        change(&t, &current, OWNER_PASSWORD).status(),
        204,
        "the 6th most recent is allowed again"
    );
    app.login("acme", &email, OWNER_PASSWORD);
}

#[test]
fn expired_passwords_only_allow_changing_them() {
    let app = TestApp::start();
    let email = app.create_tenant("acme");
    let handle = app.tenants.open_blocking("acme").expect("open");
    handle
        .db
        .write_blocking(|tx| {
            Ok(tx.execute(
                "UPDATE users SET password_changed_at = '2020-01-01T00:00:00Z'",
                [],
            )?)
        })
        .expect("age the password");
    let login = app.login("acme", &email, OWNER_PASSWORD);
    assert_eq!(login["password_expired"], true);
    let token = token_of(&login);
    let me = json_of(app.get(&token, "/api/v1/auth/me"), 200);
    assert_eq!(me["password_expired"], true);
    expect_problem(app.get(&token, "/api/v1/users"), 403, "password_expired");
    expect_problem(
        app.get(&token, "/api/v1/permissions"),
        403,
        "password_expired",
    );
    let res = app.post(
        &token,
        "/api/v1/auth/password",
        &json!({"current_password": OWNER_PASSWORD, "new_password": "Renewed-Lotus#2026"}),
    );
    assert_eq!(res.status(), 204);
    let fresh = app.login("acme", &email, "Renewed-Lotus#2026");
    assert_eq!(fresh["password_expired"], false);
    json_of(app.get(&token_of(&fresh), "/api/v1/users"), 200);
}

#[test]
fn deactivated_users_are_locked_out() {
    let app = TestApp::start();
    let owner = app.owner_token("acme");
    let staff = app.user_token("acme", &owner, "ravi@acme.in", &["staff"]);
    let users = json_of(app.get(&owner, "/api/v1/users"), 200);
    let ravi = users["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|u| u["email"] == "ravi@acme.in")
        .expect("ravi")["id"]
        .as_str()
        .expect("id")
        .to_string();
    json_of(
        app.post(
            &owner,
            &format!("/api/v1/users/{ravi}/deactivate"),
            &json!({}),
        ),
        200,
    );
    expect_problem(app.get(&staff, "/api/v1/auth/me"), 401, "unauthorized");
    expect_problem(
        app.login_raw("acme", "ravi@acme.in", "Us3r-Secret#word"),
        401,
        "unauthorized",
    );
    // The last owner cannot be deactivated.
    let me = json_of(app.get(&owner, "/api/v1/auth/me"), 200);
    let id = me["id"].as_str().expect("id");
    expect_problem(
        app.post(
            &owner,
            &format!("/api/v1/users/{id}/deactivate"),
            &json!({}),
        ),
        409,
        "conflict",
    );
}

#[test]
fn roles_and_permission_changes_apply_to_the_next_request() {
    let app = TestApp::start();
    let owner = app.owner_token("acme");
    let staff = app.user_token("acme", &owner, "ravi@acme.in", &["staff"]);
    expect_problem(app.get(&staff, "/api/v1/users"), 403, "forbidden");
    let role = json_of(
        app.post(
            &owner,
            "/api/v1/roles",
            &json!({"name": "people-viewer", "permissions": ["iam.users:read"]}),
        ),
        201,
    );
    let users = json_of(app.get(&owner, "/api/v1/users"), 200);
    let ravi = users["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|u| u["email"] == "ravi@acme.in")
        .expect("ravi")
        .clone();
    let id = ravi["id"].as_str().expect("id");
    let v = ravi["version"].as_i64().expect("version");
    // Stale If-Match → 412; current → 200.
    expect_problem(
        app.req(
            reqwest::Method::PATCH,
            &owner,
            &format!("/api/v1/users/{id}"),
        )
        .header("If-Match", format!("\"{}\"", v + 5))
        .json(&json!({"roles": ["staff", "people-viewer"]}))
        .send()
        .expect("patch"),
        412,
        "precondition_failed",
    );
    let patched: Value = app
        .req(
            reqwest::Method::PATCH,
            &owner,
            &format!("/api/v1/users/{id}"),
        )
        .header("If-Match", format!("\"{v}\""))
        .json(&json!({"roles": ["staff", "people-viewer"]}))
        .send()
        .expect("patch")
        .json()
        .expect("json");
    assert_eq!(patched["version"], v + 1);
    json_of(app.get(&staff, "/api/v1/users"), 200);
    // Removing the permission from the role takes effect immediately too.
    let rid = role["id"].as_str().expect("id");
    json_of(
        app.patch(
            &owner,
            &format!("/api/v1/roles/{rid}"),
            &json!({"permissions": []}),
        ),
        200,
    );
    expect_problem(app.get(&staff, "/api/v1/users"), 403, "forbidden");
    // Built-in roles are immutable; unknown permissions are refused; roles in use cannot be deleted.
    let roles = json_of(app.get(&owner, "/api/v1/roles"), 200);
    let builtin = roles["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|r| r["name"] == "owner")
        .expect("owner")["id"]
        .as_str()
        .expect("id")
        .to_string();
    expect_problem(
        app.patch(
            &owner,
            &format!("/api/v1/roles/{builtin}"),
            &json!({"permissions": []}),
        ),
        409,
        "conflict",
    );
    expect_problem(
        app.delete(&owner, &format!("/api/v1/roles/{builtin}")),
        409,
        "conflict",
    );
    let body = expect_problem(
        app.post(
            &owner,
            "/api/v1/roles",
            &json!({"name": "bad", "permissions": ["hr.employees:reveal", "root:all"]}),
        ),
        422,
        "validation_failed",
    );
    assert_eq!(body["errors"][0]["field"], "permissions[1]");
    expect_problem(
        app.delete(&owner, &format!("/api/v1/roles/{rid}")),
        409,
        "conflict",
    );
    json_of(
        app.patch(
            &owner,
            &format!("/api/v1/users/{id}"),
            &json!({"roles": ["staff"]}),
        ),
        200,
    );
    assert_eq!(
        app.delete(&owner, &format!("/api/v1/roles/{rid}")).status(),
        204
    );
    expect_problem(
        app.get(&owner, &format!("/api/v1/roles/{rid}")),
        404,
        "not_found",
    );
    let perms = json_of(app.get(&staff, "/api/v1/permissions"), 200);
    assert!(perms["items"]
        .as_array()
        .is_some_and(|p| p.iter().any(|x| x["name"] == "hr.employees:reveal")));
}

/// Every built-in role against every identity route: allowed or denied, both ways.
#[test]
fn permission_matrix_for_access_routes() {
    let app = TestApp::start();
    let owner = app.owner_token("acme");
    let roles = [
        "owner",
        "admin",
        "hr_manager",
        "accountant",
        "staff",
        "auditor",
    ];
    let mut tokens = Vec::new();
    for (i, r) in roles.iter().enumerate() {
        let t = if *r == "owner" {
            owner.clone()
        } else {
            app.user_token("acme", &owner, &format!("user{i}@acme.in"), &[r])
        };
        tokens.push((*r, t));
    }
    let users = json_of(app.get(&owner, "/api/v1/users"), 200);
    let some_user = users["items"][1]["id"].as_str().expect("id").to_string();
    let role_list = json_of(app.get(&owner, "/api/v1/roles"), 200);
    let some_role = role_list["items"][0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    for (role, token) in &tokens {
        let perms: Vec<String> = bisman::auth::permissions::builtin_permissions(role)
            .expect("builtin")
            .into_iter()
            .map(str::to_string)
            .collect();
        let has = |p: &str| perms.iter().any(|x| x == p);
        let checks: Vec<(&str, reqwest::blocking::Response)> = vec![
            ("iam.users:read", app.get(token, "/api/v1/users")),
            (
                "iam.users:read",
                app.get(token, &format!("/api/v1/users/{some_user}")),
            ),
            ("iam.roles:read", app.get(token, "/api/v1/roles")),
            (
                "iam.roles:read",
                app.get(token, &format!("/api/v1/roles/{some_role}")),
            ),
            (
                "iam.roles:write",
                app.post(
                    token,
                    "/api/v1/roles",
                    &json!({"name": format!("r-{role}"), "permissions": []}),
                ),
            ),
            (
                "iam.users:write",
                app.patch(
                    token,
                    &format!("/api/v1/users/{some_user}"),
                    &json!({"name": "Renamed"}),
                ),
            ),
        ];
        for (perm, res) in checks {
            let status = res.status().as_u16();
            if has(perm) {
                assert!(
                    (200..300).contains(&status),
                    "{role} should be allowed {perm}, got {status}"
                );
            } else {
                assert_eq!(status, 403, "{role} must be denied {perm}");
            }
        }
    }
}

#[test]
fn tenant_isolation_for_access_routes() {
    let app = TestApp::start();
    let a = app.owner_token("tenant-a");
    let b = app.owner_token("tenant-b");
    let b_users = json_of(app.get(&b, "/api/v1/users"), 200);
    let b_user = b_users["items"][0]["id"].as_str().expect("id").to_string();
    let b_roles = json_of(app.get(&b, "/api/v1/roles"), 200);
    let b_role = b_roles["items"][0]["id"].as_str().expect("id").to_string();
    expect_problem(
        app.get(&a, &format!("/api/v1/users/{b_user}")),
        404,
        "not_found",
    );
    expect_problem(
        app.patch(
            &a,
            &format!("/api/v1/users/{b_user}"),
            &json!({"name": "x"}),
        ),
        404,
        "not_found",
    );
    expect_problem(
        app.post(
            &a,
            &format!("/api/v1/users/{b_user}/deactivate"),
            &json!({}),
        ),
        404,
        "not_found",
    );
    expect_problem(
        app.get(&a, &format!("/api/v1/roles/{b_role}")),
        404,
        "not_found",
    );
    expect_problem(
        app.delete(&a, &format!("/api/v1/roles/{b_role}")),
        404,
        "not_found",
    );
    expect_problem(app.get(&a, "/api/v1/users/not-a-uuid"), 404, "not_found");
    let a_users = json_of(app.get(&a, "/api/v1/users"), 200);
    assert!(
        !a_users.to_string().contains("tenant-b"),
        "nothing of B is visible to A"
    );
}

#[test]
fn login_rate_limit_per_ip_tenant_email_ignores_spoofed_forwarding() {
    let app = TestApp::start();
    let email = app.create_tenant("acme");
    let other = "second@acme.in";
    let owner = token_of(&app.login("acme", &email, OWNER_PASSWORD));
    app.post(&owner, "/api/v1/users", &json!({"email": other, "name": "Second", "password": "Us3r-Secret#word", "roles": ["staff"]}));
    // 4 more attempts (the first login counted) with a different X-Forwarded-For each: still the same key.
    for i in 0..4 {
        let res = app
            .client
            .post(app.url("/api/v1/auth/login"))
            .header("X-Forwarded-For", format!("10.9.{i}.1"))
            .json(&json!({"tenant": "acme", "email": email, "password": "Wrong-Pass#2026"}))
            .send()
            .expect("login");
        assert_eq!(res.status(), 401, "attempt {i}");
    }
    let res = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("X-Forwarded-For", "203.0.113.77")
        .json(&json!({"tenant": "acme", "email": email, "password": OWNER_PASSWORD}))
        .send()
        .expect("login");
    let retry = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    expect_problem(res, 429, "rate_limited");
    assert!(retry.is_some_and(|r| r >= 1), "Retry-After present");
    // Another email from the same IP still logs in.
    app.login("acme", other, "Us3r-Secret#word");
    let m = app.get("", "/metrics").text().expect("metrics");
    assert!(m
        .lines()
        .any(|l| l.starts_with("bisman_rate_limited_total ") && !l.ends_with(" 0")));
}

#[test]
fn login_limits_reset_after_the_window() {
    let app = TestApp::start_with(|s| {
        s.rate_login = bisman::config::RateSpec {
            count: 2,
            period: std::time::Duration::from_secs(2),
        }
    });
    let email = app.create_tenant("acme");
    for _ in 0..2 {
        assert_eq!(
            app.login_raw("acme", &email, "Wrong-Pass#2026").status(),
            401
        );
    }
    expect_problem(
        app.login_raw("acme", &email, OWNER_PASSWORD),
        429,
        "rate_limited",
    );
    std::thread::sleep(std::time::Duration::from_millis(2100));
    app.login("acme", &email, OWNER_PASSWORD);
}

#[test]
fn api_rate_limit_per_user() {
    let app = TestApp::start_with(|s| {
        s.rate_api_user = bisman::config::RateSpec {
            count: 3,
            period: std::time::Duration::from_secs(600),
        }
    });
    let token = app.owner_token("acme");
    for _ in 0..3 {
        json_of(app.get(&token, "/api/v1/permissions"), 200);
    }
    expect_problem(app.get(&token, "/api/v1/permissions"), 429, "rate_limited");
}
