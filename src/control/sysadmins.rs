//! System administrators: they manage tenants and never see tenant data.

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::AppResult;

#[derive(Debug, Clone)]
pub struct SysAdmin {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub token_epoch: i64,
}

pub fn find_by_email(conn: &Connection, email: &str) -> AppResult<Option<SysAdmin>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, email, password_hash, token_epoch FROM system_admins WHERE email = ?1",
        )?
        .query_row([email], |r| {
            Ok(SysAdmin {
                id: r.get(0)?,
                email: r.get(1)?,
                password_hash: r.get(2)?,
                token_epoch: r.get(3)?,
            })
        })
        .optional()?)
}

pub fn find_by_id(conn: &Connection, id: &str) -> AppResult<Option<SysAdmin>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, email, password_hash, token_epoch FROM system_admins WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok(SysAdmin {
                id: r.get(0)?,
                email: r.get(1)?,
                password_hash: r.get(2)?,
                token_epoch: r.get(3)?,
            })
        })
        .optional()?)
}

pub fn insert(
    conn: &Connection,
    id: &str,
    email: &str,
    password_hash: &str,
    now: &str,
) -> AppResult<()> {
    conn.execute(
        "INSERT INTO system_admins (id, email, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![id, email, password_hash, now],
    )?;
    Ok(())
}
