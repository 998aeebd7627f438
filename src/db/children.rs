//! Loading a page of documents' lines with one query instead of one per document.

use std::collections::HashMap;

use rusqlite::{Connection, Row};

use crate::error::AppResult;

/// Gives each parent its child rows. `select` reads the children of the parents whose ids
/// are the JSON array `?1` (`… WHERE parent_id IN (SELECT value FROM json_each(?1))`), in
/// order; `row` maps a row to (parent id, child); `set` stores a parent's children.
pub fn attach<P, L>(
    c: &Connection,
    parents: &mut [P],
    select: &str,
    id_of: impl Fn(&P) -> &str,
    row: impl Fn(&Row<'_>) -> rusqlite::Result<(String, L)>,
    set: impl Fn(&mut P, Vec<L>),
) -> AppResult<()> {
    if parents.is_empty() {
        return Ok(());
    }
    let ids = serde_json::Value::from(
        parents
            .iter()
            .map(|p| id_of(p).to_string())
            .collect::<Vec<_>>(),
    )
    .to_string();
    let mut stmt = c.prepare_cached(select)?;
    let mut by_parent: HashMap<String, Vec<L>> = HashMap::new();
    for r in stmt.query_map([ids], row)? {
        let (id, child) = r?;
        by_parent.entry(id).or_default().push(child);
    }
    for p in parents.iter_mut() {
        let children = by_parent.remove(id_of(p)).unwrap_or_default();
        set(p, children);
    }
    Ok(())
}
