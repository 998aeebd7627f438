//! The books over real HTTP: a month worked by hand (trial balance, profit and loss,
//! balance sheet, ledgers line by line), the invariants after random sequences of
//! documents, posting that is atomic with its document, the lock date, concurrency, and
//! bad journals that write nothing.

use std::collections::HashMap;
use std::sync::Arc;

use proptest::prelude::*;
use serde_json::{json, Value};

use super::support::*;
use crate::common::*;

/// The seeded chart: code → id.
pub fn chart(shop: &Shop) -> HashMap<String, String> {
    json_of(shop.app.get(&shop.owner, "/api/v1/accounts"), 200)["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|a| {
            (
                a["code"].as_str().expect("code").to_string(),
                a["id"].as_str().expect("id").to_string(),
            )
        })
        .collect()
}

/// Trial balance rows as code → signed balance (debit positive).
pub fn trial_balance(shop: &Shop, as_of: &str) -> (HashMap<String, i64>, Value) {
    let tb = json_of(
        shop.app.get(
            &shop.owner,
            &format!("/api/v1/reports/trial-balance?as_of={as_of}"),
        ),
        200,
    );
    let rows = tb["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["code"].as_str().expect("code").to_string(),
                r["debit_paise"].as_i64().expect("dr") - r["credit_paise"].as_i64().expect("cr"),
            )
        })
        .collect();
    (rows, tb)
}

fn journal(shop: &Shop, date: &str, narration: &str, lines: Value) -> reqwest::blocking::Response {
    shop.app.post(
        &shop.owner,
        "/api/v1/journals",
        &json!({"date": date, "narration": narration, "lines": lines}),
    )
}

fn journal_count(shop: &Shop) -> usize {
    json_of(shop.app.get(&shop.owner, "/api/v1/journals?limit=200"), 200)["items"]
        .as_array()
        .expect("items")
        .len()
}

fn issue_note(shop: &Shop, kind: &str, invoice: &str, date: &str, lines: Value) -> Value {
    let draft = json_of(
        shop.app.post(
            &shop.owner,
            &format!("/api/v1/{kind}-notes"),
            &json!({"invoice_id": invoice, "note_date": date, "reason": "sales_return", "lines": lines}),
        ),
        201,
    );
    json_of(
        shop.app.post(
            &shop.owner,
            &format!("/api/v1/{kind}-notes/{}/issue", id_of(&draft)),
            &json!({}),
        ),
        200,
    )
}

fn pay(shop: &Shop, invoice: &str, amount: i64, method: &str, date: &str) -> Value {
    json_of(
        shop.app.post(
            &shop.owner,
            "/api/v1/payments",
            &json!({"invoice_id": invoice, "amount_paise": amount, "method": method,
                    "received_on": date}),
        ),
        201,
    )
}

