//! Stock over real HTTP: a month of movements worked by hand at weighted average cost,
//! transfers and their challans, the refusals (another GSTIN, not enough stock, the
//! last unit sold twice at once), negative stock when allowed, and a property test that
//! quantities, values and the books agree after any sequence of documents.

use std::sync::Arc;

use proptest::prelude::*;
use serde_json::{json, Value};

use super::books::trial_balance;
use super::support::*;
use crate::common::*;

fn stocked(shop: &Shop, sku: &str, price: i64) -> String {
    id_of(&json_of(
        shop.app.post(
            &shop.owner,
            "/api/v1/items",
            &json!({"sku": sku, "name": format!("Item {sku}"), "hsn_sac": "1006", "unit": "bag",
                    "unit_price_paise": price, "gst_rate_bp": 500, "track_stock": true}),
        ),
        201,
    ))
}

fn vendor(shop: &Shop) -> String {
    id_of(&json_of(
        shop.app.post(
            &shop.owner,
            "/api/v1/vendors",
            &json!({"name": "Ganesh Wholesale", "gstin": GSTIN_27}),
        ),
        201,
    ))
}

fn buy(
    shop: &Shop,
    v: &str,
    branch: &str,
    no: &str,
    item: &str,
    qty: Value,
    price: i64,
) -> reqwest::blocking::Response {
    let d = json_of(
        shop.app.post(
            &shop.owner,
            "/api/v1/bills",
            &json!({"vendor_id": v, "branch_id": branch, "supplier_invoice_no": no,
                    "supplier_invoice_date": "2026-06-01", "due_date": "2026-07-01",
                    "lines": [{"item_id": item, "quantity": qty, "unit_price_paise": price}]}),
        ),
        201,
    );
    shop.app.post(
        &shop.owner,
        &format!("/api/v1/bills/{}/post", id_of(&d)),
        &json!({}),
    )
}

fn sell(
    shop: &Shop,
    branch: &str,
    customer: &str,
    item: &str,
    qty: Value,
) -> reqwest::blocking::Response {
    let d = shop.draft_on(
        branch,
        customer,
        "2026-06-10",
        "2026-07-10",
        json!([{"item_id": item, "quantity": qty}]),
    );
    shop.app.post(
        &shop.owner,
        &format!("/api/v1/invoices/{}/issue", id_of(&d)),
        &json!({}),
    )
}

fn transfer(
    shop: &Shop,
    from: &str,
    to: &str,
    item: &str,
    qty: Value,
) -> reqwest::blocking::Response {
    shop.app.post(
        &shop.owner,
        "/api/v1/stock-transfers",
        &json!({"from_branch_id": from, "to_branch_id": to, "date": "2026-06-15",
                "lines": [{"item_id": item, "quantity": qty}]}),
    )
}

