//! The edge fairing: request ids, timing, security headers, CORS, compression, metrics
//! and the one access-log line per request.

use std::io::Cursor;
use std::net::IpAddr;
use std::time::Instant;

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::{Header, Method, Status};
use rocket::{Data, Request, Response};

use super::compress;
use super::problem::RequestId;
use crate::config::{IpNet, Settings};
use crate::metrics;

/// Marks the tenant a request acted for, so the access log can name it.
#[derive(Debug, Clone, Default)]
pub struct TenantTag(pub Option<String>);

struct Started(Instant);

pub struct Edge {
    pub cors_origins: Vec<String>,
    /// Production on a plain non-loopback bind: only a trusted proxy's HTTPS (or this
    /// machine) may talk to us.
    pub https_via_proxy_only: bool,
    pub trusted_proxies: Vec<IpNet>,
}

impl Edge {
    pub fn new(settings: &Settings) -> Edge {
        Edge {
            cors_origins: settings.cors_origins.clone(),
            https_via_proxy_only: settings.https_via_proxy_only(),
            trusted_proxies: settings.trusted_proxies.clone(),
        }
    }
}

/// Whether a request reached a plain-HTTP listener without crossing a network in clear:
/// from a trusted proxy that says it was HTTPS, or from this machine (which has not
/// forwarded a plain-HTTP request either).
pub fn arrived_encrypted(peer: Option<IpAddr>, proto: Option<&str>, trusted: &[IpNet]) -> bool {
    let Some(peer) = peer else {
        return false;
    };
    let https = proto.is_some_and(|p| p.trim().eq_ignore_ascii_case("https"));
    if trusted.iter().any(|n| n.contains(peer)) {
        return https || (peer.is_loopback() && proto.is_none());
    }
    peer.is_loopback() && (https || proto.is_none())
}

/// A caller's request id is kept if it is a sane token: 1–128 of `[A-Za-z0-9._-]`.
pub fn sane_request_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";
pub const UI_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

#[rocket::async_trait]
impl Fairing for Edge {
    fn info(&self) -> Info {
        Info {
            name: "edge",
            kind: Kind::Request | Kind::Response,
        }
    }

    async fn on_request(&self, req: &mut Request<'_>, _: &mut Data<'_>) {
        req.local_cache(|| Started(Instant::now()));
        let rid = req
            .headers()
            .get_one("X-Request-Id")
            .filter(|s| sane_request_id(s))
            .map(str::to_string)
            .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
        req.local_cache(|| RequestId(rid));
        if self.https_via_proxy_only
            && !matches!(req.uri().path().as_str(), "/health" | "/ready")
            && !arrived_encrypted(
                req.remote().map(|a| a.ip()),
                req.headers().get_one("X-Forwarded-Proto"),
                &self.trusted_proxies,
            )
        {
            super::problem::stash(
                req,
                crate::error::AppError::Forbidden(
                    "HTTPS is required: connect through the TLS proxy (BISMAN_TRUSTED_PROXIES)"
                        .into(),
                ),
            );
            if let Ok(uri) = rocket::http::uri::Origin::parse(REJECTED_PATH) {
                req.set_uri(uri);
            }
            return;
        }
        reject_repeated_query_params(req);
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, res: &mut Response<'r>) {
        let rid = super::problem::request_id(req);
        let path = req.uri().path();
        let is_api =
            path.starts_with("/api/") || matches!(path.as_str(), "/health" | "/ready" | "/metrics");

        // CORS: only listed origins, and preflights answered without a route.
        if let Some(origin) = req.headers().get_one("Origin") {
            if self.cors_origins.iter().any(|o| o == origin) {
                res.set_header(Header::new(
                    "Access-Control-Allow-Origin",
                    origin.to_string(),
                ));
                res.set_header(Header::new("Vary", "Origin"));
                res.set_header(Header::new(
                    "Access-Control-Expose-Headers",
                    "X-Request-Id, Retry-After, ETag",
                ));
                if req.method() == Method::Options {
                    res.set_header(Header::new(
                        "Access-Control-Allow-Methods",
                        "GET, POST, PATCH, DELETE, OPTIONS",
                    ));
                    res.set_header(Header::new(
                        "Access-Control-Allow-Headers",
                        "Authorization, Content-Type, If-Match, Idempotency-Key, X-Request-Id",
                    ));
                    res.set_header(Header::new("Access-Control-Max-Age", "600"));
                }
            }
        }

        res.set_header(Header::new("X-Request-Id", rid.clone()));
        res.set_header(Header::new("X-Content-Type-Options", "nosniff"));
        res.set_header(Header::new("X-Frame-Options", "DENY"));
        res.set_header(Header::new("Referrer-Policy", "no-referrer"));
        res.set_header(Header::new(
            "Strict-Transport-Security",
            "max-age=31536000; includeSubDomains",
        ));
        res.set_header(Header::new("Cross-Origin-Opener-Policy", "same-origin"));
        if !res.headers().contains("Content-Security-Policy") {
            res.set_header(Header::new(
                "Content-Security-Policy",
                if is_api { API_CSP } else { UI_CSP },
            ));
        }
        if is_api || !res.headers().contains("Cache-Control") {
            res.set_header(Header::new("Cache-Control", "no-store"));
        }
        res.remove_header("Server");

        maybe_compress(req, res).await;

        let status = res.status();
        let route = req
            .route()
            .map(|r| r.uri.origin.path().to_string())
            .unwrap_or_else(|| "unmatched".to_string());
        let took = req.local_cache(|| Started(Instant::now())).0.elapsed();
        metrics::global().observe_request(req.method().as_str(), &route, status.code, took);
        let tenant = req
            .local_cache(TenantTag::default)
            .0
            .clone()
            .unwrap_or_default();
        // Microsecond precision: longer digit runs would trip the redactor's number rule.
        let latency_ms = (took.as_secs_f64() * 1_000_000.0).round() / 1000.0;
        if status.code >= 500 {
            tracing::error!(target: "bisman::http", request_id = %rid, method = %req.method(), route = %route, tenant = %tenant, status = status.code, latency_ms, "request");
        } else if path.as_str() != "/health" {
            tracing::info!(target: "bisman::http", request_id = %rid, method = %req.method(), route = %route, tenant = %tenant, status = status.code, latency_ms, "request");
        }
    }
}

