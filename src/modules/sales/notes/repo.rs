//! SQL for credit and debit notes and their lines.

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::model::{Note, NoteFilter, NoteKind, NoteLine, NoteReason, NoteStatus};
use crate::db::children;
use crate::db::filters::{arg, ListQuery};
use crate::domain::{Quantity, Totals};
use crate::error::{AppError, AppResult};
use crate::modules::sales::invoices::model::{Buyer, PlaceOfSupply, Seller};
use crate::modules::sales::invoices::repo::frozen_parties;

const COLUMNS: &str =
    "n.id, n.kind, n.invoice_id, i.number, i.invoice_date, n.branch_id, n.customer_id,
    n.number, n.fy, n.status, n.note_date, n.reason, n.taxable_total_paise, n.cgst_total_paise,
    n.sgst_total_paise, n.igst_total_paise, n.round_off_paise, n.grand_total_paise, n.applied_paise,
    n.to_credit_paise, n.place_of_supply, n.seller, n.buyer, n.issued_at, n.created_by, n.version,
    n.created_at, n.updated_at,
    (SELECT j.id FROM journals j WHERE j.source_id = n.id
        AND j.source_type IN ('credit_note', 'debit_note'))";

fn bad(i: usize, what: &'static str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, what.into())
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Note> {
    let (seller, buyer) = frozen_parties(r, 21, 22)?;
    Ok(Note {
        id: r.get(0)?,
        kind: NoteKind::parse(&r.get::<_, String>(1)?).ok_or_else(|| bad(1, "unknown kind"))?,
        invoice_id: r.get(2)?,
        invoice_number: r.get(3)?,
        invoice_date: r.get(4)?,
        branch_id: r.get(5)?,
        customer_id: r.get(6)?,
        number: r.get(7)?,
        financial_year: r.get(8)?,
        status: NoteStatus::parse(&r.get::<_, String>(9)?)
            .ok_or_else(|| bad(9, "unknown status"))?,
        note_date: r.get(10)?,
        reason: NoteReason::parse(&r.get::<_, String>(11)?)
            .ok_or_else(|| bad(11, "unknown reason"))?,
        lines: Vec::new(),
        taxable_total_paise: r.get(12)?,
        cgst_total_paise: r.get(13)?,
        sgst_total_paise: r.get(14)?,
        igst_total_paise: r.get(15)?,
        round_off_paise: r.get(16)?,
        grand_total_paise: r.get(17)?,
        applied_paise: r.get(18)?,
        to_credit_paise: r.get(19)?,
        place_of_supply: r
            .get::<_, Option<String>>(20)?
            .map(|c| PlaceOfSupply::of(&c)),
        seller,
        buyer,
        issued_at: r.get(23)?,
        created_by: r.get(24)?,
        version: r.get(25)?,
        created_at: r.get(26)?,
        updated_at: r.get(27)?,
        journal_id: r.get(28)?,
    })
}

const LINE_COLUMNS: &str = "note_id, line_no, invoice_line, item_id, description, hsn_sac, unit,
    quantity_milli, gst_rate_bp, taxable_paise, cgst_paise, sgst_paise, igst_paise";

fn line_from_row(r: &Row<'_>) -> rusqlite::Result<(String, NoteLine)> {
    let quantity = match r.get::<_, Option<i64>>(7)? {
        None => None,
        Some(m) => Some(Quantity::from_milli(m).map_err(|_| bad(7, "bad quantity"))?),
    };
    Ok((
        r.get(0)?,
        NoteLine {
            line_no: r.get(1)?,
            invoice_line: r.get(2)?,
            item_id: r.get(3)?,
            description: r.get(4)?,
            hsn_sac: r.get(5)?,
            unit: r.get(6)?,
            quantity,
            gst_rate_bp: r.get(8)?,
            taxable_paise: r.get(9)?,
            cgst_paise: r.get(10)?,
            sgst_paise: r.get(11)?,
            igst_paise: r.get(12)?,
        },
    ))
}

fn attach_lines(c: &Connection, notes: &mut [Note]) -> AppResult<()> {
    children::attach(
        c,
        notes,
        &format!(
            "SELECT {LINE_COLUMNS} FROM note_lines
             WHERE note_id IN (SELECT value FROM json_each(?1)) ORDER BY note_id, line_no"
        ),
        |n| &n.id,
        line_from_row,
        |n, lines| n.lines = lines,
    )
}

pub fn get(c: &Connection, id: &str) -> AppResult<Option<Note>> {
    let head = c
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM notes n JOIN invoices i ON i.id = n.invoice_id WHERE n.id = ?1"
        ))?
        .query_row([id], from_row)
        .optional()?;
    let Some(note) = head else { return Ok(None) };
    let mut one = [note];
    attach_lines(c, &mut one)?;
    let [note] = one;
    Ok(Some(note))
}

/// Keyset page in id (creation) order; up to `limit + 1` rows.
pub fn list(c: &Connection, f: &NoteFilter) -> AppResult<Vec<Note>> {
    let kind = f.kind.map(NoteKind::as_str);
    let mut q = ListQuery::new(&format!(
        "SELECT {COLUMNS} FROM notes n JOIN invoices i ON i.id = n.invoice_id"
    ));
    q.and("n.kind =", arg(&kind))
        .and("n.invoice_id =", arg(&f.invoice_id))
        .and("n.customer_id =", arg(&f.customer_id))
        .and("n.status =", arg(&f.status))
        .and("n.id >", arg(&f.after))
        .within("n.branch_id", arg(&f.scope));
    let limit = i64::from(f.limit) + 1;
    let (sql, args) = q.page("n.id", &limit);
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt.query_map(args.as_slice(), from_row)?;
    let mut notes: Vec<Note> = rows.collect::<Result<_, _>>()?;
    attach_lines(c, &mut notes)?;
    Ok(notes)
}

