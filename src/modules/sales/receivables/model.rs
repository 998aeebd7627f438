//! Response types of the receivables report.

use serde::Serialize;
use utoipa::ToSchema;

/// Outstanding amounts by days past the due date. Amounts not yet due count in `0_30`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Buckets {
    #[serde(rename = "0_30")]
    pub days_0_30: i64,
    #[serde(rename = "31_60")]
    pub days_31_60: i64,
    #[serde(rename = "61_90")]
    pub days_61_90: i64,
    pub over_90: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CustomerReceivable {
    pub customer_id: String,
    pub customer_name: String,
    pub gstin: Option<String>,
    /// Invoices with a balance due.
    pub invoices: i64,
    pub outstanding_paise: i64,
    pub buckets: Buckets,
}

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ReceivablesTotals {
    pub invoices: i64,
    pub outstanding_paise: i64,
    pub buckets: Buckets,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReceivablesReport {
    /// The day the ages are counted to (today, UTC).
    pub as_of: String,
    /// One row per customer with something outstanding, by name.
    pub customers: Vec<CustomerReceivable>,
    pub totals: ReceivablesTotals,
}

/// The balance due of a customer's invoices that fall due on one day.
#[derive(Debug, Clone)]
pub struct DueRow {
    pub customer_id: String,
    pub customer_name: String,
    pub gstin: Option<String>,
    pub due_date: String,
    pub invoices: i64,
    pub balance_paise: i64,
}
