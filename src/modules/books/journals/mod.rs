//! `/api/v1/journals`: every posting (documents', manual, reversals, year close) and the
//! manual journals an accountant enters.

pub mod model;
pub mod repo;
pub mod routes;
pub mod service;
