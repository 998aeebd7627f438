//! Purchases and stock: bill post throughput over loopback (re-price, duplicate check,
//! freeze, stock movement, journal, audit), and the stock reports at MOVES movements.
//!
//! The movements are written straight into the tenant file through the same
//! `stock::moves` functions the server uses (so levels and running balances are right),
//! spread over 200 items, three branches and a year; then the real server answers.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use bisman::modules::stock::moves::{self, Kind, Move};
use reqwest::blocking::Client;
use serde_json::json;

use super::shop::{self, ok, open_shop, post};
use super::{drive, header, provision, report, Server};

const ITEMS: usize = 200;

/// Alternating receipts and issues until `n` movements exist.
fn load_moves(tenant_db: &Path, n: usize) {
    let mut conn = bisman::db::connection::open_writer(tenant_db).expect("open tenant db");
    let tx = conn.transaction().expect("tx");
    let now = "2026-01-01T00:00:00Z";
    let mut items = Vec::new();
    for i in 0..ITEMS {
        let id = uuid::Uuid::now_v7().to_string();
        tx.execute(
            "INSERT INTO items (id, sku, name, hsn_sac, unit, unit_price_paise, gst_rate_bp,
                 version, created_at, updated_at, track_stock)
             VALUES (?1, ?2, ?3, '1006', 'bag', 10000, 500, 1, ?4, ?4, 1)",
            rusqlite::params![id, format!("STK-{i:04}"), format!("Stock item {i}"), now],
        )
        .expect("item");
        items.push(id);
    }
    for (code, state) in [("MUM", "27"), ("PUN", "27"), ("BLR", "29")] {
        tx.execute(
            "INSERT INTO branches (id, code, name, state_code, address, created_at, updated_at)
             VALUES (?1, ?2, ?2, ?3, 'Bench Road', ?4, ?4)",
            rusqlite::params![uuid::Uuid::now_v7().to_string(), code, state, now],
        )
        .expect("branch");
    }
    let branches: Vec<String> = tx
        .prepare("SELECT id FROM branches")
        .and_then(|mut s| {
            s.query_map([], |r| r.get(0))
                .and_then(|rows| rows.collect::<Result<Vec<String>, _>>())
        })
        .expect("branches");
    let source = uuid::Uuid::now_v7().to_string();
    for k in 0..n {
        let day = time::Date::from_ordinal_date(2025, 100).expect("date")
            + time::Duration::days((k % 365) as i64);
        let date = bisman::domain::format_iso_date(day);
        let m = Move {
            // Two receipts and an issue of one item at one branch, in turn.
            item_id: &items[(k / 3) % ITEMS],
            branch_id: &branches[(k / 3 / ITEMS) % branches.len()],
            date: &date,
            kind: if k % 3 == 2 {
                Kind::Sale
            } else {
                Kind::Purchase
            },
            source_type: "bench",
            source_id: &source,
            line_no: None,
            reference: "bench",
        };
        if k % 3 == 2 {
            moves::issue(&tx, &m, 1_000, "bench").expect("issue");
        } else {
            moves::receive(&tx, &m, 1_500, 15_000 + (k as i64 % 977)).expect("receive");
        }
    }
    tx.commit().expect("commit");
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;")
        .expect("checkpoint");
}

pub fn purchases(movements: usize, bills: usize) {
    let dir = tempfile::tempdir().expect("tmp");
    let slugs = provision(dir.path(), 2);
    let server = Server::start(dir.path(), &[]);
    let c = Client::new();
    let s = open_shop(&c, &server.base, &slugs[0], 0, (1, 20, 0, 0));
    let vendor = post(
        &c,
        &server.base,
        &s.token,
        "/api/v1/vendors",
        &json!({"name": "Bench Supplier", "state_code": "29", "gstin": "29AAPFU0939F1ZR"}),
    )
    .and_then(|v| v["id"].as_str().map(str::to_string))
    .expect("vendor");
    let item = post(
        &c,
        &server.base,
        &s.token,
        "/api/v1/items",
        &json!({"sku": "STOCKED", "name": "Stocked goods", "hsn_sac": "1006", "unit": "bag",
                "unit_price_paise": 25000, "gst_rate_bp": 500, "track_stock": true}),
    )
    .and_then(|v| v["id"].as_str().map(str::to_string))
    .expect("item");
    let mut drafts = Vec::new();
    for i in 0..bills {
        let d = post(
            &c,
            &server.base,
            &s.token,
            "/api/v1/bills",
            &json!({"vendor_id": vendor, "branch_id": s.branch,
                    "supplier_invoice_no": format!("BENCH/{i}"),
                    "supplier_invoice_date": "2026-06-10", "due_date": "2026-07-10",
                    "lines": [{"item_id": item, "quantity": 12, "unit_price_paise": 18_050},
                              {"item_id": s.items[i % s.items.len()], "quantity": 3,
                               "unit_price_paise": 9_999, "itc": "blocked"}]}),
        )
        .expect("draft bill");
        drafts.push(d["id"].as_str().expect("id").to_string());
    }
    header();
    let (b, t, ids) = (server.base.clone(), s.token.clone(), Arc::new(drafts));
    let (st, wall) = drive(8, bills, move |i, c| {
        post(
            c,
            &b,
            &t,
            &format!("/api/v1/bills/{}/post", ids[i]),
            &json!({}),
        )
        .is_some()
    });
    report(
        "write: bill post (reprice, duplicate check, freeze, stock, journal, audit), 8 concurrent",
        &st,
        wall,
    );
    drop(server);

    let started = Instant::now();
    load_moves(
        &dir.path().join("tenants").join(&slugs[1]).join("tenant.db"),
        movements,
    );
    println!(
        "wrote {movements} stock movements into {} in {:.1} s",
        slugs[1],
        started.elapsed().as_secs_f64()
    );
    let server = Server::start(dir.path(), &[]);
    let c = Client::new();
    let token = shop::login_as(&c, &server.base, &slugs[1]);
    let any_item: String = {
        let conn = bisman::db::connection::open_writer(
            &dir.path().join("tenants").join(&slugs[1]).join("tenant.db"),
        )
        .expect("open");
        conn.query_row("SELECT id FROM items WHERE sku = 'STK-0007'", [], |r| {
            r.get(0)
        })
        .expect("item")
    };
    for (what, path) in [
        ("stock report, now", "/api/v1/reports/stock".to_string()),
        (
            "stock report, as of a day",
            "/api/v1/reports/stock?as_of=2025-12-31".to_string(),
        ),
        (
            "stock ledger, one item, first page",
            format!("/api/v1/reports/stock-ledger?item_id={any_item}&limit=100"),
        ),
    ] {
        let (b, t) = (server.base.clone(), token.clone());
        let (st, wall) = drive(2, 300, move |_, c| ok(c, &b, &t, &path));
        report(
            &format!("read: {what} at {movements} movements, 2 concurrent"),
            &st,
            wall,
        );
    }
}
