//! `/api/v1/users`, `/api/v1/roles`, `/api/v1/permissions`.

use std::sync::Arc;

use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::State;

use super::model::*;
use super::{repo, service};
use crate::auth::permissions::{PermissionInfo, CATALOGUE};
use crate::auth::{Auth, TenantUser};
use crate::blocking;
use crate::error::{AppError, AppResult};
use crate::http::headers::IfMatch;
use crate::http::pagination::{page_of, Page};
use crate::http::query::PageRequest;
use crate::http::JsonBody;
use crate::ids;

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![
        list_permissions,
        list_roles,
        create_role,
        get_role,
        patch_role,
        delete_role,
        list_users,
        create_user,
        get_user,
        patch_user,
        deactivate_user
    ]
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PermissionList {
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<PermissionInfo>,
}

/// The permission catalogue.
#[utoipa::path(get, path = "/api/v1/permissions", tag = "access", security(("bearer" = [])),
    responses((status = 200, description = "Every permission", body = PermissionList)))]
#[rocket::get("/permissions")]
pub async fn list_permissions(_user: TenantUser) -> Json<PermissionList> {
    Json(PermissionList {
        items: CATALOGUE.to_vec(),
    })
}

/// List roles (built-in and custom).
#[utoipa::path(get, path = "/api/v1/roles", tag = "access", security(("bearer" = [])),
    params(("limit" = Option<u32>, Query, description = "1–200, default 50"), ("cursor" = Option<String>, Query, description = "opaque")),
    responses((status = 200, description = "A page of roles", body = Page<Role>)))]
#[rocket::get("/roles?<limit>&<cursor>")]
pub async fn list_roles(
    user: TenantUser,
    limit: Option<&str>,
    cursor: Option<&str>,
) -> AppResult<Json<Page<Role>>> {
    user.require("iam.roles:read")?;
    let page = PageRequest::parse(limit, cursor)?;
    let after = page.after.map(|(_, id)| id.to_string());
    let rows = user
        .tenant
        .db
        .read(move |c| repo::list_roles(c, after.as_deref(), page.limit))
        .await?;
    Ok(Json(page_of(rows, page.limit, |r| {
        (String::new(), r.id.clone())
    })))
}

/// Create a custom role.
#[utoipa::path(post, path = "/api/v1/roles", tag = "access", request_body = CreateRole, security(("bearer" = [])),
    responses((status = 201, description = "Created", body = Role)))]
#[rocket::post("/roles", data = "<body>")]
pub async fn create_role(
    user: TenantUser,
    body: JsonBody<CreateRole>,
) -> AppResult<(Status, Json<Role>)> {
    user.require("iam.roles:write")?;
    let (t, actor) = (Arc::clone(&user.tenant), user.actor());
    let role = blocking::run(move || service::create_role(&t, &body.0, &actor)).await?;
    Ok((Status::Created, Json(role)))
}

/// One role.
#[utoipa::path(get, path = "/api/v1/roles/{id}", tag = "access", security(("bearer" = [])),
    params(("id" = String, Path, description = "role id")),
    responses((status = 200, description = "The role", body = Role)))]
#[rocket::get("/roles/<id>")]
pub async fn get_role(user: TenantUser, id: &str) -> AppResult<Json<Role>> {
    user.require("iam.roles:read")?;
    let id = ids::parse(id)?;
    user.tenant
        .db
        .read(move |c| repo::get_role(c, &id)?.ok_or(AppError::NotFound))
        .await
        .map(Json)
}

/// Change a custom role (applies to its users' very next request).
#[utoipa::path(patch, path = "/api/v1/roles/{id}", tag = "access", request_body = PatchRole, security(("bearer" = [])),
    params(("id" = String, Path, description = "role id"), ("If-Match" = Option<String>, Header, description = "expected version")),
    responses((status = 200, description = "Updated", body = Role)))]
#[rocket::patch("/roles/<id>", data = "<body>")]
pub async fn patch_role(
    user: TenantUser,
    id: &str,
    body: JsonBody<PatchRole>,
    if_match: IfMatch,
) -> AppResult<Json<Role>> {
    user.require("iam.roles:write")?;
    let id = ids::parse(id)?;
    let (t, actor) = (Arc::clone(&user.tenant), user.actor());
    blocking::run(move || service::patch_role(&t, &id, &body.0, if_match.0, &actor))
        .await
        .map(Json)
}

