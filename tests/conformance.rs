//! Regressions for what the conformance fuzzer (scripts/fuzz-api.sh) found: wrong status
//! for unsupported methods, silently dropped repeated query parameters, and an OpenAPI
//! document that did not state the rules the handlers enforce.

mod common;

use common::*;
use reqwest::Method;
use serde_json::Value;

fn allow_of(res: &reqwest::blocking::Response) -> Vec<String> {
    res.headers()
        .get("allow")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(',')
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty())
        .collect()
}

#[test]
fn unsupported_methods_on_known_paths_are_405_with_allow() {
    let app = TestApp::start();
    let token = app.owner_token("acme");
    let res = app.req(Method::TRACE, "", "/health").send().expect("trace");
    let allow = allow_of(&res);
    expect_problem(res, 405, "method_not_allowed");
    assert!(allow.contains(&"GET".to_string()), "{allow:?}");

    let res = app
        .req(Method::DELETE, &token, "/api/v1/roles")
        .send()
        .expect("delete");
    let allow = allow_of(&res);
    expect_problem(res, 405, "method_not_allowed");
    for m in ["GET", "POST", "HEAD", "OPTIONS"] {
        assert!(allow.contains(&m.to_string()), "{m} in {allow:?}");
    }

    // A method Rocket does not know at all (QUERY) is refused the same way.
    let query = Method::from_bytes(b"QUERY").expect("method");
    let res = app
        .req(
            query,
            &token,
            "/api/v1/roles/0190f3c2-7b1e-7cc0-9a4e-1f2d3c4b5a69",
        )
        .send()
        .expect("query");
    let allow = allow_of(&res);
    expect_problem(res, 405, "method_not_allowed");
    assert!(allow.contains(&"PATCH".to_string()), "{allow:?}");

    // Unknown paths stay 404; known methods keep working.
    let res = app
        .req(Method::TRACE, "", "/nowhere")
        .send()
        .expect("trace");
    expect_problem(res, 404, "not_found");
    assert_eq!(app.get(&token, "/api/v1/roles").status(), 200);
}

#[test]
fn repeated_query_parameters_are_refused_not_dropped() {
    let app = TestApp::start();
    let token = app.owner_token("acme");
    // Before the fix the repeat made Rocket drop the value, and a bad cursor listed page 1.
    for q in [
        "cursor=bad&cursor=bad",
        "limit=null&limit=null",
        "limit=5&limit=6",
    ] {
        let res = app.get(&token, &format!("/api/v1/roles?{q}"));
        let body = expect_problem(res, 422, "validation_failed");
        assert_eq!(body["errors"][0]["code"], "repeated", "{q}: {body}");
    }
    let body = expect_problem(
        app.get(&token, "/api/v1/users?limit=2&cursor=x&limit=3"),
        422,
        "validation_failed",
    );
    assert_eq!(body["errors"][0]["field"], "limit");
    // One of each is fine, and a single bad value is still named.
    assert_eq!(app.get(&token, "/api/v1/roles?limit=5").status(), 200);
    expect_problem(
        app.get(&token, "/api/v1/roles?cursor=bad"),
        422,
        "validation_failed",
    );
}

#[test]
fn openapi_document_states_the_validation_rules() {
    let app = TestApp::start();
    let doc: Value = app
        .client
        .get(app.url("/api-docs/openapi.json"))
        .send()
        .expect("doc")
        .json()
        .expect("json");
    let params = doc["paths"]["/api/v1/roles"]["get"]["parameters"]
        .as_array()
        .expect("params")
        .clone();
    let limit = params
        .iter()
        .find(|p| p["name"] == "limit")
        .expect("limit param");
    assert_eq!(limit["schema"]["anyOf"][0]["minimum"], 1);
    assert_eq!(limit["schema"]["anyOf"][0]["maximum"], 200);
    let schemas = &doc["components"]["schemas"];
    let perms = schemas["CreateRole"]["properties"]["permissions"]["items"]["enum"]
        .as_array()
        .expect("permission enum");
    assert!(perms.iter().any(|p| p == "iam.roles:read"));
    assert_eq!(
        perms.len(),
        bisman::auth::permissions::CATALOGUE.len(),
        "the enum is the catalogue"
    );
    assert!(schemas["LoginRequest"]["properties"]["tenant"]["pattern"]
        .as_str()
        .is_some_and(|p| p.contains("a-z0-9")));
    assert_eq!(
        schemas["CreateUser"]["properties"]["password"]["minLength"],
        8
    );
    let if_match = doc["paths"]["/api/v1/roles/{id}"]["patch"]["parameters"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == "If-Match").cloned())
        .expect("If-Match");
    assert!(if_match["schema"]["pattern"].is_string());
}

#[test]
fn empty_precondition_and_idempotency_headers_mean_absent() {
    let app = TestApp::start();
    let token = app.owner_token("acme");
    let role = json_of(
        app.post(
            &token,
            "/api/v1/roles",
            &serde_json::json!({"name": "clerk", "permissions": []}),
        ),
        201,
    );
    let id = role["id"].as_str().expect("id");
    // Before: `If-Match:` with an empty value was a 400.
    let res = app
        .req(Method::PATCH, &token, &format!("/api/v1/roles/{id}"))
        .header("If-Match", "")
        .json(&serde_json::json!({"description": "x"}))
        .send()
        .expect("patch");
    assert_eq!(res.status(), 200, "{}", res.text().unwrap_or_default());
    // A malformed one is still refused: not the documented form (a bare number, a weak
    // tag), or not even UTF-8 (Rocket used to drop such a header, so the write went
    // through without its precondition; found by schemathesis).
    let malformed: [&[u8]; 5] = [b"soon", b"3", b"W/\"3\"", b"\x84", b"\"3\xe9\""];
    for value in malformed {
        let res = app
            .req(Method::PATCH, &token, &format!("/api/v1/roles/{id}"))
            .header(
                "If-Match",
                reqwest::header::HeaderValue::from_bytes(value).expect("header value"),
            )
            .json(&serde_json::json!({"description": "y"}))
            .send()
            .expect("patch");
        expect_problem(res, 400, "bad_request");
    }
    let role = json_of(app.get(&token, &format!("/api/v1/roles/{id}")), 200);
    assert_eq!(role["description"], "x", "no refused patch was applied");
}

#[test]
fn a_blank_status_filter_is_no_filter_and_others_must_be_exact() {
    let app = TestApp::start();
    let token = app.owner_token("acme");
    json_of(app.get(&token, "/api/v1/invoices?status="), 200);
    json_of(app.get(&token, "/api/v1/invoices?status=%20%20"), 200);
    json_of(app.get(&token, "/api/v1/invoices?status=draft"), 200);
    // The document lists the statuses (or blank); a padded one is not among them.
    for bad in ["%20draft", "Draft", "open"] {
        expect_problem(
            app.get(&token, &format!("/api/v1/invoices?status={bad}")),
            422,
            "validation_failed",
        );
    }
}
