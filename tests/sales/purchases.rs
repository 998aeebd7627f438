//! Purchases over real HTTP: the sales tax table mirrored for bills, input tax credit by
//! eligibility, reverse charge, duplicate supplier invoices, frozen posted bills, vendor
//! payments (idempotent, never more than the balance, also under concurrency), payables
//! against the books, and bad input that writes nothing.

use std::sync::Arc;

use serde_json::{json, Value};

use super::books::{chart, trial_balance};
use super::support::*;
use crate::common::*;

fn vendor(shop: &Shop, body: Value) -> String {
    id_of(&json_of(
        shop.app.post(&shop.owner, "/api/v1/vendors", &body),
        201,
    ))
}

fn bill_body(vendor: &str, branch: &str, no: &str, date: &str, lines: Value) -> Value {
    json!({"vendor_id": vendor, "branch_id": branch, "supplier_invoice_no": no,
           "supplier_invoice_date": date, "due_date": date, "lines": lines})
}

fn draft(shop: &Shop, body: &Value) -> Value {
    json_of(shop.app.post(&shop.owner, "/api/v1/bills", body), 201)
}

fn post(shop: &Shop, id: &str) -> reqwest::blocking::Response {
    shop.app
        .post(&shop.owner, &format!("/api/v1/bills/{id}/post"), &json!({}))
}

fn posted(shop: &Shop, body: &Value) -> Value {
    let d = draft(shop, body);
    json_of(post(shop, &id_of(&d)), 200)
}

fn count(shop: &Shop, path: &str) -> usize {
    json_of(shop.app.get(&shop.owner, path), 200)["items"]
        .as_array()
        .expect("items")
        .len()
}

/// The invoices' tax table, mirrored: the same arithmetic from the vendor's side. Each
/// row is worked by hand: (vendor state, quantity, unit price, discount, rate) →
/// (taxable, CGST, SGST, IGST, round-off, total).
#[test]
fn bills_are_taxed_as_invoices_are() {
    let shop = Shop::open("billtax");
    let local = vendor(&shop, json!({"name": "Local", "gstin": GSTIN_27}));
    let karnataka = vendor(&shop, json!({"name": "Karnataka", "gstin": GSTIN_29}));
    let item = shop.item("BOX", 100, 1800);
    #[rustfmt::skip]
    type Case<'a> = (&'a str, Value, i64, i64, i64, [i64; 6]);
    let cases: [Case; 5] = [
        // 3 × ₹333.33 = ₹999.99 @ 18 %: 9 % of 99,999 p = 8,999.91 → 9,000 each.
        (
            &local,
            json!(3),
            33_333,
            0,
            1800,
            [99_999, 9_000, 9_000, 0, 1, 118_000],
        ),
        // 2.5 × ₹1,000.10 = ₹2,500.25 − ₹0.25 = ₹2,500 @ 12 % IGST = ₹300.
        (
            &karnataka,
            json!(2.5),
            100_010,
            25,
            1200,
            [250_000, 0, 0, 30_000, 0, 280_000],
        ),
        // 0.333 × ₹1,000 = ₹333 @ 5 %: 2.5 % of 33,300 p = 832.5 → 833 (half away from zero).
        (
            &local,
            json!(0.333),
            100_000,
            0,
            500,
            [33_300, 833, 833, 0, 34, 35_000],
        ),
        // 7 × ₹14.29 = ₹100.03 @ 28 % IGST = 2,800.84 → 2,801 p; 12,804 → ₹128.
        (
            &karnataka,
            json!(7),
            1_429,
            0,
            2800,
            [10_003, 0, 0, 2_801, -4, 12_800],
        ),
        // Nil-rated: no tax, rounded to the rupee.
        (
            &local,
            json!(1),
            99_950,
            0,
            0,
            [99_950, 0, 0, 0, 50, 100_000],
        ),
    ];
    for (i, (v, qty, price, discount, rate, want)) in cases.iter().enumerate() {
        let b = draft(
            &shop,
            &bill_body(
                v,
                &shop.mum,
                &format!("T-{i}"),
                "2026-06-10",
                json!([{"item_id": item, "quantity": qty, "unit_price_paise": price,
                        "discount_paise": discount, "gst_rate_bp": rate}]),
            ),
        );
        let got = [
            "taxable_total_paise",
            "cgst_total_paise",
            "sgst_total_paise",
            "igst_total_paise",
            "round_off_paise",
            "grand_total_paise",
        ]
        .map(|k| b[k].as_i64().expect(k));
        assert_eq!(&got, want, "case {i}");
        assert_eq!(b["status"], "draft");
        assert_eq!(b["intra_state"], *v == local, "case {i}");
        assert_eq!(b["lines"][0]["taxable_paise"], want[0]);
        // Everything eligible: the credit is the whole tax.
        assert_eq!(b["itc_cgst_paise"], want[1]);
        assert_eq!(b["itc_igst_paise"], want[3]);
    }
}

