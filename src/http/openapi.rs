//! The OpenAPI 3 document, generated from the handlers' annotations.
//!
//! Success responses are declared at each handler; the problem responses every route
//! can give (400, 401, 403, 404, 409, 412, 413, 415, 422, 429, 500, 503, 507) are added
//! here once, so the document cannot forget one.

use std::sync::OnceLock;

use rocket::http::ContentType;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, OpenApi as Doc, RefOr, Response, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::error::Problem;

pub struct Problems;

const PROBLEM_STATUSES: &[(&str, &str)] = &[
    ("400", "Malformed request (e.g. invalid JSON)"),
    ("401", "Missing, invalid, expired or revoked credentials"),
    ("403", "Forbidden, password expired, or tenant suspended"),
    ("404", "Not found (also any id of another tenant)"),
    ("405", "Method not allowed"),
    ("409", "Conflict with the resource's state"),
    ("412", "If-Match version is stale"),
    ("413", "Body too large"),
    ("415", "Unsupported content type"),
    ("422", "Validation failed; `errors` names each field"),
    ("429", "Rate limited; see Retry-After"),
    ("500", "Internal error (details are logged, not sent)"),
    ("503", "Tenant database or a dependency unavailable"),
    ("507", "Out of disk space; nothing was written"),
];

fn problem_response(description: &str) -> Response {
    let schema = RefOr::Ref(utoipa::openapi::Ref::from_schema_name("Problem"));
    ResponseBuilder::new()
        .description(description)
        .content("application/problem+json", Content::new(Some(schema)))
        .build()
}

fn add_problems(op: &mut Operation) {
    for (code, desc) in PROBLEM_STATUSES {
        op.responses
            .responses
            .entry((*code).to_string())
            .or_insert_with(|| RefOr::T(problem_response(desc)));
    }
}

