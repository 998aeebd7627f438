//! `/api/v1/accounts`: the chart of accounts (seeded by migration 4, extended by users).

pub mod model;
pub mod repo;
pub mod routes;
pub mod service;
