//! SQL for invoices, their lines and their numbering.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::model::{
    state_name, Buyer, Invoice, InvoiceFilter, InvoiceLine, InvoiceStatus, PlaceOfSupply,
    Registration, Seller,
};
use super::pricing::PricedLine;
use crate::db::children;
use crate::db::filters::{arg, ListQuery};
use crate::domain::{Quantity, Totals};
use crate::error::{AppError, AppResult};

const COLUMNS: &str =
    "id, branch_id, customer_id, number, fy, status, invoice_date, due_date, notes,
    intra_state, taxable_total_paise, cgst_total_paise, sgst_total_paise, igst_total_paise,
    round_off_paise, grand_total_paise, amount_paid_paise, cancel_reason, issued_at, cancelled_at,
    version, created_at, updated_at, supply_type, lut, reverse_charge, place_of_supply, seller, buyer,
    credited_paise, debited_paise,
    (SELECT j.id FROM journals j WHERE j.source_type = 'invoice' AND j.source_id = invoices.id)";

fn bad(i: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        i,
        rusqlite::types::Type::Text,
        what.to_string().into(),
    )
}

/// A frozen copy (JSON) at column `i`.
fn frozen<T: serde::de::DeserializeOwned>(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<T>> {
    match r.get::<_, Option<String>>(i)? {
        None => Ok(None),
        Some(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|_| bad(i, "unreadable frozen copy")),
    }
}

/// The frozen seller and buyer at columns `seller` and `buyer` (invoices and notes), with
/// their state names filled in where a copy was stored without one (the migration's).
pub fn frozen_parties(
    r: &Row<'_>,
    seller: usize,
    buyer: usize,
) -> rusqlite::Result<(Option<Seller>, Option<Buyer>)> {
    let mut s: Option<Seller> = frozen(r, seller)?;
    if let Some(s) = s.as_mut().filter(|s| s.state_name.is_empty()) {
        s.state_name = state_name(&s.state_code);
    }
    let mut b: Option<Buyer> = frozen(r, buyer)?;
    if let Some(b) = b.as_mut().filter(|b| b.state_name.is_empty()) {
        b.state_name = state_name(&b.state_code);
    }
    Ok((s, b))
}

fn status_of(s: &str) -> rusqlite::Result<InvoiceStatus> {
    InvoiceStatus::parse(s).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            5,
            rusqlite::types::Type::Text,
            "unknown invoice status".into(),
        )
    })
}

fn head_from_row(r: &Row<'_>) -> rusqlite::Result<Invoice> {
    let grand: i64 = r.get(15)?;
    let paid: i64 = r.get(16)?;
    let credited: i64 = r.get(29)?;
    let debited: i64 = r.get(30)?;
    let (seller, buyer) = frozen_parties(r, 27, 28)?;
    Ok(Invoice {
        id: r.get(0)?,
        branch_id: r.get(1)?,
        customer_id: r.get(2)?,
        number: r.get(3)?,
        financial_year: r.get(4)?,
        status: status_of(&r.get::<_, String>(5)?)?,
        invoice_date: r.get(6)?,
        due_date: r.get(7)?,
        notes: r.get(8)?,
        intra_state: r.get(9)?,
        supply_type: Registration::parse(&r.get::<_, String>(23)?)
            .ok_or_else(|| bad(23, "unknown supply type"))?,
        lut: r.get(24)?,
        reverse_charge: r.get(25)?,
        place_of_supply: r
            .get::<_, Option<String>>(26)?
            .map(|c| PlaceOfSupply::of(&c)),
        seller,
        buyer,
        lines: Vec::new(),
        taxable_total_paise: r.get(10)?,
        cgst_total_paise: r.get(11)?,
        sgst_total_paise: r.get(12)?,
        igst_total_paise: r.get(13)?,
        round_off_paise: r.get(14)?,
        grand_total_paise: grand,
        amount_paid_paise: paid,
        credited_paise: credited,
        debited_paise: debited,
        balance_due_paise: grand + debited - paid - credited,
        journal_id: r.get(31)?,
        cancel_reason: r.get(17)?,
        issued_at: r.get(18)?,
        cancelled_at: r.get(19)?,
        version: r.get(20)?,
        created_at: r.get(21)?,
        updated_at: r.get(22)?,
    })
}

