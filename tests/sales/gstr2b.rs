//! GSTR-2B over real HTTP: a hand-made statement against a set of bills gives the
//! expected four lists, invoice numbers are matched by letters and digits only, the
//! reconciliation follows the books, and a malformed or foreign file is refused whole.

use serde_json::{json, Value};

use super::support::*;
use crate::common::*;

/// The test company's Maharashtra GSTIN is the branch's (`insert_branch`).
fn ours() -> String {
    test_gstin("27")
}

fn vendor(shop: &Shop, name: &str, gstin: &str) -> String {
    id_of(&json_of(
        shop.app.post(
            &shop.owner,
            "/api/v1/vendors",
            &json!({"name": name, "gstin": gstin}),
        ),
        201,
    ))
}

fn bill(shop: &Shop, v: &str, no: &str, date: &str, account: &str, paise: i64) -> Value {
    let d = json_of(
        shop.app.post(
            &shop.owner,
            "/api/v1/bills",
            &json!({"vendor_id": v, "branch_id": shop.mum, "supplier_invoice_no": no,
                    "supplier_invoice_date": date, "due_date": date,
                    "lines": [{"account_id": account, "quantity": 1, "unit_price_paise": paise,
                               "gst_rate_bp": 1800}]}),
        ),
        201,
    );
    json_of(
        shop.app.post(
            &shop.owner,
            &format!("/api/v1/bills/{}/post", id_of(&d)),
            &json!({}),
        ),
        200,
    )
}

fn inv(no: &str, dt: &str, txval: f64, cgst: f64, sgst: f64, igst: f64) -> Value {
    json!({"inum": no, "typ": "R", "dt": dt, "val": txval + cgst + sgst + igst, "pos": "27",
           "rev": "N", "itcavl": "Y", "txval": txval, "cgst": cgst, "sgst": sgst, "igst": igst, "cess": 0})
}

fn statement(gstin: &str, period: &str, b2b: Value) -> Value {
    json!({"chksum": "x", "data": {"gstin": gstin, "rtnprd": period, "version": "1.0",
           "gendt": "14-07-2026", "docdata": {"b2b": b2b}}})
}

