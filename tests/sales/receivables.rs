//! The receivables report: outstanding per customer in 0–30, 31–60, 61–90 and over-90
//! day buckets by days past due; amounts not yet due count in 0–30.

use serde_json::{json, Value};

use crate::common::*;
use crate::support::*;

#[test]
fn outstanding_amounts_are_aged_by_days_past_due() {
    let shop = Shop::open("ageing");
    let item = shop.item("SVC", 10_000, 0);
    let x = shop.customer("Xavier Traders", "27");
    let y = shop.customer("Yamuna Exports", "29");
    let z = shop.customer("Zeta Paid Up", "27");
    let invoice = |customer: &str, qty: i64, due_days_ago: i64| -> String {
        let lines = json!([{"item_id": item, "quantity": qty}]);
        let d = shop.draft_on(
            &shop.mum,
            customer,
            &day(-due_days_ago - 15),
            &day(-due_days_ago),
            lines,
        );
        id_of(&shop.issue(&id_of(&d)))
    };
    // X: ₹100 due 10 days ago, ₹200 due 45, ₹300 due 75 (₹50 paid), ₹400 due 120.
    invoice(&x, 1, 10);
    invoice(&x, 2, 45);
    let partly = invoice(&x, 3, 75);
    invoice(&x, 4, 120);
    json_of(shop.pay(&shop.owner, &partly, 5_000), 201);
    // Y (another state, 0% so no tax): ₹500 not yet due (in 20 days) and ₹600 due 31 days ago.
    invoice(&y, 5, -20);
    invoice(&y, 6, 31);
    // Z: fully paid, cancelled and draft invoices owe nothing.
    let paid = invoice(&z, 7, 100);
    json_of(shop.pay(&shop.owner, &paid, 70_000), 201);
    let cancelled = invoice(&z, 1, 100);
    json_of(
        shop.app.post(
            &shop.owner,
            &format!("/api/v1/invoices/{cancelled}/cancel"),
            &json!({"reason": "x"}),
        ),
        200,
    );
    shop.draft_on(
        &shop.mum,
        &z,
        &day(-200),
        &day(-199),
        json!([{"item_id": item, "quantity": 1}]),
    );

    let r: Value = json_of(
        shop.app.get(&shop.owner, "/api/v1/reports/receivables"),
        200,
    );
    assert_eq!(r["as_of"], day(0));
    let rows = r["customers"].as_array().expect("customers");
    assert_eq!(rows.len(), 2, "Z owes nothing: {r}");
    let bucket = |b: &Value| {
        [
            b["0_30"].as_i64(),
            b["31_60"].as_i64(),
            b["61_90"].as_i64(),
            b["over_90"].as_i64(),
        ]
    };
    assert_eq!(rows[0]["customer_id"], x.as_str());
    assert_eq!(rows[0]["customer_name"], "Xavier Traders");
    assert_eq!(rows[0]["invoices"], 4);
    assert_eq!(rows[0]["outstanding_paise"], 95_000);
    assert_eq!(
        bucket(&rows[0]["buckets"]),
        [Some(10_000), Some(20_000), Some(25_000), Some(40_000)]
    );
    assert_eq!(rows[1]["customer_id"], y.as_str());
    assert_eq!(rows[1]["outstanding_paise"], 110_000);
    assert_eq!(
        bucket(&rows[1]["buckets"]),
        [Some(50_000), Some(60_000), Some(0), Some(0)]
    );
    assert_eq!(r["totals"]["outstanding_paise"], 205_000);
    assert_eq!(r["totals"]["invoices"], 6);
    assert_eq!(
        bucket(&r["totals"]["buckets"]),
        [Some(60_000), Some(80_000), Some(25_000), Some(40_000)]
    );
    // Filtered to another branch, nothing is outstanding.
    let other = insert_branch(&shop.app, "ageing", "BLR", "29");
    let r: Value = json_of(
        shop.app.get(
            &shop.owner,
            &format!("/api/v1/reports/receivables?branch_id={other}"),
        ),
        200,
    );
    assert_eq!(r["customers"], json!([]));
}
