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
    Bill,
    VendorPayment,
    StockTransfer,
}

impl DocKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Invoice => "invoice",
            DocKind::CreditNote => "credit_note",
            DocKind::DebitNote => "debit_note",
            DocKind::Payment => "payment",
            DocKind::Bill => "bill",
            DocKind::VendorPayment => "vendor_payment",
            DocKind::StockTransfer => "stock_transfer",
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
    /// A bill's cost, once per account: taxable value plus any tax not taken as credit.
    Cost,
    /// Input tax credit taken (eligible lines).
    ItcCgst,
    ItcSgst,
    ItcIgst,
    /// Tax the recipient pays under reverse charge.
    RcmCgst,
    RcmSgst,
    RcmIgst,
    /// Money paid to a vendor.
    Paid,
    /// The cost of goods that left stock (negative: came back), per branch.
    StockOut,
    /// A value cleared from stock when its quantity came back to zero, per branch.
    StockAdjust,
    /// Goods moved by a transfer, at the receiving and at the sending branch.
    TransferIn,
    TransferOut,
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
    /// Sundry Creditors, with the vendor as party.
    Creditors,
    /// The account a bill line names (Purchases for items).
    Cost,
    InputCgst,
    InputSgst,
    InputIgst,
    RcmCgst,
    RcmSgst,
    RcmIgst,
    /// Cash-in-hand for cash, Bank otherwise.
    Payment,
    /// Stock-in-hand.
    Stock,
    CostOfGoodsSold,
    StockAdjustment,
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

/// Perpetual stock: goods leave at average cost (a negative figure — goods coming back
/// on a return — swaps the sides), and a value left with no quantity is cleared.
const STOCK: &[Rule] = &[
    dr(StockOut, Ledger::CostOfGoodsSold),
    cr(StockOut, Ledger::Stock),
    dr(StockAdjust, Ledger::StockAdjustment),
    cr(StockAdjust, Ledger::Stock),
];

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

/// A purchase: the vendor is owed the bill's total; tax not claimable is part of the cost;
/// reverse-charge tax is a liability of ours (and, where eligible, a credit too). A
/// positive round-off (the total was rounded up) costs us: a debit.
const PURCHASE: &[Rule] = &[
    cr(Total, Ledger::Creditors),
    dr(Cost, Ledger::Cost),
    dr(ItcCgst, Ledger::InputCgst),
    dr(ItcSgst, Ledger::InputSgst),
    dr(ItcIgst, Ledger::InputIgst),
    cr(RcmCgst, Ledger::RcmCgst),
    cr(RcmSgst, Ledger::RcmSgst),
    cr(RcmIgst, Ledger::RcmIgst),
    dr(RoundOff, Ledger::RoundOff),
];

const VENDOR_PAYMENT: &[Rule] = &[dr(Paid, Ledger::Creditors), cr(Paid, Ledger::Payment)];

const TRANSFER: &[Rule] = &[
    dr(TransferIn, Ledger::Stock),
    cr(TransferOut, Ledger::Stock),
];

/// The table: every posting document and its rules.
pub const RULES: &[(DocKind, &[&[Rule]])] = &[
    (DocKind::Invoice, &[SALE, STOCK]),
    (DocKind::DebitNote, &[SALE]),
    (DocKind::CreditNote, &[SALE_RETURN, STOCK]),
    (DocKind::Payment, &[RECEIPT]),
    (DocKind::Bill, &[PURCHASE, STOCK]),
    (DocKind::VendorPayment, &[VENDOR_PAYMENT]),
    (DocKind::StockTransfer, &[TRANSFER, STOCK]),
];

/// What a figure is broken down by.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Detail {
    None,
    /// A GST rate in basis points (sales by rate).
    Rate(i64),
    /// An account id (a bill's cost).
    Account(String),
    /// A branch: the line is that branch's, not the document's.
    Branch(String),
}

