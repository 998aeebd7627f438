//! Request and response types of stock transfers.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::Quantity;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TransferLine {
    pub line_no: i64,
    pub item_id: String,
    pub description: String,
    pub hsn_sac: String,
    pub unit: String,
    #[schema(value_type = f64, example = 2.5)]
    pub quantity: Quantity,
    /// At the sending branch's average cost.
    pub value_paise: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StockTransfer {
    pub id: String,
    /// The delivery challan number, e.g. `DC/26-27/00001`.
    pub challan_number: String,
    pub from_branch_id: String,
    pub to_branch_id: String,
    pub date: String,
    pub notes: String,
    pub lines: Vec<TransferLine>,
    pub value_paise: i64,
    pub journal_id: Option<String>,
    pub created_by: String,
    pub created_at: String,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferLineRequest {
    pub item_id: String,
    #[schema(value_type = f64, example = 2.5)]
    pub quantity: serde_json::Value,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTransfer {
    pub from_branch_id: String,
    pub to_branch_id: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub lines: Vec<TransferLineRequest>,
    #[serde(default)]
    pub notes: Option<String>,
}
