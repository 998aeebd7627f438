//! SQL of the chart of accounts.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::model::{Account, AccountType};
use crate::error::AppResult;

const COLUMNS: &str =
    "id, code, name, type, parent_id, is_group, system_key, version, created_at, updated_at";

fn row(r: &Row) -> rusqlite::Result<Account> {
    let t: String = r.get(3)?;
    Ok(Account {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        account_type: AccountType::parse(&t).unwrap_or(AccountType::Asset),
        parent_id: r.get(4)?,
        is_group: r.get(5)?,
        system_key: r.get(6)?,
        version: r.get(7)?,
        created_at: r.get(8)?,
        updated_at: r.get(9)?,
    })
}

pub fn list(c: &Connection) -> AppResult<Vec<Account>> {
    let mut stmt = c.prepare_cached(&format!("SELECT {COLUMNS} FROM accounts ORDER BY code"))?;
    let rows = stmt.query_map([], row)?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

pub fn get(c: &Connection, id: &str) -> AppResult<Option<Account>> {
    Ok(c.query_row(
        &format!("SELECT {COLUMNS} FROM accounts WHERE id = ?1"),
        [id],
        row,
    )
    .optional()?)
}

pub fn insert(c: &Connection, a: &Account) -> AppResult<()> {
    c.execute(
        "INSERT INTO accounts (id, code, name, type, parent_id, is_group, system_key, version,
             created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, 1, ?7, ?7)",
        params![
            a.id,
            a.code,
            a.name,
            a.account_type.as_str(),
            a.parent_id,
            a.is_group,
            a.created_at
        ],
    )?;
    Ok(())
}

pub fn rename(c: &Connection, id: &str, code: &str, name: &str, now: &str) -> AppResult<()> {
    c.execute(
        "UPDATE accounts SET code = ?2, name = ?3, version = version + 1, updated_at = ?4
         WHERE id = ?1",
        params![id, code, name, now],
    )?;
    Ok(())
}

/// The account and every account below it (for a group's ledger).
pub fn descendants(c: &Connection, id: &str) -> AppResult<Vec<String>> {
    let mut stmt = c.prepare_cached(
        "WITH RECURSIVE tree(id) AS (
             SELECT ?1 UNION ALL SELECT a.id FROM accounts a JOIN tree t ON a.parent_id = t.id)
         SELECT id FROM tree",
    )?;
    let ids = stmt
        .query_map([id], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(ids)
}
