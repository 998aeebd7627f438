//! The organisation: branches (each with its GST state and optional GSTIN).

pub mod model;
pub mod repo;
pub mod routes;
pub mod service;

pub fn routes() -> Vec<rocket::Route> {
    routes::routes()
}
