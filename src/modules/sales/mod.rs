//! Sales and money: customers, items, invoices (GST, numbering), payments
//! (idempotent, never more than the balance) and the receivables report.

pub mod common;
pub mod customers;
pub mod demo;
pub mod invoices;
pub mod items;
pub mod notes;
pub mod payments;
pub mod print;
pub mod receivables;
pub mod series;

pub fn routes() -> Vec<rocket::Route> {
    let mut r = customers::routes::routes();
    r.extend(items::routes::routes());
    r.extend(invoices::routes::routes());
    r.extend(payments::routes::routes());
    r.extend(receivables::routes::routes());
    r.extend(series::routes::routes());
    r.extend(notes::routes::routes());
    r.extend(print::routes::routes());
    r
}
