//! Request and response types of the organisation module.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::modules::fields::nullable;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Branch {
    pub id: String,
    /// 2–10 upper-case letters and digits; prefixes invoice numbers.
    pub code: String,
    pub name: String,
    /// Two-digit GST state code, e.g. `27`.
    pub state_code: String,
    pub address: String,
    pub gstin: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBranch {
    pub code: String,
    pub name: String,
    pub state_code: String,
    #[serde(default)]
    pub address: String,
    /// Optional; its first two digits must equal `state_code`.
    #[serde(default)]
    pub gstin: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchBranch {
    pub code: Option<String>,
    pub name: Option<String>,
    pub state_code: Option<String>,
    pub address: Option<String>,
    /// `null` removes the GSTIN.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, nullable)]
    pub gstin: Option<Option<String>>,
}
