//! The printable PDF of issued invoices, credit notes and debit notes: a `PrintDoc` built
//! from the document's frozen copies (`pdf::render` draws it).

pub mod build;
pub mod routes;