/// Where a request with a repeated query parameter is sent: no route lives there, so the
/// catcher answers with the 422 stashed for it.
const REJECTED_PATH: &str = "/__bisman/rejected";

/// Every API query parameter takes one value. Rocket would silently drop a repeated
/// `Option<_>` parameter (`?cursor=bad&cursor=bad` listed the first page), so a repeat is
/// refused with 422 naming the parameter, before routing.
fn reject_repeated_query_params(req: &mut Request<'_>) {
    if !req.uri().path().starts_with("/api/") {
        return;
    }
    let repeated = req.uri().query().and_then(|q| {
        let mut seen = std::collections::HashSet::new();
        q.segments()
            .find(|(name, _)| !seen.insert(*name))
            .map(|(name, _)| name.to_string())
    });
    let Some(name) = repeated else {
        return;
    };
    let shown: String = name.chars().take(64).collect();
    super::problem::stash(
        req,
        crate::error::AppError::field(
            shown,
            "repeated",
            "this query parameter may be given only once",
        ),
    );
    if let Ok(uri) = rocket::http::uri::Origin::parse(REJECTED_PATH) {
        req.set_uri(uri);
    }
}

async fn maybe_compress(req: &Request<'_>, res: &mut Response<'_>) {
    if res.headers().contains("Content-Encoding") || res.status() == Status::NoContent {
        return;
    }
    let Some(encoding) = req
        .headers()
        .get_one("Accept-Encoding")
        .and_then(compress::negotiate)
    else {
        return;
    };
    let compressible = res
        .content_type()
        .is_some_and(|ct| compress::is_compressible(&ct.to_string()));
    if !compressible {
        return;
    }
    // Only sized bodies: streamed downloads (documents) are already compressed formats.
    let Some(size) = res.body().preset_size() else {
        return;
    };
    if size < compress::MIN_SIZE {
        return;
    }
    let Ok(bytes) = res.body_mut().to_bytes().await else {
        return;
    };
    match compress::compress(encoding, &bytes) {
        Ok(z) => {
            res.set_header(Header::new("Content-Encoding", encoding.header_value()));
            res.set_sized_body(z.len(), Cursor::new(z));
        }
        Err(_) => res.set_sized_body(bytes.len(), Cursor::new(bytes)),
    }
    res.adjoin_header(Header::new("Vary", "Accept-Encoding"));
}

/// Answers CORS preflights (the edge fairing adds the headers for allowed origins).
#[rocket::options("/<_..>")]
pub fn preflight() -> Status {
    Status::NoContent
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_id_sanity() {
        assert!(sane_request_id("abc-123_X.y"));
        assert!(!sane_request_id(""));
        assert!(!sane_request_id(&"a".repeat(129)));
        assert!(!sane_request_id("a b"));
        assert!(!sane_request_id("a\nb"));
    }

    #[test]
    fn plain_http_is_accepted_only_from_a_trusted_https_proxy_or_this_machine() {
        let ip = |s: &str| Some(s.parse::<IpAddr>().expect("ip"));
        let trusted = [IpNet::parse("10.0.0.0/24").expect("net")];
        assert!(arrived_encrypted(ip("10.0.0.5"), Some("https"), &trusted));
        assert!(arrived_encrypted(ip("10.0.0.5"), Some(" HTTPS "), &trusted));
        assert!(!arrived_encrypted(ip("10.0.0.5"), Some("http"), &trusted));
        assert!(!arrived_encrypted(ip("10.0.0.5"), None, &trusted));
        // A LAN client cannot claim HTTPS for itself.
        assert!(!arrived_encrypted(ip("10.0.1.5"), Some("https"), &trusted));
        assert!(!arrived_encrypted(ip("192.168.1.9"), None, &trusted));
        assert!(arrived_encrypted(ip("127.0.0.1"), None, &trusted));
        assert!(arrived_encrypted(ip("::1"), Some("https"), &trusted));
        assert!(!arrived_encrypted(ip("127.0.0.1"), Some("http"), &trusted));
        assert!(!arrived_encrypted(None, Some("https"), &trusted));
    }
}
