//! Documents over real HTTP: type by content, size limit, names, encryption at rest,
//! permissions and branch scope, owners that go away, tampering, and malware scanning
//! against the real clamd started by `scripts/test.sh` (no mocks).

mod common;

use std::os::unix::net::UnixListener;
use std::time::Duration;

use common::*;
use reqwest::blocking::multipart::{Form, Part};
use reqwest::blocking::Response;
use serde_json::{json, Value};

const MIB: usize = 1024 * 1024;
const SOCKET_ENV: &str = "BISMAN_TEST_CLAMD_SOCKET";

/// A PDF-looking document whose body says `text` (and is padded to `size` bytes if larger).
fn pdf(text: &str, size: usize) -> Vec<u8> {
    let mut out = format!("%PDF-1.4\n1 0 obj\n<< /Title ({text}) >>\nendobj\n").into_bytes();
    if out.len() < size {
        out.resize(size - 6, b' ');
        out.extend_from_slice(b"%%EOF\n");
    }
    out
}

/// Built at run time so that this source file is not itself a detection.
fn eicar() -> String {
    let mut s = String::from("X5O!P%@AP[4\\PZX54(P^)7CC)7}$");
    s.push_str("EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*");
    s
}

struct Env {
    app: TestApp,
    slug: String,
    owner: String,
    branch: String,
    employee: String,
}

fn setup(app: TestApp, slug: &str) -> Env {
    let owner = app.owner_token(slug);
    let branch = app.create_branch(&owner);
    let employee = new_employee(&app, &owner, &branch, "E001");
    Env {
        app,
        slug: slug.into(),
        owner,
        branch,
        employee,
    }
}

fn new_employee(app: &TestApp, token: &str, branch: &str, code: &str) -> String {
    json_of(
        app.post(
            token,
            "/api/v1/employees",
            &json!({"employee_code": code, "name": "Priya Raman", "branch_id": branch}),
        ),
        201,
    )["id"]
        .as_str()
        .expect("employee id")
        .to_string()
}

fn new_draft_invoice(env: &Env) -> String {
    let app = &env.app;
    let customer = json_of(
        app.post(
            &env.owner,
            "/api/v1/customers",
            &json!({"name": "Shree Traders", "state_code": "29"}),
        ),
        201,
    )["id"]
        .as_str()
        .expect("id")
        .to_string();
    let item = json_of(
        app.post(
            &env.owner,
            "/api/v1/items",
            &json!({"sku": format!("SKU{}", &customer[30..]), "name": "Chair", "hsn_sac": "9401",
            "unit": "nos", "unit_price_paise": 150000, "gst_rate_bp": 1800}),
        ),
        201,
    )["id"]
        .as_str()
        .expect("id")
        .to_string();
    json_of(
        app.post(&env.owner, "/api/v1/invoices", &json!({"branch_id": env.branch, "customer_id": customer,
            "invoice_date": "2026-06-15", "due_date": "2026-07-15", "lines": [{"item_id": item, "quantity": 2}]})),
        201,
    )["id"]
        .as_str()
        .expect("id")
        .to_string()
}

fn upload(
    app: &TestApp,
    token: &str,
    entity: &str,
    id: &str,
    name: &str,
    mime: &str,
    data: Vec<u8>,
) -> Response {
    let part = Part::bytes(data)
        .file_name(name.to_string())
        .mime_str(mime)
        .expect("mime");
    let form = Form::new()
        .text("entity", entity.to_string())
        .text("entity_id", id.to_string())
        .part("file", part);
    app.req(reqwest::Method::POST, token, "/api/v1/files")
        .multipart(form)
        .send()
        .expect("upload")
}

/// (files, chunks, audit events) in the tenant file.
fn counts(env: &Env) -> (i64, i64, i64) {
    let t = env.app.tenants.open_blocking(&env.slug).expect("tenant");
    t.db.read_blocking(|c| {
        let n = |sql: &str| c.query_row(sql, [], |r| r.get::<_, i64>(0));
        Ok((
            n("SELECT count(*) FROM files")?,
            n("SELECT count(*) FROM file_chunks")?,
            n("SELECT count(*) FROM audit_events")?,
        ))
    })
    .expect("counts")
}

