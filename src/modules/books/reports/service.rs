//! The reports, from day totals: a trial balance at a million journal lines costs what
//! it costs at ten thousand. Ledgers page through lines and carry the running balance
//! from day totals plus the lines of one day, so no cursor is trusted for a figure.

use std::collections::HashMap;
use std::sync::Arc;

use time::Duration;

use super::model::{
    BalanceSheet, Ledger, ProfitAndLoss, Section, StatementLine, TrialBalance, TrialBalanceRow,
};
use super::repo::{self, Lines};
use crate::domain::{format_iso_date, parse_iso_date, Cursor};
use crate::error::{AppError, AppResult};
use crate::modules::books::accounts::model::{Account, AccountType};
use crate::modules::books::accounts::repo as accounts;
use crate::modules::books::journals::model::Ref;
use crate::modules::fields::BranchScope;
use crate::tenancy::TenantHandle;

/// Who is asking about what: the caller's branches and an optional `?branch_id=`.
#[derive(Debug, Clone, Default)]
pub struct View {
    pub scope: Option<String>,
    pub branch: Option<String>,
}

impl View {
    pub fn new(scope: &BranchScope, branch: Option<String>) -> AppResult<View> {
        if let Some(b) = &branch {
            if !scope.allows(b) {
                return Err(AppError::field("branch_id", "not_found", "no such branch"));
            }
        }
        Ok(View {
            scope: scope.sql_param(),
            branch,
        })
    }
}

fn next_day(date: &str) -> AppResult<String> {
    let d = parse_iso_date(date).map_err(AppError::internal)?;
    Ok(format_iso_date(d.saturating_add(Duration::days(1))))
}

pub fn trial_balance(t: &Arc<TenantHandle>, v: &View, as_of: &str) -> AppResult<TrialBalance> {
    t.db.read_blocking(|c| {
        let chart = accounts::list(c)?;
        let bal = repo::balances(
            c,
            v.scope.as_deref(),
            v.branch.as_deref(),
            None,
            as_of,
            true,
        )?;
        let mut rows = Vec::new();
        let (mut dr, mut cr) = (0, 0);
        for a in chart.iter().filter(|a| !a.is_group) {
            let b = bal.get(&a.id).copied().unwrap_or(0);
            if b == 0 {
                continue;
            }
            let (d, k) = if b > 0 { (b, 0) } else { (0, -b) };
            dr += d;
            cr += k;
            rows.push(TrialBalanceRow {
                account_id: a.id.clone(),
                code: a.code.clone(),
                name: a.name.clone(),
                account_type: a.account_type,
                parent_id: a.parent_id.clone(),
                debit_paise: d,
                credit_paise: k,
            });
        }
        Ok(TrialBalance {
            as_of: as_of.to_string(),
            rows,
            total_debit_paise: dr,
            total_credit_paise: cr,
        })
    })
}

/// The accounts of one type as a tree with group totals, in the type's natural direction;
/// accounts and groups at zero are left out.
fn section(chart: &[Account], bal: &HashMap<String, i64>, ty: AccountType) -> Section {
    let sign = if ty.debit_normal() { 1 } else { -1 };
    let mut children: HashMap<Option<&str>, Vec<&Account>> = HashMap::new();
    for a in chart.iter().filter(|a| a.account_type == ty) {
        children.entry(a.parent_id.as_deref()).or_default().push(a);
    }
    fn total(
        a: &Account,
        children: &HashMap<Option<&str>, Vec<&Account>>,
        bal: &HashMap<String, i64>,
        sign: i64,
        memo: &mut HashMap<String, i64>,
    ) -> i64 {
        let own = bal.get(&a.id).copied().unwrap_or(0) * sign;
        let below: i64 = children
            .get(&Some(a.id.as_str()))
            .map(|kids| {
                kids.iter()
                    .map(|k| total(k, children, bal, sign, memo))
                    .sum()
            })
            .unwrap_or(0);
        memo.insert(a.id.clone(), own + below);
        own + below
    }
    let mut memo = HashMap::new();
    let roots: Vec<&Account> = children.get(&None).cloned().unwrap_or_default();
    let section_total: i64 = roots
        .iter()
        .map(|r| total(r, &children, bal, sign, &mut memo))
        .sum();
    let mut lines = Vec::new();
    fn walk(
        a: &Account,
        depth: u32,
        children: &HashMap<Option<&str>, Vec<&Account>>,
        memo: &HashMap<String, i64>,
        out: &mut Vec<StatementLine>,
    ) {
        let amount = memo.get(&a.id).copied().unwrap_or(0);
        let has_postings = !a.is_group && amount != 0;
        let group_with_activity = a.is_group && (amount != 0 || depth == 0);
        if !(has_postings || group_with_activity) {
            return;
        }
        out.push(StatementLine {
            account_id: Some(a.id.clone()),
            code: a.code.clone(),
            name: a.name.clone(),
            parent_id: a.parent_id.clone(),
            is_group: a.is_group,
            depth,
            amount_paise: amount,
        });
        if let Some(kids) = children.get(&Some(a.id.as_str())) {
            for k in kids {
                walk(k, depth + 1, children, memo, out);
            }
        }
    }
    for r in roots {
        walk(r, 0, &children, &memo, &mut lines);
    }
    Section {
        account_type: ty,
        lines,
        total_paise: section_total,
    }
}

