//! Stock movements at weighted average cost, written in the transaction of the document
//! that moves the goods (a posted bill, an issued invoice or credit note, a transfer and
//! their cancellations).
//!
//! **Valuation.** What comes in adds its cost (a bill line's taxable value plus any tax
//! not taken as credit). What leaves takes `value on hand × quantity ÷ quantity on hand`,
//! rounded half away from zero to the paisa, so the last unit out takes exactly what is
//! left and no rounding stays behind. With negative stock allowed, what leaves beyond
//! the quantity on hand is valued at the last receipt's unit cost; if a receipt then
//! brings the quantity back to exactly zero with value left over, that value goes to
//! Stock Adjustment (an `adjustment` movement of quantity 0), so a branch never holds
//! value without goods. Cancellations move goods back at exactly the value they moved
//! with, mirroring the journal they reverse. The stock account in the books therefore
//! always equals the sum of the movements: the stock report.

use rusqlite::{params, Connection, OptionalExtension};

use crate::clock;
use crate::domain::proportion;
use crate::error::{AppError, AppResult};

/// Why goods moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Purchase,
    PurchaseCancelled,
    Sale,
    SaleCancelled,
    SalesReturn,
    TransferOut,
    TransferIn,
    Adjustment,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Purchase => "purchase",
            Kind::PurchaseCancelled => "purchase_cancelled",
            Kind::Sale => "sale",
            Kind::SaleCancelled => "sale_cancelled",
            Kind::SalesReturn => "sales_return",
            Kind::TransferOut => "transfer_out",
            Kind::TransferIn => "transfer_in",
            Kind::Adjustment => "adjustment",
        }
    }

    /// Receipts whose cost is new: they set the last cost and clear a leftover value.
    fn fresh_cost(self) -> bool {
        matches!(self, Kind::Purchase | Kind::SalesReturn | Kind::TransferIn)
    }
}

/// One movement as a document asks for it.
#[derive(Debug, Clone)]
pub struct Move<'a> {
    pub item_id: &'a str,
    pub branch_id: &'a str,
    pub date: &'a str,
    pub kind: Kind,
    pub source_type: &'static str,
    pub source_id: &'a str,
    pub line_no: Option<i64>,
    pub reference: &'a str,
}

#[derive(Debug, Clone, Copy, Default)]
struct Level {
    quantity: i64,
    value: i64,
    last_cost: i64,
}

fn level(c: &Connection, item: &str, branch: &str) -> AppResult<Level> {
    Ok(c.prepare_cached(
        "SELECT quantity_milli, value_paise, last_cost_paise FROM stock_levels
             WHERE item_id = ?1 AND branch_id = ?2",
    )?
    .query_row(params![item, branch], |r| {
        Ok(Level {
            quantity: r.get(0)?,
            value: r.get(1)?,
            last_cost: r.get(2)?,
        })
    })
    .optional()?
    .unwrap_or_default())
}

fn write(c: &Connection, m: &Move<'_>, quantity: i64, value: i64, after: Level) -> AppResult<()> {
    c.prepare_cached(
        "INSERT INTO stock_levels (item_id, branch_id, quantity_milli, value_paise, last_cost_paise)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (item_id, branch_id) DO UPDATE SET quantity_milli = excluded.quantity_milli,
             value_paise = excluded.value_paise, last_cost_paise = excluded.last_cost_paise",
    )?
    .execute(params![
        m.item_id,
        m.branch_id,
        after.quantity,
        after.value,
        after.last_cost
    ])?;
    c.prepare_cached(
        "INSERT INTO stock_moves (item_id, branch_id, date, kind, source_type, source_id, line_no,
             reference, quantity_milli, value_paise, balance_quantity_milli, balance_value_paise,
             created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        m.item_id,
        m.branch_id,
        m.date,
        m.kind.as_str(),
        m.source_type,
        m.source_id,
        m.line_no,
        m.reference,
        quantity,
        value,
        after.quantity,
        after.value,
        clock::now_rfc3339()
    ])?;
    Ok(())
}

