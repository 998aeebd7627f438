//! `Upload`: the multipart body of `POST /files`, read into memory under the upload
//! limit. Type checks, scanning and storage happen later, in the handler; this only
//! gets the three fields out of the body with clear errors.

use rocket::data::{self, Data, FromData, ToByteUnit};
use rocket::request::Request;

use crate::config::Settings;
use crate::error::{AppError, FieldProblem};
use crate::http::problem::stash;

/// Room for the multipart framing and the two short text fields around the file.
const FRAMING_BYTES: u64 = 64 * 1024;
/// Longest value of a text field (`entity`, `entity_id`).
const MAX_TEXT_BYTES: usize = 200;

pub struct Upload {
    pub entity: String,
    pub entity_id: String,
    /// The client's name for the file: a label, checked later, never a path.
    pub file_name: Option<String>,
    pub data: Vec<u8>,
}

fn too_large(limit: u64) -> AppError {
    AppError::PayloadTooLarge(format!(
        "A document may be at most {limit} bytes ({} MiB).",
        limit / (1024 * 1024)
    ))
}

fn malformed(e: &multer::Error) -> AppError {
    AppError::BadRequest(format!("The multipart body could not be read: {e}."))
}

async fn read(req: &Request<'_>, data: Data<'_>, limit: u64) -> Result<Upload, AppError> {
    let boundary = req
        .content_type()
        .filter(|ct| ct.top() == "multipart" && ct.sub() == "form-data")
        .ok_or_else(|| {
            AppError::UnsupportedMediaType(
                "Send the document as multipart/form-data with the fields file, entity and entity_id.".into(),
            )
        })?
        .params()
        .find(|(k, _)| k.as_str().eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.to_string())
        .ok_or_else(|| AppError::BadRequest("The multipart content type has no boundary.".into()))?;

    parse(data.open((limit + FRAMING_BYTES).bytes()), boundary, limit).await
}

/// Reads the three fields out of a multipart body with the given boundary, keeping at
/// most `limit` bytes of file. Every failure is a 4xx `AppError`.
pub async fn parse<R>(reader: R, boundary: String, limit: u64) -> Result<Upload, AppError>
where
    R: rocket::tokio::io::AsyncRead + Unpin + Send,
{
    let mut parts = multer::Multipart::with_reader(reader, boundary);
    let (mut entity, mut entity_id, mut file) = (None, None, None);
    let mut problems = Vec::new();
    while let Some(mut field) = parts.next_field().await.map_err(|e| malformed(&e))? {
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "file" if file.is_none() => {
                let file_name = field.file_name().map(str::to_string);
                let mut buf = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|e| malformed(&e))? {
                    if (buf.len() + chunk.len()) as u64 > limit {
                        return Err(too_large(limit));
                    }
                    buf.extend_from_slice(&chunk);
                }
                file = Some((file_name, buf));
            }
            "entity" | "entity_id" => {
                let mut buf = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|e| malformed(&e))? {
                    buf.extend_from_slice(&chunk);
                    if buf.len() > MAX_TEXT_BYTES {
                        break;
                    }
                }
                let value = String::from_utf8(buf)
                    .ok()
                    .filter(|v| v.len() <= MAX_TEXT_BYTES);
                let slot = if name == "entity" {
                    &mut entity
                } else {
                    &mut entity_id
                };
                match value {
                    _ if slot.is_some() => problems.push(FieldProblem::new(
                        &name,
                        "duplicate",
                        "send this field once",
                    )),
                    None => problems.push(FieldProblem::new(
                        &name,
                        "invalid_value",
                        "must be short UTF-8 text",
                    )),
                    Some(v) => *slot = Some(v.trim().to_string()),
                }
            }
            "file" => problems.push(FieldProblem::new(
                "file",
                "duplicate",
                "send one file per request",
            )),
            _ => problems.push(FieldProblem::new(
                &name,
                "unknown_field",
                format!("unknown field '{name}'"),
            )),
        }
    }
    for (present, field) in [
        (entity.is_some(), "entity"),
        (entity_id.is_some(), "entity_id"),
        (file.is_some(), "file"),
    ] {
        if !present {
            problems.push(FieldProblem::new(
                field,
                "required",
                "this field is required",
            ));
        }
    }
    match (entity, entity_id, file) {
        (Some(entity), Some(entity_id), Some((file_name, data))) if problems.is_empty() => {
            Ok(Upload {
                entity,
                entity_id,
                file_name,
                data,
            })
        }
        _ => Err(AppError::Validation(problems)),
    }
}

/// [`parse`] on a byte slice, on a runtime of its own: for fuzzing and tests.
pub fn parse_blocking(body: &[u8], boundary: &str, limit: u64) -> Result<Upload, AppError> {
    rocket::tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| AppError::internal(format!("runtime: {e}")))?
        .block_on(parse(body, boundary.to_string(), limit))
}

#[rocket::async_trait]
impl<'r> FromData<'r> for Upload {
    type Error = AppError;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        let limit = req
            .rocket()
            .state::<Settings>()
            .map_or(10 * 1024 * 1024, |s| s.upload_max_bytes);
        match read(req, data, limit).await {
            Ok(u) => data::Outcome::Success(u),
            Err(e) => {
                super::service::count_rejection(&e);
                data::Outcome::Error(stash(req, e))
            }
        }
    }
}
