//! Branches, employees and the audit trail over real HTTP: validation, versions,
//! encryption at rest, masking, audited reveal, blind-index lookup, branch scope,
//! tenant isolation, permissions, and tamper detection.

mod common;

use common::*;
use serde_json::{json, Value};

const PAN_A: &str = "ABCPE1234F";
const PAN_B: &str = "PQRPT6789K";
const ACCT_A: &str = "50100234567891";
const ACCT_B: &str = "00098765432101";
const IFSC: &str = "HDFC0001234";

/// A valid Aadhaar built from 11 digits plus its Verhoeff check digit.
fn aadhaar(first11: &str) -> String {
    let digits: Vec<u8> = first11.bytes().map(|b| b - b'0').collect();
    let check = bisman::domain::verhoeff_check_digit(&digits).expect("check digit");
    format!("{first11}{check}")
}

/// The same number with a wrong check digit.
fn bad_aadhaar(first11: &str) -> String {
    let good = aadhaar(first11);
    let last = good.as_bytes()[11] - b'0';
    format!("{first11}{}", (last + 1) % 10)
}

/// A valid GSTIN for a state.
fn gstin(state: &str) -> String {
    let first14 = format!("{state}AAPFU0939F1Z");
    let c = bisman::domain::gstin_check_char(&first14).expect("check char");
    format!("{first14}{c}")
}

fn create_branch(app: &TestApp, token: &str, code: &str, state: &str) -> Value {
    json_of(
        app.post(
            token,
            "/api/v1/branches",
            &json!({"code": code, "name": format!("Branch {code}"), "state_code": state, "address": "MG Road"}),
        ),
        201,
    )
}

fn employee_body(
    branch_id: &str,
    code: &str,
    name: &str,
    pan: &str,
    aadhaar: &str,
    acct: &str,
) -> Value {
    json!({
        "employee_code": code, "name": name, "branch_id": branch_id,
        "email": format!("{}@acme.example.in", code.to_lowercase()), "phone": "+91 98765 43210",
        "department": "Sales", "designation": "Executive", "date_of_joining": "2025-04-01",
        "pan": pan, "aadhaar": aadhaar,
        "bank_account": {"account_number": acct, "ifsc": IFSC, "bank_name": "HDFC Bank"},
        "monthly_salary_paise": 4_500_000, "status": "active"
    })
}

fn create_employee(app: &TestApp, token: &str, body: &Value) -> Value {
    json_of(app.post(token, "/api/v1/employees", body), 201)
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().expect("id").to_string()
}

/// Number of events in the tenant's chain (via the API).
fn event_count(app: &TestApp, token: &str) -> i64 {
    let v = json_of(app.get(token, "/api/v1/audit/verify"), 200);
    assert_eq!(v["ok"], true, "{v}");
    v["events"].as_i64().expect("events")
}

fn audit_items(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    json_of(app.get(token, &format!("/api/v1/audit?{query}")), 200)["items"]
        .as_array()
        .expect("items")
        .clone()
}

fn patch_if(
    app: &TestApp,
    token: &str,
    path: &str,
    version: i64,
    body: &Value,
) -> reqwest::blocking::Response {
    app.req(reqwest::Method::PATCH, token, path)
        .header("If-Match", format!("\"{version}\""))
        .json(body)
        .send()
        .expect("PATCH")
}

