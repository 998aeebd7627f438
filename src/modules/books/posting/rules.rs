//! The posting rules: one table, document type → (figure, side, ledger). A new document
//! type is a new row here plus the query that reads its figures; `docs/books.md` prints
//! this table for accountants.

use rusqlite::{Connection, OptionalExtension};

use super::{post, reverse, system_account, Entry, JournalKind, Line, Party};
use crate::error::{AppError, AppResult};

/// A document that posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Invoice,
    CreditNote,
    DebitNote,
    Payment,
}

impl DocKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Invoice => "invoice",
            DocKind::CreditNote => "credit_note",
            DocKind::DebitNote => "debit_note",
            DocKind::Payment => "payment",
        }
    }
}

/// An amount a document carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    /// What the customer owes for the document (grand total).
    Total,
    /// Taxable value, once per GST rate.
    Taxable,
    Cgst,
    Sgst,
    Igst,
    /// Signed: positive when the total was rounded up.
    RoundOff,
    /// Money received (negative: refunded).
    Received,
}

/// Where a figure goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ledger {
    /// Sundry Debtors, with the customer as party.
    Debtors,
    /// Sales @ the line's rate; Sales - Zero Rated for exports and SEZ supplies.
    Sales,
    OutputCgst,
    OutputSgst,
    OutputIgst,
    RoundOff,
    /// Cash-in-hand for cash, Bank for UPI, cards, cheques and transfers, Sundry Debtors
    /// (the same customer) when customer credit pays an invoice.
    Receipt,
}

#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub figure: Figure,
    pub debit: bool,
    pub ledger: Ledger,
}

const fn dr(figure: Figure, ledger: Ledger) -> Rule {
    Rule {
        figure,
        debit: true,
        ledger,
    }
}

const fn cr(figure: Figure, ledger: Ledger) -> Rule {
    Rule {
        figure,
        debit: false,
        ledger,
    }
}

use Figure::*;

const SALE: &[Rule] = &[
    dr(Total, Ledger::Debtors),
    cr(Taxable, Ledger::Sales),
    cr(Cgst, Ledger::OutputCgst),
    cr(Sgst, Ledger::OutputSgst),
    cr(Igst, Ledger::OutputIgst),
    cr(RoundOff, Ledger::RoundOff),
];

const SALE_RETURN: &[Rule] = &[
    cr(Total, Ledger::Debtors),
    dr(Taxable, Ledger::Sales),
    dr(Cgst, Ledger::OutputCgst),
    dr(Sgst, Ledger::OutputSgst),
    dr(Igst, Ledger::OutputIgst),
    dr(RoundOff, Ledger::RoundOff),
];

const RECEIPT: &[Rule] = &[dr(Received, Ledger::Receipt), cr(Received, Ledger::Debtors)];

/// The table: every posting document and its rules.
pub const RULES: &[(DocKind, &[Rule])] = &[
    (DocKind::Invoice, SALE),
    (DocKind::DebitNote, SALE),
    (DocKind::CreditNote, SALE_RETURN),
    (DocKind::Payment, RECEIPT),
];

/// What a document says, read from its frozen row.
struct Figures {
    date: String,
    narration: String,
    branch_id: String,
    customer_id: String,
    zero_rated: bool,
    method: Option<String>,
    /// (figure, GST rate in bp for Taxable, amount)
    amounts: Vec<(Figure, Option<i64>, i64)>,
}

fn totals(head: [i64; 5]) -> Vec<(Figure, Option<i64>, i64)> {
    let [total, cgst, sgst, igst, round_off] = head;
    vec![
        (Total, None, total),
        (Cgst, None, cgst),
        (Sgst, None, sgst),
        (Igst, None, igst),
        (RoundOff, None, round_off),
    ]
}