/// Delete a custom role that no user holds.
#[utoipa::path(delete, path = "/api/v1/roles/{id}", tag = "access", security(("bearer" = [])),
    params(("id" = String, Path, description = "role id")),
    responses((status = 204, description = "Deleted")))]
#[rocket::delete("/roles/<id>")]
pub async fn delete_role(user: TenantUser, id: &str) -> AppResult<Status> {
    user.require("iam.roles:write")?;
    let id = ids::parse(id)?;
    let (t, actor) = (Arc::clone(&user.tenant), user.actor());
    blocking::run(move || service::delete_role(&t, &id, &actor)).await?;
    Ok(Status::NoContent)
}

/// List users.
#[utoipa::path(get, path = "/api/v1/users", tag = "access", security(("bearer" = [])),
    params(("limit" = Option<u32>, Query, description = "1–200, default 50"), ("cursor" = Option<String>, Query, description = "opaque")),
    responses((status = 200, description = "A page of users", body = Page<User>)))]
#[rocket::get("/users?<limit>&<cursor>")]
pub async fn list_users(
    user: TenantUser,
    limit: Option<&str>,
    cursor: Option<&str>,
) -> AppResult<Json<Page<User>>> {
    user.require("iam.users:read")?;
    let page = PageRequest::parse(limit, cursor)?;
    let after = page.after.map(|(_, id)| id.to_string());
    let rows = user
        .tenant
        .db
        .read(move |c| repo::list_users(c, after.as_deref(), page.limit))
        .await?;
    Ok(Json(page_of(rows, page.limit, |u| {
        (String::new(), u.id.clone())
    })))
}

/// Create a user with roles (by name) and an optional branch scope.
#[utoipa::path(post, path = "/api/v1/users", tag = "access", request_body = CreateUser, security(("bearer" = [])),
    responses((status = 201, description = "Created", body = User)))]
#[rocket::post("/users", data = "<body>")]
pub async fn create_user(
    user: TenantUser,
    body: JsonBody<CreateUser>,
) -> AppResult<(Status, Json<User>)> {
    user.require("iam.users:write")?;
    let (t, actor) = (Arc::clone(&user.tenant), user.actor());
    let created = blocking::run(move || service::create_user(&t, &body.0, &actor)).await?;
    Ok((Status::Created, Json(created)))
}

/// One user.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "access", security(("bearer" = [])),
    params(("id" = String, Path, description = "user id")),
    responses((status = 200, description = "The user", body = User)))]
#[rocket::get("/users/<id>")]
pub async fn get_user(user: TenantUser, id: &str) -> AppResult<Json<User>> {
    user.require("iam.users:read")?;
    let id = ids::parse(id)?;
    user.tenant
        .db
        .read(move |c| repo::get_user(c, &id)?.ok_or(AppError::NotFound))
        .await
        .map(Json)
}

/// Change a user's name, roles or branch scope.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "access", request_body = PatchUser, security(("bearer" = [])),
    params(("id" = String, Path, description = "user id"), ("If-Match" = Option<String>, Header, description = "expected version")),
    responses((status = 200, description = "Updated", body = User)))]
#[rocket::patch("/users/<id>", data = "<body>")]
pub async fn patch_user(
    user: TenantUser,
    id: &str,
    body: JsonBody<PatchUser>,
    if_match: IfMatch,
) -> AppResult<Json<User>> {
    user.require("iam.users:write")?;
    let id = ids::parse(id)?;
    let (t, actor) = (Arc::clone(&user.tenant), user.actor());
    blocking::run(move || service::patch_user(&t, &id, &body.0, if_match.0, &actor))
        .await
        .map(Json)
}

/// Deactivate a user: they cannot sign in and every session they had ends.
#[utoipa::path(post, path = "/api/v1/users/{id}/deactivate", tag = "access", security(("bearer" = [])),
    params(("id" = String, Path, description = "user id")),
    responses((status = 200, description = "Deactivated", body = User)))]
#[rocket::post("/users/<id>/deactivate")]
pub async fn deactivate_user(
    user: TenantUser,
    id: &str,
    auth: &State<Arc<Auth>>,
) -> AppResult<Json<User>> {
    user.require("iam.users:write")?;
    let id = ids::parse(id)?;
    let (t, actor, auth) = (Arc::clone(&user.tenant), user.actor(), Arc::clone(auth));
    blocking::run(move || service::deactivate_user(&auth, &t, &id, &actor))
        .await
        .map(Json)
}
