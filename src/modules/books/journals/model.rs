//! Types of journals.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A record a line or a journal refers to: `{"type": "customer", "id": …}` or a source
/// document `{"type": "invoice", "id": …}`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Ref {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JournalLine {
    pub line_no: i64,
    pub account_id: String,
    pub account_code: String,
    pub account_name: String,
    /// Exactly one of debit and credit is positive.
    pub debit_paise: i64,
    pub credit_paise: i64,
    pub party: Option<Ref>,
    pub branch_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Journal {
    pub id: String,
    /// `JV-<seq>`: journals are numbered in posting order.
    pub number: String,
    pub seq: i64,
    pub date: String,
    /// `document`, `manual`, `reversal` or `closing`.
    pub kind: String,
    pub narration: String,
    /// The document that posted it (`invoice`, `invoice_cancellation`, `credit_note`,
    /// `debit_note`, `payment`, `year_close`), or null for a manual journal.
    pub source: Option<Ref>,
    pub reverses_id: Option<String>,
    pub reversed_by_id: Option<String>,
    /// The sum of the debits (= the sum of the credits).
    pub total_paise: i64,
    pub lines: Vec<JournalLine>,
    pub created_by: String,
    pub created_at: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLine {
    pub account_id: String,
    /// Give exactly one of debit_paise and credit_paise, positive.
    #[schema(minimum = 1)]
    pub debit_paise: Option<i64>,
    #[schema(minimum = 1)]
    pub credit_paise: Option<i64>,
    /// Not accepted on manual journals (party balances move only through documents);
    /// present for the shape of §9.
    pub party: Option<Ref>,
    pub branch_id: Option<String>,
}

/// A manual journal: opening balances, expenses, bank charges, GST set-off.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateJournal {
    /// `YYYY-MM-DD`, after the lock date.
    pub date: String,
    #[schema(min_length = 1, max_length = 500)]
    pub narration: String,
    #[schema(min_items = 2, max_items = 500)]
    pub lines: Vec<CreateLine>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReverseJournal {
    /// Defaults to the journal's own date; not before it.
    pub date: Option<String>,
    pub narration: Option<String>,
}

/// Filters of `GET /journals`, already validated.
#[derive(Debug, Default)]
pub struct JournalFilter {
    pub from: Option<String>,
    pub to: Option<String>,
    pub kind: Option<String>,
    pub source_type: Option<String>,
    pub source_id: Option<String>,
    /// Keyset: journals with a lower seq (newest first).
    pub before_seq: Option<i64>,
    pub limit: u32,
}
