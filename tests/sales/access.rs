//! Who may do what: the built-in roles per route, tenant isolation (another tenant's
//! ids are 404) and branch scope (another branch's invoices are 404).

use reqwest::blocking::Response;
use serde_json::{json, Value};

use crate::common::*;
use crate::support::*;

/// One request of the permission matrix.
type Call<'a> = Box<dyn Fn() -> Response + 'a>;

/// The sales permissions of the built-in roles, as the contract (§4) describes them.
fn role_has(role: &str, perm: &str) -> bool {
    match role {
        "accountant" => perm.starts_with("sales.") || perm.starts_with("reports."),
        "staff" => [
            "sales.customers:read",
            "sales.items:read",
            "sales.invoices:read",
            "sales.invoices:write",
        ]
        .contains(&perm),
        "auditor" => perm.ends_with(":read"),
        _ => false,
    }
}

#[test]
fn each_role_gets_exactly_its_routes() {
    let shop = Shop::open("roles");
    let customer = shop.customer("Asha Stores", "27");
    let item = shop.item("BOOK", 10_000, 1800);
    let paid_into = id_of(&shop.issued(&customer, &item, 5));
    let payment = id_of(&json_of(shop.pay(&shop.owner, &paid_into, 100), 201));
    for role in ["staff", "accountant", "auditor"] {
        let token = shop.app.user_token(
            "roles",
            &shop.owner,
            &format!("{role}@roles.example.in"),
            &[role],
        );
        let draft = id_of(&shop.draft(&customer, &item, 1));
        let to_issue = id_of(&shop.draft(&customer, &item, 1));
        let to_delete = id_of(&shop.draft(&customer, &item, 1));
        let to_cancel = id_of(&shop.issued(&customer, &item, 1));
        let app = &shop.app;
        let t = token.as_str();
        let checks: Vec<(&str, Call<'_>)> = vec![
            (
                "sales.customers:read",
                Box::new(|| app.get(t, "/api/v1/customers")),
            ),
            (
                "sales.customers:read",
                Box::new(|| app.get(t, &format!("/api/v1/customers/{customer}"))),
            ),
            (
                "sales.customers:write",
                Box::new(|| {
                    app.post(
                        t,
                        "/api/v1/customers",
                        &json!({"name": format!("By {role}"), "state_code": "27"}),
                    )
                }),
            ),
            (
                "sales.customers:write",
                Box::new(|| {
                    app.patch(
                        t,
                        &format!("/api/v1/customers/{customer}"),
                        &json!({"billing_address": role}),
                    )
                }),
            ),
            ("sales.items:read", Box::new(|| app.get(t, "/api/v1/items"))),
            (
                "sales.items:read",
                Box::new(|| app.get(t, &format!("/api/v1/items/{item}"))),
            ),
            (
                "sales.items:write",
                Box::new(|| {
                    app.post(t, "/api/v1/items", &json!({"sku": format!("SKU-{role}"), "name": "x", "hsn_sac": "1234", "unit": "nos", "unit_price_paise": 1, "gst_rate_bp": 0}))
                }),
            ),
            (
                "sales.items:write",
                Box::new(|| {
                    app.patch(
                        t,
                        &format!("/api/v1/items/{item}"),
                        &json!({"name": format!("Book {role}")}),
                    )
                }),
            ),
            (
                "sales.invoices:read",
                Box::new(|| app.get(t, "/api/v1/invoices")),
            ),
            (
                "sales.invoices:read",
                Box::new(|| app.get(t, &format!("/api/v1/invoices/{paid_into}"))),
            ),
            (
                "sales.invoices:write",
                Box::new(|| {
                    app.post(t, "/api/v1/invoices", &json!({"branch_id": shop.mum, "customer_id": customer, "invoice_date": "2026-06-01", "due_date": "2026-06-30", "lines": [{"item_id": item, "quantity": 1}]}))
                }),
            ),
            (
                "sales.invoices:write",
                Box::new(|| {
                    app.patch(
                        t,
                        &format!("/api/v1/invoices/{draft}"),
                        &json!({"notes": role}),
                    )
                }),
            ),
            (
                "sales.invoices:write",
                Box::new(|| app.delete(t, &format!("/api/v1/invoices/{to_delete}"))),
            ),
            (
                "sales.invoices:issue",
                Box::new(|| app.post(t, &format!("/api/v1/invoices/{to_issue}/issue"), &json!({}))),
            ),
            (
                "sales.invoices:cancel",
                Box::new(|| {
                    app.post(
                        t,
                        &format!("/api/v1/invoices/{to_cancel}/cancel"),
                        &json!({"reason": "test"}),
                    )
                }),
            ),
            (
                "sales.payments:read",
                Box::new(|| app.get(t, "/api/v1/payments")),
            ),
            (
                "sales.payments:read",
                Box::new(|| app.get(t, &format!("/api/v1/payments/{payment}"))),
            ),
            (
                "sales.payments:write",
                Box::new(|| shop.pay(t, &paid_into, 100)),
            ),
            (
                "reports.receivables:read",
                Box::new(|| app.get(t, "/api/v1/reports/receivables")),
            ),
        ];
        for (i, (perm, call)) in checks.iter().enumerate() {
            let res = call();
            if role_has(role, perm) {
                let s = res.status().as_u16();
                assert!(
                    (200..300).contains(&s),
                    "{role} check {i} ({perm}) should pass, got {s}: {}",
                    res.text().unwrap_or_default()
                );
            } else {
                expect_problem(res, 403, "forbidden");
            }
        }
    }
}

