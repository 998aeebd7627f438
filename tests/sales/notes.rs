//! Credit and debit notes (CGST Act s. 34, Rule 53) over real HTTP: returns and
//! discounts, the cap at the invoice's value (also under concurrent notes), the time bar,
//! customer credit, refunds, debit notes, and bad input that writes nothing.

use std::sync::Arc;

use serde_json::{json, Value};

use super::support::*;
use crate::common::*;

fn note(
    shop: &Shop,
    kind: &str,
    invoice: &str,
    date: &str,
    lines: Value,
) -> reqwest::blocking::Response {
    shop.app.post(
        &shop.owner,
        &format!("/api/v1/{kind}-notes"),
        &json!({"invoice_id": invoice, "note_date": date, "reason": "sales_return", "lines": lines}),
    )
}

fn issue_note(shop: &Shop, kind: &str, id: &str) -> reqwest::blocking::Response {
    shop.app.post(
        &shop.owner,
        &format!("/api/v1/{kind}-notes/{id}/issue"),
        &json!({}),
    )
}

/// Creates and issues a note; returns the issued note.
fn credit(shop: &Shop, invoice: &str, lines: Value) -> Value {
    let draft = json_of(note(shop, "credit", invoice, "2026-06-20", lines), 201);
    json_of(issue_note(shop, "credit", &id_of(&draft)), 200)
}

fn credit_balance(shop: &Shop, customer: &str) -> i64 {
    json_of(
        shop.app
            .get(&shop.owner, &format!("/api/v1/customers/{customer}")),
        200,
    )["credit_balance_paise"]
        .as_i64()
        .expect("credit")
}

#[test]
fn returns_lower_the_balance_and_never_exceed_the_invoice() {
    let shop = Shop::open("returns");
    let cust = shop.customer("Asha Stores", "27");
    // 10 × ₹100 at 18 % within Maharashtra: ₹1,000 + ₹90 + ₹90 = ₹1,180.
    let item = shop.item("PEN", 10_000, 1800);
    let inv = shop.issued(&cust, &item, 10);
    let id = id_of(&inv);
    assert_eq!(inv["grand_total_paise"], 118_000);

    // A draft changes nothing yet.
    let draft = json_of(
        note(
            &shop,
            "credit",
            &id,
            "2026-06-20",
            json!([{"invoice_line": 1, "quantity": 4}]),
        ),
        201,
    );
    assert_eq!(draft["status"], "draft");
    assert!(draft["number"].is_null());
    assert_eq!(
        (
            draft["taxable_total_paise"].as_i64(),
            draft["cgst_total_paise"].as_i64(),
            draft["grand_total_paise"].as_i64()
        ),
        (Some(40_000), Some(3_600), Some(47_200))
    );
    assert_eq!(shop.invoice(&id)["balance_due_paise"], 118_000);

    // Partial return: 4 of 10.
    let cn = json_of(issue_note(&shop, "credit", &id_of(&draft)), 200);
    assert_eq!(cn["number"], "MUMC/26-27/00001");
    assert_eq!(cn["invoice_number"], "MUM/26-27/00001");
    assert_eq!(
        (cn["applied_paise"].as_i64(), cn["to_credit_paise"].as_i64()),
        (Some(47_200), Some(0))
    );
    assert_eq!(cn["seller"], inv["seller"]);
    assert_eq!(cn["buyer"], inv["buyer"]);
    let after = shop.invoice(&id);
    assert_eq!(after["balance_due_paise"], 70_800);
    assert_eq!(after["credited_paise"], 47_200);
    assert_eq!(after["status"], "partially_paid");
    // Full return of the rest.
    let cn2 = credit(&shop, &id, json!([{"invoice_line": 1, "quantity": 6}]));
    assert_eq!(cn2["grand_total_paise"], 70_800);
    let after = shop.invoice(&id);
    assert_eq!(
        (
            after["balance_due_paise"].as_i64(),
            after["status"].as_str()
        ),
        (Some(0), Some("paid"))
    );
    // Nothing more can be credited, by quantity or by value.
    for lines in [
        json!([{"invoice_line": 1, "quantity": 1}]),
        json!([{"invoice_line": 1, "taxable_paise": 100}]),
    ] {
        let p = expect_problem(
            note(&shop, "credit", &id, "2026-06-21", lines),
            422,
            "exceeds_invoice",
        );
        assert!(p["errors"][0]["field"]
            .as_str()
            .expect("field")
            .starts_with("lines"));
    }
    assert_eq!(credit_balance(&shop, &cust), 0);
    // An issued note cannot be deleted; its draft could.
    expect_problem(
        shop.app
            .delete(&shop.owner, &format!("/api/v1/credit-notes/{}", id_of(&cn))),
        409,
        "conflict",
    );
}

