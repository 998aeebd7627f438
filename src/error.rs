//! One error type for the whole appliance, and its RFC 9457 problem document.
//!
//! Every failure a client can see is an `AppError`. Its status and stable `code` are
//! decided here, in one place; internal causes are logged and never sent.

use serde::Serialize;

/// One entry of the `errors` array of a 422 problem: which field, which rule, why.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl FieldProblem {
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        FieldProblem {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("validation failed")]
    Validation(Vec<FieldProblem>),
    #[error("unauthorized")]
    Unauthorized,
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("password expired")]
    PasswordExpired,
    #[error("tenant suspended")]
    TenantSuspended,
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("precondition failed: {0}")]
    PreconditionFailed(String),
    #[error("rate limited")]
    RateLimited { retry_after_secs: u64 },
    #[error("payload too large")]
    PayloadTooLarge(String),
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    #[error("overpayment")]
    Overpayment { balance_due_paise: i64 },
    #[error("idempotency mismatch")]
    IdempotencyMismatch,
    #[error("malware detected: {0}")]
    MalwareDetected(String),
    #[error("scanner unavailable")]
    ScannerUnavailable,
    #[error("tenant unavailable: {0}")]
    TenantUnavailable(String),
    #[error("insufficient storage")]
    InsufficientStorage,
    #[error("internal error: {0}")]
    Internal(String),
    /// A business rule with its own stable code (`seller_incomplete`, `series_exhausted`,
    /// `exceeds_invoice`, `time_barred`, ...): 409 for the state of a resource, 422 for
    /// the request's values; `errors` names the fields at fault when there are any.
    #[error("{code}: {detail}")]
    Rule {
        status: u16,
        code: &'static str,
        title: &'static str,
        detail: String,
        errors: Vec<FieldProblem>,
    },
}

impl AppError {
    /// A single-field validation failure.
    pub fn field(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        AppError::Validation(vec![FieldProblem::new(field, code, message)])
    }

    /// A 409: the resource's state does not allow this (`seller_incomplete`, ...).
    pub fn state_rule(code: &'static str, title: &'static str, detail: impl Into<String>) -> Self {
        AppError::Rule {
            status: 409,
            code,
            title,
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    /// A 422: the request's values break a rule (`exceeds_invoice`, `time_barred`).
    pub fn value_rule(
        code: &'static str,
        title: &'static str,
        field: &str,
        detail: impl Into<String>,
    ) -> Self {
        let detail = detail.into();
        AppError::Rule {
            status: 422,
            code,
            title,
            errors: vec![FieldProblem::new(field, code, detail.clone())],
            detail,
        }
    }

    /// The same rule error naming the fields at fault.
    pub fn with_errors(self, list: Vec<FieldProblem>) -> Self {
        match self {
            AppError::Rule {
                status,
                code,
                title,
                detail,
                ..
            } => AppError::Rule {
                status,
                code,
                title,
                detail,
                errors: list,
            },
            other => other,
        }
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        AppError::Internal(cause.to_string())
    }

    pub fn status(&self) -> u16 {
        match self {
            AppError::BadRequest(_) => 400,
            AppError::Unauthorized => 401,
            AppError::Forbidden(_) | AppError::PasswordExpired | AppError::TenantSuspended => 403,
            AppError::NotFound => 404,
            AppError::MethodNotAllowed => 405,
            AppError::Conflict(_) => 409,
            AppError::PreconditionFailed(_) => 412,
            AppError::PayloadTooLarge(_) => 413,
            AppError::UnsupportedMediaType(_) => 415,
            AppError::Validation(_)
            | AppError::Overpayment { .. }
            | AppError::IdempotencyMismatch
            | AppError::MalwareDetected(_) => 422,
            AppError::RateLimited { .. } => 429,
            AppError::Internal(_) => 500,
            AppError::ScannerUnavailable | AppError::TenantUnavailable(_) => 503,
            AppError::InsufficientStorage => 507,
            AppError::Rule { status, .. } => *status,
        }
    }

    /// The stable snake_case identifier at the end of the problem `type` URI.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) => "bad_request",
            AppError::Validation(_) => "validation_failed",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::PasswordExpired => "password_expired",
            AppError::TenantSuspended => "tenant_suspended",
            AppError::NotFound => "not_found",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::Conflict(_) => "conflict",
            AppError::PreconditionFailed(_) => "precondition_failed",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::PayloadTooLarge(_) => "payload_too_large",
            AppError::UnsupportedMediaType(_) => "unsupported_media_type",
            AppError::Overpayment { .. } => "overpayment",
            AppError::IdempotencyMismatch => "idempotency_mismatch",
            AppError::MalwareDetected(_) => "malware_detected",
            AppError::ScannerUnavailable => "scanner_unavailable",
            AppError::TenantUnavailable(_) => "service_unavailable",
            AppError::InsufficientStorage => "insufficient_storage",
            AppError::Internal(_) => "internal",
            AppError::Rule { code, .. } => code,
        }
    }