impl Modify for Problems {
    fn modify(&self, doc: &mut Doc) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        for (path, item) in doc.paths.paths.iter_mut() {
            if !path.starts_with("/api/") {
                continue;
            }
            for op in [
                &mut item.get,
                &mut item.post,
                &mut item.patch,
                &mut item.delete,
                &mut item.put,
            ]
            .into_iter()
            .flatten()
            {
                add_problems(op);
            }
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "BISMAN ERP appliance API", description = "Multi-tenant ERP for Indian SMEs. Errors are RFC 9457 problem documents; money is integer paise; ids are UUIDs; lists are keyset-paginated."),
    paths(
        crate::http::ops::health,
        crate::http::ops::ready,
        crate::http::ops::metrics_text,
        crate::modules::iam::auth_routes::login,
        crate::modules::iam::auth_routes::refresh,
        crate::modules::iam::auth_routes::logout,
        crate::modules::iam::auth_routes::change_password,
        crate::modules::iam::auth_routes::me,
        crate::modules::iam::routes::list_permissions,
        crate::modules::iam::routes::list_roles,
        crate::modules::iam::routes::create_role,
        crate::modules::iam::routes::get_role,
        crate::modules::iam::routes::patch_role,
        crate::modules::iam::routes::delete_role,
        crate::modules::iam::routes::list_users,
        crate::modules::iam::routes::create_user,
        crate::modules::iam::routes::get_user,
        crate::modules::iam::routes::patch_user,
        crate::modules::iam::routes::deactivate_user,
        crate::modules::system::routes::login,
        crate::modules::system::routes::list_tenants,
        crate::modules::system::routes::create_tenant,
        crate::modules::system::routes::suspend_tenant,
        crate::modules::system::routes::resume_tenant,
        crate::modules::org::routes::list_branches,
        crate::modules::org::routes::create_branch,
        crate::modules::org::routes::get_branch,
        crate::modules::org::routes::patch_branch,
        crate::modules::sales::series::routes::list_series,
        crate::modules::sales::series::routes::create_series,
        crate::modules::sales::series::routes::patch_series,
        crate::modules::company::routes::get_company,
        crate::modules::company::routes::put_company,
        crate::modules::company::routes::get_logo,
        crate::modules::company::routes::put_logo,
        crate::modules::hr::routes::list_employees,
        crate::modules::hr::routes::create_employee,
        crate::modules::hr::routes::get_employee,
        crate::modules::hr::routes::patch_employee,
        crate::modules::hr::routes::lookup_employees,
        crate::modules::audit_log::routes::list_audit,
        crate::modules::audit_log::routes::verify_audit,
        crate::modules::sales::customers::routes::list_customers,
        crate::modules::sales::customers::routes::create_customer,
        crate::modules::sales::customers::routes::get_customer,
        crate::modules::sales::customers::routes::patch_customer,
        crate::modules::sales::items::routes::list_items,
        crate::modules::sales::items::routes::create_item,
        crate::modules::sales::items::routes::get_item,
        crate::modules::sales::items::routes::patch_item,
        crate::modules::sales::invoices::routes::list_invoices,
        crate::modules::sales::invoices::routes::create_invoice,
        crate::modules::sales::invoices::routes::get_invoice,
        crate::modules::sales::invoices::routes::patch_invoice,
        crate::modules::sales::invoices::routes::delete_invoice,
        crate::modules::sales::invoices::routes::issue_invoice,
        crate::modules::sales::invoices::routes::cancel_invoice,
        crate::modules::sales::print::routes::invoice_pdf,
        crate::modules::sales::print::routes::credit_note_pdf,
        crate::modules::sales::print::routes::debit_note_pdf,
        crate::modules::sales::notes::routes::list_credit_notes,
        crate::modules::sales::notes::routes::create_credit_note,
        crate::modules::sales::notes::routes::get_credit_note,
        crate::modules::sales::notes::routes::delete_credit_note,
        crate::modules::sales::notes::routes::issue_credit_note,
        crate::modules::sales::notes::routes::list_debit_notes,
        crate::modules::sales::notes::routes::create_debit_note,
        crate::modules::sales::notes::routes::get_debit_note,
        crate::modules::sales::notes::routes::delete_debit_note,
        crate::modules::sales::notes::routes::issue_debit_note,
        crate::modules::sales::payments::routes::list_payments,
        crate::modules::sales::payments::routes::create_payment,
        crate::modules::sales::payments::routes::get_payment,
        crate::modules::sales::receivables::routes::receivables,
        crate::modules::files::routes::upload_file,
        crate::modules::files::routes::list_files,
        crate::modules::files::routes::get_file,
        crate::modules::files::routes::delete_file,
        crate::modules::books::accounts::routes::list_accounts,
        crate::modules::books::accounts::routes::create_account,
        crate::modules::books::accounts::routes::get_account,
        crate::modules::books::accounts::routes::patch_account,
        crate::modules::books::journals::routes::list_journals,
        crate::modules::books::journals::routes::create_journal,
        crate::modules::books::journals::routes::get_journal,
        crate::modules::books::journals::routes::reverse_journal,
        crate::modules::books::settings::get_lock,
        crate::modules::books::settings::put_lock,
        crate::modules::books::settings::close_year,
        crate::modules::books::settings::export_journal,
        crate::modules::books::settings::export_audit,
        crate::modules::books::reports::routes::trial_balance,
        crate::modules::books::reports::routes::profit_and_loss,
        crate::modules::books::reports::routes::balance_sheet,
        crate::modules::books::reports::routes::ledger,
        crate::modules::books::reports::routes::party_ledger,
        crate::modules::books::reports::routes::statement_pdf,
        crate::modules::books::reports::routes::day_book,
        crate::modules::purchases::vendors::routes::list_vendors,
        crate::modules::purchases::vendors::routes::create_vendor,
        crate::modules::purchases::vendors::routes::get_vendor,
        crate::modules::purchases::vendors::routes::patch_vendor,
        crate::modules::purchases::bills::routes::list_bills,
        crate::modules::purchases::bills::routes::create_bill,
        crate::modules::purchases::bills::routes::get_bill,
        crate::modules::purchases::bills::routes::patch_bill,
        crate::modules::purchases::bills::routes::delete_bill,
        crate::modules::purchases::bills::routes::post_bill,
        crate::modules::purchases::bills::routes::cancel_bill,
        crate::modules::purchases::payments::routes::list_vendor_payments,
        crate::modules::purchases::payments::routes::create_vendor_payment,
        crate::modules::purchases::payments::routes::get_vendor_payment,
        crate::modules::purchases::payables::payables,
        crate::modules::stock::transfers::routes::list_transfers,
        crate::modules::stock::transfers::routes::create_transfer,
        crate::modules::stock::transfers::routes::get_transfer,
        crate::modules::stock::reports::stock,
        crate::modules::stock::reports::stock_ledger,
        crate::modules::stock::settings::get_settings,
        crate::modules::stock::settings::put_settings,
        crate::modules::returns::gstr2b::routes::import_gstr2b,
        crate::modules::returns::gstr2b::routes::get_gstr2b,
    ),
    components(schemas(Problem)),
    modifiers(&Problems),
    tags(
        (name = "auth", description = "Tenant sign-in and sessions"),
        (name = "access", description = "Users, roles and permissions"),
        (name = "organisation", description = "Branches, their numbering series, and the company profile printed on tax documents"),
        (name = "people", description = "Employees; PAN, Aadhaar and bank account numbers are encrypted, masked and revealed only with hr.employees:reveal"),
        (name = "audit", description = "The tamper-evident audit trail"),
        (name = "sales", description = "Customers, items, invoices, credit and debit notes, and payments"),
        (name = "documents", description = "Documents attached to employees and invoices: PDF, PNG or JPEG by content, scanned for malware when a scanner is configured, stored encrypted"),
        (name = "books", description = "Double-entry books: the chart of accounts, journals (every issued document posts one in its own transaction), the lock date, year close, and the trial balance, profit and loss, balance sheet, ledgers, statements of account and day book"),
        (name = "purchases", description = "Vendors, purchase bills (input tax credit per line, reverse charge, duplicate supplier invoices refused) and payments to vendors"),
        (name = "stock", description = "Stock per branch at weighted average cost: movements from bills, invoices, sales returns and transfers (with delivery challans), the negative-stock setting, and the stock and stock-ledger reports"),
        (name = "returns", description = "GST returns: GSTR-2B statements imported from the portal and reconciled with the purchase bills"),
        (name = "reports", description = "Reports"),
        (name = "system", description = "System administration (never tenant data)"),
        (name = "operations", description = "Health, readiness, metrics"),
    )
)]
pub struct ApiDoc;

