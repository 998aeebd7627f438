//! Sales and money over real HTTP: customers, items, invoices (GST figures worked out
//! independently), tax documents (frozen at issue, Rule 46 numbers, supply types, credit
//! and debit notes), numbering and payments under concurrency, idempotency across a
//! restart, access control, tenant isolation, validation and receivables.

mod common;

#[path = "sales/access.rs"]
mod access;
#[path = "sales/books.rs"]
mod books;
#[path = "sales/demo.rs"]
mod demo;
#[path = "sales/gstr2b.rs"]
mod gstr2b;
#[path = "sales/lifecycle.rs"]
mod lifecycle;
#[path = "sales/notes.rs"]
mod notes;
#[path = "sales/numbering.rs"]
mod numbering;
#[path = "sales/payments.rs"]
mod payments;
#[path = "sales/pdf.rs"]
mod pdf;
#[path = "sales/purchases.rs"]
mod purchases;
#[path = "sales/receivables.rs"]
mod receivables;
#[path = "sales/stock.rs"]
mod stock;
#[path = "sales/support.rs"]
mod support;
#[path = "sales/tax_documents.rs"]
mod tax_documents;
#[path = "sales/validation.rs"]
mod validation;
#[path = "sales/worked.rs"]
mod worked;