fn last_event(env: &Env) -> Value {
    let items = json_of(env.app.get(&env.owner, "/api/v1/audit?limit=200"), 200)["items"].clone();
    items
        .as_array()
        .and_then(|a| a.iter().max_by_key(|e| e["seq"].as_i64()))
        .cloned()
        .expect("an event")
}

#[test]
fn uploads_are_checked_by_content_size_and_name_and_refusals_store_nothing() {
    let env = setup(TestApp::start(), "acme");
    let (app, owner, emp) = (&env.app, env.owner.as_str(), env.employee.as_str());

    let stored = json_of(
        upload(
            app,
            owner,
            "employee",
            emp,
            "photo-id.png",
            "image/png",
            PNG.to_vec(),
        ),
        201,
    );
    assert_eq!(stored["filename"], "photo-id.png");
    assert_eq!(stored["content_type"], "image/png");
    assert_eq!(stored["size"], PNG.len());
    assert_eq!(stored["scan"], "unscanned", "no scanner configured");
    assert_eq!(stored["entity"], "employee");
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(PNG));
    assert_eq!(stored["sha256"], sha);
    let before = counts(&env);
    assert_eq!((before.0, before.1), (1, 1));

    // The same bytes come back, as an attachment with the detected type.
    let res = app.get(
        owner,
        &format!("/api/v1/files/{}", stored["id"].as_str().expect("id")),
    );
    assert_eq!(res.status(), 200);
    let h = res.headers().clone();
    assert_eq!(h["content-type"], "image/png");
    assert_eq!(
        h["content-disposition"],
        "attachment; filename=\"photo-id.png\"; filename*=UTF-8''photo-id.png"
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(res.bytes().expect("body").as_ref(), PNG);

    // A name without an extension gets the detected one; a Unicode name survives.
    let named = json_of(
        upload(
            app,
            owner,
            "employee",
            emp,
            "आधार",
            "application/octet-stream",
            PNG.to_vec(),
        ),
        201,
    );
    assert_eq!(named["filename"], "आधार.png");
    let res = app.get(
        owner,
        &format!("/api/v1/files/{}", named["id"].as_str().expect("id")),
    );
    assert_eq!(res.headers()["content-disposition"], "attachment; filename=\"____.png\"; filename*=UTF-8''%E0%A4%86%E0%A4%A7%E0%A4%BE%E0%A4%B0.png");
    let listed = json_of(
        app.get(
            owner,
            &format!("/api/v1/files?entity=employee&entity_id={emp}"),
        ),
        200,
    );
    let names: Vec<&str> = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|f| f["filename"].as_str())
        .collect();
    assert_eq!(names, ["photo-id.png", "आधार.png"]);
    let before = counts(&env);

    // Exactly the limit is fine (default 10 MiB): 40 chunks of 256 KiB.
    let big = json_of(
        upload(
            app,
            owner,
            "employee",
            emp,
            "scan.pdf",
            "application/pdf",
            pdf("big", 10 * MIB),
        ),
        201,
    );
    assert_eq!(big["size"], 10 * MIB);
    let after_big = counts(&env);
    assert_eq!((after_big.0 - before.0, after_big.1 - before.1), (1, 40));
    let back = app.get(
        owner,
        &format!("/api/v1/files/{}", big["id"].as_str().expect("id")),
    );
    assert_eq!(back.bytes().expect("body").len(), 10 * MIB);
    let before = counts(&env);

    let other = TestApp::start();
    let other_owner = other.owner_token("other");
    let other_branch = json_of(
        other.post(
            &other_owner,
            "/api/v1/branches",
            &json!({"code": "DEL", "name": "Delhi", "state_code": "07", "address": "CP"}),
        ),
        201,
    )["id"]
        .as_str()
        .expect("id")
        .to_string();
    let foreign_employee = new_employee(&other, &other_owner, &other_branch, "X001");

    let refusals: Vec<(&str, Response, u16, &str)> = vec![
        (
            "PNG renamed .pdf",
            upload(
                app,
                owner,
                "employee",
                emp,
                "photo.pdf",
                "application/pdf",
                PNG.to_vec(),
            ),
            415,
            "unsupported_media_type",
        ),
        (
            "HTML sent as image/png",
            upload(
                app,
                owner,
                "employee",
                emp,
                "x.png",
                "image/png",
                b"<html><script>alert(1)</script></html>".to_vec(),
            ),
            415,
            "unsupported_media_type",
        ),
        (
            "PDF named .html",
            upload(
                app,
                owner,
                "employee",
                emp,
                "page.html",
                "text/html",
                pdf("polyglot", 0),
            ),
            415,
            "unsupported_media_type",
        ),
        (
            "10 MiB + 1 byte",
            upload(
                app,
                owner,
                "employee",
                emp,
                "big.pdf",
                "application/pdf",
                pdf("big", 10 * MIB + 1),
            ),
            413,
            "payload_too_large",
        ),
        (
            "path as name",
            upload(
                app,
                owner,
                "employee",
                emp,
                "../../etc/passwd",
                "application/pdf",
                pdf("x", 0),
            ),
            422,
            "validation_failed",
        ),
        (
            "empty file",
            upload(
                app,
                owner,
                "employee",
                emp,
                "empty.pdf",
                "application/pdf",
                Vec::new(),
            ),
            422,
            "validation_failed",
        ),
        (
            "unknown owner kind",
            upload(
                app,
                owner,
                "customer",
                emp,
                "a.pdf",
                "application/pdf",
                pdf("x", 0),
            ),
            422,
            "validation_failed",
        ),
        (
            "owner id not a UUID",
            upload(
                app,
                owner,
                "employee",
                "42",
                "a.pdf",
                "application/pdf",
                pdf("x", 0),
            ),
            422,
            "validation_failed",
        ),
        (
            "no such employee",
            upload(
                app,
                owner,
                "employee",
                &uuid::Uuid::now_v7().to_string(),
                "a.pdf",
                "application/pdf",
                pdf("x", 0),
            ),
            422,
            "validation_failed",
        ),
        (
            "another tenant's employee",
            upload(
                app,
                owner,
                "employee",
                &foreign_employee,
                "a.pdf",
                "application/pdf",
                pdf("x", 0),
            ),
            422,
            "validation_failed",
        ),
        (
            "JSON instead of multipart",
            app.post(owner, "/api/v1/files", &json!({"entity": "employee"})),
            415,
            "unsupported_media_type",
        ),
        (
            "no token",
            upload(
                app,
                "",
                "employee",
                emp,
                "a.pdf",
                "application/pdf",
                pdf("x", 0),
            ),
            401,
            "unauthorized",
        ),
        (
            "forged token",
            upload(
                app,
                &format!("{owner}x"),
                "employee",
                emp,
                "a.pdf",
                "application/pdf",
                pdf("x", 0),
            ),
            401,
            "unauthorized",
        ),
    ];
    for (what, res, status, code) in refusals {
        let got = res.status().as_u16();
        let body: Value = res
            .json()
            .unwrap_or_else(|e| panic!("{what}: no problem document: {e}"));
        assert_eq!(
            (got, body["type"].as_str().unwrap_or_default()),
            (
                status,
                format!("https://bisman.dev/problems/{code}").as_str()
            ),
            "{what}: {body}"
        );
        assert_eq!(
            counts(&env),
            before,
            "{what}: something was stored or audited"
        );
    }

    // Missing and unknown form fields are named.
    let form = Form::new().text("entity", "employee").text("colour", "red");
    let res = app
        .req(reqwest::Method::POST, owner, "/api/v1/files")
        .multipart(form)
        .send()
        .expect("send");
    let problem = expect_problem(res, 422, "validation_failed");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["colour", "entity_id", "file"]);
    assert_eq!(counts(&env), before);

    // Unknown and foreign file ids are simply not found.
    expect_problem(
        app.get(owner, &format!("/api/v1/files/{}", uuid::Uuid::now_v7())),
        404,
        "not_found",
    );
    expect_problem(app.get(owner, "/api/v1/files/not-a-uuid"), 404, "not_found");
    let foreign_file = json_of(
        upload(
            &other,
            &other_owner,
            "employee",
            &foreign_employee,
            "a.pdf",
            "application/pdf",
            pdf("x", 0),
        ),
        201,
    );
    expect_problem(
        app.get(
            owner,
            &format!("/api/v1/files/{}", foreign_file["id"].as_str().expect("id")),
        ),
        404,
        "not_found",
    );

    // Refusals are counted by reason.
    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .expect("metrics")
        .text()
        .expect("text");
    for reason in ["unsupported_type", "too_large", "invalid"] {
        assert!(
            metrics.contains(&format!(
                "bisman_uploads_rejected_total{{reason=\"{reason}\"}}"
            )),
            "{reason} not counted"
        );
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn documents_are_encrypted_at_rest_and_tampering_is_refused() {
    let env = setup(TestApp::start(), "acme");
    let (app, owner, emp) = (&env.app, env.owner.as_str(), env.employee.as_str());
    let marker = "AADHAAR-CARD-OF-PRIYA-RAMAN-2345";
    let a = json_of(
        upload(
            app,
            owner,
            "employee",
            emp,
            "aadhaar.pdf",
            "application/pdf",
            pdf(marker, 300 * 1024),
        ),
        201,
    );
    let b = json_of(
        upload(
            app,
            owner,
            "employee",
            emp,
            "pan.pdf",
            "application/pdf",
            pdf("PAN CARD", 300 * 1024),
        ),
        201,
    );
    let dir = app.dir.path().join("tenants/acme");
    for f in ["tenant.db", "tenant.db-wal"] {
        let bytes = std::fs::read(dir.join(f)).unwrap_or_default();
        assert!(
            !contains(&bytes, marker.as_bytes()),
            "{f} holds the document in plaintext"
        );
    }

    // Swap the first chunks of the two documents behind the API's back: both are refused
    // (409, never 5xx, never the other document's bytes).
    let t = app.tenants.open_blocking("acme").expect("tenant");
    let (ida, idb) = (
        a["id"].as_str().expect("id").to_string(),
        b["id"].as_str().expect("id").to_string(),
    );
    let (x, y) = (ida.clone(), idb.clone());
    t.db.write_blocking(move |tx| {
        let blob = |id: &str| {
            tx.query_row(
                "SELECT data FROM file_chunks WHERE file_id = ?1 AND idx = 0",
                [id],
                |r| r.get::<_, Vec<u8>>(0),
            )
        };
        let (bx, by) = (blob(&x)?, blob(&y)?);
        tx.execute(
            "UPDATE file_chunks SET data = ?2 WHERE file_id = ?1 AND idx = 0",
            rusqlite::params![x, by],
        )?;
        tx.execute(
            "UPDATE file_chunks SET data = ?2 WHERE file_id = ?1 AND idx = 0",
            rusqlite::params![y, bx],
        )?;
        Ok(())
    })
    .expect("swap");
    for id in [&ida, &idb] {
        expect_problem(
            app.get(owner, &format!("/api/v1/files/{id}")),
            409,
            "conflict",
        );
    }
    // Dropping the tail is noticed too.
    let c = json_of(
        upload(
            app,
            owner,
            "employee",
            emp,
            "long.pdf",
            "application/pdf",
            pdf("long", 600 * 1024),
        ),
        201,
    );
    let idc = c["id"].as_str().expect("id").to_string();
    let z = idc.clone();
    t.db.write_blocking(move |tx| {
        tx.execute(
            "DELETE FROM file_chunks WHERE file_id = ?1 AND idx = 2",
            [&z],
        )?;
        tx.execute("UPDATE files SET chunk_count = 2 WHERE id = ?1", [&z])?;
        Ok(())
    })
    .expect("truncate");
    expect_problem(
        app.get(owner, &format!("/api/v1/files/{idc}")),
        409,
        "conflict",
    );
}

#[test]
fn a_deleted_draft_invoice_takes_its_documents_and_no_orphan_can_be_made() {
    let env = setup(TestApp::start(), "acme");
    let (app, owner) = (&env.app, env.owner.as_str());
    let invoice = new_draft_invoice(&env);
    let f = json_of(
        upload(
            app,
            owner,
            "invoice",
            &invoice,
            "quote.pdf",
            "application/pdf",
            pdf("quote", 0),
        ),
        201,
    );
    assert_eq!(f["entity"], "invoice");
    let listed = json_of(
        app.get(
            owner,
            &format!("/api/v1/files?entity=invoice&entity_id={invoice}"),
        ),
        200,
    );
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(1));
    let before = counts(&env);
    assert_eq!((before.0, before.1), (1, 1));

    let res = app.delete(owner, &format!("/api/v1/invoices/{invoice}"));
    assert_eq!(res.status(), 204, "{}", res.text().unwrap_or_default());
    let after = counts(&env);
    assert_eq!(
        (after.0, after.1),
        (0, 0),
        "the draft's document and chunks went with it"
    );
    expect_problem(
        app.get(
            owner,
            &format!("/api/v1/files/{}", f["id"].as_str().expect("id")),
        ),
        404,
        "not_found",
    );
    expect_problem(
        upload(
            app,
            owner,
            "invoice",
            &invoice,
            "late.pdf",
            "application/pdf",
            pdf("late", 0),
        ),
        422,
        "validation_failed",
    );

    // Even a direct insert for a missing owner is refused by the schema.
    let t = app.tenants.open_blocking("acme").expect("tenant");
    let err = t.db.write_blocking(|tx| {
        tx.execute(
            "INSERT INTO files (id, entity, entity_id, filename, content_type, size, sha256, scan, chunk_count, created_by, created_at)
             VALUES ('f', 'invoice', 'gone', 'x.pdf', 'application/pdf', 1, '', 'clean', 1, 'u', 'now')",
            [],
        )?;
        Ok(())
    });
    assert!(err.is_err(), "an orphan document was accepted");
    assert_eq!(counts(&env).0, 0);

    // A document can be removed on its own; that is audited.
    let invoice = new_draft_invoice(&env);
    let f = json_of(
        upload(
            app,
            owner,
            "invoice",
            &invoice,
            "quote.pdf",
            "application/pdf",
            pdf("quote", 0),
        ),
        201,
    );
    let id = f["id"].as_str().expect("id");
    assert_eq!(
        app.delete(owner, &format!("/api/v1/files/{id}")).status(),
        204
    );
    assert_eq!(last_event(&env)["action"], "file.deleted");
    expect_problem(
        app.get(owner, &format!("/api/v1/files/{id}")),
        404,
        "not_found",
    );
}

