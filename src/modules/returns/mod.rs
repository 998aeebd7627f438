//! GST returns: GSTR-2B import and reconciliation with the purchase bills.

pub mod gstr2b;

pub fn routes() -> Vec<rocket::Route> {
    gstr2b::routes::routes()
}