#[test]
fn concurrent_credit_notes_cannot_together_exceed_the_invoice() {
    let shop = Arc::new(Shop::open("racing"));
    let cust = shop.customer("Asha Stores", "27");
    let item = shop.item("PEN", 10_000, 0);
    let inv = id_of(&shop.issued(&cust, &item, 10));
    // Ten drafts of 3 units each: each fits alone, only three fit together.
    let drafts: Vec<String> = (0..10)
        .map(|_| {
            id_of(&json_of(
                note(
                    &shop,
                    "credit",
                    &inv,
                    "2026-06-20",
                    json!([{"invoice_line": 1, "quantity": 3}]),
                ),
                201,
            ))
        })
        .collect();
    let handles: Vec<_> = drafts
        .into_iter()
        .map(|d| {
            let shop = Arc::clone(&shop);
            std::thread::spawn(move || {
                let res = issue_note(&shop, "credit", &d);
                let status = res.status().as_u16();
                let body: Value = res.json().unwrap_or_default();
                (
                    status,
                    body["type"].as_str().unwrap_or_default().to_string(),
                )
            })
        })
        .collect();
    let results: Vec<(u16, String)> = handles
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .collect();
    let ok = results.iter().filter(|(s, _)| *s == 200).count();
    assert_eq!(ok, 3, "{results:?}");
    assert!(results
        .iter()
        .filter(|(s, _)| *s != 200)
        .all(|(s, t)| *s == 422 && t.ends_with("/exceeds_invoice")));
    let after = shop.invoice(&inv);
    assert_eq!(after["credited_paise"], 90_000);
    assert_eq!(after["balance_due_paise"], 10_000);
}

#[test]
fn a_credit_note_is_time_barred_after_30_november_of_the_next_year() {
    let shop = Shop::open("timebar");
    let cust = shop.customer("Asha Stores", "27");
    let item = shop.item("PEN", 10_000, 1800);
    // An invoice of FY 2025-26: credit notes up to 30 November 2026.
    let d = shop.draft_on(
        &shop.mum,
        &cust,
        "2025-06-01",
        "2025-06-30",
        json!([{"item_id": item, "quantity": 2}]),
    );
    let inv = id_of(&shop.issue(&id_of(&d)));
    let lines = json!([{"invoice_line": 1, "quantity": 1}]);
    let p = expect_problem(
        note(&shop, "credit", &inv, "2026-12-01", lines.clone()),
        422,
        "time_barred",
    );
    assert_eq!(p["errors"][0]["field"], "note_date");
    assert!(p["detail"].as_str().expect("detail").contains("2026-11-30"));
    json_of(
        note(&shop, "credit", &inv, "2026-11-30", lines.clone()),
        201,
    );
    // Not before the invoice either.
    let p = expect_problem(
        note(&shop, "credit", &inv, "2025-05-31", lines.clone()),
        422,
        "validation_failed",
    );
    assert_eq!(p["errors"][0]["field"], "note_date");
    // Debit notes have no such bar.
    json_of(note(&shop, "debit", &inv, "2027-06-01", lines), 201);
}

