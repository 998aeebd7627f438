//! The demo data: seeded once, through the service functions, in every status.

use serde_json::Value;

use crate::common::*;

#[test]
fn demo_sales_data_is_complete_and_consistent() {
    let app = TestApp::start();
    let email = app.create_tenant("demo-like");
    let token = token_of(&app.login("demo-like", &email, OWNER_PASSWORD));
    let handle = app.tenants.open_blocking("demo-like").expect("tenant");
    let me = json_of(app.get(&token, "/api/v1/auth/me"), 200);
    let owner = me["id"].as_str().expect("id").to_string();
    let seeded = bisman::modules::sales::demo::seed(&handle, &app.keys, &owner)
        .expect("seed")
        .expect("first run seeds");
    assert_eq!(
        (
            seeded.customers,
            seeded.items,
            seeded.invoices,
            seeded.notes
        ),
        (52, 100, 204, 4)
    );
    assert!(
        bisman::modules::sales::demo::seed(&handle, &app.keys, &owner)
            .expect("again")
            .is_none(),
        "only once"
    );

    let count = |sql: &str| -> i64 {
        handle
            .db
            .read_blocking(|c| Ok(c.query_row(sql, [], |r| r.get(0))?))
            .expect(sql)
    };
    assert_eq!(count("SELECT COUNT(*) FROM branches"), 3);
    assert_eq!(count("SELECT COUNT(DISTINCT state_code) FROM branches"), 2);
    assert_eq!(count("SELECT COUNT(DISTINCT gst_rate_bp) FROM items"), 8);
    assert!(count("SELECT COUNT(*) FROM customers WHERE gstin IS NOT NULL") > 0);
    assert_eq!(count("SELECT COUNT(DISTINCT status) FROM invoices"), 5);
    // Registered branches in two states, an SEZ unit and an exporter, notes of both kinds,
    // a zero-rated supply, customer credit left after a refund.
    assert_eq!(
        count("SELECT COUNT(*) FROM branches WHERE gstin IS NULL OR address = ''"),
        0
    );
    assert_eq!(
        count("SELECT COUNT(DISTINCT registration) FROM customers"),
        4
    );
    assert_eq!(
        count("SELECT COUNT(DISTINCT kind) FROM notes WHERE status = 'issued'"),
        2
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM invoices WHERE lut = 1 AND status <> 'draft'"),
        2
    );
    assert!(count("SELECT COUNT(*) FROM payments WHERE amount_paise < 0") == 1);
    assert!(count("SELECT SUM(credit_balance_paise) FROM customers") > 0);
    assert_eq!(
        count("SELECT COUNT(*) FROM company WHERE legal_name <> '' AND logo IS NOT NULL AND bank_account_enc IS NOT NULL"),
        1
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM payments"),
        i64::try_from(seeded.payments).expect("n")
    );
    // Totals are the sums of the lines; paid amounts are the sums of the payments.
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM invoices i WHERE taxable_total_paise + cgst_total_paise + sgst_total_paise + igst_total_paise
               != (SELECT SUM(taxable_paise + cgst_paise + sgst_paise + igst_paise) FROM invoice_lines l WHERE l.invoice_id = i.id)"
        ),
        0
    );
    // Paid amounts are the sums of the payments (refunds of credit are not payments of
    // the invoice); credited amounts are what issued credit notes applied.
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM invoices i WHERE amount_paid_paise
               != (SELECT COALESCE(SUM(amount_paise), 0) FROM payments p WHERE p.invoice_id = i.id AND amount_paise > 0)"
        ),
        0
    );
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM invoices i WHERE credited_paise
               != (SELECT COALESCE(SUM(applied_paise), 0) FROM notes n WHERE n.invoice_id = i.id AND status = 'issued')"
        ),
        0
    );
    let chain = handle
        .db
        .read_blocking(bisman::audit::verify)
        .expect("verify");
    assert!(chain.ok && chain.events > 500);
    // And the API serves it.
    let r: Value = json_of(app.get(&token, "/api/v1/reports/receivables"), 200);
    assert!(r["totals"]["outstanding_paise"].as_i64().expect("total") > 0);
    let page: Value = json_of(
        app.get(&token, "/api/v1/invoices?status=paid&limit=200"),
        200,
    );
    assert!(!page["items"].as_array().expect("items").is_empty());

    // Six months of books: every document posted, opening balances and expenses.
    let branches = bisman::modules::sales::demo::ensure_branches(&handle).expect("branches");
    let posted = bisman::modules::books::demo::seed(&handle, &owner, &branches).expect("books");
    assert_eq!(posted, 1 + 6 * (3 * 2 + 2));
    assert_eq!(
        bisman::modules::books::demo::seed(&handle, &owner, &branches).expect("again"),
        0,
        "only once"
    );
    assert_eq!(
        count(
            "SELECT (SELECT COUNT(*) FROM invoices WHERE status <> 'draft')
                  + (SELECT COUNT(*) FROM invoices WHERE status = 'cancelled')
                  + (SELECT COUNT(*) FROM notes WHERE status = 'issued')
                  + (SELECT COUNT(*) FROM payments)
                  - (SELECT COUNT(*) FROM journals WHERE source_type IS NOT NULL)"
        ),
        0,
        "one journal per document (two for a cancelled invoice)"
    );
    let tb: Value = json_of(app.get(&token, "/api/v1/reports/trial-balance"), 200);
    assert_eq!(tb["total_debit_paise"], tb["total_credit_paise"]);
    let bs: Value = json_of(app.get(&token, "/api/v1/reports/balance-sheet"), 200);
    assert_eq!(bs["balanced"], true);
    let bank = tb["rows"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["code"] == "1121"))
        .and_then(|r| r["debit_paise"].as_i64())
        .unwrap_or(0);
    assert!(bank > 0, "the demo's bank stays in credit: {bank}");
    assert!(bs["assets"]["total_paise"].as_i64().expect("assets") > 0);
    let pl: Value = json_of(
        app.get(&token, "/api/v1/reports/profit-and-loss?from=2000-01-01"),
        200,
    );
    assert!(pl["income"]["total_paise"].as_i64().expect("income") > 0);
    assert!(pl["expenses"]["total_paise"].as_i64().expect("expenses") > 0);

    // Purchases, stock and the June GSTR-2B statement (demo/README.md).
    let p = bisman::modules::purchases::demo::seed(&handle, &owner, &branches)
        .expect("purchases")
        .expect("seeded once");
    assert_eq!(
        (p.vendors, p.bills, p.payments, p.stocked),
        (5, 9 + 3 + 3 + 4, 7, 3)
    );
    assert!(
        bisman::modules::purchases::demo::seed(&handle, &owner, &branches)
            .expect("again")
            .is_none(),
        "only once"
    );
    let r: Value = json_of(app.get(&token, "/api/v1/returns/gstr2b/062026"), 200);
    assert_eq!(
        r["summary"],
        serde_json::json!({"matched": 1, "mismatch": 2, "missing_in_books": 1, "missing_in_2b": 1})
    );
    let owed: Value = json_of(app.get(&token, "/api/v1/reports/payables"), 200);
    assert!(owed["totals"]["outstanding_paise"].as_i64().expect("owed") > 0);
    assert!(owed["totals"]["buckets"]["0_30"].as_i64().expect("0_30") > 0);
    let stock: Value = json_of(app.get(&token, "/api/v1/reports/stock"), 200);
    assert_eq!(stock["items"].as_array().map(Vec::len), Some(3));
    let tb: Value = json_of(app.get(&token, "/api/v1/reports/trial-balance"), 200);
    assert_eq!(tb["total_debit_paise"], tb["total_credit_paise"]);
    let in_books = tb["rows"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["code"] == "1140"))
        .and_then(|r| r["debit_paise"].as_i64())
        .unwrap_or(0);
    assert_eq!(
        in_books,
        stock["total_value_paise"].as_i64().expect("value")
    );
    let transfers: Value = json_of(app.get(&token, "/api/v1/stock-transfers"), 200);
    assert_eq!(
        transfers["items"][0]["challan_number"]
            .as_str()
            .map(|n| n.starts_with("DC/")),
        Some(true)
    );
    let bs: Value = json_of(app.get(&token, "/api/v1/reports/balance-sheet"), 200);
    assert_eq!(bs["balanced"], true);
}
