//! A response of bytes that are not JSON: a logo, a PDF. `no-store`, `nosniff`, and a
//! sandboxing CSP, like document downloads.

use std::io::Cursor;

use rocket::http::{ContentType, Header};
use rocket::response::{self, Responder, Response};
use rocket::Request;

pub struct Binary {
    pub content_type: ContentType,
    /// `Some("INV-1.pdf")` sends it as an attachment with that name (ASCII only).
    pub filename: Option<String>,
    pub bytes: Vec<u8>,
}

impl<'r> Responder<'r, 'static> for Binary {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        let mut r = Response::build();
        r.header(self.content_type)
            .header(Header::new("Cache-Control", "private, no-store"))
            .header(Header::new("X-Content-Type-Options", "nosniff"))
            .header(Header::new(
                "Content-Security-Policy",
                "default-src 'none'; sandbox",
            ));
        if let Some(name) = self.filename {
            let safe: String = name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            r.header(Header::new(
                "Content-Disposition",
                format!("attachment; filename=\"{safe}\""),
            ));
        }
        r.sized_body(self.bytes.len(), Cursor::new(self.bytes)).ok()
    }
}
