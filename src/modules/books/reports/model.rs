//! Types of the books' reports. Balances are signed, debit positive: an asset's or an
//! expense's balance is positive, a liability's, equity's or income's negative; the
//! statements show each section in its natural direction instead.

use serde::Serialize;
use utoipa::ToSchema;

use crate::modules::books::accounts::model::AccountType;
use crate::modules::books::journals::model::Ref;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TrialBalanceRow {
    pub account_id: String,
    pub code: String,
    pub name: String,
    #[serde(rename = "type")]
    pub account_type: AccountType,
    pub parent_id: Option<String>,
    /// The closing balance on its side; the other side is 0.
    pub debit_paise: i64,
    pub credit_paise: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TrialBalance {
    pub as_of: String,
    pub rows: Vec<TrialBalanceRow>,
    pub total_debit_paise: i64,
    pub total_credit_paise: i64,
}

/// One line of a statement: an account or a group (with its accounts' total).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StatementLine {
    /// Null for a computed line (the current period's profit on a balance sheet).
    pub account_id: Option<String>,
    pub code: String,
    pub name: String,
    pub parent_id: Option<String>,
    pub is_group: bool,
    /// 0 for a top-level group.
    pub depth: u32,
    /// In the section's natural direction: income and liabilities as credits, expenses
    /// and assets as debits, positive.
    pub amount_paise: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Section {
    #[serde(rename = "type")]
    pub account_type: AccountType,
    pub lines: Vec<StatementLine>,
    pub total_paise: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProfitAndLoss {
    pub from: String,
    pub to: String,
    pub income: Section,
    pub expenses: Section,
    /// Income less expenses (negative: a loss).
    pub net_profit_paise: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BalanceSheet {
    pub as_of: String,
    pub assets: Section,
    pub liabilities: Section,
    /// Equity, with the profit not yet closed into Retained Earnings as its own line.
    pub equity: Section,
    /// Income less expenses of the years not closed, up to `as_of`.
    pub current_profit_paise: i64,
    /// assets = liabilities + equity (including the current profit).
    pub balanced: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LedgerEntry {
    pub journal_id: String,
    /// `JV-<seq>`.
    pub number: String,
    pub seq: i64,
    pub date: String,
    pub narration: String,
    /// The document behind it, for drill-down; null for a manual journal.
    pub source: Option<Ref>,
    pub line_no: i64,
    pub account_id: String,
    pub account_name: String,
    pub party: Option<Ref>,
    pub branch_id: Option<String>,
    pub debit_paise: i64,
    pub credit_paise: i64,
    /// The running balance after this entry, debit positive.
    pub balance_paise: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Ledger {
    /// The account, or for a statement of account the party.
    pub account_id: Option<String>,
    pub party: Option<Ref>,
    pub from: String,
    pub to: String,
    /// Balance before `from`, debit positive.
    pub opening_paise: i64,
    pub entries: Vec<LedgerEntry>,
    /// Balance at the end of `to`, whatever page this is.
    pub closing_paise: i64,
    pub total_debit_paise: i64,
    pub total_credit_paise: i64,
    pub next_cursor: Option<String>,
}
