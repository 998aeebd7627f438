//! Invoices: drafts priced with the GST calculator, issued with a gapless number per
//! branch and financial year, cancelled only while unpaid.

pub mod model;
pub mod parse;
pub mod pricing;
pub mod repo;
pub mod routes;
pub mod service;
