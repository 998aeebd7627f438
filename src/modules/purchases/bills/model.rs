//! Request and response types of purchase bills.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::Quantity;
use crate::modules::purchases::vendors::model::VendorRegistration;

/// Where a bill is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BillStatus {
    Draft,
    Posted,
    PartiallyPaid,
    Paid,
    Cancelled,
}

impl BillStatus {
    pub const ALL: [BillStatus; 5] = [
        BillStatus::Draft,
        BillStatus::Posted,
        BillStatus::PartiallyPaid,
        BillStatus::Paid,
        BillStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BillStatus::Draft => "draft",
            BillStatus::Posted => "posted",
            BillStatus::PartiallyPaid => "partially_paid",
            BillStatus::Paid => "paid",
            BillStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<BillStatus> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The status for `paid` of `total` paise (a posted bill).
    pub fn of_payment(paid: i64, total: i64) -> BillStatus {
        match paid {
            0 => BillStatus::Posted,
            p if p >= total => BillStatus::Paid,
            _ => BillStatus::PartiallyPaid,
        }
    }
}

/// Whether a line's GST may be taken as input tax credit (CGST Act s. 16, s. 17).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Itc {
    /// Claimed: debited to Input CGST/SGST/IGST.
    Eligible,
    /// Not claimed (e.g. for exempt supplies or personal use): added to the cost.
    Ineligible,
    /// Blocked under s. 17(5) (motor vehicles, food, club membership…): added to the cost.
    Blocked,
}

impl Itc {
    pub fn as_str(self) -> &'static str {
        match self {
            Itc::Eligible => "eligible",
            Itc::Ineligible => "ineligible",
            Itc::Blocked => "blocked",
        }
    }

    pub fn parse(s: &str) -> Option<Itc> {
        [Itc::Eligible, Itc::Ineligible, Itc::Blocked]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BillLine {
    /// 1-based position on the bill.
    pub line_no: i64,
    /// The item bought, or null for an expense or asset line.
    pub item_id: Option<String>,
    /// The account the cost is posted to (Purchases for items).
    pub account_id: String,
    pub description: String,
    pub hsn_sac: String,
    pub unit: String,
    #[schema(value_type = f64, example = 2.5)]
    pub quantity: Quantity,
    pub unit_price_paise: i64,
    pub discount_paise: i64,
    pub gst_rate_bp: i64,
    pub itc: Itc,
    /// round(quantity × unit price) − discount.
    pub taxable_paise: i64,
    pub cgst_paise: i64,
    pub sgst_paise: i64,
    pub igst_paise: i64,
}

/// The vendor as the bill was posted.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct VendorCopy {
    pub name: String,
    pub gstin: Option<String>,
    pub state_code: String,
    pub registration: VendorRegistration,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Bill {
    pub id: String,
    pub vendor_id: String,
    pub branch_id: String,
    /// As printed by the supplier.
    pub supplier_invoice_no: String,
    pub supplier_invoice_date: String,
    /// The date the bill is entered in the books (default: the supplier invoice date).
    pub posting_date: String,
    pub due_date: String,
    /// Of the supplier invoice date, e.g. `2026-27`.
    pub financial_year: String,
    pub status: BillStatus,
    /// Tax payable by the recipient (s. 9(3)/(4), s. 5(3)/(4) IGST Act).
    pub reverse_charge: bool,
    pub intra_state: bool,
    pub notes: String,
    /// Frozen when the bill is posted; null on drafts.
    pub vendor: Option<VendorCopy>,
    pub lines: Vec<BillLine>,
    pub taxable_total_paise: i64,
    pub cgst_total_paise: i64,
    pub sgst_total_paise: i64,
    pub igst_total_paise: i64,
    pub round_off_paise: i64,
    /// What the vendor is owed: with reverse charge, the taxable value only (rounded).
    pub grand_total_paise: i64,
    /// Input tax credit taken (eligible lines only).
    pub itc_cgst_paise: i64,
    pub itc_sgst_paise: i64,
    pub itc_igst_paise: i64,
    pub amount_paid_paise: i64,
    pub balance_due_paise: i64,
    pub journal_id: Option<String>,
    pub cancel_reason: Option<String>,
    pub posted_at: Option<String>,
    pub cancelled_at: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// A line names an item (goods; cost to Purchases) or an expense or fixed-asset account.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BillLineRequest {
    #[serde(default)]
    pub item_id: Option<String>,
    #[serde(default)]
    pub account_id: Option<String>,
    /// Default: the item's or the account's name.
    #[serde(default)]
    pub description: Option<String>,
    /// Default: the item's; 4, 6 or 8 digits.
    #[serde(default)]
    pub hsn_sac: Option<String>,
    #[schema(value_type = f64, example = 2.5)]
    pub quantity: serde_json::Value,
    pub unit_price_paise: i64,
    #[serde(default)]
    pub discount_paise: Option<i64>,
    /// Default: the item's rate; required on account lines.
    #[serde(default)]
    pub gst_rate_bp: Option<i64>,
    /// Default `eligible`.
    #[serde(default)]
    pub itc: Option<Itc>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBill {
    pub vendor_id: String,
    pub branch_id: String,
    pub supplier_invoice_no: String,
    pub supplier_invoice_date: String,
    /// Default: the supplier invoice date; not before it.
    #[serde(default)]
    pub posting_date: Option<String>,
    pub due_date: String,
    #[serde(default)]
    pub reverse_charge: Option<bool>,
    pub lines: Vec<BillLineRequest>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// Absent fields stay as they are; `lines`, when given, replaces every line.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchBill {
    pub vendor_id: Option<String>,
    pub branch_id: Option<String>,
    pub supplier_invoice_no: Option<String>,
    pub supplier_invoice_date: Option<String>,
    pub posting_date: Option<String>,
    pub due_date: Option<String>,
    pub reverse_charge: Option<bool>,
    pub lines: Option<Vec<BillLineRequest>>,
    pub notes: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelBill {
    pub reason: String,
}

#[derive(Debug, Clone, Default)]
pub struct BillFilter {
    pub scope: Option<String>,
    pub status: Option<&'static str>,
    pub vendor_id: Option<String>,
    pub branch_id: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub after: Option<String>,
    pub limit: u32,
}
