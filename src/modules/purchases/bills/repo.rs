//! SQL for bills and their lines.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::model::{Bill, BillFilter, BillLine, BillStatus, Itc, VendorCopy};
use super::pricing::{BillTotals, PricedLine};
use crate::db::children;
use crate::db::filters::{arg, ListQuery};
use crate::domain::Quantity;
use crate::error::{AppError, AppResult};

const COLUMNS: &str = "id, vendor_id, branch_id, supplier_invoice_no, supplier_invoice_date,
    posting_date, due_date, fy, status, reverse_charge, intra_state, notes, vendor,
    taxable_total_paise, cgst_total_paise, sgst_total_paise, igst_total_paise, round_off_paise,
    grand_total_paise, itc_cgst_paise, itc_sgst_paise, itc_igst_paise, amount_paid_paise,
    cancel_reason, posted_at, cancelled_at, version, created_at, updated_at,
    (SELECT j.id FROM journals j WHERE j.source_type = 'bill' AND j.source_id = bills.id)";

const LINE_COLUMNS: &str = "bill_id, line_no, item_id, account_id, description, hsn_sac, unit,
    quantity_milli, unit_price_paise, discount_paise, gst_rate_bp, itc, taxable_paise,
    cgst_paise, sgst_paise, igst_paise";

fn bad(i: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        i,
        rusqlite::types::Type::Text,
        what.to_string().into(),
    )
}

fn head_from_row(r: &Row<'_>) -> rusqlite::Result<Bill> {
    let status: String = r.get(8)?;
    let vendor: Option<String> = r.get(12)?;
    let vendor = match vendor {
        None => None,
        Some(text) => Some(
            serde_json::from_str::<VendorCopy>(&text)
                .map_err(|_| bad(12, "unreadable vendor copy"))?,
        ),
    };
    let (grand, paid): (i64, i64) = (r.get(18)?, r.get(22)?);
    Ok(Bill {
        id: r.get(0)?,
        vendor_id: r.get(1)?,
        branch_id: r.get(2)?,
        supplier_invoice_no: r.get(3)?,
        supplier_invoice_date: r.get(4)?,
        posting_date: r.get(5)?,
        due_date: r.get(6)?,
        financial_year: r.get(7)?,
        status: BillStatus::parse(&status).ok_or_else(|| bad(8, "unknown status"))?,
        reverse_charge: r.get(9)?,
        intra_state: r.get(10)?,
        notes: r.get(11)?,
        vendor,
        lines: Vec::new(),
        taxable_total_paise: r.get(13)?,
        cgst_total_paise: r.get(14)?,
        sgst_total_paise: r.get(15)?,
        igst_total_paise: r.get(16)?,
        round_off_paise: r.get(17)?,
        grand_total_paise: grand,
        itc_cgst_paise: r.get(19)?,
        itc_sgst_paise: r.get(20)?,
        itc_igst_paise: r.get(21)?,
        amount_paid_paise: paid,
        balance_due_paise: if status == "cancelled" {
            0
        } else {
            grand - paid
        },
        cancel_reason: r.get(23)?,
        posted_at: r.get(24)?,
        cancelled_at: r.get(25)?,
        version: r.get(26)?,
        created_at: r.get(27)?,
        updated_at: r.get(28)?,
        journal_id: r.get(29)?,
    })
}

fn line_from_row(r: &Row<'_>) -> rusqlite::Result<(String, BillLine)> {
    let quantity = Quantity::from_milli(r.get(7)?).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(7, rusqlite::types::Type::Integer, Box::new(e))
    })?;
    let itc: String = r.get(11)?;
    Ok((
        r.get(0)?,
        BillLine {
            line_no: r.get(1)?,
            item_id: r.get(2)?,
            account_id: r.get(3)?,
            description: r.get(4)?,
            hsn_sac: r.get(5)?,
            unit: r.get(6)?,
            quantity,
            unit_price_paise: r.get(8)?,
            discount_paise: r.get(9)?,
            gst_rate_bp: r.get(10)?,
            itc: Itc::parse(&itc).ok_or_else(|| bad(11, "unknown itc"))?,
            taxable_paise: r.get(12)?,
            cgst_paise: r.get(13)?,
            sgst_paise: r.get(14)?,
            igst_paise: r.get(15)?,
        },
    ))
}

