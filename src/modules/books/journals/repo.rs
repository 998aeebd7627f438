//! SQL of journals.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::model::{Journal, JournalFilter, JournalLine, Ref};
use crate::db::filters::{arg, ListQuery};
use crate::error::AppResult;

const COLUMNS: &str = "j.id, j.seq, j.date, j.kind, j.narration, j.source_type, j.source_id,
    j.reverses_id, (SELECT r.id FROM journals r WHERE r.reverses_id = j.id), j.total_paise,
    j.created_by, j.created_at";

fn head(r: &Row) -> rusqlite::Result<Journal> {
    let seq: i64 = r.get(1)?;
    let (st, sid): (Option<String>, Option<String>) = (r.get(5)?, r.get(6)?);
    Ok(Journal {
        id: r.get(0)?,
        number: format!("JV-{seq}"),
        seq,
        date: r.get(2)?,
        kind: r.get(3)?,
        narration: r.get(4)?,
        source: st.zip(sid).map(|(kind, id)| Ref { kind, id }),
        reverses_id: r.get(7)?,
        reversed_by_id: r.get(8)?,
        total_paise: r.get(9)?,
        lines: Vec::new(),
        created_by: r.get(10)?,
        created_at: r.get(11)?,
    })
}

/// Lines with their accounts' code and name.
pub fn lines(c: &Connection, journal_id: &str) -> AppResult<Vec<JournalLine>> {
    let mut stmt = c.prepare_cached(
        "SELECT l.line_no, l.account_id, a.code, a.name, l.debit_paise, l.credit_paise,
                l.party_type, l.party_id, l.branch_id
         FROM journal_lines l JOIN accounts a ON a.id = l.account_id
         WHERE l.journal_id = ?1 ORDER BY l.line_no",
    )?;
    let rows = stmt
        .query_map([journal_id], |r| {
            let (pt, pid): (Option<String>, Option<String>) = (r.get(6)?, r.get(7)?);
            Ok(JournalLine {
                line_no: r.get(0)?,
                account_id: r.get(1)?,
                account_code: r.get(2)?,
                account_name: r.get(3)?,
                debit_paise: r.get(4)?,
                credit_paise: r.get(5)?,
                party: pt.zip(pid).map(|(kind, id)| Ref { kind, id }),
                branch_id: r.get(8)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// A scoped user sees a journal only when every line is in one of their branches.
const IN_SCOPE: &str = "(?1 IS NULL OR NOT EXISTS (SELECT 1 FROM journal_lines x
    WHERE x.journal_id = j.id AND (x.branch_id IS NULL
        OR x.branch_id NOT IN (SELECT value FROM json_each(?1)))))";

pub fn get(c: &Connection, scope: Option<&str>, id: &str) -> AppResult<Option<Journal>> {
    let j = c
        .query_row(
            &format!(
                "SELECT {COLUMNS} FROM journals j WHERE {IN_SCOPE} AND j.id = ?2 AND j.sealed = 1"
            ),
            params![scope, id],
            head,
        )
        .optional()?;
    match j {
        Some(mut j) => {
            j.lines = lines(c, &j.id)?;
            Ok(Some(j))
        }
        None => Ok(None),
    }
}

pub fn list(c: &Connection, scope: Option<&str>, f: &JournalFilter) -> AppResult<Vec<Journal>> {
    let limit = i64::from(f.limit) + 1;
    let scope = scope.map(str::to_string);
    let mut q = ListQuery::new(&format!("SELECT {COLUMNS} FROM journals j"));
    q.and_with("j.sealed = ?", Some(&1));
    q.and_with(
        "NOT EXISTS (SELECT 1 FROM journal_lines x WHERE x.journal_id = j.id
            AND (x.branch_id IS NULL OR x.branch_id NOT IN (SELECT value FROM json_each(?))))",
        arg(&scope),
    )
    .and("j.date >=", arg(&f.from))
    .and("j.date <=", arg(&f.to))
    .and("j.kind =", arg(&f.kind))
    .and("j.source_type =", arg(&f.source_type))
    .and("j.source_id =", arg(&f.source_id))
    .and("j.seq <", arg(&f.before_seq));
    let (sql, args) = q.page("j.seq DESC", &limit);
    let mut stmt = c.prepare(&sql)?;
    let mut rows = stmt
        .query_map(args.as_slice(), head)?
        .collect::<Result<Vec<_>, _>>()?;
    for j in &mut rows {
        j.lines = lines(c, &j.id)?;
    }
    Ok(rows)
}
