//! Query-string values parsed into domain types, with 422s that name the parameter.

use crate::domain::{Cursor, Limit};
use crate::error::{AppError, AppResult};

/// A keyset page request: `?limit=` and `?cursor=`.
#[derive(Debug, Clone)]
pub struct PageRequest {
    pub limit: u32,
    /// The sort key and id of the last row of the previous page.
    pub after: Option<(String, uuid::Uuid)>,
}

impl PageRequest {
    pub fn parse(limit: Option<&str>, cursor: Option<&str>) -> AppResult<PageRequest> {
        let limit = Limit::parse(limit).map_err(|e| AppError::field("limit", e.code, e.message))?;
        let after = match cursor.filter(|c| !c.is_empty()) {
            Some(c) => {
                Some(Cursor::decode(c).map_err(|e| AppError::field("cursor", e.code, e.message))?)
            }
            None => None,
        };
        Ok(PageRequest {
            limit: limit.get(),
            after,
        })
    }
}

/// Parses an optional UUID filter such as `?branch_id=`.
pub fn uuid_param(name: &str, v: Option<&str>) -> AppResult<Option<uuid::Uuid>> {
    match v.filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => uuid::Uuid::parse_str(s)
            .map(Some)
            .map_err(|_| AppError::field(name, "invalid_format", "must be a UUID")),
    }
}

/// Parses an optional `YYYY-MM-DD` filter such as `?from=`.
pub fn date_param(name: &str, v: Option<&str>) -> AppResult<Option<time::Date>> {
    match v.filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => crate::domain::parse_iso_date(s)
            .map(Some)
            .map_err(|e| AppError::field(name, e.code, e.message)),
    }
}
