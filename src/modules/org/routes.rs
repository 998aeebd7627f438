//! `/api/v1/branches`.

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
use crate::modules::fields::BranchScope;

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![list_branches, create_branch, get_branch, patch_branch]
}

fn scope_of(user: &TenantUser) -> BranchScope {
    BranchScope::new(user.branch_scope())
}

/// List branches (a branch-scoped user sees only theirs).
#[utoipa::path(get, path = "/api/v1/branches", tag = "organisation", security(("bearer" = [])),
    params(("limit" = Option<u32>, Query, description = "1–200, default 50"), ("cursor" = Option<String>, Query, description = "opaque")),
    responses((status = 200, description = "A page of branches", body = Page<Branch>)))]
#[rocket::get("/branches?<limit>&<cursor>")]
pub async fn list_branches(
    user: TenantUser,
    limit: Option<&str>,
    cursor: Option<&str>,
) -> AppResult<Json<Page<Branch>>> {
    user.require("org.branches:read")?;
    let page = PageRequest::parse(limit, cursor)?;
    let after = page.after.map(|(_, id)| id.to_string());
    let scope = scope_of(&user).sql_param();
    let rows = user
        .tenant
        .db
        .read(move |c| repo::list(c, scope.as_deref(), after.as_deref(), page.limit))
        .await?;
    Ok(Json(page_of(rows, page.limit, |b| {
        (String::new(), b.id.clone())
    })))
}

/// Create a branch. Branch-scoped users get 403.
#[utoipa::path(post, path = "/api/v1/branches", tag = "organisation", request_body = CreateBranch, security(("bearer" = [])),
    responses((status = 201, description = "Created", body = Branch)))]
#[rocket::post("/branches", data = "<body>")]
pub async fn create_branch(
    user: TenantUser,
    body: JsonBody<CreateBranch>,
) -> AppResult<(Status, Json<Branch>)> {
    user.require("org.branches:write")?;
    let (t, actor, scope) = (Arc::clone(&user.tenant), user.actor(), scope_of(&user));
    let b = blocking::run(move || service::create(&t, &scope, &body.0, &actor)).await?;
    Ok((Status::Created, Json(b)))
}

/// One branch.
#[utoipa::path(get, path = "/api/v1/branches/{id}", tag = "organisation", security(("bearer" = [])),
    params(("id" = String, Path, description = "branch id")),
    responses((status = 200, description = "The branch", body = Branch)))]
#[rocket::get("/branches/<id>")]
pub async fn get_branch(user: TenantUser, id: &str) -> AppResult<Json<Branch>> {
    user.require("org.branches:read")?;
    let id = ids::parse(id)?;
    let scope = scope_of(&user);
    user.tenant
        .db
        .read(move |c| {
            repo::get(c, &id)?
                .filter(|b| scope.allows(&b.id))
                .ok_or(AppError::NotFound)
        })
        .await
        .map(Json)
}

/// Change a branch; `If-Match` guards against lost updates.
#[utoipa::path(patch, path = "/api/v1/branches/{id}", tag = "organisation", request_body = PatchBranch, security(("bearer" = [])),
    params(("id" = String, Path, description = "branch id"), ("If-Match" = Option<String>, Header, description = "expected version")),
    responses((status = 200, description = "Updated", body = Branch)))]
#[rocket::patch("/branches/<id>", data = "<body>")]
pub async fn patch_branch(
    user: TenantUser,
    id: &str,
    body: JsonBody<PatchBranch>,
    if_match: IfMatch,
) -> AppResult<Json<Branch>> {
    user.require("org.branches:write")?;
    let id = ids::parse(id)?;
    let (t, actor, scope) = (Arc::clone(&user.tenant), user.actor(), scope_of(&user));
    blocking::run(move || service::patch(&t, &scope, &id, &body.0, if_match.0, &actor))
        .await
        .map(Json)
}
