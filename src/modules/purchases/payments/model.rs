//! Request and response types of vendor payments.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PayMethod {
    Cash,
    Upi,
    BankTransfer,
    Card,
    Cheque,
}

impl PayMethod {
    pub const ALL: [PayMethod; 5] = [
        PayMethod::Cash,
        PayMethod::Upi,
        PayMethod::BankTransfer,
        PayMethod::Card,
        PayMethod::Cheque,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PayMethod::Cash => "cash",
            PayMethod::Upi => "upi",
            PayMethod::BankTransfer => "bank_transfer",
            PayMethod::Card => "card",
            PayMethod::Cheque => "cheque",
        }
    }

    pub fn parse(s: &str) -> Option<PayMethod> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VendorPayment {
    pub id: String,
    pub bill_id: String,
    pub vendor_id: String,
    pub amount_paise: i64,
    pub method: PayMethod,
    pub reference: String,
    /// `YYYY-MM-DD`.
    pub paid_on: String,
    /// The user who recorded it.
    pub created_by: String,
    pub created_at: String,
    /// The journal it posted (see `GET /journals/{id}`).
    pub journal_id: Option<String>,
}

/// Also serialized (fields in this order) to fingerprint a request for its Idempotency-Key.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateVendorPayment {
    pub bill_id: String,
    /// Greater than 0 and at most the bill's balance due.
    pub amount_paise: i64,
    pub method: PayMethod,
    /// UTR, cheque number, etc.
    #[serde(default)]
    pub reference: Option<String>,
    /// `YYYY-MM-DD`; defaults to today (UTC); not before the bill's posting date.
    #[serde(default)]
    pub paid_on: Option<String>,
}

/// Filters of `GET /vendor-payments`, already validated.
#[derive(Debug, Clone, Default)]
pub struct VendorPaymentFilter {
    /// JSON array of branch ids the user may see; None for every branch.
    pub scope: Option<String>,
    pub bill_id: Option<String>,
    pub vendor_id: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub after: Option<String>,
    pub limit: u32,
}