#[test]
fn another_tenants_ids_are_not_found() {
    let shop = Shop::open("tenant-a");
    let customer = shop.customer("Asha Stores", "27");
    let item = shop.item("BOOK", 10_000, 1800);
    let draft = id_of(&shop.draft(&customer, &item, 1));
    let issued = id_of(&shop.issued(&customer, &item, 1));
    let payment = id_of(&json_of(shop.pay(&shop.owner, &issued, 100), 201));
    let app = &shop.app;
    let b = app.owner_token("tenant-b");
    insert_branch(app, "tenant-b", "MUM", "27");
    for path in [
        format!("/api/v1/customers/{customer}"),
        format!("/api/v1/items/{item}"),
        format!("/api/v1/invoices/{draft}"),
        format!("/api/v1/invoices/{issued}"),
        format!("/api/v1/payments/{payment}"),
    ] {
        expect_problem(app.get(&b, &path), 404, "not_found");
    }
    expect_problem(
        app.patch(
            &b,
            &format!("/api/v1/customers/{customer}"),
            &json!({"name": "x"}),
        ),
        404,
        "not_found",
    );
    expect_problem(
        app.patch(&b, &format!("/api/v1/items/{item}"), &json!({"name": "x"})),
        404,
        "not_found",
    );
    expect_problem(
        app.patch(
            &b,
            &format!("/api/v1/invoices/{draft}"),
            &json!({"notes": "x"}),
        ),
        404,
        "not_found",
    );
    expect_problem(
        app.delete(&b, &format!("/api/v1/invoices/{draft}")),
        404,
        "not_found",
    );
    expect_problem(
        app.post(&b, &format!("/api/v1/invoices/{draft}/issue"), &json!({})),
        404,
        "not_found",
    );
    expect_problem(
        app.post(
            &b,
            &format!("/api/v1/invoices/{issued}/cancel"),
            &json!({"reason": "x"}),
        ),
        404,
        "not_found",
    );
    // References in a body to another tenant's records do not resolve either.
    let body = expect_problem(
        app.post(&b, "/api/v1/invoices", &json!({"branch_id": shop.mum, "customer_id": customer,
            "invoice_date": "2026-06-01", "due_date": "2026-06-30", "lines": [{"item_id": item, "quantity": 1}]})),
        422,
        "validation_failed",
    );
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, vec!["branch_id", "customer_id", "lines[0].item_id"]);
    let body = expect_problem(shop.pay(&b, &issued, 100), 422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "invoice_id");
    for list in [
        "/api/v1/customers",
        "/api/v1/items",
        "/api/v1/invoices",
        "/api/v1/payments",
    ] {
        let v = json_of(app.get(&b, list), 200);
        assert_eq!(v["items"], json!([]), "{list}");
    }
    let r = json_of(app.get(&b, "/api/v1/reports/receivables"), 200);
    assert_eq!(r["totals"]["outstanding_paise"], 0);
    // Tenant A still sees its own.
    assert_eq!(shop.invoice(&issued)["amount_paid_paise"], 100);
}

