//! SQL for the receivables report.

use rusqlite::{params, Connection};

use super::model::DueRow;
use crate::error::AppResult;

/// Open balances (issued or partially paid) grouped by customer and due date, in
/// customer-name order. `scope` is a JSON array of branch ids, or None for all.
pub fn open_balances(
    c: &Connection,
    scope: Option<&str>,
    branch_id: Option<&str>,
) -> AppResult<Vec<DueRow>> {
    let mut stmt = c.prepare_cached(
        "SELECT i.customer_id, c.name, c.gstin, i.due_date, COUNT(*),
                SUM(i.grand_total_paise + i.debited_paise - i.amount_paid_paise - i.credited_paise)
         FROM invoices i JOIN customers c ON c.id = i.customer_id
         WHERE i.status IN ('issued', 'partially_paid')
           AND i.grand_total_paise + i.debited_paise > i.amount_paid_paise + i.credited_paise
           AND (?1 IS NULL OR i.branch_id IN (SELECT value FROM json_each(?1)))
           AND (?2 IS NULL OR i.branch_id = ?2)
         GROUP BY i.customer_id, i.due_date
         ORDER BY c.name COLLATE NOCASE, i.customer_id, i.due_date",
    )?;
    let rows = stmt.query_map(params![scope, branch_id], |r| {
        Ok(DueRow {
            customer_id: r.get(0)?,
            customer_name: r.get(1)?,
            gstin: r.get(2)?,
            due_date: r.get(3)?,
            invoices: r.get(4)?,
            balance_paise: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
