//! People: employees, with PAN, Aadhaar and bank account numbers encrypted at rest,
//! masked in responses, revealed only with `hr.employees:reveal` (and audited), and
//! found by exact lookup through blind indexes.

pub mod crypt;
pub mod demo;
pub mod input;
pub mod model;
pub mod repo;
pub mod routes;
pub mod service;

pub fn routes() -> Vec<rocket::Route> {
    routes::routes()
}
