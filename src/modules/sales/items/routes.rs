//! `/api/v1/items`.

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
use crate::modules::sales::common::prefix_param;

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![list_items, create_item, get_item, patch_item]
}

/// List items, oldest first.
#[utoipa::path(get, path = "/api/v1/items", tag = "sales", security(("bearer" = [])),
    params(
        ("limit" = Option<u32>, Query, description = "1–200, default 50"),
        ("cursor" = Option<String>, Query, description = "opaque, from `next_cursor`"),
        ("q" = Option<String>, Query, description = "name or SKU prefix, case-insensitive"),
    ),
    responses((status = 200, description = "A page of items", body = Page<Item>)))]
#[rocket::get("/items?<limit>&<cursor>&<q>")]
pub async fn list_items(
    user: TenantUser,
    limit: Option<&str>,
    cursor: Option<&str>,
    q: Option<&str>,
) -> AppResult<Json<Page<Item>>> {
    user.require("sales.items:read")?;
    let page = PageRequest::parse(limit, cursor)?;
    let filter = ItemFilter {
        like: prefix_param(q)?,
        after: page.after.map(|(_, id)| id.to_string()),
        limit: page.limit,
    };
    let rows = user.tenant.db.read(move |c| repo::list(c, &filter)).await?;
    Ok(Json(page_of(rows, page.limit, |r| {
        (String::new(), r.id.clone())
    })))
}

/// Create an item (the SKU must be unique: 409 otherwise).
#[utoipa::path(post, path = "/api/v1/items", tag = "sales", request_body = CreateItem, security(("bearer" = [])),
    responses((status = 201, description = "Created", body = Item)))]
#[rocket::post("/items", data = "<body>")]
pub async fn create_item(
    user: TenantUser,
    body: JsonBody<CreateItem>,
) -> AppResult<(Status, Json<Item>)> {
    user.require("sales.items:write")?;
    let (t, actor) = (Arc::clone(&user.tenant), user.actor());
    let item = blocking::run(move || service::create(&t, &body.0, &actor)).await?;
    Ok((Status::Created, Json(item)))
}

/// One item.
#[utoipa::path(get, path = "/api/v1/items/{id}", tag = "sales", security(("bearer" = [])),
    params(("id" = String, Path, description = "item id")),
    responses((status = 200, description = "The item", body = Item)))]
#[rocket::get("/items/<id>")]
pub async fn get_item(user: TenantUser, id: &str) -> AppResult<Json<Item>> {
    user.require("sales.items:read")?;
    let id = ids::parse(id)?;
    user.tenant
        .db
        .read(move |c| repo::get(c, &id)?.ok_or(AppError::NotFound))
        .await
        .map(Json)
}

/// Change an item. Existing invoices keep the price, rate and codes they were made with.
#[utoipa::path(patch, path = "/api/v1/items/{id}", tag = "sales", request_body = PatchItem, security(("bearer" = [])),
    params(("id" = String, Path, description = "item id"), ("If-Match" = Option<String>, Header, description = "expected version, e.g. \"3\"")),
    responses((status = 200, description = "Updated", body = Item)))]
#[rocket::patch("/items/<id>", data = "<body>")]
pub async fn patch_item(
    user: TenantUser,
    id: &str,
    body: JsonBody<PatchItem>,
    if_match: IfMatch,
) -> AppResult<Json<Item>> {
    user.require("sales.items:write")?;
    let id = ids::parse(id)?;
    let (t, actor) = (Arc::clone(&user.tenant), user.actor());
    blocking::run(move || service::patch(&t, &id, &body.0, if_match.0, &actor))
        .await
        .map(Json)
}
