//! The pure domain layer: values that are known to be valid because the only
//! way to obtain one is its `parse` constructor ("parse, don't validate").
//!
//! Nothing here touches I/O. Every parser returns a [`FieldError`] with a
//! stable code that the HTTP layer reports against the offending field.

mod aadhaar;
mod bank;
mod branch_code;
mod cursor;
mod date;
mod email;
mod error;
mod gst;
mod gst_rate;
mod gstin;
mod hsn;
mod ifsc;
mod mask;
mod money;
mod page;
mod pan;
mod phone;
mod quantity;
mod slug;
mod state;
mod verhoeff;
mod words;

pub use aadhaar::Aadhaar;
pub use bank::AccountNumber;
pub use branch_code::BranchCode;
pub use cursor::Cursor;
pub use date::{
    financial_year, format_iso_date, next_financial_year_start, parse_iso_date,
    short_financial_year, IsoDate,
};
pub use email::Email;
pub use error::FieldError;
pub use gst::{
    invoice_totals, line_tax, line_tax_with, proportion, tax_on, LineInput, LineTax, TaxHeads,
    Totals,
};
pub use gst_rate::GstRate;
pub use gstin::{gstin_check_char, Gstin};
pub use hsn::HsnSac;
pub use ifsc::Ifsc;
pub use mask::mask_last4;
pub use money::Paise;
pub use page::Limit;
pub use pan::Pan;
pub use phone::Phone;
pub use quantity::Quantity;
pub use slug::TenantSlug;
pub use state::StateCode;
pub use verhoeff::{verhoeff_check_digit, verhoeff_is_valid};
pub use words::{format_indian, rupees_in_words};