/// (quantity in thousandths, value) of an item at a branch, from the stock report.
fn held(shop: &Shop, branch: &str, item: &str) -> (i64, i64) {
    let r = json_of(
        shop.app.get(
            &shop.owner,
            &format!("/api/v1/reports/stock?branch_id={branch}"),
        ),
        200,
    );
    r["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["item_id"] == item)
        .map(|i| {
            (
                (i["quantity"].as_f64().expect("qty") * 1000.0).round() as i64,
                i["value_paise"].as_i64().expect("value"),
            )
        })
        .unwrap_or((0, 0))
}

/// June at Mumbai, every figure by hand:
///
/// | step | movement | Mumbai on hand |
/// |---|---|---|
/// | bill 1 | 10 bags at ₹100 | 10, ₹1,000.00 |
/// | bill 2 | 5 bags at ₹130 | 15, ₹1,650.00 |
/// | invoice | 4 out at 1,650 × 4/15 = ₹440.00 | 11, ₹1,210.00 |
/// | credit note (sales return) | 1 back at 440 × 1/4 = ₹110.00 | 12, ₹1,320.00 |
/// | transfer to Pune | 5 at 1,320 × 5/12 = ₹550.00 | 7, ₹770.00 (Pune 5, ₹550.00) |
/// | invoice, cancelled | 7 out at ₹770.00, then back | 7, ₹770.00 |
#[test]
fn a_month_of_stock_at_average_cost() {
    let shop = Shop::open("stockjune");
    let pune = insert_branch(&shop.app, "stockjune", "PUN", "27");
    let blr = insert_branch(&shop.app, "stockjune", "BLR", "29");
    let v = vendor(&shop);
    let rice = stocked(&shop, "RICE", 20_000);
    let asha = shop.customer("Asha Stores", "27");
    json_of(
        buy(&shop, &v, &shop.mum, "B-1", &rice, json!(10), 10_000),
        200,
    );
    let b2 = json_of(
        buy(&shop, &v, &shop.mum, "B-2", &rice, json!(5), 13_000),
        200,
    );
    assert_eq!(b2["lines"][0]["account_id"], trial_account(&shop, "1140"));
    assert_eq!(held(&shop, &shop.mum, &rice), (15_000, 165_000));
    let inv = json_of(sell(&shop, &shop.mum, &asha, &rice, json!(4)), 200);
    assert_eq!(held(&shop, &shop.mum, &rice), (11_000, 121_000));
    let note = json_of(
        shop.app.post(
            &shop.owner,
            "/api/v1/credit-notes",
            &json!({"invoice_id": id_of(&inv), "note_date": "2026-06-12", "reason": "sales_return",
                    "lines": [{"invoice_line": 1, "quantity": 1}]}),
        ),
        201,
    );
    json_of(
        shop.app.post(
            &shop.owner,
            &format!("/api/v1/credit-notes/{}/issue", id_of(&note)),
            &json!({}),
        ),
        200,
    );
    assert_eq!(held(&shop, &shop.mum, &rice), (12_000, 132_000));
    let t = json_of(transfer(&shop, &shop.mum, &pune, &rice, json!(5)), 201);
    assert_eq!(t["challan_number"], "DC/26-27/00001");
    assert_eq!(t["value_paise"], 55_000);
    assert!(t["journal_id"].is_string());
    assert_eq!(held(&shop, &shop.mum, &rice), (7_000, 77_000));
    assert_eq!(held(&shop, &pune, &rice), (5_000, 55_000));
    // Across GSTINs a transfer is a supply.
    expect_problem(
        transfer(&shop, &shop.mum, &blr, &rice, json!(1)),
        409,
        "transfer_needs_invoice",
    );
    // More than Mumbai holds.
    let p = expect_problem(
        sell(&shop, &shop.mum, &asha, &rice, json!(7.001)),
        409,
        "insufficient_stock",
    );
    assert_eq!(p["errors"][0]["field"], "lines[0].quantity");
    expect_problem(
        transfer(&shop, &shop.mum, &pune, &rice, json!(8)),
        409,
        "insufficient_stock",
    );
    // All of it out, then cancelled: it comes back at the value it left with.
    let all = json_of(sell(&shop, &shop.mum, &asha, &rice, json!(7)), 200);
    assert_eq!(held(&shop, &shop.mum, &rice), (0, 0));
    json_of(
        shop.app.post(
            &shop.owner,
            &format!("/api/v1/invoices/{}/cancel", id_of(&all)),
            &json!({"reason": "wrong customer"}),
        ),
        200,
    );
    assert_eq!(held(&shop, &shop.mum, &rice), (7_000, 77_000));
    // The books: stock ₹1,320 = the report; cost of goods sold 440 − 110.
    let (tb, _) = trial_balance(&shop, "2026-06-30");
    assert_eq!(tb.get("1140"), Some(&132_000));
    assert_eq!(tb.get("5120"), Some(&33_000));
    let report = json_of(shop.app.get(&shop.owner, "/api/v1/reports/stock"), 200);
    assert_eq!(report["total_value_paise"], 132_000);
    assert_eq!(report["items"][0]["average_cost_paise"], 11_000);
    // As of the day before the transfer: all twelve at Mumbai.
    let before = json_of(
        shop.app.get(
            &shop.owner,
            &format!(
                "/api/v1/reports/stock?branch_id={}&as_of=2026-06-14",
                shop.mum
            ),
        ),
        200,
    );
    assert_eq!(before["items"][0]["quantity"], 12);
    // The ledger: every movement with Mumbai's running balance.
    let ledger = json_of(
        shop.app.get(
            &shop.owner,
            &format!(
                "/api/v1/reports/stock-ledger?item_id={rice}&branch_id={}",
                shop.mum
            ),
        ),
        200,
    );
    let rows: Vec<(String, i64, i64)> = ledger["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap_or("").to_string(),
                e["value_paise"].as_i64().unwrap_or(0),
                e["balance_value_paise"].as_i64().unwrap_or(0),
            )
        })
        .collect();
    let want: Vec<(String, i64, i64)> = [
        ("purchase", 100_000, 100_000),
        ("purchase", 65_000, 165_000),
        ("sale", -44_000, 121_000),
        ("sales_return", 11_000, 132_000),
        ("transfer_out", -55_000, 77_000),
        ("sale", -77_000, 0),
        ("sale_cancelled", 77_000, 77_000),
    ]
    .into_iter()
    .map(|(k, v, b)| (k.to_string(), v, b))
    .collect();
    assert_eq!(rows, want);
    // Stock on hand keeps tracking from being switched off.
    let p = expect_problem(
        shop.app.patch(
            &shop.owner,
            &format!("/api/v1/items/{rice}"),
            &json!({"track_stock": false}),
        ),
        422,
        "validation_failed",
    );
    assert_eq!(p["errors"][0]["code"], "stock_on_hand");
}

