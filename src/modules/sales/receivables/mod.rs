//! The receivables report: what each customer still owes, aged by days past due.

pub mod model;
pub mod repo;
pub mod routes;
pub mod service;