#[test]
fn branch_scoped_users_see_only_their_branches() {
    let shop = Shop::open("scoped");
    let pun = insert_branch(&shop.app, "scoped", "PUN", "27");
    let customer = shop.customer("Asha Stores", "27");
    let item = shop.item("BOOK", 10_000, 0);
    let lines = json!([{"item_id": item, "quantity": 1}]);
    let mum_inv = id_of(&shop.issued(&customer, &item, 1));
    let pun_draft =
        id_of(&shop.draft_on(&pun, &customer, "2026-06-15", "2026-07-15", lines.clone()));
    let pun_inv = shop.draft_on(&pun, &customer, "2026-06-15", "2026-07-15", lines.clone());
    let pun_inv = id_of(&shop.issue(&id_of(&pun_inv)));
    let pun_pay = id_of(&json_of(shop.pay(&shop.owner, &pun_inv, 500), 201));
    let app = &shop.app;
    let res = app.post(
        &shop.owner,
        "/api/v1/users",
        &json!({"email": "mum@scoped.example.in", "name": "Mumbai Accountant", "password": "Us3r-Secret#word",
                "roles": ["accountant"], "branch_ids": [shop.mum]}),
    );
    json_of(res, 201);
    let t = token_of(&app.login("scoped", "mum@scoped.example.in", "Us3r-Secret#word"));

    let list = json_of(app.get(&t, "/api/v1/invoices"), 200);
    let ids: Vec<String> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(id_of)
        .collect();
    assert_eq!(ids, vec![mum_inv.clone()]);
    let list = json_of(
        app.get(&t, &format!("/api/v1/invoices?branch_id={pun}")),
        200,
    );
    assert_eq!(list["items"], json!([]));
    expect_problem(
        app.get(&t, &format!("/api/v1/invoices/{pun_inv}")),
        404,
        "not_found",
    );
    expect_problem(
        app.post(
            &t,
            &format!("/api/v1/invoices/{pun_draft}/issue"),
            &json!({}),
        ),
        404,
        "not_found",
    );
    expect_problem(
        app.patch(
            &t,
            &format!("/api/v1/invoices/{pun_draft}"),
            &json!({"notes": "x"}),
        ),
        404,
        "not_found",
    );
    expect_problem(
        app.delete(&t, &format!("/api/v1/invoices/{pun_draft}")),
        404,
        "not_found",
    );
    expect_problem(
        app.get(&t, &format!("/api/v1/payments/{pun_pay}")),
        404,
        "not_found",
    );
    assert_eq!(
        json_of(app.get(&t, "/api/v1/payments"), 200)["items"],
        json!([])
    );
    let body = expect_problem(shop.pay(&t, &pun_inv, 100), 422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "invoice_id");
    let body = expect_problem(
        app.post(
            &t,
            "/api/v1/invoices",
            &json!({"branch_id": pun, "customer_id": customer,
            "invoice_date": "2026-06-01", "due_date": "2026-06-30", "lines": lines}),
        ),
        422,
        "validation_failed",
    );
    assert_eq!(body["errors"][0]["field"], "branch_id");
    // Moving a MUM draft to PUN is refused the same way.
    let mum_draft = id_of(&shop.draft(&customer, &item, 1));
    let body = expect_problem(
        app.patch(
            &t,
            &format!("/api/v1/invoices/{mum_draft}"),
            &json!({"branch_id": pun}),
        ),
        422,
        "validation_failed",
    );
    assert_eq!(body["errors"][0]["field"], "branch_id");
    // Receivables count only MUM: 10000 outstanding there, PUN's 9500 is not shown.
    let r: Value = json_of(app.get(&t, "/api/v1/reports/receivables"), 200);
    assert_eq!(r["totals"]["outstanding_paise"], 10_000);
    let all: Value = json_of(app.get(&shop.owner, "/api/v1/reports/receivables"), 200);
    assert_eq!(all["totals"]["outstanding_paise"], 19_500);
    // Within its branch the scoped user works normally.
    json_of(shop.pay(&t, &mum_inv, 100), 201);
}
