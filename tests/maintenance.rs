//! Upkeep inside the appliance, on real SQLite files: pruning of expired token rows and
//! old idempotency keys (never audit events), `PRAGMA optimize`, closing the pool of a
//! suspended tenant, and the pool gauges.

mod common;

use std::time::Duration;

use bisman::control::tenants::TenantStatus;
use common::*;
use rusqlite::params;
use serde_json::json;

fn count(c: &rusqlite::Connection, sql: &str) -> i64 {
    c.query_row(sql, [], |r| r.get(0)).expect("count")
}

#[test]
fn maintenance_prunes_what_expired_keeps_the_rest_and_never_touches_audit() {
    let app = TestApp::start();
    let email = app.create_tenant("acme");
    let login = app.login("acme", &email, OWNER_PASSWORD);
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let day = 86_400;

    app.control
        .write_blocking(|tx| {
            tx.execute(
                "INSERT INTO revoked_tokens (jti, expires_at) VALUES ('old', ?1), ('live', ?2)",
                params![now - day, now + 3600],
            )?;
            tx.execute(
                "INSERT INTO token_families (id, scope, tenant, user_id, created_at, expires_at) \
                 VALUES ('fam-old', 'tenant', 'acme', 'u', ?1, ?2)",
                params![now - 9 * day, now - 2 * day],
            )?;
            tx.execute(
                "INSERT INTO refresh_tokens (token_hash, family_id, issued_at, expires_at) VALUES ('h-old', 'fam-old', ?1, ?2)",
                params![now - 9 * day, now - 2 * day],
            )?;
            Ok(())
        })
        .expect("seed control");
    let handle = app.tenants.open_blocking("acme").expect("open");
    handle
        .db
        .write_blocking(|tx| {
            for (key, age) in [("old", 3 * day), ("fresh", 3600)] {
                tx.execute(
                    "INSERT INTO idempotency_keys (user_id, idem_key, request_hash, response_status, response_body, created_at) \
                     VALUES ('u', ?1, 'h', 201, '{}', ?2)",
                    params![key, now - age],
                )?;
            }
            Ok(())
        })
        .expect("seed tenant");
    let audit_before = handle
        .db
        .read_blocking(|c| Ok(count(c, "SELECT count(*) FROM audit_events")))
        .expect("audit");
    assert!(audit_before > 0);

    let r = bisman::maintenance::run_once(&app.tenants, now);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(
        r.control_pruned, 3,
        "revocation, refresh token, family: {r:?}"
    );
    assert_eq!(r.idempotency_pruned, 1);
    assert_eq!(r.tenants_optimized, 1);

    let c = rusqlite::Connection::open(app.dir.path().join("control.db")).expect("control");
    assert_eq!(
        count(&c, "SELECT count(*) FROM revoked_tokens WHERE jti = 'live'"),
        1
    );
    assert_eq!(count(&c, "SELECT count(*) FROM revoked_tokens"), 1);
    assert_eq!(
        count(
            &c,
            "SELECT count(*) FROM token_families WHERE id = 'fam-old'"
        ),
        0
    );
    assert!(
        count(&c, "SELECT count(*) FROM refresh_tokens") >= 1,
        "the live login stays"
    );
    let t =
        rusqlite::Connection::open(app.dir.path().join("tenants/acme/tenant.db")).expect("tenant");
    assert_eq!(
        count(
            &t,
            "SELECT count(*) FROM idempotency_keys WHERE idem_key = 'fresh'"
        ),
        1
    );
    assert_eq!(count(&t, "SELECT count(*) FROM idempotency_keys"), 1);
    assert_eq!(count(&t, "SELECT count(*) FROM audit_events"), audit_before);

    // The live session still refreshes.
    let res = app
        .client
        .post(app.url("/api/v1/auth/refresh"))
        .json(&json!({"refresh_token": login["refresh_token"]}))
        .send()
        .expect("refresh");
    assert_eq!(res.status(), 200);
}

#[test]
fn suspending_a_tenant_closes_its_pool_and_metrics_show_the_limit() {
    let app = TestApp::start_with(|s| s.max_open_tenants = 17);
    let acme = app.owner_token("acme");
    let globex = app.owner_token("globex");
    for t in [&acme, &globex] {
        assert_eq!(app.get(t, "/api/v1/branches").status(), 200);
    }
    assert_eq!(app.tenants.open_count(), 2);

    // Suspended through the registry (API or same process): closed at once.
    app.tenants
        .set_status_blocking("acme", TenantStatus::Suspended)
        .expect("suspend");
    assert_eq!(app.tenants.open_count(), 1);
    expect_problem(app.get(&acme, "/api/v1/branches"), 403, "tenant_suspended");
    assert_eq!(
        app.tenants.open_count(),
        1,
        "a refused request does not reopen it"
    );
    app.tenants
        .set_status_blocking("acme", TenantStatus::Active)
        .expect("resume");
    assert_eq!(app.get(&acme, "/api/v1/branches").status(), 200);
    assert_eq!(app.tenants.open_count(), 2);

    // Suspended by another process (the CLI writes the control DB): closed when noticed,
    // i.e. once the cached tenant record expires (5 s).
    app.control
        .write_blocking(|tx| {
            bisman::control::tenants::set_status(tx, "globex", TenantStatus::Suspended, "now")
                .map(|_| ())
        })
        .expect("suspend behind the registry's back");
    std::thread::sleep(Duration::from_millis(5500));
    expect_problem(
        app.get(&globex, "/api/v1/branches"),
        403,
        "tenant_suspended",
    );
    assert_eq!(app.tenants.open_count(), 1);

    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .and_then(|r| r.text())
        .expect("metrics");
    assert!(metrics.contains("bisman_tenant_pools_max 17"), "{metrics}");
    assert!(metrics.contains("bisman_sqlite_heap_bytes "), "{metrics}");
    assert!(metrics.contains("bisman_tenant_pools_open 1"), "{metrics}");
}
