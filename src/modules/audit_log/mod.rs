//! Reading and verifying a tenant's audit trail over HTTP. The trail itself (append,
//! hash chain, storage) lives in `crate::audit`.

pub mod routes;
pub mod service;

pub fn routes() -> Vec<rocket::Route> {
    routes::routes()
}
