//! Typed request headers: `If-Match` (optimistic concurrency) and `Idempotency-Key`.

use rocket::request::{FromRequest, Outcome, Request};

use super::problem::stash;
use crate::error::AppError;

/// `If-Match: "<version>"`; absent (or empty, as some proxies and clients send an unset
/// header) means "no precondition".
#[derive(Debug, Clone, Copy)]
pub struct IfMatch(pub Option<i64>);

pub fn parse_if_match(v: &str) -> Result<i64, AppError> {
    let t = v.trim().trim_start_matches("W/").trim_matches('"');
    t.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
        AppError::BadRequest("If-Match must be the resource version in quotes, e.g. \"3\".".into())
    })
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for IfMatch {
    type Error = AppError;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        match req
            .headers()
            .get_one("If-Match")
            .filter(|v| !v.trim().is_empty())
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
            .filter(|v| !v.trim().is_empty())
        {
            None => Outcome::Success(IdempotencyKey(None)),
            Some(v)
                if !v.is_empty() && v.len() <= 255 && v.bytes().all(|b| b.is_ascii_graphic()) =>
            {
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