#[test]
fn permissions_allow_and_deny_and_branch_scope_hides_documents() {
    let env = setup(TestApp::start(), "acme");
    let (app, owner, emp) = (&env.app, env.owner.as_str(), env.employee.as_str());
    let invoice = new_draft_invoice(&env);
    let emp_file = json_of(
        upload(
            app,
            owner,
            "employee",
            emp,
            "id.png",
            "image/png",
            PNG.to_vec(),
        ),
        201,
    )["id"]
        .as_str()
        .expect("id")
        .to_string();
    let inv_file = json_of(
        upload(
            app,
            owner,
            "invoice",
            &invoice,
            "po.pdf",
            "application/pdf",
            pdf("po", 0),
        ),
        201,
    )["id"]
        .as_str()
        .expect("id")
        .to_string();
    let user = |email: &str, role: &str| app.user_token("acme", owner, email, &[role]);
    let (hr, admin, staff, auditor, accountant) = (
        user("hr@acme.example.in", "hr_manager"),
        user("admin@acme.example.in", "admin"),
        user("staff@acme.example.in", "staff"),
        user("audit@acme.example.in", "auditor"),
        user("acct@acme.example.in", "accountant"),
    );
    let list = |t: &str, entity: &str, id: &str| {
        app.get(t, &format!("/api/v1/files?entity={entity}&entity_id={id}"))
            .status()
            .as_u16()
    };
    let get = |t: &str, id: &str| app.get(t, &format!("/api/v1/files/{id}")).status().as_u16();
    let up = |t: &str, entity: &str, id: &str| {
        upload(app, t, entity, id, "a.pdf", "application/pdf", pdf("a", 0))
            .status()
            .as_u16()
    };

    // (who, list employee docs, download employee doc, upload to employee,
    //       list invoice docs, download invoice doc, upload to invoice)
    let table: [(&str, &str, [u16; 6]); 5] = [
        ("hr_manager", &hr, [200, 200, 201, 403, 404, 403]),
        (
            "admin (reads, no reveal)",
            &admin,
            [200, 403, 403, 200, 200, 403],
        ),
        ("staff", &staff, [403, 404, 403, 200, 200, 201]),
        ("auditor", &auditor, [200, 403, 403, 200, 200, 403]),
        ("accountant", &accountant, [403, 404, 403, 200, 200, 201]),
    ];
    for (who, token, want) in table {
        let got = [
            list(token, "employee", emp),
            get(token, &emp_file),
            up(token, "employee", emp),
            list(token, "invoice", &invoice),
            get(token, &inv_file),
            up(token, "invoice", &invoice),
        ];
        assert_eq!(got, want, "{who}");
    }
    // Each employee document download is audited (the hr manager's above, and this one).
    assert_eq!(get(owner, &emp_file), 200);
    let event = last_event(&env);
    assert_eq!(
        (event["action"].as_str(), event["entity_id"].as_str()),
        (Some("file.downloaded"), Some(emp_file.as_str()))
    );
    // Deleting needs write on the owner.
    assert_eq!(
        app.delete(&auditor, &format!("/api/v1/files/{inv_file}"))
            .status(),
        403
    );
    assert_eq!(
        app.delete(&hr, &format!("/api/v1/files/{inv_file}"))
            .status(),
        404
    );

    // A user limited to another branch neither sees nor attaches to this branch's records.
    let other_branch = json_of(
        app.post(owner, "/api/v1/branches", &json!({"code": "MYS", "name": "Mysuru", "state_code": "29", "address": "Sayyaji Rao Road"})),
        201,
    )["id"]
        .as_str()
        .expect("id")
        .to_string();
    let pw = "Us3r-Secret#word";
    json_of(
        app.post(
            owner,
            "/api/v1/users",
            &json!({"email": "mys@acme.example.in", "name": "Mysuru HR", "password": pw,
            "roles": ["hr_manager", "accountant"], "branch_ids": [other_branch]}),
        ),
        201,
    );
    let scoped = token_of(&app.login("acme", "mys@acme.example.in", pw));
    assert_eq!(list(&scoped, "employee", emp), 404);
    assert_eq!(get(&scoped, &emp_file), 404);
    assert_eq!(get(&scoped, &inv_file), 404);
    assert_eq!(up(&scoped, "employee", emp), 422);
    assert_eq!(up(&scoped, "invoice", &invoice), 422);
    let own = new_employee(app, &scoped, &other_branch, "M001");
    assert_eq!(up(&scoped, "employee", &own), 201);
}

