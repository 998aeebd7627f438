//! `/api/v1/reports/…` of the books: trial balance, profit and loss, balance sheet,
//! ledgers with running balances, statements of account and the day book. Totals come
//! from `ledger_days` (kept by the seal trigger), never from a scan of the journal.

pub mod model;
pub mod repo;
pub mod routes;
pub mod service;