fn trial_account(shop: &Shop, code: &str) -> Value {
    json_of(shop.app.get(&shop.owner, "/api/v1/accounts"), 200)["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|a| a["code"] == code)
        .map(|a| a["id"].clone())
        .expect("account")
}

/// The last unit, sold by twelve invoices at once: exactly one is issued.
#[test]
fn the_last_unit_is_sold_once() {
    let shop = Shop::open("stocklast");
    let v = vendor(&shop);
    let rice = stocked(&shop, "RICE", 20_000);
    let asha = shop.customer("Asha Stores", "27");
    json_of(
        buy(&shop, &v, &shop.mum, "B-1", &rice, json!(1), 10_000),
        200,
    );
    let drafts: Vec<String> = (0..12)
        .map(|_| {
            id_of(&shop.draft_on(
                &shop.mum,
                &asha,
                "2026-06-10",
                "2026-07-10",
                json!([{"item_id": rice, "quantity": 1}]),
            ))
        })
        .collect();
    let shop = Arc::new(shop);
    let handles: Vec<_> = drafts
        .into_iter()
        .map(|id| {
            let s = Arc::clone(&shop);
            std::thread::spawn(move || {
                s.app
                    .post(
                        &s.owner,
                        &format!("/api/v1/invoices/{id}/issue"),
                        &json!({}),
                    )
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let codes: Vec<u16> = handles
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .collect();
    assert_eq!(codes.iter().filter(|c| **c == 200).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 409).count(), 11, "{codes:?}");
    assert_eq!(held(&shop, &shop.mum, &rice), (0, 0));
    // The refused ones are still drafts, without a number.
    let drafts = json_of(
        shop.app.get(&shop.owner, "/api/v1/invoices?status=draft"),
        200,
    );
    assert_eq!(drafts["items"].as_array().map(Vec::len), Some(11));
}

/// With negative stock allowed, what leaves beyond the quantity on hand is valued at the
/// last cost, and a receipt that brings the quantity back to zero clears what is left.
#[test]
fn negative_stock_when_the_tenant_allows_it() {
    let shop = Shop::open("stockneg");
    let v = vendor(&shop);
    let rice = stocked(&shop, "RICE", 20_000);
    let asha = shop.customer("Asha Stores", "27");
    json_of(
        buy(&shop, &v, &shop.mum, "B-1", &rice, json!(1), 10_000),
        200,
    );
    expect_problem(
        sell(&shop, &shop.mum, &asha, &rice, json!(3)),
        409,
        "insufficient_stock",
    );
    let s = json_of(
        shop.app.put(
            &shop.owner,
            "/api/v1/stock/settings",
            &json!({"allow_negative_stock": true}),
        ),
        200,
    );
    assert_eq!(s["allow_negative_stock"], true);
    // 3 out: ₹100 on hand + 2 at the last cost of ₹100.
    json_of(sell(&shop, &shop.mum, &asha, &rice, json!(3)), 200);
    assert_eq!(held(&shop, &shop.mum, &rice), (-2_000, -20_000));
    // 2 in at ₹130: quantity 0 with ₹60 left, which goes to Stock Adjustment.
    json_of(
        buy(&shop, &v, &shop.mum, "B-2", &rice, json!(2), 13_000),
        200,
    );
    assert_eq!(held(&shop, &shop.mum, &rice), (0, 0));
    let (tb, raw) = trial_balance(&shop, "2026-06-30");
    assert_eq!(tb.get("1140").copied().unwrap_or(0), 0);
    assert_eq!(tb.get("5130"), Some(&6_000));
    assert_eq!(tb.get("5120"), Some(&30_000));
    assert_eq!(raw["total_debit_paise"], raw["total_credit_paise"]);
}

/// Bad transfers and settings: a 4xx naming the field, nothing moved.
#[test]
fn bad_stock_input_moves_nothing() {
    let shop = Shop::open("stockbad");
    let pune = insert_branch(&shop.app, "stockbad", "PUN", "27");
    let v = vendor(&shop);
    let rice = stocked(&shop, "RICE", 20_000);
    let plain = shop.item("PLAIN", 100, 1800);
    json_of(
        buy(&shop, &v, &shop.mum, "B-1", &rice, json!(10), 10_000),
        200,
    );
    let base = json!({"from_branch_id": shop.mum, "to_branch_id": pune, "date": "2026-06-15",
                      "lines": [{"item_id": rice, "quantity": 1}]});
    let with = |k: &str, val: Value| {
        let mut b = base.clone();
        b[k] = val;
        b
    };
    for (body, field) in [
        (with("to_branch_id", json!(shop.mum)), "to_branch_id"),
        (with("from_branch_id", json!("nope")), "from_branch_id"),
        (with("date", json!("15-06-2026")), "date"),
        (with("lines", json!([])), "lines"),
        (
            with("lines", json!([{"item_id": plain, "quantity": 1}])),
            "lines[0].item_id",
        ),
        (
            with("lines", json!([{"item_id": rice, "quantity": 0}])),
            "lines[0].quantity",
        ),
        (
            with("lines", json!([{"item_id": rice, "quantity": 1, "x": 1}])),
            "x",
        ),
        (with("extra", json!(true)), "extra"),
        (
            with("to_branch_id", json!(uuid::Uuid::now_v7().to_string())),
            "to_branch_id",
        ),
    ] {
        let res = shop.app.post(&shop.owner, "/api/v1/stock-transfers", &body);
        assert_eq!(res.status().as_u16(), 422, "{body}");
        let p: Value = res.json().expect("problem");
        assert!(p.to_string().contains(field), "{field} in {p}");
    }
    expect_problem(
        shop.app.put(
            &shop.owner,
            "/api/v1/stock/settings",
            &json!({"allow_negative_stock": "yes"}),
        ),
        422,
        "validation_failed",
    );
    expect_problem(
        shop.app.get(&shop.owner, "/api/v1/reports/stock-ledger"),
        422,
        "validation_failed",
    );
    expect_problem(
        shop.app
            .get(&shop.owner, "/api/v1/reports/stock?as_of=tomorrow"),
        422,
        "validation_failed",
    );
    assert_eq!(held(&shop, &shop.mum, &rice), (10_000, 100_000));
    assert_eq!(held(&shop, &pune, &rice), (0, 0));
    assert_eq!(
        json_of(shop.app.get(&shop.owner, "/api/v1/stock-transfers"), 200)["items"],
        json!([])
    );
    // A clerk of Pune only cannot send Mumbai's stock, nor see Mumbai in the report.
    let role = json_of(
        shop.app.post(
            &shop.owner,
            "/api/v1/roles",
            &json!({"name": "storekeeper",
            "permissions": ["stock.reports:read", "stock.transfers:write"]}),
        ),
        201,
    );
    json_of(
        shop.app.post(
            &shop.owner,
            "/api/v1/users",
            &json!({"email": "keeper@stockbad.example.in",
            "name": "Keeper", "password": "Store-Passw0rd#2026", "roles": [role["name"]],
            "branch_ids": [pune]}),
        ),
        201,
    );
    let keeper = token_of(&shop.app.login(
        "stockbad",
        "keeper@stockbad.example.in",
        "Store-Passw0rd#2026",
    ));
    let p = expect_problem(
        shop.app.post(&keeper, "/api/v1/stock-transfers", &base),
        422,
        "validation_failed",
    );
    assert_eq!(p["errors"][0]["field"], "from_branch_id");
    let seen = json_of(shop.app.get(&keeper, "/api/v1/reports/stock"), 200);
    assert_eq!(
        seen["items"],
        json!([]),
        "Mumbai's stock is not the Pune clerk's"
    );
    assert_eq!(held(&shop, &shop.mum, &rice), (10_000, 100_000));
}

#[derive(Debug, Clone)]
enum Step {
    Buy { branch: u8, qty: i64, price: i64 },
    Sell { branch: u8, qty: i64 },
    Return { which: usize },
    Move { from: u8, qty: i64 },
    CancelSale(usize),
    CancelBill(usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0..2u8, 1..6i64, 1..20_000i64).prop_map(|(branch, qty, price)| Step::Buy { branch, qty, price }),
        3 => (0..2u8, 1..6i64).prop_map(|(branch, qty)| Step::Sell { branch, qty }),
        1 => (0..8usize).prop_map(|which| Step::Return { which }),
        2 => (0..2u8, 1..4i64).prop_map(|(from, qty)| Step::Move { from, qty }),
        1 => (0..8usize).prop_map(Step::CancelSale),
        1 => (0..8usize).prop_map(Step::CancelBill),
    ]
}

/// After any sequence of bills, invoices, returns, transfers and cancellations: no branch
/// holds less than nothing, each branch's value is the sum of its movements, the stock
/// report's total equals Stock-in-hand in the books, and the trial balance balances.
#[test]
fn stock_and_books_agree_after_any_sequence() {
    let shop = Shop::open("stockprop");
    let pune = insert_branch(&shop.app, "stockprop", "PUN", "27");
    let branches = [shop.mum.clone(), pune];
    let v = vendor(&shop);
    let rice = stocked(&shop, "RICE", 25_000);
    let asha = shop.customer("Asha Stores", "27");
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 4,
        ..ProptestConfig::default()
    });
    let sales: std::cell::RefCell<Vec<String>> = Default::default();
    let bills: std::cell::RefCell<Vec<String>> = Default::default();
    let result = runner.run(&proptest::collection::vec(step(), 6..16), |steps| {
        for (n, s) in steps.iter().enumerate() {
            let pick = |list: &std::cell::RefCell<Vec<String>>, i: usize| {
                let l = list.borrow();
                l.get(i % l.len().max(1)).cloned()
            };
            match s {
                Step::Buy { branch, qty, price } => {
                    let no = format!("P-{}", bills.borrow().len() + 1);
                    let res = buy(&shop, &v, &branches[usize::from(*branch)], &no, &rice, json!(qty), *price);
                    let b = json_of(res, 200);
                    bills.borrow_mut().push(id_of(&b));
                }
                Step::Sell { branch, qty } => {
                    let res = sell(&shop, &branches[usize::from(*branch)], &asha, &rice, json!(qty));
                    match res.status().as_u16() {
                        200 => {
                            let inv: Value = res.json().expect("json");
                            sales.borrow_mut().push(id_of(&inv));
                        }
                        409 => {}
                        other => panic!("step {n}: issue answered {other}"),
                    }
                }
                Step::Return { which } => {
                    if let Some(id) = pick(&sales, *which) {
                        let res = shop.app.post(&shop.owner, "/api/v1/credit-notes", &json!({"invoice_id": id,
                            "note_date": "2026-06-20", "reason": "sales_return", "lines": [{"invoice_line": 1, "quantity": 1}]}));
                        if res.status().as_u16() == 201 {
                            let note: Value = res.json().expect("json");
                            let _ = shop.app.post(&shop.owner, &format!("/api/v1/credit-notes/{}/issue", id_of(&note)), &json!({}));
                        }
                    }
                }
                Step::Move { from, qty } => {
                    let (a, b) = (&branches[usize::from(*from)], &branches[1 - usize::from(*from)]);
                    let code = transfer(&shop, a, b, &rice, json!(qty)).status().as_u16();
                    assert!(code == 201 || code == 409, "step {n}: transfer answered {code}");
                }
                Step::CancelSale(i) => {
                    if let Some(id) = pick(&sales, *i) {
                        let _ = shop.app.post(&shop.owner, &format!("/api/v1/invoices/{id}/cancel"), &json!({"reason": "test"}));
                    }
                }
                Step::CancelBill(i) => {
                    if let Some(id) = pick(&bills, *i) {
                        let code = shop.app.post(&shop.owner, &format!("/api/v1/bills/{id}/cancel"), &json!({"reason": "test"})).status().as_u16();
                        assert!(code == 200 || code == 409, "step {n}: bill cancel answered {code}");
                    }
                }
            }
            let mut total = 0;
            for b in &branches {
                let (q, value) = held(&shop, b, &rice);
                assert!(q >= 0, "step {n} {s:?}: negative stock {q}");
                let ledger = json_of(shop.app.get(&shop.owner, &format!("/api/v1/reports/stock-ledger?item_id={rice}&branch_id={b}&limit=200")), 200);
                let sum: i64 = ledger["items"].as_array().expect("items").iter().map(|e| e["value_paise"].as_i64().unwrap_or(0)).sum();
                assert_eq!(sum, value, "step {n} {s:?}: value is the sum of movements");
                total += value;
            }
            let (tb, raw) = trial_balance(&shop, "2026-12-31");
            assert_eq!(raw["total_debit_paise"], raw["total_credit_paise"], "step {n}");
            assert_eq!(tb.get("1140").copied().unwrap_or(0), total, "step {n} {s:?}: books = stock report");
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