/// Goods in: `quantity` (thousandths) worth `value` paise.
pub fn receive(c: &Connection, m: &Move<'_>, quantity: i64, value: i64) -> AppResult<()> {
    let before = level(c, m.item_id, m.branch_id)?;
    let mut after = Level {
        quantity: before.quantity + quantity,
        value: before.value + value,
        last_cost: before.last_cost,
    };
    if m.kind.fresh_cost() {
        after.last_cost = proportion(value, 1000, quantity).map_err(AppError::internal)?;
    }
    write(c, m, quantity, value, after)?;
    if m.kind.fresh_cost() && after.quantity == 0 && after.value != 0 {
        let cleared = Level { value: 0, ..after };
        let adjust = Move {
            kind: Kind::Adjustment,
            ..m.clone()
        };
        write(c, &adjust, 0, -after.value, cleared)?;
    }
    Ok(())
}

/// What `quantity` taken out of `on` is worth (see the module's note on valuation).
fn value_out(on: Level, quantity: i64) -> AppResult<i64> {
    if on.quantity > 0 && quantity <= on.quantity {
        return proportion(on.value, quantity, on.quantity).map_err(AppError::internal);
    }
    let from_hand = if on.quantity > 0 { on.value } else { 0 };
    let beyond = quantity - on.quantity.max(0);
    Ok(from_hand + proportion(on.last_cost, beyond, 1000).map_err(AppError::internal)?)
}

/// Whether the tenant lets stock go below zero.
pub fn allow_negative(c: &Connection) -> AppResult<bool> {
    Ok(c.query_row(
        "SELECT allow_negative FROM stock_settings WHERE id = 1",
        [],
        |r| r.get(0),
    )?)
}