pub fn document() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
        refine(&mut doc);
        serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into())
    })
}

const SLUG: &str = "^[a-z0-9][a-z0-9-]{1,62}$";
/// Role names; the handlers trim surrounding spaces first.
const ROLE_NAME: &str = "^\\s*[a-z0-9_-]{2,50}\\s*$";
/// What `Email::parse` accepts (after trimming): no spaces or controls, one `@`, a dotted
/// domain.
const EMAIL: &str = "^\\s*[^\\s@\\x00-\\x1f\\x7f-\\x9f]+@[^\\s@.\\x00-\\x1f\\x7f-\\x9f]+(\\.[^\\s@.\\x00-\\x1f\\x7f-\\x9f]+)+\\s*$";
/// `If-Match`: a quoted version, or empty for none (blanks around it are allowed).
const IF_MATCH: &str = "^[ \\t]*(\"[1-9][0-9]{0,17}\")?[ \\t]*$";
/// `Idempotency-Key`: 1–255 visible ASCII characters, or blank for none.
const IDEMPOTENCY_KEY: &str = "^[ \\t]*([!-~]{1,255})?[ \\t]*$";
// Indian identifiers and dates, as their parsers accept them: surrounding whitespace is
// trimmed and letters are upper-cased first, and a blank optional field is no value. The
// patterns state the shape only (check digits, the list of state codes and real calendar
// days are checked by the handlers: 422). Each must accept everything the parser accepts.
const PAN: &str = "^\\s*([A-Za-z]{3}[PCHFATBLJGpchfatbljg][A-Za-z][0-9]{4}[A-Za-z])?\\s*$";
/// Twelve digits; spaces between them are ignored.
const AADHAAR: &str = "^\\s*((?:[0-9] *){11}[0-9])?\\s*$";
const IFSC: &str = "^\\s*([A-Za-z]{4}0[A-Za-z0-9]{6})?\\s*$";
const GSTIN: &str = "^\\s*([0-9]{2}[A-Za-z]{5}[0-9]{4}[A-Za-z][0-9A-Za-z]{3})?\\s*$";
const STATE_CODE: &str = "^\\s*([0-9]{2})?\\s*$";
const DATE: &str = "^\\s*([0-9]{4}-[0-9]{2}-[0-9]{2})?\\s*$";
/// A date that may not be left blank (an invoice's dates).
const REQUIRED_DATE: &str = "^\\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\\s*$";
/// A branch's state code, which may not be left blank.
const REQUIRED_STATE_CODE: &str = "^\\s*[0-9]{2}\\s*$";
const BRANCH_CODE: &str = "^\\s*[A-Z0-9]{2,10}\\s*$";
const EMPLOYEE_CODE: &str = "^\\s*[A-Za-z0-9_./-]{1,32}\\s*$";
const SKU: &str = "^\\s*[!-~]{1,64}\\s*$";
const HSN_SAC: &str = "^\\s*([0-9]{4}|[0-9]{6}|[0-9]{8})\\s*$";
/// A supplier's invoice number (CGST Rule 46(b)): up to 16 letters, digits, `-` and `/`.
const SUPPLIER_INVOICE_NO: &str = "^\\s*[A-Za-z0-9/-]{1,16}\\s*$";
/// An HSN/SAC code, or blank for the item's.
const OPTIONAL_HSN_SAC: &str = "^\\s*([0-9]{4}|[0-9]{6}|[0-9]{8})?\\s*$";
/// Text that may not be blank: at least one non-space character (each rule adds its maxLength).
const NAME: &str = "\\S";

