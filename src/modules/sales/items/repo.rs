//! SQL for items.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::model::{Item, ItemFilter};
use crate::error::AppResult;

const COLUMNS: &str =
    "id, sku, name, hsn_sac, unit, unit_price_paise, gst_rate_bp, version, created_at, updated_at,
    track_stock";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Item> {
    Ok(Item {
        id: r.get(0)?,
        sku: r.get(1)?,
        name: r.get(2)?,
        hsn_sac: r.get(3)?,
        unit: r.get(4)?,
        unit_price_paise: r.get(5)?,
        gst_rate_bp: r.get(6)?,
        version: r.get(7)?,
        created_at: r.get(8)?,
        updated_at: r.get(9)?,
        track_stock: r.get(10)?,
    })
}

pub fn insert(c: &Connection, x: &Item) -> AppResult<()> {
    c.prepare_cached(
        "INSERT INTO items (id, sku, name, hsn_sac, unit, unit_price_paise, gst_rate_bp, version, created_at, updated_at,
             track_stock)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?8, ?9)",
    )?
    .execute(params![x.id, x.sku, x.name, x.hsn_sac, x.unit, x.unit_price_paise, x.gst_rate_bp, x.created_at,
        x.track_stock])?;
    Ok(())
}

pub fn get(c: &Connection, id: &str) -> AppResult<Option<Item>> {
    Ok(
        c.prepare_cached(&format!("SELECT {COLUMNS} FROM items WHERE id = ?1"))?
            .query_row([id], from_row)
            .optional()?,
    )
}

/// Keyset page in id (creation) order; returns up to `limit + 1` rows.
pub fn list(c: &Connection, f: &ItemFilter) -> AppResult<Vec<Item>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM items
         WHERE (?1 IS NULL OR id > ?1)
           AND (?2 IS NULL OR name LIKE ?2 ESCAPE '\\' OR sku LIKE ?2 ESCAPE '\\')
         ORDER BY id LIMIT ?3"
    ))?;
    let rows = stmt.query_map(params![f.after, f.like, f.limit + 1], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Writes every editable column and bumps the version.
pub fn update(c: &Connection, x: &Item, now: &str) -> AppResult<()> {
    c.prepare_cached(
        "UPDATE items SET sku = ?2, name = ?3, hsn_sac = ?4, unit = ?5, unit_price_paise = ?6,
         gst_rate_bp = ?7, track_stock = ?9, version = version + 1, updated_at = ?8 WHERE id = ?1",
    )?
    .execute(params![
        x.id,
        x.sku,
        x.name,
        x.hsn_sac,
        x.unit,
        x.unit_price_paise,
        x.gst_rate_bp,
        now,
        x.track_stock
    ])?;
    Ok(())
}