fn insufficient(
    c: &Connection,
    m: &Move<'_>,
    on: i64,
    wanted: i64,
    field: &str,
) -> AppResult<AppError> {
    let (sku, code): (String, String) = c.query_row(
        "SELECT (SELECT sku FROM items WHERE id = ?1), (SELECT code FROM branches WHERE id = ?2)",
        params![m.item_id, m.branch_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let show = |milli: i64| {
        let q = crate::domain::Quantity::from_milli(milli.abs()).map(|q| q.to_string());
        match (milli, q) {
            (0, _) | (_, Err(_)) => "0".to_string(),
            (m, Ok(q)) if m < 0 => format!("-{q}"),
            (_, Ok(q)) => q,
        }
    };
    Ok(AppError::state_rule(
        "insufficient_stock",
        "Insufficient stock",
        format!(
            "Branch {code} holds {} of {sku}; {} is needed.",
            show(on),
            show(wanted)
        ),
    )
    .with_errors(vec![crate::error::FieldProblem::new(
        field,
        "insufficient_stock",
        format!("{} of {sku} on hand at {code}", show(on)),
    )]))
}

/// Goods out at weighted average cost; returns the value taken. Refused (409
/// `insufficient_stock`, naming `field`) when it is more than is on hand, unless the
/// tenant allows negative stock.
pub fn issue(c: &Connection, m: &Move<'_>, quantity: i64, field: &str) -> AppResult<i64> {
    let on = level(c, m.item_id, m.branch_id)?;
    if quantity > on.quantity && !allow_negative(c)? {
        return Err(insufficient(c, m, on.quantity, quantity, field)?);
    }
    let value = value_out(on, quantity)?;
    take(c, m, on, quantity, value)?;
    Ok(value)
}

fn take(c: &Connection, m: &Move<'_>, on: Level, quantity: i64, value: i64) -> AppResult<()> {
    let after = Level {
        quantity: on.quantity - quantity,
        value: on.value - value,
        last_cost: on.last_cost,
    };
    write(c, m, -quantity, -value, after)
}

/// Takes back exactly what a document brought in (a cancelled bill), refused like any
/// issue when the goods are no longer there.
fn take_back(
    c: &Connection,
    m: &Move<'_>,
    quantity: i64,
    value: i64,
    field: &str,
) -> AppResult<()> {
    let on = level(c, m.item_id, m.branch_id)?;
    if quantity > on.quantity && !allow_negative(c)? {
        return Err(insufficient(c, m, on.quantity, quantity, field)?);
    }
    take(c, m, on, quantity, value)
}

/// Whether any branch holds stock (or a value) of an item.
pub fn holds_stock(c: &Connection, item_id: &str) -> AppResult<bool> {
    Ok(c.query_row(
        "SELECT EXISTS (SELECT 1 FROM stock_levels WHERE item_id = ?1
             AND (quantity_milli <> 0 OR value_paise <> 0))",
        [item_id],
        |r| r.get(0),
    )?)
}

/// The movements a document made: (item, branch, line, quantity, value, kind).
type Made = (String, String, Option<i64>, i64, i64, String);

fn made_by(c: &Connection, source_type: &str, source_id: &str) -> AppResult<Vec<Made>> {
    let mut stmt = c.prepare_cached(
        "SELECT item_id, branch_id, line_no, quantity_milli, value_paise, kind FROM stock_moves
         WHERE source_type = ?1 AND source_id = ?2 AND kind <> 'adjustment' ORDER BY seq",
    )?;
    let rows = stmt
        .query_map(params![source_type, source_id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// A posted bill's goods come in at their cost: taxable value plus tax not claimed.
pub fn bill_posted(c: &Connection, bill_id: &str) -> AppResult<()> {
    let (branch, date, reference): (String, String, String) = c.query_row(
        "SELECT branch_id, posting_date, supplier_invoice_no FROM bills WHERE id = ?1",
        [bill_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let mut stmt = c.prepare_cached(
        "SELECT l.line_no, l.item_id, l.quantity_milli, l.taxable_paise
             + CASE WHEN l.itc = 'eligible' THEN 0 ELSE l.cgst_paise + l.sgst_paise + l.igst_paise END
         FROM bill_lines l JOIN items i ON i.id = l.item_id
         WHERE l.bill_id = ?1 AND i.track_stock = 1 ORDER BY l.line_no",
    )?;
    let lines: Vec<(i64, String, i64, i64)> = stmt
        .query_map([bill_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<Result<_, _>>()?;
    for (line_no, item, quantity, cost) in lines {
        let m = Move {
            item_id: &item,
            branch_id: &branch,
            date: &date,
            kind: Kind::Purchase,
            source_type: "bill",
            source_id: bill_id,
            line_no: Some(line_no),
            reference: &reference,
        };
        receive(c, &m, quantity, cost)?;
    }
    Ok(())
}

/// A cancelled bill's goods go back out at the value they came in with.
pub fn bill_cancelled(c: &Connection, bill_id: &str) -> AppResult<()> {
    let (date, reference): (String, String) = c.query_row(
        "SELECT posting_date, supplier_invoice_no FROM bills WHERE id = ?1",
        [bill_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    for (item, branch, line_no, quantity, value, _) in made_by(c, "bill", bill_id)? {
        let m = Move {
            item_id: &item,
            branch_id: &branch,
            date: &date,
            kind: Kind::PurchaseCancelled,
            source_type: "bill_cancellation",
            source_id: bill_id,
            line_no,
            reference: &reference,
        };
        let field = format!("lines[{}].quantity", line_no.unwrap_or(1) - 1);
        take_back(c, &m, quantity, value, &field)?;
    }
    Ok(())
}

/// An issued invoice's goods leave its branch at average cost.
pub fn invoice_issued(c: &Connection, invoice_id: &str) -> AppResult<()> {
    let (branch, date, number): (String, String, String) = c.query_row(
        "SELECT branch_id, invoice_date, COALESCE(number, '') FROM invoices WHERE id = ?1",
        [invoice_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let mut stmt = c.prepare_cached(
        "SELECT l.line_no, l.item_id, l.quantity_milli FROM invoice_lines l
         JOIN items i ON i.id = l.item_id
         WHERE l.invoice_id = ?1 AND i.track_stock = 1 ORDER BY l.line_no",
    )?;
    let lines: Vec<(i64, String, i64)> = stmt
        .query_map([invoice_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (line_no, item, quantity) in lines {
        let m = Move {
            item_id: &item,
            branch_id: &branch,
            date: &date,
            kind: Kind::Sale,
            source_type: "invoice",
            source_id: invoice_id,
            line_no: Some(line_no),
            reference: &number,
        };
        issue(c, &m, quantity, &format!("lines[{}].quantity", line_no - 1))?;
    }
    Ok(())
}

/// A cancelled invoice's goods come back at the value they left with.
pub fn invoice_cancelled(c: &Connection, invoice_id: &str) -> AppResult<()> {
    let (date, number): (String, String) = c.query_row(
        "SELECT invoice_date, COALESCE(number, '') FROM invoices WHERE id = ?1",
        [invoice_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    for (item, branch, line_no, quantity, value, _) in made_by(c, "invoice", invoice_id)? {
        let m = Move {
            item_id: &item,
            branch_id: &branch,
            date: &date,
            kind: Kind::SaleCancelled,
            source_type: "invoice_cancellation",
            source_id: invoice_id,
            line_no,
            reference: &number,
        };
        receive(c, &m, -quantity, -value)?;
    }
    Ok(())
}

/// A sales-return credit note's goods come back at the cost they left with, in
/// proportion to the quantity returned (at today's average when the sale moved no stock).
pub fn credit_note_issued(c: &Connection, note_id: &str) -> AppResult<()> {
    let head: Option<(String, String, String, String)> = c
        .query_row(
            "SELECT branch_id, note_date, COALESCE(number, ''), invoice_id FROM notes
             WHERE id = ?1 AND kind = 'credit' AND reason = 'sales_return'",
            [note_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((branch, date, number, invoice_id)) = head else {
        return Ok(());
    };
    let mut stmt = c.prepare_cached(
        "SELECT l.line_no, l.invoice_line, l.item_id, l.quantity_milli FROM note_lines l
         JOIN items i ON i.id = l.item_id
         WHERE l.note_id = ?1 AND i.track_stock = 1 AND l.quantity_milli IS NOT NULL
         ORDER BY l.line_no",
    )?;
    let lines: Vec<(i64, i64, String, i64)> = stmt
        .query_map([note_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<Result<_, _>>()?;
    for (line_no, invoice_line, item, quantity) in lines {
        let sold: Option<(i64, i64)> = c
            .prepare_cached(
                "SELECT -quantity_milli, -value_paise FROM stock_moves
                 WHERE source_type = 'invoice' AND source_id = ?1 AND line_no = ?2 AND kind = 'sale'",
            )?
            .query_row(params![invoice_id, invoice_line], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let value = match sold {
            Some((q, v)) if q > 0 => proportion(v, quantity, q).map_err(AppError::internal)?,
            _ => value_out(level(c, &item, &branch)?, quantity)?,
        };
        let m = Move {
            item_id: &item,
            branch_id: &branch,
            date: &date,
            kind: Kind::SalesReturn,
            source_type: "credit_note",
            source_id: note_id,
            line_no: Some(line_no),
            reference: &number,
        };
        receive(c, &m, quantity, value)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(quantity: i64, value: i64, last_cost: i64) -> Level {
        Level {
            quantity,
            value,
            last_cost,
        }
    }

    #[test]
    fn average_cost_leaves_nothing_behind() {
        // 3 units worth ₹10.00: one out takes 333.33… → 333 p, the next 334 (667 × 1/2 =
        // 333.5 → 334), the last exactly what is left.
        let mut on = at(3000, 1000, 0);
        let mut taken = Vec::new();
        for _ in 0..3 {
            let v = value_out(on, 1000).unwrap_or_else(|e| panic!("{e:?}"));
            taken.push(v);
            on = at(on.quantity - 1000, on.value - v, 0);
        }
        assert_eq!(taken, vec![333, 334, 333]);
        assert_eq!((on.quantity, on.value), (0, 0));
    }

    #[test]
    fn beyond_what_is_on_hand_takes_the_last_cost() {
        // 1 on hand worth ₹5; 3 taken at a last cost of ₹6 a unit: 500 + 2 × 600.
        assert_eq!(value_out(at(1000, 500, 600), 3000).ok(), Some(1_700));
        assert_eq!(value_out(at(-1000, -600, 600), 500).ok(), Some(300));
    }
}
