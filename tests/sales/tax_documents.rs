//! Tax documents (CGST Rules 46 and 53, IGST Act ss. 7 and 10): a registered seller,
//! Rule 46(b) numbers from series, documents frozen at issue, supply types with LUT.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::{json, Value};

use super::support::*;
use crate::common::*;

/// A valid GSTIN for `state` and a 10-character PAN.
fn gstin(state: &str, pan: &str) -> String {
    let first = format!("{state}{pan}1Z");
    let c = bisman::domain::gstin_check_char(&first).expect("check char");
    format!("{first}{c}")
}

fn customer(shop: &Shop, body: Value) -> String {
    id_of(&json_of(
        shop.app.post(&shop.owner, "/api/v1/customers", &body),
        201,
    ))
}

fn count(shop: &Shop, slug: &str, sql: &str) -> i64 {
    let handle = shop.app.tenants.open_blocking(slug).expect("tenant");
    let sql = sql.to_string();
    handle
        .db
        .read_blocking(move |c| Ok(c.query_row(&sql, [], |r| r.get(0))?))
        .expect("count")
}

#[test]
fn issuing_needs_a_registered_seller() {
    let app = TestApp::start();
    let owner = app.owner_token("unreg");
    let shop = Shop {
        mum: String::new(),
        owner,
        app,
    };
    let branch = id_of(&json_of(
        shop.app.post(
            &shop.owner,
            "/api/v1/branches",
            &json!({"code": "HQ", "name": "Head office", "state_code": "27"}),
        ),
        201,
    ));
    let cust = shop.customer("Asha Stores", "27");
    let item = shop.item("PEN", 1000, 1800);
    let draft = shop.draft_on(
        &branch,
        &cust,
        "2026-06-15",
        "2026-06-30",
        json!([{"item_id": item, "quantity": 1}]),
    );
    let path = format!("/api/v1/invoices/{}/issue", id_of(&draft));
    let p = expect_problem(
        shop.app.post(&shop.owner, &path, &json!({})),
        409,
        "seller_incomplete",
    );
    let gaps: BTreeSet<&str> = p["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(
        gaps,
        BTreeSet::from(["branch.gstin", "branch.address", "company.legal_name"])
    );
    assert_eq!(shop.invoice(&id_of(&draft))["status"], "draft");
    assert_eq!(
        count(&shop, "unreg", "SELECT COUNT(*) FROM issued_numbers"),
        0
    );

    // The company's PAN and the branch's GSTIN must agree (characters 3–12).
    json_of(
        shop.app.put(
            &shop.owner,
            "/api/v1/company",
            &json!({"legal_name": "Asha Foods Private Limited", "pan": "AAJCK4312M"}),
        ),
        200,
    );
    let p = expect_problem(
        shop.app.patch(
            &shop.owner,
            &format!("/api/v1/branches/{branch}"),
            &json!({"gstin": GSTIN_27, "address": "Fort, Mumbai"}),
        ),
        422,
        "validation_failed",
    );
    assert_eq!(p["errors"][0]["code"], "pan_mismatch");
    json_of(
        shop.app.patch(
            &shop.owner,
            &format!("/api/v1/branches/{branch}"),
            &json!({"gstin": gstin("27", "AAJCK4312M"), "address": "Fort, Mumbai"}),
        ),
        200,
    );
    // A PAN that the branch GSTIN does not carry is refused too.
    let p = expect_problem(
        shop.app.put(
            &shop.owner,
            "/api/v1/company",
            &json!({"legal_name": "Asha Foods Private Limited", "pan": "AAPFU0939F"}),
        ),
        422,
        "validation_failed",
    );
    assert_eq!(p["errors"][0]["field"], "pan");
    // Registered now: the first number of the new series, no number lost to the refusal.
    let issued = json_of(shop.app.post(&shop.owner, &path, &json!({})), 200);
    assert_eq!(issued["number"], "HQ/26-27/00001");
    assert_eq!(issued["seller"]["legal_name"], "Asha Foods Private Limited");
    assert_eq!(issued["seller"]["pan"], "AAJCK4312M");
}

