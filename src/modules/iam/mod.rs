//! Identity and access inside a tenant: login and sessions, users, roles, permissions.

pub mod auth_routes;
pub mod model;
pub mod repo;
pub mod routes;
pub mod service;

pub fn routes() -> Vec<rocket::Route> {
    let mut r = auth_routes::routes();
    r.extend(routes::routes());
    r
}