fn by_rate(c: &Connection, sql: &str, id: &str) -> AppResult<Vec<(Figure, Option<i64>, i64)>> {
    let mut stmt = c.prepare_cached(sql)?;
    let rows = stmt
        .query_map([id], |r| Ok((Taxable, Some(r.get(0)?), r.get(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// An invoice's or a note's figures: `head` selects date, narration, branch, customer,
/// zero-rated, then total, CGST, SGST, IGST and round-off; `rates` the taxable value per
/// GST rate.
fn tax_document(c: &Connection, head: &str, rates: &str, id: &str) -> AppResult<Figures> {
    let mut f = c
        .query_row(head, [id], |r| {
            Ok(Figures {
                date: r.get(0)?,
                narration: r.get(1)?,
                branch_id: r.get(2)?,
                customer_id: r.get(3)?,
                zero_rated: r.get(4)?,
                method: None,
                amounts: totals([r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?]),
            })
        })
        .optional()?
        .ok_or(AppError::NotFound)?;
    f.amounts.extend(by_rate(c, rates, id)?);
    Ok(f)
}

fn figures(c: &Connection, kind: DocKind, id: &str) -> AppResult<Figures> {
    match kind {
        DocKind::Invoice => tax_document(
            c,
            "SELECT invoice_date, 'Sales invoice ' || number, branch_id, customer_id,
                supply_type IN ('sez', 'export'), grand_total_paise, cgst_total_paise,
                sgst_total_paise, igst_total_paise, round_off_paise
             FROM invoices WHERE id = ?1 AND status <> 'draft'",
            "SELECT gst_rate_bp, SUM(taxable_paise) FROM invoice_lines
             WHERE invoice_id = ?1 GROUP BY gst_rate_bp ORDER BY gst_rate_bp",
            id,
        ),
        DocKind::CreditNote | DocKind::DebitNote => tax_document(
            c,
            "SELECT n.note_date,
                CASE n.kind WHEN 'credit' THEN 'Credit note ' ELSE 'Debit note ' END
                    || n.number || ' against ' || i.number,
                n.branch_id, n.customer_id, i.supply_type IN ('sez', 'export'),
                n.grand_total_paise, n.cgst_total_paise, n.sgst_total_paise,
                n.igst_total_paise, n.round_off_paise
             FROM notes n JOIN invoices i ON i.id = n.invoice_id
             WHERE n.id = ?1 AND n.status = 'issued'",
            "SELECT gst_rate_bp, SUM(taxable_paise) FROM note_lines
             WHERE note_id = ?1 GROUP BY gst_rate_bp ORDER BY gst_rate_bp",
            id,
        ),
        DocKind::Payment => c
            .query_row(
                "SELECT p.received_on,
                    CASE WHEN p.amount_paise < 0 THEN 'Refund' WHEN p.method = 'credit'
                         THEN 'Customer credit applied' ELSE 'Receipt' END
                        || ' against ' || i.number
                        || CASE WHEN p.reference <> '' THEN ' (' || p.reference || ')' ELSE '' END,
                    i.branch_id, p.customer_id, p.method, p.amount_paise
                 FROM payments p JOIN invoices i ON i.id = p.invoice_id WHERE p.id = ?1",
                [id],
                |r| {
                    Ok(Figures {
                        date: r.get(0)?,
                        narration: r.get(1)?,
                        branch_id: r.get(2)?,
                        customer_id: r.get(3)?,
                        zero_rated: false,
                        method: Some(r.get(4)?),
                        amounts: vec![(Received, None, r.get(5)?)],
                    })
                },
            )
            .optional()?
            .ok_or(AppError::NotFound),
    }
}

fn ledger_key(ledger: Ledger, f: &Figures, rate_bp: Option<i64>) -> String {
    match ledger {
        Ledger::Debtors => "sundry_debtors".into(),
        Ledger::Sales if f.zero_rated => "sales_zero_rated".into(),
        Ledger::Sales => format!("sales_{}", rate_bp.unwrap_or(0)),
        Ledger::OutputCgst => "output_cgst".into(),
        Ledger::OutputSgst => "output_sgst".into(),
        Ledger::OutputIgst => "output_igst".into(),
        Ledger::RoundOff => "round_off".into(),
        Ledger::Receipt => match f.method.as_deref() {
            Some("cash") => "cash".into(),
            Some("credit") => "sundry_debtors".into(),
            _ => "bank".into(),
        },
    }
}

/// The journal lines a document's rules give (unposted; for tests and the docs too).
fn lines_of(c: &Connection, kind: DocKind, f: &Figures) -> AppResult<Vec<Line>> {
    let rules = RULES
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, r)| *r)
        .unwrap_or_default();
    let mut lines = Vec::new();
    for rule in rules {
        for (figure, rate, amount) in f.amounts.iter().filter(|a| a.0 == rule.figure) {
            debug_assert_eq!(*figure, rule.figure);
            let party = matches!(rule.ledger, Ledger::Debtors)
                || (rule.ledger == Ledger::Receipt && f.method.as_deref() == Some("credit"));
            lines.push(Line {
                account_id: system_account(c, &ledger_key(rule.ledger, f, *rate))?,
                debit: rule.debit,
                amount_paise: *amount,
                party: party.then(|| Party {
                    kind: "customer",
                    id: f.customer_id.clone(),
                }),
                branch_id: Some(f.branch_id.clone()),
            });
        }
    }
    Ok(lines)
}

/// Posts an issued document's journal (call inside the transaction that issues it).
/// A document of zero value (free goods, a fully discounted line) has nothing to post:
/// `None`.
pub fn post_document(
    c: &Connection,
    kind: DocKind,
    id: &str,
    created_by: &str,
) -> AppResult<Option<String>> {
    let f = figures(c, kind, id)?;
    let lines = lines_of(c, kind, &f)?;
    if lines.iter().all(|l| l.amount_paise == 0) {
        return Ok(None);
    }
    post(
        c,
        &Entry {
            date: f.date.clone(),
            kind: JournalKind::Document,
            narration: f.narration.clone(),
            source: Some((kind.as_str(), id.to_string())),
            reverses_id: None,
            lines,
        },
        created_by,
    )
    .map(Some)
}

/// Reverses a document's journal, dated as the document, so a cancelled invoice leaves
/// its period's books exactly as GSTR-1 (which omits it) sees them.
pub fn reverse_document(
    c: &Connection,
    kind: DocKind,
    id: &str,
    source_type: &'static str,
    narration: &str,
    created_by: &str,
) -> AppResult<Option<String>> {
    let posted: Option<(String, String)> = c
        .query_row(
            "SELECT id, date FROM journals WHERE source_type = ?1 AND source_id = ?2",
            [kind.as_str(), id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((journal_id, date)) = posted else {
        // Only a document of zero value has no journal.
        let f = figures(c, kind, id)?;
        return if lines_of(c, kind, &f)?.iter().all(|l| l.amount_paise == 0) {
            Ok(None)
        } else {
            Err(AppError::internal(format!(
                "{} {id} has no journal",
                kind.as_str()
            )))
        };
    };
    reverse(
        c,
        &journal_id,
        &date,
        narration,
        Some((source_type, id.to_string())),
        created_by,
    )
    .map(Some)
}
