//! The permission matrix: every tenant route of the API against the permission catalogue,
//! allow and deny both ways, over real HTTP.
//!
//! `cases()` is the table: for each (method, path) of the OpenAPI document under
//! `/api/v1/` (except sign-in, refresh, logout and system administration, which have their
//! own tests in `identity.rs`), the permissions it needs, in the order the server checks
//! them, each with the status a user without it gets: 403, or 404 where the server hides
//! that the record exists at all (a document of an owner kind you cannot read).
//!
//! For every case:
//! - **allow**: a user whose only role is a custom role with exactly the needed permissions
//!   gets the case's success status. That is 2xx for real records the owner made; a few
//!   cases send a body that is deliberately incomplete and expect 422: the permission
//!   check passed and validation ran, which is what "allowed" means here.
//! - **deny**: for each needed permission P, a user with every catalogue permission except
//!   P gets P's deny status.
//! - **built-in roles**: a user of each built-in role gets the success status when the
//!   role holds every needed permission, else the deny status of the first one it lacks.
//! - **tokens**: no token, an expired token and a token signed with another secret are 401.
//!
//! The test fails when the OpenAPI document lists a tenant route that is not in the table
//! (or the table one that is not in the document), and when a catalogue permission guards
//! no route. Records a call consumes (deleted, issued, cancelled, deactivated) are made
//! fresh by the owner for each call, so every allowed call really succeeds.

mod common;

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};

use bisman::auth::permissions::{builtin_permissions, BUILTIN_ROLES, CATALOGUE};
use common::*;
use reqwest::blocking::multipart::{Form, Part};
use reqwest::blocking::Response;
use reqwest::Method;
use serde_json::{json, Value};

const SLUG: &str = "acme";
const PAN: &str = "ABCPE1234F";
const USER_PASSWORD: &str = "Us3r-Secret#word";

enum Body {
    None,
    Json(Value),
    /// A multipart upload of `PNG` to (entity, entity_id).
    Upload(&'static str, String),
    /// `PNG` as the raw body.
    Png,
}

struct Req {
    path: String,
    body: Body,
}

fn req(path: impl Into<String>, body: Body) -> Req {
    Req {
        path: path.into(),
        body,
    }
}

/// The records the owner made once, shared by the cases that do not consume them.
struct World {
    app: TestApp,
    owner: String,
    branch: String,
    employee: String,
    customer: String,
    item: String,
    draft: String,
    issued: String,
    payment: String,
    role: String,
    user: String,
    employee_file: String,
    invoice_file: String,
    series: String,
    credit_note: String,
    debit_note: String,
    issued_credit_note: String,
    issued_debit_note: String,
    /// Rent and Bank from the seeded chart, for journals.
    rent: String,
    bank: String,
    vendor: String,
    /// A posted bill with a balance, for reads and payments.
    bill: String,
    vendor_payment: String,
    /// A second Maharashtra branch under the same GSTIN, and a stocked item held at MUM.
    pune: String,
    stocked: String,
    transfer: String,
    n: Cell<u32>,
}

impl World {
    /// A fresh number for unique names.
    fn next(&self) -> u32 {
        self.n.set(self.n.get() + 1);
        self.n.get()
    }

    fn created(&self, path: &str, body: Value) -> String {
        json_of(self.app.post(&self.owner, path, &body), 201)["id"]
            .as_str()
            .expect("id")
            .to_string()
    }

    fn new_role(&self, permissions: &[&str]) -> String {
        let name = format!("role-{}", self.next());
        self.created(
            "/api/v1/roles",
            json!({"name": name, "permissions": permissions}),
        )
    }

    fn new_user(&self, roles: &[&str]) -> (String, String) {
        let email = format!("user{}@{SLUG}.example.in", self.next());
        let id = self.created(
            "/api/v1/users",
            json!({"email": email, "name": "Matrix User", "password": USER_PASSWORD, "roles": roles}),
        );
        (id, email)
    }

    fn new_draft(&self) -> String {
        self.created(
            "/api/v1/invoices",
            json!({"branch_id": self.branch, "customer_id": self.customer,
                "invoice_date": "2026-06-15", "due_date": "2026-07-15",
                "lines": [{"item_id": self.item, "quantity": 2}]}),
        )
    }

    fn new_issued(&self) -> String {
        let id = self.new_draft();
        json_of(
            self.app.post(
                &self.owner,
                &format!("/api/v1/invoices/{id}/issue"),
                &json!({}),
            ),
            200,
        );
        id
    }

    /// A fresh series prefix: `Q` and the counter in base 36.
    fn new_prefix(&self) -> String {
        let mut n = self.next();
        let mut digits = String::new();
        while n > 0 {
            digits.insert(
                0,
                char::from_digit(n % 36, 36)
                    .unwrap_or('0')
                    .to_ascii_uppercase(),
            );
            n /= 36;
        }
        format!("Q{digits}")
    }

    /// A draft note of `kind` (`credit` / `debit`) taking one rupee off (or onto) the issued invoice.
    fn new_note(&self, kind: &str) -> String {
        self.created(
            &format!("/api/v1/{kind}-notes"),
            json!({"invoice_id": self.issued, "note_date": "2026-06-20", "reason": "post_sale_discount",
                "lines": [{"invoice_line": 1, "taxable_paise": 100}]}),
        )
    }

    /// A manual journal: ₹1 of rent paid from the bank.
    fn new_journal(&self) -> String {
        self.created(
            "/api/v1/journals",
            json!({"date": "2026-06-30", "narration": "Rent", "lines": [
                {"account_id": self.rent, "debit_paise": 100},
                {"account_id": self.bank, "credit_paise": 100}]}),
        )
    }

    /// A draft bill with a fresh supplier invoice number.
    fn new_bill(&self) -> String {
        self.created(
            "/api/v1/bills",
            json!({"vendor_id": self.vendor, "branch_id": self.branch,
                "supplier_invoice_no": format!("V-{}", self.next()),
                "supplier_invoice_date": "2026-06-10", "due_date": "2026-07-10",
                "lines": [{"item_id": self.item, "quantity": 10, "unit_price_paise": 100000}]}),
        )
    }

