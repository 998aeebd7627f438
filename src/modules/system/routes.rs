//! `/api/v1/system/*`: for system administrators only (never tenant data).

use std::sync::Arc;

use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::State;

use super::model::*;
use super::service;
use crate::app::ReplicationState;
use crate::audit::Actor;
use crate::auth::{Auth, SystemAdmin};
use crate::blocking;
use crate::control::tenants::{TenantRecord, TenantStatus};
use crate::domain::TenantSlug;
use crate::error::{AppError, AppResult};
use crate::http::{ClientIp, JsonBody};
use crate::keys::KeyStore;
use crate::tenancy::Tenants;

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![
        login,
        list_tenants,
        create_tenant,
        suspend_tenant,
        resume_tenant
    ]
}

/// Sign in as a system administrator.
#[utoipa::path(post, path = "/api/v1/system/login", tag = "system", request_body = SystemLogin,
    responses((status = 200, description = "Signed in", body = SystemLoginResponse)))]
#[rocket::post("/system/login", data = "<body>")]
pub async fn login(
    body: JsonBody<SystemLogin>,
    auth: &State<Arc<Auth>>,
    ip: ClientIp,
) -> AppResult<Json<SystemLoginResponse>> {
    let auth = Arc::clone(auth);
    blocking::run(move || service::login(&auth, &body.0, &ip.0.to_string()))
        .await
        .map(Json)
}

/// Every tenant with its status.
#[utoipa::path(get, path = "/api/v1/system/tenants", tag = "system", security(("bearer" = [])),
    responses((status = 200, description = "All tenants", body = TenantList)))]
#[rocket::get("/system/tenants")]
pub async fn list_tenants(
    _admin: SystemAdmin,
    tenants: &State<Arc<Tenants>>,
) -> AppResult<Json<TenantList>> {
    let t = Arc::clone(tenants);
    let items = blocking::run(move || t.list_blocking()).await?;
    Ok(Json(TenantList {
        items,
        next_cursor: None,
    }))
}

/// Create a tenant with its owner.
#[utoipa::path(post, path = "/api/v1/system/tenants", tag = "system", request_body = CreateTenant, security(("bearer" = [])),
    responses((status = 201, description = "Created", body = CreatedTenant)))]
#[rocket::post("/system/tenants", data = "<body>")]
pub async fn create_tenant(
    admin: SystemAdmin,
    body: JsonBody<CreateTenant>,
    tenants: &State<Arc<Tenants>>,
    keys: &State<Arc<KeyStore>>,
    replication: &State<ReplicationState>,
    ip: ClientIp,
) -> AppResult<(Status, Json<CreatedTenant>)> {
    let (t, k) = (Arc::clone(tenants), Arc::clone(keys));
    let actor = Actor {
        actor_id: Some(format!("sysadmin:{}", admin.id)),
        request_id: None,
        ip: Some(ip.0.to_string()),
    };
    let p = blocking::run(move || service::provision_tenant(&t, &k, &body.0, &actor)).await?;
    tracing::info!(target: "bisman::security", admin = %admin.id, tenant = %p.created.tenant.slug, "tenant created");
    if let Some(r) = &replication.0 {
        if let Err(e) = r.register_tenant(&p.created.tenant.slug).await {
            tracing::error!(tenant = %p.created.tenant.slug, error = %e, "replication: could not register the new tenant now; the reconcile loop retries every few seconds");
            r.nudge();
        }
    }
    Ok((Status::Created, Json(p.created)))
}

async fn set_status(
    tenants: &Arc<Tenants>,
    slug: &str,
    status: TenantStatus,
) -> AppResult<TenantRecord> {
    let slug = TenantSlug::parse(slug).map_err(|e| AppError::field("slug", e.code, e.message))?;
    let t = Arc::clone(tenants);
    blocking::run(move || t.set_status_blocking(slug.as_str(), status)).await
}

/// Suspend a tenant: its users get 403 `tenant_suspended` until it is resumed.
#[utoipa::path(post, path = "/api/v1/system/tenants/{slug}/suspend", tag = "system", security(("bearer" = [])),
    params(("slug" = String, Path, description = "tenant slug")),
    responses((status = 200, description = "Suspended", body = TenantRecord)))]
#[rocket::post("/system/tenants/<slug>/suspend")]
pub async fn suspend_tenant(
    admin: SystemAdmin,
    slug: &str,
    tenants: &State<Arc<Tenants>>,
) -> AppResult<Json<TenantRecord>> {
    let r = set_status(tenants, slug, TenantStatus::Suspended).await?;
    tracing::info!(target: "bisman::security", admin = %admin.id, tenant = %r.slug, "tenant suspended");
    Ok(Json(r))
}

/// Resume a suspended tenant.
#[utoipa::path(post, path = "/api/v1/system/tenants/{slug}/resume", tag = "system", security(("bearer" = [])),
    params(("slug" = String, Path, description = "tenant slug")),
    responses((status = 200, description = "Active again", body = TenantRecord)))]
#[rocket::post("/system/tenants/<slug>/resume")]
pub async fn resume_tenant(
    admin: SystemAdmin,
    slug: &str,
    tenants: &State<Arc<Tenants>>,
) -> AppResult<Json<TenantRecord>> {
    let r = set_status(tenants, slug, TenantStatus::Active).await?;
    tracing::info!(target: "bisman::security", admin = %admin.id, tenant = %r.slug, "tenant resumed");
    Ok(Json(r))
}
