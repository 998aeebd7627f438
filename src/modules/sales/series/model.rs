//! Types of numbering series.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a series numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocType {
    Invoice,
    CreditNote,
    DebitNote,
}

impl DocType {
    pub const ALL: [DocType; 3] = [DocType::Invoice, DocType::CreditNote, DocType::DebitNote];

    pub fn as_str(self) -> &'static str {
        match self {
            DocType::Invoice => "invoice",
            DocType::CreditNote => "credit_note",
            DocType::DebitNote => "debit_note",
        }
    }

    pub fn parse(s: &str) -> Option<DocType> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Series {
    pub id: String,
    pub branch_id: String,
    pub doc_type: DocType,
    /// `^[A-Z][A-Z0-9]{0,3}$`, unique in the tenant.
    pub prefix: String,
    /// The number the next document issued today would take, e.g. `HQ/26-27/00001`.
    pub next_number: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSeries {
    pub doc_type: DocType,
    #[schema(pattern = "^\\s*[A-Za-z][A-Za-z0-9]{0,3}\\s*$")]
    pub prefix: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchSeries {
    #[schema(pattern = "^\\s*[A-Za-z][A-Za-z0-9]{0,3}\\s*$")]
    pub prefix: String,
}

/// A series row as stored.
#[derive(Debug, Clone)]
pub struct SeriesRow {
    pub id: String,
    pub branch_id: String,
    pub doc_type: DocType,
    pub prefix: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}
