//! Record ids: UUIDv7 text, time-ordered so keyset pages follow creation order.

pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Parses an id given in a body (a reference to another record), e.g.
/// `parse_ref(v, "an invoice id")`; anything else is `invalid_format` for that field.
pub fn parse_ref(v: &str, what: &str) -> Result<String, crate::domain::FieldError> {
    uuid::Uuid::parse_str(v.trim())
        .map(|u| u.to_string())
        .map_err(|_| crate::domain::FieldError::invalid_format(format!("must be {what} (UUID)")))
}

/// Parses a path id; anything that is not a UUID is simply not found.
pub fn parse(id: &str) -> Result<String, crate::error::AppError> {
    uuid::Uuid::parse_str(id)
        .map(|u| u.to_string())
        .map_err(|_| crate::error::AppError::NotFound)
}
