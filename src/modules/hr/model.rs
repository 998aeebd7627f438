//! Request and response types of the HR module.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::modules::fields::nullable;

/// Bank details as returned: `account_number` is masked unless revealed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct BankAccount {
    pub account_number: String,
    pub ifsc: String,
    pub bank_name: Option<String>,
}

/// An employee as returned. `pan`, `aadhaar` and `bank_account.account_number` show only
/// their last four characters (the rest `*`) unless the request asked for `reveal=true`
/// and the caller holds `hr.employees:reveal`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Employee {
    pub id: String,
    pub employee_code: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub branch_id: String,
    pub department: String,
    pub designation: String,
    /// `YYYY-MM-DD`.
    pub date_of_joining: Option<String>,
    pub pan: Option<String>,
    pub aadhaar: Option<String>,
    pub bank_account: Option<BankAccount>,
    pub monthly_salary_paise: i64,
    /// `active` or `exited`.
    pub status: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BankAccountInput {
    /// 9–18 digits.
    pub account_number: String,
    /// `^[A-Z]{4}0[A-Z0-9]{6}$`.
    pub ifsc: String,
    #[serde(default)]
    pub bank_name: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEmployee {
    pub employee_code: String,
    pub name: String,
    pub branch_id: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub designation: Option<String>,
    #[serde(default)]
    pub date_of_joining: Option<String>,
    #[serde(default)]
    pub pan: Option<String>,
    #[serde(default)]
    pub aadhaar: Option<String>,
    #[serde(default)]
    pub bank_account: Option<BankAccountInput>,
    /// Default 0.
    #[serde(default)]
    pub monthly_salary_paise: Option<i64>,
    /// `active` (default) or `exited`.
    #[serde(default)]
    pub status: Option<String>,
}

/// Partial bank details for PATCH, merged onto the stored ones.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BankAccountPatch {
    pub account_number: Option<String>,
    pub ifsc: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, nullable)]
    pub bank_name: Option<Option<String>>,
}

/// Every field optional; `null` clears an optional field.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchEmployee {
    pub employee_code: Option<String>,
    pub name: Option<String>,
    pub branch_id: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, nullable)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, nullable)]
    pub phone: Option<Option<String>>,
    pub department: Option<String>,
    pub designation: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, nullable)]
    pub date_of_joining: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, nullable)]
    pub pan: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, nullable)]
    pub aadhaar: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<BankAccountPatch>, nullable)]
    pub bank_account: Option<Option<BankAccountPatch>>,
    pub monthly_salary_paise: Option<i64>,
    pub status: Option<String>,
}

/// Exactly one of `pan` or `aadhaar`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LookupRequest {
    #[serde(default)]
    pub pan: Option<String>,
    #[serde(default)]
    pub aadhaar: Option<String>,
}