    fn title(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) => "Bad request",
            AppError::Validation(_) => "Validation failed",
            AppError::Unauthorized => "Unauthorized",
            AppError::Forbidden(_) => "Forbidden",
            AppError::PasswordExpired => "Password expired",
            AppError::TenantSuspended => "Tenant suspended",
            AppError::NotFound => "Not found",
            AppError::MethodNotAllowed => "Method not allowed",
            AppError::Conflict(_) => "Conflict",
            AppError::PreconditionFailed(_) => "Precondition failed",
            AppError::RateLimited { .. } => "Too many requests",
            AppError::PayloadTooLarge(_) => "Payload too large",
            AppError::UnsupportedMediaType(_) => "Unsupported media type",
            AppError::Overpayment { .. } => "Overpayment",
            AppError::IdempotencyMismatch => "Idempotency key reused with a different request",
            AppError::MalwareDetected(_) => "Malware detected",
            AppError::ScannerUnavailable => "Malware scanner unavailable",
            AppError::TenantUnavailable(_) => "Service unavailable",
            AppError::InsufficientStorage => "Insufficient storage",
            AppError::Internal(_) => "Internal server error",
            AppError::Rule { title, .. } => title,
        }
    }

    /// What the client is told. Internal causes stay in the log.
    fn detail(&self) -> String {
        match self {
            AppError::BadRequest(d)
            | AppError::Forbidden(d)
            | AppError::Conflict(d)
            | AppError::PreconditionFailed(d)
            | AppError::PayloadTooLarge(d)
            | AppError::UnsupportedMediaType(d)
            | AppError::Rule { detail: d, .. } => d.clone(),
            AppError::Validation(errors) => match errors.as_slice() {
                [one] => format!("{}: {}", one.field, one.message),
                _ => format!("{} fields are invalid", errors.len()),
            },
            AppError::Unauthorized => "Missing, invalid or expired credentials.".into(),
            AppError::PasswordExpired => {
                "The password has expired; change it with POST /api/v1/auth/password.".into()
            }
            AppError::TenantSuspended => "This tenant is suspended; contact the operator.".into(),
            AppError::NotFound => "The resource does not exist.".into(),
            AppError::MethodNotAllowed => "This method is not allowed on this resource.".into(),
            AppError::RateLimited { retry_after_secs } => {
                format!("Too many requests; retry after {retry_after_secs} seconds.")
            }
            AppError::Overpayment { balance_due_paise } => {
                format!("The amount exceeds the balance due of {balance_due_paise} paise.")
            }
            AppError::IdempotencyMismatch => {
                "This Idempotency-Key was already used with a different request body.".into()
            }
            AppError::MalwareDetected(sig) => format!("The file was rejected: {sig} detected."),
            AppError::ScannerUnavailable => {
                "The malware scanner is unavailable; uploads are refused until it is back.".into()
            }
            AppError::TenantUnavailable(_) => {
                "This tenant's database is unavailable; the operator has been alerted.".into()
            }
            AppError::InsufficientStorage => {
                "The server is out of disk space; nothing was written. Reads still work.".into()
            }
            AppError::Internal(_) => "An internal error occurred; it has been logged.".into(),
        }
    }

    pub fn problem(&self, request_id: &str) -> Problem {
        let errors = match self {
            AppError::Validation(errors) | AppError::Rule { errors, .. } => errors.clone(),
            _ => Vec::new(),
        };
        let signature = match self {
            AppError::MalwareDetected(sig) => Some(sig.clone()),
            _ => None,
        };
        Problem {
            problem_type: format!("https://bisman.dev/problems/{}", self.code()),
            title: self.title().to_string(),
            status: self.status(),
            detail: self.detail(),
            request_id: request_id.to_string(),
            errors,
            signature,
        }
    }
}

