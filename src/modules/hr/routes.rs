//! `/api/v1/employees` and `/api/v1/employees/lookup`.

use std::sync::Arc;

use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::State;

use super::model::*;
use super::repo::{self, EmployeeFilter};
use super::service;
use crate::auth::TenantUser;
use crate::blocking;
use crate::error::{AppError, AppResult};
use crate::http::headers::IfMatch;
use crate::http::pagination::page_of;
use crate::http::pagination::Page;
use crate::http::query::{uuid_param, PageRequest};
use crate::http::JsonBody;
use crate::ids;
use crate::keys::KeyStore;
use crate::modules::fields::BranchScope;

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![
        list_employees,
        create_employee,
        get_employee,
        patch_employee,
        lookup_employees
    ]
}

fn scope_of(user: &TenantUser) -> BranchScope {
    BranchScope::new(user.branch_scope())
}

fn status_param(v: Option<&str>) -> AppResult<Option<String>> {
    match v.filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s @ ("active" | "exited")) => Ok(Some(s.to_string())),
        Some(_) => Err(AppError::field(
            "status",
            "invalid_value",
            "must be 'active' or 'exited'",
        )),
    }
}

fn q_param(v: Option<&str>) -> AppResult<Option<String>> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) if s.chars().count() > 100 => {
            Err(AppError::field("q", "too_long", "at most 100 characters"))
        }
        Some(s) => Ok(Some(s.to_string())),
    }
}

fn reveal_param(v: Option<&str>) -> AppResult<bool> {
    match v {
        None | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some(_) => Err(AppError::field(
            "reveal",
            "invalid_value",
            "must be true or false",
        )),
    }
}

/// List employees (sensitive numbers masked). Filters: `branch_id`, `status`, `q` (name prefix, case-insensitive).
#[utoipa::path(get, path = "/api/v1/employees", tag = "people", security(("bearer" = [])),
    params(("limit" = Option<u32>, Query, description = "1–200, default 50"), ("cursor" = Option<String>, Query, description = "opaque"),
        ("branch_id" = Option<String>, Query, description = "only this branch"), ("status" = Option<String>, Query, description = "active | exited"),
        ("q" = Option<String>, Query, description = "name prefix, case-insensitive")),
    responses((status = 200, description = "A page of employees", body = Page<Employee>)))]
#[rocket::get("/employees?<limit>&<cursor>&<branch_id>&<status>&<q>")]
pub async fn list_employees(
    user: TenantUser,
    limit: Option<&str>,
    cursor: Option<&str>,
    branch_id: Option<&str>,
    status: Option<&str>,
    q: Option<&str>,
) -> AppResult<Json<Page<Employee>>> {
    user.require("hr.employees:read")?;
    let page = PageRequest::parse(limit, cursor)?;
    let filter = EmployeeFilter {
        scope: scope_of(&user).sql_param(),
        branch_id: uuid_param("branch_id", branch_id)?.map(|u| u.to_string()),
        status: status_param(status)?,
        name_prefix: q_param(q)?,
        after: page.after.map(|(_, id)| id.to_string()),
        limit: page.limit,
    };
    let rows = user.tenant.db.read(move |c| repo::list(c, &filter)).await?;
    let items: Vec<Employee> = rows.iter().map(service::masked).collect();
    Ok(Json(page_of(items, page.limit, |e| {
        (String::new(), e.id.clone())
    })))
}

/// Create an employee. `branch_id` must be a branch the caller may use (else 422).
#[utoipa::path(post, path = "/api/v1/employees", tag = "people", request_body = CreateEmployee, security(("bearer" = [])),
    responses((status = 201, description = "Created (sensitive numbers masked)", body = Employee)))]
