//! Request and response types of items.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Item {
    pub id: String,
    /// Unique stock-keeping unit.
    pub sku: String,
    pub name: String,
    /// HSN (goods) or SAC (services) code: 4, 6 or 8 digits.
    pub hsn_sac: String,
    /// Unit of measure, e.g. `nos`, `kg`, `hour`.
    pub unit: String,
    pub unit_price_paise: i64,
    /// GST rate in basis points: 0, 25, 300, 500, 1200, 1800, 2800 or 4000.
    pub gst_rate_bp: i64,
    /// Whether quantities on hand are kept per branch (bills add, invoices remove).
    pub track_stock: bool,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateItem {
    pub sku: String,
    pub name: String,
    pub hsn_sac: String,
    pub unit: String,
    pub unit_price_paise: i64,
    pub gst_rate_bp: i64,
    /// Default false (services, or goods whose stock is not kept).
    #[serde(default)]
    pub track_stock: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchItem {
    pub sku: Option<String>,
    pub name: Option<String>,
    pub hsn_sac: Option<String>,
    pub unit: Option<String>,
    pub unit_price_paise: Option<i64>,
    pub gst_rate_bp: Option<i64>,
    /// Turning it off is refused while any branch holds stock of the item.
    pub track_stock: Option<bool>,
}

/// Filters of `GET /items`.
#[derive(Debug, Clone, Default)]
pub struct ItemFilter {
    /// A `LIKE` pattern matched against the name and the SKU.
    pub like: Option<String>,
    pub after: Option<String>,
    pub limit: u32,
}
