//! Request and response types of credit and debit notes.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::Quantity;
use crate::modules::sales::invoices::model::{Buyer, PlaceOfSupply, Seller};
use crate::modules::sales::series::model::DocType;

/// Credit (lowers what the customer owes) or debit (raises it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    Credit,
    Debit,
}

impl NoteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NoteKind::Credit => "credit",
            NoteKind::Debit => "debit",
        }
    }

    pub fn parse(s: &str) -> Option<NoteKind> {
        [NoteKind::Credit, NoteKind::Debit]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    pub fn doc_type(self) -> DocType {
        match self {
            NoteKind::Credit => DocType::CreditNote,
            NoteKind::Debit => DocType::DebitNote,
        }
    }

    /// `credit_note` / `debit_note`: the audit entity and permission resource stem.
    pub fn entity(self) -> &'static str {
        self.doc_type().as_str()
    }

    pub fn title(self) -> &'static str {
        match self {
            NoteKind::Credit => "Credit Note",
            NoteKind::Debit => "Debit Note",
        }
    }

    /// `sales.credit_notes:<action>` / `sales.debit_notes:<action>`.
    pub fn permission(self, action: &str) -> String {
        format!("sales.{}s:{action}", self.entity())
    }
}

/// Why the note is issued (the reasons GSTR-1 and the e-invoice know).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoteReason {
    SalesReturn,
    PostSaleDiscount,
    DeficiencyInServices,
    CorrectionInInvoice,
    ChangeInPos,
    Others,
}

impl NoteReason {
    pub const ALL: [NoteReason; 6] = [
        NoteReason::SalesReturn,
        NoteReason::PostSaleDiscount,
        NoteReason::DeficiencyInServices,
        NoteReason::CorrectionInInvoice,
        NoteReason::ChangeInPos,
        NoteReason::Others,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoteReason::SalesReturn => "sales_return",
            NoteReason::PostSaleDiscount => "post_sale_discount",
            NoteReason::DeficiencyInServices => "deficiency_in_services",
            NoteReason::CorrectionInInvoice => "correction_in_invoice",
            NoteReason::ChangeInPos => "change_in_pos",
            NoteReason::Others => "others",
        }
    }

    pub fn parse(s: &str) -> Option<NoteReason> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// As printed on the note.
    pub fn label(self) -> &'static str {
        match self {
            NoteReason::SalesReturn => "Sales return",
            NoteReason::PostSaleDiscount => "Post-sale discount",
            NoteReason::DeficiencyInServices => "Deficiency in services",
            NoteReason::CorrectionInInvoice => "Correction in invoice",
            NoteReason::ChangeInPos => "Change in place of supply",
            NoteReason::Others => "Others",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoteStatus {
    Draft,
    Issued,
}

impl NoteStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            NoteStatus::Draft => "draft",
            NoteStatus::Issued => "issued",
        }
    }

    pub fn parse(s: &str) -> Option<NoteStatus> {
        [NoteStatus::Draft, NoteStatus::Issued]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NoteLine {
    pub line_no: i64,
    /// The invoice line (1-based) this line amends.
    pub invoice_line: i64,
    pub item_id: String,
    pub description: String,
    pub hsn_sac: String,
    pub unit: String,
    /// The quantity returned or added; null when only the value changes.
    #[schema(value_type = Option<f64>, example = 2.0)]
    pub quantity: Option<Quantity>,
    pub gst_rate_bp: i64,
    pub taxable_paise: i64,
    pub cgst_paise: i64,
    pub sgst_paise: i64,
    pub igst_paise: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Note {
    pub id: String,
    pub kind: NoteKind,
    pub invoice_id: String,
    /// The invoice's number and date, printed on the note (Rule 53(1)).
    pub invoice_number: Option<String>,
    pub invoice_date: String,
    pub branch_id: String,
    pub customer_id: String,
    /// From the branch's credit or debit note series; null while a draft.
    pub number: Option<String>,
    pub financial_year: Option<String>,
    pub status: NoteStatus,
    pub note_date: String,
    pub reason: NoteReason,
    pub lines: Vec<NoteLine>,
    pub taxable_total_paise: i64,
    pub cgst_total_paise: i64,
    pub sgst_total_paise: i64,
    pub igst_total_paise: i64,
    pub round_off_paise: i64,
    pub grand_total_paise: i64,
    /// Credit notes: the part that lowered the invoice's balance.
    pub applied_paise: i64,
    /// Credit notes: the part beyond the balance, added to the customer's credit balance.
    pub to_credit_paise: i64,
    /// The journal it posted (see `GET /journals/{id}`): null for a draft or a document
    /// of zero value.
    pub journal_id: Option<String>,
    /// Copied from the invoice at issue; null while a draft.
    pub place_of_supply: Option<PlaceOfSupply>,
    pub seller: Option<Seller>,
    pub buyer: Option<Buyer>,
    pub issued_at: Option<String>,
    pub created_by: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteLineRequest {
    /// The invoice line (1-based).
    #[schema(minimum = 1)]
    pub invoice_line: i64,
    /// A quantity (returned, or added for a debit note); its taxable value is the invoice
    /// line's in proportion. Exactly one of `quantity` and `taxable_paise`.
    #[serde(default)]
    #[schema(value_type = Option<f64>, example = 1.5)]
    pub quantity: Option<serde_json::Value>,
    /// A change of value only (a discount, a price correction), in paise.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub taxable_paise: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateNote {
    pub invoice_id: String,
    /// `YYYY-MM-DD`, not before the invoice date.
    #[schema(pattern = "^\\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\\s*$")]
    pub note_date: String,
    pub reason: NoteReason,
    #[schema(min_items = 1, max_items = 500)]
    pub lines: Vec<NoteLineRequest>,
}

/// Filters of the note lists, already validated.
#[derive(Debug, Clone, Default)]
pub struct NoteFilter {
    pub kind: Option<NoteKind>,
    /// JSON array of branch ids the user may see; None for every branch.
    pub scope: Option<String>,
    pub invoice_id: Option<String>,
    pub customer_id: Option<String>,
    pub status: Option<&'static str>,
    pub after: Option<String>,
    pub limit: u32,
}
