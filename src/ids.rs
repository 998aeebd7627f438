//! Record ids: UUIDv7 text, time-ordered so keyset pages follow creation order.

pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Parses a path id; anything that is not a UUID is simply not found.
pub fn parse(id: &str) -> Result<String, crate::error::AppError> {
    uuid::Uuid::parse_str(id)
        .map(|u| u.to_string())
        .map_err(|_| crate::error::AppError::NotFound)
}