    fn new_posted_bill(&self) -> String {
        let id = self.new_bill();
        json_of(
            self.app
                .post(&self.owner, &format!("/api/v1/bills/{id}/post"), &json!({})),
            200,
        );
        id
    }

    fn new_file(&self, entity: &'static str, id: &str) -> String {
        json_of(
            send(
                &self.app,
                &self.owner,
                &Method::POST,
                &req("/api/v1/files", Body::Upload(entity, id.to_string())),
            ),
            201,
        )["id"]
            .as_str()
            .expect("id")
            .to_string()
    }
}

fn send(app: &TestApp, token: &str, method: &Method, r: &Req) -> Response {
    let b = app.req(method.clone(), token, &r.path);
    match &r.body {
        Body::None => b,
        Body::Json(v) => b.json(v),
        Body::Png => b.header("Content-Type", "image/png").body(PNG.to_vec()),
        Body::Upload(entity, id) => {
            let part = Part::bytes(PNG.to_vec())
                .file_name("scan.png")
                .mime_str("image/png")
                .expect("mime");
            b.multipart(
                Form::new()
                    .text("entity", *entity)
                    .text("entity_id", id.clone())
                    .part("file", part),
            )
        }
    }
    .send()
    .expect("request")
}

type Make = Box<dyn Fn(&World) -> Req>;

struct Case {
    method: Method,
    /// The path as the OpenAPI document writes it.
    template: &'static str,
    /// What differs between cases of the same route (empty when there is one).
    variant: &'static str,
    /// Needed permissions in the order the server checks them, each with the status a
    /// user without it gets.
    needs: Vec<(&'static str, u16)>,
    /// The status of an allowed call.
    allow: u16,
    make: Make,
}

impl Case {
    fn name(&self) -> String {
        let v = if self.variant.is_empty() {
            String::new()
        } else {
            format!(" [{}]", self.variant)
        };
        format!("{} {}{v}", self.method, self.template)
    }
}

fn case(
    method: Method,
    template: &'static str,
    needs: &[&'static str],
    allow: u16,
    make: impl Fn(&World) -> Req + 'static,
) -> Case {
    Case {
        method,
        template,
        variant: "",
        needs: needs.iter().map(|p| (*p, 403)).collect(),
        allow,
        make: Box::new(make),
    }
}

fn variant(mut c: Case, variant: &'static str) -> Case {
    c.variant = variant;
    c
}

/// Marks a needed permission whose absence hides the record (404) instead of 403.
fn hidden_without(mut c: Case, perm: &str) -> Case {
    for (p, status) in &mut c.needs {
        if *p == perm {
            *status = 404;
        }
    }
    c
}

fn none(path: impl Into<String>) -> Req {
    req(path, Body::None)
}

fn body(path: impl Into<String>, v: Value) -> Req {
    req(path, Body::Json(v))
}

/// The table: every tenant route of the API.
fn cases() -> Vec<Case> {
    use Method as M;
    vec![
        // Authentication only. `{}` is not a valid password change: 422 shows the call
        // got past authentication and permissions without changing anyone's password.
        case(M::GET, "/api/v1/auth/me", &[], 200, |_| {
            none("/api/v1/auth/me")
        }),
        case(M::POST, "/api/v1/auth/password", &[], 422, |_| {
            body("/api/v1/auth/password", json!({}))
        }),
        case(M::GET, "/api/v1/permissions", &[], 200, |_| {
            none("/api/v1/permissions")
        }),
        // Roles and users.
        case(M::GET, "/api/v1/roles", &["iam.roles:read"], 200, |_| {
            none("/api/v1/roles")
        }),
        case(M::POST, "/api/v1/roles", &["iam.roles:write"], 201, |w| {
            body(
                "/api/v1/roles",
                json!({"name": format!("made-{}", w.next()), "permissions": ["sales.items:read"]}),
            )
        }),
        case(
            M::GET,
            "/api/v1/roles/{id}",
            &["iam.roles:read"],
            200,
            |w| none(format!("/api/v1/roles/{}", w.role)),
        ),
        case(
            M::PATCH,
            "/api/v1/roles/{id}",
            &["iam.roles:write"],
            200,
            |w| {
                body(
                    format!("/api/v1/roles/{}", w.role),
                    json!({"description": format!("edit {}", w.next())}),
                )
            },
        ),
        case(
            M::DELETE,
            "/api/v1/roles/{id}",
            &["iam.roles:write"],
            204,
            |w| none(format!("/api/v1/roles/{}", w.new_role(&[]))),
        ),
        case(M::GET, "/api/v1/users", &["iam.users:read"], 200, |_| {
            none("/api/v1/users")
        }),
        case(M::POST, "/api/v1/users", &["iam.users:write"], 201, |w| {
            body(
                "/api/v1/users",
                json!({"email": format!("made{}@{SLUG}.example.in", w.next()),
                    "name": "Made", "password": USER_PASSWORD, "roles": ["staff"]}),
            )
        }),
        case(
            M::GET,
            "/api/v1/users/{id}",
            &["iam.users:read"],
            200,
            |w| none(format!("/api/v1/users/{}", w.user)),
        ),
        case(
            M::PATCH,
            "/api/v1/users/{id}",
            &["iam.users:write"],
            200,
            |w| {
                body(
                    format!("/api/v1/users/{}", w.user),
                    json!({"name": format!("Edited {}", w.next())}),
                )
            },
        ),
        case(
            M::POST,
            "/api/v1/users/{id}/deactivate",
            &["iam.users:write"],
            200,
            |w| none(format!("/api/v1/users/{}/deactivate", w.new_user(&[]).0)),
        ),
        // Branches.
        case(
            M::GET,
            "/api/v1/branches",
            &["org.branches:read"],
            200,
            |_| none("/api/v1/branches"),
        ),
        case(
            M::POST,
            "/api/v1/branches",
            &["org.branches:write"],
            201,
            |w| {
                body(
                    "/api/v1/branches",
                    json!({"code": format!("B{}", w.next()), "name": "Pune", "state_code": "27"}),
                )
            },
        ),
        case(
            M::GET,
            "/api/v1/branches/{id}",
            &["org.branches:read"],
            200,
            |w| none(format!("/api/v1/branches/{}", w.branch)),
        ),
        case(
            M::PATCH,
            "/api/v1/branches/{id}",
            &["org.branches:write"],
            200,
            |w| {
                body(
                    format!("/api/v1/branches/{}", w.branch),
                    json!({"address": format!("MG Road {}", w.next())}),
                )
            },
        ),
        // Employees.
        case(
            M::GET,
            "/api/v1/employees",
            &["hr.employees:read"],
            200,
            |_| none("/api/v1/employees"),
        ),
        case(
            M::POST,
            "/api/v1/employees",
            &["hr.employees:write"],
            201,
            |w| {
                body(
                    "/api/v1/employees",
                    json!({"employee_code": format!("E{}", w.next()), "name": "Ravi", "branch_id": w.branch}),
                )
            },
        ),
        variant(
            case(
                M::GET,
                "/api/v1/employees/{id}",
                &["hr.employees:read"],
                200,
                |w| none(format!("/api/v1/employees/{}", w.employee)),
            ),
            "masked",
        ),
        variant(
            case(
                M::GET,
                "/api/v1/employees/{id}",
                &["hr.employees:read", "hr.employees:reveal"],
                200,
                |w| none(format!("/api/v1/employees/{}?reveal=true", w.employee)),
            ),
            "?reveal=true",
        ),
        case(
            M::PATCH,
            "/api/v1/employees/{id}",
            &["hr.employees:write"],
            200,
            |w| {
                body(
                    format!("/api/v1/employees/{}", w.employee),
                    json!({"department": format!("Ops {}", w.next())}),
                )
            },
        ),
        case(
            M::POST,
            "/api/v1/employees/lookup",
            &["hr.employees:read"],
            200,
            |_| body("/api/v1/employees/lookup", json!({"pan": PAN})),
        ),
        // Audit.
        case(M::GET, "/api/v1/audit", &["audit.log:read"], 200, |_| {
            none("/api/v1/audit")
        }),
        case(
            M::GET,
            "/api/v1/audit/verify",
            &["audit.log:read"],
            200,
            |_| none("/api/v1/audit/verify"),
        ),
        // Customers and items.
        case(
            M::GET,
            "/api/v1/customers",
            &["sales.customers:read"],
            200,
            |_| none("/api/v1/customers"),
        ),
        case(
            M::POST,
            "/api/v1/customers",
            &["sales.customers:write"],
            201,
            |w| {
                body(
                    "/api/v1/customers",
                    json!({"name": format!("Customer {}", w.next()), "state_code": "27"}),
                )
            },
        ),
        case(
            M::GET,
            "/api/v1/customers/{id}",
            &["sales.customers:read"],
            200,
            |w| none(format!("/api/v1/customers/{}", w.customer)),
        ),
        case(
            M::PATCH,
            "/api/v1/customers/{id}",
            &["sales.customers:write"],
            200,
            |w| {
                body(
                    format!("/api/v1/customers/{}", w.customer),
                    json!({"billing_address": format!("Nashik {}", w.next())}),
                )
            },
        ),
        case(M::GET, "/api/v1/items", &["sales.items:read"], 200, |_| {
            none("/api/v1/items")
        }),
        case(M::POST, "/api/v1/items", &["sales.items:write"], 201, |w| {
            body(
                "/api/v1/items",
                json!({"sku": format!("SKU{}", w.next()), "name": "Desk", "hsn_sac": "9403",
                    "unit": "nos", "unit_price_paise": 250000, "gst_rate_bp": 1800}),
            )
        }),
        case(
            M::GET,
            "/api/v1/items/{id}",
            &["sales.items:read"],
            200,
            |w| none(format!("/api/v1/items/{}", w.item)),
        ),
        case(
            M::PATCH,
            "/api/v1/items/{id}",
            &["sales.items:write"],
            200,
            |w| {
                body(
                    format!("/api/v1/items/{}", w.item),
                    json!({"name": format!("Desk {}", w.next())}),
                )
            },
        ),
        // Invoices.
        case(
            M::GET,
            "/api/v1/invoices",
            &["sales.invoices:read"],
            200,
            |_| none("/api/v1/invoices"),
        ),
        case(
            M::POST,
            "/api/v1/invoices",
            &["sales.invoices:write"],
            201,
            |w| {
                body(
                    "/api/v1/invoices",
                    json!({"branch_id": w.branch, "customer_id": w.customer,
                        "invoice_date": "2026-06-16", "due_date": "2026-07-16",
                        "lines": [{"item_id": w.item, "quantity": 1}]}),
                )
            },
        ),
        case(
            M::GET,
            "/api/v1/invoices/{id}",
            &["sales.invoices:read"],
            200,
            |w| none(format!("/api/v1/invoices/{}", w.draft)),
        ),
        case(
            M::PATCH,
            "/api/v1/invoices/{id}",
            &["sales.invoices:write"],
            200,
            |w| {
                body(
                    format!("/api/v1/invoices/{}", w.draft),
                    json!({"notes": format!("note {}", w.next())}),
                )
            },
        ),
        case(
            M::DELETE,
            "/api/v1/invoices/{id}",
            &["sales.invoices:write"],
            204,
            |w| none(format!("/api/v1/invoices/{}", w.new_draft())),
        ),
        case(
            M::POST,
            "/api/v1/invoices/{id}/issue",
            &["sales.invoices:issue"],
            200,
            |w| none(format!("/api/v1/invoices/{}/issue", w.new_draft())),
        ),
        case(
            M::POST,
            "/api/v1/invoices/{id}/cancel",
            &["sales.invoices:cancel"],
            200,
            |w| {
                body(
                    format!("/api/v1/invoices/{}/cancel", w.new_issued()),
                    json!({"reason": "Raised twice"}),
                )
            },
        ),
        // The company profile.
        case(
            M::GET,
            "/api/v1/company",
            &["org.company:read"],
            200,
            |_| none("/api/v1/company"),
        ),
        case(
            M::PUT,
            "/api/v1/company",
            &["org.company:write"],
            200,
            |w| {
                body(
                    "/api/v1/company",
                    json!({"legal_name": format!("Acme Traders Private Limited {}", w.next())}),
                )
            },
        ),
        case(
            M::GET,
            "/api/v1/company/logo",
            &["org.company:read"],
            200,
            |_| none("/api/v1/company/logo"),
        ),
        case(
            M::PUT,
            "/api/v1/company/logo",
            &["org.company:write"],
            200,
            |_| req("/api/v1/company/logo", Body::Png),
        ),
        // Numbering series. Every branch has its three already: an invalid prefix shows
        // the call got past the permission check.
        case(
            M::GET,
            "/api/v1/branches/{id}/series",
            &["org.branches:read"],
            200,
            |w| none(format!("/api/v1/branches/{}/series", w.branch)),
        ),
        case(
            M::POST,
            "/api/v1/branches/{id}/series",
            &["org.branches:write"],
            422,
            |w| {
                body(
                    format!("/api/v1/branches/{}/series", w.branch),
                    json!({"doc_type": "invoice", "prefix": "1"}),
                )
            },
        ),
        case(
            M::PATCH,
            "/api/v1/branches/{id}/series/{series_id}",
            &["org.branches:write"],
            200,
            |w| {
                body(
                    format!("/api/v1/branches/{}/series/{}", w.branch, w.series),
                    json!({"prefix": w.new_prefix()}),
                )
            },
        ),
        case(
            M::GET,
            "/api/v1/credit-notes",
            &["sales.credit_notes:read"],
            200,
            |_| none("/api/v1/credit-notes"),
        ),
        case(
            M::POST,
            "/api/v1/credit-notes",
            &["sales.credit_notes:write"],
            201,
            |w| {
                body(
                    "/api/v1/credit-notes",
                    json!({"invoice_id": w.issued, "note_date": "2026-06-20", "reason": "others",
                    "lines": [{"invoice_line": 1, "taxable_paise": 100}]}),
                )
            },
        ),
        case(
            M::GET,
            "/api/v1/credit-notes/{id}",
            &["sales.credit_notes:read"],
            200,
            |w| none(format!("/api/v1/credit-notes/{}", w.credit_note)),
        ),
        case(
            M::DELETE,
            "/api/v1/credit-notes/{id}",
            &["sales.credit_notes:write"],
            204,
            |w| none(format!("/api/v1/credit-notes/{}", w.new_note("credit"))),
        ),
        case(
            M::POST,
            "/api/v1/credit-notes/{id}/issue",
            &["sales.credit_notes:issue"],
            200,
            |w| {
                none(format!(
                    "/api/v1/credit-notes/{}/issue",
                    w.new_note("credit")
                ))
            },
        ),
        case(
            M::GET,
            "/api/v1/debit-notes",
            &["sales.debit_notes:read"],
            200,
            |_| none("/api/v1/debit-notes"),
        ),
        case(
            M::POST,
            "/api/v1/debit-notes",
            &["sales.debit_notes:write"],
            201,
            |w| {
                body(
                    "/api/v1/debit-notes",
                    json!({"invoice_id": w.issued, "note_date": "2026-06-20", "reason": "others",
                    "lines": [{"invoice_line": 1, "taxable_paise": 100}]}),
                )
            },
        ),
        case(
            M::GET,
            "/api/v1/debit-notes/{id}",
            &["sales.debit_notes:read"],
            200,
            |w| none(format!("/api/v1/debit-notes/{}", w.debit_note)),
        ),
        case(
            M::DELETE,
            "/api/v1/debit-notes/{id}",
            &["sales.debit_notes:write"],
            204,
            |w| none(format!("/api/v1/debit-notes/{}", w.new_note("debit"))),
        ),
        case(
            M::POST,
            "/api/v1/debit-notes/{id}/issue",
            &["sales.debit_notes:issue"],
            200,
            |w| none(format!("/api/v1/debit-notes/{}/issue", w.new_note("debit"))),
        ),
        case(
            M::GET,
            "/api/v1/invoices/{id}/pdf",
            &["sales.invoices:read"],
            200,
            |w| none(format!("/api/v1/invoices/{}/pdf", w.issued)),
        ),
        case(
            M::GET,
            "/api/v1/credit-notes/{id}/pdf",
            &["sales.credit_notes:read"],
            200,
            |w| none(format!("/api/v1/credit-notes/{}/pdf", w.issued_credit_note)),
        ),
        case(
            M::GET,
            "/api/v1/debit-notes/{id}/pdf",
            &["sales.debit_notes:read"],
            200,
            |w| none(format!("/api/v1/debit-notes/{}/pdf", w.issued_debit_note)),
        ),
        // Payments and receivables.
        case(
            M::GET,
            "/api/v1/payments",
            &["sales.payments:read"],
            200,
            |_| none("/api/v1/payments"),
        ),
        case(
            M::POST,
            "/api/v1/payments",
            &["sales.payments:write"],
            201,
            |w| {
                body(
                    "/api/v1/payments",
                    json!({"invoice_id": w.issued, "amount_paise": 100, "method": "upi"}),
                )
            },
        ),
        case(
            M::GET,
            "/api/v1/payments/{id}",
            &["sales.payments:read"],
            200,
            |w| none(format!("/api/v1/payments/{}", w.payment)),
        ),
        case(
            M::GET,
            "/api/v1/reports/receivables",
            &["reports.receivables:read"],
            200,
            |_| none("/api/v1/reports/receivables"),
        ),
        // Documents. The permission follows the owner named in the form or query.
        variant(
            case(
                M::POST,
                "/api/v1/files",
                &["hr.employees:write"],
                201,
                |w| {
                    req(
                        "/api/v1/files",
                        Body::Upload("employee", w.employee.clone()),
                    )
                },
            ),
            "employee",
        ),
        variant(
            case(
                M::POST,
                "/api/v1/files",
                &["sales.invoices:write"],
                201,
                |w| req("/api/v1/files", Body::Upload("invoice", w.draft.clone())),
            ),
            "invoice",
        ),
        variant(
            case(M::GET, "/api/v1/files", &["hr.employees:read"], 200, |w| {
                none(format!(
                    "/api/v1/files?entity=employee&entity_id={}",
                    w.employee
                ))
            }),
            "employee",
        ),
        variant(
            case(
                M::GET,
                "/api/v1/files",
                &["sales.invoices:read"],
                200,
                |w| {
                    none(format!(
                        "/api/v1/files?entity=invoice&entity_id={}",
                        w.draft
                    ))
                },
            ),
            "invoice",
        ),
        // A document of an owner kind the caller cannot read does not exist for them
        // (404); an employee document (an ID proof) also needs reveal to download (403).
        variant(
            hidden_without(
                case(
                    M::GET,
                    "/api/v1/files/{id}",
                    &["hr.employees:read", "hr.employees:reveal"],
                    200,
                    |w| none(format!("/api/v1/files/{}", w.employee_file)),
                ),
                "hr.employees:read",
            ),
            "employee",
        ),
        variant(
            hidden_without(
                case(
                    M::GET,
                    "/api/v1/files/{id}",
                    &["sales.invoices:read"],
                    200,
                    |w| none(format!("/api/v1/files/{}", w.invoice_file)),
                ),
                "sales.invoices:read",
            ),
            "invoice",
        ),
        variant(
            hidden_without(
                case(
                    M::DELETE,
                    "/api/v1/files/{id}",
                    &["hr.employees:read", "hr.employees:write"],
                    204,
                    |w| {
                        none(format!(
                            "/api/v1/files/{}",
                            w.new_file("employee", &w.employee)
                        ))
                    },
                ),
                "hr.employees:read",
            ),
            "employee",
        ),
        variant(
            hidden_without(
                case(
                    M::DELETE,
                    "/api/v1/files/{id}",
                    &["sales.invoices:read", "sales.invoices:write"],
                    204,
                    |w| none(format!("/api/v1/files/{}", w.new_file("invoice", &w.draft))),
                ),
                "sales.invoices:read",
            ),
            "invoice",
        ),
        case(
            M::GET,
            "/api/v1/accounts",
            &["books.accounts:read"],
            200,
            |_| none("/api/v1/accounts"),
        ),
        case(
            M::POST,
            "/api/v1/accounts",
            &["books.accounts:write"],
            201,
            |w| {
                body(
                    "/api/v1/accounts",
                    json!({"code": format!("X{}", w.next()), "name": format!("Travel {}", w.next()),
                    "parent_id": json_of(w.app.get(&w.owner, &format!("/api/v1/accounts/{}", w.rent)), 200)["parent_id"]}),
                )
            },
        ),
        case(
            M::GET,
            "/api/v1/accounts/{id}",
            &["books.accounts:read"],
            200,
            |w| none(format!("/api/v1/accounts/{}", w.rent)),
        ),
        case(
            M::PATCH,
            "/api/v1/accounts/{id}",
            &["books.accounts:write"],
            200,
            |w| {
                body(
                    format!("/api/v1/accounts/{}", w.rent),
                    json!({"name": format!("Rent {}", w.next())}),
                )
            },
        ),
        case(
            M::GET,
            "/api/v1/journals",
            &["books.journals:read"],
            200,
            |_| none("/api/v1/journals"),
        ),
        case(
            M::POST,
            "/api/v1/journals",
            &["books.journals:write"],
            201,
            |w| {
                body(
                    "/api/v1/journals",
                    json!({"date": "2026-06-30", "narration": "Bank charges", "lines": [
                    {"account_id": w.rent, "debit_paise": 50},
                    {"account_id": w.bank, "credit_paise": 50}]}),
                )
            },
        ),
        case(
            M::GET,
            "/api/v1/journals/{id}",
            &["books.journals:read"],
            200,
            |w| none(format!("/api/v1/journals/{}", w.new_journal())),
        ),
        case(
            M::POST,
            "/api/v1/journals/{id}/reverse",
            &["books.journals:write"],
            201,
            |w| {
                body(
                    format!("/api/v1/journals/{}/reverse", w.new_journal()),
                    json!({}),
                )
            },
        ),
        case(
            M::GET,
            "/api/v1/books/lock",
            &["books.journals:read"],
            200,
            |_| none("/api/v1/books/lock"),
        ),
        case(
            M::PUT,
            "/api/v1/books/lock",
            &["books.settings:write"],
            200,
            |_| body("/api/v1/books/lock", json!({"lock_date": null})),
        ),
        // A year not yet ended: the permission check passed and the rule ran.
        case(
            M::POST,
            "/api/v1/books/close-year",
            &["books.settings:write"],
            409,
            |_| body("/api/v1/books/close-year", json!({"fy": "2099-00"})),
        ),
        case(
            M::GET,
            "/api/v1/books/export/journal.csv",
            &["books.reports:read"],
            200,
            |_| none("/api/v1/books/export/journal.csv"),
        ),
        case(
            M::GET,
            "/api/v1/books/export/audit.csv",
            &["books.reports:read", "audit.log:read"],
            200,
            |_| none("/api/v1/books/export/audit.csv"),
        ),
        case(
            M::GET,
            "/api/v1/reports/trial-balance",
            &["books.reports:read"],
            200,
            |_| none("/api/v1/reports/trial-balance"),
        ),
        case(
            M::GET,
            "/api/v1/reports/profit-and-loss",
            &["books.reports:read"],
            200,
            |_| none("/api/v1/reports/profit-and-loss"),
        ),
        case(
            M::GET,
            "/api/v1/reports/balance-sheet",
            &["books.reports:read"],
            200,
            |_| none("/api/v1/reports/balance-sheet"),
        ),
        case(
            M::GET,
            "/api/v1/reports/ledger",
            &["books.reports:read"],
            200,
            |w| {
                none(format!(
                    "/api/v1/reports/ledger?account_id={}&from=2026-04-01&to=2026-12-31",
                    w.bank
                ))
            },
        ),
        case(
            M::GET,
            "/api/v1/reports/party-ledger",
            &["books.reports:read"],
            200,
            |w| {
                none(format!(
                    "/api/v1/reports/party-ledger?type=customer&id={}",
                    w.customer
                ))
            },
        ),
        case(
            M::GET,
            "/api/v1/reports/statement.pdf",
            &["books.reports:read"],
            200,
            |w| {
                none(format!(
                    "/api/v1/reports/statement.pdf?customer_id={}",
                    w.customer
                ))
            },
        ),
        case(
            M::GET,
            "/api/v1/reports/day-book",
            &["books.reports:read"],
            200,
            |_| none("/api/v1/reports/day-book?date=2026-06-15"),
        ),
        case(
            M::GET,
            "/api/v1/vendors",
            &["purchases.vendors:read"],
            200,
            |_| none("/api/v1/vendors"),
        ),
        case(
            M::POST,
            "/api/v1/vendors",
            &["purchases.vendors:write"],
            201,
            |w| {
                body(
                    "/api/v1/vendors",
                    json!({"name": format!("Vendor {}", w.next()), "state_code": "27"}),
                )
            },
        ),
        case(
            M::GET,
            "/api/v1/vendors/{id}",
            &["purchases.vendors:read"],
            200,
            |w| none(format!("/api/v1/vendors/{}", w.vendor)),
        ),
        case(
            M::PATCH,
            "/api/v1/vendors/{id}",
            &["purchases.vendors:write"],
            200,
            |w| {
                body(
                    format!("/api/v1/vendors/{}", w.vendor),
                    json!({"phone": format!("98200{:05}", w.next())}),
                )
            },
        ),
        case(
            M::GET,
            "/api/v1/bills",
            &["purchases.bills:read"],
            200,
            |_| none("/api/v1/bills"),
        ),
        case(
            M::POST,
            "/api/v1/bills",
            &["purchases.bills:write"],
            201,
            |w| {
                body(
                    "/api/v1/bills",
                    json!({"vendor_id": w.vendor, "branch_id": w.branch,
                        "supplier_invoice_no": format!("W-{}", w.next()),
                        "supplier_invoice_date": "2026-06-10", "due_date": "2026-07-10",
                        "lines": [{"item_id": w.item, "quantity": 1, "unit_price_paise": 100}]}),
                )
            },
        ),
        case(
            M::GET,
            "/api/v1/bills/{id}",
            &["purchases.bills:read"],
            200,
            |w| none(format!("/api/v1/bills/{}", w.bill)),
        ),
        case(
            M::PATCH,
            "/api/v1/bills/{id}",
            &["purchases.bills:write"],
            200,
            |w| {
                body(
                    format!("/api/v1/bills/{}", w.new_bill()),
                    json!({"notes": "checked"}),
                )
            },
        ),
        case(
            M::DELETE,
            "/api/v1/bills/{id}",
            &["purchases.bills:write"],
            204,
            |w| none(format!("/api/v1/bills/{}", w.new_bill())),
        ),
        case(
            M::POST,
            "/api/v1/bills/{id}/post",
            &["purchases.bills:post"],
            200,
            |w| body(format!("/api/v1/bills/{}/post", w.new_bill()), json!({})),
        ),
        case(
            M::POST,
            "/api/v1/bills/{id}/cancel",
            &["purchases.bills:post"],
            200,
            |w| {
                body(
                    format!("/api/v1/bills/{}/cancel", w.new_posted_bill()),
                    json!({"reason": "entered twice"}),
                )
            },
        ),
        case(
            M::GET,
            "/api/v1/vendor-payments",
            &["purchases.payments:read"],
            200,
            |_| none("/api/v1/vendor-payments"),
        ),
        case(
            M::POST,
            "/api/v1/vendor-payments",
            &["purchases.payments:write"],
            201,
            |w| {
                body(
                    "/api/v1/vendor-payments",
                    json!({"bill_id": w.bill, "amount_paise": 1, "method": "upi", "paid_on": "2026-06-20"}),
                )
            },
        ),
        case(
            M::GET,
            "/api/v1/vendor-payments/{id}",
            &["purchases.payments:read"],
            200,
            |w| none(format!("/api/v1/vendor-payments/{}", w.vendor_payment)),
        ),
        case(
            M::GET,
            "/api/v1/reports/payables",
            &["reports.payables:read"],
            200,
            |_| none("/api/v1/reports/payables"),
        ),
        case(
            M::GET,
            "/api/v1/stock-transfers",
            &["stock.reports:read"],
            200,
            |_| none("/api/v1/stock-transfers"),
        ),
        // One unit a time from the stocked item's Mumbai stock to Pune (one GSTIN).
        case(
            M::POST,
            "/api/v1/stock-transfers",
            &["stock.transfers:write"],
            201,
            |w| {
                body(
                    "/api/v1/stock-transfers",
                    json!({"from_branch_id": w.branch, "to_branch_id": w.pune, "date": "2026-06-20",
                        "lines": [{"item_id": w.stocked, "quantity": 0.001}]}),
                )
            },
        ),
        case(
            M::GET,
            "/api/v1/stock-transfers/{id}",
            &["stock.reports:read"],
            200,
            |w| none(format!("/api/v1/stock-transfers/{}", w.transfer)),
        ),
        case(
            M::GET,
            "/api/v1/reports/stock",
            &["stock.reports:read"],
            200,
            |_| none("/api/v1/reports/stock"),
        ),
        case(
            M::GET,
            "/api/v1/reports/stock-ledger",
            &["stock.reports:read"],
            200,
            |w| {
                none(format!(
                    "/api/v1/reports/stock-ledger?item_id={}",
                    w.stocked
                ))
            },
        ),
        case(
            M::GET,
            "/api/v1/stock/settings",
            &["stock.reports:read"],
            200,
            |_| none("/api/v1/stock/settings"),
        ),
        case(
            M::PUT,
            "/api/v1/stock/settings",
            &["stock.settings:write"],
            200,
            |_| {
                body(
                    "/api/v1/stock/settings",
                    json!({"allow_negative_stock": false}),
                )
            },
        ),
        case(
            M::POST,
            "/api/v1/returns/gstr2b",
            &["returns.gstr2b:write"],
            200,
            |_| body("/api/v1/returns/gstr2b", june_2b()),
        ),
        case(
            M::GET,
            "/api/v1/returns/gstr2b/{period}",
            &["returns.gstr2b:read"],
            200,
            |_| none("/api/v1/returns/gstr2b/062026"),
        ),
    ]
}

/// An empty GSTR-2B statement of June 2026 for the Mumbai branch's GSTIN.
fn june_2b() -> Value {
    json!({"data": {"gstin": "27AAPFU0939F1ZV", "rtnprd": "062026", "docdata": {"b2b": []}}})
}

/// The tenant routes of the OpenAPI document the matrix must cover.
fn documented_tenant_routes(app: &TestApp) -> BTreeSet<(String, String)> {
    let doc = json_of(app.get("", "/api-docs/openapi.json"), 200);
    let excluded = [
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
    ];
    let mut routes = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        if !path.starts_with("/api/v1/")
            || path.starts_with("/api/v1/system/")
            || excluded.contains(&path.as_str())
        {
            continue;
        }
        for method in item.as_object().expect("path item").keys() {
            routes.insert((method.to_uppercase(), path.clone()));
        }
    }
    routes
}

fn world() -> World {
    // Hundreds of calls by a few dozen users; the limits have their own tests.
    let app = TestApp::start_with(|s| {
        let many = bisman::config::RateSpec {
            count: 100_000,
            period: std::time::Duration::from_secs(60),
        };
        s.rate_login = many;
        s.rate_auth = many;
        s.rate_api_user = many;
        s.rate_api_tenant = many;
    });
    let owner = app.owner_token(SLUG);
    let mut w = World {
        app,
        owner,
        branch: String::new(),
        employee: String::new(),
        customer: String::new(),
        item: String::new(),
        draft: String::new(),
        issued: String::new(),
        payment: String::new(),
        role: String::new(),
        user: String::new(),
        employee_file: String::new(),
        invoice_file: String::new(),
        series: String::new(),
        credit_note: String::new(),
        debit_note: String::new(),
        issued_credit_note: String::new(),
        issued_debit_note: String::new(),
        rent: String::new(),
        bank: String::new(),
        vendor: String::new(),
        bill: String::new(),
        vendor_payment: String::new(),
        pune: String::new(),
        stocked: String::new(),
        transfer: String::new(),
        n: Cell::new(0),
    };
    // A registered seller, so invoices and notes can be issued.
    json_of(
        w.app.put(
            &w.owner,
            "/api/v1/company",
            &json!({"legal_name": "Acme Traders Private Limited"}),
        ),
        200,
    );
    w.branch = w.created(
        "/api/v1/branches",
        json!({"code": "MUM", "name": "Mumbai", "state_code": "27", "address": "Fort",
            "gstin": "27AAPFU0939F1ZV"}),
    );
    w.series = json_of(
        w.app
            .get(&w.owner, &format!("/api/v1/branches/{}/series", w.branch)),
        200,
    )["items"][0]["id"]
        .as_str()
        .expect("series id")
        .to_string();
    json_of(
        send(
            &w.app,
            &w.owner,
            &Method::PUT,
            &req("/api/v1/company/logo", Body::Png),
        ),
        200,
    );
    w.employee = w.created(
        "/api/v1/employees",
        json!({"employee_code": "E-1", "name": "Asha", "branch_id": w.branch, "pan": PAN}),
    );
    w.customer = w.created(
        "/api/v1/customers",
        json!({"name": "Shree Traders", "state_code": "27"}),
    );
    w.item = w.created(
        "/api/v1/items",
        json!({"sku": "CHAIR", "name": "Chair", "hsn_sac": "9401", "unit": "nos",
            "unit_price_paise": 150000, "gst_rate_bp": 1800}),
    );
    w.draft = w.new_draft();
    w.issued = w.new_issued();
    w.payment = w.created(
        "/api/v1/payments",
        json!({"invoice_id": w.issued, "amount_paise": 1000, "method": "cash"}),
    );
    let chart = json_of(w.app.get(&w.owner, "/api/v1/accounts"), 200);
    let code = |c: &str| {
        chart["items"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["code"] == c))
            .and_then(|x| x["id"].as_str())
            .expect("seeded account")
            .to_string()
    };
    w.rent = code("5310");
    w.bank = code("1121");
    w.vendor = w.created(
        "/api/v1/vendors",
        json!({"name": "Ganesh Wholesale", "gstin": "27AAGCB7383J1Z8"}),
    );
    w.bill = w.new_posted_bill();
    w.pune = w.created(
        "/api/v1/branches",
        json!({"code": "PUN", "name": "Pune", "state_code": "27", "address": "Bhosari",
            "gstin": "27AAPFU0939F1ZV"}),
    );
    w.stocked = w.created(
        "/api/v1/items",
        json!({"sku": "RICE", "name": "Rice bag", "hsn_sac": "1006", "unit": "bag",
            "unit_price_paise": 250000, "gst_rate_bp": 500, "track_stock": true}),
    );
    let stock_bill = w.created(
        "/api/v1/bills",
        json!({"vendor_id": w.vendor, "branch_id": w.branch, "supplier_invoice_no": "STOCK-1",
            "supplier_invoice_date": "2026-06-01", "due_date": "2026-07-01",
            "lines": [{"item_id": w.stocked, "quantity": 100, "unit_price_paise": 200000}]}),
    );
    json_of(
        w.app.post(
            &w.owner,
            &format!("/api/v1/bills/{stock_bill}/post"),
            &json!({}),
        ),
        200,
    );
    w.transfer = w.created(
        "/api/v1/stock-transfers",
        json!({"from_branch_id": w.branch, "to_branch_id": w.pune, "date": "2026-06-02",
            "lines": [{"item_id": w.stocked, "quantity": 1}]}),
    );
    json_of(
        w.app.post(&w.owner, "/api/v1/returns/gstr2b", &june_2b()),
        200,
    );
    w.vendor_payment = w.created(
        "/api/v1/vendor-payments",
        json!({"bill_id": w.bill, "amount_paise": 1000, "method": "cash", "paid_on": "2026-06-20"}),
    );
    w.role = w.new_role(&["sales.items:read"]);
    w.user = w.new_user(&["staff"]).0;
    w.employee_file = w.new_file("employee", &w.employee.clone());
    w.invoice_file = w.new_file("invoice", &w.draft.clone());
    w.credit_note = w.new_note("credit");
    w.debit_note = w.new_note("debit");
    for kind in ["credit", "debit"] {
        let id = w.new_note(kind);
        json_of(
            w.app.post(
                &w.owner,
                &format!("/api/v1/{kind}-notes/{id}/issue"),
                &json!({}),
            ),
            200,
        );
        if kind == "credit" {
            w.issued_credit_note = id;
        } else {
            w.issued_debit_note = id;
        }
    }
    w
}

/// Signs in a user with these roles (created by the owner) and returns their token.
fn token_with_roles(w: &World, roles: &[&str]) -> String {
    let (_, email) = w.new_user(roles);
    token_of(&w.app.login(SLUG, &email, USER_PASSWORD))
}

/// Signs in a user whose only role is a custom role with exactly these permissions.
fn token_with(w: &World, perms: &BTreeSet<&'static str>) -> String {
    let perms: Vec<&str> = perms.iter().copied().collect();
    let role = json_of(
        w.app
            .get(&w.owner, &format!("/api/v1/roles/{}", w.new_role(&perms))),
        200,
    );
    let name = role["name"].as_str().expect("name").to_string();
    token_with_roles(w, &[&name])
}

fn status_and_text(res: Response) -> (u16, String) {
    let status = res.status().as_u16();
    (status, res.text().unwrap_or_default())
}

#[test]
fn every_tenant_route_allows_and_denies_by_permission() {
    let w = world();
    let cases = cases();

    // The table covers exactly the document's tenant routes.
    let documented = documented_tenant_routes(&w.app);
    let tabled: BTreeSet<(String, String)> = cases
        .iter()
        .map(|c| (c.method.to_string(), c.template.to_string()))
        .collect();
    let missing: Vec<_> = documented.difference(&tabled).collect();
    let stale: Vec<_> = tabled.difference(&documented).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "tenant routes in the OpenAPI document but not in the matrix: {missing:?}; \
         in the matrix but not in the document: {stale:?}"
    );
    // Every permission of the catalogue guards something.
    let used: BTreeSet<&str> = cases
        .iter()
        .flat_map(|c| c.needs.iter().map(|(p, _)| *p))
        .collect();
    let all: BTreeSet<&'static str> = CATALOGUE.iter().map(|p| p.name).collect();
    let unused: Vec<_> = all.difference(&used).collect();
    assert!(unused.is_empty(), "permissions no route needs: {unused:?}");

