//! `/api/v1/accounts`.

use std::sync::Arc;

use rocket::http::Status;
use rocket::serde::json::Json;

use super::model::{Account, CreateAccount, PatchAccount};
use super::service;
use crate::auth::TenantUser;
use crate::blocking;
use crate::error::AppResult;
use crate::http::headers::IfMatch;
use crate::http::pagination::Page;
use crate::http::JsonBody;
use crate::ids;

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![list_accounts, create_account, get_account, patch_account]
}

/// The whole chart in code order (one page; `next_cursor` is null). `parent_id` builds
/// the tree.
#[utoipa::path(get, path = "/api/v1/accounts", tag = "books", security(("bearer" = [])),
    responses((status = 200, description = "The chart of accounts", body = Page<Account>)))]
#[rocket::get("/accounts")]
pub async fn list_accounts(user: TenantUser) -> AppResult<Json<Page<Account>>> {
    user.require("books.accounts:read")?;
    let t = Arc::clone(&user.tenant);
    let items = blocking::run(move || service::list(&t)).await?;
    Ok(Json(Page {
        items,
        next_cursor: None,
    }))
}

/// Add an account (or a group) under a group; it takes the group's type.
#[utoipa::path(post, path = "/api/v1/accounts", tag = "books", request_body = CreateAccount, security(("bearer" = [])),
    responses((status = 201, description = "Created", body = Account)))]
#[rocket::post("/accounts", data = "<body>")]
pub async fn create_account(
    user: TenantUser,
    body: JsonBody<CreateAccount>,
) -> AppResult<(Status, Json<Account>)> {
    user.require("books.accounts:write")?;
    let (t, actor) = (Arc::clone(&user.tenant), user.actor());
    let a = blocking::run(move || service::create(&t, &body.0, &actor)).await?;
    Ok((Status::Created, Json(a)))
}

#[utoipa::path(get, path = "/api/v1/accounts/{id}", tag = "books", security(("bearer" = [])),
    params(("id" = String, Path, description = "account id")),
    responses((status = 200, description = "The account", body = Account)))]
#[rocket::get("/accounts/<id>")]
pub async fn get_account(user: TenantUser, id: &str) -> AppResult<Json<Account>> {
    user.require("books.accounts:read")?;
    let (t, id) = (Arc::clone(&user.tenant), ids::parse(id)?);
    blocking::run(move || service::get(&t, &id)).await.map(Json)
}

/// Rename or renumber an account; its type, parent and kind never change.
#[utoipa::path(patch, path = "/api/v1/accounts/{id}", tag = "books", request_body = PatchAccount, security(("bearer" = [])),
    params(("id" = String, Path, description = "account id"),
        ("If-Match" = Option<String>, Header, description = "expected version, e.g. \"1\"")),
    responses((status = 200, description = "Updated", body = Account)))]
#[rocket::patch("/accounts/<id>", data = "<body>")]
pub async fn patch_account(
    user: TenantUser,
    id: &str,
    body: JsonBody<PatchAccount>,
    if_match: IfMatch,
) -> AppResult<Json<Account>> {
    user.require("books.accounts:write")?;
    let (t, id, actor) = (Arc::clone(&user.tenant), ids::parse(id)?, user.actor());
    blocking::run(move || service::patch(&t, &id, &body.0, if_match.0, &actor))
        .await
        .map(Json)
}
