//! Request and response types of payments.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    Cash,
    Upi,
    BankTransfer,
    Card,
    Cheque,
    /// From the customer's credit balance (credit notes beyond an invoice's balance).
    Credit,
}

impl PaymentMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "cash",
            PaymentMethod::Upi => "upi",
            PaymentMethod::BankTransfer => "bank_transfer",
            PaymentMethod::Card => "card",
            PaymentMethod::Cheque => "cheque",
            PaymentMethod::Credit => "credit",
        }
    }

    pub fn parse(s: &str) -> Option<PaymentMethod> {
        [
            PaymentMethod::Cash,
            PaymentMethod::Upi,
            PaymentMethod::BankTransfer,
            PaymentMethod::Card,
            PaymentMethod::Cheque,
            PaymentMethod::Credit,
        ]
        .into_iter()
        .find(|m| m.as_str() == s)
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Payment {
    pub id: String,
    pub invoice_id: String,
    pub customer_id: String,
    /// Negative for a refund of the customer's credit balance.
    pub amount_paise: i64,
    pub method: PaymentMethod,
    pub reference: String,
    /// `YYYY-MM-DD`.
    pub received_on: String,
    /// The user who recorded it.
    pub created_by: String,
    pub created_at: String,
    /// The journal it posted (see `GET /journals/{id}`).
    pub journal_id: Option<String>,
}

/// Also serialized (fields in this order) to fingerprint a request for its Idempotency-Key.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePayment {
    pub invoice_id: String,
    /// Greater than 0 and at most the invoice's balance due; with `"method": "credit"` at
    /// most the customer's credit balance too. Negative: a refund of the customer's credit
    /// balance (any method but `credit`), naming any invoice of that customer.
    pub amount_paise: i64,
    pub method: PaymentMethod,
    /// UTR, cheque number, etc.
    #[serde(default)]
    pub reference: Option<String>,
    /// `YYYY-MM-DD`; defaults to today (UTC).
    #[serde(default)]
    pub received_on: Option<String>,
}

/// Filters of `GET /payments`, already validated.
#[derive(Debug, Clone, Default)]
pub struct PaymentFilter {
    /// JSON array of branch ids the user may see; None for every branch.
    pub scope: Option<String>,
    pub invoice_id: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub after: Option<String>,
    pub limit: u32,
}
