//! `/api/v1/invoices`.

use std::sync::Arc;

use rocket::http::Status;
use rocket::serde::json::Json;

use super::model::*;
use super::{repo, service};
use crate::auth::TenantUser;
use crate::blocking;
use crate::error::{AppError, AppResult};
use crate::http::headers::IfMatch;
use crate::http::pagination::page_of;
use crate::http::pagination::Page;
use crate::http::query::{date_param, uuid_param, PageRequest};
use crate::http::JsonBody;
use crate::ids;
use crate::modules::sales::common::{blank_as_none, scope_json, Scope};

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![
        list_invoices,
        create_invoice,
        get_invoice,
        patch_invoice,
        delete_invoice,
        issue_invoice,
        cancel_invoice
    ]
}

fn scope_of(user: &TenantUser) -> Scope {
    user.branch_scope().map(<[String]>::to_vec)
}

fn status_param(v: Option<&str>) -> AppResult<Option<&'static str>> {
    match blank_as_none(v) {
        None => Ok(None),
        Some(s) => InvoiceStatus::parse(s)
            .map(|s| Some(s.as_str()))
            .ok_or_else(|| {
                AppError::field(
                    "status",
                    "invalid_value",
                    "one of draft, issued, partially_paid, paid, cancelled",
                )
            }),
    }
}

/// List invoices (only those of the user's branches), oldest first.
#[utoipa::path(get, path = "/api/v1/invoices", tag = "sales", security(("bearer" = [])),
    params(
        ("limit" = Option<u32>, Query, description = "1–200, default 50"),
        ("cursor" = Option<String>, Query, description = "opaque, from `next_cursor`"),
        ("status" = Option<InvoiceStatus>, Query, description = "draft, issued, partially_paid, paid or cancelled"),
        ("customer_id" = Option<String>, Query, description = "customer id"),
        ("branch_id" = Option<String>, Query, description = "branch id"),
        ("from" = Option<String>, Query, description = "invoice_date on or after, YYYY-MM-DD"),
        ("to" = Option<String>, Query, description = "invoice_date on or before, YYYY-MM-DD"),
    ),
    responses((status = 200, description = "A page of invoices with their lines", body = Page<Invoice>)))]
#[rocket::get("/invoices?<limit>&<cursor>&<status>&<customer_id>&<branch_id>&<from>&<to>")]
#[allow(clippy::too_many_arguments)]
pub async fn list_invoices(
    user: TenantUser,
    limit: Option<&str>,
    cursor: Option<&str>,
    status: Option<&str>,
    customer_id: Option<&str>,
    branch_id: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> AppResult<Json<Page<Invoice>>> {
    user.require("sales.invoices:read")?;
    let page = PageRequest::parse(limit, cursor)?;
    let date = |name, v| -> AppResult<Option<String>> {
        Ok(date_param(name, v)?.map(crate::domain::format_iso_date))
    };
    let filter = InvoiceFilter {
        scope: scope_json(&scope_of(&user)),
        status: status_param(status)?,
        customer_id: uuid_param("customer_id", customer_id)?.map(|u| u.to_string()),
        branch_id: uuid_param("branch_id", branch_id)?.map(|u| u.to_string()),
        from: date("from", from)?,
        to: date("to", to)?,
        after: page.after.map(|(_, id)| id.to_string()),
        limit: page.limit,
    };
    let rows = user.tenant.db.read(move |c| repo::list(c, &filter)).await?;
    Ok(Json(page_of(rows, page.limit, |r| {
        (String::new(), r.id.clone())
    })))
}

/// Create a draft invoice; every line and the totals are computed.
#[utoipa::path(post, path = "/api/v1/invoices", tag = "sales", request_body = CreateInvoice, security(("bearer" = [])),
    responses((status = 201, description = "The draft", body = Invoice)))]
#[rocket::post("/invoices", data = "<body>")]
pub async fn create_invoice(
    user: TenantUser,
    body: JsonBody<CreateInvoice>,
) -> AppResult<(Status, Json<Invoice>)> {
    user.require("sales.invoices:write")?;
    let (t, scope, actor) = (Arc::clone(&user.tenant), scope_of(&user), user.actor());
    let inv = blocking::run(move || service::create(&t, &scope, &body.0, &actor)).await?;
    Ok((Status::Created, Json(inv)))
}

