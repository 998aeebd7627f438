//! Small helpers shared by the domain modules: collecting several field problems into
//! one 422, plain-text fields, nullable PATCH fields and the caller's branch scope.

use serde::{Deserialize, Deserializer};

use crate::domain::FieldError;
use crate::error::{AppError, AppResult, FieldProblem};

/// Gathers field problems so one response can name every bad field at once.
#[derive(Debug, Default)]
pub struct Problems(Vec<FieldProblem>);

impl Problems {
    pub fn new() -> Problems {
        Problems::default()
    }

    /// Keeps the value, or records the problem against `field`.
    pub fn check<T>(&mut self, field: impl Into<String>, r: Result<T, FieldError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(field, e);
                None
            }
        }
    }

    pub fn add(&mut self, field: impl Into<String>, e: FieldError) {
        self.0.push(FieldProblem::new(field, e.code, e.message));
    }

    pub fn push(&mut self, field: impl Into<String>, code: &str, message: impl Into<String>) {
        self.0.push(FieldProblem::new(field, code, message));
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

/// Control characters other than line breaks and tabs (an address may hold CR LF).
fn has_control(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// Trimmed text of 1 to `max` characters, without control characters.
pub fn required_text(value: &str, max: usize) -> Result<String, FieldError> {
    let v = optional_text(value, max)?;
    if v.is_empty() {
        return Err(FieldError::required("must not be empty"));
    }
    Ok(v)
}

/// Trimmed text of 0 to `max` characters, without control characters. The limit counts
/// the characters as sent, surrounding blanks included: that is what the OpenAPI
/// document's `maxLength` says, and a client cannot tell what the server would trim.
pub fn optional_text(value: &str, max: usize) -> Result<String, FieldError> {
    if value.chars().count() > max {
        return Err(FieldError::too_long(format!("at most {max} characters")));
    }
    let v = value.trim();
    if has_control(v) {
        return Err(FieldError::invalid_format(
            "must not contain control characters",
        ));
    }
    Ok(v.to_string())
}

/// For PATCH bodies: a missing field is `None`, `null` is `Some(None)` (clear it) and a
/// value is `Some(Some(v))`. Use with `#[serde(default, deserialize_with = "nullable")]`.
pub fn nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// `{"field": {"from": old, "to": new}}` for each top-level field that differs between
/// two serialisations of a record; `skip` names bookkeeping fields (version, timestamps).
/// Both values must already be masked where the record holds sensitive data.
pub fn diff(
    before: &serde_json::Value,
    after: &serde_json::Value,
    skip: &[&str],
) -> serde_json::Map<String, serde_json::Value> {
    let mut out = serde_json::Map::new();
    let (Some(b), Some(a)) = (before.as_object(), after.as_object()) else {
        return out;
    };
    for (k, new) in a {
        if skip.contains(&k.as_str()) {
            continue;
        }
        let old = b.get(k).cloned().unwrap_or(serde_json::Value::Null);
        if &old != new {
            out.insert(k.clone(), serde_json::json!({"from": old, "to": new}));
        }
    }
    out
}

/// The branches a caller may see and write; `None` means every branch.
#[derive(Debug, Clone, Default)]
pub struct BranchScope(Option<Vec<String>>);

impl BranchScope {
    pub fn new(branch_ids: Option<&[String]>) -> BranchScope {
        BranchScope(branch_ids.map(<[String]>::to_vec))
    }

    pub fn all() -> BranchScope {
        BranchScope(None)
    }

    pub fn is_limited(&self) -> bool {
        self.0.is_some()
    }

    pub fn allows(&self, branch_id: &str) -> bool {
        self.0
            .as_ref()
            .is_none_or(|ids| ids.iter().any(|b| b == branch_id))
    }

    /// The branch ids, or `None` for every branch (the sales modules' `Scope`).
    pub fn ids(&self) -> Option<Vec<String>> {
        self.0.clone()
    }

    /// The scope as a JSON array for `IN (SELECT value FROM json_each(?))`, or NULL.
    pub fn sql_param(&self) -> Option<String> {
        self.0
            .as_ref()
            .map(|ids| serde_json::Value::from(ids.clone()).to_string())
    }
}

/// 412 when the client's `If-Match` version is not the record's.
pub fn check_version(if_match: Option<i64>, current: i64) -> AppResult<()> {
    match if_match {
        Some(v) if v != current => Err(AppError::PreconditionFailed(format!(
            "the resource is at version {current}, not {v}"
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_rules() {
        assert_eq!(required_text("  Asha ", 10).unwrap(), "Asha");
        assert_eq!(required_text("   ", 10).unwrap_err().code, "required");
        assert_eq!(required_text("abcdef", 5).unwrap_err().code, "too_long");
        assert_eq!(
            optional_text("a\u{0}b", 5).unwrap_err().code,
            "invalid_format"
        );
        assert_eq!(optional_text("", 5).unwrap(), "");
        assert_eq!(optional_text("a\r\nb\tc", 10).unwrap(), "a\r\nb\tc");
        // Blanks around the value count toward the limit, as the document's maxLength.
        assert_eq!(optional_text("  abcd", 5).unwrap_err().code, "too_long");
        assert_eq!(
            required_text(&" ".repeat(6), 5).unwrap_err().code,
            "too_long"
        );
    }

    #[test]
    fn scope_allows_and_renders() {
        let all = BranchScope::all();
        assert!(all.allows("x") && all.sql_param().is_none());
        let ids = vec!["a".to_string()];
        let some = BranchScope::new(Some(&ids));
        assert!(some.allows("a") && !some.allows("b"));
        assert_eq!(some.sql_param().unwrap(), r#"["a"]"#);
    }

    #[test]
    fn diff_lists_changed_fields_only() {
        let a = serde_json::json!({"name": "A", "code": "X", "version": 1});
        let b = serde_json::json!({"name": "B", "code": "X", "version": 2});
        let d = diff(&a, &b, &["version"]);
        assert_eq!(
            serde_json::Value::Object(d),
            serde_json::json!({"name": {"from": "A", "to": "B"}})
        );
    }

    #[test]
    fn problems_collect() {
        let mut p = Problems::new();
        assert_eq!(p.check("a", Ok::<_, FieldError>(1)), Some(1));
        p.check::<()>("b", Err(FieldError::required("x")));
        p.push("c", "invalid_value", "y");
        match p.finish() {
            Err(AppError::Validation(v)) => assert_eq!(v.len(), 2),
            other => panic!("{other:?}"),
        }
    }
}
