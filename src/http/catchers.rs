//! Rocket's own errors (no route, bad method, body limits, panics) as problem documents.

use rocket::http::{Header, Method, Status};
use rocket::request::Request;
use rocket::response::Response;
use rocket::Catcher;

use super::problem::{problem_response, take_stashed};
use crate::error::AppError;

/// A problem document, with the `Allow` header on 405.
pub struct Problematic(AppError, Option<String>);

impl<'r> rocket::response::Responder<'r, 'static> for Problematic {
    fn respond_to(self, req: &'r Request<'_>) -> rocket::response::Result<'static> {
        let mut res: Response<'static> = problem_response(req, &self.0);
        if let Some(allow) = self.1 {
            res.set_header(Header::new("Allow", allow));
        }
        Ok(res)
    }
}

/// Whether a mounted route's path (`/api/v1/roles/<id>`) matches the request's segments.
fn path_matches(pattern: &str, segments: &[&str]) -> bool {
    let pattern: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
    for (i, p) in pattern.iter().enumerate() {
        if p.starts_with('<') && p.ends_with("..>") {
            return true;
        }
        match segments.get(i) {
            Some(s) if p.starts_with('<') || p == s => {}
            _ => return false,
        }
    }
    pattern.len() == segments.len()
}

/// The methods some route accepts at this request's path; empty when the path is unknown.
/// Catch-all routes (the CORS preflight) do not count.
fn allowed_methods(req: &Request<'_>) -> Vec<Method> {
    let segments: Vec<&str> = req.uri().path().segments().collect();
    let mut methods: Vec<Method> = Vec::new();
    for route in req.rocket().routes() {
        let path = route.uri.origin.path().as_str();
        if path.starts_with("/<") || !path_matches(path, &segments) {
            continue;
        }
        if !methods.contains(&route.method) {
            methods.push(route.method);
        }
    }
    if methods.contains(&Method::Get) && !methods.contains(&Method::Head) {
        methods.push(Method::Head);
    }
    if !methods.is_empty() && !methods.contains(&Method::Options) {
        methods.push(Method::Options);
    }
    methods
}

/// 405 with `Allow` when the path exists but not for this method. Rocket answers a
/// method it does not know (e.g. QUERY) with a 400 before routing; that is also a 405.
fn method_not_allowed(status: Status, req: &Request<'_>) -> Option<Problematic> {
    if req.route().is_some() || !matches!(status.code, 400 | 404) {
        return None;
    }
    let allowed = allowed_methods(req);
    if allowed.is_empty() || (status.code == 404 && allowed.contains(&req.method())) {
        return None;
    }
    let allow = allowed
        .iter()
        .map(|m| m.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    Some(Problematic(AppError::MethodNotAllowed, Some(allow)))
}

#[rocket::catch(default)]
fn default_catcher(status: Status, req: &Request<'_>) -> Problematic {
    if let Some(err) = take_stashed(req) {
        return Problematic(err, None);
    }
    if let Some(p) = method_not_allowed(status, req) {
        return p;
    }
    let err = match status.code {
        400 => AppError::BadRequest("The request could not be understood.".into()),
        401 => AppError::Unauthorized,
        403 => AppError::Forbidden("You do not have permission for this action.".into()),
        404 => AppError::NotFound,
        405 => AppError::MethodNotAllowed,
        413 => AppError::PayloadTooLarge("The request body is too large.".into()),
        415 => AppError::UnsupportedMediaType("Unsupported content type.".into()),
        422 => AppError::Validation(vec![]),
        429 => AppError::RateLimited {
            retry_after_secs: 60,
        },
        503 => AppError::TenantUnavailable("service unavailable".into()),
        507 => AppError::InsufficientStorage,
        c if (400..500).contains(&c) => {
            AppError::BadRequest(format!("Request failed with status {c}."))
        }
        _ => AppError::Internal(format!("unhandled status {}", status.code)),
    };
    Problematic(err, None)
}

pub fn all() -> Vec<Catcher> {
    rocket::catchers![default_catcher]
}

#[cfg(test)]
mod tests {
    use super::path_matches;

    #[test]
    fn route_paths_match_segments() {
        assert!(path_matches("/api/v1/roles", &["api", "v1", "roles"]));
        assert!(path_matches(
            "/api/v1/roles/<id>",
            &["api", "v1", "roles", "x"]
        ));
        assert!(!path_matches("/api/v1/roles/<id>", &["api", "v1", "roles"]));
        assert!(!path_matches("/api/v1/roles", &["api", "v1", "roles", "x"]));
        assert!(path_matches("/ui/<path..>", &["ui", "a", "b"]));
        assert!(!path_matches("/health", &["ready"]));
    }
}
