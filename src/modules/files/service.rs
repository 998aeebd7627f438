//! Rules of documents: who may attach, list and fetch them, what may be stored, and
//! storing it encrypted in one transaction with its audit event.

use std::sync::Arc;

use serde_json::json;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::model::FileMeta;
use super::repo;
use super::sniff::{clean_name, Kind, NameProblem};
use super::upload::Upload;
use crate::audit::{self, Actor};
use crate::crypto::CryptoError;
use crate::crypto::{decrypt_file, encrypt_file};
use crate::error::{AppError, AppResult};
use crate::keys::KeyStore;
use crate::modules::fields::BranchScope;
use crate::modules::hr::service as employees;
use crate::modules::sales::invoices::service as invoices;
use crate::scan::ScanStatus;
use crate::tenancy::TenantHandle;

/// What a document is attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Employee,
    Invoice,
}

impl Owner {
    pub fn parse(v: &str) -> AppResult<Owner> {
        match v {
            "employee" => Ok(Owner::Employee),
            "invoice" => Ok(Owner::Invoice),
            _ => Err(AppError::field(
                "entity",
                "invalid_value",
                "must be 'employee' or 'invoice'",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Owner::Employee => "employee",
            Owner::Invoice => "invoice",
        }
    }

    /// Needed to list an owner's documents.
    pub fn read_permission(self) -> &'static str {
        match self {
            Owner::Employee => "hr.employees:read",
            Owner::Invoice => "sales.invoices:read",
        }
    }

    /// Needed to download one. Employee documents are mostly ID proofs (Aadhaar and PAN
    /// cards, cancelled cheques): they show what masking hides, so they need reveal.
    pub fn download_permission(self) -> &'static str {
        match self {
            Owner::Employee => "hr.employees:reveal",
            Owner::Invoice => "sales.invoices:read",
        }
    }

    /// Needed to attach or remove one.
    pub fn write_permission(self) -> &'static str {
        match self {
            Owner::Employee => "hr.employees:write",
            Owner::Invoice => "sales.invoices:write",
        }
    }
}

/// Counts a refused upload in `bisman_uploads_rejected_total{reason}`.
pub fn count_rejection(e: &AppError) {
    if let Some(reason) = rejection_reason(e) {
        crate::metrics::global().inc_labelled("bisman_uploads_rejected_total", reason);
    }
}

/// The label of `bisman_uploads_rejected_total` for an upload refused with `e`.
fn rejection_reason(e: &AppError) -> Option<&'static str> {
    match e {
        AppError::PayloadTooLarge(_) => Some("too_large"),
        AppError::UnsupportedMediaType(_) => Some("unsupported_type"),
        AppError::MalwareDetected(_) => Some("malware"),
        AppError::ScannerUnavailable => Some("scanner_unavailable"),
        AppError::Validation(_) | AppError::BadRequest(_) => Some("invalid"),
        _ => None,
    }
}

/// What scanning said about an upload that may be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scanned {
    Clean,
    /// No scanner is configured.
    NoScanner,
    /// The scanner gave no verdict and the policy is `fail_open`.
    ScannerDown,
}

impl Scanned {
    pub fn status(self) -> ScanStatus {
        match self {
            Scanned::Clean => ScanStatus::Clean,
            Scanned::NoScanner | Scanned::ScannerDown => ScanStatus::Unscanned,
        }
    }
}

/// An upload that passed every check that needs no scanner and no database.
pub struct Checked {
    pub owner: Owner,
    pub owner_id: String,
    pub kind: Kind,
    pub filename: String,
    pub sha256: String,
}

