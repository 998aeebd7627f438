//! Writing journals: every document, manual journal, reversal and year close goes
//! through [`post`], inside the caller's transaction. The database seals the journal
//! (balance and lock date checked by triggers), so a bad rule fails loudly instead of
//! corrupting the books.

mod backfill;
pub mod rules;

use rusqlite::{params, Connection, OptionalExtension};

use crate::clock;
use crate::error::{AppError, AppResult};
use crate::ids;

pub use backfill::backfill;
pub use rules::{post_document, reverse_document, DocKind};

/// What a journal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JournalKind {
    Document,
    Manual,
    Reversal,
    Closing,
}

impl JournalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            JournalKind::Document => "document",
            JournalKind::Manual => "manual",
            JournalKind::Reversal => "reversal",
            JournalKind::Closing => "closing",
        }
    }
}

/// A counterparty named on a line (customers now; vendors with purchases).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    pub kind: &'static str,
    pub id: String,
}

/// One posting. `amount_paise` is signed: positive goes to the line's side, negative to
/// the other (a negative round-off is a debit); zero lines are dropped.
#[derive(Debug, Clone)]
pub struct Line {
    pub account_id: String,
    pub debit: bool,
    pub amount_paise: i64,
    pub party: Option<Party>,
    pub branch_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub date: String,
    pub kind: JournalKind,
    pub narration: String,
    pub source: Option<(&'static str, String)>,
    pub reverses_id: Option<String>,
    pub lines: Vec<Line>,
}

/// The lock date, if any: nothing dated on or before it may be posted.
pub fn lock_date(c: &Connection) -> AppResult<Option<String>> {
    Ok(c.query_row(
        "SELECT lock_date FROM books_settings WHERE id = 1",
        [],
        |r| r.get(0),
    )?)
}

/// 409 `period_locked` when `date` is on or before the lock date.
pub fn check_open(c: &Connection, date: &str) -> AppResult<()> {
    match lock_date(c)? {
        Some(lock) if date <= lock.as_str() => Err(AppError::state_rule(
            "period_locked",
            "Period locked",
            format!("The books are locked up to {lock}; nothing dated {date} can be posted, issued, cancelled or reversed."),
        )),
        _ => Ok(()),
    }
}

/// A system account's id by its key (`sundry_debtors`, `sales_1800`, …).
pub fn system_account(c: &Connection, key: &str) -> AppResult<String> {
    c.query_row(
        "SELECT id FROM accounts WHERE system_key = ?1",
        [key],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| AppError::internal(format!("the chart has no account with key {key}")))
}

/// Writes and seals one balanced journal; returns its id.
pub fn post(c: &Connection, entry: &Entry, created_by: &str) -> AppResult<String> {
    check_open(c, &entry.date)?;
    let id = ids::new_id();
    let seq: i64 = c.query_row("SELECT COALESCE(MAX(seq), 0) + 1 FROM journals", [], |r| {
        r.get(0)
    })?;
    let (source_type, source_id) = match &entry.source {
        Some((t, id)) => (Some(*t), Some(id.as_str())),
        None => (None, None),
    };
    c.execute(
        "INSERT INTO journals (id, seq, date, kind, narration, source_type, source_id,
             reverses_id, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            id,
            seq,
            entry.date,
            entry.kind.as_str(),
            entry.narration,
            source_type,
            source_id,
            entry.reverses_id,
            created_by,
            clock::now_rfc3339()
        ],
    )?;
    let mut total = 0i64;
    let mut line_no = 0i64;
    let mut insert = c.prepare_cached(
        "INSERT INTO journal_lines (journal_id, line_no, account_id, debit_paise, credit_paise,
             party_type, party_id, branch_id, date, seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for l in entry.lines.iter().filter(|l| l.amount_paise != 0) {
        let debit = l.debit == (l.amount_paise > 0);
        let amount = l.amount_paise.abs();
        let (dr, cr) = if debit { (amount, 0) } else { (0, amount) };
        total += dr;
        line_no += 1;
        insert.execute(params![
            id,
            line_no,
            l.account_id,
            dr,
            cr,
            l.party.as_ref().map(|p| p.kind),
            l.party.as_ref().map(|p| p.id.as_str()),
            l.branch_id,
            entry.date,
            seq
        ])?;
    }
    c.execute(
        "UPDATE journals SET sealed = 1, total_paise = ?2 WHERE id = ?1",
        params![id, total],
    )
    .map_err(|e| match AppError::from(e) {
        AppError::Internal(m) if m.contains("journal_unbalanced") => {
            AppError::internal(format!("posting rule produced an unbalanced journal: {m}"))
        }
        other => other,
    })?;
    Ok(id)
}

/// Posts the mirror image of a journal (every debit a credit), linked to it.
pub fn reverse(
    c: &Connection,
    journal_id: &str,
    date: &str,
    narration: &str,
    source: Option<(&'static str, String)>,
    created_by: &str,
) -> AppResult<String> {
    let already: Option<String> = c
        .query_row(
            "SELECT id FROM journals WHERE reverses_id = ?1",
            [journal_id],
            |r| r.get(0),
        )
        .optional()?;
    if already.is_some() {
        return Err(AppError::state_rule(
            "already_reversed",
            "Already reversed",
            "This journal has been reversed already.",
        ));
    }
    let mut stmt = c.prepare(
        "SELECT account_id, debit_paise, credit_paise, party_type, party_id, branch_id
         FROM journal_lines WHERE journal_id = ?1 ORDER BY line_no",
    )?;
    let lines = stmt
        .query_map([journal_id], |r| {
            let (dr, cr): (i64, i64) = (r.get(1)?, r.get(2)?);
            let kind: Option<String> = r.get(3)?;
            let party_id: Option<String> = r.get(4)?;
            Ok(Line {
                account_id: r.get(0)?,
                debit: cr > 0,
                amount_paise: dr + cr,
                party: match (kind.as_deref(), party_id) {
                    (Some("vendor"), Some(id)) => Some(Party { kind: "vendor", id }),
                    (Some(_), Some(id)) => Some(Party {
                        kind: "customer",
                        id,
                    }),
                    _ => None,
                },
                branch_id: r.get(5)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    post(
        c,
        &Entry {
            date: date.to_string(),
            kind: JournalKind::Reversal,
            narration: narration.to_string(),
            source,
            reverses_id: Some(journal_id.to_string()),
            lines,
        },
        created_by,
    )
}
