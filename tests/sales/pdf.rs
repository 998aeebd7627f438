//! The printed tax invoice and notes over HTTP, read back with poppler and zbar: every
//! Rule 46 particular, the amount in words, the UPI QR for the balance, and a print that
//! never changes when the customer, branch, item or company change.

use std::process::Command;

use serde_json::{json, Value};

use super::support::*;
use crate::common::*;

pub fn run(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!(
            "cannot run {tool} ({e}): scripts/test-deps.sh installs poppler-utils and zbar-tools"
        )
    });
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// Downloads a PDF; returns its text (`pdftotext -layout`) and the QR codes on page 1.
fn fetch(shop: &Shop, path: &str) -> (String, Vec<String>) {
    let res = shop.app.get(&shop.owner, path);
    assert_eq!(res.status().as_u16(), 200, "{path}");
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert_eq!(ct, "application/pdf");
    let disposition = res
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(
        disposition.starts_with("attachment; filename=\""),
        "{disposition}"
    );
    let bytes = res.bytes().expect("body");
    assert!(bytes.starts_with(b"%PDF-"));
    let dir = tempfile::tempdir().expect("tmp");
    let pdf = dir.path().join("doc.pdf");
    std::fs::write(&pdf, &bytes).expect("write");
    let p = pdf.to_str().expect("path");
    let text = run("pdftotext", &["-layout", p, "-"]);
    let info = run("pdfinfo", &[p]);
    let pages = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .map(str::trim);
    assert_eq!(pages, Some("1"), "{info}");
    let prefix = dir.path().join("page");
    run(
        "pdftoppm",
        &[
            "-r",
            "150",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            p,
            prefix.to_str().expect("p"),
        ],
    );
    let png = prefix.with_extension("png");
    let codes = Command::new("zbarimg")
        .args(["--raw", "-q", png.to_str().expect("png")])
        .output()
        .unwrap_or_else(|e| panic!("cannot run zbarimg ({e})"));
    // zbarimg exits 4 when it finds no code: that is an answer, not a failure.
    let codes = String::from_utf8_lossy(&codes.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    (text, codes)
}

fn contains(text: &str, needle: &str) {
    assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
}

fn setup(shop: &Shop) -> (String, String) {
    json_of(
        shop.app.put(
            &shop.owner,
            "/api/v1/company",
            &json!({"legal_name": "Test Traders Private Limited", "trade_name": "Test Traders",
                "pan": TEST_PAN, "registered_address": "1 Market Road, MUM",
                "bank": {"account_number": "50200012345678", "ifsc": "HDFC0000060", "bank_name": "HDFC Bank"},
                "upi_id": "testtraders@hdfcbank", "invoice_terms": "Goods once sold are taken back within 7 days."}),
        ),
        200,
    );
    let cust = id_of(&json_of(
        shop.app.post(
            &shop.owner,
            "/api/v1/customers",
            &json!({"name": "Deccan Traders", "gstin": GSTIN_29, "billing_address": "14 Residency Road, Bengaluru"}),
        ),
        201,
    ));
    let item = id_of(&json_of(
        shop.app.post(
            &shop.owner,
            "/api/v1/items",
            &json!({"sku": "RICE", "name": "Basmati rice 25 kg", "hsn_sac": "1006", "unit": "bag",
                "unit_price_paise": 250_000, "gst_rate_bp": 500}),
        ),
        201,
    ));
    (cust, item)
}

#[test]
fn the_pdf_carries_every_particular_and_never_changes() {
    let shop = Shop::open("printing");
    let (cust, item) = setup(&shop);
    let draft = shop.draft_on(
        &shop.mum,
        &cust,
        "2026-06-15",
        "2026-07-15",
        json!([{"item_id": item, "quantity": 4}]),
    );
    let id = id_of(&draft);
    // A draft is not a tax document.
    expect_problem(
        shop.app
            .get(&shop.owner, &format!("/api/v1/invoices/{id}/pdf")),
        409,
        "conflict",
    );
    let inv = shop.issue(&id);
    // 4 × ₹2,500 = ₹10,000 + IGST 5 % ₹500 = ₹10,500.
    assert_eq!(inv["grand_total_paise"], 1_050_000);
    json_of(shop.pay(&shop.owner, &id, 50_000), 201);
    let path = format!("/api/v1/invoices/{id}/pdf");
    let (text, codes) = fetch(&shop, &path);
    for needle in [
        "Tax Invoice",
        "Original for recipient",
        "Test Traders Private Limited",
        &test_gstin("27"),
        "1 Market Road, MUM",
        "MUM/26-27/00001",
        "15-06-2026",
        "Deccan Traders",
        GSTIN_29,
        "14 Residency Road, Bengaluru",
        "29 - Karnataka",
        "1006",
        "Basmati rice 25 kg",
        "10,000.00",
        "500.00",
        "10,500.00",
        "Rupees Ten Thousand Five Hundred Only",
        "₹",
        "HDFC0000060",
        "50200012345678",
        "Goods once sold",
        "Authorised",
    ] {
        contains(&text, needle);
    }
    // The UPI QR asks for the balance: ₹10,500 − ₹500 paid.
    assert_eq!(
        codes,
        vec!["upi://pay?pa=testtraders@hdfcbank&pn=Test%20Traders%20Private%20Limited&am=10000.00&tn=MUM/26-27/00001&cu=INR"]
    );
    let (dup, _) = fetch(&shop, &format!("{path}?copy=duplicate"));
    contains(&dup, "Duplicate for transporter");
    expect_problem(
        shop.app.get(&shop.owner, &format!("{path}?copy=fourth")),
        422,
        "validation_failed",
    );

    // Edit everything the invoice printed: its PDF text stays the same.
    json_of(
        shop.app.patch(
            &shop.owner,
            &format!("/api/v1/customers/{cust}"),
            &json!({"name": "Renamed Buyer", "gstin": GSTIN_27, "billing_address": "Elsewhere"}),
        ),
        200,
    );
    json_of(
        shop.app.patch(
            &shop.owner,
            &format!("/api/v1/branches/{}", shop.mum),
            &json!({"address": "New address"}),
        ),
        200,
    );
    json_of(
        shop.app.patch(
            &shop.owner,
            &format!("/api/v1/items/{item}"),
            &json!({"name": "Not rice", "hsn_sac": "8471"}),
        ),
        200,
    );
    json_of(
        shop.app.put(
            &shop.owner,
            "/api/v1/company",
            &json!({"legal_name": "Another Name Limited", "pan": TEST_PAN, "upi_id": "other@ybl",
                "invoice_terms": "New terms",
                "bank": {"account_number": "********5678", "ifsc": "HDFC0000060", "bank_name": "HDFC Bank"}}),
        ),
        200,
    );
    let (again, codes_again) = fetch(&shop, &path);
    assert_eq!(again, text);
    assert_eq!(codes_again, codes);

    // Paid in full: no QR any more (the balance is the only thing that moves).
    json_of(shop.pay(&shop.owner, &id, 1_000_000), 201);
    let (_, none) = fetch(&shop, &path);
    assert!(none.is_empty(), "{none:?}");
}

#[test]
fn notes_and_zero_rated_supplies_print_their_particulars() {
    let shop = Shop::open("printnotes");
    let (_, item) = setup(&shop);
    let export = id_of(&json_of(
        shop.app.post(
            &shop.owner,
            "/api/v1/customers",
            &json!({"name": "Gulf Spice Trading LLC", "registration": "export", "billing_address": "Deira, Dubai"}),
        ),
        201,
    ));
    let draft = json_of(
        shop.app.post(
            &shop.owner,
            "/api/v1/invoices",
            &json!({"branch_id": shop.mum, "customer_id": export, "invoice_date": "2026-06-15",
                "due_date": "2026-07-15", "lut": true, "lines": [{"item_id": item, "quantity": 10}]}),
        ),
        201,
    );
    let inv = shop.issue(&id_of(&draft));
    let (text, _) = fetch(&shop, &format!("/api/v1/invoices/{}/pdf", id_of(&inv)));
    contains(&text, "96 - Other Countries");
    contains(
        &text,
        "under bond or letter of undertaking without payment of",
    );
    contains(&text, "Unregistered");
    let cn: Value = json_of(
        shop.app.post(
            &shop.owner,
            "/api/v1/credit-notes",
            &json!({"invoice_id": id_of(&inv), "note_date": "2026-06-20", "reason": "sales_return",
                "lines": [{"invoice_line": 1, "quantity": 2}]}),
        ),
        201,
    );
    let pdf = format!("/api/v1/credit-notes/{}/pdf", id_of(&cn));
    expect_problem(shop.app.get(&shop.owner, &pdf), 409, "conflict");
    json_of(
        shop.app.post(
            &shop.owner,
            &format!("/api/v1/credit-notes/{}/issue", id_of(&cn)),
            &json!({}),
        ),
        200,
    );
    let (text, _) = fetch(&shop, &pdf);
    for needle in [
        "Credit Note",
        "MUMC/26-27/00001",
        "MUM/26-27/00001",
        "15-06-2026",
        "Sales return",
        "Gulf Spice Trading LLC",
        "5,000.00",
    ] {
        contains(&text, needle);
    }
    // A credit note is not a debit note.
    expect_problem(
        shop.app.get(
            &shop.owner,
            &format!("/api/v1/debit-notes/{}/pdf", id_of(&cn)),
        ),
        404,
        "not_found",
    );
}
