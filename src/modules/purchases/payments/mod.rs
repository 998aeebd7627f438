//! Vendor payments: money paid against a posted bill, never more than its balance (also
//! under concurrent requests), idempotent with an `Idempotency-Key`, posted to the books.

pub mod model;
pub mod repo;
pub mod routes;
pub mod service;