#[test]
fn an_issued_invoice_never_changes() {
    let shop = Shop::open("frozen");
    let cust = customer(
        &shop,
        json!({"name": "Deccan Traders", "gstin": GSTIN_27, "billing_address": "12 Tilak Road, Pune"}),
    );
    let item = shop.item("RICE", 250_000, 500);
    let inv = shop.issued(&cust, &item, 2);
    let id = id_of(&inv);
    assert_eq!(inv["buyer"]["name"], "Deccan Traders");
    assert_eq!(inv["buyer"]["state_name"], "Maharashtra");
    assert_eq!(
        inv["place_of_supply"],
        json!({"code": "27", "name": "Maharashtra"})
    );
    assert_eq!(inv["cgst_total_paise"], 12_500);
    let before = shop.invoice(&id);

    // Everything the invoice printed changes afterwards...
    json_of(
        shop.app.patch(
            &shop.owner,
            &format!("/api/v1/customers/{cust}"),
            &json!({"name": "Someone Else", "gstin": GSTIN_29, "billing_address": "Bengaluru"}),
        ),
        200,
    );
    json_of(
        shop.app.patch(
            &shop.owner,
            &format!("/api/v1/branches/{}", shop.mum),
            &json!({"name": "Renamed", "address": "Elsewhere"}),
        ),
        200,
    );
    json_of(
        shop.app.patch(
            &shop.owner,
            &format!("/api/v1/items/{item}"),
            &json!({"name": "Not rice", "hsn_sac": "8471", "gst_rate_bp": 2800}),
        ),
        200,
    );
    json_of(
        shop.app.put(
            &shop.owner,
            "/api/v1/company",
            &json!({"legal_name": "Another Company Limited", "upi_id": "other@ybl"}),
        ),
        200,
    );
    // ...and the issued invoice is exactly as it was.
    assert_eq!(shop.invoice(&id), before);

    // The database refuses an edit that bypasses the service.
    let handle = shop.app.tenants.open_blocking("frozen").expect("tenant");
    let id2 = id.clone();
    let err = handle
        .db
        .write_blocking(move |tx| {
            tx.execute("UPDATE invoices SET buyer = '{}' WHERE id = ?1", [&id2])?;
            Ok(())
        })
        .expect_err("frozen");
    assert!(format!("{err:?}").contains("frozen"), "{err:?}");
    let id3 = id.clone();
    handle
        .db
        .write_blocking(move |tx| {
            tx.execute(
                "UPDATE invoice_lines SET description = 'x' WHERE invoice_id = ?1",
                [&id3],
            )?;
            Ok(())
        })
        .expect_err("lines frozen");
    assert_eq!(shop.invoice(&id), before);
}

