//! Request and response types of the company profile.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The company's bank account as shown: the number masked.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct CompanyBank {
    /// All but the last four digits replaced by `*`.
    pub account_number: String,
    pub ifsc: String,
    pub bank_name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Company {
    /// Required before anything can be issued.
    pub legal_name: String,
    pub trade_name: String,
    /// The company PAN; every branch GSTIN carries it in characters 3–12.
    pub pan: Option<String>,
    pub registered_address: String,
    /// Content id of the logo uploaded with `PUT /api/v1/company/logo`; read-only.
    pub logo_file_id: Option<String>,
    pub bank: Option<CompanyBank>,
    /// UPI virtual payment address printed as a QR code on documents with a balance due.
    pub upi_id: Option<String>,
    pub invoice_terms: String,
    /// Turnover above the e-invoicing threshold.
    pub e_invoicing: bool,
    pub version: i64,
    pub updated_at: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BankRequest {
    /// 9–18 digits; the masked value as returned keeps the stored number.
    pub account_number: String,
    pub ifsc: String,
    pub bank_name: String,
}

/// The whole profile: absent optional fields are cleared.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutCompany {
    #[schema(pattern = "\\S", max_length = 200)]
    pub legal_name: String,
    #[serde(default)]
    pub trade_name: Option<String>,
    #[serde(default)]
    pub pan: Option<String>,
    #[serde(default)]
    pub registered_address: Option<String>,
    #[serde(default)]
    pub bank: Option<BankRequest>,
    #[serde(default)]
    pub upi_id: Option<String>,
    #[serde(default)]
    pub invoice_terms: Option<String>,
    #[serde(default)]
    pub e_invoicing: Option<bool>,
}

/// The row as stored (the bank account as ciphertext).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompanyRow {
    pub legal_name: String,
    pub trade_name: String,
    pub pan: Option<String>,
    pub registered_address: String,
    pub bank_account_enc: Option<Vec<u8>>,
    pub bank_account_masked: Option<String>,
    pub bank_ifsc: Option<String>,
    pub bank_name: Option<String>,
    pub upi_id: Option<String>,
    pub invoice_terms: String,
    pub e_invoicing: bool,
    pub logo_id: Option<String>,
    pub version: i64,
    pub updated_at: String,
}

impl CompanyRow {
    pub fn view(&self) -> Company {
        let bank = match (&self.bank_account_masked, &self.bank_ifsc) {
            (Some(masked), Some(ifsc)) => Some(CompanyBank {
                account_number: masked.clone(),
                ifsc: ifsc.clone(),
                bank_name: self.bank_name.clone().unwrap_or_default(),
            }),
            _ => None,
        };
        Company {
            legal_name: self.legal_name.clone(),
            trade_name: self.trade_name.clone(),
            pan: self.pan.clone(),
            registered_address: self.registered_address.clone(),
            logo_file_id: self.logo_id.clone(),
            bank,
            upi_id: self.upi_id.clone(),
            invoice_terms: self.invoice_terms.clone(),
            e_invoicing: self.e_invoicing,
            version: self.version,
            updated_at: self.updated_at.clone(),
        }
    }
}
