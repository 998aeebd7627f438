//! Domain modules. Each has the same shape: `model.rs` (types), `repo.rs` (SQL only),
//! `service.rs` (rules), `routes.rs` (HTTP handlers) and one `routes()` entry point.

pub mod audit_log;
pub mod books;
pub mod company;
pub mod fields;
pub mod files;
pub mod hr;
pub mod iam;
pub mod org;
pub mod parties;
pub mod purchases;
pub mod returns;
pub mod sales;
pub mod stock;
pub mod system;