#[test]
fn numbers_follow_rule_46_b() {
    let shop = Shop::open("series");
    let cust = shop.customer("Asha Stores", "27");
    let item = shop.item("PEN", 1000, 1800);
    let rule = regex::Regex::new("^[A-Z1-9][A-Z0-9/-]{0,15}$").expect("regex");
    let first = shop.issued(&cust, &item, 1);
    assert_eq!(first["number"], "MUM/26-27/00001");

    // A branch made through the API gets three series with prefixes from its code.
    let blr = id_of(&json_of(
        shop.app.post(
            &shop.owner,
            "/api/v1/branches",
            &json!({"code": "BLR", "name": "Bengaluru", "state_code": "29", "address": "MG Road",
                    "gstin": test_gstin("29")}),
        ),
        201,
    ));
    let series = json_of(
        shop.app
            .get(&shop.owner, &format!("/api/v1/branches/{blr}/series")),
        200,
    );
    let prefixes: BTreeSet<(String, String)> = series["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|s| {
            (
                s["doc_type"].as_str().expect("type").to_string(),
                s["prefix"].as_str().expect("prefix").to_string(),
            )
        })
        .collect();
    assert_eq!(
        prefixes,
        BTreeSet::from([
            ("credit_note".to_string(), "BLRC".to_string()),
            ("debit_note".to_string(), "BLRD".to_string()),
            ("invoice".to_string(), "BLR".to_string()),
        ])
    );
    // A second branch whose code shares the prefix gets a de-duplicated one.
    let blr2 = id_of(&json_of(
        shop.app.post(
            &shop.owner,
            "/api/v1/branches",
            &json!({"code": "BLR2", "name": "Bengaluru 2", "state_code": "29", "address": "Whitefield",
                    "gstin": test_gstin("29")}),
        ),
        201,
    ));
    let s2 = json_of(
        shop.app
            .get(&shop.owner, &format!("/api/v1/branches/{blr2}/series")),
        200,
    );
    let invoice_series = s2["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|s| s["doc_type"] == "invoice")
        .expect("invoice series")
        .clone();
    assert_eq!(invoice_series["prefix"], "BLR2");
    let credit_prefix = s2["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|s| s["doc_type"] == "credit_note")
        .expect("credit series")["prefix"]
        .clone();
    assert_eq!(
        credit_prefix, "BLR3",
        "BLRC is taken and BLR2 is this branch's invoice series: the next free last character"
    );
    // Prefixes are unique and well formed.
    let mum_series = json_of(
        shop.app.get(
            &shop.owner,
            &format!("/api/v1/branches/{}/series", shop.mum),
        ),
        200,
    );
    let mum_invoice = mum_series["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|s| s["doc_type"] == "invoice")
        .expect("series")
        .clone();
    let series_path = format!(
        "/api/v1/branches/{}/series/{}",
        shop.mum,
        mum_invoice["id"].as_str().expect("id")
    );
    for (prefix, code) in [
        ("BLR", "duplicate"),
        ("1AB", "invalid_format"),
        ("ABCDE", "invalid_format"),
    ] {
        let p = expect_problem(
            shop.app
                .patch(&shop.owner, &series_path, &json!({"prefix": prefix})),
            422,
            "validation_failed",
        );
        assert_eq!(p["errors"][0]["code"], code, "{prefix}");
    }

    // A four-character prefix fits 99,999 numbers a year; the next is refused and
    // nothing is written, until the prefix is shortened.
    json_of(
        shop.app
            .patch(&shop.owner, &series_path, &json!({"prefix": "ABCD"})),
        200,
    );
    let handle = shop.app.tenants.open_blocking("series").expect("tenant");
    let sid = mum_invoice["id"].as_str().expect("id").to_string();
    handle
        .db
        .write_blocking(move |tx| {
            tx.execute(
                "UPDATE doc_sequences SET last_seq = 99998 WHERE series_id = ?1",
                [&sid],
            )?;
            Ok(())
        })
        .expect("jump");
    assert_eq!(shop.issued(&cust, &item, 1)["number"], "ABCD/26-27/99999");
    let d = shop.draft(&cust, &item, 1);
    let p = expect_problem(
        shop.app.post(
            &shop.owner,
            &format!("/api/v1/invoices/{}/issue", id_of(&d)),
            &json!({}),
        ),
        409,
        "series_exhausted",
    );
    assert!(p["detail"]
        .as_str()
        .expect("detail")
        .contains("16 characters"));
    assert_eq!(shop.invoice(&id_of(&d))["status"], "draft");
    json_of(
        shop.app
            .patch(&shop.owner, &series_path, &json!({"prefix": "AB"})),
        200,
    );
    let n = shop.issue(&id_of(&d))["number"].clone();
    assert_eq!(n, "AB/26-27/100000");
    // The old numbers keep their text; every number is a Rule 46(b) number.
    assert_eq!(shop.invoice(&id_of(&first))["number"], "MUM/26-27/00001");
    let page = json_of(
        shop.app
            .get(&shop.owner, "/api/v1/invoices?status=issued&limit=200"),
        200,
    );
    for inv in page["items"].as_array().expect("items") {
        let number = inv["number"].as_str().expect("number");
        assert!(rule.is_match(number), "{number}");
    }
}

#[test]
fn invoices_and_credit_notes_issued_at_once_stay_gapless() {
    let shop = Arc::new(Shop::open("gapless"));
    let cust = shop.customer("Asha Stores", "27");
    let item = shop.item("PEN", 10_000, 1800);
    // Twenty issued invoices to credit, and twenty drafts to issue, all at once.
    let to_credit: Vec<String> = (0..20)
        .map(|_| id_of(&shop.issued(&cust, &item, 5)))
        .collect();
    let drafts: Vec<String> = (0..20)
        .map(|_| id_of(&shop.draft(&cust, &item, 1)))
        .collect();
    let notes: Vec<String> = to_credit
        .iter()
        .map(|inv| {
            id_of(&json_of(
                shop.app.post(
                    &shop.owner,
                    "/api/v1/credit-notes",
                    &json!({"invoice_id": inv, "note_date": "2026-06-20", "reason": "sales_return",
                            "lines": [{"invoice_line": 1, "quantity": 1}]}),
                ),
                201,
            ))
        })
        .collect();
    let mut handles = Vec::new();
    for (i, d) in drafts.into_iter().enumerate() {
        let shop = Arc::clone(&shop);
        let note = notes[i].clone();
        handles.push(std::thread::spawn(move || {
            let a = json_of(
                shop.app.post(
                    &shop.owner,
                    &format!("/api/v1/invoices/{d}/issue"),
                    &json!({}),
                ),
                200,
            );
            let b = json_of(
                shop.app.post(
                    &shop.owner,
                    &format!("/api/v1/credit-notes/{note}/issue"),
                    &json!({}),
                ),
                200,
            );
            (
                a["number"].as_str().expect("n").to_string(),
                b["number"].as_str().expect("n").to_string(),
            )
        }));
    }
    let (mut invs, mut cns) = (BTreeSet::new(), BTreeSet::new());
    for h in handles {
        let (a, b) = h.join().expect("thread");
        invs.insert(a);
        cns.insert(b);
    }
    let expect = |prefix: &str, from: usize, n: usize| -> BTreeSet<String> {
        (from..from + n)
            .map(|i| format!("{prefix}/26-27/{i:05}"))
            .collect()
    };
    assert_eq!(invs, expect("MUM", 21, 20));
    assert_eq!(cns, expect("MUMC", 1, 20));
}

/// The supply-type table of IGST Act ss. 7 and 10 for a Maharashtra (27) branch: one
/// line of ₹1,000 at 18 %.
#[test]
fn supply_types_decide_the_tax_heads() {
    let shop = Shop::open("supply");
    let item = shop.item("SVC", 100_000, 1800);
    let other_27 = gstin("27", "AAGCB7383J");
    let (cgst, igst) = (9_000, 18_000);
    let cases: Vec<(&str, Value, bool, [i64; 3], &str)> = vec![
        (
            "regular, same state",
            json!({"gstin": other_27}),
            false,
            [cgst, cgst, 0],
            "27",
        ),
        (
            "regular, other state",
            json!({"gstin": GSTIN_29}),
            false,
            [0, 0, igst],
            "29",
        ),
        (
            "unregistered, same state",
            json!({"state_code": "27"}),
            false,
            [cgst, cgst, 0],
            "27",
        ),
        (
            "unregistered, other state",
            json!({"state_code": "07"}),
            false,
            [0, 0, igst],
            "07",
        ),
        (
            "SEZ, same state, IGST paid",
            json!({"gstin": other_27, "registration": "sez"}),
            false,
            [0, 0, igst],
            "27",
        ),
        (
            "SEZ, same state, LUT",
            json!({"gstin": other_27, "registration": "sez"}),
            true,
            [0, 0, 0],
            "27",
        ),
        (
            "SEZ, other state, IGST paid",
            json!({"gstin": GSTIN_29, "registration": "sez"}),
            false,
            [0, 0, igst],
            "29",
        ),
        (
            "SEZ, other state, LUT",
            json!({"gstin": GSTIN_29, "registration": "sez"}),
            true,
            [0, 0, 0],
            "29",
        ),
        (
            "export, IGST paid",
            json!({"registration": "export"}),
            false,
            [0, 0, igst],
            "96",
        ),
        (
            "export, LUT",
            json!({"registration": "export"}),
            true,
            [0, 0, 0],
            "96",
        ),
    ];
    for (name, extra, lut, [c, s, i], pos) in cases {
        let mut body = json!({"name": name});
        for (k, v) in extra.as_object().expect("object") {
            body[k] = v.clone();
        }
        let cust = customer(&shop, body);
        let draft = json_of(
            shop.app.post(
                &shop.owner,
                "/api/v1/invoices",
                &json!({"branch_id": shop.mum, "customer_id": cust, "invoice_date": "2026-06-15",
                        "due_date": "2026-06-30", "lut": lut,
                        "lines": [{"item_id": item, "quantity": 1}]}),
            ),
            201,
        );
        let inv = shop.issue(&id_of(&draft));
        let got = [
            inv["cgst_total_paise"].as_i64().expect("cgst"),
            inv["sgst_total_paise"].as_i64().expect("sgst"),
            inv["igst_total_paise"].as_i64().expect("igst"),
        ];
        assert_eq!(got, [c, s, i], "{name}");
        assert_eq!(inv["grand_total_paise"], 100_000 + c + s + i, "{name}");
        assert_eq!(inv["place_of_supply"]["code"], pos, "{name}");
        assert_eq!(inv["lut"], lut, "{name}");
        // Zero-rated lines keep their rate.
        assert_eq!(inv["lines"][0]["gst_rate_bp"], 1800, "{name}");
    }
    // LUT is for SEZ and export supplies only.
    let cust = shop.customer("Local Shop", "27");
    let p = expect_problem(
        shop.app.post(
            &shop.owner,
            "/api/v1/invoices",
            &json!({"branch_id": shop.mum, "customer_id": cust, "invoice_date": "2026-06-15",
                    "due_date": "2026-06-30", "lut": true, "lines": [{"item_id": item, "quantity": 1}]}),
        ),
        422,
        "validation_failed",
    );
    assert_eq!(p["errors"][0]["field"], "lut");
    // Registration rules of customers.
    for (body, field) in [
        (
            json!({"name": "X", "registration": "regular", "state_code": "27"}),
            "gstin",
        ),
        (
            json!({"name": "X", "registration": "sez", "state_code": "27"}),
            "gstin",
        ),
        (
            json!({"name": "X", "registration": "export", "gstin": GSTIN_29}),
            "gstin",
        ),
        (
            json!({"name": "X", "registration": "export", "state_code": "27"}),
            "state_code",
        ),
        (
            json!({"name": "X", "state_code": "96", "registration": "unregistered"}),
            "state_code",
        ),
        (
            json!({"name": "X", "registration": "abroad", "state_code": "96"}),
            "registration",
        ),
    ] {
        let p = expect_problem(
            shop.app.post(&shop.owner, "/api/v1/customers", &body),
            422,
            "validation_failed",
        );
        assert_eq!(p["errors"][0]["field"], field, "{body}");
    }
    let exporter = json_of(
        shop.app.post(
            &shop.owner,
            "/api/v1/customers",
            &json!({"name": "Gulf Spice", "state_code": "96"}),
        ),
        201,
    );
    assert_eq!(exporter["registration"], "export");
    assert_eq!(exporter["credit_balance_paise"], 0);
}
