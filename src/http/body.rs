//! `JsonBody<T>`: the one way request bodies enter the appliance.
//!
//! Wrong content type → 415; over 1 MiB → 413; malformed JSON → 400; wrong types,
//! missing or unknown fields → 422 naming the field (`deny_unknown_fields` on every
//! request type means no mass assignment).

use rocket::data::{self, Data, FromData, ToByteUnit};
use rocket::request::Request;
use serde::de::DeserializeOwned;

use super::problem::stash;
use crate::error::{AppError, FieldProblem};

pub const JSON_LIMIT_BYTES: u64 = 1024 * 1024;

pub struct JsonBody<T>(pub T);

/// Parses a JSON document into `T`, with errors shaped for the API.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| AppError::BadRequest(format!("The body is not valid JSON: {e}.")))?;
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        AppError::Validation(vec![field_problem(&path, &inner)])
    })
}

fn field_problem(path: &str, message: &str) -> FieldProblem {
    let base = if path == "." {
        String::new()
    } else {
        path.to_string()
    };
    let join = |name: &str| {
        if base.is_empty() {
            name.to_string()
        } else {
            format!("{base}.{name}")
        }
    };
    let quoted = |m: &str| m.split('`').nth(1).map(str::to_string);
    if message.starts_with("unknown field") {
        let name = quoted(message).unwrap_or_default();
        // The path already ends at the unknown key.
        let field = if base.ends_with(&name) {
            base.clone()
        } else {
            join(&name)
        };
        FieldProblem::new(field, "unknown_field", format!("unknown field '{name}'"))
    } else if message.starts_with("missing field") {
        let name = quoted(message).unwrap_or_default();
        FieldProblem::new(join(&name), "required", "this field is required")
    } else if message.starts_with("invalid type") || message.starts_with("invalid value") {
        FieldProblem::new(base, "invalid_type", message.to_string())
    } else {
        // "unknown variant …" and anything else: the value is not acceptable.
        FieldProblem::new(base, "invalid_value", message.to_string())
    }
}

#[rocket::async_trait]
impl<'r, T: DeserializeOwned + Send> FromData<'r> for JsonBody<T> {
    type Error = AppError;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        if !req.content_type().is_some_and(|c| c.is_json()) {
            return data::Outcome::Error(stash(
                req,
                AppError::UnsupportedMediaType("Send the body as application/json.".into()),
            ));
        }
        let capped = match data.open(JSON_LIMIT_BYTES.bytes()).into_bytes().await {
            Ok(c) => c,
            Err(e) => {
                return data::Outcome::Error(stash(
                    req,
                    AppError::BadRequest(format!("Could not read the body: {e}.")),
                ))
            }
        };
        if !capped.is_complete() {
            return data::Outcome::Error(stash(
                req,
                AppError::PayloadTooLarge("JSON bodies are limited to 1 MiB.".into()),
            ));
        }
        match parse_json::<T>(&capped.value) {
            Ok(v) => data::Outcome::Success(JsonBody(v)),
            Err(e) => data::Outcome::Error(stash(req, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        quantity: i64,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        name: String,
        lines: Vec<Inner>,
    }

    fn problem_of(json: &str) -> FieldProblem {
        match parse_json::<Outer>(json.as_bytes()) {
            Err(AppError::Validation(v)) => v[0].clone(),
            other => panic!("expected validation error, got {other:?}"),
        }
    }

    #[test]
    fn errors_name_the_field() {
        let p =
            problem_of(r#"{"name":"a","lines":[{"quantity":1},{"quantity":1},{"quantity":"x"}]}"#);
        assert_eq!(
            (p.field.as_str(), p.code.as_str()),
            ("lines[2].quantity", "invalid_type")
        );
        let p = problem_of(r#"{"name":"a","lines":[],"role":"owner"}"#);
        assert_eq!(
            (p.field.as_str(), p.code.as_str()),
            ("role", "unknown_field")
        );
        let p = problem_of(r#"{"lines":[]}"#);
        assert_eq!((p.field.as_str(), p.code.as_str()), ("name", "required"));
    }

    #[test]
    fn malformed_json_is_bad_request() {
        assert!(matches!(
            parse_json::<Outer>(b"{\"name\":"),
            Err(AppError::BadRequest(_))
        ));
        let deep = "[".repeat(10_000);
        assert!(matches!(
            parse_json::<Outer>(deep.as_bytes()),
            Err(AppError::BadRequest(_))
        ));
    }
}