/// Validates the form: owner kind and id, non-empty, an allowed type by content, a
/// file name that is a name and agrees with the content.
pub fn check(u: &Upload) -> AppResult<Checked> {
    let owner = Owner::parse(&u.entity)?;
    let owner_id = uuid::Uuid::parse_str(&u.entity_id)
        .map_err(|_| AppError::field("entity_id", "invalid_format", "must be a UUID"))?
        .to_string();
    if u.data.is_empty() {
        return Err(AppError::field("file", "empty", "the file is empty"));
    }
    let kind = Kind::sniff(&u.data).ok_or_else(|| {
        AppError::UnsupportedMediaType(
            "Only PDF, PNG and JPEG documents are accepted; the type is read from the content, not the name.".into(),
        )
    })?;
    let filename = clean_name(u.file_name.as_deref(), kind).map_err(|p| match p {
        NameProblem::PathLike => AppError::field(
            "file",
            "invalid_filename",
            "the file name must be a plain name, without folders or control characters",
        ),
        NameProblem::WrongExtension { extension } => AppError::UnsupportedMediaType(format!(
            "The file is a {} but its name ends in .{extension}; rename it or send the right file.",
            kind.name()
        )),
    })?;
    Ok(Checked {
        owner,
        owner_id,
        kind,
        filename,
        sha256: hex::encode(Sha256::digest(&u.data)),
    })
}

/// 404 unless the employee or invoice exists and is in the caller's branches.
pub fn owner_visible(
    c: &rusqlite::Connection,
    scope: &BranchScope,
    owner: Owner,
    id: &str,
) -> AppResult<()> {
    match owner {
        Owner::Employee => employees::get(c, scope, id).map(|_| ()),
        Owner::Invoice => invoices::visible(c, &scope.ids(), id).map(|_| ()),
    }
}

/// Stores the document: encrypted chunks, the row and its audit event in one write
/// transaction, which also re-checks the owner, so a draft invoice deleted meanwhile
/// never gets an orphan (the schema's triggers refuse one as well).
pub fn store(
    tenant: &Arc<TenantHandle>,
    keys: &KeyStore,
    scope: &BranchScope,
    checked: &Checked,
    data: &[u8],
    scan: Scanned,
    actor: &Actor,
) -> AppResult<FileMeta> {
    // Encrypted before taking the write lock (a 10 MiB file takes a while), with the
    // current key version as of now; re-checked under the lock below.
    let ring = keys.ring_for_write_blocking(&tenant.slug)?;
    let meta = FileMeta {
        id: crate::ids::new_id(),
        entity: checked.owner.as_str().into(),
        entity_id: checked.owner_id.clone(),
        filename: checked.filename.clone(),
        content_type: checked.kind.mime().into(),
        size: i64::try_from(data.len())
            .map_err(|_| AppError::PayloadTooLarge("file too large".into()))?,
        sha256: checked.sha256.clone(),
        scan: scan.status().as_str().into(),
        created_by: actor.actor_id.clone().unwrap_or_default(),
        created_at: crate::clock::now_rfc3339(),
    };
    let encrypt = |ring: &crate::crypto::TenantKeys| {
        encrypt_file(ring, &meta.id, data)
            .map_err(|e| AppError::internal(format!("encrypting a document: {e}")))
    };
    let mut chunks = encrypt(&ring)?;
    let mut event = json!({
        "entity": meta.entity, "entity_id": meta.entity_id, "filename": meta.filename,
        "content_type": meta.content_type, "size": meta.size, "sha256": meta.sha256, "scan": meta.scan,
    });
    if scan == Scanned::ScannerDown {
        event["scanner"] = json!("unavailable (fail_open)");
    }
    tenant.db.write_blocking(|tx| {
        // `bisman keys rotate` may have added a version since: then encrypt again, under
        // the lock, so nothing is ever written under a version being retired (rare).
        let now = keys.ring_for_write_blocking(&tenant.slug)?;
        if now.current_version() != ring.current_version() {
            chunks = encrypt(&now)?;
        }
        owner_visible(tx, scope, checked.owner, &checked.owner_id).map_err(not_found_as_field)?;
        repo::insert(tx, &meta, &chunks)?;
        audit::append(tx, actor, "file.uploaded", "file", Some(&meta.id), event)?;
        Ok(())
    })?;
    Ok(meta)
}

/// Records a refused infected upload: who, where, what (size, hash, signature), never the bytes.
pub fn record_malware(
    tenant: &Arc<TenantHandle>,
    checked: &Checked,
    size: usize,
    signature: &str,
    actor: &Actor,
) -> AppResult<()> {
    let event = json!({
        "entity": checked.owner.as_str(), "entity_id": checked.owner_id,
        "filename": checked.filename, "size": size, "sha256": checked.sha256, "signature": signature,
    });
    tenant.db.write_blocking(|tx| {
        audit::append(tx, actor, "file.rejected_malware", "file", None, event)?;
        Ok(())
    })
}

