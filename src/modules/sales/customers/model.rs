//! Request and response types of customers.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::modules::sales::common::nullable;

/// How a customer is registered under GST; decides the supply type of its invoices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Registration {
    /// Has a GSTIN.
    Regular,
    /// No GSTIN (a consumer or an unregistered business).
    Unregistered,
    /// A unit or developer in a Special Economic Zone; has a GSTIN.
    Sez,
    /// Outside India: state code `96`, no GSTIN.
    Export,
}

impl Registration {
    pub const ALL: [Registration; 4] = [
        Registration::Regular,
        Registration::Unregistered,
        Registration::Sez,
        Registration::Export,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Registration::Regular => "regular",
            Registration::Unregistered => "unregistered",
            Registration::Sez => "sez",
            Registration::Export => "export",
        }
    }

    pub fn parse(s: &str) -> Option<Registration> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// SEZ and export supplies may be zero-rated under a letter of undertaking.
    pub fn zero_ratable(self) -> bool {
        matches!(self, Registration::Sez | Registration::Export)
    }
}

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
    pub registration: Registration,
    /// Credit from credit notes beyond an invoice's balance, usable by later payments
    /// (`"method": "credit"`) or refunded; read-only.
    pub credit_balance_paise: i64,
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
    /// Default: `regular` with a GSTIN, `export` with state code `96`, else `unregistered`.
    #[serde(default)]
    pub registration: Option<Registration>,
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
    pub registration: Option<Registration>,
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
