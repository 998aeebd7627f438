//! Rules of transfers: the sending branch must be the user's, both branches must share a
//! GSTIN (else the movement is a supply: 409 `transfer_needs_invoice`), every item must
//! be kept in stock and on hand at the sender. The challan number, the movements and the
//! journal are written in one transaction.

use std::sync::Arc;

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::json;
use time::Date;

use super::model::{CreateTransfer, StockTransfer, TransferLine};
use crate::audit::{self, Actor};
use crate::clock;
use crate::domain::{
    financial_year, format_iso_date, parse_iso_date, short_financial_year, FieldError, Quantity,
};
use crate::error::{AppError, AppResult};
use crate::modules::books::posting::{self, DocKind};
use crate::modules::fields::{optional_text, BranchScope, Problems};
use crate::modules::org::repo as branches;
use crate::modules::stock::moves::{self, Kind, Move};
use crate::tenancy::TenantHandle;

const MAX_LINES: usize = 500;

struct Checked {
    from: String,
    to: String,
    date: Date,
    notes: String,
    lines: Vec<(String, Quantity)>,
}

fn check(req: &CreateTransfer) -> AppResult<Checked> {
    let mut p = Problems::new();
    let id = |v: &str| crate::ids::parse_ref(v, "a branch id");
    let from = p.check("from_branch_id", id(&req.from_branch_id));
    let to = p.check("to_branch_id", id(&req.to_branch_id));
    let date = p.check("date", parse_iso_date(req.date.trim()));
    let notes = p.check(
        "notes",
        optional_text(req.notes.as_deref().unwrap_or(""), 2000),
    );
    if req.lines.is_empty() || req.lines.len() > MAX_LINES {
        p.add(
            "lines",
            FieldError::out_of_range(format!("1 to {MAX_LINES} lines")),
        );
    }
    let mut lines = Vec::new();
    for (i, l) in req.lines.iter().enumerate() {
        let item = p.check(
            format!("lines[{i}].item_id"),
            crate::ids::parse_ref(&l.item_id, "an item id"),
        );
        let q = p.check(format!("lines[{i}].quantity"), Quantity::parse(&l.quantity));
        if let (Some(item), Some(q)) = (item, q) {
            lines.push((item, q));
        }
    }
    if let (Some(f), Some(t)) = (&from, &to) {
        if f == t {
            p.push(
                "to_branch_id",
                "invalid_value",
                "must differ from from_branch_id",
            );
        }
    }
    match (from, to, date, notes) {
        (Some(from), Some(to), Some(date), Some(notes)) if p.is_empty() => Ok(Checked {
            from,
            to,
            date,
            notes,
            lines,
        }),
        _ => Err(p.into_error()),
    }
}

/// The next delivery challan number of the date's financial year: `DC/26-27/00001`.
fn take_number(c: &Connection, date: Date, id: &str) -> AppResult<(String, String, i64)> {
    let fy = financial_year(date);
    let seq: i64 = c.query_row(
        "INSERT INTO challan_sequences (fy, last_seq) VALUES (?1, 1)
         ON CONFLICT (fy) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq",
        [&fy],
        |r| r.get(0),
    )?;
    let number = format!("DC/{}/{seq:05}", short_financial_year(date));
    c.execute(
        "INSERT INTO issued_numbers (number, doc_type, doc_id) VALUES (?1, 'delivery_challan', ?2)",
        params![number, id],
    )?;
    Ok((number, fy, seq))
}

type Item = (String, String, String, bool);

