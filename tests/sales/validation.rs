//! Bad input is 422 naming the field (never a 5xx): customers, items, invoices, payments.

use serde_json::{json, Value};

use crate::common::*;
use crate::support::*;

/// Posts `body` and expects a 422 whose errors include `field` with `code`.
fn expect_field(
    shop: &Shop,
    method: reqwest::Method,
    path: &str,
    body: &Value,
    field: &str,
    code: &str,
) {
    let res = shop
        .app
        .req(method, &shop.owner, path)
        .json(body)
        .send()
        .expect("request");
    let p = expect_problem(res, 422, "validation_failed");
    let errors = p["errors"].as_array().expect("errors");
    assert!(
        errors
            .iter()
            .any(|e| e["field"] == field && e["code"] == code),
        "{path} {body}: expected {field}/{code}, got {p}"
    );
}

#[test]
fn customers_and_items_are_validated() {
    let shop = Shop::open("valid-ci");
    let post = reqwest::Method::POST;
    let customers: &[(Value, &str, &str)] = &[
        (
            json!({"name": "A", "gstin": "27AAPFU0939F1ZW"}),
            "gstin",
            "invalid_checksum",
        ),
        (
            json!({"name": "A", "gstin": "27AAPFU0939F1Z"}),
            "gstin",
            "invalid_format",
        ),
        (
            json!({"name": "A", "gstin": GSTIN_27, "state_code": "29"}),
            "state_code",
            "mismatch",
        ),
        (json!({"name": "A"}), "state_code", "required"),
        (
            json!({"name": "A", "state_code": "41"}),
            "state_code",
            "invalid_value",
        ),
        (json!({"name": " ", "state_code": "27"}), "name", "required"),
        (
            json!({"name": "A", "state_code": "27", "email": "not-an-email"}),
            "email",
            "invalid_format",
        ),
        (
            json!({"name": "A", "state_code": "27", "phone": "12"}),
            "phone",
            "too_short",
        ),
        (
            json!({"name": "A", "state_code": "27", "version": 9}),
            "version",
            "unknown_field",
        ),
        (json!({"state_code": "27"}), "name", "required"),
    ];
    for (body, field, code) in customers {
        expect_field(&shop, post.clone(), "/api/v1/customers", body, field, code);
    }
    let item = |f: &str, v: Value| {
        let mut b = json!({"sku": "S1", "name": "Pen", "hsn_sac": "9608", "unit": "nos", "unit_price_paise": 1000, "gst_rate_bp": 1800});
        b[f] = v;
        b
    };
    let items: &[(Value, &str, &str)] = &[
        (item("hsn_sac", json!("96081")), "hsn_sac", "invalid_format"),
        (item("hsn_sac", json!("96O8")), "hsn_sac", "invalid_format"),
        (
            item("gst_rate_bp", json!(1000)),
            "gst_rate_bp",
            "invalid_value",
        ),
        (
            item("gst_rate_bp", json!(18.0)),
            "gst_rate_bp",
            "invalid_type",
        ),
        (
            item("unit_price_paise", json!(-1)),
            "unit_price_paise",
            "out_of_range",
        ),
        (
            item("unit_price_paise", json!(10.5)),
            "unit_price_paise",
            "invalid_type",
        ),
        (item("sku", json!("has space")), "sku", "invalid_format"),
        (item("unit", json!("")), "unit", "required"),
        (item("id", json!("x")), "id", "unknown_field"),
    ];
    for (body, field, code) in items {
        expect_field(&shop, post.clone(), "/api/v1/items", body, field, code);
    }
    shop.item("S1", 1000, 1800);
    expect_problem(
        shop.app
            .post(&shop.owner, "/api/v1/items", &item("name", json!("Again"))),
        409,
        "conflict",
    );
}

