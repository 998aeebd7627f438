//! Small helpers shared by the sales submodules: branch scope, blank filters and LIKE
//! patterns (field problems and text rules come from `modules::fields`).

use crate::domain::FieldError;
use crate::error::{AppError, AppResult};

pub use crate::modules::fields::{nullable, optional_text, required_text, Problems};

/// Text that is blank means "not given" (forms send empty strings for empty inputs).
pub fn blank_as_none(v: Option<&str>) -> Option<&str> {
    v.filter(|s| !s.trim().is_empty())
}

/// A user's branch scope: None means every branch.
pub type Scope = Option<Vec<String>>;

pub fn in_scope(scope: &Scope, branch_id: &str) -> bool {
    scope
        .as_ref()
        .is_none_or(|ids| ids.iter().any(|b| b == branch_id))
}

/// The scope as a JSON array for `branch_id IN (SELECT value FROM json_each(?))`, or
/// None (SQL NULL) for every branch.
pub fn scope_json(scope: &Scope) -> Option<String> {
    scope
        .as_ref()
        .map(|ids| serde_json::Value::from(ids.clone()).to_string())
}

/// A `LIKE ... ESCAPE '\'` pattern matching values that start with `prefix`.
pub fn prefix_pattern(prefix: &str) -> String {
    let mut p = String::with_capacity(prefix.len() + 1);
    for c in prefix.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// An optional `?q=` prefix filter: trimmed, at most 100 characters, blank means none.
pub fn prefix_param(v: Option<&str>) -> AppResult<Option<String>> {
    match blank_as_none(v) {
        None => Ok(None),
        Some(q) if q.trim().chars().count() > 100 => Err(AppError::field(
            "q",
            FieldError::TOO_LONG,
            "at most 100 characters",
        )),
        Some(q) => Ok(Some(prefix_pattern(q.trim()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(prefix_pattern("Ac"), "Ac%");
        assert_eq!(prefix_pattern("50%_a\\"), "50\\%\\_a\\\\%");
    }

    #[test]
    fn scope_checks() {
        assert!(in_scope(&None, "b1"));
        let s: Scope = Some(vec!["b1".into()]);
        assert!(in_scope(&s, "b1") && !in_scope(&s, "b2"));
        assert_eq!(scope_json(&s).as_deref(), Some("[\"b1\"]"));
    }
}
