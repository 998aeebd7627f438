//! `/api/v1/vendors`.

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
use crate::http::query::PageRequest;
use crate::http::JsonBody;
use crate::ids;
use crate::modules::sales::common::{blank_as_none, prefix_param};

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![list_vendors, create_vendor, get_vendor, patch_vendor]
}

/// List vendors, oldest first.
#[utoipa::path(get, path = "/api/v1/vendors", tag = "purchases", security(("bearer" = [])),
    params(
        ("limit" = Option<u32>, Query, description = "1–200, default 50"),
        ("cursor" = Option<String>, Query, description = "opaque, from `next_cursor`"),
        ("q" = Option<String>, Query, description = "name prefix, case-insensitive"),
        ("gstin" = Option<String>, Query, description = "exact GSTIN"),
    ),
    responses((status = 200, description = "A page of vendors", body = Page<Vendor>)))]
#[rocket::get("/vendors?<limit>&<cursor>&<q>&<gstin>")]
pub async fn list_vendors(
    user: TenantUser,
    limit: Option<&str>,
    cursor: Option<&str>,
    q: Option<&str>,
    gstin: Option<&str>,
) -> AppResult<Json<Page<Vendor>>> {
    user.require("purchases.vendors:read")?;
    let page = PageRequest::parse(limit, cursor)?;
    let filter = VendorFilter {
        name_like: prefix_param(q)?,
        gstin: blank_as_none(gstin).map(|g| g.trim().to_ascii_uppercase()),
        after: page.after.map(|(_, id)| id.to_string()),
        limit: page.limit,
    };
    let rows = user.tenant.db.read(move |c| repo::list(c, &filter)).await?;
    Ok(Json(page_of(rows, page.limit, |r| {
        (String::new(), r.id.clone())
    })))
}

/// Create a vendor.
#[utoipa::path(post, path = "/api/v1/vendors", tag = "purchases", request_body = CreateVendor, security(("bearer" = [])),
    responses((status = 201, description = "Created", body = Vendor)))]
#[rocket::post("/vendors", data = "<body>")]
pub async fn create_vendor(
    user: TenantUser,
    body: JsonBody<CreateVendor>,
) -> AppResult<(Status, Json<Vendor>)> {
    user.require("purchases.vendors:write")?;
    let (t, actor) = (Arc::clone(&user.tenant), user.actor());
    let c = blocking::run(move || service::create(&t, &body.0, &actor)).await?;
    Ok((Status::Created, Json(c)))
}

/// One vendor.
#[utoipa::path(get, path = "/api/v1/vendors/{id}", tag = "purchases", security(("bearer" = [])),
    params(("id" = String, Path, description = "vendor id")),
    responses((status = 200, description = "The vendor", body = Vendor)))]
#[rocket::get("/vendors/<id>")]
pub async fn get_vendor(user: TenantUser, id: &str) -> AppResult<Json<Vendor>> {
    user.require("purchases.vendors:read")?;
    let id = ids::parse(id)?;
    user.tenant
        .db
        .read(move |c| repo::get(c, &id)?.ok_or(AppError::NotFound))
        .await
        .map(Json)
}

/// Change a vendor; `null` clears `gstin`, `email` or `phone`.
#[utoipa::path(patch, path = "/api/v1/vendors/{id}", tag = "purchases", request_body = PatchVendor, security(("bearer" = [])),
    params(("id" = String, Path, description = "vendor id"), ("If-Match" = Option<String>, Header, description = "expected version, e.g. \"3\"")),
    responses((status = 200, description = "Updated", body = Vendor)))]
#[rocket::patch("/vendors/<id>", data = "<body>")]
pub async fn patch_vendor(
    user: TenantUser,
    id: &str,
    body: JsonBody<PatchVendor>,
    if_match: IfMatch,
) -> AppResult<Json<Vendor>> {
    user.require("purchases.vendors:write")?;
    let id = ids::parse(id)?;
    let (t, actor) = (Arc::clone(&user.tenant), user.actor());
    blocking::run(move || service::patch(&t, &id, &body.0, if_match.0, &actor))
        .await
        .map(Json)
}
