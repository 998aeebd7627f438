//! `GET /api/v1/invoices/{id}/pdf`, `/credit-notes/{id}/pdf`, `/debit-notes/{id}/pdf`.

use std::sync::Arc;

use rocket::http::ContentType;
use rocket::State;

use super::build::{self, Current};
use crate::auth::TenantUser;
use crate::blocking;
use crate::error::{AppError, AppResult};
use crate::http::binary::Binary;
use crate::ids;
use crate::keys::KeyStore;
use crate::modules::company::{repo as company, service as company_service};
use crate::modules::sales::common::Scope;
use crate::modules::sales::invoices::model::InvoiceStatus;
use crate::modules::sales::invoices::service as invoices;
use crate::modules::sales::notes::model::{NoteKind, NoteStatus};
use crate::modules::sales::notes::service as notes;
use crate::pdf::{self, CopyLabel, PrintDoc};
use crate::tenancy::TenantHandle;

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![invoice_pdf, credit_note_pdf, debit_note_pdf]
}

fn scope_of(user: &TenantUser) -> Scope {
    user.branch_scope().map(<[String]>::to_vec)
}

fn copy_param(v: Option<&str>) -> AppResult<CopyLabel> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        None | Some("original") => Ok(CopyLabel::Original),
        Some("duplicate") => Ok(CopyLabel::Duplicate),
        Some("triplicate") => Ok(CopyLabel::Triplicate),
        Some(_) => Err(AppError::field(
            "copy",
            "invalid_value",
            "original, duplicate or triplicate",
        )),
    }
}

fn current(tenant: &Arc<TenantHandle>, keys: &KeyStore) -> AppResult<Current> {
    let (row, logo) = tenant
        .db
        .read_blocking(|c| Ok((company::get(c)?, company::logo(c)?)))?;
    let bank_account = match row.bank_account_enc {
        None => None,
        Some(_) => company_service::bank_account(&*keys.ring_blocking(&tenant.slug)?, &row)?,
    };
    Ok(Current {
        company: row,
        bank_account,
        logo: logo.map(|(_, bytes)| bytes),
    })
}

fn draft_refused() -> AppError {
    AppError::Conflict("a draft is not a tax document yet; issue it to print it".into())
}

/// The file name of a document: its number with `/` as `-`.
fn file_name(number: &str) -> String {
    format!("{}.pdf", number.replace('/', "-"))
}

fn respond(doc: PrintDoc) -> AppResult<Binary> {
    let bytes = pdf::render(&doc).map_err(AppError::internal)?;
    Ok(Binary {
        content_type: ContentType::PDF,
        filename: Some(file_name(&doc.number)),
        bytes,
    })
}

/// The invoice as an A4 PDF with every Rule 46 particular (issued and cancelled
/// invoices; a draft is 409).
#[utoipa::path(get, path = "/api/v1/invoices/{id}/pdf", tag = "sales", security(("bearer" = [])),
    params(("id" = String, Path, description = "invoice id"),
        ("copy" = Option<String>, Query, description = "original (default), duplicate or triplicate")),
    responses((status = 200, description = "The PDF, as an attachment", content_type = "application/pdf", body = Vec<u8>)))]
#[rocket::get("/invoices/<id>/pdf?<copy>")]
pub async fn invoice_pdf(
    user: TenantUser,
    keys: &State<Arc<KeyStore>>,
    id: &str,
    copy: Option<&str>,
) -> AppResult<Binary> {
    user.require("sales.invoices:read")?;
    let (id, copy) = (ids::parse(id)?, copy_param(copy)?);
    let (t, scope, keys) = (Arc::clone(&user.tenant), scope_of(&user), Arc::clone(keys));
    blocking::run(move || {
        let inv = t.db.read_blocking(|c| invoices::visible(c, &scope, &id))?;
        if inv.status == InvoiceStatus::Draft {
            return Err(draft_refused());
        }
        respond(build::invoice(&inv, copy, &current(&t, &keys)?)?)
    })
    .await
}

async fn note_pdf(
    user: TenantUser,
    keys: &State<Arc<KeyStore>>,
    kind: NoteKind,
    id: &str,
    copy: Option<&str>,
) -> AppResult<Binary> {
    user.require(&kind.permission("read"))?;
    let (id, copy) = (ids::parse(id)?, copy_param(copy)?);
    let (t, scope, keys) = (Arc::clone(&user.tenant), scope_of(&user), Arc::clone(keys));
    blocking::run(move || {
        let (note, inv) = t.db.read_blocking(|c| {
            let note = notes::visible(c, &scope, kind, &id)?;
            let inv = invoices::visible(c, &None, &note.invoice_id)?;
            Ok((note, inv))
        })?;
        if note.status == NoteStatus::Draft {
            return Err(draft_refused());
        }
        respond(build::note(&note, &inv, copy, &current(&t, &keys)?)?)
    })
    .await
}

/// The credit note as an A4 PDF with every Rule 53 particular (a draft is 409).
#[utoipa::path(get, path = "/api/v1/credit-notes/{id}/pdf", tag = "sales", security(("bearer" = [])),
    params(("id" = String, Path, description = "note id"),
        ("copy" = Option<String>, Query, description = "original (default), duplicate or triplicate")),
    responses((status = 200, description = "The PDF, as an attachment", content_type = "application/pdf", body = Vec<u8>)))]
#[rocket::get("/credit-notes/<id>/pdf?<copy>")]
pub async fn credit_note_pdf(
    user: TenantUser,
    keys: &State<Arc<KeyStore>>,
    id: &str,
    copy: Option<&str>,
) -> AppResult<Binary> {
    note_pdf(user, keys, NoteKind::Credit, id, copy).await
}

/// The debit note as an A4 PDF with every Rule 53 particular (a draft is 409).
#[utoipa::path(get, path = "/api/v1/debit-notes/{id}/pdf", tag = "sales", security(("bearer" = [])),
    params(("id" = String, Path, description = "note id"),
        ("copy" = Option<String>, Query, description = "original (default), duplicate or triplicate")),
    responses((status = 200, description = "The PDF, as an attachment", content_type = "application/pdf", body = Vec<u8>)))]
#[rocket::get("/debit-notes/<id>/pdf?<copy>")]
pub async fn debit_note_pdf(
    user: TenantUser,
    keys: &State<Arc<KeyStore>>,
    id: &str,
    copy: Option<&str>,
) -> AppResult<Binary> {
    note_pdf(user, keys, NoteKind::Debit, id, copy).await
}