/// Constraints the handlers enforce, stated in the document so that clients (and the
/// conformance fuzzer) know a valid request from an invalid one:
/// (schema, property, constraints merged into the property's schema).
fn field_rules() -> Vec<(&'static str, &'static str, serde_json::Value)> {
    use serde_json::json;
    let email = json!({"pattern": EMAIL, "maxLength": 254});
    let name = json!({"pattern": NAME, "maxLength": 200});
    let name_rule = name.clone();
    let password = json!({"minLength": 8, "maxLength": 128});
    let mut rules = vec![
        ("LoginRequest", "tenant", json!({"pattern": SLUG})),
        ("CreateTenant", "slug", json!({"pattern": SLUG})),
        ("CreateTenant", "name", name.clone()),
        ("CreateTenant", "owner_email", email.clone()),
        ("CreateTenant", "owner_password", password.clone()),
        ("CreateUser", "email", email),
        ("CreateUser", "name", name.clone()),
        ("CreateUser", "password", password.clone()),
        ("PatchUser", "name", name),
        ("CreateRole", "name", json!({"pattern": ROLE_NAME})),
        ("PatchRole", "name", json!({"pattern": ROLE_NAME})),
        ("PasswordChange", "new_password", password),
        (
            "UploadForm",
            "entity",
            json!({"enum": ["employee", "invoice"]}),
        ),
        ("UploadForm", "entity_id", json!({"format": "uuid"})),
    ];
    let pattern = |p: &str| json!({ "pattern": p });
    for schema in ["CreateEmployee", "PatchEmployee", "LookupRequest"] {
        rules.push((schema, "pan", pattern(PAN)));
        rules.push((schema, "aadhaar", pattern(AADHAAR)));
    }
    for schema in ["CreateEmployee", "PatchEmployee"] {
        rules.push((schema, "date_of_joining", pattern(DATE)));
    }
    for schema in ["BankAccountInput", "BankAccountPatch"] {
        rules.push((schema, "ifsc", pattern(IFSC)));
    }
    for schema in [
        "CreateBranch",
        "PatchBranch",
        "CreateCustomer",
        "PatchCustomer",
        "CreateVendor",
        "PatchVendor",
    ] {
        rules.push((schema, "gstin", pattern(GSTIN)));
        rules.push((schema, "name", name_rule.clone()));
    }
    for schema in ["CreateBranch", "PatchBranch"] {
        rules.push((schema, "state_code", pattern(REQUIRED_STATE_CODE)));
        rules.push((schema, "code", pattern(BRANCH_CODE)));
    }
    for schema in [
        "CreateCustomer",
        "PatchCustomer",
        "CreateVendor",
        "PatchVendor",
    ] {
        rules.push((schema, "state_code", pattern(STATE_CODE)));
    }
    for schema in ["CreateEmployee", "PatchEmployee"] {
        rules.push((schema, "name", name_rule.clone()));
        rules.push((schema, "employee_code", pattern(EMPLOYEE_CODE)));
    }
    for schema in ["CreateItem", "PatchItem"] {
        rules.push((schema, "name", name_rule.clone()));
        rules.push((schema, "unit", json!({"pattern": NAME, "maxLength": 20})));
        rules.push((schema, "sku", pattern(SKU)));
        rules.push((schema, "hsn_sac", pattern(HSN_SAC)));
    }
    for schema in ["CreateInvoice", "PatchInvoice"] {
        rules.push((schema, "invoice_date", pattern(REQUIRED_DATE)));
        rules.push((schema, "due_date", pattern(REQUIRED_DATE)));
    }
    rules.push((
        "CancelInvoice",
        "reason",
        json!({"pattern": NAME, "maxLength": 500}),
    ));
    rules.push(("CreatePayment", "received_on", pattern(DATE)));
    for schema in ["CreateBill", "PatchBill"] {
        rules.push((schema, "supplier_invoice_date", pattern(REQUIRED_DATE)));
        rules.push((schema, "due_date", pattern(REQUIRED_DATE)));
        rules.push((schema, "posting_date", pattern(DATE)));
        rules.push((schema, "supplier_invoice_no", pattern(SUPPLIER_INVOICE_NO)));
        rules.push((schema, "vendor_id", json!({"format": "uuid"})));
        rules.push((schema, "branch_id", json!({"format": "uuid"})));
    }
    rules.push(("BillLineRequest", "hsn_sac", pattern(OPTIONAL_HSN_SAC)));
    rules.push(("BillLineRequest", "unit_price_paise", json!({"minimum": 0})));
    rules.push(("BillLineRequest", "discount_paise", json!({"minimum": 0})));
    rules.push((
        "BillLineRequest",
        "gst_rate_bp",
        json!({"enum": [0, 25, 300, 500, 1200, 1800, 2800, 4000]}),
    ));
    rules.push(("BillLineRequest", "description", json!({"maxLength": 300})));
    rules.push((
        "CancelBill",
        "reason",
        json!({"pattern": NAME, "maxLength": 500}),
    ));
    rules.push(("CreateVendorPayment", "paid_on", pattern(DATE)));
    rules.push(("CreateTransfer", "date", pattern(REQUIRED_DATE)));
    rules.push((
        "CreateTransfer",
        "from_branch_id",
        json!({"format": "uuid"}),
    ));
    rules.push(("CreateTransfer", "to_branch_id", json!({"format": "uuid"})));
    rules.push(("TransferLineRequest", "item_id", json!({"format": "uuid"})));
    rules.push(("CreateVendorPayment", "amount_paise", json!({"minimum": 1})));
    rules.push(("PutCompany", "legal_name", name_rule.clone()));
    rules.push(("PutCompany", "pan", pattern(PAN)));
    rules.push(("BankRequest", "ifsc", pattern(IFSC)));
    rules
}

