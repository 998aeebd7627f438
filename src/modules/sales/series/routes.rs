//! `/api/v1/branches/{id}/series`.

use std::sync::Arc;

use rocket::http::Status;
use rocket::serde::json::Json;

use super::model::{CreateSeries, PatchSeries, Series};
use super::service;
use crate::auth::TenantUser;
use crate::blocking;
use crate::error::AppResult;
use crate::http::headers::IfMatch;
use crate::http::pagination::Page;
use crate::http::JsonBody;
use crate::ids;
use crate::modules::fields::BranchScope;

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![list_series, create_series, patch_series]
}

fn scope_of(user: &TenantUser) -> BranchScope {
    BranchScope::new(user.branch_scope())
}

/// A branch's numbering series, one per document type (one page; `next_cursor` is null).
#[utoipa::path(get, path = "/api/v1/branches/{id}/series", tag = "organisation", security(("bearer" = [])),
    params(("id" = String, Path, description = "branch id")),
    responses((status = 200, description = "The branch's series", body = Page<Series>)))]
#[rocket::get("/branches/<id>/series")]
pub async fn list_series(user: TenantUser, id: &str) -> AppResult<Json<Page<Series>>> {
    user.require("org.branches:read")?;
    let id = ids::parse(id)?;
    let (t, scope) = (Arc::clone(&user.tenant), scope_of(&user));
    let items = blocking::run(move || service::list(&t, &scope, &id)).await?;
    Ok(Json(Page {
        items,
        next_cursor: None,
    }))
}

/// Add a series for a document type the branch has none of (409 otherwise).
#[utoipa::path(post, path = "/api/v1/branches/{id}/series", tag = "organisation", request_body = CreateSeries, security(("bearer" = [])),
    params(("id" = String, Path, description = "branch id")),
    responses((status = 201, description = "Created", body = Series)))]
#[rocket::post("/branches/<id>/series", data = "<body>")]
pub async fn create_series(
    user: TenantUser,
    id: &str,
    body: JsonBody<CreateSeries>,
) -> AppResult<(Status, Json<Series>)> {
    user.require("org.branches:write")?;
    let id = ids::parse(id)?;
    let (t, scope, actor) = (Arc::clone(&user.tenant), scope_of(&user), user.actor());
    let s = blocking::run(move || service::create(&t, &scope, &id, &body.0, &actor)).await?;
    Ok((Status::Created, Json(s)))
}

/// Change a series' prefix; numbers already issued keep theirs.
#[utoipa::path(patch, path = "/api/v1/branches/{id}/series/{series_id}", tag = "organisation", request_body = PatchSeries, security(("bearer" = [])),
    params(("id" = String, Path, description = "branch id"), ("series_id" = String, Path, description = "series id"),
        ("If-Match" = Option<String>, Header, description = "expected version, e.g. \"1\"")),
    responses((status = 200, description = "Updated", body = Series)))]
#[rocket::patch("/branches/<id>/series/<series_id>", data = "<body>")]
pub async fn patch_series(
    user: TenantUser,
    id: &str,
    series_id: &str,
    body: JsonBody<PatchSeries>,
    if_match: IfMatch,
) -> AppResult<Json<Series>> {
    user.require("org.branches:write")?;
    let (id, series_id) = (ids::parse(id)?, ids::parse(series_id)?);
    let (t, scope, actor) = (Arc::clone(&user.tenant), scope_of(&user), user.actor());
    blocking::run(move || service::patch(&t, &scope, &id, &series_id, &body.0, if_match.0, &actor))
        .await
        .map(Json)
}
