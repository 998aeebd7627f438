//! SQL for the company profile (one row, id 1, made by the migration).

use rusqlite::{params, Connection, OptionalExtension};

use super::model::CompanyRow;
use crate::error::{AppError, AppResult};

pub fn get(c: &Connection) -> AppResult<CompanyRow> {
    c.prepare_cached(
        "SELECT legal_name, trade_name, pan, registered_address, bank_account_enc, bank_account_masked,
           bank_ifsc, bank_name, upi_id, invoice_terms, e_invoicing, logo_id, version, updated_at
         FROM company WHERE id = 1",
    )?
    .query_row([], |r| {
        Ok(CompanyRow {
            legal_name: r.get(0)?,
            trade_name: r.get(1)?,
            pan: r.get(2)?,
            registered_address: r.get(3)?,
            bank_account_enc: r.get(4)?,
            bank_account_masked: r.get(5)?,
            bank_ifsc: r.get(6)?,
            bank_name: r.get(7)?,
            upi_id: r.get(8)?,
            invoice_terms: r.get(9)?,
            e_invoicing: r.get(10)?,
            logo_id: r.get(11)?,
            version: r.get(12)?,
            updated_at: r.get(13)?,
        })
    })
    .optional()?
    .ok_or_else(|| AppError::internal("the company row is missing"))
}

/// Writes every editable column and bumps the version.
pub fn update(c: &Connection, row: &CompanyRow, now: &str) -> AppResult<()> {
    c.prepare_cached(
        "UPDATE company SET legal_name = ?1, trade_name = ?2, pan = ?3, registered_address = ?4,
           bank_account_enc = ?5, bank_account_masked = ?6, bank_ifsc = ?7, bank_name = ?8, upi_id = ?9,
           invoice_terms = ?10, e_invoicing = ?11, version = version + 1, updated_at = ?12
         WHERE id = 1",
    )?
    .execute(params![
        row.legal_name,
        row.trade_name,
        row.pan,
        row.registered_address,
        row.bank_account_enc,
        row.bank_account_masked,
        row.bank_ifsc,
        row.bank_name,
        row.upi_id,
        row.invoice_terms,
        row.e_invoicing,
        now
    ])?;
    Ok(())
}

pub fn set_logo(c: &Connection, id: &str, mime: &str, data: &[u8], now: &str) -> AppResult<()> {
    c.prepare_cached(
        "UPDATE company SET logo_id = ?1, logo_type = ?2, logo = ?3, version = version + 1, updated_at = ?4
         WHERE id = 1",
    )?
    .execute(params![id, mime, data, now])?;
    Ok(())
}

/// The logo's type and bytes, when there is one.
pub fn logo(c: &Connection) -> AppResult<Option<(String, Vec<u8>)>> {
    Ok(
        c.prepare_cached("SELECT logo_type, logo FROM company WHERE id = 1 AND logo IS NOT NULL")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?,
    )
}

/// GSTINs of branches whose characters 3–12 are not `pan`.
pub fn branches_not_matching(c: &Connection, pan: &str) -> AppResult<Vec<String>> {
    let mut stmt = c.prepare_cached(
        "SELECT code FROM branches WHERE gstin IS NOT NULL AND substr(gstin, 3, 10) != ?1 ORDER BY code",
    )?;
    let rows = stmt.query_map([pan], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
