//! Request and response types of invoices.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::{Quantity, StateCode};
pub use crate::modules::sales::customers::model::Registration;

/// Where an invoice is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    Draft,
    Issued,
    PartiallyPaid,
    Paid,
    Cancelled,
}

impl InvoiceStatus {
    pub const ALL: [InvoiceStatus; 5] = [
        InvoiceStatus::Draft,
        InvoiceStatus::Issued,
        InvoiceStatus::PartiallyPaid,
        InvoiceStatus::Paid,
        InvoiceStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceStatus::Draft => "draft",
            InvoiceStatus::Issued => "issued",
            InvoiceStatus::PartiallyPaid => "partially_paid",
            InvoiceStatus::Paid => "paid",
            InvoiceStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<InvoiceStatus> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InvoiceLine {
    /// 1-based position on the invoice.
    pub line_no: i64,
    pub item_id: String,
    /// The item's name when the line was written.
    pub description: String,
    pub hsn_sac: String,
    pub unit: String,
    /// Positive, at most 3 decimals.
    #[schema(value_type = f64, example = 2.5)]
    pub quantity: Quantity,
    pub unit_price_paise: i64,
    pub discount_paise: i64,
    pub gst_rate_bp: i64,
    /// round(quantity × unit price) − discount.
    pub taxable_paise: i64,
    pub cgst_paise: i64,
    pub sgst_paise: i64,
    pub igst_paise: i64,
}

/// The supplier as printed: copied from the company and the branch at issue.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct Seller {
    pub legal_name: String,
    #[serde(default)]
    pub trade_name: String,
    pub gstin: Option<String>,
    pub address: String,
    pub state_code: String,
    #[serde(default)]
    pub state_name: String,
    #[serde(default)]
    pub pan: Option<String>,
    /// Payment details printed on the document, as they were at issue. The account
    /// number is kept masked here (it is encrypted in the company profile); the PDF prints
    /// it in full only while the profile still holds that same account.
    #[serde(default)]
    pub bank: Option<crate::modules::company::model::CompanyBank>,
    #[serde(default)]
    pub upi_id: Option<String>,
    #[serde(default)]
    pub terms: String,
}

/// The recipient as printed: copied from the customer at issue.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct Buyer {
    pub name: String,
    pub gstin: Option<String>,
    pub billing_address: String,
    pub state_code: String,
    #[serde(default)]
    pub state_name: String,
    pub registration: Registration,
}

/// Place of supply (IGST Act s. 10): a state code and its name; `96` for exports.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct PlaceOfSupply {
    pub code: String,
    pub name: String,
}

impl PlaceOfSupply {
    pub fn of(code: &str) -> PlaceOfSupply {
        PlaceOfSupply {
            code: code.to_string(),
            name: state_name(code),
        }
    }
}

/// The name of a state code as stored, or empty for a code the appliance does not know.
pub fn state_name(code: &str) -> String {
    StateCode::parse(code)
        .map(|s| s.name().to_string())
        .unwrap_or_default()
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Invoice {
    pub id: String,
    pub branch_id: String,
    pub customer_id: String,
    /// `<prefix>/<YY-YY>/<seq>`, at most 16 characters (CGST Rule 46(b)); null while a
    /// draft. Invoices issued before series existed keep `<BRANCH_CODE>/<FY>/<6 digits>`.
    pub number: Option<String>,
    /// Financial year of the number, e.g. `2026-27`; null while a draft.
    pub financial_year: Option<String>,
    pub status: InvoiceStatus,
    pub invoice_date: String,
    pub due_date: String,
    pub notes: String,
    /// True when the supply is within one state (CGST + SGST).
    pub intra_state: bool,
    /// The customer's registration (at issue; drafts: now): regular, unregistered, sez, export.
    pub supply_type: Registration,
    /// Zero-rated under a letter of undertaking (SEZ and export only): no tax.
    pub lut: bool,
    /// Tax payable on reverse charge (printed).
    pub reverse_charge: bool,
    /// Frozen at issue; null while a draft.
    pub place_of_supply: Option<PlaceOfSupply>,
    /// Frozen at issue; null while a draft.
    pub seller: Option<Seller>,
    /// Frozen at issue; null while a draft.
    pub buyer: Option<Buyer>,
    pub lines: Vec<InvoiceLine>,
    pub taxable_total_paise: i64,
    pub cgst_total_paise: i64,
    pub sgst_total_paise: i64,
    pub igst_total_paise: i64,
    /// grand_total − (taxable + taxes); between −50 and +50.
    pub round_off_paise: i64,
    /// Rounded to the rupee.
    pub grand_total_paise: i64,
    pub amount_paid_paise: i64,
    /// Issued credit notes applied to this invoice's balance.
    pub credited_paise: i64,
    /// Issued debit notes raising this invoice's balance.
    pub debited_paise: i64,
    /// grand_total + debited − credited − amount_paid.
    pub balance_due_paise: i64,
    /// The journal it posted (see `GET /journals/{id}`): null for a draft or a document
    /// of zero value.
    pub journal_id: Option<String>,
    pub cancel_reason: Option<String>,
    pub issued_at: Option<String>,
    pub cancelled_at: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineRequest {
    pub item_id: String,
    /// A positive number with at most 3 decimals, e.g. `2.5` or `0.333`.
    #[schema(value_type = f64, example = 2.5)]
    pub quantity: serde_json::Value,
    /// Defaults to the item's unit price.
    #[serde(default)]
    pub unit_price_paise: Option<i64>,
    /// Deducted from round(quantity × unit price); defaults to 0.
    #[serde(default)]
    pub discount_paise: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInvoice {
    pub branch_id: String,
    pub customer_id: String,
    /// `YYYY-MM-DD`; decides the financial year of the number.
    pub invoice_date: String,
    /// `YYYY-MM-DD`, not before `invoice_date`.
    pub due_date: String,
    pub lines: Vec<LineRequest>,
    #[serde(default)]
    pub notes: Option<String>,
    /// SEZ and export customers only: zero-rated under a letter of undertaking.
    #[serde(default)]
    pub lut: Option<bool>,
    #[serde(default)]
    pub reverse_charge: Option<bool>,
}

/// Drafts only. Absent fields stay; `lines`, when given, replaces every line.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchInvoice {
    pub branch_id: Option<String>,
    pub customer_id: Option<String>,
    pub invoice_date: Option<String>,
    pub due_date: Option<String>,
    pub lines: Option<Vec<LineRequest>>,
    pub notes: Option<String>,
    pub lut: Option<bool>,
    pub reverse_charge: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelInvoice {
    pub reason: String,
}

/// Filters of `GET /invoices`, already validated.
#[derive(Debug, Clone, Default)]
pub struct InvoiceFilter {
    /// JSON array of branch ids the user may see; None for every branch.
    pub scope: Option<String>,
    pub status: Option<&'static str>,
    pub customer_id: Option<String>,
    pub branch_id: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub after: Option<String>,
    pub limit: u32,
}
