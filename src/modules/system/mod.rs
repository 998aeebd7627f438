//! System administration: sysadmin sign-in and the tenant lifecycle.

pub mod model;
pub mod routes;
pub mod service;

pub use routes::routes;