#[rocket::post("/employees", data = "<body>")]
pub async fn create_employee(
    user: TenantUser,
    keys: &State<Arc<KeyStore>>,
    body: JsonBody<CreateEmployee>,
) -> AppResult<(Status, Json<Employee>)> {
    user.require("hr.employees:write")?;
    let (t, actor, scope, keys) = (
        Arc::clone(&user.tenant),
        user.actor(),
        scope_of(&user),
        Arc::clone(keys),
    );
    let e = blocking::run(move || service::create(&t, &keys, &scope, &body.0, &actor)).await?;
    Ok((Status::Created, Json(e)))
}

/// One employee. With `reveal=true` (needs `hr.employees:reveal`) PAN, Aadhaar and the
/// account number come in full, and an `employee.reveal` audit event is written.
#[utoipa::path(get, path = "/api/v1/employees/{id}", tag = "people", security(("bearer" = [])),
    params(("id" = String, Path, description = "employee id"), ("reveal" = Option<bool>, Query, description = "return the sensitive numbers in full")),
    responses((status = 200, description = "The employee", body = Employee)))]
#[rocket::get("/employees/<id>?<reveal>")]
pub async fn get_employee(
    user: TenantUser,
    keys: &State<Arc<KeyStore>>,
    id: &str,
    reveal: Option<&str>,
) -> AppResult<Json<Employee>> {
    user.require("hr.employees:read")?;
    let reveal = reveal_param(reveal)?;
    if reveal {
        user.require("hr.employees:reveal")?;
    }
    let id = ids::parse(id)?;
    let scope = scope_of(&user);
    if !reveal {
        return user
            .tenant
            .db
            .read(move |c| service::get(c, &scope, &id))
            .await
            .map(Json);
    }
    let (t, actor, keys) = (Arc::clone(&user.tenant), user.actor(), Arc::clone(keys));
    blocking::run(move || service::reveal(&t, &keys, &scope, &id, &actor))
        .await
        .map(Json)
}

/// Change an employee; `If-Match` guards against lost updates, `null` clears a field.
#[utoipa::path(patch, path = "/api/v1/employees/{id}", tag = "people", request_body = PatchEmployee, security(("bearer" = [])),
    params(("id" = String, Path, description = "employee id"), ("If-Match" = Option<String>, Header, description = "expected version")),
    responses((status = 200, description = "Updated (sensitive numbers masked)", body = Employee)))]
#[rocket::patch("/employees/<id>", data = "<body>")]
pub async fn patch_employee(
    user: TenantUser,
    keys: &State<Arc<KeyStore>>,
    id: &str,
    body: JsonBody<PatchEmployee>,
    if_match: IfMatch,
) -> AppResult<Json<Employee>> {
    user.require("hr.employees:write")?;
    let id = ids::parse(id)?;
    let (t, actor, scope, keys) = (
        Arc::clone(&user.tenant),
        user.actor(),
        scope_of(&user),
        Arc::clone(keys),
    );
    blocking::run(move || service::patch(&t, &keys, &scope, &id, &body.0, if_match.0, &actor))
        .await
        .map(Json)
}

/// Exact lookup by `pan` or `aadhaar` (exactly one), through the blind index. The number
/// travels in the body, never in a URL.
#[utoipa::path(post, path = "/api/v1/employees/lookup", tag = "people", request_body = LookupRequest, security(("bearer" = [])),
    responses((status = 200, description = "Matching employees (masked); next_cursor is always null", body = Page<Employee>)))]
#[rocket::post("/employees/lookup", data = "<body>")]
pub async fn lookup_employees(
    user: TenantUser,
    keys: &State<Arc<KeyStore>>,
    body: JsonBody<LookupRequest>,
) -> AppResult<Json<Page<Employee>>> {
    user.require("hr.employees:read")?;
    let (t, scope, keys) = (Arc::clone(&user.tenant), scope_of(&user), Arc::clone(keys));
    let items = blocking::run(move || service::lookup(&t, &keys, &scope, &body.0)).await?;
    Ok(Json(Page {
        items,
        next_cursor: None,
    }))
}