fn line_from_row(r: &Row<'_>) -> rusqlite::Result<(String, InvoiceLine)> {
    let milli: i64 = r.get(6)?;
    let quantity = Quantity::from_milli(milli).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(6, rusqlite::types::Type::Integer, Box::new(e))
    })?;
    Ok((
        r.get(0)?,
        InvoiceLine {
            line_no: r.get(1)?,
            item_id: r.get(2)?,
            description: r.get(3)?,
            hsn_sac: r.get(4)?,
            unit: r.get(5)?,
            quantity,
            unit_price_paise: r.get(7)?,
            discount_paise: r.get(8)?,
            gst_rate_bp: r.get(9)?,
            taxable_paise: r.get(10)?,
            cgst_paise: r.get(11)?,
            sgst_paise: r.get(12)?,
            igst_paise: r.get(13)?,
        },
    ))
}

const LINE_COLUMNS: &str = "invoice_id, line_no, item_id, description, hsn_sac, unit, quantity_milli,
    unit_price_paise, discount_paise, gst_rate_bp, taxable_paise, cgst_paise, sgst_paise, igst_paise";

/// Attaches the lines of every invoice in `invs` with one query.
fn attach_lines(c: &Connection, invs: &mut [Invoice]) -> AppResult<()> {
    children::attach(
        c,
        invs,
        &format!(
            "SELECT {LINE_COLUMNS} FROM invoice_lines
             WHERE invoice_id IN (SELECT value FROM json_each(?1)) ORDER BY invoice_id, line_no"
        ),
        |i| &i.id,
        line_from_row,
        |i, lines| i.lines = lines,
    )
}

pub fn get(c: &Connection, id: &str) -> AppResult<Option<Invoice>> {
    let head = c
        .prepare_cached(&format!("SELECT {COLUMNS} FROM invoices WHERE id = ?1"))?
        .query_row([id], head_from_row)
        .optional()?;
    let Some(mut inv) = head else { return Ok(None) };
    // One invoice: a range of the primary key, without the json_each set a page needs.
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {LINE_COLUMNS} FROM invoice_lines WHERE invoice_id = ?1 ORDER BY line_no"
    ))?;
    inv.lines = stmt
        .query_map([id], line_from_row)?
        .map(|row| row.map(|(_, line)| line))
        .collect::<Result<_, _>>()?;
    Ok(Some(inv))
}

/// Keyset page in id (creation) order with the filters; up to `limit + 1` rows. The SQL
/// names only the filters in use (`db::filters`): a catch-all form made a page over 1 M
/// invoices take seconds for a rare status.
pub fn list(c: &Connection, f: &InvoiceFilter) -> AppResult<Vec<Invoice>> {
    let mut q = ListQuery::new(&format!("SELECT {COLUMNS} FROM invoices"));
    q.and("status =", arg(&f.status))
        .and("customer_id =", arg(&f.customer_id))
        .and("branch_id =", arg(&f.branch_id))
        .and("id >", arg(&f.after))
        .and("invoice_date >=", arg(&f.from))
        .and("invoice_date <=", arg(&f.to))
        .within("branch_id", arg(&f.scope));
    let limit = i64::from(f.limit) + 1;
    let (sql, args) = q.page("id", &limit);
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt.query_map(args.as_slice(), head_from_row)?;
    let mut invs: Vec<Invoice> = rows.collect::<Result<_, _>>()?;
    attach_lines(c, &mut invs)?;
    Ok(invs)
}