fn scanning_app(socket: &std::path::Path, fail_open: bool, timeout: Duration) -> Env {
    let socket = socket.to_path_buf();
    let app = TestApp::start_with(move |s| {
        s.clamd = Some(bisman::scan::ClamdTarget::Unix(socket));
        s.clamd_fail_open = fail_open;
        s.clamd_timeout = timeout;
    });
    setup(app, "acme")
}

fn real_clamd() -> std::path::PathBuf {
    match std::env::var_os(SOCKET_ENV) {
        Some(p) if !p.is_empty() => p.into(),
        _ => panic!(
            "{SOCKET_ENV} is not set: run through scripts/test.sh, which starts a real clamd"
        ),
    }
}

fn ready(app: &TestApp) -> (u16, Value) {
    let res = app.client.get(app.url("/ready")).send().expect("ready");
    (res.status().as_u16(), res.json().expect("json"))
}

#[test]
fn real_clamd_passes_clean_files_and_refuses_malware() {
    let env = scanning_app(&real_clamd(), false, Duration::from_secs(20));
    let (app, owner, emp) = (&env.app, env.owner.as_str(), env.employee.as_str());
    let clean = json_of(
        upload(
            app,
            owner,
            "employee",
            emp,
            "offer.pdf",
            "application/pdf",
            pdf("Offer letter", 0),
        ),
        201,
    );
    assert_eq!(clean["scan"], "clean");
    let png = json_of(
        upload(
            app,
            owner,
            "employee",
            emp,
            "photo.png",
            "image/png",
            PNG.to_vec(),
        ),
        201,
    );
    assert_eq!(png["scan"], "clean");
    let before = counts(&env);

    let infected = pdf(&eicar(), 0);
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&infected));
    let problem = expect_problem(
        upload(
            app,
            owner,
            "employee",
            emp,
            "invoice.pdf",
            "application/pdf",
            infected,
        ),
        422,
        "malware_detected",
    );
    assert!(
        problem["signature"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Bisman.Test.EICAR"),
        "{problem}"
    );
    let after = counts(&env);
    assert_eq!((after.0, after.1), (before.0, before.1), "nothing stored");
    assert_eq!(after.2, before.2 + 1, "one audit event");
    let event = last_event(&env);
    assert_eq!(event["action"], "file.rejected_malware");
    assert_eq!(event["changes"]["sha256"], sha);
    assert_eq!(event["changes"]["entity_id"], emp);
    assert!(event["changes"]["signature"]
        .as_str()
        .unwrap_or_default()
        .starts_with("Bisman.Test.EICAR"));
    assert!(
        !event.to_string().contains("EICAR-STANDARD"),
        "the content is not in the audit trail"
    );

    // Only the scanner's own check: other checks (disk space) depend on the machine.
    let (_, body) = ready(app);
    assert_eq!(body["checks"]["scanner"], "ok", "{body}");
    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .expect("metrics")
        .text()
        .expect("text");
    assert!(metrics.contains("bisman_uploads_rejected_total{reason=\"malware\"}"));
}