    // One user per exact permission set, one per "everything but P", one per built-in role.
    let mut exact: BTreeMap<BTreeSet<&'static str>, String> = BTreeMap::new();
    for c in &cases {
        let set: BTreeSet<&'static str> = c.needs.iter().map(|(p, _)| *p).collect();
        if let std::collections::btree_map::Entry::Vacant(e) = exact.entry(set) {
            let token = token_with(&w, e.key());
            e.insert(token);
        }
    }
    let mut all_but: BTreeMap<&'static str, String> = BTreeMap::new();
    for p in &used {
        let mut set = all.clone();
        set.remove(p);
        all_but.insert(p, token_with(&w, &set));
    }
    let builtins: Vec<(&str, String)> = BUILTIN_ROLES
        .iter()
        .map(|r| {
            let token = if *r == "owner" {
                w.owner.clone()
            } else {
                token_with_roles(&w, &[r])
            };
            (*r, token)
        })
        .collect();

    // Bad tokens: expired (right secret), and fresh but signed with another secret.
    let good = claims_of(&w.owner);
    let now = good["iat"].as_i64().expect("iat");
    let mut expired = good.clone();
    expired["iat"] = json!(now - 7200);
    expired["exp"] = json!(now - 3600);
    let expired = forge(&expired, &jwt_secret(&w.app), "HS256");
    let forged = forge(&good, b"not-the-secret-not-the-secret-xx", "HS256");

