//! Payments: never more than the balance (also with twenty at once), status moves with
//! the money, and an Idempotency-Key replays the original response, even after restart.

use std::sync::Arc;

use serde_json::json;

use crate::common::*;
use crate::support::*;

#[test]
fn twenty_concurrent_full_payments_only_one_wins() {
    let shop = Shop::open("race");
    let customer = shop.customer("Asha Stores", "27");
    let item = shop.item("PEN", 99_999, 1800);
    let inv = shop.issued(&customer, &item, 3);
    // 3 × 999.99 = 299997; 18% intra: 299997 × 1800 / 20000 = 26999.73 → 27000 each;
    // 353997 → ₹3540, round-off +3.
    assert_eq!(inv["grand_total_paise"], 354_000);
    let id = id_of(&inv);
    let shop = Arc::new(shop);
    let handles: Vec<_> = (0..20)
        .map(|_| {
            let (shop, id) = (Arc::clone(&shop), id.clone());
            std::thread::spawn(move || {
                let res = shop.pay(&shop.owner, &id, 354_000);
                let status = res.status().as_u16();
                let body: serde_json::Value = res.json().expect("json");
                (status, body)
            })
        })
        .collect();
    let results: Vec<_> = handles
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .collect();
    let created = results.iter().filter(|(s, _)| *s == 201).count();
    assert_eq!(created, 1, "{results:?}");
    for (status, body) in results.iter().filter(|(s, _)| *s != 201) {
        assert_eq!(*status, 422);
        assert_eq!(body["type"], "https://bisman.dev/problems/overpayment");
    }
    let inv = shop.invoice(&id);
    assert_eq!(inv["amount_paid_paise"], 354_000);
    assert_eq!(inv["balance_due_paise"], 0);
    assert_eq!(inv["status"], "paid");
    let list = json_of(
        shop.app
            .get(&shop.owner, &format!("/api/v1/payments?invoice_id={id}")),
        200,
    );
    assert_eq!(list["items"].as_array().expect("items").len(), 1);
}

#[test]
fn partial_payments_move_the_status_and_overpayment_is_refused() {
    let shop = Shop::open("partial");
    let customer = shop.customer("Asha Stores", "27");
    let item = shop.item("BOOK", 10_000, 0);
    let id = id_of(&shop.issued(&customer, &item, 1));
    let p1 = json_of(shop.pay(&shop.owner, &id, 4_000), 201);
    assert_eq!(p1["amount_paise"], 4_000);
    assert_eq!(p1["method"], "upi");
    assert_eq!(p1["received_on"], "2026-06-20");
    let inv = shop.invoice(&id);
    assert_eq!(
        (inv["status"].as_str(), inv["balance_due_paise"].as_i64()),
        (Some("partially_paid"), Some(6_000))
    );
    let body = expect_problem(shop.pay(&shop.owner, &id, 6_001), 422, "overpayment");
    assert!(body["detail"].as_str().expect("detail").contains("6000"));
    json_of(shop.pay(&shop.owner, &id, 6_000), 201);
    let inv = shop.invoice(&id);
    assert_eq!(
        (inv["status"].as_str(), inv["balance_due_paise"].as_i64()),
        (Some("paid"), Some(0))
    );
    expect_problem(shop.pay(&shop.owner, &id, 1), 422, "overpayment");
    let p = json_of(
        shop.app
            .get(&shop.owner, &format!("/api/v1/payments/{}", id_of(&p1))),
        200,
    );
    assert_eq!(p, p1);
    let body = expect_problem(shop.pay(&shop.owner, &id, 0), 422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "amount_paise");
    // A negative amount is a refund of customer credit, and this customer has none.
    let body = expect_problem(shop.pay(&shop.owner, &id, -5), 422, "overpayment");
    assert_eq!(body["errors"][0]["field"], "amount_paise");
}

#[test]
fn an_idempotent_retry_returns_the_original_payment_even_after_a_restart() {
    let mut shop = Shop::open("idem");
    let customer = shop.customer("Asha Stores", "27");
    let item = shop.item("BOOK", 10_000, 0);
    let id = id_of(&shop.issued(&customer, &item, 1));
    let body = json!({"invoice_id": id, "amount_paise": 2_500, "method": "cash", "reference": "R-1", "received_on": "2026-06-20"});
    let send = |app: &TestApp, token: &str, key: &str, body: &serde_json::Value| {
        app.req(reqwest::Method::POST, token, "/api/v1/payments")
            .header("Idempotency-Key", key)
            .json(body)
            .send()
            .expect("POST")
    };
    let first = json_of(send(&shop.app, &shop.owner, "pay-0001", &body), 201);
    let again = send(&shop.app, &shop.owner, "pay-0001", &body);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(json_of(again, 201), first);

    // Restart the appliance on the same data dir; the key is still honoured.
    shop.app.stop();
    let settings = {
        let mut s = bisman::config::Settings::for_data_dir(shop.app.dir.path());
        s.bind = format!("127.0.0.1:{}", free_port()).parse().expect("addr");
        s
    };
    let app2 = TestApp::start_in(tempfile::tempdir().expect("placeholder"), settings);
    let replay = json_of(send(&app2, &shop.owner, "pay-0001", &body), 201);
    assert_eq!(replay, first, "same payment, same body");
    let inv = json_of(
        app2.get(&shop.owner, &format!("/api/v1/invoices/{id}")),
        200,
    );
    assert_eq!(inv["amount_paid_paise"], 2_500, "paid once");

    // The same key with another body is refused; a new key is a new payment.
    let mut other = body.clone();
    other["amount_paise"] = json!(2_600);
    expect_problem(
        send(&app2, &shop.owner, "pay-0001", &other),
        422,
        "idempotency_mismatch",
    );
    let second = json_of(send(&app2, &shop.owner, "pay-0002", &body), 201);
    assert_ne!(second["id"], first["id"]);
    let list = json_of(
        app2.get(&shop.owner, &format!("/api/v1/payments?invoice_id={id}")),
        200,
    );
    assert_eq!(list["items"].as_array().expect("items").len(), 2);
    // A malformed key is a bad request, never a payment.
    let res = send(&app2, &shop.owner, "bad key with spaces", &body);
    expect_problem(res, 400, "bad_request");
}

#[test]
fn drafts_and_cancelled_invoices_cannot_be_paid() {
    let shop = Shop::open("paystate");
    let customer = shop.customer("Asha Stores", "27");
    let item = shop.item("BOOK", 10_000, 0);
    let draft = id_of(&shop.draft(&customer, &item, 1));
    expect_problem(shop.pay(&shop.owner, &draft, 100), 409, "conflict");
    let issued = id_of(&shop.issued(&customer, &item, 1));
    json_of(
        shop.app.post(
            &shop.owner,
            &format!("/api/v1/invoices/{issued}/cancel"),
            &json!({"reason": "duplicate"}),
        ),
        200,
    );
    expect_problem(shop.pay(&shop.owner, &issued, 100), 409, "conflict");
    let unknown = uuid::Uuid::now_v7().to_string();
    let body = expect_problem(
        shop.pay(&shop.owner, &unknown, 100),
        422,
        "validation_failed",
    );
    assert_eq!(body["errors"][0]["field"], "invoice_id");
}
