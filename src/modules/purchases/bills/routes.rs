//! `/api/v1/bills`: purchase bills.

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
use crate::modules::fields::BranchScope;
use crate::modules::sales::common::blank_as_none;

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![
        list_bills,
        create_bill,
        get_bill,
        patch_bill,
        delete_bill,
        post_bill,
        cancel_bill
    ]
}

fn scope_of(user: &TenantUser) -> BranchScope {
    BranchScope::new(user.branch_scope())
}

fn status_param(v: Option<&str>) -> AppResult<Option<&'static str>> {
    match blank_as_none(v) {
        None => Ok(None),
        Some(s) => BillStatus::parse(s)
            .map(|s| Some(s.as_str()))
            .ok_or_else(|| {
                AppError::field(
                    "status",
                    "invalid_value",
                    "one of draft, posted, partially_paid, paid, cancelled",
                )
            }),
    }
}

/// List bills (only those of the user's branches), oldest first.
#[utoipa::path(get, path = "/api/v1/bills", tag = "purchases", security(("bearer" = [])),
    params(
        ("limit" = Option<u32>, Query, description = "1–200, default 50"),
        ("cursor" = Option<String>, Query, description = "opaque, from `next_cursor`"),
        ("status" = Option<BillStatus>, Query, description = "draft, posted, partially_paid, paid or cancelled"),
        ("vendor_id" = Option<String>, Query, description = "vendor id"),
        ("branch_id" = Option<String>, Query, description = "branch id"),
        ("from" = Option<String>, Query, description = "posting_date on or after, YYYY-MM-DD"),
        ("to" = Option<String>, Query, description = "posting_date on or before, YYYY-MM-DD"),
    ),
    responses((status = 200, description = "A page of bills with their lines", body = Page<Bill>)))]
#[rocket::get("/bills?<limit>&<cursor>&<status>&<vendor_id>&<branch_id>&<from>&<to>")]
#[allow(clippy::too_many_arguments)]
pub async fn list_bills(
    user: TenantUser,
    limit: Option<&str>,
    cursor: Option<&str>,
    status: Option<&str>,
    vendor_id: Option<&str>,
    branch_id: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> AppResult<Json<Page<Bill>>> {
    user.require("purchases.bills:read")?;
    let page = PageRequest::parse(limit, cursor)?;
    let date = |name, v| -> AppResult<Option<String>> {
        Ok(date_param(name, v)?.map(crate::domain::format_iso_date))
    };
    let filter = BillFilter {
        scope: scope_of(&user).sql_param(),
        status: status_param(status)?,
        vendor_id: uuid_param("vendor_id", vendor_id)?.map(|u| u.to_string()),
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

/// Create a draft bill; every line and the totals are computed.
#[utoipa::path(post, path = "/api/v1/bills", tag = "purchases", request_body = CreateBill, security(("bearer" = [])),
    responses((status = 201, description = "The draft", body = Bill)))]
#[rocket::post("/bills", data = "<body>")]
pub async fn create_bill(
    user: TenantUser,
    body: JsonBody<CreateBill>,
) -> AppResult<(Status, Json<Bill>)> {
    user.require("purchases.bills:write")?;
    let (t, scope, actor) = (Arc::clone(&user.tenant), scope_of(&user), user.actor());
    let inv = blocking::run(move || service::create(&t, &scope, &body.0, &actor)).await?;
    Ok((Status::Created, Json(inv)))
}

/// One bill with its lines.
#[utoipa::path(get, path = "/api/v1/bills/{id}", tag = "purchases", security(("bearer" = [])),
    params(("id" = String, Path, description = "bill id")),
    responses((status = 200, description = "The bill", body = Bill)))]
#[rocket::get("/bills/<id>")]
pub async fn get_bill(user: TenantUser, id: &str) -> AppResult<Json<Bill>> {
    user.require("purchases.bills:read")?;
    let id = ids::parse(id)?;
    let scope = scope_of(&user);
    user.tenant
        .db
        .read(move |c| service::visible(c, &scope, &id))
        .await
        .map(Json)
}