/// Constraints on array items: (schema, property, item constraints).
fn item_rules() -> Vec<(&'static str, &'static str, serde_json::Value)> {
    use serde_json::json;
    let catalogue: Vec<&str> = crate::auth::permissions::CATALOGUE
        .iter()
        .map(|p| p.name)
        .collect();
    let permissions = json!({"enum": catalogue});
    let role = json!({"pattern": ROLE_NAME});
    let uuid = json!({"format": "uuid"});
    vec![
        ("CreateRole", "permissions", permissions.clone()),
        ("PatchRole", "permissions", permissions),
        ("CreateUser", "roles", role.clone()),
        ("PatchUser", "roles", role),
        ("CreateUser", "branch_ids", uuid.clone()),
        ("PatchUser", "branch_ids", uuid),
    ]
}

/// Whole-schema additions: (schema, constraints merged into it).
fn schema_rules() -> Vec<(&'static str, serde_json::Value)> {
    use serde_json::json;
    vec![
        // The upload form is parsed by hand: an unknown or repeated part is a 422.
        ("UploadForm", json!({"additionalProperties": false})),
    ]
}

fn merge(target: &mut serde_json::Value, extra: &serde_json::Value) {
    if let (Some(t), Some(e)) = (target.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            t.insert(k.clone(), v.clone());
        }
    }
}

