//! Stock: quantities per item and branch at weighted average cost, moved by bills,
//! invoices, sales-return credit notes and transfers (with their delivery challans), the
//! negative-stock setting, and the stock and stock-ledger reports.

pub mod moves;
pub mod reports;
pub mod settings;
pub mod transfers;

pub fn routes() -> Vec<rocket::Route> {
    let mut r = transfers::routes::routes();
    r.extend(reports::routes());
    r.extend(settings::routes());
    r
}
