//! Transfers between branches of one GSTIN: goods move at average cost under a delivery
//! challan (CGST Rule 55); between GSTINs a transfer is a supply and needs an invoice.

pub mod model;
pub mod routes;
pub mod service;
