//! Documents attached to employees and invoices: checked by content, scanned when a
//! scanner is configured, stored as encrypted chunks inside the tenant's own file
//! (so one Litestream stream carries documents and the rows that point to them).

pub mod model;
mod repo;
pub mod routes;
pub mod service;
pub mod sniff;
pub mod upload;

pub use routes::{routes, ScannerState};