fn attach_lines(c: &Connection, bills: &mut [Bill]) -> AppResult<()> {
    children::attach(
        c,
        bills,
        &format!(
            "SELECT {LINE_COLUMNS} FROM bill_lines
             WHERE bill_id IN (SELECT value FROM json_each(?1)) ORDER BY bill_id, line_no"
        ),
        |b| &b.id,
        line_from_row,
        |b, lines| b.lines = lines,
    )
}

pub fn get(c: &Connection, id: &str) -> AppResult<Option<Bill>> {
    let head = c
        .prepare_cached(&format!("SELECT {COLUMNS} FROM bills WHERE id = ?1"))?
        .query_row([id], head_from_row)
        .optional()?;
    let Some(mut bill) = head else {
        return Ok(None);
    };
    attach_lines(c, std::slice::from_mut(&mut bill))?;
    Ok(Some(bill))
}

/// Keyset page in id order with the filters; up to `limit + 1` rows.
pub fn list(c: &Connection, f: &BillFilter) -> AppResult<Vec<Bill>> {
    let mut q = ListQuery::new(&format!("SELECT {COLUMNS} FROM bills"));
    q.and("status =", arg(&f.status))
        .and("vendor_id =", arg(&f.vendor_id))
        .and("branch_id =", arg(&f.branch_id))
        .and("id >", arg(&f.after))
        .and("posting_date >=", arg(&f.from))
        .and("posting_date <=", arg(&f.to))
        .within("branch_id", arg(&f.scope));
    let limit = i64::from(f.limit) + 1;
    let (sql, args) = q.page("id", &limit);
    let mut stmt = c.prepare_cached(&sql)?;
    let mut bills: Vec<Bill> = stmt
        .query_map(args.as_slice(), head_from_row)?
        .collect::<Result<_, _>>()?;
    attach_lines(c, &mut bills)?;
    Ok(bills)
}

/// The fields of a draft that a create or patch writes.
pub struct DraftRow<'a> {
    pub id: &'a str,
    pub vendor_id: &'a str,
    pub branch_id: &'a str,
    pub supplier_invoice_no: &'a str,
    pub invoice_no_key: &'a str,
    pub supplier_invoice_date: &'a str,
    pub posting_date: &'a str,
    pub due_date: &'a str,
    pub fy: &'a str,
    pub reverse_charge: bool,
    pub intra_state: bool,
    pub notes: &'a str,
    pub totals: &'a BillTotals,
    pub now: &'a str,
}

/// Inserts (`insert`) or rewrites a draft's head and totals.
pub fn write_draft(c: &Connection, d: &DraftRow<'_>, insert: bool) -> AppResult<()> {
    let t = d.totals;
    let sql = if insert {
        "INSERT INTO bills (id, vendor_id, branch_id, supplier_invoice_no, invoice_no_key,
             supplier_invoice_date, posting_date, due_date, fy, reverse_charge, intra_state, notes,
             taxable_total_paise, cgst_total_paise, sgst_total_paise, igst_total_paise,
             round_off_paise, grand_total_paise, itc_cgst_paise, itc_sgst_paise, itc_igst_paise,
             status, version, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
             ?19, ?20, ?21, 'draft', 1, ?22, ?22)"
    } else {
        "UPDATE bills SET vendor_id = ?2, branch_id = ?3, supplier_invoice_no = ?4,
             invoice_no_key = ?5, supplier_invoice_date = ?6, posting_date = ?7, due_date = ?8,
             fy = ?9, reverse_charge = ?10, intra_state = ?11, notes = ?12,
             taxable_total_paise = ?13, cgst_total_paise = ?14, sgst_total_paise = ?15,
             igst_total_paise = ?16, round_off_paise = ?17, grand_total_paise = ?18,
             itc_cgst_paise = ?19, itc_sgst_paise = ?20, itc_igst_paise = ?21,
             version = version + 1, updated_at = ?22
         WHERE id = ?1 AND status = 'draft'"
    };
    let n = c.prepare_cached(sql)?.execute(params![
        d.id,
        d.vendor_id,
        d.branch_id,
        d.supplier_invoice_no,
        d.invoice_no_key,
        d.supplier_invoice_date,
        d.posting_date,
        d.due_date,
        d.fy,
        d.reverse_charge,
        d.intra_state,
        d.notes,
        t.taxable,
        t.cgst,
        t.sgst,
        t.igst,
        t.round_off,
        t.grand_total,
        t.itc_cgst,
        t.itc_sgst,
        t.itc_igst,
        d.now
    ])?;
    if n != 1 {
        return Err(AppError::Conflict("only a draft can be changed".into()));
    }
    Ok(())
}