fn item(c: &Connection, id: &str) -> AppResult<Option<Item>> {
    Ok(
        c.prepare_cached("SELECT name, hsn_sac, unit, track_stock FROM items WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .optional()?,
    )
}

pub fn create(
    tenant: &Arc<TenantHandle>,
    scope: &BranchScope,
    req: &CreateTransfer,
    actor: &Actor,
) -> AppResult<StockTransfer> {
    let ck = check(req)?;
    let id = crate::ids::new_id();
    let now = clock::now_rfc3339();
    let date = format_iso_date(ck.date);
    tenant.db.write_blocking(|tx| {
        let mut p = Problems::new();
        let from = branches::get(tx, &ck.from)?.filter(|_| scope.allows(&ck.from));
        let to = branches::get(tx, &ck.to)?;
        if from.is_none() {
            p.push("from_branch_id", "not_found", "no such branch");
        }
        if to.is_none() {
            p.push("to_branch_id", "not_found", "no such branch");
        }
        let mut items = Vec::new();
        for (i, (item_id, _)) in ck.lines.iter().enumerate() {
            match item(tx, item_id)? {
                None => p.push(format!("lines[{i}].item_id"), "not_found", "no such item"),
                Some((.., false)) => p.push(
                    format!("lines[{i}].item_id"),
                    "not_stocked",
                    "this item's stock is not kept (track_stock is off)",
                ),
                Some(found) => items.push(found),
            }
        }
        p.finish()?;
        let (Some(from), Some(to)) = (from, to) else {
            return Err(AppError::NotFound);
        };
        if from.gstin != to.gstin {
            return Err(AppError::state_rule(
                "transfer_needs_invoice",
                "Transfer needs an invoice",
                format!(
                    "Branches {} and {} are registered under different GSTINs: moving goods between them is a supply (CGST Act Schedule I) and needs a tax invoice, not a delivery challan.",
                    from.code, to.code
                ),
            ));
        }
        posting::check_open(tx, &date)?;
        let (number, fy, seq) = take_number(tx, ck.date, &id)?;
        let mut lines = Vec::new();
        for (i, ((item_id, quantity), (name, hsn, unit, _))) in ck.lines.iter().zip(items).enumerate() {
            let out = Move {
                item_id,
                branch_id: &from.id,
                date: &date,
                kind: Kind::TransferOut,
                source_type: "stock_transfer",
                source_id: &id,
                line_no: Some(i as i64 + 1),
                reference: &number,
            };
            let value = moves::issue(tx, &out, quantity.milli(), &format!("lines[{i}].quantity"))?;
            let into = Move {
                branch_id: &to.id,
                kind: Kind::TransferIn,
                ..out.clone()
            };
            moves::receive(tx, &into, quantity.milli(), value)?;
            lines.push(TransferLine {
                line_no: i as i64 + 1,
                item_id: item_id.clone(),
                description: name,
                hsn_sac: hsn,
                unit,
                quantity: *quantity,
                value_paise: value,
            });
        }
        let total: i64 = lines.iter().map(|l| l.value_paise).sum();
        tx.execute(
            "INSERT INTO stock_transfers (id, number, fy, seq, from_branch_id, to_branch_id, date,
                 notes, value_paise, created_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![id, number, fy, seq, from.id, to.id, date, ck.notes, total, actor.id(), now],
        )?;
        for l in &lines {
            tx.execute(
                "INSERT INTO stock_transfer_lines (transfer_id, line_no, item_id, description,
                     hsn_sac, unit, quantity_milli, value_paise)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![id, l.line_no, l.item_id, l.description, l.hsn_sac, l.unit,
                    l.quantity.milli(), l.value_paise],
            )?;
        }
        posting::post_document(tx, DocKind::StockTransfer, &id, actor.id())?;
        audit::append(
            tx,
            actor,
            "stock_transfer.created",
            "stock_transfer",
            Some(&id),
            json!({"challan_number": number, "from_branch_id": from.id, "to_branch_id": to.id,
                   "date": date, "lines": lines.len(), "value_paise": total}),
        )?;
        get(tx, &BranchScope::all(), &id)
    })
}

fn line_rows(c: &Connection, id: &str) -> AppResult<Vec<TransferLine>> {
    let mut stmt = c.prepare_cached(
        "SELECT line_no, item_id, description, hsn_sac, unit, quantity_milli, value_paise
         FROM stock_transfer_lines WHERE transfer_id = ?1 ORDER BY line_no",
    )?;
    let rows = stmt
        .query_map([id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, i64>(6)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(
            |(line_no, item_id, description, hsn_sac, unit, q, value_paise)| {
                Ok(TransferLine {
                    line_no,
                    item_id,
                    description,
                    hsn_sac,
                    unit,
                    quantity: Quantity::from_milli(q).map_err(AppError::internal)?,
                    value_paise,
                })
            },
        )
        .collect()
}

const COLUMNS: &str = "id, number, from_branch_id, to_branch_id, date, notes, value_paise,
    created_by, created_at,
    (SELECT j.id FROM journals j WHERE j.source_type = 'stock_transfer' AND j.source_id = t.id)";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StockTransfer> {
    Ok(StockTransfer {
        id: r.get(0)?,
        challan_number: r.get(1)?,
        from_branch_id: r.get(2)?,
        to_branch_id: r.get(3)?,
        date: r.get(4)?,
        notes: r.get(5)?,
        lines: Vec::new(),
        value_paise: r.get(6)?,
        created_by: r.get(7)?,
        created_at: r.get(8)?,
        journal_id: r.get(9)?,
    })
}

fn seen_by(scope: &BranchScope, t: &StockTransfer) -> bool {
    scope.allows(&t.from_branch_id) || scope.allows(&t.to_branch_id)
}

/// A transfer the user may see (either branch is theirs), or 404.
pub fn get(c: &Connection, scope: &BranchScope, id: &str) -> AppResult<StockTransfer> {
    let mut t = c
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM stock_transfers t WHERE id = ?1"
        ))?
        .query_row([id], from_row)
        .optional()?
        .filter(|t| seen_by(scope, t))
        .ok_or(AppError::NotFound)?;
    t.lines = line_rows(c, id)?;
    Ok(t)
}

/// Keyset page in id order of the transfers touching the user's branches.
pub fn list(
    c: &Connection,
    scope: &BranchScope,
    after: Option<&str>,
    limit: u32,
) -> AppResult<Vec<StockTransfer>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM stock_transfers t
         WHERE id > ?1 AND (?2 IS NULL OR from_branch_id IN (SELECT value FROM json_each(?2))
                                       OR to_branch_id IN (SELECT value FROM json_each(?2)))
         ORDER BY id LIMIT ?3"
    ))?;
    let mut rows: Vec<StockTransfer> = stmt
        .query_map(
            params![after.unwrap_or(""), scope.sql_param(), i64::from(limit) + 1],
            from_row,
        )?
        .collect::<Result<_, _>>()?;
    for t in rows.iter_mut() {
        t.lines = line_rows(c, &t.id)?;
    }
    Ok(rows)
}
