//! Vendors: whom bills come from; their state decides CGST+SGST or IGST, and their
//! registration whether their bills may carry GST at all.

pub mod model;
pub mod repo;
pub mod routes;
pub mod service;
