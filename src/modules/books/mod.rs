//! The books: chart of accounts, journals (posted by every document in its own
//! transaction, or entered by hand), the lock date, year close and the reports.

pub mod accounts;
pub mod demo;
pub mod journals;
pub mod posting;
pub mod reports;
pub mod settings;

pub fn routes() -> Vec<rocket::Route> {
    let mut r = accounts::routes::routes();
    r.extend(journals::routes::routes());
    r.extend(reports::routes::routes());
    r.extend(settings::routes());
    r
}
