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
        crate::modules::sales::payments::routes::list_payments,
        crate::modules::sales::payments::routes::create_payment,
        crate::modules::sales::payments::routes::get_payment,
        crate::modules::sales::receivables::routes::receivables,
    ),
    components(schemas(Problem)),
    modifiers(&Problems),
    tags(
        (name = "auth", description = "Tenant sign-in and sessions"),
        (name = "access", description = "Users, roles and permissions"),
        (name = "organisation", description = "Branches"),
        (name = "people", description = "Employees; PAN, Aadhaar and bank account numbers are encrypted, masked and revealed only with hr.employees:reveal"),
        (name = "audit", description = "The tamper-evident audit trail"),
        (name = "sales", description = "Customers, items, invoices and payments"),
        (name = "reports", description = "Reports"),
        (name = "system", description = "System administration (never tenant data)"),
        (name = "operations", description = "Health, readiness, metrics"),
    )
)]
pub struct ApiDoc;

pub fn document() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        ApiDoc::openapi()
            .to_pretty_json()
            .unwrap_or_else(|_| "{}".into())
    })
}

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![openapi_json]
}

#[rocket::get("/api-docs/openapi.json")]
pub fn openapi_json() -> (ContentType, &'static str) {
    (ContentType::JSON, document())
}