#[test]
fn a_stopped_scanner_refuses_uploads_when_fail_closed_and_marks_them_when_fail_open() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gone = dir.path().join("clamd.sock"); // nothing listens: clamd is stopped
    let env = scanning_app(&gone, false, Duration::from_secs(5));
    let before = counts(&env);
    expect_problem(
        upload(
            &env.app,
            &env.owner,
            "employee",
            &env.employee,
            "a.pdf",
            "application/pdf",
            pdf("a", 0),
        ),
        503,
        "scanner_unavailable",
    );
    assert_eq!(counts(&env), before, "nothing stored or audited");
    let (status, body) = ready(&env.app);
    assert_eq!(status, 503, "{body}");
    assert_ne!(body["checks"]["scanner"], "ok");

    let env = scanning_app(&gone, true, Duration::from_secs(5));
    let stored = json_of(
        upload(
            &env.app,
            &env.owner,
            "employee",
            &env.employee,
            "a.pdf",
            "application/pdf",
            pdf("a", 0),
        ),
        201,
    );
    assert_eq!(stored["scan"], "unscanned");
    let event = last_event(&env);
    assert_eq!(event["action"], "file.uploaded");
    assert_eq!(event["changes"]["scan"], "unscanned");
    assert_eq!(event["changes"]["scanner"], "unavailable (fail_open)");
}

#[test]
fn a_scanner_that_hangs_past_the_timeout_counts_as_unavailable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("hung.sock");
    let listener = UnixListener::bind(&path).expect("bind");
    // Accepts and reads, never answers: a wedged clamd.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming().flatten() {
            held.push(conn);
        }
    });
    let env = scanning_app(&path, false, Duration::from_millis(800));
    let started = std::time::Instant::now();
    expect_problem(
        upload(
            &env.app,
            &env.owner,
            "employee",
            &env.employee,
            "a.pdf",
            "application/pdf",
            pdf("a", 0),
        ),
        503,
        "scanner_unavailable",
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "the timeout bounded the wait"
    );
    assert_eq!(counts(&env).0, 0);
}
