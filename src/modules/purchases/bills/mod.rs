//! Purchase bills: a supplier's invoice entered as a draft, priced like an invoice
//! (vendor state vs branch state), then posted — frozen, checked against duplicates and
//! posted to the books with its input tax credit in one transaction.

pub mod model;
pub mod parse;
pub mod pricing;
pub mod repo;
pub mod routes;
pub mod service;
