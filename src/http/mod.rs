//! The HTTP edge: problem documents, body parsing, headers, compression, metrics,
//! operations endpoints, the embedded UI and the OpenAPI document.

pub mod binary;
pub mod body;
pub mod catchers;
pub mod client_ip;
pub mod compress;
pub mod fairings;
pub mod headers;
pub mod openapi;
pub mod ops;
pub mod pagination;
pub mod problem;
pub mod query;
pub mod ui;

pub use body::JsonBody;
pub use client_ip::ClientIp;
pub use problem::{stash, RequestId};