fn fields_of(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["field"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn tenant_file(app: &TestApp, slug: &str) -> std::path::PathBuf {
    app.dir.path().join("tenants").join(slug).join("tenant.db")
}

/// A user with roles and a branch scope, created by the owner; returns their token.
fn scoped_user(
    app: &TestApp,
    slug: &str,
    owner: &str,
    email: &str,
    roles: &[&str],
    branches: &[&str],
) -> String {
    let pw = "Us3r-Secret#word";
    json_of(
        app.post(
            owner,
            "/api/v1/users",
            &json!({"email": email, "name": "Scoped", "password": pw, "roles": roles, "branch_ids": branches}),
        ),
        201,
    );
    token_of(&app.login(slug, email, pw))
}

#[test]
fn branches_crud_validation_versions_and_conflicts() {
    let app = TestApp::start();
    let owner = app.owner_token("acme");
    let hq = json_of(
        app.post(
            &owner,
            "/api/v1/branches",
            &json!({"code": "HQ", "name": "Head office", "state_code": "27", "address": "Pune", "gstin": gstin("27")}),
        ),
        201,
    );
    assert_eq!(hq["version"], 1);
    assert_eq!(hq["gstin"], gstin("27"));
    let before = event_count(&app, &owner);

    // Each invalid body names its field, and writes nothing.
    let cases = [
        (
            json!({"code": "hq2", "name": "x", "state_code": "27"}),
            "code",
        ),
        (
            json!({"code": "H", "name": "x", "state_code": "27"}),
            "code",
        ),
        (
            json!({"code": "ABCDEFGHIJK", "name": "x", "state_code": "27"}),
            "code",
        ),
        (
            json!({"code": "B2", "name": " ", "state_code": "27"}),
            "name",
        ),
        (
            json!({"code": "B2", "name": "x", "state_code": "7"}),
            "state_code",
        ),
        (
            json!({"code": "B2", "name": "x", "state_code": "40"}),
            "state_code",
        ),
        (
            json!({"code": "B2", "name": "x", "state_code": "29", "gstin": gstin("27")}),
            "gstin",
        ),
        (
            json!({"code": "B2", "name": "x", "state_code": "27", "gstin": "27AAPFU0939F1ZZ"}),
            "gstin",
        ),
        (
            json!({"code": "B2", "name": "x", "state_code": "27", "region": "west"}),
            "region",
        ),
        (json!({"name": "x", "state_code": "27"}), "code"),
    ];
    for (body, field) in cases {
        let p = expect_problem(
            app.post(&owner, "/api/v1/branches", &body),
            422,
            "validation_failed",
        );
        assert!(fields_of(&p).contains(&field.to_string()), "{body} → {p}");
    }
    let p = expect_problem(
        app.post(
            &owner,
            "/api/v1/branches",
            &json!({"code": "B2", "name": "x", "state_code": "29", "gstin": gstin("27")}),
        ),
        422,
        "validation_failed",
    );
    assert_eq!(p["errors"][0]["code"], "state_mismatch");
    // Duplicate code → 409, also no event.
    expect_problem(
        app.post(
            &owner,
            "/api/v1/branches",
            &json!({"code": "HQ", "name": "Again", "state_code": "27"}),
        ),
        409,
        "conflict",
    );
    assert_eq!(
        event_count(&app, &owner),
        before,
        "failed writes leave no audit event"
    );

    // Get, list with keyset pages.
    let blr = create_branch(&app, &owner, "BLR01", "29");
    let got = json_of(
        app.get(&owner, &format!("/api/v1/branches/{}", id_of(&hq))),
        200,
    );
    assert_eq!(got["code"], "HQ");
    let page1 = json_of(app.get(&owner, "/api/v1/branches?limit=1"), 200);
    assert_eq!(page1["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(page1["items"][0]["id"], hq["id"]);
    let cursor = page1["next_cursor"].as_str().expect("cursor");
    let page2 = json_of(
        app.get(&owner, &format!("/api/v1/branches?limit=1&cursor={cursor}")),
        200,
    );
    assert_eq!(page2["items"][0]["id"], blr["id"]);
    assert!(page2["next_cursor"].is_null());
    expect_problem(
        app.get(&owner, "/api/v1/branches?limit=0"),
        422,
        "validation_failed",
    );
    expect_problem(
        app.get(&owner, "/api/v1/branches?cursor=%21%21"),
        422,
        "validation_failed",
    );
    expect_problem(
        app.get(&owner, "/api/v1/branches/not-a-uuid"),
        404,
        "not_found",
    );
    expect_problem(
        app.get(
            &owner,
            &format!("/api/v1/branches/{}", bisman::ids::new_id()),
        ),
        404,
        "not_found",
    );

    // PATCH: versions, stale If-Match, GSTIN/state consistency after merging, duplicates.
    let path = format!("/api/v1/branches/{}", id_of(&hq));
    let v2 = json_of(
        patch_if(&app, &owner, &path, 1, &json!({"name": "HQ Pune"})),
        200,
    );
    assert_eq!(
        (v2["version"].as_i64(), v2["name"].as_str()),
        (Some(2), Some("HQ Pune"))
    );
    expect_problem(
        patch_if(&app, &owner, &path, 1, &json!({"name": "stale"})),
        412,
        "precondition_failed",
    );
    let p = expect_problem(
        app.patch(&owner, &path, &json!({"state_code": "29"})),
        422,
        "validation_failed",
    );
    assert_eq!(fields_of(&p), ["gstin"]);
    let v3 = json_of(
        app.patch(&owner, &path, &json!({"state_code": "29", "gstin": null})),
        200,
    );
    assert!(v3["gstin"].is_null());
    assert_eq!(v3["version"], 3);
    expect_problem(
        app.patch(&owner, &path, &json!({"code": "BLR01"})),
        409,
        "conflict",
    );
    expect_problem(
        app.patch(&owner, &path, &json!({"colour": "red"})),
        422,
        "validation_failed",
    );
    let events = audit_items(
        &app,
        &owner,
        &format!("entity=branch&entity_id={}", id_of(&hq)),
    );
    let actions: Vec<&str> = events.iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(
        actions,
        ["branch.updated", "branch.updated", "branch.created"]
    );
    assert_eq!(
        events[1]["changes"]["name"],
        json!({"from": "Head office", "to": "HQ Pune"})
    );
}

#[test]
fn employees_crud_filters_and_masking() {
    let app = TestApp::start();
    let owner = app.owner_token("acme");
    let b1 = id_of(&create_branch(&app, &owner, "HQ", "27"));
    let b2 = id_of(&create_branch(&app, &owner, "BLR", "29"));
    let a = create_employee(
        &app,
        &owner,
        &employee_body(
            &b1,
            "E-001",
            "Asha Rao",
            PAN_A,
            &aadhaar("23412341234"),
            ACCT_A,
        ),
    );
    assert_eq!(a["pan"], "******234F");
    assert_eq!(a["aadhaar"].as_str().map(|s| &s[..8]), Some("********"));
    assert_eq!(a["bank_account"]["account_number"], "**********7891");
    assert_eq!(a["bank_account"]["ifsc"], IFSC);
    assert_eq!(
        (a["version"].as_i64(), a["status"].as_str()),
        (Some(1), Some("active"))
    );
    assert_eq!(a["phone"], "+919876543210");
    let mut body = employee_body(
        &b2,
        "E-002",
        "ashwin Kumar",
        PAN_B,
        &aadhaar("98765432109"),
        ACCT_B,
    );
    body["status"] = json!("exited");
    let b = create_employee(&app, &owner, &body);
    let minimal = create_employee(
        &app,
        &owner,
        &json!({"employee_code": "E-003", "name": "Ravi", "branch_id": b1}),
    );
    assert!(minimal["pan"].is_null() && minimal["bank_account"].is_null());
    assert_eq!(minimal["monthly_salary_paise"], 0);

    let got = json_of(
        app.get(&owner, &format!("/api/v1/employees/{}", id_of(&a))),
        200,
    );
    assert_eq!(got["pan"], "******234F");
    assert!(!got.to_string().contains(PAN_A) && !got.to_string().contains(ACCT_A));

    let names = |q: &str| -> Vec<String> {
        json_of(app.get(&owner, &format!("/api/v1/employees?{q}")), 200)["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|e| e["name"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(names(""), ["Asha Rao", "ashwin Kumar", "Ravi"]);
    assert_eq!(names("q=ASH"), ["Asha Rao", "ashwin Kumar"]);
    assert_eq!(names("q=ashw"), ["ashwin Kumar"]);
    assert_eq!(
        names("q=%25"),
        Vec::<String>::new(),
        "LIKE wildcards are literal"
    );
    assert_eq!(names(&format!("branch_id={b1}")), ["Asha Rao", "Ravi"]);
    assert_eq!(names("status=exited"), ["ashwin Kumar"]);
    assert_eq!(
        names(&format!("status=active&branch_id={b1}&q=r")),
        ["Ravi"]
    );
    let page = json_of(app.get(&owner, "/api/v1/employees?limit=2"), 200);
    let cursor = page["next_cursor"].as_str().expect("cursor").to_string();
    let rest = json_of(
        app.get(
            &owner,
            &format!("/api/v1/employees?limit=2&cursor={cursor}"),
        ),
        200,
    );
    assert_eq!(rest["items"][0]["name"], "Ravi");
    assert!(rest["next_cursor"].is_null());
    for bad in ["status=gone", "branch_id=nope", "limit=500", "reveal=maybe"] {
        let path = if bad.starts_with("reveal") {
            format!("/api/v1/employees/{}?{bad}", id_of(&a))
        } else {
            format!("/api/v1/employees?{bad}")
        };
        expect_problem(app.get(&owner, &path), 422, "validation_failed");
    }

    // PATCH: stale version, field changes, clearing, masked audit.
    let path = format!("/api/v1/employees/{}", id_of(&a));
    expect_problem(
        patch_if(&app, &owner, &path, 7, &json!({"name": "x"})),
        412,
        "precondition_failed",
    );
    let changed = json_of(
        patch_if(
            &app,
            &owner,
            &path,
            1,
            &json!({
                "designation": "Manager", "monthly_salary_paise": 5_000_000, "pan": PAN_B,
                "bank_account": {"bank_name": null}, "phone": null, "branch_id": b2
            }),
        ),
        200,
    );
    assert_eq!(changed["version"], 2);
    assert_eq!(changed["pan"], "******789K");
    assert!(changed["phone"].is_null() && changed["bank_account"]["bank_name"].is_null());
    assert_eq!(changed["bank_account"]["account_number"], "**********7891");
    assert_eq!(changed["branch_id"], b2);
    let cleared = json_of(
        app.patch(
            &owner,
            &path,
            &json!({"bank_account": null, "aadhaar": null}),
        ),
        200,
    );
    assert!(cleared["bank_account"].is_null() && cleared["aadhaar"].is_null());
    assert_eq!(cleared["version"], 3);
    let p = expect_problem(
        app.patch(&owner, &path, &json!({"bank_account": {"ifsc": IFSC}})),
        422,
        "validation_failed",
    );
    assert_eq!(fields_of(&p), ["bank_account.account_number"]);
    let p = expect_problem(
        app.patch(&owner, &path, &json!({"salary": 1})),
        422,
        "validation_failed",
    );
    assert_eq!(
        (fields_of(&p)[0].as_str(), p["errors"][0]["code"].as_str()),
        ("salary", Some("unknown_field"))
    );
    let p = expect_problem(
        app.patch(
            &owner,
            &path,
            &json!({"bank_account": {"account_number": ACCT_A, "iban": "x"}}),
        ),
        422,
        "validation_failed",
    );
    assert_eq!(fields_of(&p), ["bank_account.iban"]);
    expect_problem(
        app.patch(
            &owner,
            &format!("/api/v1/employees/{}", id_of(&b)),
            &json!({"employee_code": "E-001"}),
        ),
        409,
        "conflict",
    );
    expect_problem(
        app.patch(
            &owner,
            &format!("/api/v1/employees/{}", bisman::ids::new_id()),
            &json!({"name": "x"}),
        ),
        404,
        "not_found",
    );

    let events = audit_items(
        &app,
        &owner,
        &format!("entity=employee&entity_id={}", id_of(&a)),
    );
    let actions: Vec<&str> = events.iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(
        actions,
        ["employee.updated", "employee.updated", "employee.created"]
    );
    let upd = &events[1]["changes"];
    assert_eq!(
        upd["pan"],
        json!({"from": "******234F", "to": "******789K"})
    );
    assert_eq!(
        upd["designation"],
        json!({"from": "Executive", "to": "Manager"})
    );
    assert!(
        upd.get("name").is_none(),
        "unchanged fields are not listed: {upd}"
    );
    assert_eq!(
        events[2]["changes"]["bank_account"]["account_number"],
        "**********7891"
    );
}

#[test]
fn employee_validation_table_and_failed_writes_leave_no_event() {
    let app = TestApp::start();
    let owner = app.owner_token("acme");
    let branch = id_of(&create_branch(&app, &owner, "HQ", "27"));
    let base = employee_body(
        &branch,
        "E-1",
        "Asha Rao",
        PAN_A,
        &aadhaar("23412341234"),
        ACCT_A,
    );
    let before = event_count(&app, &owner);
    let with = |path: &[&str], v: Value| {
        let mut b = base.clone();
        let mut at = &mut b;
        for (i, k) in path.iter().enumerate() {
            if i + 1 == path.len() {
                at[*k] = v.clone();
            } else {
                at = &mut at[*k];
            }
        }
        b
    };
    let cases: Vec<(Value, &str)> = vec![
        (with(&["pan"], json!("ABCD1234F")), "pan"),
        (with(&["pan"], json!("ABCDE12345")), "pan"),
        (with(&["pan"], json!("1BCDE1234F")), "pan"),
        (
            with(&["aadhaar"], json!(bad_aadhaar("23412341234"))),
            "aadhaar",
        ),
        (with(&["aadhaar"], json!(aadhaar("13412341234"))), "aadhaar"),
        (with(&["aadhaar"], json!(aadhaar("03412341234"))), "aadhaar"),
        (with(&["aadhaar"], json!("23412341234")), "aadhaar"),
        (with(&["aadhaar"], json!("2341234123AB")), "aadhaar"),
        (
            with(&["bank_account", "ifsc"], json!("HDFC1001234")),
            "bank_account.ifsc",
        ),
        (
            with(&["bank_account", "ifsc"], json!("HDF00001234")),
            "bank_account.ifsc",
        ),
        (
            with(&["bank_account", "ifsc"], json!("HDFC000123")),
            "bank_account.ifsc",
        ),
        (
            with(&["bank_account", "account_number"], json!("12345678")),
            "bank_account.account_number",
        ),
        (
            with(
                &["bank_account", "account_number"],
                json!("1234567890123456789"),
            ),
            "bank_account.account_number",
        ),
        (
            with(&["bank_account", "account_number"], json!("12345678A")),
            "bank_account.account_number",
        ),
        (
            with(&["bank_account", "account_number"], json!(123456789)),
            "bank_account.account_number",
        ),
        (
            with(&["bank_account", "swift"], json!("HDFCINBB")),
            "bank_account.swift",
        ),
        (
            with(&["monthly_salary_paise"], json!(-1)),
            "monthly_salary_paise",
        ),
        (
            with(&["monthly_salary_paise"], json!(12.5)),
            "monthly_salary_paise",
        ),
        (
            with(&["date_of_joining"], json!("2025-02-30")),
            "date_of_joining",
        ),
        (
            with(&["date_of_joining"], json!("01/04/2025")),
            "date_of_joining",
        ),
        (with(&["status"], json!("retired")), "status"),
        (with(&["email"], json!("not-an-email")), "email"),
        (with(&["phone"], json!("12345")), "phone"),
        (with(&["name"], json!("")), "name"),
        (with(&["employee_code"], json!("E 1")), "employee_code"),
        (with(&["branch_id"], json!("not-a-uuid")), "branch_id"),
        (
            with(&["branch_id"], json!(bisman::ids::new_id())),
            "branch_id",
        ),
        (with(&["salary"], json!(100)), "salary"),
    ];
    for (body, field) in &cases {
        let p = expect_problem(
            app.post(&owner, "/api/v1/employees", body),
            422,
            "validation_failed",
        );
        assert!(fields_of(&p).contains(&field.to_string()), "{field}: {p}");
        let text = p.to_string();
        assert!(
            !text.contains(PAN_A) && !text.contains(ACCT_A),
            "problems never echo numbers: {text}"
        );
    }
    // Several problems at once are reported together.
    let p = expect_problem(
        app.post(
            &owner,
            "/api/v1/employees",
            &with(&["pan"], json!("x"))
                .as_object()
                .map(|o| {
                    let mut o = o.clone();
                    o.insert("aadhaar".into(), json!("1"));
                    Value::Object(o)
                })
                .expect("object"),
        ),
        422,
        "validation_failed",
    );
    assert_eq!(fields_of(&p), ["pan", "aadhaar"]);
    // Valid variants: lower-case PAN and IFSC, spaced Aadhaar.
    let spaced = aadhaar("23412341234");
    let spaced = format!("{} {} {}", &spaced[..4], &spaced[4..8], &spaced[8..]);
    let ok = with(&["pan"], json!("abcpe1234f"));
    let mut ok = ok;
    ok["aadhaar"] = json!(spaced);
    ok["bank_account"]["ifsc"] = json!("hdfc0001234");
    assert_eq!(
        event_count(&app, &owner),
        before,
        "no event for any refused write"
    );
    let created = create_employee(&app, &owner, &ok);
    assert_eq!(created["pan"], "******234F");
    assert_eq!(created["bank_account"]["ifsc"], IFSC);
    expect_problem(
        app.post(
            &owner,
            "/api/v1/employees",
            &with(&["name"], json!("Someone else")),
        ),
        409,
        "conflict",
    );
    assert_eq!(
        event_count(&app, &owner),
        before + 1,
        "only the successful create left an event"
    );
}

#[test]
fn reveal_needs_the_permission_and_is_audited_once() {
    let app = TestApp::start();
    let owner = app.owner_token("acme");
    let branch = id_of(&create_branch(&app, &owner, "HQ", "27"));
    let aad = aadhaar("23412341234");
    let emp = create_employee(
        &app,
        &owner,
        &employee_body(&branch, "E-1", "Asha Rao", PAN_A, &aad, ACCT_A),
    );
    let path = format!("/api/v1/employees/{}?reveal=true", id_of(&emp));
    let hr = app.user_token("acme", &owner, "hr@acme.example.in", &["hr_manager"]);
    let reveals = |app: &TestApp| audit_items(app, &owner, "action=employee.reveal").len();

    for (who, token) in [("owner", &owner), ("hr_manager", &hr)] {
        let before = reveals(&app);
        let full = json_of(app.get(token, &path), 200);
        assert_eq!(full["pan"], PAN_A, "{who}");
        assert_eq!(full["aadhaar"], aad.as_str());
        assert_eq!(full["bank_account"]["account_number"], ACCT_A);
        assert_eq!(reveals(&app), before + 1, "{who}: exactly one reveal event");
    }
    let events = audit_items(&app, &owner, "action=employee.reveal");
    let e = &events[0];
    assert_eq!(e["entity_id"], emp["id"]);
    assert_eq!(
        e["changes"],
        json!({"fields": ["pan", "aadhaar", "bank_account.account_number"]})
    );
    let text = Value::Array(events.clone()).to_string();
    assert!(!text.contains(PAN_A) && !text.contains(&aad) && !text.contains(ACCT_A));

    // Without reveal=true nothing is revealed and nothing is recorded.
    let before = reveals(&app);
    let masked = json_of(
        app.get(
            &hr,
            &format!("/api/v1/employees/{}?reveal=false", id_of(&emp)),
        ),
        200,
    );
    assert_eq!(masked["pan"], "******234F");
    assert_eq!(reveals(&app), before);

    for role in ["admin", "staff", "auditor"] {
        let token = app.user_token("acme", &owner, &format!("{role}@acme.example.in"), &[role]);
        expect_problem(app.get(&token, &path), 403, "forbidden");
        assert_eq!(
            reveals(&app),
            before,
            "{role}: a denied reveal writes no event"
        );
    }
    // An unknown employee is 404 for the revealer too, with no event.
    expect_problem(
        app.get(
            &owner,
            &format!("/api/v1/employees/{}?reveal=true", bisman::ids::new_id()),
        ),
        404,
        "not_found",
    );
    assert_eq!(reveals(&app), before);
}

#[test]
fn lookup_by_pan_or_aadhaar_through_the_blind_index() {
    let app = TestApp::start();
    let owner = app.owner_token("acme");
    let branch = id_of(&create_branch(&app, &owner, "HQ", "27"));
    let aad_a = aadhaar("23412341234");
    let aad_b = aadhaar("98765432109");
    let a = create_employee(
        &app,
        &owner,
        &employee_body(&branch, "E-1", "Asha", PAN_A, &aad_a, ACCT_A),
    );
    let b = create_employee(
        &app,
        &owner,
        &employee_body(&branch, "E-2", "Bala", PAN_B, &aad_b, ACCT_B),
    );
    let found = |body: Value| -> Vec<Value> {
        let v = json_of(app.post(&owner, "/api/v1/employees/lookup", &body), 200);
        assert!(v["next_cursor"].is_null());
        v["items"].as_array().expect("items").clone()
    };
    let by_pan = found(json!({"pan": PAN_A}));
    assert_eq!(by_pan.len(), 1);
    assert_eq!(by_pan[0]["id"], a["id"]);
    assert_eq!(by_pan[0]["pan"], "******234F", "lookup results are masked");
    assert_eq!(found(json!({"pan": "pqrpt6789k"}))[0]["id"], b["id"]);
    let spaced = format!("{} {} {}", &aad_b[..4], &aad_b[4..8], &aad_b[8..]);
    assert_eq!(found(json!({"aadhaar": spaced}))[0]["id"], b["id"]);
    assert!(found(json!({"pan": "ZZZPZ9999Z"})).is_empty());
    assert!(found(json!({"aadhaar": aadhaar("55555555555")})).is_empty());
    assert_eq!(found(json!({"aadhaar": aad_a}))[0]["id"], a["id"]);
    for (body, field) in [
        (json!({}), "pan"),
        (json!({"pan": PAN_A, "aadhaar": aad_a}), "aadhaar"),
        (json!({"pan": "ABCDE1234"}), "pan"),
        (json!({"aadhaar": bad_aadhaar("23412341234")}), "aadhaar"),
        (json!({"name": "Asha"}), "name"),
    ] {
        let p = expect_problem(
            app.post(&owner, "/api/v1/employees/lookup", &body),
            422,
            "validation_failed",
        );
        assert_eq!(fields_of(&p), [field], "{body}");
    }
    // After a PATCH the old PAN no longer matches and the new one does.
    json_of(
        app.patch(
            &owner,
            &format!("/api/v1/employees/{}", id_of(&a)),
            &json!({"pan": "LMNPP4321Q"}),
        ),
        200,
    );
    assert!(found(json!({"pan": PAN_A})).is_empty());
    assert_eq!(found(json!({"pan": "LMNPP4321Q"}))[0]["id"], a["id"]);
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn sensitive_numbers_never_reach_the_tenant_file_or_its_wal() {
    let app = TestApp::start();
    let owner = app.owner_token("acme");
    let branch = id_of(&create_branch(&app, &owner, "HQ", "27"));
    let aad_a = aadhaar("23412341234");
    let aad_b = aadhaar("98765432109");
    let a = create_employee(
        &app,
        &owner,
        &employee_body(&branch, "E-1", "Asha Rao", PAN_A, &aad_a, ACCT_A),
    );
    create_employee(
        &app,
        &owner,
        &employee_body(
            &branch,
            "E-2",
            "Bala Iyer",
            "KLMPO1357P",
            &aad_b,
            "112233445566",
        ),
    );
    json_of(
        app.patch(
            &owner,
            &format!("/api/v1/employees/{}", id_of(&a)),
            &json!({"pan": PAN_B, "bank_account": {"account_number": ACCT_B}}),
        ),
        200,
    );
    json_of(
        app.get(
            &owner,
            &format!("/api/v1/employees/{}?reveal=true", id_of(&a)),
        ),
        200,
    );
    json_of(
        app.post(
            &owner,
            "/api/v1/employees/lookup",
            &json!({"aadhaar": aad_b}),
        ),
        200,
    );

    let secrets = [
        PAN_A,
        PAN_B,
        "KLMPO1357P",
        aad_a.as_str(),
        aad_b.as_str(),
        ACCT_A,
        ACCT_B,
        "112233445566",
    ];
    let file = tenant_file(&app, "acme");
    let mut wal_path = file.clone().into_os_string();
    wal_path.push("-wal");
    let mut bytes = std::fs::read(&file).expect("tenant.db");
    let wal = std::fs::read(&wal_path).unwrap_or_default();
    assert!(!wal.is_empty(), "the recent writes are in the WAL");
    bytes.extend_from_slice(&wal);
    // Sanity: the scan sees real data (names are not encrypted), so absence means something.
    assert!(contains(&bytes, "Asha Rao") && contains(&bytes, "******234F"));
    for s in secrets {
        assert!(
            !contains(&bytes, s),
            "{s} found in plaintext in the tenant file or WAL"
        );
    }
    // The audit rows, read straight from the file, hold only masked values.
    let conn =
        rusqlite::Connection::open_with_flags(&file, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open");
    let mut stmt = conn
        .prepare("SELECT changes FROM audit_events")
        .expect("prepare");
    let rows: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert!(rows.iter().any(|c| c.contains("******789K")));
    for c in &rows {
        for s in secrets {
            assert!(!c.contains(s), "{s} in audit changes {c}");
        }
    }
    let blob: Vec<u8> = conn
        .query_row(
            "SELECT pan_enc FROM employees WHERE id = ?1",
            [id_of(&a)],
            |r| r.get(0),
        )
        .expect("pan_enc");
    assert!(blob.len() > PAN_B.len() && !contains(&blob, PAN_B));
}

#[test]
fn a_ciphertext_moved_to_another_row_or_tenant_is_refused() {
    let app = TestApp::start();
    let acme = app.owner_token("acme");
    let globex = app.owner_token("globex");
    let b_acme = id_of(&create_branch(&app, &acme, "HQ", "27"));
    let b_globex = id_of(&create_branch(&app, &globex, "HQ", "27"));
    let victim = create_employee(
        &app,
        &acme,
        &employee_body(
            &b_acme,
            "E-1",
            "Asha",
            PAN_A,
            &aadhaar("23412341234"),
            ACCT_A,
        ),
    );
    let thief = create_employee(
        &app,
        &acme,
        &employee_body(
            &b_acme,
            "E-2",
            "Bala",
            PAN_B,
            &aadhaar("98765432109"),
            ACCT_B,
        ),
    );
    let foreign = create_employee(
        &app,
        &globex,
        &employee_body(
            &b_globex,
            "G-1",
            "Chitra",
            "KLMPO1357P",
            &aadhaar("34567890123"),
            "112233445566",
        ),
    );

    let acme_file = tenant_file(&app, "acme");
    let globex_file = tenant_file(&app, "globex");
    let open = |p: &std::path::Path| {
        let c = rusqlite::Connection::open(p).expect("open");
        c.busy_timeout(std::time::Duration::from_secs(10))
            .expect("busy");
        c
    };
    let a = open(&acme_file);
    let blob = |c: &rusqlite::Connection, col: &str, id: &str| -> Vec<u8> {
        c.query_row(
            &format!("SELECT {col} FROM employees WHERE id = ?1"),
            [id],
            |r| r.get(0),
        )
        .expect("blob")
    };
    let victim_pan = blob(&a, "pan_enc", &id_of(&victim));
    let victim_acct = blob(&a, "bank_account_enc", &id_of(&victim));
    // Same tenant, another row.
    a.execute(
        "UPDATE employees SET pan_enc = ?1 WHERE id = ?2",
        rusqlite::params![victim_pan, id_of(&thief)],
    )
    .expect("copy");
    // Same row, another column.
    let thief_aadhaar = blob(&a, "aadhaar_enc", &id_of(&thief));
    a.execute(
        "UPDATE employees SET bank_account_enc = ?1 WHERE id = ?2",
        rusqlite::params![thief_aadhaar, id_of(&thief)],
    )
    .expect("swap");
    // Another tenant's file.
    let g = open(&globex_file);
    g.execute(
        "UPDATE employees SET bank_account_enc = ?1 WHERE id = ?2",
        rusqlite::params![victim_acct, id_of(&foreign)],
    )
    .expect("cross-tenant copy");
    drop((a, g));

    let reveals_before = audit_items(&app, &acme, "action=employee.reveal").len();
    let p = expect_problem(
        app.get(
            &acme,
            &format!("/api/v1/employees/{}?reveal=true", id_of(&thief)),
        ),
        409,
        "conflict",
    );
    let text = p.to_string();
    assert!(
        text.contains("integrity") && !text.contains(PAN_A) && !text.contains(ACCT_A),
        "{text}"
    );
    assert_eq!(
        audit_items(&app, &acme, "action=employee.reveal").len(),
        reveals_before
    );
    let p = expect_problem(
        app.get(
            &globex,
            &format!("/api/v1/employees/{}?reveal=true", id_of(&foreign)),
        ),
        409,
        "conflict",
    );
    assert!(
        p["detail"]
            .as_str()
            .is_some_and(|d| d.contains("bank_account.account_number")),
        "{p}"
    );
    assert!(!p.to_string().contains(ACCT_A));
    // The masked view still works, and re-entering the value repairs the record.
    json_of(
        app.get(&acme, &format!("/api/v1/employees/{}", id_of(&thief))),
        200,
    );
    json_of(
        app.patch(
            &acme,
            &format!("/api/v1/employees/{}", id_of(&thief)),
            &json!({"pan": PAN_B, "bank_account": {"account_number": ACCT_B}}),
        ),
        200,
    );
    let fixed = json_of(
        app.get(
            &acme,
            &format!("/api/v1/employees/{}?reveal=true", id_of(&thief)),
        ),
        200,
    );
    assert_eq!(fixed["pan"], PAN_B);
    assert_eq!(fixed["bank_account"]["account_number"], ACCT_B);
    // The victim's own record is untouched.
    let v = json_of(
        app.get(
            &acme,
            &format!("/api/v1/employees/{}?reveal=true", id_of(&victim)),
        ),
        200,
    );
    assert_eq!(v["pan"], PAN_A);
}

#[test]
fn branch_scoped_users_see_and_write_only_their_branches() {
    let app = TestApp::start();
    let owner = app.owner_token("acme");
    let b1 = id_of(&create_branch(&app, &owner, "HQ", "27"));
    let b2 = id_of(&create_branch(&app, &owner, "BLR", "29"));
    let e1 = create_employee(
        &app,
        &owner,
        &employee_body(&b1, "E-1", "Asha", PAN_A, &aadhaar("23412341234"), ACCT_A),
    );
    let e2 = create_employee(
        &app,
        &owner,
        &employee_body(&b2, "E-2", "Bala", PAN_B, &aadhaar("98765432109"), ACCT_B),
    );
    let hr = scoped_user(
        &app,
        "acme",
        &owner,
        "hr1@acme.example.in",
        &["hr_manager"],
        &[&b1],
    );
    let admin = scoped_user(
        &app,
        "acme",
        &owner,
        "adm1@acme.example.in",
        &["admin"],
        &[&b1],
    );

    let list = json_of(app.get(&hr, "/api/v1/employees"), 200);
    let ids: Vec<&Value> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| &e["id"])
        .collect();
    assert_eq!(ids, [&e1["id"]]);
    let filtered = json_of(
        app.get(&hr, &format!("/api/v1/employees?branch_id={b2}")),
        200,
    );
    assert_eq!(filtered["items"], json!([]));
    let e2_path = format!("/api/v1/employees/{}", id_of(&e2));
    expect_problem(app.get(&hr, &e2_path), 404, "not_found");
    expect_problem(
        app.get(&hr, &format!("{e2_path}?reveal=true")),
        404,
        "not_found",
    );
    expect_problem(
        app.patch(&hr, &e2_path, &json!({"name": "x"})),
        404,
        "not_found",
    );
    let lookup = json_of(
        app.post(&hr, "/api/v1/employees/lookup", &json!({"pan": PAN_B})),
        200,
    );
    assert_eq!(lookup["items"], json!([]));
    let p = expect_problem(
        app.post(
            &hr,
            "/api/v1/employees",
            &employee_body(
                &b2,
                "E-9",
                "New",
                "ZZZPZ1111Z",
                &aadhaar("45678901234"),
                "123456789",
            ),
        ),
        422,
        "validation_failed",
    );
    assert_eq!(
        (fields_of(&p)[0].as_str(), p["errors"][0]["code"].as_str()),
        ("branch_id", Some("not_found"))
    );
    let p = expect_problem(
        app.patch(
            &hr,
            &format!("/api/v1/employees/{}", id_of(&e1)),
            &json!({"branch_id": b2}),
        ),
        422,
        "validation_failed",
    );
    assert_eq!(fields_of(&p), ["branch_id"]);
    // Their own branch works end to end.
    json_of(
        app.get(
            &hr,
            &format!("/api/v1/employees/{}?reveal=true", id_of(&e1)),
        ),
        200,
    );
    create_employee(
        &app,
        &hr,
        &employee_body(
            &b1,
            "E-3",
            "Chitra",
            "ZZZPZ1111Z",
            &aadhaar("45678901234"),
            "123456789",
        ),
    );

    // Branches: only theirs; others are 404; scoped users cannot create branches.
    let branches = json_of(app.get(&admin, "/api/v1/branches"), 200);
    assert_eq!(branches["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(branches["items"][0]["id"], b1);
    expect_problem(
        app.get(&admin, &format!("/api/v1/branches/{b2}")),
        404,
        "not_found",
    );
    expect_problem(
        app.patch(
            &admin,
            &format!("/api/v1/branches/{b2}"),
            &json!({"name": "x"}),
        ),
        404,
        "not_found",
    );
    json_of(
        app.patch(
            &admin,
            &format!("/api/v1/branches/{b1}"),
            &json!({"name": "Head office"}),
        ),
        200,
    );
    expect_problem(
        app.post(
            &admin,
            "/api/v1/branches",
            &json!({"code": "DEL", "name": "Delhi", "state_code": "07"}),
        ),
        403,
        "forbidden",
    );
    // The owner (no scope) still sees everything.
    let all = json_of(app.get(&owner, "/api/v1/employees"), 200);
    assert_eq!(all["items"].as_array().map(Vec::len), Some(3));
}

#[test]
fn another_tenants_ids_are_not_found() {
    let app = TestApp::start();
    let acme = app.owner_token("acme");
    let globex = app.owner_token("globex");
    let branch = id_of(&create_branch(&app, &acme, "HQ", "27"));
    let emp = create_employee(
        &app,
        &acme,
        &employee_body(
            &branch,
            "E-1",
            "Asha",
            PAN_A,
            &aadhaar("23412341234"),
            ACCT_A,
        ),
    );
    let b_path = format!("/api/v1/branches/{branch}");
    let e_path = format!("/api/v1/employees/{}", id_of(&emp));
    expect_problem(app.get(&globex, &b_path), 404, "not_found");
    expect_problem(
        app.patch(&globex, &b_path, &json!({"name": "mine"})),
        404,
        "not_found",
    );
    expect_problem(app.get(&globex, &e_path), 404, "not_found");
    expect_problem(
        app.get(&globex, &format!("{e_path}?reveal=true")),
        404,
        "not_found",
    );
    expect_problem(
        app.patch(&globex, &e_path, &json!({"name": "mine"})),
        404,
        "not_found",
    );
    let p = expect_problem(
        app.post(
            &globex,
            "/api/v1/employees",
            &employee_body(&branch, "G-1", "x", PAN_B, &aadhaar("98765432109"), ACCT_B),
        ),
        422,
        "validation_failed",
    );
    assert_eq!(fields_of(&p), ["branch_id"]);
    let found = json_of(
        app.post(&globex, "/api/v1/employees/lookup", &json!({"pan": PAN_A})),
        200,
    );
    assert_eq!(found["items"], json!([]));
    assert_eq!(
        json_of(app.get(&globex, "/api/v1/employees"), 200)["items"],
        json!([])
    );
    assert!(audit_items(&app, &globex, &format!("entity_id={}", id_of(&emp))).is_empty());
    // And acme's record is as it was.
    assert_eq!(json_of(app.get(&acme, &e_path), 200)["name"], "Asha");
}

#[test]
fn every_route_allows_and_denies_by_permission() {
    let app = TestApp::start();
    let owner = app.owner_token("acme");
    let branch = id_of(&create_branch(&app, &owner, "HQ", "27"));
    let emp = id_of(&create_employee(
        &app,
        &owner,
        &employee_body(
            &branch,
            "E-1",
            "Asha",
            PAN_A,
            &aadhaar("23412341234"),
            ACCT_A,
        ),
    ));
    let tok =
        |role: &str| app.user_token("acme", &owner, &format!("{role}@acme.example.in"), &[role]);
    let (admin, hr, staff, auditor, accountant) = (
        tok("admin"),
        tok("hr_manager"),
        tok("staff"),
        tok("auditor"),
        tok("accountant"),
    );
    let n = std::cell::Cell::new(0);
    type Call<'a> = Box<dyn Fn(&str) -> reqwest::blocking::Response + 'a>;
    let routes: Vec<(&str, Call, Vec<&String>, Vec<&String>)> = vec![
        (
            "GET /branches",
            Box::new(|t| app.get(t, "/api/v1/branches")),
            vec![&staff, &hr, &auditor],
            vec![],
        ),
        (
            "GET /branches/id",
            Box::new(|t| app.get(t, &format!("/api/v1/branches/{branch}"))),
            vec![&accountant],
            vec![],
        ),
        (
            "PATCH /branches/id",
            Box::new(|t| {
                app.patch(
                    t,
                    &format!("/api/v1/branches/{branch}"),
                    &json!({"address": "x"}),
                )
            }),
            vec![&admin],
            vec![&hr, &auditor, &staff],
        ),
        (
            "GET /employees",
            Box::new(|t| app.get(t, "/api/v1/employees")),
            vec![&hr, &auditor, &admin],
            vec![&staff, &accountant],
        ),
        (
            "GET /employees/id",
            Box::new(|t| app.get(t, &format!("/api/v1/employees/{emp}"))),
            vec![&hr, &auditor],
            vec![&staff, &accountant],
        ),
        (
            "PATCH /employees/id",
            Box::new(|t| {
                app.patch(
                    t,
                    &format!("/api/v1/employees/{emp}"),
                    &json!({"department": "Ops"}),
                )
            }),
            vec![&hr],
            vec![&admin, &auditor, &staff],
        ),
        (
            "POST /employees/lookup",
            Box::new(|t| app.post(t, "/api/v1/employees/lookup", &json!({"pan": PAN_A}))),
            vec![&hr, &auditor],
            vec![&staff, &accountant],
        ),
        (
            "GET /audit",
            Box::new(|t| app.get(t, "/api/v1/audit")),
            vec![&auditor, &admin],
            vec![&hr, &staff, &accountant],
        ),
        (
            "GET /audit/verify",
            Box::new(|t| app.get(t, "/api/v1/audit/verify")),
            vec![&auditor],
            vec![&hr, &staff],
        ),
    ];
    for (name, call, allowed, denied) in &routes {
        for t in allowed {
            let res = call(t);
            assert_eq!(
                res.status(),
                200,
                "{name} should be allowed: {}",
                res.text().unwrap_or_default()
            );
        }
        for t in denied {
            expect_problem(call(t), 403, "forbidden");
        }
        expect_problem(call(""), 401, "unauthorized");
    }
    // Creates: allowed roles get 201, denied ones 403 and nothing is written.
    let code = |prefix: &str| {
        n.set(n.get() + 1);
        format!("{prefix}{}", n.get())
    };
    for t in [&admin, &owner] {
        json_of(
            app.post(
                t,
                "/api/v1/branches",
                &json!({"code": code("B"), "name": "x", "state_code": "27"}),
            ),
            201,
        );
    }
    for t in [&hr, &auditor, &staff, &accountant] {
        expect_problem(
            app.post(
                t,
                "/api/v1/branches",
                &json!({"code": code("B"), "name": "x", "state_code": "27"}),
            ),
            403,
            "forbidden",
        );
    }
    let body = |c: String| json!({"employee_code": c, "name": "x", "branch_id": branch});
    json_of(app.post(&hr, "/api/v1/employees", &body(code("E-"))), 201);
    for t in [&admin, &auditor, &staff, &accountant] {
        expect_problem(
            app.post(t, "/api/v1/employees", &body(code("E-"))),
            403,
            "forbidden",
        );
    }
    // A denied request with an invalid body is still 403, not 422 (permission first).
    expect_problem(
        app.post(
            &staff,
            "/api/v1/employees",
            &json!({"employee_code": "E", "name": "x", "branch_id": "nope"}),
        ),
        403,
        "forbidden",
    );
    let count = json_of(app.get(&owner, "/api/v1/employees"), 200)["items"]
        .as_array()
        .map(Vec::len);
    assert_eq!(count, Some(2));
}

#[test]
fn audit_list_filters_pages_and_verify_detects_tampering() {
    let app = TestApp::start();
    let owner = app.owner_token("acme");
    let me = json_of(app.get(&owner, "/api/v1/auth/me"), 200);
    let branch = id_of(&create_branch(&app, &owner, "HQ", "27"));
    let emp = id_of(&create_employee(
        &app,
        &owner,
        &employee_body(
            &branch,
            "E-1",
            "Asha",
            PAN_A,
            &aadhaar("23412341234"),
            ACCT_A,
        ),
    ));
    json_of(
        app.patch(
            &owner,
            &format!("/api/v1/employees/{emp}"),
            &json!({"designation": "Lead"}),
        ),
        200,
    );
    json_of(
        app.get(&owner, &format!("/api/v1/employees/{emp}?reveal=true")),
        200,
    );

    let all = audit_items(&app, &owner, "limit=200");
    let seqs: Vec<i64> = all.iter().filter_map(|e| e["seq"].as_i64()).collect();
    let mut sorted = seqs.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(seqs, sorted, "newest first");
    let v = json_of(app.get(&owner, "/api/v1/audit/verify"), 200);
    assert_eq!(v["ok"], true);
    assert_eq!(v["events"].as_i64(), Some(all.len() as i64));
    assert_eq!(v["head_hash"], all[0]["hash"]);
    assert!(v.get("first_bad_seq").is_none());

    let actions = |q: &str| -> Vec<String> {
        audit_items(&app, &owner, q)
            .iter()
            .map(|e| e["action"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(
        actions(&format!("entity=employee&entity_id={emp}")),
        ["employee.reveal", "employee.updated", "employee.created"]
    );
    assert_eq!(actions("action=branch.created"), ["branch.created"]);
    let mine = actions(&format!("actor_id={}", me["id"].as_str().expect("me")));
    assert!(mine.len() >= 4 && mine.contains(&"auth.login".to_string()));
    assert_eq!(
        actions(&format!("actor_id={}", bisman::ids::new_id())),
        Vec::<String>::new()
    );
    assert_eq!(actions("from=2000-01-01&to=2999-12-31").len(), all.len());
    assert!(actions("to=2000-01-01").is_empty());
    assert!(actions("from=2999-01-01T00:00:00Z").is_empty());
    for bad in [
        "actor_id=nope",
        "from=yesterday",
        "to=31-12-2026",
        "limit=0",
        "cursor=abc",
    ] {
        expect_problem(
            app.get(&owner, &format!("/api/v1/audit?{bad}")),
            422,
            "validation_failed",
        );
    }
    // Keyset pages of 2 walk the whole trail without gaps or repeats.
    let mut walked = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let q = match &cursor {
            Some(c) => format!("/api/v1/audit?limit=2&cursor={c}"),
            None => "/api/v1/audit?limit=2".to_string(),
        };
        let page = json_of(app.get(&owner, &q), 200);
        walked.extend(
            page["items"]
                .as_array()
                .expect("items")
                .iter()
                .filter_map(|e| e["seq"].as_i64()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(walked, seqs);

    // Tamper with event 3 directly in the file (the triggers must go first).
    let c = rusqlite::Connection::open(tenant_file(&app, "acme")).expect("open");
    c.busy_timeout(std::time::Duration::from_secs(10))
        .expect("busy");
    assert!(
        c.execute("UPDATE audit_events SET action = 'x' WHERE seq = 3", [])
            .is_err(),
        "UPDATE is refused"
    );
    c.execute_batch("DROP TRIGGER audit_events_no_update;")
        .expect("drop trigger");
    c.execute(
        "UPDATE audit_events SET changes = '{\"forged\":true}' WHERE seq = 3",
        [],
    )
    .expect("tamper");
    drop(c);
    let v = json_of(app.get(&owner, "/api/v1/audit/verify"), 200);
    assert_eq!(v["ok"], false, "{v}");
    assert_eq!(v["first_bad_seq"], 3);
}

#[test]
fn openapi_lists_the_new_routes() {
    let app = TestApp::start();
    let doc = json_of(app.get("", "/api-docs/openapi.json"), 200);
    for (path, method) in [
        ("/api/v1/branches", "get"),
        ("/api/v1/branches", "post"),
        ("/api/v1/branches/{id}", "get"),
        ("/api/v1/branches/{id}", "patch"),
        ("/api/v1/employees", "get"),
        ("/api/v1/employees", "post"),
        ("/api/v1/employees/{id}", "get"),
        ("/api/v1/employees/{id}", "patch"),
        ("/api/v1/employees/lookup", "post"),
        ("/api/v1/audit", "get"),
        ("/api/v1/audit/verify", "get"),
    ] {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} missing");
        assert!(op["responses"]["422"].is_object() && op["responses"]["404"].is_object());
    }
}

#[test]
fn demo_people_are_seeded_once_encrypted_and_revealable() {
    let app = TestApp::start();
    let token = app.owner_token("demo-like");
    let handle = app.tenants.open_blocking("demo-like").expect("tenant");
    let owner = json_of(app.get(&token, "/api/v1/auth/me"), 200)["id"]
        .as_str()
        .expect("id")
        .to_string();
    let branches = bisman::modules::sales::demo::ensure_branches(&handle).expect("branches");
    let seed = || bisman::modules::hr::demo::seed(&handle, &app.keys, &branches, &owner);
    assert_eq!(seed().expect("seed"), 20);
    assert_eq!(seed().expect("again"), 0, "only once");

    let page = json_of(app.get(&token, "/api/v1/employees?limit=200"), 200);
    let items = page["items"].as_array().expect("items");
    assert_eq!(items.len(), 20);
    let in_branches: std::collections::HashSet<&str> = items
        .iter()
        .filter_map(|e| e["branch_id"].as_str())
        .collect();
    assert_eq!(in_branches.len(), 3, "spread over the demo branches");
    for e in items {
        let pan = e["pan"].as_str().expect("pan");
        assert!(pan.starts_with("******"), "masked in lists: {pan}");
    }
    let id = items[0]["id"].as_str().expect("id");
    let full = json_of(
        app.get(&token, &format!("/api/v1/employees/{id}?reveal=true")),
        200,
    );
    let pan = full["pan"].as_str().expect("pan");
    assert_eq!(pan.len(), 10);
    let found = json_of(
        app.post(&token, "/api/v1/employees/lookup", &json!({"pan": pan})),
        200,
    );
    assert_eq!(found["items"][0]["id"], id);
}