/// June 2026 at the Mumbai branch, every figure worked out by hand:
///
/// | date  | document                                                   |
/// |-------|------------------------------------------------------------|
/// | 06-01 | opening: bank ₹10,00,000 from capital (manual journal)     |
/// | 06-02 | INV 1 to a Mumbai customer: 3 × ₹1,000 @ 18 % = ₹3,540     |
/// | 06-05 | INV 2 to a Bengaluru customer: 2 × ₹250.50 @ 5 % IGST: ₹501 + ₹25.05 = ₹526.05, rounded to ₹526 (−5 paise) |
/// | 06-08 | credit note on INV 1: 1 returned = ₹1,000 + ₹90 + ₹90 = ₹1,180 (applied) |
/// | 06-10 | cash ₹2,360 settles INV 1; UPI ₹200 on INV 2               |
/// | 06-30 | rent ₹25,000 from the bank (manual journal)                |
#[test]
fn a_worked_month() {
    let shop = Shop::open("booksjune");
    let acc = chart(&shop);
    let mumbai = shop.customer("Asha Stores", "27");
    let blr = shop.customer("Kaveri Traders", "29");
    let chair = shop.item("CHAIR", 100_000, 1800);
    let pen = shop.item("PEN", 25_050, 500);

    json_of(
        journal(
            &shop,
            "2026-06-01",
            "Opening balance: capital brought into the bank",
            json!([{"account_id": acc["1121"], "debit_paise": 100_000_000},
                   {"account_id": acc["3100"], "credit_paise": 100_000_000}]),
        ),
        201,
    );
    let d1 = shop.draft_on(
        &shop.mum,
        &mumbai,
        "2026-06-02",
        "2026-07-02",
        json!([{"item_id": chair, "quantity": 3}]),
    );
    let inv1 = shop.issue(&id_of(&d1));
    assert_eq!(inv1["grand_total_paise"], 354_000);
    let d2 = shop.draft_on(
        &shop.mum,
        &blr,
        "2026-06-05",
        "2026-07-05",
        json!([{"item_id": pen, "quantity": 2}]),
    );
    let inv2 = shop.issue(&id_of(&d2));
    assert_eq!(
        (
            inv2["igst_total_paise"].as_i64(),
            inv2["round_off_paise"].as_i64(),
            inv2["grand_total_paise"].as_i64()
        ),
        (Some(2_505), Some(-5), Some(52_600))
    );
    let cn = issue_note(
        &shop,
        "credit",
        &id_of(&inv1),
        "2026-06-08",
        json!([{"invoice_line": 1, "quantity": 1}]),
    );
    assert_eq!(cn["grand_total_paise"], 118_000);
    pay(&shop, &id_of(&inv1), 236_000, "cash", "2026-06-10");
    pay(&shop, &id_of(&inv2), 20_000, "upi", "2026-06-10");
    json_of(
        journal(
            &shop,
            "2026-06-30",
            "Rent for June",
            json!([{"account_id": acc["5310"], "debit_paise": 2_500_000, "branch_id": shop.mum},
                   {"account_id": acc["1121"], "credit_paise": 2_500_000, "branch_id": shop.mum}]),
        ),
        201,
    );

    // Trial balance on 30 June, line by line.
    let (tb, raw) = trial_balance(&shop, "2026-06-30");
    let expected: HashMap<String, i64> = [
        ("1110", 236_000),      // cash
        ("1121", 97_520_000),   // bank: 10,00,000 + 200 − 25,000
        ("1130", 32_600),       // debtors: INV 2's ₹326 still due
        ("2121", -18_000),      // output CGST: 270 − 90
        ("2122", -18_000),      // output SGST
        ("2123", -2_505),       // output IGST
        ("3100", -100_000_000), // capital
        ("4104", -50_100),      // sales @ 5 %
        ("4106", -200_000),     // sales @ 18 %: 3,000 − 1,000 returned
        ("5310", 2_500_000),    // rent
        ("5360", 5),            // round off
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(tb, expected);
    assert_eq!(raw["total_debit_paise"], 100_288_605);
    assert_eq!(raw["total_credit_paise"], 100_288_605);

    // Profit and loss for June: income ₹2,501; rent and round-off ₹25,000.05.
    let pl = json_of(
        shop.app.get(
            &shop.owner,
            "/api/v1/reports/profit-and-loss?from=2026-06-01&to=2026-06-30",
        ),
        200,
    );
    assert_eq!(pl["income"]["total_paise"], 250_100);
    assert_eq!(pl["expenses"]["total_paise"], 2_500_005);
    assert_eq!(pl["net_profit_paise"], -2_249_905);
    let names: Vec<(&str, i64)> = pl["income"]["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| {
            (
                l["name"].as_str().expect("name"),
                l["amount_paise"].as_i64().expect("amount"),
            )
        })
        .collect();
    assert_eq!(
        names,
        vec![
            ("Income", 250_100),
            ("Sales Accounts", 250_100),
            ("Sales @ 5%", 50_100),
            ("Sales @ 18%", 200_000)
        ]
    );

    // Balance sheet: assets ₹9,77,886 = liabilities ₹385.05 + capital − the loss.
    let bs = json_of(
        shop.app.get(
            &shop.owner,
            "/api/v1/reports/balance-sheet?as_of=2026-06-30",
        ),
        200,
    );
    assert_eq!(bs["assets"]["total_paise"], 97_788_600);
    assert_eq!(bs["liabilities"]["total_paise"], 38_505);
    assert_eq!(bs["equity"]["total_paise"], 97_750_095);
    // The Equity group's line says what its section totals, the unclosed profit included.
    assert_eq!(bs["equity"]["lines"][0]["amount_paise"], 97_750_095);
    assert_eq!(bs["current_profit_paise"], -2_249_905);
    assert_eq!(bs["balanced"], true);

    // The bank book with its running balance.
    let bank = json_of(
        shop.app.get(
            &shop.owner,
            &format!(
                "/api/v1/reports/ledger?account_id={}&from=2026-06-02&to=2026-06-30",
                acc["1120"]
            ),
        ),
        200,
    );
    assert_eq!(bank["opening_paise"], 100_000_000);
    let running: Vec<i64> = bank["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["balance_paise"].as_i64().expect("balance"))
        .collect();
    assert_eq!(running, vec![100_020_000, 97_520_000]);
    assert_eq!(bank["closing_paise"], 97_520_000);
    assert_eq!(bank["entries"][0]["source"]["type"], "payment");

    // Paged one entry at a time, the running balance carries across pages.
    let debtors_url = format!(
        "/api/v1/reports/ledger?account_id={}&from=2026-06-01&to=2026-06-30&limit=1",
        acc["1130"]
    );
    let mut url = debtors_url.clone();
    let mut balances = Vec::new();
    loop {
        let page = json_of(shop.app.get(&shop.owner, &url), 200);
        balances.extend(
            page["entries"]
                .as_array()
                .expect("entries")
                .iter()
                .map(|e| e["balance_paise"].as_i64().expect("b")),
        );
        match page["next_cursor"].as_str() {
            Some(c) => url = format!("{debtors_url}&cursor={c}"),
            None => break,
        }
    }
    // INV 1, INV 2, the credit note, then the cash and the UPI receipts.
    assert_eq!(balances, vec![354_000, 406_600, 288_600, 52_600, 32_600]);

    // The Bengaluru customer's statement: owes ₹326.
    let stmt = json_of(
        shop.app.get(
            &shop.owner,
            &format!(
                "/api/v1/reports/party-ledger?type=customer&id={blr}&from=2026-06-01&to=2026-06-30"
            ),
        ),
        200,
    );
    assert_eq!(stmt["entries"].as_array().map(Vec::len), Some(2));
    assert_eq!(stmt["closing_paise"], 32_600);

    // The same statement as a PDF the customer can be sent.
    let res = shop.app.get(
        &shop.owner,
        &format!("/api/v1/reports/statement.pdf?customer_id={blr}&from=2026-06-01&to=2026-06-30"),
    );
    assert_eq!(res.status().as_u16(), 200);
    let bytes = res.bytes().expect("pdf");
    assert!(bytes.starts_with(b"%PDF-"));
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("statement.pdf");
    std::fs::write(&path, &bytes).expect("write");
    let text = super::pdf::run("pdftotext", &["-layout", path.to_str().expect("path"), "-"]);
    for expected in [
        "Statement of account",
        "Kaveri Traders",
        "Test Traders Private Limited",
        "Opening balance",
        "526.00",
        "200.00",
        "Closing balance",
        "326.00 Dr",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    expect_problem(
        shop.app.get(
            &shop.owner,
            &format!(
                "/api/v1/reports/statement.pdf?customer_id={}",
                uuid::Uuid::now_v7()
            ),
        ),
        422,
        "validation_failed",
    );

    // The invoice's journal is linked from the document and back.
    let posted = json_of(
        shop.app.get(
            &shop.owner,
            &format!(
                "/api/v1/journals?source_type=invoice&source_id={}",
                id_of(&inv2)
            ),
        ),
        200,
    );
    let j = &posted["items"][0];
    assert_eq!(j["source"], json!({"type": "invoice", "id": id_of(&inv2)}));
    assert_eq!(j["id"], shop.invoice(&id_of(&inv2))["journal_id"]);
    assert_eq!(j["id"], inv2["journal_id"]);
    assert!(d2["journal_id"].is_null(), "a draft has no journal");
    assert!(cn["journal_id"].is_string());
    assert_eq!(j["total_paise"], 52_605);
    assert_eq!(
        j["narration"],
        format!("Sales invoice {}", inv2["number"].as_str().expect("number"))
    );

    // The auditor's export has every line of the month.
    let csv = shop.app.get(
        &shop.owner,
        "/api/v1/books/export/journal.csv?from=2026-06-01&to=2026-06-30",
    );
    assert_eq!(csv.status().as_u16(), 200);
    let text = csv.text().expect("csv");
    assert!(text.starts_with("date,voucher,kind,narration"));
    assert!(text.contains("Rent for June"), "{text}");
    assert_eq!(text.lines().count(), 1 + 2 + 4 + 4 + 4 + 2 + 2 + 2);
}

/// Cancelling posts the mirror image, dated as the invoice, so the period's books match
/// the returns (which leave cancelled invoices out).
#[test]
fn cancelling_reverses_the_invoice_journal() {
    let shop = Shop::open("bookscancel");
    let cust = shop.customer("Asha Stores", "27");
    let item = shop.item("CHAIR", 100_000, 1800);
    let inv = shop.issued(&cust, &item, 1);
    let res = shop.app.post(
        &shop.owner,
        &format!("/api/v1/invoices/{}/cancel", id_of(&inv)),
        &json!({"reason": "wrong customer"}),
    );
    json_of(res, 200);
    let (tb, _) = trial_balance(&shop, "2026-12-31");
    assert!(tb.is_empty(), "{tb:?}");
    let rev = json_of(
        shop.app.get(
            &shop.owner,
            &format!(
                "/api/v1/journals?source_type=invoice_cancellation&source_id={}",
                id_of(&inv)
            ),
        ),
        200,
    );
    assert_eq!(rev["items"][0]["kind"], "reversal");
    assert_eq!(rev["items"][0]["date"], "2026-06-15");
    // Documents' journals are corrected by documents, not by hand.
    let original = json_of(
        shop.app.get(
            &shop.owner,
            &format!(
                "/api/v1/journals?source_type=invoice&source_id={}",
                id_of(&inv)
            ),
        ),
        200,
    );
    expect_problem(
        shop.app.post(
            &shop.owner,
            &format!(
                "/api/v1/journals/{}/reverse",
                original["items"][0]["id"].as_str().expect("id")
            ),
            &json!({}),
        ),
        409,
        "not_reversible",
    );
}

#[test]
fn manual_journals_reverse_once() {
    let shop = Shop::open("booksreverse");
    let acc = chart(&shop);
    let j = json_of(
        journal(
            &shop,
            "2026-06-30",
            "Bank charges",
            json!([
            {"account_id": acc["5330"], "debit_paise": 11_800},
            {"account_id": acc["1121"], "credit_paise": 11_800}]),
        ),
        201,
    );
    let r = json_of(
        shop.app.post(
            &shop.owner,
            &format!("/api/v1/journals/{}/reverse", id_of(&j)),
            &json!({"date": "2026-07-01"}),
        ),
        201,
    );
    assert_eq!(r["reverses_id"], j["id"]);
    assert_eq!(r["lines"][0]["credit_paise"], 11_800);
    let again = json_of(
        shop.app
            .get(&shop.owner, &format!("/api/v1/journals/{}", id_of(&j))),
        200,
    );
    assert_eq!(again["reversed_by_id"], r["id"]);
    expect_problem(
        shop.app.post(
            &shop.owner,
            &format!("/api/v1/journals/{}/reverse", id_of(&j)),
            &json!({}),
        ),
        409,
        "already_reversed",
    );
    let (june, _) = trial_balance(&shop, "2026-06-30");
    assert_eq!(june.get("5330"), Some(&11_800));
    let (july, _) = trial_balance(&shop, "2026-07-01");
    assert!(july.is_empty(), "{july:?}");
}

#[test]
fn bad_journals_are_refused_and_write_nothing() {
    let shop = Shop::open("booksbad");
    let acc = chart(&shop);
    let other = TestApp::start();
    let other_owner = other.owner_token("elsewhere");
    let foreign = {
        json_of(other.get(&other_owner, "/api/v1/accounts"), 200)["items"][10]["id"]
            .as_str()
            .expect("id")
            .to_string()
    };
    let cust = shop.customer("Asha Stores", "27");
    let (rent, bank) = (&acc["5310"], &acc["1121"]);
    let cases = vec![
        (
            json!([{"account_id": rent, "debit_paise": 100}, {"account_id": bank, "credit_paise": 99}]),
            "lines",
            "unbalanced",
        ),
        (
            json!([{"account_id": acc["5300"], "debit_paise": 100}, {"account_id": bank, "credit_paise": 100}]),
            "lines[0].account_id",
            "group_account",
        ),
        (
            json!([{"account_id": rent, "debit_paise": 100, "credit_paise": 100}, {"account_id": bank, "credit_paise": 100}]),
            "lines[0].debit_paise",
            "one_side",
        ),
        (
            json!([{"account_id": foreign, "debit_paise": 100}, {"account_id": bank, "credit_paise": 100}]),
            "lines[0].account_id",
            "not_found",
        ),
        (
            json!([{"account_id": acc["1130"], "debit_paise": 100}, {"account_id": bank, "credit_paise": 100}]),
            "lines[0].account_id",
            "control_account",
        ),
        (
            json!([{"account_id": rent, "debit_paise": 100, "party": {"type": "customer", "id": cust}}, {"account_id": bank, "credit_paise": 100}]),
            "lines[0].party",
            "party_not_allowed",
        ),
        (
            json!([{"account_id": rent, "debit_paise": -100}, {"account_id": bank, "credit_paise": -100}]),
            "lines[0].debit_paise",
            "out_of_range",
        ),
        (
            json!([{"account_id": rent, "debit_paise": 100}]),
            "lines",
            "invalid_length",
        ),
        (
            json!([{"account_id": "not-a-uuid", "debit_paise": 100}, {"account_id": bank, "credit_paise": 100}]),
            "lines[0].account_id",
            "invalid_format",
        ),
    ];
    for (lines, field, code) in cases {
        let p = expect_problem(
            journal(&shop, "2026-06-30", "Bad", lines.clone()),
            422,
            "validation_failed",
        );
        let errors = p["errors"].as_array().expect("errors");
        assert!(
            errors
                .iter()
                .any(|e| e["field"] == field && e["code"] == code),
            "{lines}: {p}"
        );
    }
    // Wrong types and unknown fields are 422 too, never a 5xx.
    for body in [
        json!({"date": "2026-06-30", "narration": "x", "lines": "many"}),
        json!({"date": "2026-06-30", "narration": "x", "lines": [], "extra": 1}),
        json!({"date": 20260630, "narration": "x", "lines": []}),
    ] {
        let res = shop.app.post(&shop.owner, "/api/v1/journals", &body);
        assert_eq!(res.status().as_u16(), 422, "{body}");
    }
    assert_eq!(journal_count(&shop), 0);
    // Another tenant's journal is not found.
    let j = json_of(
        journal(
            &shop,
            "2026-06-30",
            "Rent",
            json!([
        {"account_id": rent, "debit_paise": 100}, {"account_id": bank, "credit_paise": 100}]),
        ),
        201,
    );
    expect_problem(
        other.get(&other_owner, &format!("/api/v1/journals/{}", id_of(&j))),
        404,
        "not_found",
    );
}

/// On or before the lock date nothing is issued, cancelled, paid, noted or journaled,
/// and the refusal writes nothing.
#[test]
fn the_lock_date_holds() {
    let shop = Shop::open("bookslock");
    let acc = chart(&shop);
    let cust = shop.customer("Asha Stores", "27");
    let item = shop.item("CHAIR", 100_000, 1800);
    let issued = shop.issued(&cust, &item, 2); // dated 2026-06-15
    let draft = shop.draft(&cust, &item, 1);
    json_of(
        shop.app.put(
            &shop.owner,
            "/api/v1/books/lock",
            &json!({"lock_date": "2026-06-30"}),
        ),
        200,
    );
    let before = journal_count(&shop);

    let p = expect_problem(
        shop.app.post(
            &shop.owner,
            &format!("/api/v1/invoices/{}/issue", id_of(&draft)),
            &json!({}),
        ),
        409,
        "period_locked",
    );
    assert!(p["detail"].as_str().expect("detail").contains("2026-06-30"));
    assert_eq!(shop.invoice(&id_of(&draft))["status"], "draft");
    expect_problem(
        shop.app.post(
            &shop.owner,
            &format!("/api/v1/invoices/{}/cancel", id_of(&issued)),
            &json!({"reason": "x"}),
        ),
        409,
        "period_locked",
    );
    assert_eq!(shop.invoice(&id_of(&issued))["status"], "issued");
    expect_problem(
        shop.app.post(&shop.owner, "/api/v1/payments", &json!({"invoice_id": id_of(&issued), "amount_paise": 100, "method": "cash", "received_on": "2026-06-30"})),
        409,
        "period_locked",
    );
    assert_eq!(shop.invoice(&id_of(&issued))["amount_paid_paise"], 0);
    let cn = json_of(
        shop.app.post(&shop.owner, "/api/v1/credit-notes", &json!({"invoice_id": id_of(&issued), "note_date": "2026-06-20", "reason": "sales_return", "lines": [{"invoice_line": 1, "quantity": 1}]})),
        201,
    );
    expect_problem(
        shop.app.post(
            &shop.owner,
            &format!("/api/v1/credit-notes/{}/issue", id_of(&cn)),
            &json!({}),
        ),
        409,
        "period_locked",
    );
    expect_problem(
        journal(
            &shop,
            "2026-06-01",
            "Late entry",
            json!([
            {"account_id": acc["5310"], "debit_paise": 100}, {"account_id": acc["1121"], "credit_paise": 100}]),
        ),
        409,
        "period_locked",
    );
    assert_eq!(journal_count(&shop), before);
    // After the lock date everything works.
    pay(&shop, &id_of(&issued), 100, "cash", "2026-07-01");
    assert_eq!(journal_count(&shop), before + 1);
    // Lifting the lock is audited and allowed.
    json_of(
        shop.app.put(
            &shop.owner,
            "/api/v1/books/lock",
            &json!({"lock_date": null}),
        ),
        200,
    );
    shop.issue(&id_of(&draft));
}

/// A failure while posting (injected: the database refuses journals) leaves no
/// document, no number and no journal.
#[test]
fn posting_is_atomic_with_the_document() {
    let shop = Shop::open("booksatomic");
    let cust = shop.customer("Asha Stores", "27");
    let item = shop.item("CHAIR", 100_000, 1800);
    let draft = shop.draft(&cust, &item, 1);
    let handle = shop
        .app
        .tenants
        .open_blocking("booksatomic")
        .expect("tenant");
    handle
        .db
        .write_blocking(|tx| {
            tx.execute_batch(
                "CREATE TRIGGER inject_failure BEFORE INSERT ON journal_lines
                 BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
            )?;
            Ok(())
        })
        .expect("inject");
    let res = shop.app.post(
        &shop.owner,
        &format!("/api/v1/invoices/{}/issue", id_of(&draft)),
        &json!({}),
    );
    assert_eq!(res.status().as_u16(), 500);
    let inv = shop.invoice(&id_of(&draft));
    assert_eq!(inv["status"], "draft");
    assert!(inv["number"].is_null());
    assert_eq!(journal_count(&shop), 0);
    handle
        .db
        .write_blocking(|tx| {
            tx.execute_batch("DROP TRIGGER inject_failure;")?;
            Ok(())
        })
        .expect("heal");
    // The number the failed issue would have taken is still the next one.
    assert_eq!(shop.issue(&id_of(&draft))["number"], "MUM/26-27/00001");
    assert_eq!(journal_count(&shop), 1);
    // And the database itself refuses an unbalanced journal, whatever the code does.
    let err = handle.db.write_blocking(|tx| {
        tx.execute_batch(
            "INSERT INTO journals (id, seq, date, kind, narration, created_by, created_at)
             VALUES ('x', 99, '2026-06-30', 'manual', 'bad', 'test', 'now');
             INSERT INTO journal_lines (journal_id, line_no, account_id, debit_paise, date, seq)
             SELECT 'x', 1, id, 100, '2026-06-30', 99 FROM accounts WHERE code = '5310';
             INSERT INTO journal_lines (journal_id, line_no, account_id, credit_paise, date, seq)
             SELECT 'x', 2, id, 99, '2026-06-30', 99 FROM accounts WHERE code = '1121';
             UPDATE journals SET sealed = 1, total_paise = 100 WHERE id = 'x';",
        )?;
        Ok(())
    });
    assert!(format!("{err:?}").contains("journal_unbalanced"), "{err:?}");
}

#[test]
fn fifty_concurrent_issues_post_fifty_balanced_journals() {
    let shop = Arc::new(Shop::open("booksconc"));
    let cust = shop.customer("Asha Stores", "27");
    let item = shop.item("CHAIR", 100_000, 1800);
    let drafts: Vec<String> = (0..50)
        .map(|_| id_of(&shop.draft(&cust, &item, 1)))
        .collect();
    let handles: Vec<_> = drafts
        .into_iter()
        .map(|id| {
            let shop = Arc::clone(&shop);
            std::thread::spawn(move || {
                shop.app
                    .post(
                        &shop.owner,
                        &format!("/api/v1/invoices/{id}/issue"),
                        &json!({}),
                    )
                    .status()
                    .as_u16()
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().expect("thread"), 200);
    }
    let page = json_of(
        shop.app.get(
            &shop.owner,
            "/api/v1/journals?source_type=invoice&limit=200",
        ),
        200,
    );
    let items = page["items"].as_array().expect("items");
    assert_eq!(items.len(), 50);
    for j in items {
        let (dr, cr): (i64, i64) =
            j["lines"]
                .as_array()
                .expect("lines")
                .iter()
                .fold((0, 0), |(d, c), l| {
                    (
                        d + l["debit_paise"].as_i64().unwrap_or(0),
                        c + l["credit_paise"].as_i64().unwrap_or(0),
                    )
                });
        assert_eq!((dr, cr), (118_000, 118_000));
    }
    let (tb, raw) = trial_balance(&shop, "2026-12-31");
    assert_eq!(tb.get("1130"), Some(&(50 * 118_000)));
    assert_eq!(raw["total_debit_paise"], raw["total_credit_paise"]);
}

#[test]
fn year_close_moves_profit_to_retained_earnings_and_locks() {
    let shop = Shop::open("booksclose");
    let cust = shop.customer("Asha Stores", "27");
    let item = shop.item("CHAIR", 100_000, 1800);
    let d = shop.draft_on(
        &shop.mum,
        &cust,
        "2025-12-15",
        "2026-01-15",
        json!([{"item_id": item, "quantity": 2}]),
    );
    shop.issue(&id_of(&d));
    // A year with nothing in it closes too, once, with no journal.
    let close = |fy: &str| {
        shop.app
            .post(&shop.owner, "/api/v1/books/close-year", &json!({"fy": fy}))
    };
    let empty = json_of(close("2024-25"), 200);
    assert_eq!(empty["profit_paise"], 0);
    assert!(empty["journal_id"].is_null());
    expect_problem(close("2024-25"), 409, "year_closed");
    let closed = json_of(
        shop.app.post(
            &shop.owner,
            "/api/v1/books/close-year",
            &json!({"fy": "2025-26"}),
        ),
        200,
    );
    assert_eq!(closed["profit_paise"], 200_000);
    assert_eq!(closed["lock_date"], "2026-03-31");
    let (tb, _) = trial_balance(&shop, "2026-04-01");
    assert_eq!(tb.get("3200"), Some(&-200_000));
    assert_eq!(tb.get("4106"), None);
    // The year's profit and loss still shows the year (closing entries left out).
    let pl = json_of(
        shop.app.get(
            &shop.owner,
            "/api/v1/reports/profit-and-loss?from=2025-04-01&to=2026-03-31",
        ),
        200,
    );
    assert_eq!(pl["net_profit_paise"], 200_000);
    let bs = json_of(
        shop.app.get(
            &shop.owner,
            "/api/v1/reports/balance-sheet?as_of=2026-04-01",
        ),
        200,
    );
    assert_eq!(
        (
            bs["current_profit_paise"].as_i64(),
            bs["balanced"].as_bool()
        ),
        (Some(0), Some(true))
    );
    expect_problem(
        shop.app.post(
            &shop.owner,
            "/api/v1/books/close-year",
            &json!({"fy": "2025-26"}),
        ),
        409,
        "year_closed",
    );
    assert_eq!(
        json_of(shop.app.get(&shop.owner, "/api/v1/books/lock"), 200)["lock_date"],
        "2026-03-31"
    );
    // A closed year stays locked; a later lock is fine.
    let lock = |v: Value| {
        shop.app
            .put(&shop.owner, "/api/v1/books/lock", &json!({"lock_date": v}))
    };
    expect_problem(lock(Value::Null), 409, "year_closed");
    expect_problem(lock(json!("2026-03-30")), 409, "year_closed");
    json_of(lock(json!("2026-04-30")), 200);
    // An earlier year is inside the lock now: years close in order.
    expect_problem(close("2023-24"), 409, "period_locked");
}

/// What the invariants compare: the books against the sales registers.
fn check_invariants(shop: &Shop, step: &str) {
    let (tb, raw) = trial_balance(shop, "2026-12-31");
    assert_eq!(
        raw["total_debit_paise"], raw["total_credit_paise"],
        "{step}: trial balance"
    );
    let bs = json_of(
        shop.app.get(
            &shop.owner,
            "/api/v1/reports/balance-sheet?as_of=2026-12-31",
        ),
        200,
    );
    assert_eq!(bs["balanced"], true, "{step}: balance sheet");
    // Sundry debtors = what the receivables report says is due − the customers' credit.
    let recv = json_of(
        shop.app.get(&shop.owner, "/api/v1/reports/receivables"),
        200,
    );
    let customers = json_of(
        shop.app.get(&shop.owner, "/api/v1/customers?limit=200"),
        200,
    );
    let credit: i64 = customers["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["credit_balance_paise"].as_i64().unwrap_or(0))
        .sum();
    let due = recv["totals"]["outstanding_paise"]
        .as_i64()
        .expect("outstanding");
    assert_eq!(
        tb.get("1130").copied().unwrap_or(0),
        due - credit,
        "{step}: debtors"
    );
    // Output tax ledgers = the tax on issued invoices and debit notes less credit notes.
    let mut tax = [0i64; 3];
    let sum = |path: &str, sign: i64, tax: &mut [i64; 3]| {
        let list = json_of(shop.app.get(&shop.owner, path), 200);
        for d in list["items"].as_array().expect("items") {
            if d["status"] == "draft" || d["status"] == "cancelled" {
                continue;
            }
            for (i, k) in ["cgst_total_paise", "sgst_total_paise", "igst_total_paise"]
                .iter()
                .enumerate()
            {
                tax[i] += sign * d[k].as_i64().unwrap_or(0);
            }
        }
    };
    // Sundry creditors = what the payables report says is owed; input and reverse-charge
    // tax ledgers = the credit and tax of posted bills.
    let payables = json_of(shop.app.get(&shop.owner, "/api/v1/reports/payables"), 200);
    assert_eq!(
        -tb.get("2110").copied().unwrap_or(0),
        payables["totals"]["outstanding_paise"]
            .as_i64()
            .expect("owed"),
        "{step}: creditors"
    );
    let (mut itc, mut rcm) = ([0i64; 3], [0i64; 3]);
    let bills = json_of(shop.app.get(&shop.owner, "/api/v1/bills?limit=200"), 200);
    for b in bills["items"].as_array().expect("items") {
        if b["status"] == "draft" || b["status"] == "cancelled" {
            continue;
        }
        for (i, h) in ["cgst", "sgst", "igst"].iter().enumerate() {
            itc[i] += b[format!("itc_{h}_paise")].as_i64().unwrap_or(0);
            if b["reverse_charge"] == true {
                rcm[i] += b[format!("{h}_total_paise")].as_i64().unwrap_or(0);
            }
        }
    }
    for (i, code) in ["2124", "2125", "2126"].iter().enumerate() {
        assert_eq!(
            tb.get(*code).copied().unwrap_or(0),
            itc[i],
            "{step}: input tax {code}"
        );
    }
    for (i, code) in ["2127", "2128", "2129"].iter().enumerate() {
        assert_eq!(
            -tb.get(*code).copied().unwrap_or(0),
            rcm[i],
            "{step}: reverse charge {code}"
        );
    }
    sum("/api/v1/invoices?limit=200", 1, &mut tax);
    sum("/api/v1/debit-notes?limit=200", 1, &mut tax);
    sum("/api/v1/credit-notes?limit=200", -1, &mut tax);
    for (i, code) in ["2121", "2122", "2123"].iter().enumerate() {
        assert_eq!(
            -tb.get(*code).copied().unwrap_or(0),
            tax[i],
            "{step}: output tax {code}"
        );
    }
}

#[derive(Debug, Clone)]
enum Step {
    Invoice {
        inter: bool,
        qty: i64,
        cheap: bool,
    },
    Cancel(usize),
    Pay {
        which: usize,
        share: u8,
        cash: bool,
    },
    Credit {
        which: usize,
        qty: i64,
    },
    Debit {
        which: usize,
        paise: i64,
    },
    UseCredit(usize),
    Refund(usize),
    Bill {
        inter: bool,
        qty: i64,
        rcm: bool,
        itc: u8,
    },
    PayBill {
        which: usize,
        share: u8,
    },
    CancelBill(usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (any::<bool>(), 1..5i64, any::<bool>()).prop_map(|(inter, qty, cheap)| Step::Invoice { inter, qty, cheap }),
        1 => (0..8usize).prop_map(Step::Cancel),
        3 => (0..8usize, 1..=100u8, any::<bool>()).prop_map(|(which, share, cash)| Step::Pay { which, share, cash }),
        2 => (0..8usize, 1..3i64).prop_map(|(which, qty)| Step::Credit { which, qty }),
        1 => (0..8usize, 1..50_000i64).prop_map(|(which, paise)| Step::Debit { which, paise }),
        1 => (0..8usize).prop_map(Step::UseCredit),
        1 => (0..3usize).prop_map(Step::Refund),
        3 => (any::<bool>(), 1..6i64, any::<bool>(), 0..3u8).prop_map(|(inter, qty, rcm, itc)| Step::Bill { inter, qty, rcm, itc }),
        2 => (0..8usize, 1..=100u8).prop_map(|(which, share)| Step::PayBill { which, share }),
        1 => (0..8usize).prop_map(Step::CancelBill),
    ]
}

/// After every document of a random sequence, the books agree with themselves and with
/// the sales and purchase registers. Refusals (a payment above the balance, a note above the invoice)
/// are fine: what matters is that nothing half-posts.
#[test]
fn books_agree_with_sales_after_any_sequence() {
    let shop = Shop::open("booksprop");
    let mumbai = shop.customer("Asha Stores", "27");
    let blr = shop.customer("Kaveri Traders", "29");
    let customers = [mumbai.clone(), blr.clone()];
    let dear = shop.item("DESK", 1_234_567, 1800);
    let cheap = shop.item("CLIP", 333, 1200);
    let vendors = [
        json_of(
            shop.app.post(
                &shop.owner,
                "/api/v1/vendors",
                &json!({"name": "Local Supplier", "gstin": GSTIN_27}),
            ),
            201,
        ),
        json_of(
            shop.app.post(
                &shop.owner,
                "/api/v1/vendors",
                &json!({"name": "Karnataka Supplier", "gstin": GSTIN_29}),
            ),
            201,
        ),
    ]
    .map(|v| id_of(&v));
    let bills: std::cell::RefCell<Vec<String>> = Default::default();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 4,
        ..ProptestConfig::default()
    });
    let invoices: std::cell::RefCell<Vec<(String, String)>> = Default::default();
    let result = runner.run(&proptest::collection::vec(step(), 6..14), |steps| {
        for (n, s) in steps.iter().enumerate() {
            let pick = |i: usize| {
                let list = invoices.borrow();
                list.get(i % list.len().max(1)).cloned()
            };
            match s {
                Step::Invoice { inter, qty, cheap: c } => {
                    let cust = if *inter { &blr } else { &mumbai };
                    let item = if *c { &cheap } else { &dear };
                    let d = shop.draft_on(&shop.mum, cust, "2026-06-15", "2026-07-15", json!([{"item_id": item, "quantity": qty}]));
                    shop.issue(&id_of(&d));
                    invoices.borrow_mut().push((id_of(&d), cust.clone()));
                }
                Step::Cancel(i) => {
                    if let Some((id, _)) = pick(*i) {
                        let _ = shop.app.post(&shop.owner, &format!("/api/v1/invoices/{id}/cancel"), &json!({"reason": "test"}));
                    }
                }
                Step::Pay { which, share, cash } => {
                    if let Some((id, _)) = pick(*which) {
                        let due = shop.invoice(&id)["balance_due_paise"].as_i64().unwrap_or(0);
                        let amount = (due * i64::from(*share) / 100).max(1);
                        let method = if *cash { "cash" } else { "bank_transfer" };
                        let _ = shop.app.post(&shop.owner, "/api/v1/payments", &json!({"invoice_id": id, "amount_paise": amount, "method": method, "received_on": "2026-06-20"}));
                    }
                }
                Step::Credit { which, qty } | Step::Debit { which, paise: qty } => {
                    if let Some((id, _)) = pick(*which) {
                        let (kind, line) = match s {
                            Step::Credit { .. } => ("credit", json!({"invoice_line": 1, "quantity": qty})),
                            _ => ("debit", json!({"invoice_line": 1, "taxable_paise": qty})),
                        };
                        let res = shop.app.post(&shop.owner, &format!("/api/v1/{kind}-notes"),
                            &json!({"invoice_id": id, "note_date": "2026-06-25", "reason": "others", "lines": [line]}));
                        if res.status().as_u16() == 201 {
                            let note: Value = res.json().expect("json");
                            let _ = shop.app.post(&shop.owner, &format!("/api/v1/{kind}-notes/{}/issue", id_of(&note)), &json!({}));
                        }
                    }
                }
                Step::UseCredit(i) => {
                    if let Some((id, _)) = pick(*i) {
                        let _ = shop.app.post(&shop.owner, "/api/v1/payments", &json!({"invoice_id": id, "amount_paise": 100, "method": "credit", "received_on": "2026-06-26"}));
                    }
                }
                Step::Bill { inter, qty, rcm, itc } => {
                    let n = bills.borrow().len() + 1;
                    let itc = ["eligible", "ineligible", "blocked"][usize::from(*itc)];
                    let res = shop.app.post(&shop.owner, "/api/v1/bills", &json!({
                        "vendor_id": vendors[usize::from(*inter)], "branch_id": shop.mum,
                        "supplier_invoice_no": format!("P-{n}"), "supplier_invoice_date": "2026-06-12",
                        "due_date": "2026-07-12", "reverse_charge": rcm,
                        "lines": [{"item_id": dear, "quantity": qty, "unit_price_paise": 70_001, "itc": itc},
                                  {"item_id": cheap, "quantity": 1, "unit_price_paise": 251, "itc": "eligible"}]}));
                    let draft = json_of(res, 201);
                    json_of(shop.app.post(&shop.owner, &format!("/api/v1/bills/{}/post", id_of(&draft)), &json!({})), 200);
                    bills.borrow_mut().push(id_of(&draft));
                }
                Step::PayBill { which, share } => {
                    let id = bills.borrow().get(*which % bills.borrow().len().max(1)).cloned();
                    if let Some(id) = id {
                        let due = json_of(shop.app.get(&shop.owner, &format!("/api/v1/bills/{id}")), 200)["balance_due_paise"].as_i64().unwrap_or(0);
                        let amount = (due * i64::from(*share) / 100).max(1);
                        let _ = shop.app.post(&shop.owner, "/api/v1/vendor-payments", &json!({"bill_id": id, "amount_paise": amount, "method": "bank_transfer", "paid_on": "2026-06-21"}));
                    }
                }
                Step::CancelBill(i) => {
                    let id = bills.borrow().get(*i % bills.borrow().len().max(1)).cloned();
                    if let Some(id) = id {
                        let _ = shop.app.post(&shop.owner, &format!("/api/v1/bills/{id}/cancel"), &json!({"reason": "test"}));
                    }
                }
                Step::Refund(i) => {
                    let cust = &customers[*i % 2];
                    let found = invoices.borrow().iter().find(|(_, c)| c == cust).cloned();
                    if let Some((id, _)) = found {
                        let _ = shop.app.post(&shop.owner, "/api/v1/payments", &json!({"invoice_id": id, "amount_paise": -100, "method": "upi", "received_on": "2026-06-27"}));
                    }
                }
            }
            check_invariants(&shop, &format!("step {n} {s:?}"));
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// A user limited to one branch sees that branch's entries only, in every report.
#[test]
fn branch_scoped_users_see_their_branches_books() {
    let shop = Shop::open("booksscope");
    let acc = chart(&shop);
    let pun = insert_branch(&shop.app, "booksscope", "PUN", "27");
    let cust = shop.customer("Asha Stores", "27");
    let item = shop.item("CHAIR", 100_000, 1800);
    shop.issued(&cust, &item, 1); // MUM: ₹1,180
    let d = shop.draft_on(
        &pun,
        &cust,
        "2026-06-15",
        "2026-07-15",
        json!([{"item_id": item, "quantity": 2}]),
    );
    shop.issue(&id_of(&d)); // PUN: ₹2,360
                            // A company-level journal (no branch) is not a branch's.
    json_of(
        journal(
            &shop,
            "2026-06-30",
            "Audit fee",
            json!([
            {"account_id": acc["5350"], "debit_paise": 500_000}, {"account_id": acc["1121"], "credit_paise": 500_000}]),
        ),
        201,
    );
    let email = "pune.accountant@booksscope.example.in";
    json_of(
        shop.app.post(
            &shop.owner,
            "/api/v1/users",
            &json!({"email": email, "name": "Pune Accountant",
            "password": "Us3r-Secret#word", "roles": ["accountant"], "branch_ids": [pun]}),
        ),
        201,
    );
    let scoped = token_of(&shop.app.login("booksscope", email, "Us3r-Secret#word"));
    let tb = json_of(
        shop.app
            .get(&scoped, "/api/v1/reports/trial-balance?as_of=2026-12-31"),
        200,
    );
    assert_eq!(tb["total_debit_paise"], 236_000);
    let debtors = tb["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["code"] == "1130")
        .cloned();
    assert_eq!(
        debtors.map(|r| r["debit_paise"].clone()),
        Some(json!(236_000))
    );
    let journals = json_of(shop.app.get(&scoped, "/api/v1/journals"), 200);
    assert_eq!(journals["items"].as_array().map(Vec::len), Some(1));
    // The owner sees all three.
    let all = json_of(
        shop.app.get(
            &shop.owner,
            "/api/v1/reports/trial-balance?as_of=2026-12-31",
        ),
        200,
    );
    assert_eq!(all["total_debit_paise"], 118_000 + 236_000 + 500_000);
    // Another branch is not found for the scoped user, and their journals must name theirs.
    expect_problem(
        shop.app.get(
            &scoped,
            &format!("/api/v1/reports/trial-balance?branch_id={}", shop.mum),
        ),
        422,
        "validation_failed",
    );
    let p = expect_problem(
        shop.app.post(&scoped, "/api/v1/journals", &json!({"date": "2026-06-30", "narration": "x", "lines": [
            {"account_id": acc["5350"], "debit_paise": 100}, {"account_id": acc["1121"], "credit_paise": 100}]})),
        422,
        "validation_failed",
    );
    assert!(p.to_string().contains("lines[0].branch_id"), "{p}");
    json_of(
        shop.app.post(
            &scoped,
            "/api/v1/journals",
            &json!({"date": "2026-06-30", "narration": "Pune petty cash", "lines": [
            {"account_id": acc["5350"], "debit_paise": 100, "branch_id": pun},
            {"account_id": acc["1110"], "credit_paise": 100, "branch_id": pun}]}),
        ),
        201,
    );
    // The auditor's export covers every branch, so it is for unlimited users only.
    expect_problem(
        shop.app.get(&scoped, "/api/v1/books/export/journal.csv"),
        403,
        "forbidden",
    );
}

/// Free goods (a line discounted to nothing) issue and cancel with nothing to post.
#[test]
fn a_zero_value_invoice_posts_nothing() {
    let shop = Shop::open("bookszero");
    let cust = shop.customer("Asha Stores", "27");
    let item = shop.item("SAMPLE", 0, 1800);
    let inv = shop.issued(&cust, &item, 3);
    assert_eq!(inv["grand_total_paise"], 0);
    assert_eq!(journal_count(&shop), 0);
    json_of(
        shop.app.post(
            &shop.owner,
            &format!("/api/v1/invoices/{}/cancel", id_of(&inv)),
            &json!({"reason": "sample returned"}),
        ),
        200,
    );
    assert_eq!(journal_count(&shop), 0);
}