    let mut failures = Vec::new();
    let mut calls = 0;
    // One call; a description of what went wrong, if anything.
    let call = |c: &Case, r: &Req, who: &str, token: &str, want: u16| {
        let (got, text) = status_and_text(send(&w.app, token, &c.method, r));
        (got != want).then(|| format!("{} as {who}: want {want}, got {got}: {text}", c.name()))
    };
    for c in &cases {
        let set: BTreeSet<&'static str> = c.needs.iter().map(|(p, _)| *p).collect();
        let mut expect = vec![(format!("exactly {set:?}"), exact[&set].as_str(), c.allow)];
        for (p, deny) in &c.needs {
            expect.push((format!("all but {p}"), all_but[p].as_str(), *deny));
        }
        for (role, token) in &builtins {
            let perms = builtin_permissions(role).expect("built-in");
            let want = c
                .needs
                .iter()
                .find(|(p, _)| !perms.contains(p))
                .map_or(c.allow, |(_, deny)| *deny);
            expect.push((format!("built-in {role}"), token.as_str(), want));
        }
        // Authentication comes before everything else.
        for (who, token) in [
            ("no token", ""),
            ("an expired token", &expired),
            ("a forged token", &forged),
        ] {
            expect.push((who.to_string(), token, 401));
        }
        for (who, token, want) in expect {
            calls += 1;
            // A fresh request (and fresh records where the call consumes them) each time.
            let r = (c.make)(&w);
            failures.extend(call(c, &r, &who, token, want));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {calls} calls wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!(
        "permission matrix: {} cases over {} routes, {} users, {calls} calls",
        cases.len(),
        documented.len(),
        exact.len() + all_but.len() + builtins.len()
    );
}