/// One bill of three lines, one per eligibility, and its journal line by line: credit is
/// taken on the eligible line only; the tax of the others is part of their cost.
#[test]
fn input_tax_credit_follows_eligibility() {
    let shop = Shop::open("billitc");
    let acc = chart(&shop);
    let v = vendor(&shop, json!({"name": "Annapurna", "gstin": GSTIN_27}));
    let item = shop.item("RICE", 5_000, 500);
    let b = posted(
        &shop,
        &bill_body(
            &v,
            &shop.mum,
            "AC/318",
            "2026-06-10",
            json!([
                // goods: 10 × ₹50 @ 5 % → ₹500 + 12.50 + 12.50, claimed
                {"item_id": item, "quantity": 10, "unit_price_paise": 5_000},
                // staff lunch: ₹2,000 @ 5 %, blocked (s. 17(5)(b)) → cost ₹2,100
                {"account_id": acc["5350"], "quantity": 1, "unit_price_paise": 200_000,
                 "gst_rate_bp": 500, "itc": "blocked", "hsn_sac": "996334"},
                // rent of a flat for a director: ₹1,000 @ 18 %, not claimed → cost ₹1,180
                {"account_id": acc["5310"], "quantity": 1, "unit_price_paise": 100_000,
                 "gst_rate_bp": 1800, "itc": "ineligible"}
            ]),
        ),
    );
    assert_eq!(b["status"], "posted");
    assert_eq!(
        [
            "taxable_total_paise",
            "cgst_total_paise",
            "sgst_total_paise",
            "grand_total_paise"
        ]
        .map(|k| b[k].as_i64().expect(k)),
        // 3,500 + (12.50 + 50 + 90) × 2 = 3,805 exactly
        [350_000, 15_250, 15_250, 380_500]
    );
    assert_eq!(
        ["itc_cgst_paise", "itc_sgst_paise", "itc_igst_paise"].map(|k| b[k].as_i64().expect(k)),
        [1_250, 1_250, 0]
    );
    assert_eq!(b["lines"][1]["itc"], "blocked");
    assert!(b["journal_id"].is_string());
    assert_eq!(b["vendor"]["name"], "Annapurna");
    let (tb, _) = trial_balance(&shop, "2026-06-30");
    let want: std::collections::HashMap<String, i64> = [
        ("5110", 50_000),   // purchases: the goods, without the claimed tax
        ("5350", 210_000),  // office expenses: lunch + its blocked 5 %
        ("5310", 118_000),  // rent + its 18 %
        ("2124", 1_250),    // input CGST
        ("2125", 1_250),    // input SGST
        ("2110", -380_500), // the vendor is owed the whole bill
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(tb, want);
    // The vendor's statement shows the bill.
    let pl = json_of(
        shop.app.get(
            &shop.owner,
            &format!(
                "/api/v1/reports/party-ledger?type=vendor&id={v}&from=2026-04-01&to=2026-06-30"
            ),
        ),
        200,
    );
    assert_eq!(
        pl["closing_paise"].as_i64().map(i64::abs),
        Some(380_500),
        "{pl}"
    );
}

/// Reverse charge (freight from an unregistered transporter in another state): the
/// transporter is owed the freight only; the IGST is ours to pay, and claimable.
#[test]
fn reverse_charge_is_a_liability_and_a_credit() {
    let shop = Shop::open("billrcm");
    let acc = chart(&shop);
    let gta = vendor(
        &shop,
        json!({"name": "Sai Ram Roadways", "state_code": "29"}),
    );
    let line = json!([{"account_id": acc["5210"], "quantity": 1, "unit_price_paise": 1_850_040,
                       "gst_rate_bp": 500, "hsn_sac": "996511"}]);
    // Without reverse charge an unregistered vendor charges no GST.
    let refused = expect_problem(
        shop.app.post(
            &shop.owner,
            "/api/v1/bills",
            &bill_body(&gta, &shop.mum, "LR-1", "2026-06-10", line.clone()),
        ),
        422,
        "validation_failed",
    );
    assert_eq!(refused["errors"][0]["field"], "lines[0].gst_rate_bp");
    let mut body = bill_body(&gta, &shop.mum, "LR-1", "2026-06-10", line);
    body["reverse_charge"] = json!(true);
    let b = posted(&shop, &body);
    assert_eq!(b["reverse_charge"], true);
    // 5 % of ₹18,500.40 = ₹925.02; the transporter gets ₹18,500.40 → ₹18,500.
    assert_eq!(b["igst_total_paise"], 92_502);
    assert_eq!(b["itc_igst_paise"], 92_502);
    assert_eq!(
        (
            b["grand_total_paise"].as_i64(),
            b["round_off_paise"].as_i64()
        ),
        (Some(1_850_000), Some(-40))
    );
    let (tb, raw) = trial_balance(&shop, "2026-06-30");
    assert_eq!(tb.get("5210"), Some(&1_850_040));
    assert_eq!(tb.get("2126"), Some(&92_502)); // input IGST
    assert_eq!(tb.get("2129"), Some(&-92_502)); // IGST payable under reverse charge
    assert_eq!(tb.get("2110"), Some(&-1_850_000));
    assert_eq!(tb.get("5360"), Some(&-40)); // rounded down: a gain
    assert_eq!(raw["total_debit_paise"], raw["total_credit_paise"]);
}

/// The same supplier invoice (however its number is punctuated) twice in a financial
/// year is refused; in the next year, from another vendor or after a cancellation it is
/// a different bill.
#[test]
fn duplicate_supplier_invoices_are_refused_within_a_year() {
    let shop = Shop::open("billdup");
    let v = vendor(&shop, json!({"name": "Ganesh", "gstin": GSTIN_27}));
    let other = vendor(&shop, json!({"name": "Nandi", "gstin": GSTIN_29}));
    let item = shop.item("BOX", 10_000, 1800);
    let lines = json!([{"item_id": item, "quantity": 1, "unit_price_paise": 10_000}]);
    let first = posted(
        &shop,
        &bill_body(&v, &shop.mum, "INV-001", "2026-05-10", lines.clone()),
    );
    for (no, date) in [("INV/001", "2026-06-01"), ("inv001", "2027-03-31")] {
        let p = expect_problem(
            shop.app.post(
                &shop.owner,
                "/api/v1/bills",
                &bill_body(&v, &shop.mum, no, date, lines.clone()),
            ),
            409,
            "duplicate_bill",
        );
        assert!(p["detail"].as_str().unwrap_or("").contains(no), "{p}");
    }
    // The next financial year, and another vendor in the same year: fine.
    posted(
        &shop,
        &bill_body(&v, &shop.mum, "INV001", "2027-04-01", lines.clone()),
    );
    posted(
        &shop,
        &bill_body(&other, &shop.mum, "INV-001", "2026-05-10", lines.clone()),
    );
    // Two drafts of one number posted at once: exactly one wins.
    let a = draft(
        &shop,
        &bill_body(&v, &shop.mum, "RACE-9", "2026-07-01", lines.clone()),
    );
    let b = draft(
        &shop,
        &bill_body(&v, &shop.mum, "race/9", "2026-07-02", lines.clone()),
    );
    let shop = Arc::new(shop);
    let handles: Vec<_> = [id_of(&a), id_of(&b)]
        .into_iter()
        .map(|id| {
            let s = Arc::clone(&shop);
            std::thread::spawn(move || post(&s, &id).status().as_u16())
        })
        .collect();
    let mut codes: Vec<u16> = handles
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .collect();
    codes.sort_unstable();
    assert_eq!(codes, vec![200, 409]);
    // A cancelled bill frees its number.
    json_of(
        shop.app.post(
            &shop.owner,
            &format!("/api/v1/bills/{}/cancel", id_of(&first)),
            &json!({"reason": "entered against the wrong vendor"}),
        ),
        200,
    );
    posted(
        &shop,
        &bill_body(&v, &shop.mum, "INV-001", "2026-05-10", lines),
    );
}

/// What a posted bill says is frozen: the API refuses changes and so does the database.
#[test]
fn a_posted_bill_is_frozen() {
    let shop = Shop::open("billfrozen");
    let v = vendor(&shop, json!({"name": "Ganesh", "gstin": GSTIN_27}));
    let item = shop.item("BOX", 10_000, 1800);
    let b = posted(
        &shop,
        &bill_body(
            &v,
            &shop.mum,
            "F-1",
            "2026-06-10",
            json!([{"item_id": item, "quantity": 2, "unit_price_paise": 10_000}]),
        ),
    );
    let id = id_of(&b);
    expect_problem(
        shop.app.patch(
            &shop.owner,
            &format!("/api/v1/bills/{id}"),
            &json!({"notes": "x"}),
        ),
        409,
        "conflict",
    );
    expect_problem(
        shop.app.delete(&shop.owner, &format!("/api/v1/bills/{id}")),
        409,
        "conflict",
    );
    expect_problem(post(&shop, &id), 409, "conflict");
    // Renaming the vendor later does not change what the bill says.
    json_of(
        shop.app.patch(
            &shop.owner,
            &format!("/api/v1/vendors/{v}"),
            &json!({"name": "Ganesh & Sons"}),
        ),
        200,
    );
    assert_eq!(
        json_of(
            shop.app.get(&shop.owner, &format!("/api/v1/bills/{id}")),
            200
        )["vendor"]["name"],
        "Ganesh"
    );
    let handle = shop
        .app
        .tenants
        .open_blocking("billfrozen")
        .expect("tenant");
    let refused = handle.db.write_blocking(|tx| {
        tx.execute("UPDATE bills SET grand_total_paise = 1", [])?;
        Ok(())
    });
    assert!(refused.is_err(), "the database let a posted bill change");
    let refused = handle.db.write_blocking(|tx| {
        tx.execute("UPDATE bill_lines SET unit_price_paise = 1", [])?;
        Ok(())
    });
    assert!(
        refused.is_err(),
        "the database let a posted bill's line change"
    );
}

/// Payments: never more than the balance (also 12 at once), a retry with the same
/// Idempotency-Key is the same payment, and payables follow.
#[test]
fn vendor_payments_never_overpay() {
    let shop = Shop::open("billpay");
    let v = vendor(&shop, json!({"name": "Ganesh", "gstin": GSTIN_27}));
    let item = shop.item("BOX", 100_000, 1800);
    let b = posted(
        &shop,
        &bill_body(
            &v,
            &shop.mum,
            "P-1",
            "2026-06-10",
            json!([{"item_id": item, "quantity": 1, "unit_price_paise": 100_000}]),
        ),
    );
    let id = id_of(&b);
    assert_eq!(b["grand_total_paise"], 118_000);
    // Draft and cancelled bills are not paid.
    let d = draft(
        &shop,
        &bill_body(
            &v,
            &shop.mum,
            "P-2",
            "2026-06-10",
            json!([{"item_id": item, "quantity": 1, "unit_price_paise": 100_000}]),
        ),
    );
    expect_problem(
        shop.app.post(
            &shop.owner,
            "/api/v1/vendor-payments",
            &json!({"bill_id": id_of(&d), "amount_paise": 100, "method": "cash"}),
        ),
        409,
        "conflict",
    );
    // Idempotent retry.
    let pay = |key: &str, amount: i64| {
        shop.app
            .req(reqwest::Method::POST, &shop.owner, "/api/v1/vendor-payments")
            .header("Idempotency-Key", key)
            .json(&json!({"bill_id": id, "amount_paise": amount, "method": "bank_transfer", "paid_on": "2026-06-15"}))
            .send()
            .expect("send")
    };
    let first = json_of(pay("k-1", 18_000), 201);
    let again = pay("k-1", 18_000);
    assert_eq!(
        again
            .headers()
            .get("Idempotent-Replayed")
            .map(|h| h.to_str().unwrap_or("")),
        Some("true")
    );
    assert_eq!(json_of(again, 201)["id"], first["id"]);
    expect_problem(pay("k-1", 18_001), 422, "idempotency_mismatch");
    // Before the bill's date: refused.
    expect_problem(
        shop.app.post(
            &shop.owner,
            "/api/v1/vendor-payments",
            &json!({"bill_id": id, "amount_paise": 1, "method": "cash", "paid_on": "2026-06-09"}),
        ),
        422,
        "validation_failed",
    );
    // ₹1,000 left; twelve payments of ₹250 at once: exactly four fit.
    let shop = Arc::new(shop);
    let handles: Vec<_> = (0..12)
        .map(|_| {
            let (s, id) = (Arc::clone(&shop), id.clone());
            std::thread::spawn(move || {
                s.app
                    .post(&s.owner, "/api/v1/vendor-payments", &json!({"bill_id": id, "amount_paise": 25_000, "method": "upi", "paid_on": "2026-06-16"}))
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let codes: Vec<u16> = handles
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .collect();
    assert_eq!(codes.iter().filter(|c| **c == 201).count(), 4, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 422).count(), 8, "{codes:?}");
    let paid = json_of(
        shop.app.get(&shop.owner, &format!("/api/v1/bills/{id}")),
        200,
    );
    assert_eq!(
        (paid["status"].as_str(), paid["balance_due_paise"].as_i64()),
        (Some("paid"), Some(0))
    );
    assert_eq!(
        count(&shop, &format!("/api/v1/vendor-payments?bill_id={id}")),
        5
    );
    // A paid bill cannot be cancelled.
    expect_problem(
        shop.app.post(
            &shop.owner,
            &format!("/api/v1/bills/{id}/cancel"),
            &json!({"reason": "x"}),
        ),
        409,
        "conflict",
    );
    // Payables: the draft owes nothing; nothing else is open.
    let payables = json_of(shop.app.get(&shop.owner, "/api/v1/reports/payables"), 200);
    assert_eq!(payables["totals"]["outstanding_paise"], 0);
    let (tb, _) = trial_balance(&shop, "2026-06-30");
    assert_eq!(tb.get("2110").copied().unwrap_or(0), 0);
    assert_eq!(tb.get("1121").copied(), Some(-118_000)); // all by bank, none in cash
}

/// Payables age by due date like receivables, and equal Sundry Creditors in the books.
#[test]
fn payables_age_and_agree_with_the_books() {
    let shop = Shop::open("billage");
    let a = vendor(&shop, json!({"name": "Aarav Supplies", "gstin": GSTIN_27}));
    let b = vendor(&shop, json!({"name": "Bharat Traders", "gstin": GSTIN_29}));
    let item = shop.item("BOX", 100_000, 0);
    let mk = |v: &str, no: &str, due_in: i64| {
        let mut body = bill_body(
            v,
            &shop.mum,
            no,
            &day(-100),
            json!([{"item_id": item, "quantity": 1, "unit_price_paise": 100_000}]),
        );
        body["due_date"] = json!(day(due_in));
        posted(&shop, &body)
    };
    mk(&a, "A-1", 5); // not yet due → 0_30
    mk(&a, "A-2", -45); // 31_60
    let late = mk(&b, "B-1", -95); // over_90
    json_of(
        shop.app.post(
            &shop.owner,
            "/api/v1/vendor-payments",
            &json!({"bill_id": id_of(&late), "amount_paise": 40_000, "method": "cash"}),
        ),
        201,
    );
    let r = json_of(shop.app.get(&shop.owner, "/api/v1/reports/payables"), 200);
    assert_eq!(r["vendors"][0]["vendor_name"], "Aarav Supplies");
    assert_eq!(
        r["vendors"][0]["buckets"],
        json!({"0_30": 100_000, "31_60": 100_000, "61_90": 0, "over_90": 0})
    );
    assert_eq!(r["vendors"][1]["outstanding_paise"], 60_000);
    assert_eq!(r["vendors"][1]["buckets"]["over_90"], 60_000);
    assert_eq!(r["totals"]["outstanding_paise"], 260_000);
    assert_eq!(r["totals"]["bills"], 3);
    let (tb, _) = trial_balance(&shop, &day(0));
    assert_eq!(tb.get("2110"), Some(&-260_000));
}

/// Bad bills, vendors and payments: a 4xx problem naming the field, and nothing written.
#[test]
fn bad_purchase_input_writes_nothing() {
    let shop = Shop::open("billbad");
    let acc = chart(&shop);
    let v = vendor(&shop, json!({"name": "Ganesh", "gstin": GSTIN_27}));
    let item = shop.item("BOX", 100_000, 1800);
    let other = TestApp::start();
    let foreign_owner = other.owner_token("billbad2");
    let foreign_vendor = id_of(&json_of(
        other.post(
            &foreign_owner,
            "/api/v1/vendors",
            &json!({"name": "Elsewhere", "state_code": "27"}),
        ),
        201,
    ));
    let ok_line = json!({"item_id": item, "quantity": 1, "unit_price_paise": 100_000});
    let base = bill_body(&v, &shop.mum, "B-1", "2026-06-10", json!([ok_line]));
    let with = |k: &str, val: Value| {
        let mut b = base.clone();
        b[k] = val;
        b
    };
    let line = |l: Value| with("lines", json!([l]));
    let cases: Vec<(Value, u16, &str)> = vec![
        (with("surprise", json!(1)), 422, "surprise"),
        (with("vendor_id", json!(42)), 422, ""),
        (with("vendor_id", json!(foreign_vendor)), 422, "vendor_id"),
        (with("branch_id", json!("not-a-uuid")), 422, "branch_id"),
        (
            with("supplier_invoice_no", json!("has space")),
            422,
            "supplier_invoice_no",
        ),
        (
            with("supplier_invoice_no", json!("12345678901234567")),
            422,
            "supplier_invoice_no",
        ),
        (
            with("supplier_invoice_date", json!("2026-02-30")),
            422,
            "supplier_invoice_date",
        ),
        (with("due_date", json!("2026-06-01")), 422, "due_date"),
        (
            with("posting_date", json!("2026-06-01")),
            422,
            "posting_date",
        ),
        (with("lines", json!([])), 422, "lines"),
        (
            line(json!({"quantity": 1, "unit_price_paise": 1})),
            422,
            "lines[0].item_id",
        ),
        (
            line(
                json!({"item_id": item, "account_id": acc["5310"], "quantity": 1, "unit_price_paise": 1}),
            ),
            422,
            "lines[0].account_id",
        ),
        (
            line(json!({"account_id": acc["5310"], "quantity": 1, "unit_price_paise": 1})),
            422,
            "lines[0].gst_rate_bp",
        ),
        (
            line(
                json!({"account_id": acc["5300"], "quantity": 1, "unit_price_paise": 1, "gst_rate_bp": 0}),
            ),
            422,
            "lines[0].account_id",
        ),
        (
            line(
                json!({"account_id": acc["1110"], "quantity": 1, "unit_price_paise": 1, "gst_rate_bp": 0}),
            ),
            422,
            "lines[0].account_id",
        ),
        (
            line(
                json!({"account_id": acc["4106"], "quantity": 1, "unit_price_paise": 1, "gst_rate_bp": 0}),
            ),
            422,
            "lines[0].account_id",
        ),
        (
            line(json!({"item_id": item, "quantity": 0.0001, "unit_price_paise": 1})),
            422,
            "lines[0].quantity",
        ),
        (
            line(json!({"item_id": item, "quantity": "1", "unit_price_paise": 1})),
            422,
            "lines[0].quantity",
        ),
        (
            line(json!({"item_id": item, "quantity": 1, "unit_price_paise": -1})),
            422,
            "lines[0].unit_price_paise",
        ),
        (
            line(
                json!({"item_id": item, "quantity": 1, "unit_price_paise": 10, "discount_paise": 11}),
            ),
            422,
            "lines[0].discount_paise",
        ),
        (
            line(
                json!({"item_id": item, "quantity": 1, "unit_price_paise": 10, "gst_rate_bp": 1700}),
            ),
            422,
            "lines[0].gst_rate_bp",
        ),
        (
            line(json!({"item_id": item, "quantity": 1, "unit_price_paise": 10, "itc": "maybe"})),
            422,
            "",
        ),
        (
            line(json!({"item_id": item, "quantity": 1, "unit_price_paise": 10, "hsn_sac": "12"})),
            422,
            "lines[0].hsn_sac",
        ),
    ];
    let before = (
        count(&shop, "/api/v1/bills"),
        count(&shop, "/api/v1/journals"),
    );
    for (body, status, field) in &cases {
        let res = shop.app.post(&shop.owner, "/api/v1/bills", body);
        assert_eq!(res.status().as_u16(), *status, "{body}");
        let p: Value = res.json().expect("problem");
        if !field.is_empty() {
            assert!(p.to_string().contains(field), "{field} not named in {p}");
        }
    }
    // Oversize body.
    let huge = "x".repeat(3 * 1024 * 1024);
    let res = shop
        .app
        .post(&shop.owner, "/api/v1/bills", &with("notes", json!(huge)));
    assert_eq!(res.status().as_u16(), 413);
    // Vendors and payments.
    for body in [
        json!({"name": "X", "registration": "composition", "state_code": "27"}),
        json!({"name": "X", "registration": "overseas", "gstin": GSTIN_27}),
        json!({"name": "X", "gstin": "27AAPFU0939F1ZW"}),
        json!({"name": " ", "state_code": "27"}),
        json!({"name": "X", "state_code": "27", "extra": true}),
    ] {
        let res = shop.app.post(&shop.owner, "/api/v1/vendors", &body);
        assert_eq!(res.status().as_u16(), 422, "{body}");
    }
    let b = posted(&shop, &with("supplier_invoice_no", json!("OK-1")));
    for body in [
        json!({"bill_id": id_of(&b), "amount_paise": 0, "method": "cash"}),
        json!({"bill_id": id_of(&b), "amount_paise": 1, "method": "credit"}),
        json!({"bill_id": id_of(&b), "amount_paise": 118_001, "method": "cash"}),
        json!({"bill_id": id_of(&b), "amount_paise": 1.5, "method": "cash"}),
        json!({"bill_id": foreign_vendor, "amount_paise": 1, "method": "cash"}),
    ] {
        let res = shop.app.post(&shop.owner, "/api/v1/vendor-payments", &body);
        assert_eq!(res.status().as_u16(), 422, "{body}");
    }
    // Only the one good bill and its journal were written.
    assert_eq!(count(&shop, "/api/v1/bills"), before.0 + 1);
    assert_eq!(count(&shop, "/api/v1/journals"), before.1 + 1);
    assert_eq!(count(&shop, "/api/v1/vendor-payments"), 0);
    assert_eq!(count(&shop, "/api/v1/vendors"), 1);
    // Another tenant's bill is not found, whoever asks.
    expect_problem(
        other.get(&foreign_owner, &format!("/api/v1/bills/{}", id_of(&b))),
        404,
        "not_found",
    );
}

/// Branch scope: a clerk of one branch neither sees nor books another branch's bills.
#[test]
fn bills_are_scoped_to_the_users_branches() {
    let shop = Shop::open("billscope");
    let blr = insert_branch(&shop.app, "billscope", "BLR", "29");
    let v = vendor(&shop, json!({"name": "Ganesh", "gstin": GSTIN_27}));
    let item = shop.item("BOX", 100_000, 1800);
    let mine = posted(
        &shop,
        &bill_body(
            &v,
            &shop.mum,
            "S-1",
            "2026-06-10",
            json!([{"item_id": item, "quantity": 1, "unit_price_paise": 100_000}]),
        ),
    );
    let theirs = posted(
        &shop,
        &bill_body(
            &v,
            &blr,
            "S-2",
            "2026-06-10",
            json!([{"item_id": item, "quantity": 1, "unit_price_paise": 100_000}]),
        ),
    );
    let role = json_of(
        shop.app.post(
            &shop.owner,
            "/api/v1/roles",
            &json!({"name": "buyer", "permissions": [
            "purchases.bills:read", "purchases.bills:write", "purchases.payments:read",
            "purchases.payments:write", "reports.payables:read"]}),
        ),
        201,
    );
    let email = "clerk@billscope.example.in";
    json_of(
        shop.app.post(
            &shop.owner,
            "/api/v1/users",
            &json!({"email": email, "name": "Clerk",
            "password": "Buyer-Passw0rd#2026", "roles": [role["name"]], "branch_ids": [shop.mum]}),
        ),
        201,
    );
    let clerk = token_of(&shop.app.login("billscope", email, "Buyer-Passw0rd#2026"));
    let list = json_of(shop.app.get(&clerk, "/api/v1/bills"), 200);
    let ids: Vec<&str> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|b| b["id"].as_str())
        .collect();
    assert_eq!(ids, vec![id_of(&mine).as_str()]);
    expect_problem(
        shop.app
            .get(&clerk, &format!("/api/v1/bills/{}", id_of(&theirs))),
        404,
        "not_found",
    );
    let res = shop.app.post(
        &clerk,
        "/api/v1/bills",
        &bill_body(
            &v,
            &blr,
            "S-3",
            "2026-06-10",
            json!([{"item_id": item, "quantity": 1, "unit_price_paise": 100_000}]),
        ),
    );
    assert_eq!(res.status().as_u16(), 422);
    expect_problem(
        shop.app.post(
            &clerk,
            "/api/v1/vendor-payments",
            &json!({"bill_id": id_of(&theirs), "amount_paise": 1, "method": "cash"}),
        ),
        422,
        "validation_failed",
    );
    // Posting needs its own permission.
    let d = json_of(
        shop.app.post(
            &clerk,
            "/api/v1/bills",
            &bill_body(
                &v,
                &shop.mum,
                "S-4",
                "2026-06-10",
                json!([{"item_id": item, "quantity": 1, "unit_price_paise": 100_000}]),
            ),
        ),
        201,
    );
    expect_problem(post_as(&shop, &clerk, &id_of(&d)), 403, "forbidden");
    let owed = json_of(shop.app.get(&clerk, "/api/v1/reports/payables"), 200);
    assert_eq!(owed["totals"]["outstanding_paise"], 118_000);
}

fn post_as(shop: &Shop, token: &str, id: &str) -> reqwest::blocking::Response {
    shop.app
        .post(token, &format!("/api/v1/bills/{id}/post"), &json!({}))
}

/// A bill dated in a locked period cannot be posted or cancelled.
#[test]
fn the_lock_date_holds_for_bills() {
    let shop = Shop::open("billlock");
    let v = vendor(&shop, json!({"name": "Ganesh", "gstin": GSTIN_27}));
    let item = shop.item("BOX", 100_000, 1800);
    let early = posted(
        &shop,
        &bill_body(
            &v,
            &shop.mum,
            "L-1",
            "2026-05-10",
            json!([{"item_id": item, "quantity": 1, "unit_price_paise": 100_000}]),
        ),
    );
    let late = draft(
        &shop,
        &bill_body(
            &v,
            &shop.mum,
            "L-2",
            "2026-05-20",
            json!([{"item_id": item, "quantity": 1, "unit_price_paise": 100_000}]),
        ),
    );
    json_of(
        shop.app.put(
            &shop.owner,
            "/api/v1/books/lock",
            &json!({"lock_date": "2026-05-31"}),
        ),
        200,
    );
    expect_problem(post(&shop, &id_of(&late)), 409, "period_locked");
    expect_problem(
        shop.app.post(
            &shop.owner,
            &format!("/api/v1/bills/{}/cancel", id_of(&early)),
            &json!({"reason": "x"}),
        ),
        409,
        "period_locked",
    );
    assert_eq!(
        json_of(
            shop.app
                .get(&shop.owner, &format!("/api/v1/bills/{}", id_of(&late))),
            200
        )["status"],
        "draft"
    );
    // Posted into an open period instead.
    let moved = json_of(
        shop.app.patch(
            &shop.owner,
            &format!("/api/v1/bills/{}", id_of(&late)),
            &json!({"posting_date": "2026-06-01"}),
        ),
        200,
    );
    assert_eq!(
        json_of(post(&shop, &id_of(&moved)), 200)["posting_date"],
        "2026-06-01"
    );
}
