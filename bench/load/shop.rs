//! Business data for the benchmarks, created over the API (so it is priced, encrypted and
//! audited like real data), plus a bulk loader for the million-invoice table.

use std::path::Path;

use reqwest::blocking::Client;
use serde_json::{json, Value};

use super::login;

/// One tenant's working set: a token and the ids the workloads pick from.
#[derive(Clone, Default)]
pub struct Shop {
    pub token: String,
    pub branch: String,
    pub customers: Vec<String>,
    pub items: Vec<String>,
    pub employees: Vec<String>,
    pub invoices: Vec<String>,
}

pub fn post(c: &Client, base: &str, token: &str, path: &str, body: &Value) -> Option<Value> {
    let r = c
        .post(format!("{base}{path}"))
        .bearer_auth(token)
        .json(body)
        .send()
        .ok()?;
    if !r.status().is_success() {
        return None;
    }
    r.json().ok()
}

pub fn ok(c: &Client, base: &str, token: &str, path: &str) -> bool {
    answered(
        c.get(format!("{base}{path}")).bearer_auth(token).send(),
        200,
    )
}

/// Whether the response has `status`, after reading its whole body as a real client
/// would. An unread body (a compressed one above all) cannot go back to the connection
/// pool, so not reading it measured a new TCP connection per request.
pub fn answered(r: reqwest::Result<reqwest::blocking::Response>, status: u16) -> bool {
    r.is_ok_and(|r| r.status() == status && r.bytes().is_ok())
}

pub fn login_as(c: &Client, base: &str, slug: &str) -> String {
    login(c, base, slug).expect("login")
}

fn id(v: Option<Value>) -> String {
    v.and_then(|v| v["id"].as_str().map(str::to_string))
        .unwrap_or_else(|| panic!("setup request failed"))
}

/// A valid PAN and Aadhaar (Verhoeff) for employee `n` of tenant `t`.
pub fn identity(t: usize, n: usize) -> (String, String) {
    let l = |k: usize| char::from(b'A' + u8::try_from(k % 26).unwrap_or(0));
    let pan = format!(
        "{}{}{}P{}{:04}{}",
        l(t),
        l(t / 26),
        l(n / 676),
        l(n / 26),
        n % 10_000,
        l(n)
    );
    let first11 = format!("{}{:04}{:06}", 2 + t % 8, t % 10_000, n % 1_000_000);
    let digits: Vec<u8> = first11.bytes().map(|b| b - b'0').collect();
    let check = bisman::domain::verhoeff_check_digit(&digits).unwrap_or(0);
    (pan, format!("{first11}{check}"))
}

pub fn employee_body(branch: &str, t: usize, n: usize) -> Value {
    let (pan, aadhaar) = identity(t, n);
    json!({"employee_code": format!("E{n:06}"), "name": format!("Employee {n}"), "branch_id": branch,
           "pan": pan, "aadhaar": aadhaar,
           "bank_account": {"account_number": format!("{:012}", 501_000_000_000_u64 + n as u64), "ifsc": "HDFC0000240"},
           "monthly_salary_paise": 3_000_000})
}

pub fn invoice_body(s: &Shop, i: usize) -> Value {
    json!({"branch_id": s.branch, "customer_id": s.customers[i % s.customers.len()],
           "invoice_date": "2026-06-15", "due_date": "2026-07-15",
           "lines": [{"item_id": s.items[i % s.items.len()], "quantity": 2},
                     {"item_id": s.items[(i + 7) % s.items.len()], "quantity": 1}]})
}

