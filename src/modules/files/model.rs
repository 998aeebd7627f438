//! Request and response types of `/api/v1/files`.

use serde::Serialize;

/// A stored document: everything but its bytes.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FileMeta {
    pub id: String,
    /// `employee` or `invoice`.
    pub entity: String,
    pub entity_id: String,
    /// The uploader's name for it, cleaned; a label only.
    pub filename: String,
    /// Detected from the content: `application/pdf`, `image/png` or `image/jpeg`.
    pub content_type: String,
    pub size: i64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    /// `clean` (clamd said OK) or `unscanned` (no scanner configured, or fail-open while it was down).
    pub scan: String,
    pub created_by: String,
    pub created_at: String,
}

/// The multipart form of `POST /api/v1/files` (documentation only; the body is parsed by hand).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The document: PDF, PNG or JPEG by content, at most the upload limit (default 10 MiB).
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// `employee` or `invoice`.
    pub entity: String,
    /// The id of that employee or invoice.
    pub entity_id: String,
}