/// One invoice with its lines.
#[utoipa::path(get, path = "/api/v1/invoices/{id}", tag = "sales", security(("bearer" = [])),
    params(("id" = String, Path, description = "invoice id")),
    responses((status = 200, description = "The invoice", body = Invoice)))]
#[rocket::get("/invoices/<id>")]
pub async fn get_invoice(user: TenantUser, id: &str) -> AppResult<Json<Invoice>> {
    user.require("sales.invoices:read")?;
    let id = ids::parse(id)?;
    let scope = scope_of(&user);
    user.tenant
        .db
        .read(move |c| service::visible(c, &scope, &id))
        .await
        .map(Json)
}

/// Change a draft (409 once issued); the invoice is priced again.
#[utoipa::path(patch, path = "/api/v1/invoices/{id}", tag = "sales", request_body = PatchInvoice, security(("bearer" = [])),
    params(("id" = String, Path, description = "invoice id"), ("If-Match" = Option<String>, Header, description = "expected version, e.g. \"3\"")),
    responses((status = 200, description = "Updated", body = Invoice)))]
#[rocket::patch("/invoices/<id>", data = "<body>")]
pub async fn patch_invoice(
    user: TenantUser,
    id: &str,
    body: JsonBody<PatchInvoice>,
    if_match: IfMatch,
) -> AppResult<Json<Invoice>> {
    user.require("sales.invoices:write")?;
    let id = ids::parse(id)?;
    let (t, scope, actor) = (Arc::clone(&user.tenant), scope_of(&user), user.actor());
    blocking::run(move || service::patch(&t, &scope, &id, &body.0, if_match.0, &actor))
        .await
        .map(Json)
}

/// Delete a draft (409 once issued).
#[utoipa::path(delete, path = "/api/v1/invoices/{id}", tag = "sales", security(("bearer" = [])),
    params(("id" = String, Path, description = "invoice id"), ("If-Match" = Option<String>, Header, description = "expected version, optional")),
    responses((status = 204, description = "Deleted")))]
#[rocket::delete("/invoices/<id>")]
pub async fn delete_invoice(user: TenantUser, id: &str, if_match: IfMatch) -> AppResult<Status> {
    user.require("sales.invoices:write")?;
    let id = ids::parse(id)?;
    let (t, scope, actor) = (Arc::clone(&user.tenant), scope_of(&user), user.actor());
    blocking::run(move || service::delete(&t, &scope, &id, if_match.0, &actor)).await?;
    Ok(Status::NoContent)
}

/// Issue a draft: assigns `<BRANCH_CODE>/<FY>/<seq>`, gapless per branch and financial year.
#[utoipa::path(post, path = "/api/v1/invoices/{id}/issue", tag = "sales", security(("bearer" = [])),
    params(("id" = String, Path, description = "invoice id"), ("If-Match" = Option<String>, Header, description = "expected version, optional")),
    responses((status = 200, description = "Issued", body = Invoice)))]
#[rocket::post("/invoices/<id>/issue")]
pub async fn issue_invoice(
    user: TenantUser,
    id: &str,
    if_match: IfMatch,
) -> AppResult<Json<Invoice>> {
    user.require("sales.invoices:issue")?;
    let id = ids::parse(id)?;
    let (t, scope, actor) = (Arc::clone(&user.tenant), scope_of(&user), user.actor());
    blocking::run(move || service::issue(&t, &scope, &id, if_match.0, &actor))
        .await
        .map(Json)
}

/// Cancel an issued invoice on which nothing is paid (409 otherwise); it keeps its number.
#[utoipa::path(post, path = "/api/v1/invoices/{id}/cancel", tag = "sales", request_body = CancelInvoice, security(("bearer" = [])),
    params(("id" = String, Path, description = "invoice id"), ("If-Match" = Option<String>, Header, description = "expected version, optional")),
    responses((status = 200, description = "Cancelled", body = Invoice)))]
#[rocket::post("/invoices/<id>/cancel", data = "<body>")]
pub async fn cancel_invoice(
    user: TenantUser,
    id: &str,
    body: JsonBody<CancelInvoice>,
    if_match: IfMatch,
) -> AppResult<Json<Invoice>> {
    user.require("sales.invoices:cancel")?;
    let id = ids::parse(id)?;
    let (t, scope, actor) = (Arc::clone(&user.tenant), scope_of(&user), user.actor());
    blocking::run(move || service::cancel(&t, &scope, &id, &body.0, if_match.0, &actor))
        .await
        .map(Json)
}
