//! Request and response types of vendors.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::modules::fields::nullable;

/// How a vendor is registered under GST; decides what its bills may charge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VendorRegistration {
    /// Has a GSTIN and charges GST.
    Regular,
    /// Has a GSTIN but pays tax under s. 10: issues a bill of supply without GST.
    Composition,
    /// No GSTIN; charges no GST (reverse charge may apply).
    Unregistered,
    /// Outside India: state code `96`, no GSTIN (imported services are reverse charge).
    Overseas,
}

impl VendorRegistration {
    pub const ALL: [VendorRegistration; 4] = [
        VendorRegistration::Regular,
        VendorRegistration::Composition,
        VendorRegistration::Unregistered,
        VendorRegistration::Overseas,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VendorRegistration::Regular => "regular",
            VendorRegistration::Composition => "composition",
            VendorRegistration::Unregistered => "unregistered",
            VendorRegistration::Overseas => "overseas",
        }
    }

    pub fn parse(s: &str) -> Option<VendorRegistration> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether the vendor's own bill may charge GST (only a regular taxpayer's may).
    pub fn charges_gst(self) -> bool {
        self == VendorRegistration::Regular
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Vendor {
    pub id: String,
    pub name: String,
    /// 15-character GSTIN of a regular or composition vendor.
    pub gstin: Option<String>,
    /// Two-digit GST state code (from the GSTIN when there is one; `96` abroad).
    pub state_code: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub billing_address: String,
    pub registration: VendorRegistration,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateVendor {
    pub name: String,
    /// Required for regular and composition vendors; `state_code` is derived from it.
    #[serde(default)]
    pub gstin: Option<String>,
    /// Required when there is no GSTIN (`96` for an overseas vendor, the default then).
    #[serde(default)]
    pub state_code: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub billing_address: Option<String>,
    /// Default: `regular` with a GSTIN, `overseas` with state code `96`, else
    /// `unregistered`.
    #[serde(default)]
    pub registration: Option<VendorRegistration>,
}

/// Absent fields stay as they are; `null` clears an optional field.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchVendor {
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
    pub registration: Option<VendorRegistration>,
}

/// Filters of `GET /vendors`.
#[derive(Debug, Clone, Default)]
pub struct VendorFilter {
    /// A `LIKE` pattern for the name prefix.
    pub name_like: Option<String>,
    pub gstin: Option<String>,
    pub after: Option<String>,
    pub limit: u32,
}