/// Change a draft (409 once posted); the bill is priced again.
#[utoipa::path(patch, path = "/api/v1/bills/{id}", tag = "purchases", request_body = PatchBill, security(("bearer" = [])),
    params(("id" = String, Path, description = "bill id"), ("If-Match" = Option<String>, Header, description = "expected version, e.g. \"3\"")),
    responses((status = 200, description = "Updated", body = Bill)))]
#[rocket::patch("/bills/<id>", data = "<body>")]
pub async fn patch_bill(
    user: TenantUser,
    id: &str,
    body: JsonBody<PatchBill>,
    if_match: IfMatch,
) -> AppResult<Json<Bill>> {
    user.require("purchases.bills:write")?;
    let id = ids::parse(id)?;
    let (t, scope, actor) = (Arc::clone(&user.tenant), scope_of(&user), user.actor());
    blocking::run(move || service::patch(&t, &scope, &id, &body.0, if_match.0, &actor))
        .await
        .map(Json)
}

/// Delete a draft (409 once posted).
#[utoipa::path(delete, path = "/api/v1/bills/{id}", tag = "purchases", security(("bearer" = [])),
    params(("id" = String, Path, description = "bill id"), ("If-Match" = Option<String>, Header, description = "expected version, optional")),
    responses((status = 204, description = "Deleted")))]
#[rocket::delete("/bills/<id>")]
pub async fn delete_bill(user: TenantUser, id: &str, if_match: IfMatch) -> AppResult<Status> {
    user.require("purchases.bills:write")?;
    let id = ids::parse(id)?;
    let (t, scope, actor) = (Arc::clone(&user.tenant), scope_of(&user), user.actor());
    blocking::run(move || service::delete(&t, &scope, &id, if_match.0, &actor)).await?;
    Ok(Status::NoContent)
}

/// Post a draft: priced again, frozen and posted to the books. The same vendor and
/// supplier invoice number (letters and digits compared, case ignored) already posted in
/// the supplier invoice's financial year → 409 `duplicate_bill`; a locked date → 409
/// `period_locked`.
#[utoipa::path(post, path = "/api/v1/bills/{id}/post", tag = "purchases", security(("bearer" = [])),
    params(("id" = String, Path, description = "bill id"), ("If-Match" = Option<String>, Header, description = "expected version, optional")),
    responses((status = 200, description = "Posted", body = Bill)))]
#[rocket::post("/bills/<id>/post")]
pub async fn post_bill(user: TenantUser, id: &str, if_match: IfMatch) -> AppResult<Json<Bill>> {
    user.require("purchases.bills:post")?;
    let id = ids::parse(id)?;
    let (t, scope, actor) = (Arc::clone(&user.tenant), scope_of(&user), user.actor());
    blocking::run(move || service::post(&t, &scope, &id, if_match.0, &actor))
        .await
        .map(Json)
}

/// Cancel a posted bill on which nothing is paid (409 otherwise): its journal is reversed
/// on its posting date and the supplier invoice number may be booked again.
#[utoipa::path(post, path = "/api/v1/bills/{id}/cancel", tag = "purchases", request_body = CancelBill, security(("bearer" = [])),
    params(("id" = String, Path, description = "bill id"), ("If-Match" = Option<String>, Header, description = "expected version, optional")),
    responses((status = 200, description = "Cancelled", body = Bill)))]
#[rocket::post("/bills/<id>/cancel", data = "<body>")]
pub async fn cancel_bill(
    user: TenantUser,
    id: &str,
    body: JsonBody<CancelBill>,
    if_match: IfMatch,
) -> AppResult<Json<Bill>> {
    user.require("purchases.bills:post")?;
    let id = ids::parse(id)?;
    let (t, scope, actor) = (Arc::clone(&user.tenant), scope_of(&user), user.actor());
    blocking::run(move || service::cancel(&t, &scope, &id, &body.0, if_match.0, &actor))
        .await
        .map(Json)
}
