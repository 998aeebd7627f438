//! Payments: money received against issued invoices. Never more than the balance, also
//! under concurrency; retries with an `Idempotency-Key` get the original response.

pub mod idempotency;
pub mod model;
pub mod repo;
pub mod routes;
pub mod service;
