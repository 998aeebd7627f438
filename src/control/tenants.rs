//! Tenant rows of the control DB.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use crate::error::AppResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TenantStatus {
    Active,
    Suspended,
}

impl TenantStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TenantStatus::Active => "active",
            TenantStatus::Suspended => "suspended",
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TenantRecord {
    pub slug: String,
    pub name: String,
    pub status: TenantStatus,
    pub created_at: String,
    pub updated_at: String,
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<TenantRecord> {
    let status: String = r.get(2)?;
    Ok(TenantRecord {
        slug: r.get(0)?,
        name: r.get(1)?,
        status: if status == "suspended" {
            TenantStatus::Suspended
        } else {
            TenantStatus::Active
        },
        created_at: r.get(3)?,
        updated_at: r.get(4)?,
    })
}

const COLUMNS: &str = "slug, name, status, created_at, updated_at";

pub fn find(conn: &Connection, slug: &str) -> AppResult<Option<TenantRecord>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM tenants WHERE slug = ?1"))?
        .query_row([slug], from_row)
        .optional()?)
}

pub fn list(conn: &Connection) -> AppResult<Vec<TenantRecord>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM tenants ORDER BY slug"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn insert(conn: &Connection, slug: &str, name: &str, now: &str) -> AppResult<()> {
    conn.execute(
        "INSERT INTO tenants (slug, name, status, created_at, updated_at) VALUES (?1, ?2, 'active', ?3, ?3)",
        params![slug, name, now],
    )?;
    Ok(())
}

/// Returns false when no such tenant exists.
pub fn set_status(
    conn: &Connection,
    slug: &str,
    status: TenantStatus,
    now: &str,
) -> AppResult<bool> {
    let n = conn.execute(
        "UPDATE tenants SET status = ?2, updated_at = ?3 WHERE slug = ?1",
        params![slug, status.as_str(), now],
    )?;
    Ok(n == 1)
}