/// Adds the handlers' validation rules to the generated document.
fn refine(doc: &mut serde_json::Value) {
    use serde_json::json;
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(|s| s.as_object_mut())
    {
        for (schema, rule) in schema_rules() {
            if let Some(s) = schemas.get_mut(schema) {
                merge(s, &rule);
            }
        }
        for (schema, prop, rule) in field_rules() {
            if let Some(p) = schemas
                .get_mut(schema)
                .and_then(|s| s.pointer_mut(&format!("/properties/{prop}")))
            {
                merge(p, &rule);
            }
        }
        for (schema, prop, rule) in item_rules() {
            if let Some(items) = schemas
                .get_mut(schema)
                .and_then(|s| s.pointer_mut(&format!("/properties/{prop}/items")))
            {
                merge(items, &rule);
            }
        }
    }
    let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) else {
        return;
    };
    for item in paths.values_mut() {
        let Some(ops) = item.as_object_mut() else {
            continue;
        };
        for op in ops.values_mut() {
            let Some(params) = op.get_mut("parameters").and_then(|p| p.as_array_mut()) else {
                continue;
            };
            for param in params {
                let name = param["name"].as_str().unwrap_or_default().to_string();
                let schema = match (name.as_str(), param["in"].as_str().unwrap_or_default()) {
                    // 1–200, or empty for the default (as `Limit::parse` reads it).
                    ("limit", "query") => json!({"anyOf": [
                        {"type": "integer", "minimum": 1, "maximum": 200},
                        {"type": "string", "maxLength": 0}
                    ]}),
                    // Empty (or blanks only) is no precondition, as `IfMatch` reads it.
                    ("If-Match", "header") => {
                        json!({"type": "string", "pattern": IF_MATCH})
                    }
                    // Blank is no key, as `IdempotencyKey` reads it.
                    ("Idempotency-Key", "header") => {
                        json!({"type": "string", "pattern": IDEMPOTENCY_KEY})
                    }
                    // A blank filter is no filter, as `blank_as_none` reads it.
                    ("status", "query") if param["schema"].get("$ref").is_some() => {
                        json!({"anyOf": [param["schema"].clone(), {"type": "string", "pattern": "^\\s*$"}]})
                    }
                    ("copy", "query") => json!({"anyOf": [
                        {"type": "string", "enum": ["original", "duplicate", "triplicate"]},
                        {"type": "string", "pattern": "^\\s*$"}
                    ]}),
                    ("slug", "path") => json!({"type": "string", "pattern": SLUG}),
                    ("id" | "series_id", "path") => json!({"type": "string", "format": "uuid"}),
                    _ => continue,
                };
                param["schema"] = schema;
            }
        }
    }
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![openapi_json]
}

