//! Types of the chart of accounts.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountType {
    Asset,
    Liability,
    Equity,
    Income,
    Expense,
}

impl AccountType {
    pub const ALL: [AccountType; 5] = [
        AccountType::Asset,
        AccountType::Liability,
        AccountType::Equity,
        AccountType::Income,
        AccountType::Expense,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccountType::Asset => "asset",
            AccountType::Liability => "liability",
            AccountType::Equity => "equity",
            AccountType::Income => "income",
            AccountType::Expense => "expense",
        }
    }

    pub fn parse(s: &str) -> Option<AccountType> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Assets and expenses grow by debits; the rest by credits.
    pub fn debit_normal(self) -> bool {
        matches!(self, AccountType::Asset | AccountType::Expense)
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Account {
    pub id: String,
    /// Unique, e.g. `1130`.
    pub code: String,
    pub name: String,
    #[serde(rename = "type")]
    pub account_type: AccountType,
    /// Null for the five top-level groups.
    pub parent_id: Option<String>,
    /// Groups hold accounts; only accounts that are not groups take postings.
    pub is_group: bool,
    /// The accounts the posting rules use (e.g. `sundry_debtors`, `sales_1800`); null
    /// for accounts a user added.
    pub system_key: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// A new account under a group; its type is the group's.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAccount {
    #[schema(pattern = "^\\s*[0-9A-Za-z][0-9A-Za-z-]{0,9}\\s*$")]
    pub code: String,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    pub parent_id: String,
    #[serde(default)]
    pub is_group: bool,
    /// Optional; when given it must be the parent's type.
    #[serde(default, rename = "type")]
    pub account_type: Option<AccountType>,
}

/// Renaming or renumbering; type, parent and kind are fixed once created.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchAccount {
    #[schema(pattern = "^\\s*[0-9A-Za-z][0-9A-Za-z-]{0,9}\\s*$")]
    pub code: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
}
