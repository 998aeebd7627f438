//! The company profile: the legal name, PAN, address, bank details, UPI ID and logo that
//! every tax document prints (CGST Rule 46), one per tenant.

pub mod model;
pub mod repo;
pub mod routes;
pub mod service;

pub fn routes() -> Vec<rocket::Route> {
    routes::routes()
}