#[test]
fn credit_beyond_the_balance_is_the_customers_to_use_or_refund() {
    let shop = Shop::open("credit");
    let cust = shop.customer("Asha Stores", "27");
    let item = shop.item("BOOK", 10_000, 0);
    let paid = id_of(&shop.issued(&cust, &item, 5));
    json_of(shop.pay(&shop.owner, &paid, 50_000), 201);
    assert_eq!(shop.invoice(&paid)["status"], "paid");
    // A return on a paid invoice: nothing is owed, so it all becomes customer credit.
    let cn = credit(&shop, &paid, json!([{"invoice_line": 1, "quantity": 2}]));
    assert_eq!(
        (cn["applied_paise"].as_i64(), cn["to_credit_paise"].as_i64()),
        (Some(0), Some(20_000))
    );
    assert_eq!(shop.invoice(&paid)["balance_due_paise"], 0);
    assert_eq!(credit_balance(&shop, &cust), 20_000);

    // The credit pays part of a later invoice.
    let next = id_of(&shop.issued(&cust, &item, 3));
    let use_credit = |amount: i64| {
        shop.app.post(
            &shop.owner,
            "/api/v1/payments",
            &json!({"invoice_id": next, "amount_paise": amount, "method": "credit"}),
        )
    };
    expect_problem(use_credit(25_000), 422, "overpayment");
    json_of(use_credit(15_000), 201);
    assert_eq!(credit_balance(&shop, &cust), 5_000);
    assert_eq!(shop.invoice(&next)["balance_due_paise"], 15_000);
    // The rest is refunded: a negative payment with the refund's method.
    let refund = |amount: i64, method: &str| {
        shop.app.post(
            &shop.owner,
            "/api/v1/payments",
            &json!({"invoice_id": paid, "amount_paise": amount, "method": method, "reference": "NEFT-R1"}),
        )
    };
    expect_problem(refund(-6_000, "bank_transfer"), 422, "overpayment");
    let p = expect_problem(refund(-1_000, "credit"), 422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "amount_paise");
    let r = json_of(refund(-5_000, "bank_transfer"), 201);
    assert_eq!(r["amount_paise"], -5_000);
    assert_eq!(r["customer_id"], cust.as_str());
    assert_eq!(credit_balance(&shop, &cust), 0);
    assert_eq!(
        shop.invoice(&paid)["amount_paid_paise"],
        50_000,
        "a refund is not a payment of the invoice"
    );
}

#[test]
fn a_debit_note_raises_the_balance() {
    let shop = Shop::open("debit");
    let cust = shop.customer("Asha Stores", "29");
    let item = shop.item("PEN", 10_000, 1800);
    let inv = shop.issued(&cust, &item, 1);
    let id = id_of(&inv);
    json_of(shop.pay(&shop.owner, &id, 11_800), 201);
    let dn = json_of(
        note(
            &shop,
            "debit",
            &id,
            "2026-06-25",
            json!([{"invoice_line": 1, "taxable_paise": 5_000}]),
        ),
        201,
    );
    let dn = json_of(issue_note(&shop, "debit", &id_of(&dn)), 200);
    assert_eq!(dn["number"], "MUMD/26-27/00001");
    // Inter-state, as the invoice: IGST only.
    assert_eq!(
        (
            dn["igst_total_paise"].as_i64(),
            dn["cgst_total_paise"].as_i64()
        ),
        (Some(900), Some(0))
    );
    assert_eq!(dn["grand_total_paise"], 5_900);
    let after = shop.invoice(&id);
    assert_eq!(after["debited_paise"], 5_900);
    assert_eq!(after["balance_due_paise"], 5_900);
    assert_eq!(after["status"], "partially_paid");
    json_of(shop.pay(&shop.owner, &id, 5_900), 201);
    assert_eq!(shop.invoice(&id)["status"], "paid");
    // Credit notes may then credit up to the invoice plus its debit notes.
    let cn = credit(&shop, &id, json!([{"invoice_line": 1, "quantity": 1}]));
    assert_eq!(cn["grand_total_paise"], 11_800);
    assert_eq!(credit_balance(&shop, &cust), 11_800);
}

