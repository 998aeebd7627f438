//! One page of a keyset-paged list, and how a `limit + 1` query result becomes one.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::Cursor;

#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// Cuts a `limit + 1` result to a page and makes the cursor from the last row: `key`
/// gives its sort key and its id (a UUID).
pub fn page_of<T: ToSchema>(
    mut rows: Vec<T>,
    limit: u32,
    key: impl Fn(&T) -> (String, String),
) -> Page<T> {
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next_cursor = if more {
        rows.last().and_then(|r| {
            let (k, id) = key(r);
            uuid::Uuid::parse_str(&id)
                .ok()
                .map(|u| Cursor::encode(&k, &u))
        })
    } else {
        None
    };
    Page {
        items: rows,
        next_cursor,
    }
}
