//! Purchases: vendors, purchase bills (input tax credit by line, reverse charge,
//! duplicate supplier invoices refused), vendor payments and the payables report.

pub mod bills;
pub mod demo;
pub mod payables;
pub mod payments;
pub mod vendors;

pub fn routes() -> Vec<rocket::Route> {
    let mut r = vendors::routes::routes();
    r.extend(bills::routes::routes());
    r.extend(payments::routes::routes());
    r.extend(payables::routes());
    r
}