/// RFC 9457 problem details, as sent.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub request_id: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    /// The malware signature, on `malware_detected` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}

impl From<rusqlite::Error> for AppError {
    /// The one place SQLite failures become HTTP meanings.
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match &e {
            rusqlite::Error::SqliteFailure(f, msg) => match f.code {
                ErrorCode::ConstraintViolation => {
                    let m = msg.clone().unwrap_or_default();
                    if m.starts_with("period_locked:") {
                        AppError::state_rule(
                            "period_locked",
                            "Period locked",
                            "The books are locked on or before this date.",
                        )
                    } else if m.contains("UNIQUE") {
                        AppError::Conflict(format!(
                            "a record with the same unique value exists ({})",
                            unique_columns(&m)
                        ))
                    } else if m.contains("FOREIGN KEY") {
                        AppError::field(
                            "",
                            "invalid_reference",
                            "a referenced record does not exist",
                        )
                    } else {
                        AppError::Internal(e.to_string())
                    }
                }
                ErrorCode::DiskFull => AppError::InsufficientStorage,
                ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt => {
                    AppError::TenantUnavailable(e.to_string())
                }
                ErrorCode::SystemIoFailure if is_enospc(&e) => AppError::InsufficientStorage,
                _ => AppError::Internal(e.to_string()),
            },
            rusqlite::Error::QueryReturnedNoRows => AppError::NotFound,
            _ => AppError::Internal(e.to_string()),
        }
    }
}

fn is_enospc(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == 13 || f.extended_code == (10 | (13 << 8)))
        || e.to_string().contains("disk is full")
}

/// `UNIQUE constraint failed: branches.code` → `branches.code` (column names only, no values).
fn unique_columns(msg: &str) -> String {
    msg.split(':')
        .nth(1)
        .map(str::trim)
        .unwrap_or("unknown")
        .to_string()
}

impl From<r2d2::Error> for AppError {
    fn from(e: r2d2::Error) -> Self {
        AppError::TenantUnavailable(e.to_string())
    }
}

impl From<rocket::tokio::task::JoinError> for AppError {
    fn from(e: rocket::tokio::task::JoinError) -> Self {
        AppError::Internal(format!("blocking task failed: {e}"))
    }
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_codes_are_stable() {
        assert_eq!(AppError::NotFound.status(), 404);
        assert_eq!(AppError::TenantSuspended.code(), "tenant_suspended");
        assert_eq!(AppError::InsufficientStorage.status(), 507);
        assert_eq!(AppError::IdempotencyMismatch.status(), 422);
    }

    #[test]
    fn internal_causes_are_never_sent() {
        let p = AppError::Internal("secret path /etc/x".into()).problem("r1");
        assert!(!p.detail.contains("secret"));
        assert_eq!(p.problem_type, "https://bisman.dev/problems/internal");
    }

    #[test]
    fn unique_violation_names_columns_not_values() {
        assert_eq!(
            unique_columns("UNIQUE constraint failed: branches.code"),
            "branches.code"
        );
    }
}