fn rent_account(shop: &Shop) -> String {
    json_of(shop.app.get(&shop.owner, "/api/v1/accounts"), 200)["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|a| a["code"] == "5310")
        .and_then(|a| a["id"].as_str())
        .expect("rent")
        .to_string()
}

fn numbers(r: &Value, list: &str) -> Vec<String> {
    r[list]
        .as_array()
        .expect(list)
        .iter()
        .map(|x| x["invoice_no"].as_str().unwrap_or("").to_string())
        .collect()
}

/// Four bills of June, one of July, and a statement of four invoices: two match (one
/// written `INV/001` in the books and `inv-001` by the supplier), one differs in its
/// date, taxable value and IGST, one is unknown to the books, and one June bill is
/// missing in 2B (the July bill is not June's to report).
#[test]
fn a_statement_reconciles_into_four_lists() {
    let shop = Shop::open("twob");
    let rent = rent_account(&shop);
    let ganesh = vendor(&shop, "Ganesh", GSTIN_27);
    let nandi = vendor(&shop, "Nandi", GSTIN_29);
    bill(&shop, &ganesh, "INV/001", "2026-06-03", &rent, 100_000);
    bill(&shop, &ganesh, "INV002", "2026-06-10", &rent, 50_000);
    let differs = bill(&shop, &nandi, "N-77", "2026-06-15", &rent, 200_000);
    let missing = bill(&shop, &nandi, "N-78", "2026-06-28", &rent, 10_000);
    bill(&shop, &nandi, "N-79", "2026-07-02", &rent, 10_000);
    let file = statement(
        &ours(),
        "062026",
        json!([
            {"ctin": GSTIN_27, "trdnm": "Ganesh", "inv": [
                inv("inv-001", "03-06-2026", 1000.00, 90.00, 90.00, 0.0),
                inv("INV002", "10-06-2026", 500.00, 45.00, 45.00, 0.0)]},
            {"ctin": GSTIN_29, "trdnm": "Nandi", "inv": [
                // Inter-state: the supplier charged IGST on ₹2,000.50, dated a day later.
                inv("N77", "16-06-2026", 2000.50, 0.0, 0.0, 360.09)]},
            {"ctin": "07AABCS1429B1ZW", "trdnm": "Delhi Supplies", "inv": [
                inv("DS/9", "20-06-2026", 300.00, 0.0, 0.0, 54.00)]}
        ]),
    );
    let r = json_of(
        shop.app.post(&shop.owner, "/api/v1/returns/gstr2b", &file),
        200,
    );
    assert_eq!(
        r["summary"],
        json!({"matched": 2, "mismatch": 1, "missing_in_books": 1, "missing_in_2b": 1})
    );
    assert_eq!(numbers(&r, "matched"), vec!["inv-001", "INV002"]);
    assert_eq!(r["matched"][0]["books"]["invoice_no"], "INV/001");
    let m = &r["mismatch"][0];
    assert_eq!(m["bill_id"], differs["id"]);
    assert_eq!(
        m["differences"],
        json!(["invoice_date", "taxable_paise", "igst_paise"])
    );
    assert_eq!(m["books"]["taxable_paise"], 200_000);
    assert_eq!(m["gstr2b"]["taxable_paise"], 200_050);
    assert_eq!(m["gstr2b"]["igst_paise"], 36_009);
    assert_eq!(numbers(&r, "missing_in_books"), vec!["DS/9"]);
    assert_eq!(r["missing_in_books"][0]["bill_id"], Value::Null);
    assert_eq!(r["missing_in_2b"][0]["bill_id"], missing["id"]);
    // GET gives the same; after the missing bill is cancelled it is no longer missing.
    let again = json_of(
        shop.app.get(&shop.owner, "/api/v1/returns/gstr2b/062026"),
        200,
    );
    assert_eq!(again["summary"], r["summary"]);
    json_of(
        shop.app.post(
            &shop.owner,
            &format!("/api/v1/bills/{}/cancel", id_of(&missing)),
            &json!({"reason": "never received"}),
        ),
        200,
    );
    let after = json_of(
        shop.app.get(&shop.owner, "/api/v1/returns/gstr2b/062026"),
        200,
    );
    assert_eq!(after["summary"]["missing_in_2b"], 0);
    // A second import of the period replaces the first.
    let smaller = statement(
        &ours(),
        "062026",
        json!([{"ctin": GSTIN_27, "inv": [inv("INV002", "10-06-2026", 500.0, 45.0, 45.0, 0.0)]}]),
    );
    let r2 = json_of(
        shop.app
            .post(&shop.owner, "/api/v1/returns/gstr2b", &smaller),
        200,
    );
    assert_eq!(
        r2["summary"],
        json!({"matched": 1, "mismatch": 0, "missing_in_books": 0, "missing_in_2b": 2})
    );
    expect_problem(
        shop.app.get(&shop.owner, "/api/v1/returns/gstr2b/052026"),
        404,
        "not_found",
    );
}

/// A malformed or foreign file is a 422 naming the place in the file; nothing is stored.
#[test]
fn malformed_and_foreign_statements_are_refused_whole() {
    let shop = Shop::open("twobbad");
    let good = |b2b: Value| statement(&ours(), "062026", b2b);
    let one = |i: Value| good(json!([{"ctin": GSTIN_27, "inv": [i]}]));
    let cases: Vec<(Value, &str)> = vec![
        (
            statement("29AAGCB7383J1Z4", "062026", json!([])),
            "data.gstin",
        ),
        (
            statement("27AAPFU0939F1ZW", "062026", json!([])),
            "data.gstin",
        ),
        (statement(&ours(), "2026-06", json!([])), "data.rtnprd"),
        (statement(&ours(), "132026", json!([])), "data.rtnprd"),
        (json!({"data": {"rtnprd": "062026"}}), "gstin"),
        (json!({"gstin": ours(), "fp": "062026", "b2b": []}), "data"),
        (
            good(json!([{"ctin": "ABC", "inv": []}])),
            "data.docdata.b2b[0].ctin",
        ),
        (
            one(inv("A-1", "2026-06-03", 1.0, 0.0, 0.0, 0.0)),
            "data.docdata.b2b[0].inv[0].dt",
        ),
        (
            one(inv("A-1", "31-06-2026", 1.0, 0.0, 0.0, 0.0)),
            "data.docdata.b2b[0].inv[0].dt",
        ),
        (
            one(inv("A-1", "03-06-2026", 1.005, 0.0, 0.0, 0.0)),
            "data.docdata.b2b[0].inv[0].txval",
        ),
        (
            one(json!({"inum": "A-1", "dt": "03-06-2026"})),
            "data.docdata.b2b[0].inv[0].txval",
        ),
        (
            one(json!({"inum": "A-1", "dt": "03-06-2026", "txval": "100"})),
            "txval",
        ),
        (
            one(inv("", "03-06-2026", 1.0, 0.0, 0.0, 0.0)),
            "data.docdata.b2b[0].inv[0].inum",
        ),
        (
            good(
                json!([{"ctin": GSTIN_27, "inv": [inv("A-1", "03-06-2026", 1.0, 0.0, 0.0, 0.0),
                                              inv("a1", "04-06-2026", 1.0, 0.0, 0.0, 0.0)]}]),
            ),
            "duplicate",
        ),
    ];
    for (body, field) in &cases {
        let res = shop.app.post(&shop.owner, "/api/v1/returns/gstr2b", body);
        assert_eq!(res.status().as_u16(), 422, "{body}");
        let p: Value = res.json().expect("problem");
        assert!(p.to_string().contains(field), "{field} not named in {p}");
    }
    // Not JSON at all, and too big.
    let res = shop
        .app
        .req(reqwest::Method::POST, &shop.owner, "/api/v1/returns/gstr2b")
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .expect("send");
    assert_eq!(res.status().as_u16(), 400);
    let big = good(json!([{"ctin": GSTIN_27, "trdnm": "x".repeat(2 * 1024 * 1024), "inv": []}]));
    assert_eq!(
        shop.app
            .post(&shop.owner, "/api/v1/returns/gstr2b", &big)
            .status()
            .as_u16(),
        413
    );
    expect_problem(
        shop.app.get(&shop.owner, "/api/v1/returns/gstr2b/062026"),
        404,
        "not_found",
    );
    expect_problem(
        shop.app.get(&shop.owner, "/api/v1/returns/gstr2b/june"),
        422,
        "validation_failed",
    );
    // Staff may not.
    let staff = shop.app.user_token(
        "twobbad",
        &shop.owner,
        "staff@twobbad.example.in",
        &["staff"],
    );
    expect_problem(
        shop.app
            .post(&staff, "/api/v1/returns/gstr2b", &good(json!([]))),
        403,
        "forbidden",
    );
}