/// An owner that is missing or out of scope, as the upload form's field error.
pub fn not_found_as_field(e: AppError) -> AppError {
    match e {
        AppError::NotFound => {
            AppError::field("entity_id", "not_found", "no such employee or invoice")
        }
        e => e,
    }
}

/// The metadata of a document the caller may see (404 otherwise, including documents of
/// owners outside the caller's branches or of kinds the caller may not read).
pub fn visible_meta(
    c: &rusqlite::Connection,
    scope: &BranchScope,
    can: &dyn Fn(&str) -> bool,
    id: &str,
) -> AppResult<(Owner, FileMeta)> {
    let meta = repo::get(c, id)?.ok_or(AppError::NotFound)?;
    let owner = Owner::parse(&meta.entity).map_err(|_| AppError::NotFound)?;
    if !can(owner.read_permission()) {
        return Err(AppError::NotFound);
    }
    owner_visible(c, scope, owner, &meta.entity_id)?;
    Ok((owner, meta))
}

/// Decrypts a document. Employee documents are revealed data: each download is audited.
pub fn download(
    tenant: &Arc<TenantHandle>,
    keys: &KeyStore,
    scope: &BranchScope,
    can: &dyn Fn(&str) -> bool,
    id: &str,
    actor: &Actor,
) -> AppResult<(FileMeta, Zeroizing<Vec<u8>>)> {
    let (owner, meta, (count, chunks)) = tenant.db.read_blocking(|c| {
        let (owner, meta) = visible_meta(c, scope, can, id)?;
        Ok((owner, meta, repo::chunks(c, id)?))
    })?;
    let perm = owner.download_permission();
    if !can(perm) {
        return Err(AppError::Forbidden(format!("missing permission {perm}")));
    }
    if usize::try_from(count).ok() != Some(chunks.len()) {
        return Err(AppError::Internal(format!(
            "file {id}: chunk count does not match"
        )));
    }
    let mut result = decrypt_file(&*keys.ring_blocking(&tenant.slug)?, &meta.id, &chunks);
    if let Err(CryptoError::UnknownKeyVersion(_)) = result {
        // Rotated by another process since we cached the ring.
        keys.forget(&tenant.slug);
        result = decrypt_file(&*keys.ring_blocking(&tenant.slug)?, &meta.id, &chunks);
    }
    let data = result.map_err(|e| {
        tracing::error!(tenant = %tenant.slug, file = %meta.id, error = %e, "stored document failed to decrypt");
        AppError::Conflict(
            "This document failed its integrity check and cannot be served; the operator should investigate.".into(),
        )
    })?;
    if owner == Owner::Employee {
        tenant.db.write_blocking(|tx| {
            audit::append(
                tx,
                actor,
                "file.downloaded",
                "file",
                Some(&meta.id),
                json!({"entity": meta.entity, "entity_id": meta.entity_id, "filename": meta.filename}),
            )?;
            Ok(())
        })?;
    }
    Ok((meta, data))
}

/// Removes a document (needs write permission on its owner); audited.
pub fn remove(
    tenant: &Arc<TenantHandle>,
    scope: &BranchScope,
    can: &dyn Fn(&str) -> bool,
    id: &str,
    actor: &Actor,
) -> AppResult<()> {
    tenant.db.write_blocking(|tx| {
        let (owner, meta) = visible_meta(tx, scope, can, id)?;
        let perm = owner.write_permission();
        if !can(perm) {
            return Err(AppError::Forbidden(format!("missing permission {perm}")));
        }
        repo::delete(tx, id)?;
        audit::append(
            tx,
            actor,
            "file.deleted",
            "file",
            Some(id),
            json!({"entity": meta.entity, "entity_id": meta.entity_id, "filename": meta.filename, "sha256": meta.sha256}),
        )?;
        Ok(())
    })
}
