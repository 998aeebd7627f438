//! Invoice life: drafts change and go away, issued ones do not; cancelling needs an
//! unpaid invoice; versions and If-Match; customers and items are edited and paged.

use serde_json::json;

use crate::common::*;
use crate::support::*;

#[test]
fn only_drafts_change_and_only_unpaid_invoices_cancel() {
    let shop = Shop::open("life");
    let customer = shop.customer("Asha Stores", "27");
    let item = shop.item("BOOK", 10_000, 500);
    let app = &shop.app;
    let path = |id: &str, tail: &str| format!("/api/v1/invoices/{id}{tail}");

    // A draft is priced again when patched; a stale If-Match is 412.
    let d = shop.draft(&customer, &item, 1);
    let id = id_of(&d);
    assert_eq!(d["version"], 1);
    let res = app
        .req(reqwest::Method::PATCH, &shop.owner, &path(&id, ""))
        .header("If-Match", "\"7\"")
        .json(&json!({"notes": "x"}))
        .send()
        .expect("patch");
    expect_problem(res, 412, "precondition_failed");
    let res = app
        .req(reqwest::Method::PATCH, &shop.owner, &path(&id, ""))
        .header("If-Match", "\"1\"")
        .json(&json!({"lines": [{"item_id": item, "quantity": 2.5, "discount_paise": 500}], "notes": "rush"}))
        .send()
        .expect("patch");
    let p = json_of(res, 200);
    // 2.5 × 100.00 − 5.00 = 24500; 5% intra: 24500 × 500 / 20000 = 612.5 → 613 each;
    // 25726 → ₹257, round-off −26.
    assert_eq!(p["taxable_total_paise"], 24_500);
    assert_eq!(p["cgst_total_paise"], 613);
    assert_eq!(p["grand_total_paise"], 25_700);
    assert_eq!(p["round_off_paise"], -26);
    assert_eq!(p["notes"], "rush");
    assert_eq!(p["version"], 2);
    // Moving the draft to an out-of-state customer switches to IGST: 24500 × 5% = 1225.
    let outside = shop.customer("Chennai Co", "33");
    let p = json_of(
        app.patch(
            &shop.owner,
            &path(&id, ""),
            &json!({"customer_id": outside}),
        ),
        200,
    );
    assert_eq!(
        (p["intra_state"].as_bool(), p["igst_total_paise"].as_i64()),
        (Some(false), Some(1_225))
    );
    assert_eq!(p["cgst_total_paise"], 0);

    // Issued: no patch, no delete, no second issue.
    let issued = shop.issue(&id);
    assert_eq!(issued["number"], "MUM/26-27/00001");
    assert!(issued["issued_at"].is_string());
    expect_problem(
        app.patch(&shop.owner, &path(&id, ""), &json!({"notes": "late"})),
        409,
        "conflict",
    );
    expect_problem(app.delete(&shop.owner, &path(&id, "")), 409, "conflict");
    expect_problem(
        app.post(&shop.owner, &path(&id, "/issue"), &json!({})),
        409,
        "conflict",
    );

    // Cancelling a paid or partly paid invoice is 409; an unpaid one keeps its number.
    let paid = id_of(&shop.issued(&customer, &item, 1));
    json_of(shop.pay(&shop.owner, &paid, 100), 201);
    expect_problem(
        app.post(
            &shop.owner,
            &path(&paid, "/cancel"),
            &json!({"reason": "oops"}),
        ),
        409,
        "conflict",
    );
    let full = shop.invoice(&paid)["balance_due_paise"]
        .as_i64()
        .expect("balance");
    json_of(shop.pay(&shop.owner, &paid, full), 201);
    assert_eq!(shop.invoice(&paid)["status"], "paid");
    expect_problem(
        app.post(
            &shop.owner,
            &path(&paid, "/cancel"),
            &json!({"reason": "oops"}),
        ),
        409,
        "conflict",
    );
    let body = expect_problem(
        app.post(&shop.owner, &path(&id, "/cancel"), &json!({"reason": " "})),
        422,
        "validation_failed",
    );
    assert_eq!(body["errors"][0]["field"], "reason");
    let c = json_of(
        app.post(
            &shop.owner,
            &path(&id, "/cancel"),
            &json!({"reason": "customer returned goods"}),
        ),
        200,
    );
    assert_eq!(c["status"], "cancelled");
    assert_eq!(c["number"], "MUM/26-27/00001");
    assert_eq!(c["cancel_reason"], "customer returned goods");
    expect_problem(
        app.post(
            &shop.owner,
            &path(&id, "/cancel"),
            &json!({"reason": "again"}),
        ),
        409,
        "conflict",
    );

    // A draft cannot be cancelled but can be deleted; then it is gone.
    let d2 = id_of(&shop.draft(&customer, &item, 1));
    expect_problem(
        app.post(&shop.owner, &path(&d2, "/cancel"), &json!({"reason": "x"})),
        409,
        "conflict",
    );
    assert_eq!(app.delete(&shop.owner, &path(&d2, "")).status(), 204);
    expect_problem(app.get(&shop.owner, &path(&d2, "")), 404, "not_found");

    // Every change left an audit event.
    let handle = app.tenants.open_blocking("life").expect("tenant");
    let chain = handle
        .db
        .read_blocking(bisman::audit::verify)
        .expect("verify");
    assert!(chain.ok, "the audit chain verifies");
    let actions: Vec<String> = handle
        .db
        .read_blocking(|c| {
            let mut s = c.prepare("SELECT DISTINCT action FROM audit_events ORDER BY action")?;
            let rows = s.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<Result<Vec<String>, _>>()?)
        })
        .expect("audit");
    for a in [
        "customer.created",
        "item.created",
        "invoice.created",
        "invoice.updated",
        "invoice.issued",
        "invoice.cancelled",
        "invoice.deleted",
        "payment.created",
    ] {
        assert!(
            actions.iter().any(|x| x == a),
            "{a} missing from {actions:?}"
        );
    }
}