/// The code and state code of a branch.
pub fn branch(c: &Connection, id: &str) -> AppResult<Option<(String, String)>> {
    Ok(
        c.prepare_cached("SELECT code, state_code FROM branches WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?,
    )
}

/// The fields of a draft that a create or patch writes.
pub struct DraftRow<'a> {
    pub id: &'a str,
    pub branch_id: &'a str,
    pub customer_id: &'a str,
    pub invoice_date: &'a str,
    pub due_date: &'a str,
    pub notes: &'a str,
    pub intra_state: bool,
    pub supply_type: Registration,
    pub lut: bool,
    pub reverse_charge: bool,
    pub totals: &'a Totals,
    pub now: &'a str,
}

pub fn insert_draft(c: &Connection, d: &DraftRow<'_>) -> AppResult<()> {
    let t = d.totals;
    c.prepare_cached(
        "INSERT INTO invoices (id, branch_id, customer_id, status, invoice_date, due_date, notes, intra_state,
           taxable_total_paise, cgst_total_paise, sgst_total_paise, igst_total_paise, round_off_paise,
           grand_total_paise, supply_type, lut, reverse_charge, version, created_at, updated_at)
         VALUES (?1, ?2, ?3, 'draft', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?15, ?16, ?17, 1, ?14, ?14)",
    )?
    .execute(params![
        d.id, d.branch_id, d.customer_id, d.invoice_date, d.due_date, d.notes, d.intra_state,
        t.taxable_total, t.cgst_total, t.sgst_total, t.igst_total, t.round_off, t.grand_total, d.now,
        d.supply_type.as_str(), d.lut, d.reverse_charge
    ])?;
    Ok(())
}

/// Rewrites a draft's head and totals and bumps its version.
pub fn update_draft(c: &Connection, d: &DraftRow<'_>) -> AppResult<()> {
    let t = d.totals;
    let n = c
        .prepare_cached(
            "UPDATE invoices SET branch_id = ?2, customer_id = ?3, invoice_date = ?4, due_date = ?5, notes = ?6,
               intra_state = ?7, taxable_total_paise = ?8, cgst_total_paise = ?9, sgst_total_paise = ?10,
               igst_total_paise = ?11, round_off_paise = ?12, grand_total_paise = ?13,
               supply_type = ?15, lut = ?16, reverse_charge = ?17,
               version = version + 1, updated_at = ?14
             WHERE id = ?1 AND status = 'draft'",
        )?
        .execute(params![
            d.id, d.branch_id, d.customer_id, d.invoice_date, d.due_date, d.notes, d.intra_state,
            t.taxable_total, t.cgst_total, t.sgst_total, t.igst_total, t.round_off, t.grand_total, d.now,
            d.supply_type.as_str(), d.lut, d.reverse_charge
        ])?;
    if n != 1 {
        return Err(AppError::Conflict("only a draft can be changed".into()));
    }
    Ok(())
}

/// Replaces every line of an invoice.
pub fn replace_lines(c: &Connection, invoice_id: &str, lines: &[PricedLine]) -> AppResult<()> {
    c.prepare_cached("DELETE FROM invoice_lines WHERE invoice_id = ?1")?
        .execute([invoice_id])?;
    let mut stmt = c.prepare_cached(
        "INSERT INTO invoice_lines (invoice_id, line_no, item_id, description, hsn_sac, unit, quantity_milli,
           unit_price_paise, discount_paise, gst_rate_bp, taxable_paise, cgst_paise, sgst_paise, igst_paise)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?;
    for (i, l) in lines.iter().enumerate() {
        let s = &l.spec;
        stmt.execute(params![
            invoice_id,
            i as i64 + 1,
            s.item_id,
            s.description,
            s.hsn_sac,
            s.unit,
            s.input.quantity.milli(),
            s.input.unit_price_paise,
            s.input.discount_paise,
            s.input.rate.bp(),
            l.tax.taxable,
            l.tax.cgst,
            l.tax.sgst,
            l.tax.igst
        ])?;
    }
    Ok(())
}