/// Replaces every line of a draft.
pub fn replace_lines(c: &Connection, bill_id: &str, lines: &[PricedLine]) -> AppResult<()> {
    c.prepare_cached("DELETE FROM bill_lines WHERE bill_id = ?1")?
        .execute([bill_id])?;
    let mut stmt = c.prepare_cached(
        "INSERT INTO bill_lines (bill_id, line_no, item_id, account_id, description, hsn_sac, unit,
             quantity_milli, unit_price_paise, discount_paise, gst_rate_bp, itc, taxable_paise,
             cgst_paise, sgst_paise, igst_paise)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?;
    for (i, l) in lines.iter().enumerate() {
        let s = &l.spec;
        stmt.execute(params![
            bill_id,
            i as i64 + 1,
            s.item_id,
            s.account_id,
            s.description,
            s.hsn_sac,
            s.unit,
            s.input.quantity.milli(),
            s.input.unit_price_paise,
            s.input.discount_paise,
            s.input.rate.bp(),
            s.itc.as_str(),
            l.tax.taxable,
            l.tax.cgst,
            l.tax.sgst,
            l.tax.igst
        ])?;
    }
    Ok(())
}

pub fn delete_draft(c: &Connection, id: &str) -> AppResult<()> {
    c.prepare_cached("DELETE FROM bill_lines WHERE bill_id = ?1")?
        .execute([id])?;
    c.prepare_cached("DELETE FROM bills WHERE id = ?1 AND status = 'draft'")?
        .execute([id])?;
    Ok(())
}

/// Another bill of the same supplier invoice (vendor, FY, normalised number) that is
/// posted, or with `drafts` also a draft: its id.
pub fn duplicate_of(
    c: &Connection,
    id: &str,
    vendor_id: &str,
    fy: &str,
    key: &str,
) -> AppResult<Option<String>> {
    Ok(c.prepare_cached(
        "SELECT id FROM bills WHERE vendor_id = ?2 AND fy = ?3 AND invoice_no_key = ?4
               AND id <> ?1 AND status IN ('posted', 'partially_paid', 'paid') LIMIT 1",
    )?
    .query_row(params![id, vendor_id, fy, key], |r| r.get(0))
    .optional()?)
}

/// Posts a draft: the vendor copy and the duplicate key are written with the status.
pub fn mark_posted(c: &Connection, id: &str, vendor: &VendorCopy, now: &str) -> AppResult<()> {
    let vendor = serde_json::to_string(vendor).map_err(AppError::internal)?;
    let n = c
        .prepare_cached(
            "UPDATE bills SET status = 'posted', vendor = ?2, posted_at = ?3,
                 duplicate_key = vendor_id || '|' || fy || '|' || invoice_no_key,
                 version = version + 1, updated_at = ?3
             WHERE id = ?1 AND status = 'draft'",
        )?
        .execute(params![id, vendor, now])?;
    if n != 1 {
        return Err(AppError::Conflict("only a draft can be posted".into()));
    }
    Ok(())
}

pub fn mark_cancelled(c: &Connection, id: &str, reason: &str, now: &str) -> AppResult<()> {
    let n = c
        .prepare_cached(
            "UPDATE bills SET status = 'cancelled', cancel_reason = ?2, cancelled_at = ?3,
                 duplicate_key = NULL, version = version + 1, updated_at = ?3
             WHERE id = ?1 AND status = 'posted' AND amount_paid_paise = 0",
        )?
        .execute(params![id, reason, now])?;
    if n != 1 {
        return Err(AppError::Conflict(
            "only a posted bill with nothing paid can be cancelled".into(),
        ));
    }
    Ok(())
}

/// Adds a payment to a posted bill; the CHECK refuses paying more than the total.
pub fn add_payment(c: &Connection, b: &Bill, amount: i64, now: &str) -> AppResult<()> {
    let paid = b.amount_paid_paise + amount;
    c.prepare_cached(
        "UPDATE bills SET amount_paid_paise = ?2, status = ?3, version = version + 1, updated_at = ?4
         WHERE id = ?1 AND status IN ('posted', 'partially_paid')",
    )?
    .execute(params![
        b.id,
        paid,
        BillStatus::of_payment(paid, b.grand_total_paise).as_str(),
        now
    ])?;
    Ok(())
}
