//! Turning `AppError` into an `application/problem+json` response.
//!
//! Request guards cannot hand their error to a catcher directly, so a failing guard
//! stashes it in the request-local cache and the catcher renders that exact error.

use std::io::Cursor;
use std::sync::Mutex;

use rocket::http::{ContentType, Header, Status};
use rocket::request::Request;
use rocket::response::{self, Responder, Response};

use crate::error::AppError;

/// The request id assigned by the request fairing.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

pub fn request_id(req: &Request<'_>) -> String {
    req.local_cache(|| RequestId(uuid::Uuid::new_v4().simple().to_string()))
        .0
        .clone()
}

#[derive(Default)]
pub struct ProblemSlot(Mutex<Option<AppError>>);

/// Stores the error a guard failed with, and returns its status for the Outcome.
pub fn stash(req: &Request<'_>, err: AppError) -> (Status, AppError) {
    let status = Status::from_code(err.status()).unwrap_or(Status::InternalServerError);
    let copy = clone_error(&err);
    if let Ok(mut slot) = req.local_cache(ProblemSlot::default).0.lock() {
        *slot = Some(copy);
    }
    (status, err)
}

pub fn take_stashed(req: &Request<'_>) -> Option<AppError> {
    req.local_cache(ProblemSlot::default)
        .0
        .lock()
        .ok()
        .and_then(|mut s| s.take())
}

/// AppError is not Clone (it may carry causes); rebuild an equivalent value.
fn clone_error(e: &AppError) -> AppError {
    match e {
        AppError::BadRequest(s) => AppError::BadRequest(s.clone()),
        AppError::Validation(v) => AppError::Validation(v.clone()),
        AppError::Unauthorized => AppError::Unauthorized,
        AppError::Forbidden(s) => AppError::Forbidden(s.clone()),
        AppError::PasswordExpired => AppError::PasswordExpired,
        AppError::TenantSuspended => AppError::TenantSuspended,
        AppError::NotFound => AppError::NotFound,
        AppError::MethodNotAllowed => AppError::MethodNotAllowed,
        AppError::Conflict(s) => AppError::Conflict(s.clone()),
        AppError::PreconditionFailed(s) => AppError::PreconditionFailed(s.clone()),
        AppError::RateLimited { retry_after_secs } => AppError::RateLimited {
            retry_after_secs: *retry_after_secs,
        },
        AppError::PayloadTooLarge(s) => AppError::PayloadTooLarge(s.clone()),
        AppError::UnsupportedMediaType(s) => AppError::UnsupportedMediaType(s.clone()),
        AppError::Overpayment { balance_due_paise } => AppError::Overpayment {
            balance_due_paise: *balance_due_paise,
        },
        AppError::IdempotencyMismatch => AppError::IdempotencyMismatch,
        AppError::MalwareDetected(s) => AppError::MalwareDetected(s.clone()),
        AppError::ScannerUnavailable => AppError::ScannerUnavailable,
        AppError::TenantUnavailable(s) => AppError::TenantUnavailable(s.clone()),
        AppError::InsufficientStorage => AppError::InsufficientStorage,
        AppError::Internal(s) => AppError::Internal(s.clone()),
        AppError::Rule {
            status,
            code,
            title,
            detail,
            errors,
        } => AppError::Rule {
            status: *status,
            code,
            title,
            detail: detail.clone(),
            errors: errors.clone(),
        },
    }
}

/// Builds the problem response for `err` (used by the responder and the catchers).
pub fn problem_response<'o>(req: &Request<'_>, err: &AppError) -> Response<'o> {
    let rid = request_id(req);
    match err {
        AppError::Internal(cause) => {
            tracing::error!(request_id = %rid, cause = %cause, "internal error")
        }
        AppError::TenantUnavailable(cause) => {
            tracing::error!(request_id = %rid, cause = %cause, "tenant unavailable")
        }
        _ => {}
    }
    let body = serde_json::to_vec(&err.problem(&rid)).unwrap_or_else(|_| b"{}".to_vec());
    let mut res = Response::build();
    res.status(Status::from_code(err.status()).unwrap_or(Status::InternalServerError))
        .header(ContentType::new("application", "problem+json"))
        .sized_body(body.len(), Cursor::new(body));
    if let AppError::RateLimited { retry_after_secs } = err {
        res.header(Header::new("Retry-After", retry_after_secs.to_string()));
    }
    res.finalize()
}

impl<'r> Responder<'r, 'static> for AppError {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        Ok(problem_response(req, &self))
    }
}
