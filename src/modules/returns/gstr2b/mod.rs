//! GSTR-2B: the statement of input tax credit the portal builds from suppliers' GSTR-1,
//! imported as downloaded and matched against posted bills by supplier GSTIN, normalised
//! invoice number and financial year, then compared on date and amounts.

pub mod file;
pub mod reconcile;
pub mod routes;