/// Logs in as the owner of `slug` and creates a branch, customers, items, employees and
/// issued invoices (counts as given).
pub fn open_shop(
    c: &Client,
    base: &str,
    slug: &str,
    t: usize,
    size: (usize, usize, usize, usize),
) -> Shop {
    let (n_customers, n_items, n_employees, n_invoices) = size;
    let token = login(c, base, slug).expect("login");
    // A registered seller: the company's legal name and a branch GSTIN (Rule 46(a)).
    let registered = c
        .put(format!("{base}/api/v1/company"))
        .bearer_auth(&token)
        .json(&json!({"legal_name": format!("Bench Traders {t} Private Limited")}))
        .send()
        .is_ok_and(|r| r.status().is_success());
    assert!(registered, "company profile");
    let first = "29AAPFU0939F1Z";
    let gstin = format!(
        "{first}{}",
        bisman::domain::gstin_check_char(first).expect("check char")
    );
    let branch = id(post(
        c,
        base,
        &token,
        "/api/v1/branches",
        &json!({"code": "BLR", "name": "Bengaluru", "state_code": "29", "address": "MG Road", "gstin": gstin}),
    ));
    let mut s = Shop {
        token,
        branch,
        ..Shop::default()
    };
    for i in 0..n_customers {
        let state = if i % 3 == 0 { "27" } else { "29" };
        s.customers.push(id(post(
            c,
            base,
            &s.token,
            "/api/v1/customers",
            &json!({"name": format!("Customer {i}"), "state_code": state}),
        )));
    }
    let rates = [0, 500, 1200, 1800, 2800];
    for i in 0..n_items {
        s.items.push(id(post(c, base, &s.token, "/api/v1/items",
            &json!({"sku": format!("SKU{i:05}"), "name": format!("Item {i}"), "hsn_sac": "8471", "unit": "nos",
                    "unit_price_paise": 10_000 + i * 1_234, "gst_rate_bp": rates[i % rates.len()]}))));
    }
    for n in 0..n_employees {
        s.employees.push(id(post(
            c,
            base,
            &s.token,
            "/api/v1/employees",
            &employee_body(&s.branch, t, n),
        )));
    }
    for i in 0..n_invoices {
        let d = id(post(
            c,
            base,
            &s.token,
            "/api/v1/invoices",
            &invoice_body(&s, i),
        ));
        id(post(
            c,
            base,
            &s.token,
            &format!("/api/v1/invoices/{d}/issue"),
            &json!({}),
        ));
        s.invoices.push(d);
    }
    s
}

/// Copies the tenant's first invoice (and its lines) `n` times straight into its file,
/// as drafts with fresh time-ordered ids: the list endpoint then pages over `n` rows.
pub fn bulk_invoices(tenant_db: &Path, n: usize) {
    let mut conn = bisman::db::connection::open_writer(tenant_db).expect("open tenant db");
    let tx = conn.transaction().expect("tx");
    let template: String = tx
        .query_row("SELECT id FROM invoices ORDER BY id LIMIT 1", [], |r| {
            r.get(0)
        })
        .expect("a template invoice");
    {
        let mut inv = tx
            .prepare(
                "INSERT INTO invoices (id, branch_id, customer_id, status, invoice_date, due_date, notes, intra_state,
                    taxable_total_paise, cgst_total_paise, sgst_total_paise, igst_total_paise, round_off_paise,
                    grand_total_paise, created_at, updated_at)
                 SELECT ?1, branch_id, customer_id, 'draft', invoice_date, due_date, notes, intra_state,
                    taxable_total_paise, cgst_total_paise, sgst_total_paise, igst_total_paise, round_off_paise,
                    grand_total_paise, created_at, updated_at FROM invoices WHERE id = ?2",
            )
            .expect("prepare");
        let mut lines = tx
            .prepare(
                "INSERT INTO invoice_lines SELECT ?1, line_no, item_id, description, hsn_sac, unit, quantity_milli,
                    unit_price_paise, discount_paise, gst_rate_bp, taxable_paise, cgst_paise, sgst_paise, igst_paise
                 FROM invoice_lines WHERE invoice_id = ?2",
            )
            .expect("prepare");
        for _ in 0..n {
            let new = uuid::Uuid::now_v7().to_string();
            inv.execute([&new, &template]).expect("insert invoice");
            lines.execute([&new, &template]).expect("insert lines");
        }
    }
    tx.commit().expect("commit");
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;")
        .expect("checkpoint");
}
