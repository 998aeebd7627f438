//! Request and response types of customers.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::modules::sales::common::nullable;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Customer {
    pub id: String,
    pub name: String,
    /// 15-character GSTIN, when the customer is registered.
    pub gstin: Option<String>,
    /// Two-digit GST state code (taken from the GSTIN when there is one).
    pub state_code: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub billing_address: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCustomer {
    pub name: String,
    /// Optional; when given, `state_code` is derived from it (a different `state_code` is 422).
    #[serde(default)]
    pub gstin: Option<String>,
    /// Required when there is no GSTIN.
    #[serde(default)]
    pub state_code: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub billing_address: Option<String>,
}

/// Absent fields stay as they are; `null` clears an optional field.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchCustomer {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, nullable)]
    pub gstin: Option<Option<String>>,
    pub state_code: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, nullable)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, nullable)]
    pub phone: Option<Option<String>>,
    pub billing_address: Option<String>,
}

/// Filters of `GET /customers`.
#[derive(Debug, Clone, Default)]
pub struct CustomerFilter {
    /// A `LIKE` pattern for the name prefix.
    pub name_like: Option<String>,
    pub gstin: Option<String>,
    pub after: Option<String>,
    pub limit: u32,
}
