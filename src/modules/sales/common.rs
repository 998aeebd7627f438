//! Small helpers shared by the sales submodules: collecting field problems, text
//! fields, nullable patch fields, branch scope and LIKE patterns.

use serde::{Deserialize, Deserializer};

use crate::domain::FieldError;
use crate::error::{AppError, AppResult, FieldProblem};

/// Collects every field problem of a request so the client sees them all at once.
#[derive(Debug, Default)]
pub struct Problems(Vec<FieldProblem>);

impl Problems {
    pub fn new() -> Problems {
        Problems::default()
    }

    pub fn add(&mut self, field: impl Into<String>, e: FieldError) {
        self.0.push(FieldProblem::new(field, e.code, e.message));
    }

    pub fn add_raw(&mut self, field: impl Into<String>, code: &str, message: impl Into<String>) {
        self.0.push(FieldProblem::new(field, code, message));
    }

    /// Keeps the value, or records the problem under `field` and returns None.
    pub fn check<T>(&mut self, field: impl Into<String>, r: Result<T, FieldError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(field, e);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The 422 for what was recorded (call only when something was).
    pub fn into_error(self) -> AppError {
        AppError::Validation(self.0)
    }

    /// Ok when nothing was recorded, else one 422 naming every field.
    pub fn finish(self) -> AppResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self.0))
        }
    }
}

/// A trimmed, non-empty text of at most `max` characters.
pub fn required_text(value: &str, max: usize) -> Result<String, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(FieldError::required("must not be empty"));
    }
    optional_text(v, max)
}

/// A trimmed text (possibly empty) of at most `max` characters, without control characters
/// other than line breaks and tabs.
pub fn optional_text(value: &str, max: usize) -> Result<String, FieldError> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(FieldError::too_long(format!("at most {max} characters")));
    }
    if v.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(FieldError::invalid_format(
            "must not contain control characters",
        ));
    }
    Ok(v.to_string())
}

/// Text that is blank means "not given" (forms send empty strings for empty inputs).
pub fn blank_as_none(v: Option<&str>) -> Option<&str> {
    v.filter(|s| !s.trim().is_empty())
}

/// Deserializes a PATCH field where absent means "unchanged" and `null` means "clear":
/// use with `#[serde(default, deserialize_with = "nullable")]` on an `Option<Option<T>>`.
pub fn nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
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

    #[test]
    fn texts() {
        assert_eq!(required_text("  a ", 5).map_err(|e| e.code), Ok("a".into()));
        assert_eq!(required_text("  ", 5).map_err(|e| e.code), Err("required"));
        assert_eq!(
            optional_text("abcdef", 5).map_err(|e| e.code),
            Err("too_long")
        );
        assert_eq!(
            optional_text("a\u{0}", 5).map_err(|e| e.code),
            Err("invalid_format")
        );
    }
}