#[test]
fn bad_notes_are_refused_and_write_nothing() {
    let shop = Shop::open("badnotes");
    let other = shop.app.owner_token("elsewhere");
    let cust = shop.customer("Asha Stores", "27");
    let item = shop.item("PEN", 10_000, 1800);
    let issued = id_of(&shop.issued(&cust, &item, 2));
    let draft = id_of(&shop.draft(&cust, &item, 2));
    let cancelled = id_of(&shop.issued(&cust, &item, 2));
    json_of(
        shop.app.post(
            &shop.owner,
            &format!("/api/v1/invoices/{cancelled}/cancel"),
            &json!({"reason": "raised twice"}),
        ),
        200,
    );
    let ok_line = json!([{"invoice_line": 1, "quantity": 1}]);
    expect_problem(
        note(&shop, "credit", &draft, "2026-06-20", ok_line.clone()),
        409,
        "conflict",
    );
    expect_problem(
        note(&shop, "credit", &cancelled, "2026-06-20", ok_line.clone()),
        409,
        "conflict",
    );
    let body = |v: Value| shop.app.post(&shop.owner, "/api/v1/credit-notes", &v);
    let cases = vec![
        (
            json!({"invoice_id": issued, "note_date": "2026-06-20", "reason": "sales_return", "lines": []}),
            "lines",
        ),
        (
            json!({"invoice_id": issued, "note_date": "2026-06-20", "reason": "sales_return", "lines": [{"invoice_line": 3, "quantity": 1}]}),
            "lines[0].invoice_line",
        ),
        (
            json!({"invoice_id": issued, "note_date": "2026-06-20", "reason": "sales_return", "lines": [{"invoice_line": 1}]}),
            "lines[0].quantity",
        ),
        (
            json!({"invoice_id": issued, "note_date": "2026-06-20", "reason": "sales_return", "lines": [{"invoice_line": 1, "quantity": 1, "taxable_paise": 5}]}),
            "lines[0].quantity",
        ),
        (
            json!({"invoice_id": issued, "note_date": "2026-06-20", "reason": "sales_return", "lines": [{"invoice_line": 1, "quantity": 0.0001}]}),
            "lines[0].quantity",
        ),
        (
            json!({"invoice_id": issued, "note_date": "2026-06-20", "reason": "sales_return", "lines": [{"invoice_line": 1, "taxable_paise": -5}]}),
            "lines[0].taxable_paise",
        ),
        (
            json!({"invoice_id": issued, "note_date": "2026-06-20", "reason": "sales_return", "lines": [{"invoice_line": 1, "quantity": 3}]}),
            "lines[0].quantity",
        ),
        (
            json!({"invoice_id": issued, "note_date": "20-06-2026", "reason": "sales_return", "lines": ok_line}),
            "note_date",
        ),
        (
            json!({"invoice_id": issued, "note_date": "2026-06-20", "reason": "because", "lines": ok_line}),
            "reason",
        ),
        (
            json!({"invoice_id": issued, "note_date": "2026-06-20", "reason": "sales_return", "lines": ok_line, "number": "X/1"}),
            "number",
        ),
        (
            json!({"invoice_id": 42, "note_date": "2026-06-20", "reason": "sales_return", "lines": ok_line}),
            "invoice_id",
        ),
        (
            json!({"invoice_id": "not-an-id", "note_date": "2026-06-20", "reason": "sales_return", "lines": ok_line}),
            "invoice_id",
        ),
        (
            json!({"invoice_id": uuid::Uuid::now_v7().to_string(), "note_date": "2026-06-20", "reason": "sales_return", "lines": ok_line}),
            "invoice_id",
        ),
    ];
    for (v, field) in cases {
        let res = body(v.clone());
        let status = res.status().as_u16();
        let p: Value = res.json().unwrap_or_default();
        assert_eq!(status, 422, "{v}: {p}");
        assert_eq!(p["errors"][0]["field"], field, "{v}: {p}");
    }
    // Another tenant's owner sees none of it.
    let res = shop.app.post(
        &other,
        "/api/v1/credit-notes",
        &json!({"invoice_id": issued, "note_date": "2026-06-20", "reason": "sales_return", "lines": ok_line}),
    );
    assert_eq!(res.status().as_u16(), 422);
    let mine = json_of(
        note(&shop, "credit", &issued, "2026-06-20", ok_line.clone()),
        201,
    );
    for path in [
        format!("/api/v1/credit-notes/{}", id_of(&mine)),
        format!("/api/v1/debit-notes/{}", id_of(&mine)),
    ] {
        expect_problem(shop.app.get(&other, &path), 404, "not_found");
    }
    expect_problem(
        shop.app.post(
            &other,
            &format!("/api/v1/credit-notes/{}/issue", id_of(&mine)),
            &json!({}),
        ),
        404,
        "not_found",
    );
    // A credit note is not a debit note.
    expect_problem(
        shop.app.get(
            &shop.owner,
            &format!("/api/v1/debit-notes/{}", id_of(&mine)),
        ),
        404,
        "not_found",
    );
    // Only the one good draft exists; the invoice is untouched.
    let list = json_of(
        shop.app.get(
            &shop.owner,
            &format!("/api/v1/credit-notes?invoice_id={issued}"),
        ),
        200,
    );
    assert_eq!(list["items"].as_array().expect("items").len(), 1);
    assert_eq!(shop.invoice(&issued)["balance_due_paise"], 23_600);
}
