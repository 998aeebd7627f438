//! `/api/v1/stock-transfers`.

use std::sync::Arc;

use rocket::http::Status;
use rocket::serde::json::Json;

use super::model::*;
use super::service;
use crate::auth::TenantUser;
use crate::blocking;
use crate::error::AppResult;
use crate::http::pagination::page_of;
use crate::http::pagination::Page;
use crate::http::query::PageRequest;
use crate::http::JsonBody;
use crate::ids;
use crate::modules::fields::BranchScope;

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![list_transfers, create_transfer, get_transfer]
}

fn scope_of(user: &TenantUser) -> BranchScope {
    BranchScope::new(user.branch_scope())
}

/// List transfers from or to the user's branches, oldest first.
#[utoipa::path(get, path = "/api/v1/stock-transfers", tag = "stock", security(("bearer" = [])),
    params(
        ("limit" = Option<u32>, Query, description = "1–200, default 50"),
        ("cursor" = Option<String>, Query, description = "opaque, from `next_cursor`"),
    ),
    responses((status = 200, description = "A page of transfers", body = Page<StockTransfer>)))]
#[rocket::get("/stock-transfers?<limit>&<cursor>")]
pub async fn list_transfers(
    user: TenantUser,
    limit: Option<&str>,
    cursor: Option<&str>,
) -> AppResult<Json<Page<StockTransfer>>> {
    user.require("stock.reports:read")?;
    let page = PageRequest::parse(limit, cursor)?;
    let scope = scope_of(&user);
    let after = page.after.map(|(_, id)| id.to_string());
    let rows = user
        .tenant
        .db
        .read(move |c| service::list(c, &scope, after.as_deref(), page.limit))
        .await?;
    Ok(Json(page_of(rows, page.limit, |r| {
        (String::new(), r.id.clone())
    })))
}

/// Move stock between two branches of one GSTIN under a delivery challan.
///
/// Branches with different GSTINs → 409 `transfer_needs_invoice` (a supply between
/// distinct persons); more than the sender holds → 409 `insufficient_stock` unless the
/// tenant allows negative stock; an item whose stock is not kept → 422.
#[utoipa::path(post, path = "/api/v1/stock-transfers", tag = "stock", request_body = CreateTransfer, security(("bearer" = [])),
    responses((status = 201, description = "Moved; the challan and its values", body = StockTransfer)))]
#[rocket::post("/stock-transfers", data = "<body>")]
pub async fn create_transfer(
    user: TenantUser,
    body: JsonBody<CreateTransfer>,
) -> AppResult<(Status, Json<StockTransfer>)> {
    user.require("stock.transfers:write")?;
    let (t, scope, actor) = (Arc::clone(&user.tenant), scope_of(&user), user.actor());
    let made = blocking::run(move || service::create(&t, &scope, &body.0, &actor)).await?;
    Ok((Status::Created, Json(made)))
}

/// One transfer with its lines.
#[utoipa::path(get, path = "/api/v1/stock-transfers/{id}", tag = "stock", security(("bearer" = [])),
    params(("id" = String, Path, description = "transfer id")),
    responses((status = 200, description = "The transfer", body = StockTransfer)))]
#[rocket::get("/stock-transfers/<id>")]
pub async fn get_transfer(user: TenantUser, id: &str) -> AppResult<Json<StockTransfer>> {
    user.require("stock.reports:read")?;
    let id = ids::parse(id)?;
    let scope = scope_of(&user);
    user.tenant
        .db
        .read(move |c| service::get(c, &scope, &id))
        .await
        .map(Json)
}