#[test]
fn invoices_and_payments_are_validated() {
    let shop = Shop::open("valid-ip");
    let customer = shop.customer("Asha Stores", "27");
    let item = shop.item("PEN", 1000, 1800);
    let good = json!({"item_id": item, "quantity": 1});
    let inv = |lines: Value| {
        json!({"branch_id": shop.mum, "customer_id": customer, "invoice_date": "2026-06-01",
               "due_date": "2026-06-30", "lines": lines})
    };
    let with = |f: &str, v: Value| {
        let mut b = inv(json!([good]));
        b[f] = v;
        b
    };
    let line = |f: &str, v: Value| {
        let mut l = good.clone();
        l[f] = v;
        inv(json!([good, l]))
    };
    let missing = uuid::Uuid::now_v7().to_string();
    let cases: &[(Value, &str, &str)] = &[
        (
            line("quantity", json!(1.0005)),
            "lines[1].quantity",
            "invalid_format",
        ),
        (
            line("quantity", json!(0)),
            "lines[1].quantity",
            "out_of_range",
        ),
        (
            line("quantity", json!(-2.5)),
            "lines[1].quantity",
            "out_of_range",
        ),
        (
            line("quantity", json!("2")),
            "lines[1].quantity",
            "invalid_format",
        ),
        (
            line("quantity", Value::Null),
            "lines[1].quantity",
            "required",
        ),
        (
            line("unit_price_paise", json!(-100)),
            "lines[1].unit_price_paise",
            "out_of_range",
        ),
        (
            line("discount_paise", json!(-1)),
            "lines[1].discount_paise",
            "out_of_range",
        ),
        (
            line("discount_paise", json!(1001)),
            "lines[1].discount_paise",
            "out_of_range",
        ),
        (
            line("item_id", json!(missing)),
            "lines[1].item_id",
            "not_found",
        ),
        (
            line("item_id", json!("nope")),
            "lines[1].item_id",
            "invalid_format",
        ),
        (line("rate", json!(5)), "lines[1].rate", "unknown_field"),
        (inv(json!([])), "lines", "required"),
        (
            with("due_date", json!("2026-05-31")),
            "due_date",
            "out_of_range",
        ),
        (
            with("invoice_date", json!("2026-02-30")),
            "invoice_date",
            "invalid_value",
        ),
        (
            with("invoice_date", json!("01-06-2026")),
            "invoice_date",
            "invalid_format",
        ),
        (
            with("customer_id", json!(missing)),
            "customer_id",
            "not_found",
        ),
        (with("branch_id", json!(missing)), "branch_id", "not_found"),
        (with("status", json!("paid")), "status", "unknown_field"),
        (
            with("number", json!("MUM/2026-27/000001")),
            "number",
            "unknown_field",
        ),
    ];
    for (body, field, code) in cases {
        expect_field(
            &shop,
            reqwest::Method::POST,
            "/api/v1/invoices",
            body,
            field,
            code,
        );
    }
    // A line too large for the books is refused, not overflowed.
    let huge = line("unit_price_paise", json!(1_000_000_000_000_000i64));
    let mut huge_qty = huge.clone();
    huge_qty["lines"][1]["quantity"] = json!(1_000_000);
    expect_field(
        &shop,
        reqwest::Method::POST,
        "/api/v1/invoices",
        &huge_qty,
        "lines[1].quantity",
        "out_of_range",
    );

    let issued = id_of(&shop.issued(&customer, &item, 1));
    let pay = |f: &str, v: Value| {
        let mut b = json!({"invoice_id": issued, "amount_paise": 100, "method": "upi"});
        b[f] = v;
        b
    };
    let payments: &[(Value, &str, &str)] = &[
        (
            pay("amount_paise", json!(0)),
            "amount_paise",
            "out_of_range",
        ),
        (
            pay("amount_paise", json!(1.5)),
            "amount_paise",
            "invalid_type",
        ),
        (pay("method", json!("barter")), "method", "invalid_value"),
        (
            pay("received_on", json!("2026/06/01")),
            "received_on",
            "invalid_format",
        ),
        (
            pay("invoice_id", json!("x")),
            "invoice_id",
            "invalid_format",
        ),
        (
            pay("reference", json!("r".repeat(101))),
            "reference",
            "too_long",
        ),
        (pay("status", json!("paid")), "status", "unknown_field"),
    ];
    for (body, field, code) in payments {
        expect_field(
            &shop,
            reqwest::Method::POST,
            "/api/v1/payments",
            body,
            field,
            code,
        );
    }
    // Malformed JSON is 400, the wrong content type 415.
    let res = shop
        .app
        .req(reqwest::Method::POST, &shop.owner, "/api/v1/invoices")
        .header("Content-Type", "application/json")
        .body("{\"lines\": [")
        .send()
        .expect("post");
    expect_problem(res, 400, "bad_request");
    let res = shop
        .app
        .req(reqwest::Method::POST, &shop.owner, "/api/v1/payments")
        .header("Content-Type", "text/plain")
        .body("{}")
        .send()
        .expect("post");
    expect_problem(res, 415, "unsupported_media_type");
}