/// A draft as written by `create`.
pub struct DraftNote<'a> {
    pub id: &'a str,
    pub kind: NoteKind,
    pub invoice_id: &'a str,
    pub branch_id: &'a str,
    pub customer_id: &'a str,
    pub note_date: &'a str,
    pub reason: NoteReason,
    pub totals: &'a Totals,
    pub created_by: &'a str,
    pub now: &'a str,
}

pub fn insert_draft(c: &Connection, d: &DraftNote<'_>, lines: &[NoteLine]) -> AppResult<()> {
    let t = d.totals;
    c.prepare_cached(
        "INSERT INTO notes (id, kind, invoice_id, branch_id, customer_id, status, note_date, reason,
           taxable_total_paise, cgst_total_paise, sgst_total_paise, igst_total_paise, round_off_paise,
           grand_total_paise, created_by, version, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'draft', ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 1, ?15, ?15)",
    )?
    .execute(params![
        d.id, d.kind.as_str(), d.invoice_id, d.branch_id, d.customer_id, d.note_date,
        d.reason.as_str(), t.taxable_total, t.cgst_total, t.sgst_total, t.igst_total, t.round_off,
        t.grand_total, d.created_by, d.now
    ])?;
    let mut stmt = c.prepare_cached(
        "INSERT INTO note_lines (note_id, line_no, invoice_line, item_id, description, hsn_sac, unit,
           quantity_milli, gst_rate_bp, taxable_paise, cgst_paise, sgst_paise, igst_paise)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
    for l in lines {
        stmt.execute(params![
            d.id,
            l.line_no,
            l.invoice_line,
            l.item_id,
            l.description,
            l.hsn_sac,
            l.unit,
            l.quantity.map(|q| q.milli()),
            l.gst_rate_bp,
            l.taxable_paise,
            l.cgst_paise,
            l.sgst_paise,
            l.igst_paise
        ])?;
    }
    Ok(())
}

pub fn delete_draft(c: &Connection, id: &str) -> AppResult<()> {
    c.prepare_cached("DELETE FROM note_lines WHERE note_id = ?1")?
        .execute([id])?;
    let n = c
        .prepare_cached("DELETE FROM notes WHERE id = ?1 AND status = 'draft'")?
        .execute([id])?;
    if n != 1 {
        return Err(AppError::Conflict("only a draft can be deleted".into()));
    }
    Ok(())
}

/// What issuing writes.
pub struct IssueNote<'a> {
    pub id: &'a str,
    pub taken: &'a crate::modules::sales::series::service::Taken,
    pub applied: i64,
    pub to_credit: i64,
    pub place_of_supply: &'a str,
    pub seller: &'a Seller,
    pub buyer: &'a Buyer,
    pub now: &'a str,
}

pub fn mark_issued(c: &Connection, r: &IssueNote<'_>) -> AppResult<()> {
    let json = |v: serde_json::Result<String>| v.map_err(AppError::internal);
    let n = c
        .prepare_cached(
            "UPDATE notes SET status = 'issued', series_id = ?2, number = ?3, fy = ?4, seq = ?5,
               applied_paise = ?6, to_credit_paise = ?7, place_of_supply = ?8, seller = ?9, buyer = ?10,
               issued_at = ?11, version = version + 1, updated_at = ?11
             WHERE id = ?1 AND status = 'draft'",
        )?
        .execute(params![
            r.id,
            r.taken.series_id,
            r.taken.number,
            r.taken.fy,
            r.taken.seq,
            r.applied,
            r.to_credit,
            r.place_of_supply,
            json(serde_json::to_string(r.seller))?,
            json(serde_json::to_string(r.buyer))?,
            r.now
        ])?;
    if n != 1 {
        return Err(AppError::Conflict("only a draft can be issued".into()));
    }
    Ok(())
}

/// Per invoice line number: (quantity in thousandths, taxable paise) taken by notes.
pub type TakenPerLine = HashMap<i64, (i64, i64)>;

/// Per invoice line, what issued notes of `kind` already took, and the sum of their
/// grand totals.
pub fn issued_against(
    c: &Connection,
    invoice_id: &str,
    kind: NoteKind,
) -> AppResult<(TakenPerLine, i64)> {
    let mut stmt = c.prepare_cached(
        "SELECT l.invoice_line, coalesce(sum(l.quantity_milli), 0), sum(l.taxable_paise)
         FROM note_lines l JOIN notes n ON n.id = l.note_id
         WHERE n.invoice_id = ?1 AND n.kind = ?2 AND n.status = 'issued'
         GROUP BY l.invoice_line",
    )?;
    let rows = stmt.query_map(params![invoice_id, kind.as_str()], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            (r.get::<_, i64>(1)?, r.get::<_, i64>(2)?),
        ))
    })?;
    let per_line = rows.collect::<Result<HashMap<_, _>, _>>()?;
    let total: i64 = c
        .prepare_cached(
            "SELECT coalesce(sum(grand_total_paise), 0) FROM notes
             WHERE invoice_id = ?1 AND kind = ?2 AND status = 'issued'",
        )?
        .query_row(params![invoice_id, kind.as_str()], |r| r.get(0))?;
    Ok((per_line, total))
}
