//! SQL of the reports: sums over `ledger_days`, and keyset ranges of `journal_lines`.

use std::collections::HashMap;

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};

use super::model::LedgerEntry;
use crate::error::AppResult;
use crate::modules::books::journals::model::Ref;

/// Which lines a ledger shows; every part optional.
#[derive(Debug, Clone, Default)]
pub struct Lines {
    /// JSON array of account ids (an account and, for a group, those under it).
    pub accounts: Option<String>,
    pub party: Option<(String, String)>,
    /// JSON array of branch ids the caller may see (None: every branch and none).
    pub scope: Option<String>,
    pub branch: Option<String>,
}

impl Lines {
    fn clause(&self, args: &mut Vec<Value>) -> String {
        let mut sql = String::from("1 = 1");
        if let Some(a) = &self.accounts {
            sql.push_str(" AND l.account_id IN (SELECT value FROM json_each(?))");
            args.push(Value::Text(a.clone()));
        }
        if let Some((t, id)) = &self.party {
            sql.push_str(" AND l.party_type = ? AND l.party_id = ?");
            args.push(Value::Text(t.clone()));
            args.push(Value::Text(id.clone()));
        }
        if let Some(s) = &self.scope {
            sql.push_str(" AND l.branch_id IN (SELECT value FROM json_each(?))");
            args.push(Value::Text(s.clone()));
        }
        if let Some(b) = &self.branch {
            sql.push_str(" AND l.branch_id = ?");
            args.push(Value::Text(b.clone()));
        }
        sql
    }
}

