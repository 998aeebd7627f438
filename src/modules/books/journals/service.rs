//! Manual journals and their reversal; reading every journal.
//!
//! A manual journal may not touch Sundry Debtors or Sundry Creditors, nor name a party:
//! what a customer or vendor owes moves only through documents (invoices, notes,
//! payments, refunds), so those ledgers always equal the receivables register.

use std::sync::Arc;

use serde_json::json;

use super::model::{CreateJournal, Journal, JournalFilter, ReverseJournal};
use super::repo;
use crate::audit::{self, Actor};
use crate::domain::{format_iso_date, parse_iso_date, FieldError};
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::modules::books::posting::{self, Entry, JournalKind, Line};
use crate::modules::fields::{optional_text, required_text, BranchScope, Problems};
use crate::tenancy::TenantHandle;

/// The most a line may carry: ₹1,000 crore, far above any SME's journal and far below
/// where sums of many lines could overflow.
const MAX_LINE_PAISE: i64 = 10_000_000_000_000;
const CONTROL_ACCOUNTS: [&str; 2] = ["sundry_debtors", "sundry_creditors"];

pub fn get(t: &Arc<TenantHandle>, scope: &BranchScope, id: &str) -> AppResult<Journal> {
    let s = scope.sql_param();
    t.db.read_blocking(|c| repo::get(c, s.as_deref(), id)?.ok_or(AppError::NotFound))
}

pub fn list(
    t: &Arc<TenantHandle>,
    scope: &BranchScope,
    f: &JournalFilter,
) -> AppResult<Vec<Journal>> {
    let s = scope.sql_param();
    t.db.read_blocking(|c| repo::list(c, s.as_deref(), f))
}

struct CheckedLine {
    account_id: String,
    debit: bool,
    amount: i64,
    branch_id: Option<String>,
}

fn check_shape(
    req: &CreateJournal,
    p: &mut Problems,
) -> (Option<String>, Option<String>, Vec<CheckedLine>) {
    let date = p
        .check("date", parse_iso_date(req.date.trim()))
        .map(format_iso_date);
    let narration = p.check("narration", required_text(&req.narration, 500));
    if req.lines.len() < 2 || req.lines.len() > 500 {
        p.push("lines", "invalid_length", "a journal has 2 to 500 lines");
    }
    let mut lines = Vec::new();
    let (mut dr, mut cr) = (0i64, 0i64);
    for (i, l) in req.lines.iter().enumerate() {
        let f = |name: &str| format!("lines[{i}].{name}");
        let account = p.check(
            f("account_id"),
            ids::parse_ref(&l.account_id, "an account id"),
        );
        let branch = match l.branch_id.as_deref().filter(|b| !b.trim().is_empty()) {
            None => Some(None),
            Some(b) => p
                .check(f("branch_id"), ids::parse_ref(b, "a branch id"))
                .map(Some),
        };
        if l.party.is_some() {
            p.push(
                f("party"),
                "party_not_allowed",
                "a manual journal cannot move a customer's or vendor's balance; use a credit or debit note, a payment or a refund",
            );
        }
        let side = match (l.debit_paise, l.credit_paise) {
            (Some(d), None) if d > 0 && d <= MAX_LINE_PAISE => Some((true, d)),
            (None, Some(c)) if c > 0 && c <= MAX_LINE_PAISE => Some((false, c)),
            (Some(_), Some(_)) => {
                p.push(
                    f("debit_paise"),
                    "one_side",
                    "give a debit or a credit, not both",
                );
                None
            }
            (None, None) => {
                p.push(
                    f("debit_paise"),
                    FieldError::REQUIRED,
                    "give debit_paise or credit_paise",
                );
                None
            }
            (d, _) => {
                let field = if d.is_some() {
                    "debit_paise"
                } else {
                    "credit_paise"
                };
                p.push(
                    f(field),
                    "out_of_range",
                    format!("the amount must be from 1 to {MAX_LINE_PAISE} paise"),
                );
                None
            }
        };
        if let (Some(account_id), Some(branch_id), Some((debit, amount))) = (account, branch, side)
        {
            if debit {
                dr += amount;
            } else {
                cr += amount;
            }
            lines.push(CheckedLine {
                account_id,
                debit,
                amount,
                branch_id,
            });
        }
    }
    if p.is_empty() && dr != cr {
        p.push(
            "lines",
            "unbalanced",
            format!(
                "debits ({dr} paise) must equal credits ({cr} paise); the difference is {} paise",
                dr - cr
            ),
        );
    }
    (date, narration, lines)
}