pub fn delete_draft(c: &Connection, id: &str) -> AppResult<()> {
    c.prepare_cached("DELETE FROM invoice_lines WHERE invoice_id = ?1")?
        .execute([id])?;
    c.prepare_cached("DELETE FROM invoices WHERE id = ?1 AND status = 'draft'")?
        .execute([id])?;
    Ok(())
}

/// What issuing writes: the number and the frozen copies.
pub struct IssueRow<'a> {
    pub id: &'a str,
    pub taken: &'a crate::modules::sales::series::service::Taken,
    pub place_of_supply: &'a str,
    pub seller: &'a Seller,
    pub buyer: &'a Buyer,
    pub now: &'a str,
}

pub fn mark_issued(c: &Connection, r: &IssueRow<'_>) -> AppResult<()> {
    let json = |v: serde_json::Result<String>| v.map_err(AppError::internal);
    let seller = json(serde_json::to_string(r.seller))?;
    let buyer = json(serde_json::to_string(r.buyer))?;
    let n = c
        .prepare_cached(
            "UPDATE invoices SET status = 'issued', series_id = ?2, number = ?3, fy = ?4, seq = ?5,
               place_of_supply = ?6, seller = ?7, buyer = ?8, issued_at = ?9,
               version = version + 1, updated_at = ?9
             WHERE id = ?1 AND status = 'draft'",
        )?
        .execute(params![
            r.id,
            r.taken.series_id,
            r.taken.number,
            r.taken.fy,
            r.taken.seq,
            r.place_of_supply,
            seller,
            buyer,
            r.now
        ])?;
    if n != 1 {
        return Err(AppError::Conflict("only a draft can be issued".into()));
    }
    Ok(())
}

pub fn mark_cancelled(c: &Connection, id: &str, reason: &str, now: &str) -> AppResult<()> {
    c.prepare_cached(
        "UPDATE invoices SET status = 'cancelled', cancel_reason = ?2, cancelled_at = ?3,
           version = version + 1, updated_at = ?3
         WHERE id = ?1 AND status = 'issued' AND amount_paid_paise = 0",
    )?
    .execute(params![id, reason, now])?;
    Ok(())
}

/// What has settled an issued invoice so far; the status follows from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settlement {
    pub amount_paid: i64,
    pub credited: i64,
    pub debited: i64,
}

impl Settlement {
    pub fn of(inv: &Invoice) -> Settlement {
        Settlement {
            amount_paid: inv.amount_paid_paise,
            credited: inv.credited_paise,
            debited: inv.debited_paise,
        }
    }

    /// Paid once nothing is due; partly paid once anything was paid or credited.
    pub fn status(&self, grand_total: i64) -> InvoiceStatus {
        let due = grand_total + self.debited - self.amount_paid - self.credited;
        if due <= 0 {
            InvoiceStatus::Paid
        } else if self.amount_paid > 0 || self.credited > 0 {
            InvoiceStatus::PartiallyPaid
        } else {
            InvoiceStatus::Issued
        }
    }
}

/// Records money received, credit or debit notes: the new figures and the status that
/// goes with them.
pub fn settle(c: &Connection, inv: &Invoice, s: Settlement, now: &str) -> AppResult<()> {
    c.prepare_cached(
        "UPDATE invoices SET amount_paid_paise = ?2, credited_paise = ?3, debited_paise = ?4, status = ?5,
           version = version + 1, updated_at = ?6
         WHERE id = ?1 AND status <> 'draft' AND status <> 'cancelled'",
    )?
    .execute(params![
        inv.id,
        s.amount_paid,
        s.credited,
        s.debited,
        s.status(inv.grand_total_paise).as_str(),
        now
    ])?;
    Ok(())
}
