//! Typed request headers: `If-Match` (optimistic concurrency) and `Idempotency-Key`.

use rocket::request::{FromRequest, Outcome, Request};

use super::problem::stash;
use crate::error::AppError;

/// `If-Match: "<version>"`; absent (or empty, as some proxies and clients send an unset
/// header) means "no precondition". Anything else must be exactly that form (what the
/// OpenAPI document states as its pattern): a weak tag, a bare number or a list is 400.
#[derive(Debug, Clone, Copy)]
pub struct IfMatch(pub Option<i64>);

/// The longest version accepted: 18 digits always fit an `i64`.
const MAX_VERSION_DIGITS: usize = 18;

pub fn parse_if_match(v: &str) -> Result<i64, AppError> {
    let bad = || {
        AppError::BadRequest("If-Match must be the resource version in quotes, e.g. \"3\".".into())
    };
    let digits = v
        .trim_matches([' ', '\t'])
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .ok_or_else(bad)?;
    let well_formed = !digits.is_empty()
        && digits.len() <= MAX_VERSION_DIGITS
        && !digits.starts_with('0')
        && digits.bytes().all(|b| b.is_ascii_digit());
    if !well_formed {
        return Err(bad());
    }
    digits.parse::<i64>().map_err(|_| bad())
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for IfMatch {
    type Error = AppError;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        match req
            .headers()
            .get_one("If-Match")
            .filter(|v| !v.trim_matches([' ', '\t']).is_empty())
        {
            None => Outcome::Success(IfMatch(None)),
            Some(v) => match parse_if_match(v) {
                Ok(n) => Outcome::Success(IfMatch(Some(n))),
                Err(e) => Outcome::Error(stash(req, e)),
            },
        }
    }
}

/// `Idempotency-Key`: 1–255 visible ASCII characters; an empty header is no key.
#[derive(Debug, Clone)]
pub struct IdempotencyKey(pub Option<String>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for IdempotencyKey {
    type Error = AppError;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        match req
            .headers()
            .get_one("Idempotency-Key")
            .map(|v| v.trim_matches([' ', '\t']))
            .filter(|v| !v.is_empty())
        {
            None => Outcome::Success(IdempotencyKey(None)),
            Some(v) if v.len() <= 255 && v.bytes().all(|b| b.is_ascii_graphic()) => {
                Outcome::Success(IdempotencyKey(Some(v.to_string())))
            }
            Some(_) => Outcome::Error(stash(
                req,
                AppError::BadRequest(
                    "Idempotency-Key must be 1–255 visible ASCII characters.".into(),
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_if_match;

    #[test]
    fn if_match_is_exactly_a_quoted_version() {
        assert_eq!(parse_if_match("\"3\"").ok(), Some(3));
        assert_eq!(parse_if_match(" \"42\"\t").ok(), Some(42));
        assert_eq!(
            parse_if_match("\"999999999999999999\"").ok(),
            Some(999_999_999_999_999_999)
        );
        for bad in [
            "3",
            "\"3",
            "W/\"3\"",
            "\"03\"",
            "\"0\"",
            "\"+3\"",
            "\"-3\"",
            "\"\"",
            "\"3\", \"4\"",
            "*",
            "\"1000000000000000000\"",
        ] {
            assert!(parse_if_match(bad).is_err(), "{bad:?}");
        }
    }
}
