//! The embedded admin UI and the API docs viewer, served from the binary.
//!
//! Content-hashed assets are cached for a year; `index.html` is never cached, so a new
//! binary's UI is picked up on the next load.

use std::borrow::Cow;
use std::path::PathBuf;

use rocket::http::{ContentType, Header, Status};
use rocket::response::{self, Responder, Response};
use rocket::Request;

#[derive(rust_embed::RustEmbed)]
#[folder = "assets/ui/"]
pub struct UiAssets;

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![index, asset, api_docs_viewer]
}

pub struct Asset {
    body: Cow<'static, [u8]>,
    content_type: ContentType,
    immutable: bool,
}

impl<'r> Responder<'r, 'static> for Asset {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        let cache = if self.immutable {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        Response::build()
            .header(self.content_type)
            .header(Header::new("Cache-Control", cache))
            .sized_body(self.body.len(), std::io::Cursor::new(self.body))
            .ok()
    }
}

fn load(path: &str) -> Option<Asset> {
    let file = UiAssets::get(path)?;
    let ext = path.rsplit('.').next().unwrap_or("");
    let content_type = ContentType::from_extension(ext).unwrap_or(ContentType::Binary);
    // Files named like `app.3f9a1c.js` carry a content hash and may be cached forever.
    let immutable = path.split('.').count() >= 3
        && path
            .split('.')
            .rev()
            .nth(1)
            .is_some_and(|h| h.len() >= 6 && h.chars().all(|c| c.is_ascii_hexdigit()));
    Some(Asset {
        body: file.data,
        content_type,
        immutable,
    })
}

#[rocket::get("/")]
pub fn index() -> Result<Asset, Status> {
    load("index.html").ok_or(Status::NotFound)
}

#[rocket::get("/ui/<path..>", rank = 10)]
pub fn asset(path: PathBuf) -> Result<Asset, Status> {
    let p = path.to_str().ok_or(Status::NotFound)?;
    load(p).ok_or(Status::NotFound)
}

#[rocket::get("/api-docs")]
pub fn api_docs_viewer() -> Result<Asset, Status> {
    load("api-docs.html").ok_or(Status::NotFound)
}

/// Total bytes of embedded UI assets (reported by tests against the 1 MiB budget).
pub fn embedded_size() -> usize {
    UiAssets::iter()
        .filter_map(|p| UiAssets::get(&p).map(|f| f.data.len()))
        .sum()
}
