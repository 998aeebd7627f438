//! Tax documents: the PDF of a 15-line invoice, and credit notes created and issued
//! (numbered, frozen, applied to the invoice) under concurrency.

use std::sync::Arc;

use reqwest::blocking::Client;
use serde_json::json;

use super::shop::{answered, open_shop, post};
use super::{drive, header, provision, report, Server};

pub fn tax_documents(pdfs: usize, notes: usize) {
    let dir = tempfile::tempdir().expect("tmp");
    let slugs = provision(dir.path(), 1);
    let server = Server::start(dir.path(), &[]);
    let base = server.base.clone();
    let c = Client::new();
    let s = Arc::new(open_shop(&c, &base, &slugs[0], 0, (20, 40, 0, 0)));
    // One 15-line invoice to print; `notes` two-line invoices to credit.
    let lines: Vec<_> = (0..15)
        .map(|i| json!({"item_id": s.items[i], "quantity": 1 + i}))
        .collect();
    let body = json!({"branch_id": s.branch, "customer_id": s.customers[0], "invoice_date": "2026-06-15",
                      "due_date": "2026-07-15", "lines": lines});
    let draft = post(&c, &base, &s.token, "/api/v1/invoices", &body).expect("draft");
    let id = draft["id"].as_str().expect("id").to_string();
    post(
        &c,
        &base,
        &s.token,
        &format!("/api/v1/invoices/{id}/issue"),
        &json!({}),
    )
    .expect("issue");
    let mut invoices = Vec::new();
    for i in 0..notes {
        let d = post(
            &c,
            &base,
            &s.token,
            "/api/v1/invoices",
            &super::shop::invoice_body(&s, i),
        )
        .expect("draft");
        let d = d["id"].as_str().expect("id").to_string();
        post(
            &c,
            &base,
            &s.token,
            &format!("/api/v1/invoices/{d}/issue"),
            &json!({}),
        )
        .expect("issue");
        invoices.push(d);
    }
    println!("data: one issued 15-line invoice; {notes} issued invoices to credit");
    header();

    let (token, base2) = (s.token.clone(), base.clone());
    let cpu = server.cpu_seconds();
    let (st, wall) = drive(2, pdfs, move |_, c| {
        answered(
            c.get(format!("{base2}/api/v1/invoices/{id}/pdf"))
                .bearer_auth(&token)
                .send(),
            200,
        )
    });
    report(
        "read: GET 15-line invoice PDF (render + send), 2 concurrent",
        &st,
        wall,
    );
    server.print_cpu_per_request(cpu, pdfs);

    let (token, base2) = (s.token.clone(), base.clone());
    let invoices = Arc::new(invoices);
    let cpu = server.cpu_seconds();
    let (st, wall) = drive(8, notes, move |i, c| {
        let created = post(
            c,
            &base2,
            &token,
            "/api/v1/credit-notes",
            &json!({"invoice_id": invoices[i], "note_date": "2026-06-20", "reason": "sales_return",
                    "lines": [{"invoice_line": 1, "quantity": 1}]}),
        );
        let Some(note) = created else { return false };
        let nid = note["id"].as_str().unwrap_or_default();
        post(
            c,
            &base2,
            &token,
            &format!("/api/v1/credit-notes/{nid}/issue"),
            &json!({}),
        )
        .is_some()
    });
    report(
        "write: credit note create + issue (durable, audited, numbered), 8 concurrent",
        &st,
        wall,
    );
    server.print_cpu_per_request(cpu, notes * 2);
}
