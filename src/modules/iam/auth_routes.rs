//! `/api/v1/auth/*`: login, refresh, logout, password change, me.

use std::sync::Arc;

use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::State;

use super::model::*;
use super::service;
use crate::audit::Actor;
use crate::auth::{sessions, AnyTenantUser, Auth};
use crate::blocking;
use crate::clock;
use crate::error::{AppError, AppResult};
use crate::http::{ClientIp, JsonBody};
use crate::tenancy::Tenants;

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![login, refresh, logout, change_password, me]
}

fn anonymous(ip: ClientIp, rid: &str) -> Actor {
    Actor {
        actor_id: None,
        request_id: Some(rid.to_string()),
        ip: Some(ip.0.to_string()),
    }
}

/// Sign in to a tenant.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, description = "Signed in", body = LoginResponse)))]
#[rocket::post("/auth/login", data = "<body>")]
pub async fn login(
    body: JsonBody<LoginRequest>,
    auth: &State<Arc<Auth>>,
    tenants: &State<Arc<Tenants>>,
    ip: ClientIp,
    rid: RequestIdParam,
) -> AppResult<Json<LoginResponse>> {
    let (auth, tenants) = (Arc::clone(auth), Arc::clone(tenants));
    let actor = anonymous(ip, &rid.0);
    blocking::run(move || service::login(&auth, &tenants, &body.0, &actor))
        .await
        .map(Json)
}

/// Exchange a refresh token for a new pair (the presented token is spent).
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, description = "New token pair", body = LoginResponse)))]
#[rocket::post("/auth/refresh", data = "<body>")]
pub async fn refresh(
    body: JsonBody<RefreshRequest>,
    auth: &State<Arc<Auth>>,
    tenants: &State<Arc<Tenants>>,
    ip: ClientIp,
) -> AppResult<Json<LoginResponse>> {
    let (auth, tenants) = (Arc::clone(auth), Arc::clone(tenants));
    blocking::run(move || {
        service::refresh(&auth, &tenants, &body.0.refresh_token, &ip.0.to_string())
    })
    .await
    .map(Json)
}

/// Sign out: this access token and its whole refresh family stop working.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204, description = "Signed out")))]
#[rocket::post("/auth/logout")]
pub async fn logout(user: AnyTenantUser, auth: &State<Arc<Auth>>) -> AppResult<Status> {
    let auth = Arc::clone(auth);
    auth.limits
        .auth
        .check(&format!("{}|{}", user.ip, user.user_id()))?;
    let c = user.claims.clone();
    let actor = user.actor();
    let tenant = Arc::clone(&user.tenant);
    blocking::run(move || {
        sessions::logout(&auth, &c.jti, &c.fam, c.exp, clock::unix_now())?;
        tenant.db.write_blocking(|tx| {
            crate::audit::append(
                tx,
                &actor,
                "auth.logout",
                "user",
                Some(&c.sub),
                serde_json::json!({}),
            )?;
            Ok(())
        })
    })
    .await?;
    Ok(Status::NoContent)
}

/// Change the signed-in user's password; all their sessions end.
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "auth", request_body = PasswordChange, security(("bearer" = [])),
    responses((status = 204, description = "Password changed; sign in again")))]
#[rocket::post("/auth/password", data = "<body>")]
pub async fn change_password(
    user: AnyTenantUser,
    body: JsonBody<PasswordChange>,
    auth: &State<Arc<Auth>>,
) -> AppResult<Status> {
    let auth = Arc::clone(auth);
    auth.limits
        .auth
        .check(&format!("{}|{}", user.ip, user.user_id()))?;
    let actor = user.actor();
    let tenant = Arc::clone(&user.tenant);
    let uid = user.user_id().to_string();
    blocking::run(move || service::change_password(&auth, &tenant, &uid, &body.0, &actor)).await?;
    Ok(Status::NoContent)
}

/// The signed-in user, their roles and effective permissions.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, description = "The signed-in user", body = Me)))]
#[rocket::get("/auth/me")]
pub async fn me(user: AnyTenantUser, auth: &State<Arc<Auth>>) -> Json<Me> {
    Json(service::me_of(
        &user.principal,
        user.claims.pwx,
        auth.backups_missing,
    ))
}

/// The request id as a handler parameter.
pub struct RequestIdParam(pub String);

#[rocket::async_trait]
impl<'r> rocket::request::FromRequest<'r> for RequestIdParam {
    type Error = AppError;
    async fn from_request(
        req: &'r rocket::Request<'_>,
    ) -> rocket::request::Outcome<Self, Self::Error> {
        rocket::request::Outcome::Success(RequestIdParam(crate::http::problem::request_id(req)))
    }
}
