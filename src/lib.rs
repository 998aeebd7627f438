//! BISMAN ERP appliance: a multi-tenant ERP for Indian SMEs in one binary.
//!
//! Dependencies point one way: `http` and `modules/*` → `tenancy`, `auth`, `crypto`,
//! `domain`, `db`. Repositories take `&rusqlite::Connection` and know nothing of HTTP.

pub mod alerts;
pub mod app;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod blocking;
pub mod cli;
pub mod clock;
pub mod config;
pub mod control;
pub mod crypto;
pub mod db;
pub mod demo;
pub mod domain;
pub mod drill;
pub mod error;
pub mod http;
pub mod ids;
pub mod keys;
pub mod maintenance;
pub mod metrics;
pub mod modules;
pub mod pdf;
pub mod replication;
pub mod scan;
pub mod secrets;
pub mod service;
pub mod telemetry;
pub mod tenancy;
pub mod tls;
