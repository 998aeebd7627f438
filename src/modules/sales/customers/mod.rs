//! Customers: who invoices are made out to; their state decides CGST+SGST or IGST.

pub mod model;
pub mod repo;
pub mod routes;
pub mod service;