/// Per-account balances (debit − credit) over `ledger_days`, for days in [from, to].
pub fn balances(
    c: &Connection,
    scope: Option<&str>,
    branch: Option<&str>,
    from: Option<&str>,
    to: &str,
    with_closing: bool,
) -> AppResult<HashMap<String, i64>> {
    let mut sql = String::from(
        "SELECT account_id, SUM(debit_paise) - SUM(credit_paise) FROM ledger_days WHERE day <= ?",
    );
    let mut args = vec![Value::Text(to.to_string())];
    if let Some(f) = from {
        sql.push_str(" AND day >= ?");
        args.push(Value::Text(f.to_string()));
    }
    if !with_closing {
        sql.push_str(" AND closing = 0");
    }
    if let Some(s) = scope {
        sql.push_str(" AND branch_id IN (SELECT value FROM json_each(?))");
        args.push(Value::Text(s.to_string()));
    }
    if let Some(b) = branch {
        sql.push_str(" AND branch_id = ?");
        args.push(Value::Text(b.to_string()));
    }
    sql.push_str(" GROUP BY account_id");
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(params_from_iter(args), |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<HashMap<String, i64>, _>>()?;
    Ok(rows)
}

/// (debits, credits) of the ledger's lines from `from` to `to` by day totals, for an
/// account ledger (not a party's: day totals are not kept per party).
pub fn day_totals(
    c: &Connection,
    f: &Lines,
    from: &str,
    to_exclusive: &str,
) -> AppResult<(i64, i64)> {
    let mut sql = String::from(
        "SELECT COALESCE(SUM(debit_paise), 0), COALESCE(SUM(credit_paise), 0) FROM ledger_days
         WHERE day >= ? AND day < ?",
    );
    let mut args = vec![Value::Text(from.into()), Value::Text(to_exclusive.into())];
    if let Some(a) = &f.accounts {
        sql.push_str(" AND account_id IN (SELECT value FROM json_each(?))");
        args.push(Value::Text(a.clone()));
    }
    if let Some(s) = &f.scope {
        sql.push_str(" AND branch_id IN (SELECT value FROM json_each(?))");
        args.push(Value::Text(s.clone()));
    }
    if let Some(b) = &f.branch {
        sql.push_str(" AND branch_id = ?");
        args.push(Value::Text(b.clone()));
    }
    let mut stmt = c.prepare_cached(&sql)?;
    Ok(stmt.query_row(params_from_iter(args), |r| Ok((r.get(0)?, r.get(1)?)))?)
}

/// (debits, credits) of the lines in [from, through], `through` a (date, seq, line_no)
/// key; `from` a date.
pub fn line_totals(
    c: &Connection,
    f: &Lines,
    from: &str,
    through: (&str, i64, i64),
) -> AppResult<(i64, i64)> {
    let mut args = Vec::new();
    let clause = f.clause(&mut args);
    let sql = format!(
        "SELECT COALESCE(SUM(l.debit_paise), 0), COALESCE(SUM(l.credit_paise), 0)
         FROM journal_lines l WHERE {clause} AND l.date >= ? AND (l.date, l.seq, l.line_no) <= (?, ?, ?)"
    );
    args.push(Value::Text(from.into()));
    args.push(Value::Text(through.0.into()));
    args.push(Value::Integer(through.1));
    args.push(Value::Integer(through.2));
    let mut stmt = c.prepare_cached(&sql)?;
    Ok(stmt.query_row(params_from_iter(args), |r| Ok((r.get(0)?, r.get(1)?)))?)
}

/// (debits, credits) of all lines before `before` (a date), by scanning lines: for party
/// ledgers.
pub fn line_totals_before(c: &Connection, f: &Lines, before: &str) -> AppResult<(i64, i64)> {
    let mut args = Vec::new();
    let clause = f.clause(&mut args);
    let sql = format!(
        "SELECT COALESCE(SUM(l.debit_paise), 0), COALESCE(SUM(l.credit_paise), 0)
         FROM journal_lines l WHERE {clause} AND l.date < ?"
    );
    args.push(Value::Text(before.into()));
    let mut stmt = c.prepare_cached(&sql)?;
    Ok(stmt.query_row(params_from_iter(args), |r| Ok((r.get(0)?, r.get(1)?)))?)
}

/// A page of lines in ledger order after the key `after`, with a zero running balance
/// (the service fills it in).
pub fn entries(
    c: &Connection,
    f: &Lines,
    from: &str,
    to: &str,
    after: Option<(&str, i64, i64)>,
    limit: i64,
) -> AppResult<Vec<LedgerEntry>> {
    let mut args = Vec::new();
    let clause = f.clause(&mut args);
    let mut sql = format!(
        "SELECT l.journal_id, l.seq, l.date, j.narration, j.source_type, j.source_id, l.line_no,
                l.account_id, a.name, l.party_type, l.party_id, l.branch_id, l.debit_paise,
                l.credit_paise
         FROM journal_lines l JOIN journals j ON j.id = l.journal_id
         JOIN accounts a ON a.id = l.account_id
         WHERE {clause} AND l.date BETWEEN ? AND ?"
    );
    args.push(Value::Text(from.into()));
    args.push(Value::Text(to.into()));
    if let Some((d, s, n)) = after {
        sql.push_str(" AND (l.date, l.seq, l.line_no) > (?, ?, ?)");
        args.push(Value::Text(d.into()));
        args.push(Value::Integer(s));
        args.push(Value::Integer(n));
    }
    sql.push_str(" ORDER BY l.date, l.seq, l.line_no LIMIT ?");
    args.push(Value::Integer(limit));
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(params_from_iter(args), |r| {
            let seq: i64 = r.get(1)?;
            let (st, sid): (Option<String>, Option<String>) = (r.get(4)?, r.get(5)?);
            let (pt, pid): (Option<String>, Option<String>) = (r.get(9)?, r.get(10)?);
            Ok(LedgerEntry {
                journal_id: r.get(0)?,
                number: format!("JV-{seq}"),
                seq,
                date: r.get(2)?,
                narration: r.get(3)?,
                source: st.zip(sid).map(|(kind, id)| Ref { kind, id }),
                line_no: r.get(6)?,
                account_id: r.get(7)?,
                account_name: r.get(8)?,
                party: pt.zip(pid).map(|(kind, id)| Ref { kind, id }),
                branch_id: r.get(11)?,
                debit_paise: r.get(12)?,
                credit_paise: r.get(13)?,
                balance_paise: 0,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// A name and the lines printed under it.
pub type Heading = (String, Vec<String>);

/// The heading of a statement: the company (legal name, PAN, address) and the party
/// (name, GSTIN, address); None when the customer does not exist.
pub fn statement_parties(
    c: &Connection,
    customer_id: &str,
) -> AppResult<Option<(Heading, Heading)>> {
    let company: (String, String, Option<String>, String) = c.query_row(
        "SELECT legal_name, trade_name, pan, registered_address FROM company WHERE id = 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    let party = rusqlite::OptionalExtension::optional(c.query_row(
        "SELECT name, gstin, billing_address FROM customers WHERE id = ?1",
        [customer_id],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?,
            ))
        },
    ))?;
    let Some((name, gstin, address)) = party else {
        return Ok(None);
    };
    let (legal, trade, pan, addr) = company;
    let mut company_lines = Vec::new();
    if !trade.is_empty() && trade != legal {
        company_lines.push(format!("Trading as {trade}"));
    }
    if !addr.is_empty() {
        company_lines.push(addr);
    }
    if let Some(p) = pan {
        company_lines.push(format!("PAN {p}"));
    }
    let mut party_lines = Vec::new();
    if let Some(g) = gstin {
        party_lines.push(format!("GSTIN {g}"));
    }
    if !address.is_empty() {
        party_lines.push(address);
    }
    Ok(Some((
        (
            if legal.is_empty() {
                "Statement".into()
            } else {
                legal
            },
            company_lines,
        ),
        (name, party_lines),
    )))
}