#[test]
fn customers_and_items_are_edited_with_versions_and_paged() {
    let shop = Shop::open("edit");
    let app = &shop.app;
    let c = json_of(
        app.post(
            &shop.owner,
            "/api/v1/customers",
            &json!({"name": "Kaveri Foods", "gstin": GSTIN_29, "email": "a@kaveri.in"}),
        ),
        201,
    );
    assert_eq!(c["state_code"], "29", "derived from the GSTIN");
    let cid = id_of(&c);
    let res = app
        .req(
            reqwest::Method::PATCH,
            &shop.owner,
            &format!("/api/v1/customers/{cid}"),
        )
        .header("If-Match", "\"2\"")
        .json(&json!({"name": "Kaveri"}))
        .send()
        .expect("patch");
    expect_problem(res, 412, "precondition_failed");
    // Clearing the GSTIN keeps the state; a new GSTIN brings its own state.
    let p = json_of(
        app.patch(
            &shop.owner,
            &format!("/api/v1/customers/{cid}"),
            &json!({"gstin": null}),
        ),
        200,
    );
    assert_eq!(
        (
            p["gstin"].is_null(),
            p["state_code"].as_str(),
            p["version"].as_i64()
        ),
        (true, Some("29"), Some(2))
    );
    let p = json_of(
        app.patch(
            &shop.owner,
            &format!("/api/v1/customers/{cid}"),
            &json!({"gstin": GSTIN_27}),
        ),
        200,
    );
    assert_eq!(p["state_code"], "27");
    let body = expect_problem(
        app.patch(
            &shop.owner,
            &format!("/api/v1/customers/{cid}"),
            &json!({"state_code": "29"}),
        ),
        422,
        "validation_failed",
    );
    assert_eq!(body["errors"][0]["field"], "state_code");

    let item = shop.item("SKU-1", 500, 1200);
    let p = json_of(
        app.patch(
            &shop.owner,
            &format!("/api/v1/items/{item}"),
            &json!({"unit_price_paise": 750, "gst_rate_bp": 1800}),
        ),
        200,
    );
    assert_eq!(
        (
            p["unit_price_paise"].as_i64(),
            p["gst_rate_bp"].as_i64(),
            p["version"].as_i64()
        ),
        (Some(750), Some(1800), Some(2))
    );
    shop.item("SKU-2", 1, 0);
    expect_problem(
        app.patch(
            &shop.owner,
            &format!("/api/v1/items/{item}"),
            &json!({"sku": "SKU-2"}),
        ),
        409,
        "conflict",
    );

    // Keyset pages: five customers in pages of two, each seen once; filters apply.
    for n in ["Ganga Mills", "Gomti Mart", "Godavari Ltd", "Narmada Co"] {
        shop.customer(n, "27");
    }
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = json_of(
            app.get(
                &shop.owner,
                &format!("/api/v1/customers?limit=2&cursor={cursor}"),
            ),
            200,
        );
        let items = page["items"].as_array().expect("items");
        assert!(items.len() <= 2);
        seen.extend(items.iter().map(id_of));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = c.to_string(),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    let q = json_of(app.get(&shop.owner, "/api/v1/customers?q=go"), 200);
    let names: Vec<&str> = q["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(names, vec!["Gomti Mart", "Godavari Ltd"]);
    let g = json_of(
        app.get(
            &shop.owner,
            &format!("/api/v1/customers?gstin={}", GSTIN_27.to_lowercase()),
        ),
        200,
    );
    assert_eq!(g["items"].as_array().expect("items").len(), 1);
    let items = json_of(app.get(&shop.owner, "/api/v1/items?q=sku-"), 200);
    assert_eq!(items["items"].as_array().expect("items").len(), 2);
    expect_problem(
        app.get(&shop.owner, "/api/v1/customers?cursor=nonsense"),
        422,
        "validation_failed",
    );
    expect_problem(
        app.get(&shop.owner, "/api/v1/invoices?status=open"),
        422,
        "validation_failed",
    );
    expect_problem(
        app.get(&shop.owner, "/api/v1/invoices?from=2026-13-01"),
        422,
        "validation_failed",
    );
}