#[rocket::get("/api-docs/openapi.json")]
pub fn openapi_json() -> (ContentType, &'static str) {
    (ContentType::JSON, document())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{parse_iso_date, Aadhaar, BranchCode, Gstin, HsnSac, Ifsc, Pan, StateCode};
    use proptest::prelude::*;

    fn re(p: &str) -> regex::Regex {
        regex::Regex::new(p).expect("pattern")
    }

    /// (pattern, parser): every value the parser accepts must match the pattern, or the
    /// conformance fuzzer rightly reports a documented-invalid value that was accepted.
    /// Whether a parser accepts a value.
    type Accepts = fn(&str) -> bool;

    fn pairs() -> Vec<(&'static str, Accepts)> {
        vec![
            (PAN, |s| Pan::parse(s).is_ok()),
            (AADHAAR, |s| Aadhaar::parse(s).is_ok()),
            (IFSC, |s| Ifsc::parse(s).is_ok()),
            (GSTIN, |s| Gstin::parse(s).is_ok()),
            (STATE_CODE, |s| StateCode::parse(s).is_ok()),
            (DATE, |s| parse_iso_date(s.trim()).is_ok()),
            (REQUIRED_STATE_CODE, |s| StateCode::parse(s).is_ok()),
            (REQUIRED_DATE, |s| parse_iso_date(s.trim()).is_ok()),
            (BRANCH_CODE, |s| BranchCode::parse(s).is_ok()),
            (HSN_SAC, |s| HsnSac::parse(s).is_ok()),
            (EMPLOYEE_CODE, |s| {
                crate::modules::hr::input::employee_code(s).is_ok()
            }),
            (SKU, |s| {
                crate::modules::sales::items::service::sku(s).is_ok()
            }),
            (NAME, |s| {
                crate::modules::fields::required_text(s, 200).is_ok()
            }),
            (IF_MATCH, |s| {
                s.trim_matches([' ', '\t']).is_empty()
                    || crate::http::headers::parse_if_match(s).is_ok()
            }),
        ]
    }

    #[test]
    fn patterns_accept_what_the_parsers_accept() {
        let samples = [
            "ABCPE1234F",
            " abcde1234f ",
            "2341 2341 2346",
            "234123412346",
            "HDFC0001234",
            "hdfc0001234\t",
            "27AAPFU0939F1ZV",
            " 29aagcb7383j1z4",
            "27",
            " 09 ",
            "2026-02-28",
            " 2026-07-15 ",
            "\"3\"",
            "",
            "  ",
            "HQ",
            " BLR01 ",
            "hq",
            "1006",
            "998314",
            "EMP-001/a.b_c",
            "SKU#1",
            "Basmati rice",
            "\u{a0}x\u{2003}",
        ];
        for (pattern, accepts) in pairs() {
            let r = re(pattern);
            for s in samples {
                if accepts(s) {
                    assert!(r.is_match(s), "{pattern} refuses {s:?}, which is accepted");
                }
            }
        }
        // And the patterns are not vacuous.
        assert!(!re(PAN).is_match("ABCD1234F"));
        assert!(!re(GSTIN).is_match("27AAPFU0939F1Z"));
        assert!(!re(DATE).is_match("15-07-2026"));
        assert!(!re(IFSC).is_match("HDFC1001234"));
        for blank in ["", "  "] {
            for p in [
                REQUIRED_STATE_CODE,
                REQUIRED_DATE,
                BRANCH_CODE,
                HSN_SAC,
                EMPLOYEE_CODE,
                SKU,
                NAME,
            ] {
                assert!(!re(p).is_match(blank), "{p} allows a blank value");
            }
        }
    }

    proptest! {
        #[test]
        fn no_accepted_value_violates_its_pattern(
            core in "[0-9A-Za-z\\- ]{0,16}",
            pad in "[ \\t]{0,2}",
        ) {
            let s = format!("{pad}{core}{pad}");
            for (pattern, accepts) in pairs() {
                if accepts(&s) {
                    prop_assert!(re(pattern).is_match(&s), "{} refuses {:?}", pattern, s);
                }
            }
        }
    }
}