/// Checks that need the database: accounts exist and take postings, branches exist and
/// are the caller's.
fn check_refs(
    c: &rusqlite::Connection,
    scope: &BranchScope,
    lines: &[CheckedLine],
) -> AppResult<()> {
    let mut p = Problems::new();
    for (i, l) in lines.iter().enumerate() {
        let account: Option<(bool, Option<String>)> =
            rusqlite::OptionalExtension::optional(c.query_row(
                "SELECT is_group, system_key FROM accounts WHERE id = ?1",
                [&l.account_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            ))?;
        match account {
            None => p.push(format!("lines[{i}].account_id"), "not_found", "no such account"),
            Some((true, _)) => p.push(
                format!("lines[{i}].account_id"),
                "group_account",
                "a group account cannot take postings; choose an account under it",
            ),
            Some((false, Some(key))) if CONTROL_ACCOUNTS.contains(&key.as_str()) => p.push(
                format!("lines[{i}].account_id"),
                "control_account",
                "Sundry Debtors and Sundry Creditors move only through documents (invoices, notes, payments, bills)",
            ),
            _ => {}
        }
        match &l.branch_id {
            Some(b) => {
                let exists: bool = c.query_row(
                    "SELECT EXISTS (SELECT 1 FROM branches WHERE id = ?1)",
                    [b],
                    |r| r.get(0),
                )?;
                if !exists || !scope.allows(b) {
                    p.push(
                        format!("lines[{i}].branch_id"),
                        "not_found",
                        "no such branch",
                    );
                }
            }
            None if scope.is_limited() => p.push(
                format!("lines[{i}].branch_id"),
                FieldError::REQUIRED,
                "name one of your branches",
            ),
            None => {}
        }
    }
    p.finish()
}

pub fn create(
    t: &Arc<TenantHandle>,
    scope: &BranchScope,
    req: &CreateJournal,
    actor: &Actor,
) -> AppResult<Journal> {
    let mut p = Problems::new();
    let (date, narration, lines) = check_shape(req, &mut p);
    let (Some(date), Some(narration)) = (date, narration) else {
        return Err(p.into_error());
    };
    p.finish()?;
    let s = scope.sql_param();
    t.db.write_blocking(|tx| {
        check_refs(tx, scope, &lines)?;
        let entry = Entry {
            date: date.clone(),
            kind: JournalKind::Manual,
            narration: narration.clone(),
            source: None,
            reverses_id: None,
            lines: lines
                .iter()
                .map(|l| Line {
                    account_id: l.account_id.clone(),
                    debit: l.debit,
                    amount_paise: l.amount,
                    party: None,
                    branch_id: l.branch_id.clone(),
                })
                .collect(),
        };
        let id = posting::post(tx, &entry, actor.id())?;
        let j = repo::get(tx, s.as_deref(), &id)?.ok_or(AppError::NotFound)?;
        audit::append(
            tx,
            actor,
            "journal.created",
            "journal",
            Some(&id),
            json!({"number": j.number, "date": j.date, "narration": j.narration,
                   "total_paise": j.total_paise, "lines": j.lines.len()}),
        )?;
        Ok(j)
    })
}

/// Reverses a manual journal. Documents' journals are corrected by documents (cancel the
/// invoice, issue a note), so reversing them here is refused.
pub fn reverse(
    t: &Arc<TenantHandle>,
    scope: &BranchScope,
    id: &str,
    req: &ReverseJournal,
    actor: &Actor,
) -> AppResult<Journal> {
    let date = match req.date.as_deref().filter(|d| !d.trim().is_empty()) {
        None => None,
        Some(d) => Some(format_iso_date(
            parse_iso_date(d.trim()).map_err(|e| AppError::field("date", e.code, e.message))?,
        )),
    };
    let narration = optional_text(req.narration.as_deref().unwrap_or(""), 500)
        .map_err(|e| AppError::field("narration", e.code, e.message))?;
    let s = scope.sql_param();
    t.db.write_blocking(|tx| {
        let original = repo::get(tx, s.as_deref(), id)?.ok_or(AppError::NotFound)?;
        if original.kind != JournalKind::Manual.as_str() {
            return Err(AppError::state_rule(
                "not_reversible",
                "Not reversible here",
                "Only manual journals are reversed here; a document's journal is corrected by a document (cancel the invoice, or issue a credit or debit note).",
            ));
        }
        let date = date.unwrap_or_else(|| original.date.clone());
        if date < original.date {
            return Err(AppError::field("date", "out_of_range", "not before the journal's own date"));
        }
        let narration = if narration.is_empty() {
            format!("Reversal of {}: {}", original.number, original.narration)
        } else {
            narration.clone()
        };
        let rid = posting::reverse(tx, id, &date, &narration, None, actor.id())?;
        let j = repo::get(tx, s.as_deref(), &rid)?.ok_or(AppError::NotFound)?;
        audit::append(
            tx,
            actor,
            "journal.reversed",
            "journal",
            Some(id),
            json!({"number": original.number, "reversal_id": rid, "reversal_number": j.number, "date": date}),
        )?;
        Ok(j)
    })
}
