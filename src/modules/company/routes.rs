//! `/api/v1/company` and its logo.

use std::sync::Arc;

use rocket::data::{Data, ToByteUnit};
use rocket::http::ContentType;
use rocket::serde::json::Json;
use rocket::State;

use super::model::{Company, PutCompany};
use super::{repo, service};
use crate::auth::TenantUser;
use crate::blocking;
use crate::error::{AppError, AppResult};
use crate::http::binary::Binary;
use crate::http::headers::IfMatch;
use crate::http::JsonBody;
use crate::keys::KeyStore;

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![get_company, put_company, get_logo, put_logo]
}

/// The company profile printed on every tax document.
#[utoipa::path(get, path = "/api/v1/company", tag = "organisation", security(("bearer" = [])),
    responses((status = 200, description = "The profile (bank account masked)", body = Company)))]
#[rocket::get("/company")]
pub async fn get_company(user: TenantUser) -> AppResult<Json<Company>> {
    user.require("org.company:read")?;
    let row = user.tenant.db.read(repo::get).await?;
    Ok(Json(row.view()))
}

/// Replace the company profile. A PAN that a branch GSTIN does not carry is 422
/// `pan_mismatch`; sending the masked account number back keeps the stored one.
#[utoipa::path(put, path = "/api/v1/company", tag = "organisation", request_body = PutCompany, security(("bearer" = [])),
    params(("If-Match" = Option<String>, Header, description = "expected version, e.g. \"3\"")),
    responses((status = 200, description = "The new profile", body = Company)))]
#[rocket::put("/company", data = "<body>")]
pub async fn put_company(
    user: TenantUser,
    keys: &State<Arc<KeyStore>>,
    body: JsonBody<PutCompany>,
    if_match: IfMatch,
) -> AppResult<Json<Company>> {
    user.require("org.company:write")?;
    let (t, actor, keys) = (Arc::clone(&user.tenant), user.actor(), Arc::clone(keys));
    let row = blocking::run(move || service::put(&t, &keys, &body.0, if_match.0, &actor)).await?;
    Ok(Json(row.view()))
}

/// The logo (PNG or JPEG); 404 when none is set.
#[utoipa::path(get, path = "/api/v1/company/logo", tag = "organisation", security(("bearer" = [])),
    responses((status = 200, description = "The image", content_type = "image/png", body = Vec<u8>)))]
#[rocket::get("/company/logo")]
pub async fn get_logo(user: TenantUser) -> AppResult<Binary> {
    user.require("org.company:read")?;
    let (mime, bytes) = user
        .tenant
        .db
        .read(repo::logo)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Binary {
        content_type: ContentType::parse_flexible(&mime).unwrap_or(ContentType::Binary),
        filename: None,
        bytes,
    })
}

/// Upload the logo as the raw request body: a PNG or JPEG judged by its bytes (else 415),
/// at most 512 KiB (else 413).
#[utoipa::path(put, path = "/api/v1/company/logo", tag = "organisation", security(("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "image/png", description = "PNG or JPEG bytes"),
    responses((status = 200, description = "The profile with its new logo id", body = Company)))]
#[rocket::put("/company/logo", data = "<body>")]
pub async fn put_logo(user: TenantUser, body: Data<'_>) -> AppResult<Json<Company>> {
    user.require("org.company:write")?;
    let read = body
        .open((service::LOGO_MAX_BYTES + 1).bytes())
        .into_bytes()
        .await
        .map_err(|_| AppError::BadRequest("the body could not be read".into()))?;
    if !read.is_complete() || read.len() > service::LOGO_MAX_BYTES {
        return Err(AppError::PayloadTooLarge(format!(
            "a logo is at most {} bytes",
            service::LOGO_MAX_BYTES
        )));
    }
    let (t, actor, data) = (Arc::clone(&user.tenant), user.actor(), read.into_inner());
    let row = blocking::run(move || service::put_logo(&t, data, &actor)).await?;
    Ok(Json(row.view()))
}
