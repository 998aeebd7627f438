//! Books: trial balance and balance sheet at 10 k and at BIG journal lines, and what
//! posting adds to an invoice's issue.
//!
//! Journals are loaded straight into the tenant files through the same `posting::post`
//! the server uses (so the seal trigger keeps the day totals), spread over a year and
//! three branches; then the real server answers the reports over loopback.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use bisman::modules::books::posting::{self, DocKind, Entry, JournalKind, Line};
use reqwest::blocking::Client;
use serde_json::json;

use super::shop::{self, ok, open_shop, post};
use super::{drive, header, provision, report, Server};

/// Posts balanced four-line journals until `lines` lines exist, over 365 days.
fn load_journals(tenant_db: &Path, lines: usize) {
    let mut conn = bisman::db::connection::open_writer(tenant_db).expect("open tenant db");
    let tx = conn.transaction().expect("tx");
    let leaves: Vec<String> = tx
        .prepare(
            "SELECT id FROM accounts WHERE is_group = 0
               AND COALESCE(system_key, '') NOT IN ('sundry_debtors', 'sundry_creditors') ORDER BY code",
        )
        .and_then(|mut s| {
            s.query_map([], |r| r.get(0))
                .and_then(|rows| rows.collect::<Result<Vec<String>, _>>())
        })
        .expect("accounts");
    let branches: Vec<String> = tx
        .prepare("SELECT id FROM branches")
        .and_then(|mut s| {
            s.query_map([], |r| r.get(0))
                .and_then(|rows| rows.collect::<Result<Vec<String>, _>>())
        })
        .expect("branches");
    for j in 0..lines / 4 {
        let day = time::Date::from_ordinal_date(2025, 100).expect("date")
            + time::Duration::days((j % 365) as i64);
        let amount = 1_000 + (j as i64 * 7_919) % 1_000_000;
        let pick = |k: usize| leaves[(j * 13 + k * 7) % leaves.len()].clone();
        let branch = Some(branches[j % branches.len()].clone());
        let line = |k: usize, debit: bool, amount: i64| Line {
            account_id: pick(k),
            debit,
            amount_paise: amount,
            party: None,
            branch_id: branch.clone(),
        };
        posting::post(
            &tx,
            &Entry {
                date: bisman::domain::format_iso_date(day),
                kind: JournalKind::Manual,
                narration: format!("bench {j}"),
                source: None,
                reverses_id: None,
                lines: vec![
                    line(0, true, amount),
                    line(1, true, amount / 3),
                    line(2, false, amount / 2),
                    line(3, false, amount - amount / 2 + amount / 3),
                ],
            },
            "bench",
        )
        .expect("post");
    }
    tx.commit().expect("commit");
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;")
        .expect("checkpoint");
}

pub fn books(big: usize, issues: usize) {
    let dir = tempfile::tempdir().expect("tmp");
    let slugs = provision(dir.path(), 2);
    let mut shops = Vec::new();
    {
        let server = Server::start(dir.path(), &[]);
        let c = Client::new();
        for (t, slug) in slugs.iter().enumerate() {
            shops.push(open_shop(&c, &server.base, slug, t, (20, 40, 0, 0)));
        }
    }
    for (slug, n) in slugs.iter().zip([10_000, big]) {
        let started = Instant::now();
        load_journals(&dir.path().join("tenants").join(slug).join("tenant.db"), n);
        println!(
            "posted {n} journal lines into {slug} in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    let server = Server::start(dir.path(), &[]);
    header();
    for (slug, n) in slugs.iter().zip([10_000, big]) {
        let c = Client::new();
        let token = shop::login_as(&c, &server.base, slug);
        for (what, path) in [
            (
                "trial balance",
                "/api/v1/reports/trial-balance?as_of=2026-12-31",
            ),
            (
                "balance sheet",
                "/api/v1/reports/balance-sheet?as_of=2026-12-31",
            ),
            (
                "profit and loss, one year",
                "/api/v1/reports/profit-and-loss?from=2025-04-01&to=2026-03-31",
            ),
        ] {
            let (b, t) = (server.base.clone(), token.clone());
            let (st, wall) = drive(2, 1_000, move |_, c| ok(c, &b, &t, path));
            report(
                &format!("read: {what} at {n} journal lines, 2 concurrent"),
                &st,
                wall,
            );
        }
    }

    // Issue throughput with posting, then the posting's own cost on the same invoices.
    let s = Arc::new(shops.remove(0));
    let c = Client::new();
    let mut drafts = Vec::new();
    for i in 0..issues {
        let d = post(
            &c,
            &server.base,
            &s.token,
            "/api/v1/invoices",
            &shop::invoice_body(&s, i),
        )
        .expect("draft");
        drafts.push(d["id"].as_str().expect("id").to_string());
    }
    let (b, t, ids) = (
        server.base.clone(),
        s.token.clone(),
        Arc::new(drafts.clone()),
    );
    let (st, wall) = drive(8, issues, move |i, c| {
        post(
            c,
            &b,
            &t,
            &format!("/api/v1/invoices/{}/issue", ids[i]),
            &json!({}),
        )
        .is_some()
    });
    let per_issue = wall.as_secs_f64() / issues as f64;
    report(
        "write: invoice issue (reprice, number, freeze, post, audit), 8 concurrent",
        &st,
        wall,
    );
    drop(server);
    // The same postings again, in-process, in a transaction that is rolled back: the
    // invoices' journals are taken out first (triggers dropped inside the transaction).
    let path = dir.path().join("tenants").join(&slugs[0]).join("tenant.db");
    let mut conn = bisman::db::connection::open_writer(&path).expect("open");
    let tx = conn.transaction().expect("tx");
    tx.execute_batch(
        "DROP TRIGGER journal_lines_immutable_delete; DROP TRIGGER journals_no_delete;
         DELETE FROM journal_lines WHERE journal_id IN (SELECT id FROM journals WHERE source_type = 'invoice');
         DELETE FROM journals WHERE source_type = 'invoice';",
    )
    .expect("take the journals out");
    let started = Instant::now();
    for id in &drafts {
        posting::post_document(&tx, DocKind::Invoice, id, "bench").expect("post");
    }
    let per_post = started.elapsed().as_secs_f64() / drafts.len() as f64;
    drop(tx);
    println!(
        "posting: {:.0} µs per invoice journal in-process; {:.0} µs per issue at the server's 8-way throughput; posting is {:.1} % of an issue",
        per_post * 1e6,
        per_issue * 1e6,
        100.0 * per_post / per_issue
    );
}
