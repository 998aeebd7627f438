//! `/api/v1/files`: upload (multipart), list per owner, download, delete.

use std::io::Cursor;
use std::sync::Arc;

use rocket::http::{ContentType, Header, Status};
use rocket::response::{self, Responder, Response};
use rocket::serde::json::Json;
use rocket::{Request, State};
use zeroize::Zeroizing;

use super::model::{FileMeta, UploadForm};
use super::repo;
use super::service::{self, count_rejection, Owner, Scanned};
use super::upload::Upload;
use crate::auth::TenantUser;
use crate::blocking;
use crate::error::{AppError, AppResult};
use crate::http::pagination::page_of;
use crate::http::pagination::Page;
use crate::http::query::PageRequest;
use crate::ids;
use crate::keys::KeyStore;
use crate::modules::fields::BranchScope;
use crate::scan::{ScanDecision, ScanStatus, Scanner};

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![upload_file, list_files, get_file, delete_file]
}

/// The configured malware scanner, if any (managed state).
pub struct ScannerState(pub Option<Arc<Scanner>>);

fn scope_of(user: &TenantUser) -> BranchScope {
    BranchScope::new(user.branch_scope())
}

/// Counts a refused upload by reason, then passes the error on.
fn counted<T>(r: AppResult<T>) -> AppResult<T> {
    if let Err(e) = &r {
        count_rejection(e);
    }
    r
}

/// Attach a document to an employee or an invoice. The type is read from the content
/// (PDF, PNG, JPEG; else 415), the size is limited (default 10 MiB; else 413), and with
/// a scanner configured the bytes are scanned before anything is stored (422
/// `malware_detected`; 503 `scanner_unavailable` under `fail_closed`).
#[utoipa::path(post, path = "/api/v1/files", tag = "documents", security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, description = "Stored, encrypted", body = FileMeta)))]
#[rocket::post("/files", data = "<upload>")]
pub async fn upload_file(
    user: TenantUser,
    keys: &State<Arc<KeyStore>>,
    scanner: &State<ScannerState>,
    upload: Upload,
) -> AppResult<(Status, Json<FileMeta>)> {
    counted(store_upload(user, keys, scanner, upload).await).map(|m| (Status::Created, Json(m)))
}

async fn store_upload(
    user: TenantUser,
    keys: &State<Arc<KeyStore>>,
    scanner: &State<ScannerState>,
    upload: Upload,
) -> AppResult<FileMeta> {
    let owner = Owner::parse(&upload.entity)?;
    user.require(owner.write_permission())?;
    let checked = service::check(&upload)?;
    let scope = scope_of(&user);
    // Before scanning, so nobody probes the scanner through other branches' records.
    let (s, o, id) = (scope.clone(), checked.owner, checked.owner_id.clone());
    user.tenant
        .db
        .read(move |c| service::owner_visible(c, &s, o, &id))
        .await
        .map_err(service::not_found_as_field)?;
    let scanned = match &scanner.0 {
        None => Scanned::NoScanner,
        Some(sc) => match sc.scan(&upload.data).await {
            ScanDecision::Store(ScanStatus::Clean) => Scanned::Clean,
            ScanDecision::Store(ScanStatus::Unscanned) => Scanned::ScannerDown,
            ScanDecision::RejectMalware { signature } => {
                tracing::warn!(tenant = %user.tenant.slug, signature = %signature, size = upload.data.len(),
                    "upload refused: malware detected");
                let (t, actor, sig, size) = (
                    Arc::clone(&user.tenant),
                    user.actor(),
                    signature.clone(),
                    upload.data.len(),
                );
                blocking::run(move || service::record_malware(&t, &checked, size, &sig, &actor))
                    .await?;
                return Err(AppError::MalwareDetected(signature));
            }
            ScanDecision::RejectUnavailable(e) => {
                tracing::error!(scanner = %sc.target(), error = %e, "upload refused: scanner unavailable (fail_closed)");
                return Err(AppError::ScannerUnavailable);
            }
        },
    };
    let (t, actor, keys) = (Arc::clone(&user.tenant), user.actor(), Arc::clone(keys));
    blocking::run(move || {
        service::store(&t, &keys, &scope, &checked, &upload.data, scanned, &actor)
    })
    .await
}

