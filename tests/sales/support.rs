//! Helpers for the sales tests: branches inserted straight into the tenant file (the
//! branches API lives in another module), and short ways to make customers, items,
//! invoices and payments over HTTP.

use serde_json::{json, Value};

use crate::common::*;

/// Real GSTINs with known check characters (Maharashtra and Karnataka).
pub const GSTIN_27: &str = "27AAPFU0939F1ZV";
pub const GSTIN_29: &str = "29AAGCB7383J1Z4";

/// The PAN of the test companies' GSTINs (a firm: `F`).
pub const TEST_PAN: &str = "AAPFU0939F";

/// A valid GSTIN of the test company in `state_code`.
pub fn test_gstin(state_code: &str) -> String {
    let first = format!("{state_code}{TEST_PAN}1Z");
    let check = bisman::domain::gstin_check_char(&first).expect("check char");
    format!("{first}{check}")
}

/// Inserts a registered branch row directly (a GSTIN of its state, an address) and
/// gives the company a legal name, so the branch can issue tax documents; returns its id.
pub fn insert_branch(app: &TestApp, slug: &str, code: &str, state_code: &str) -> String {
    let id = uuid::Uuid::now_v7().to_string();
    let handle = app.tenants.open_blocking(slug).expect("tenant");
    let (i, c, s) = (id.clone(), code.to_string(), state_code.to_string());
    let gstin = test_gstin(state_code);
    handle
        .db
        .write_blocking(move |tx| {
            tx.execute(
                "INSERT INTO branches (id, code, name, state_code, address, gstin, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
                rusqlite::params![i, c, format!("{c} branch"), s, format!("1 Market Road, {c}"), gstin],
            )?;
            tx.execute(
                "UPDATE company SET legal_name = 'Test Traders Private Limited' WHERE legal_name = ''",
                [],
            )?;
            Ok(())
        })
        .expect("insert branch");
    id
}

/// A tenant with an owner token and a Maharashtra (27) branch `MUM`.
pub struct Shop {
    pub app: TestApp,
    pub owner: String,
    pub mum: String,
}

impl Shop {
    pub fn open(slug: &str) -> Shop {
        let app = TestApp::start();
        let owner = app.owner_token(slug);
        let mum = insert_branch(&app, slug, "MUM", "27");
        Shop { app, owner, mum }
    }

    pub fn customer(&self, name: &str, state_code: &str) -> String {
        let res = self.app.post(
            &self.owner,
            "/api/v1/customers",
            &json!({"name": name, "state_code": state_code}),
        );
        json_of(res, 201)["id"].as_str().expect("id").to_string()
    }

    pub fn item(&self, sku: &str, price: i64, rate_bp: i64) -> String {
        let res = self.app.post(
            &self.owner,
            "/api/v1/items",
            &json!({"sku": sku, "name": format!("Item {sku}"), "hsn_sac": "8471",
                    "unit": "nos", "unit_price_paise": price, "gst_rate_bp": rate_bp}),
        );
        json_of(res, 201)["id"].as_str().expect("id").to_string()
    }

    /// A draft with the given lines, dated `date` and due `due`.
    pub fn draft_on(
        &self,
        branch: &str,
        customer: &str,
        date: &str,
        due: &str,
        lines: Value,
    ) -> Value {
        let res = self.app.post(
            &self.owner,
            "/api/v1/invoices",
            &json!({"branch_id": branch, "customer_id": customer, "invoice_date": date,
                    "due_date": due, "lines": lines}),
        );
        json_of(res, 201)
    }

    pub fn draft(&self, customer: &str, item: &str, qty: i64) -> Value {
        self.draft_on(
            &self.mum,
            customer,
            "2026-06-15",
            "2026-07-15",
            json!([{"item_id": item, "quantity": qty}]),
        )
    }

    pub fn issue(&self, id: &str) -> Value {
        json_of(
            self.app.post(
                &self.owner,
                &format!("/api/v1/invoices/{id}/issue"),
                &json!({}),
            ),
            200,
        )
    }

    /// An issued invoice of `qty` × item at MUM.
    pub fn issued(&self, customer: &str, item: &str, qty: i64) -> Value {
        let d = self.draft(customer, item, qty);
        self.issue(d["id"].as_str().expect("id"))
    }

    pub fn pay(&self, token: &str, invoice: &str, amount: i64) -> reqwest::blocking::Response {
        self.app.post(
            token,
            "/api/v1/payments",
            &json!({"invoice_id": invoice, "amount_paise": amount, "method": "upi",
                    "reference": "UTR1", "received_on": "2026-06-20"}),
        )
    }

    pub fn invoice(&self, id: &str) -> Value {
        json_of(
            self.app.get(&self.owner, &format!("/api/v1/invoices/{id}")),
            200,
        )
    }
}

pub fn id_of(v: &Value) -> String {
    v["id"].as_str().expect("id").to_string()
}

/// Today (UTC) moved by `days`, as `YYYY-MM-DD`.
pub fn day(days: i64) -> String {
    let d = time::OffsetDateTime::now_utc().date() + time::Duration::days(days);
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}