pub fn profit_and_loss(
    t: &Arc<TenantHandle>,
    v: &View,
    from: &str,
    to: &str,
) -> AppResult<ProfitAndLoss> {
    t.db.read_blocking(|c| {
        let chart = accounts::list(c)?;
        let bal = repo::balances(
            c,
            v.scope.as_deref(),
            v.branch.as_deref(),
            Some(from),
            to,
            false,
        )?;
        let income = section(&chart, &bal, AccountType::Income);
        let expenses = section(&chart, &bal, AccountType::Expense);
        Ok(ProfitAndLoss {
            from: from.to_string(),
            to: to.to_string(),
            net_profit_paise: income.total_paise - expenses.total_paise,
            income,
            expenses,
        })
    })
}

pub fn balance_sheet(t: &Arc<TenantHandle>, v: &View, as_of: &str) -> AppResult<BalanceSheet> {
    t.db.read_blocking(|c| {
        let chart = accounts::list(c)?;
        let bal = repo::balances(
            c,
            v.scope.as_deref(),
            v.branch.as_deref(),
            None,
            as_of,
            true,
        )?;
        let assets = section(&chart, &bal, AccountType::Asset);
        let liabilities = section(&chart, &bal, AccountType::Liability);
        let mut equity = section(&chart, &bal, AccountType::Equity);
        // Income less expenses: minus the sum of their debit-positive balances (no need to
        // build the two statement sections for their totals).
        let profit: i64 = -chart
            .iter()
            .filter(|a| matches!(a.account_type, AccountType::Income | AccountType::Expense))
            .map(|a| bal.get(&a.id).copied().unwrap_or(0))
            .sum::<i64>();
        if profit != 0 {
            // The Equity group's own line includes it, as the section total does.
            if let Some(root) = equity.lines.iter_mut().find(|l| l.depth == 0) {
                root.amount_paise += profit;
            }
            equity.lines.push(StatementLine {
                account_id: None,
                code: String::new(),
                name: "Profit and Loss Account (not yet closed)".into(),
                parent_id: None,
                is_group: false,
                depth: 1,
                amount_paise: profit,
            });
            equity.total_paise += profit;
        }
        Ok(BalanceSheet {
            as_of: as_of.to_string(),
            balanced: assets.total_paise == liabilities.total_paise + equity.total_paise,
            current_profit_paise: profit,
            assets,
            liabilities,
            equity,
        })
    })
}

/// Where a page of a ledger starts: after this (date, seq, line_no).
fn cursor_key(after: &Option<(String, uuid::Uuid)>) -> AppResult<Option<(String, i64, i64)>> {
    let bad = || AppError::field("cursor", "invalid_format", "cursor is not valid");
    match after {
        None => Ok(None),
        Some((key, _)) => {
            let mut parts = key.split('|');
            let (Some(d), Some(s), Some(n), None) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return Err(bad());
            };
            parse_iso_date(d).map_err(|_| bad())?;
            Ok(Some((
                d.to_string(),
                s.parse().map_err(|_| bad())?,
                n.parse().map_err(|_| bad())?,
            )))
        }
    }
}

pub struct LedgerQuery {
    pub from: String,
    pub to: String,
    pub limit: u32,
    pub after: Option<(String, uuid::Uuid)>,
}