/// The stock figures of a document: the cost of what left (or, negative, came back) and
/// any value cleared, per branch, from the movements it made.
fn stock_figures(
    c: &Connection,
    source_type: &str,
    id: &str,
) -> AppResult<Vec<(Figure, Detail, i64)>> {
    // Migration 4 posts old documents before stock (migration 6) exists: none moved stock.
    let stock_exists: bool = c
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE name = 'stock_moves')")?
        .query_row([], |r| r.get(0))?;
    if !stock_exists {
        return Ok(Vec::new());
    }
    let mut stmt = c.prepare_cached(
        "SELECT branch_id, kind = 'adjustment', -SUM(value_paise) FROM stock_moves
         WHERE source_type = ?1 AND source_id = ?2 AND kind IN ('sale', 'sales_return', 'adjustment')
         GROUP BY branch_id, kind = 'adjustment' ORDER BY MIN(seq)",
    )?;
    let rows = stmt
        .query_map([source_type, id], |r| {
            let adjust: bool = r.get(1)?;
            Ok((
                if adjust { StockAdjust } else { StockOut },
                Detail::Branch(r.get(0)?),
                r.get(2)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// What a document says, read from its frozen row.
struct Figures {
    date: String,
    narration: String,
    branch_id: String,
    party: Option<Party>,
    zero_rated: bool,
    method: Option<String>,
    amounts: Vec<(Figure, Detail, i64)>,
}

fn customer(id: String) -> Option<Party> {
    Some(Party {
        kind: "customer",
        id,
    })
}

fn totals(head: [i64; 5]) -> Vec<(Figure, Detail, i64)> {
    let [total, cgst, sgst, igst, round_off] = head;
    vec![
        (Total, Detail::None, total),
        (Cgst, Detail::None, cgst),
        (Sgst, Detail::None, sgst),
        (Igst, Detail::None, igst),
        (RoundOff, Detail::None, round_off),
    ]
}

fn by_rate(c: &Connection, sql: &str, id: &str) -> AppResult<Vec<(Figure, Detail, i64)>> {
    let mut stmt = c.prepare_cached(sql)?;
    let rows = stmt
        .query_map([id], |r| Ok((Taxable, Detail::Rate(r.get(0)?), r.get(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// A bill's figures: the vendor's total and round-off, credit and reverse-charge tax,
/// and the cost per account.
fn bill(c: &Connection, id: &str) -> AppResult<Figures> {
    let mut f = c
        .query_row(
            "SELECT posting_date,
                'Purchase bill ' || supplier_invoice_no || ' of ' || json_extract(vendor, '$.name'),
                branch_id, vendor_id, grand_total_paise, round_off_paise,
                itc_cgst_paise, itc_sgst_paise, itc_igst_paise, reverse_charge,
                cgst_total_paise, sgst_total_paise, igst_total_paise
             FROM bills WHERE id = ?1 AND status <> 'draft'",
            [id],
            |r| {
                let rcm: bool = r.get(9)?;
                let reverse =
                    |i: usize| -> rusqlite::Result<i64> { Ok(if rcm { r.get(i)? } else { 0 }) };
                Ok(Figures {
                    date: r.get(0)?,
                    narration: r.get(1)?,
                    branch_id: r.get(2)?,
                    party: Some(Party {
                        kind: "vendor",
                        id: r.get(3)?,
                    }),
                    zero_rated: false,
                    method: None,
                    amounts: vec![
                        (Total, Detail::None, r.get(4)?),
                        (RoundOff, Detail::None, r.get(5)?),
                        (ItcCgst, Detail::None, r.get(6)?),
                        (ItcSgst, Detail::None, r.get(7)?),
                        (ItcIgst, Detail::None, r.get(8)?),
                        (RcmCgst, Detail::None, reverse(10)?),
                        (RcmSgst, Detail::None, reverse(11)?),
                        (RcmIgst, Detail::None, reverse(12)?),
                    ],
                })
            },
        )
        .optional()?
        .ok_or(AppError::NotFound)?;
    let mut stmt = c.prepare_cached(
        "SELECT account_id, SUM(taxable_paise
                + CASE WHEN itc = 'eligible' THEN 0 ELSE cgst_paise + sgst_paise + igst_paise END)
         FROM bill_lines WHERE bill_id = ?1 GROUP BY account_id ORDER BY MIN(line_no)",
    )?;
    let costs = stmt
        .query_map([id], |r| Ok((Cost, Detail::Account(r.get(0)?), r.get(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    f.amounts.extend(costs);
    Ok(f)
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
                party: customer(r.get(3)?),
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
    let mut f = document_figures(c, kind, id)?;
    if matches!(
        kind,
        DocKind::Invoice | DocKind::CreditNote | DocKind::Bill | DocKind::StockTransfer
    ) {
        f.amounts.extend(stock_figures(c, kind.as_str(), id)?);
    }
    Ok(f)
}

/// A stock transfer: its value out of the sending branch and into the receiving one.
fn transfer(c: &Connection, id: &str) -> AppResult<Figures> {
    c.query_row(
        "SELECT date, 'Stock transfer ' || number, from_branch_id, to_branch_id, value_paise
         FROM stock_transfers WHERE id = ?1",
        [id],
        |r| {
            let (from, to, value): (String, String, i64) = (r.get(2)?, r.get(3)?, r.get(4)?);
            Ok(Figures {
                date: r.get(0)?,
                narration: r.get(1)?,
                branch_id: from.clone(),
                party: None,
                zero_rated: false,
                method: None,
                amounts: vec![
                    (TransferIn, Detail::Branch(to), value),
                    (TransferOut, Detail::Branch(from), value),
                ],
            })
        },
    )
    .optional()?
    .ok_or(AppError::NotFound)
}

fn document_figures(c: &Connection, kind: DocKind, id: &str) -> AppResult<Figures> {
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
                        party: customer(r.get(3)?),
                        zero_rated: false,
                        method: Some(r.get(4)?),
                        amounts: vec![(Received, Detail::None, r.get(5)?)],
                    })
                },
            )
            .optional()?
            .ok_or(AppError::NotFound),
        DocKind::Bill => bill(c, id),
        DocKind::StockTransfer => transfer(c, id),
        DocKind::VendorPayment => c
            .query_row(
                "SELECT p.paid_on,
                    'Payment of bill ' || b.supplier_invoice_no || ' to '
                        || json_extract(b.vendor, '$.name')
                        || CASE WHEN p.reference <> '' THEN ' (' || p.reference || ')' ELSE '' END,
                    b.branch_id, p.vendor_id, p.method, p.amount_paise
                 FROM vendor_payments p JOIN bills b ON b.id = p.bill_id WHERE p.id = ?1",
                [id],
                |r| {
                    Ok(Figures {
                        date: r.get(0)?,
                        narration: r.get(1)?,
                        branch_id: r.get(2)?,
                        party: Some(Party {
                            kind: "vendor",
                            id: r.get(3)?,
                        }),
                        zero_rated: false,
                        method: Some(r.get(4)?),
                        amounts: vec![(Paid, Detail::None, r.get(5)?)],
                    })
                },
            )
            .optional()?
            .ok_or(AppError::NotFound),
    }
}

/// The account a rule posts to: a system account by key, or the account a bill line named.
fn account_of(c: &Connection, ledger: Ledger, f: &Figures, detail: &Detail) -> AppResult<String> {
    match (ledger, detail) {
        (Ledger::Cost, Detail::Account(id)) => Ok(id.clone()),
        _ => system_account(c, &ledger_key(ledger, f, detail)),
    }
}

fn ledger_key(ledger: Ledger, f: &Figures, detail: &Detail) -> String {
    match ledger {
        Ledger::Debtors => "sundry_debtors".into(),
        Ledger::Sales if f.zero_rated => "sales_zero_rated".into(),
        Ledger::Sales => match detail {
            Detail::Rate(bp) => format!("sales_{bp}"),
            _ => "sales_0".into(),
        },
        Ledger::OutputCgst => "output_cgst".into(),
        Ledger::OutputSgst => "output_sgst".into(),
        Ledger::OutputIgst => "output_igst".into(),
        Ledger::RoundOff => "round_off".into(),
        Ledger::Receipt => match f.method.as_deref() {
            Some("cash") => "cash".into(),
            Some("credit") => "sundry_debtors".into(),
            _ => "bank".into(),
        },
        Ledger::Creditors => "sundry_creditors".into(),
        Ledger::Cost => "purchases".into(),
        Ledger::InputCgst => "input_cgst".into(),
        Ledger::InputSgst => "input_sgst".into(),
        Ledger::InputIgst => "input_igst".into(),
        Ledger::RcmCgst => "rcm_cgst".into(),
        Ledger::RcmSgst => "rcm_sgst".into(),
        Ledger::RcmIgst => "rcm_igst".into(),
        Ledger::Payment => match f.method.as_deref() {
            Some("cash") => "cash".into(),
            _ => "bank".into(),
        },
        Ledger::Stock => "stock".into(),
        Ledger::CostOfGoodsSold => "cogs".into(),
        Ledger::StockAdjustment => "stock_adjustment".into(),
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
    for rule in rules.iter().flat_map(|r| r.iter()) {
        for (figure, detail, amount) in f.amounts.iter().filter(|a| a.0 == rule.figure) {
            debug_assert_eq!(*figure, rule.figure);
            let party = matches!(rule.ledger, Ledger::Debtors | Ledger::Creditors)
                || (rule.ledger == Ledger::Receipt && f.method.as_deref() == Some("credit"));
            lines.push(Line {
                account_id: account_of(c, rule.ledger, f, detail)?,
                debit: rule.debit,
                amount_paise: *amount,
                party: f.party.clone().filter(|_| party),
                branch_id: Some(match detail {
                    Detail::Branch(b) => b.clone(),
                    _ => f.branch_id.clone(),
                }),
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