/// The documents of one employee or invoice (metadata only), oldest first.
#[utoipa::path(get, path = "/api/v1/files", tag = "documents", security(("bearer" = [])),
    params(("entity" = String, Query, description = "employee | invoice"), ("entity_id" = String, Query, description = "its id"),
        ("limit" = Option<u32>, Query, description = "1–200, default 50"), ("cursor" = Option<String>, Query, description = "opaque")),
    responses((status = 200, description = "A page of documents", body = Page<FileMeta>)))]
#[rocket::get("/files?<entity>&<entity_id>&<limit>&<cursor>")]
pub async fn list_files(
    user: TenantUser,
    entity: Option<&str>,
    entity_id: Option<&str>,
    limit: Option<&str>,
    cursor: Option<&str>,
) -> AppResult<Json<Page<FileMeta>>> {
    let owner = Owner::parse(entity.unwrap_or_default())?;
    user.require(owner.read_permission())?;
    let id = entity_id
        .and_then(|v| uuid::Uuid::parse_str(v).ok())
        .ok_or_else(|| AppError::field("entity_id", "invalid_format", "must be a UUID"))?
        .to_string();
    let page = PageRequest::parse(limit, cursor)?;
    let scope = scope_of(&user);
    let (limit, after) = (page.limit, page.after.map(|(_, u)| u.to_string()));
    let rows = user
        .tenant
        .db
        .read(move |c| {
            service::owner_visible(c, &scope, owner, &id)?;
            repo::list(c, owner.as_str(), &id, after.as_deref(), limit)
        })
        .await?;
    Ok(Json(page_of(rows, limit, |f| {
        (String::new(), f.id.clone())
    })))
}

/// A document's bytes, always as an attachment with its detected type.
pub struct Download {
    meta: FileMeta,
    data: Zeroizing<Vec<u8>>,
}

/// `filename="ascii"; filename*=UTF-8''percent-encoded` (RFC 6266), so every browser
/// gets a safe name and modern ones the exact one.
fn disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .map(|c| if c == '"' || c == '\\' { '_' } else { c })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

impl<'r> Responder<'r, 'static> for Download {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        let ct =
            ContentType::parse_flexible(&self.meta.content_type).unwrap_or(ContentType::Binary);
        let bytes: Vec<u8> = self.data.to_vec();
        Response::build()
            .header(ct)
            .header(Header::new(
                "Content-Disposition",
                disposition(&self.meta.filename),
            ))
            .header(Header::new("Cache-Control", "private, no-store"))
            .header(Header::new("X-Content-Type-Options", "nosniff"))
            .header(Header::new(
                "Content-Security-Policy",
                "default-src 'none'; sandbox",
            ))
            .header(Header::new("X-File-Sha256", self.meta.sha256.clone()))
            .sized_body(bytes.len(), Cursor::new(bytes))
            .ok()
    }
}

/// Download a document. Invoice documents need `sales.invoices:read`; employee documents
/// (ID proofs) need `hr.employees:reveal`, and each download is audited.
#[utoipa::path(get, path = "/api/v1/files/{id}", tag = "documents", security(("bearer" = [])),
    params(("id" = String, Path, description = "file id")),
    responses((status = 200, description = "The bytes, as an attachment", content_type = "application/octet-stream", body = Vec<u8>)))]
#[rocket::get("/files/<id>")]
pub async fn get_file(
    user: TenantUser,
    keys: &State<Arc<KeyStore>>,
    id: &str,
) -> AppResult<Download> {
    let id = ids::parse(id)?;
    let (t, actor, scope, keys) = (
        Arc::clone(&user.tenant),
        user.actor(),
        scope_of(&user),
        Arc::clone(keys),
    );
    let (meta, data) =
        blocking::run(move || service::download(&t, &keys, &scope, &|p| user.can(p), &id, &actor))
            .await?;
    Ok(Download { meta, data })
}

/// Remove a document (write permission on its employee or invoice); audited.
#[utoipa::path(delete, path = "/api/v1/files/{id}", tag = "documents", security(("bearer" = [])),
    params(("id" = String, Path, description = "file id")),
    responses((status = 204, description = "Removed")))]
#[rocket::delete("/files/<id>")]
pub async fn delete_file(user: TenantUser, id: &str) -> AppResult<Status> {
    let id = ids::parse(id)?;
    let (t, actor, scope) = (Arc::clone(&user.tenant), user.actor(), scope_of(&user));
    blocking::run(move || service::remove(&t, &scope, &|p| user.can(p), &id, &actor)).await?;
    Ok(Status::NoContent)
}