/// An account's ledger (a group's: every account under it), or with `party` a statement
/// of account.
pub fn ledger(
    t: &Arc<TenantHandle>,
    v: &View,
    account_id: Option<&str>,
    party: Option<Ref>,
    q: &LedgerQuery,
) -> AppResult<Ledger> {
    let after = cursor_key(&q.after)?;
    t.db.read_blocking(|c| {
        let mut f = Lines {
            accounts: None,
            party: party.as_ref().map(|p| (p.kind.clone(), p.id.clone())),
            scope: v.scope.clone(),
            branch: v.branch.clone(),
        };
        if let Some(id) = account_id {
            accounts::get(c, id)?
                .ok_or_else(|| AppError::field("account_id", "not_found", "no such account"))?;
            let ids = accounts::descendants(c, id)?;
            f.accounts = Some(serde_json::Value::from(ids).to_string());
        }
        let end = next_day(&q.to)?;
        // Party ledgers have no day totals; they sum their (few) lines instead.
        let totals = |from: &str, to_exclusive: &str| -> AppResult<(i64, i64)> {
            if f.party.is_some() {
                let (d1, c1) = repo::line_totals_before(c, &f, to_exclusive)?;
                let (d0, c0) = repo::line_totals_before(c, &f, from)?;
                Ok((d1 - d0, c1 - c0))
            } else {
                repo::day_totals(c, &f, from, to_exclusive)
            }
        };
        let (od, oc) = totals("0000-01-01", &q.from)?;
        let opening = od - oc;
        let (pd, pc) = totals(&q.from, &end)?;
        let mut running = opening;
        if let Some((d, s, n)) = &after {
            let (bd, bc) = totals(&q.from, d)?;
            let (ld, lc) = repo::line_totals(c, &f, d, (d, *s, *n))?;
            running += bd - bc + ld - lc;
        }
        let limit = i64::from(q.limit) + 1;
        let mut entries = repo::entries(
            c,
            &f,
            &q.from,
            &q.to,
            after.as_ref().map(|(d, s, n)| (d.as_str(), *s, *n)),
            limit,
        )?;
        let more = entries.len() > q.limit as usize;
        entries.truncate(q.limit as usize);
        for e in &mut entries {
            running += e.debit_paise - e.credit_paise;
            e.balance_paise = running;
        }
        let next_cursor = if more {
            entries.last().and_then(|e| {
                uuid::Uuid::parse_str(&e.journal_id)
                    .ok()
                    .map(|u| Cursor::encode(&format!("{}|{}|{}", e.date, e.seq, e.line_no), &u))
            })
        } else {
            None
        };
        Ok(Ledger {
            account_id: account_id.map(str::to_string),
            party,
            from: q.from.clone(),
            to: q.to.clone(),
            opening_paise: opening,
            entries,
            closing_paise: opening + pd - pc,
            total_debit_paise: pd,
            total_credit_paise: pc,
            next_cursor,
        })
    })
}

/// Most entries a printed statement carries; a longer one needs a shorter period.
pub const STATEMENT_MAX_ENTRIES: u32 = 5_000;

/// A customer's statement of account for the period, as PDF.
pub fn statement_pdf(
    t: &Arc<TenantHandle>,
    v: &View,
    customer_id: &str,
    from: &str,
    to: &str,
) -> AppResult<Vec<u8>> {
    let parties =
        t.db.read_blocking(|c| repo::statement_parties(c, customer_id))?;
    let ((company, company_lines), (party, party_lines)) =
        parties.ok_or_else(|| AppError::field("id", "not_found", "no such customer"))?;
    let q = LedgerQuery {
        from: from.to_string(),
        to: to.to_string(),
        limit: STATEMENT_MAX_ENTRIES,
        after: None,
    };
    let party_ref = Ref {
        kind: "customer".into(),
        id: customer_id.to_string(),
    };
    let l = ledger(t, v, None, Some(party_ref), &q)?;
    if l.next_cursor.is_some() {
        return Err(AppError::field(
            "from",
            "too_many_entries",
            format!("a printed statement holds at most {STATEMENT_MAX_ENTRIES} entries; choose a shorter period"),
        ));
    }
    let doc = crate::pdf::StatementDoc {
        company,
        company_lines,
        party,
        party_lines,
        from: l.from.clone(),
        to: l.to.clone(),
        opening_paise: l.opening_paise,
        entries: l
            .entries
            .iter()
            .map(|e| crate::pdf::StatementEntry {
                date: e.date.clone(),
                voucher: e.number.clone(),
                particulars: e.narration.clone(),
                debit_paise: e.debit_paise,
                credit_paise: e.credit_paise,
                balance_paise: e.balance_paise,
            })
            .collect(),
        closing_paise: l.closing_paise,
    };
    crate::pdf::render_statement(&doc).map_err(AppError::internal)
}
