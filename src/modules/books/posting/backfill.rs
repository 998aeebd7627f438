//! Posting the documents a tenant issued before it had books, once, inside the migration
//! that creates them: the books and the sales registers agree from the first day.

use rusqlite::Connection;

use super::rules::{post_document, reverse_document, DocKind};

const ACTOR: &str = "system:books-migration";

/// Every issued invoice, note and payment in date order; a cancelled invoice is posted
/// and reversed, as if it had been cancelled with books in place.
pub fn backfill(c: &Connection) -> Result<(), String> {
    let docs = documents(c).map_err(|e| e.to_string())?;
    for (kind, id, cancelled) in docs {
        post_document(c, kind, &id, ACTOR).map_err(|e| format!("posting {kind:?} {id}: {e}"))?;
        if cancelled {
            reverse_document(
                c,
                kind,
                &id,
                "invoice_cancellation",
                "Invoice cancelled",
                ACTOR,
            )
            .map_err(|e| format!("reversing {kind:?} {id}: {e}"))?;
        }
    }
    Ok(())
}

fn documents(c: &Connection) -> rusqlite::Result<Vec<(DocKind, String, bool)>> {
    let mut stmt = c.prepare(
        "SELECT kind, id, cancelled FROM (
             SELECT 'invoice' AS kind, id, status = 'cancelled' AS cancelled,
                    invoice_date AS d, COALESCE(issued_at, created_at) AS at
             FROM invoices WHERE status <> 'draft'
             UNION ALL
             SELECT kind || '_note', id, 0, note_date, COALESCE(issued_at, created_at)
             FROM notes WHERE status = 'issued'
             UNION ALL
             SELECT 'payment', id, 0, received_on, created_at FROM payments)
         ORDER BY d, at, id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            let kind = match r.get::<_, String>(0)?.as_str() {
                "invoice" => DocKind::Invoice,
                "credit_note" => DocKind::CreditNote,
                "debit_note" => DocKind::DebitNote,
                _ => DocKind::Payment,
            };
            Ok((kind, r.get(1)?, r.get(2)?))
        })?
        .collect();
    rows
}
