//! Invoice numbers: `<BRANCH>/<FY>/<seq>`, gapless and unique per branch and financial
//! year even when many invoices are issued at the same moment.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::json;

use crate::common::*;
use crate::support::*;

#[test]
fn fifty_concurrent_issues_get_numbers_one_to_fifty() {
    let shop = Shop::open("numbers");
    let pun = insert_branch(&shop.app, "numbers", "PUN", "27");
    let customer = shop.customer("Asha Stores", "27");
    let item = shop.item("PEN", 1000, 1800);
    let mut mum_ids = Vec::new();
    for _ in 0..50 {
        mum_ids.push(id_of(&shop.draft(&customer, &item, 1)));
    }
    let mut pun_ids = Vec::new();
    for _ in 0..10 {
        let lines = json!([{"item_id": item, "quantity": 2}]);
        pun_ids.push(id_of(&shop.draft_on(
            &pun,
            &customer,
            "2026-06-15",
            "2026-07-15",
            lines,
        )));
    }
    // Issue both branches' drafts at once, interleaved.
    let shop = Arc::new(shop);
    let handles: Vec<_> = mum_ids
        .iter()
        .chain(pun_ids.iter())
        .cloned()
        .map(|id| {
            let shop = Arc::clone(&shop);
            std::thread::spawn(move || {
                let res = shop.app.post(
                    &shop.owner,
                    &format!("/api/v1/invoices/{id}/issue"),
                    &json!({}),
                );
                let v = json_of(res, 200);
                v["number"].as_str().expect("number").to_string()
            })
        })
        .collect();
    let numbers: Vec<String> = handles
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .collect();
    let mum: BTreeSet<String> = numbers
        .iter()
        .filter(|n| n.starts_with("MUM/"))
        .cloned()
        .collect();
    let pun: BTreeSet<String> = numbers
        .iter()
        .filter(|n| n.starts_with("PUN/"))
        .cloned()
        .collect();
    let expected = |code: &str, n: usize| -> BTreeSet<String> {
        (1..=n).map(|i| format!("{code}/26-27/{i:05}")).collect()
    };
    assert_eq!(
        mum,
        expected("MUM", 50),
        "MUM numbers are 1..50 with no gap or duplicate"
    );
    assert_eq!(pun, expected("PUN", 10), "PUN numbers on their own");
    // The stored invoices agree with what the responses said.
    for id in &mum_ids {
        let inv = shop.invoice(id);
        assert_eq!(inv["status"], "issued");
        assert_eq!(inv["financial_year"], "2026-27");
        assert!(mum.contains(inv["number"].as_str().expect("number")));
    }
}

#[test]
fn financial_years_number_from_one() {
    let shop = Shop::open("fy");
    let customer = shop.customer("Asha Stores", "27");
    let item = shop.item("PEN", 1000, 500);
    let lines = || json!([{"item_id": item, "quantity": 1}]);
    let issue_on = |date: &str| {
        let d = shop.draft_on(&shop.mum, &customer, date, date, lines());
        shop.issue(&id_of(&d))["number"]
            .as_str()
            .expect("number")
            .to_string()
    };
    assert_eq!(issue_on("2027-03-31"), "MUM/26-27/00001");
    assert_eq!(
        issue_on("2027-04-01"),
        "MUM/27-28/00001",
        "a new FY starts at 1"
    );
    assert_eq!(issue_on("2026-04-01"), "MUM/26-27/00002");
    assert_eq!(issue_on("2027-12-31"), "MUM/27-28/00002");
    assert_eq!(issue_on("2027-01-15"), "MUM/26-27/00003");
    // A draft deleted or a failed issue never uses up a number.
    let d = shop.draft_on(&shop.mum, &customer, "2027-05-01", "2027-05-01", lines());
    let res = shop
        .app
        .delete(&shop.owner, &format!("/api/v1/invoices/{}", id_of(&d)));
    assert_eq!(res.status(), 204);
    assert_eq!(issue_on("2027-05-02"), "MUM/27-28/00003");
}
