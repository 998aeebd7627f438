//! Matching a stored statement with the bills: a document and a bill are the same
//! supplier invoice when the supplier GSTIN, the financial year and the normalised
//! invoice number (`purchases::bills::parse::invoice_no_key`) agree; they then match when
//! the date and the taxable value and each tax agree to the paisa, and are a mismatch
//! naming the fields that differ otherwise. A bill of the period's month that no document
//! names is missing in 2B.

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use utoipa::ToSchema;

use super::file::{period, Doc, Statement};
use crate::clock;
use crate::error::{AppError, AppResult};

/// One side of a comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Side {
    pub invoice_no: String,
    pub invoice_date: String,
    pub taxable_paise: i64,
    pub cgst_paise: i64,
    pub sgst_paise: i64,
    pub igst_paise: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Row {
    pub supplier_gstin: String,
    pub supplier_name: String,
    pub invoice_no: String,
    pub invoice_date: String,
    /// The bill, when the books have the invoice.
    pub bill_id: Option<String>,
    pub books: Option<Side>,
    pub gstr2b: Option<Side>,
    /// The fields that differ (`invoice_date`, `taxable_paise`, `cgst_paise`,
    /// `sgst_paise`, `igst_paise`); empty unless a mismatch.
    pub differences: Vec<&'static str>,
}

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Summary {
    pub matched: usize,
    pub mismatch: usize,
    pub missing_in_books: usize,
    pub missing_in_2b: usize,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Reconciliation {
    /// `MMYYYY`.
    pub period: String,
    pub gstin: String,
    pub generated_on: Option<String>,
    pub imported_at: String,
    pub summary: Summary,
    pub matched: Vec<Row>,
    pub mismatch: Vec<Row>,
    pub missing_in_books: Vec<Row>,
    pub missing_in_2b: Vec<Row>,
}

/// Replaces the statement of its GSTIN and period; returns the import's id.
pub fn store(c: &Connection, s: &Statement, imported_by: &str) -> AppResult<String> {
    c.execute(
        "DELETE FROM gstr2b_imports WHERE gstin = ?1 AND period = ?2",
        params![s.gstin, s.period],
    )?;
    let id = crate::ids::new_id();
    c.execute(
        "INSERT INTO gstr2b_imports (id, gstin, period, generated_on, imported_at, imported_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            id,
            s.gstin,
            s.period,
            s.generated_on,
            clock::now_rfc3339(),
            imported_by
        ],
    )?;
    let mut stmt = c.prepare_cached(
        "INSERT INTO gstr2b_documents (import_id, seq, supplier_gstin, supplier_name, invoice_no,
             invoice_no_key, invoice_date, fy, taxable_paise, cgst_paise, sgst_paise, igst_paise,
             value_paise, reverse_charge, itc_available)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?;
    for (i, d) in s.docs.iter().enumerate() {
        stmt.execute(params![
            id,
            i as i64,
            d.supplier_gstin,
            d.supplier_name,
            d.invoice_no,
            d.invoice_no_key,
            d.invoice_date,
            d.fy,
            d.taxable_paise,
            d.cgst_paise,
            d.sgst_paise,
            d.igst_paise,
            d.value_paise,
            d.reverse_charge,
            d.itc_available
        ])?;
    }
    Ok(id)
}

struct Bill {
    id: String,
    supplier_gstin: String,
    supplier_name: String,
    key: String,
    fy: String,
    side: Side,
}

/// The posted bills of the GSTIN's branches that could be in the statement: those of its
/// financial years (to match by number) — the month's are the ones 2B should list.
fn bills(c: &Connection, gstin: &str, fys: &[String]) -> AppResult<Vec<Bill>> {
    let fys = serde_json::Value::from(fys.to_vec()).to_string();
    let mut stmt = c.prepare_cached(
        "SELECT b.id, json_extract(b.vendor, '$.gstin'), json_extract(b.vendor, '$.name'),
                b.supplier_invoice_no, b.invoice_no_key, b.supplier_invoice_date, b.fy,
                b.taxable_total_paise, b.cgst_total_paise, b.sgst_total_paise, b.igst_total_paise
         FROM bills b JOIN branches br ON br.id = b.branch_id
         WHERE br.gstin = ?1 AND b.status IN ('posted', 'partially_paid', 'paid')
           AND json_extract(b.vendor, '$.gstin') IS NOT NULL
           AND b.fy IN (SELECT value FROM json_each(?2))
         ORDER BY b.supplier_invoice_date, b.id",
    )?;
    let rows = stmt
        .query_map(params![gstin, fys], |r| {
            Ok(Bill {
                id: r.get(0)?,
                supplier_gstin: r.get(1)?,
                supplier_name: r.get(2)?,
                key: r.get(4)?,
                fy: r.get(6)?,
                side: Side {
                    invoice_no: r.get(3)?,
                    invoice_date: r.get(5)?,
                    taxable_paise: r.get(7)?,
                    cgst_paise: r.get(8)?,
                    sgst_paise: r.get(9)?,
                    igst_paise: r.get(10)?,
                },
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

fn side_of(d: &Doc) -> Side {
    Side {
        invoice_no: d.invoice_no.clone(),
        invoice_date: d.invoice_date.clone(),
        taxable_paise: d.taxable_paise,
        cgst_paise: d.cgst_paise,
        sgst_paise: d.sgst_paise,
        igst_paise: d.igst_paise,
    }
}

/// The fields of two sides that differ.
pub fn differences(books: &Side, gstr2b: &Side) -> Vec<&'static str> {
    [
        ("invoice_date", books.invoice_date != gstr2b.invoice_date),
        ("taxable_paise", books.taxable_paise != gstr2b.taxable_paise),
        ("cgst_paise", books.cgst_paise != gstr2b.cgst_paise),
        ("sgst_paise", books.sgst_paise != gstr2b.sgst_paise),
        ("igst_paise", books.igst_paise != gstr2b.igst_paise),
    ]
    .into_iter()
    .filter(|(_, differs)| *differs)
    .map(|(f, _)| f)
    .collect()
}

fn docs_of(c: &Connection, import_id: &str) -> AppResult<Vec<Doc>> {
    let mut stmt = c.prepare_cached(
        "SELECT supplier_gstin, supplier_name, invoice_no, invoice_no_key, invoice_date, fy,
                taxable_paise, cgst_paise, sgst_paise, igst_paise, value_paise, reverse_charge,
                itc_available
         FROM gstr2b_documents WHERE import_id = ?1 ORDER BY seq",
    )?;
    let rows = stmt
        .query_map([import_id], |r| {
            Ok(Doc {
                supplier_gstin: r.get(0)?,
                supplier_name: r.get(1)?,
                invoice_no: r.get(2)?,
                invoice_no_key: r.get(3)?,
                invoice_date: r.get(4)?,
                fy: r.get(5)?,
                taxable_paise: r.get(6)?,
                cgst_paise: r.get(7)?,
                sgst_paise: r.get(8)?,
                igst_paise: r.get(9)?,
                value_paise: r.get(10)?,
                reverse_charge: r.get(11)?,
                itc_available: r.get(12)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// The reconciliation of the statement stored for `period` (and `gstin` when several
/// GSTINs were imported for it); 404 when none was.
pub fn reconcile(
    c: &Connection,
    period_text: &str,
    gstin: Option<&str>,
) -> AppResult<Reconciliation> {
    let Some((year, month)) = period(period_text) else {
        return Err(AppError::field(
            "period",
            "invalid_format",
            "the return period as MMYYYY, e.g. 062026",
        ));
    };
    let imports: Vec<(String, String, Option<String>, String)> = {
        let mut stmt = c.prepare_cached(
            "SELECT id, gstin, generated_on, imported_at FROM gstr2b_imports
             WHERE period = ?1 AND (?2 IS NULL OR gstin = ?2) ORDER BY gstin",
        )?;
        let rows = stmt
            .query_map(params![period_text, gstin], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<Result<_, _>>()?;
        rows
    };
    let (import_id, gstin, generated_on, imported_at) = match imports.len() {
        0 => return Err(AppError::NotFound),
        1 => imports.into_iter().next().ok_or(AppError::NotFound)?,
        _ => {
            return Err(AppError::field(
                "gstin",
                "required",
                "statements of several GSTINs were imported for this period; name one",
            ))
        }
    };
    let docs = docs_of(c, &import_id)?;
    let month_start = format!("{year:04}-{month:02}-01");
    let month_end = format!("{year:04}-{month:02}-31");
    let mut fys: Vec<String> = docs.iter().map(|d| d.fy.clone()).collect();
    fys.push(crate::domain::financial_year(
        time::Date::from_calendar_date(
            year,
            time::Month::try_from(month).map_err(AppError::internal)?,
            1,
        )
        .map_err(AppError::internal)?,
    ));
    fys.sort();
    fys.dedup();
    let bills = bills(c, &gstin, &fys)?;
    let mut by_key: HashMap<(&str, &str, &str), &Bill> = HashMap::new();
    for b in &bills {
        by_key.insert((&b.supplier_gstin, &b.fy, &b.key), b);
    }
    let mut used = std::collections::HashSet::new();
    let (mut matched, mut mismatch, mut missing_in_books) = (Vec::new(), Vec::new(), Vec::new());
    for d in &docs {
        let key = (
            d.supplier_gstin.as_str(),
            d.fy.as_str(),
            d.invoice_no_key.as_str(),
        );
        let found = by_key.get(&key).copied();
        let portal = side_of(d);
        let mut row = Row {
            supplier_gstin: d.supplier_gstin.clone(),
            supplier_name: d.supplier_name.clone(),
            invoice_no: d.invoice_no.clone(),
            invoice_date: d.invoice_date.clone(),
            bill_id: None,
            books: None,
            gstr2b: Some(portal.clone()),
            differences: Vec::new(),
        };
        match found {
            None => missing_in_books.push(row),
            Some(b) => {
                used.insert(b.id.clone());
                row.bill_id = Some(b.id.clone());
                row.books = Some(b.side.clone());
                row.differences = differences(&b.side, &portal);
                if row.differences.is_empty() {
                    matched.push(row);
                } else {
                    mismatch.push(row);
                }
            }
        }
    }
    let missing_in_2b: Vec<Row> = bills
        .iter()
        .filter(|b| !used.contains(&b.id))
        .filter(|b| b.side.invoice_date >= month_start && b.side.invoice_date <= month_end)
        .map(|b| Row {
            supplier_gstin: b.supplier_gstin.clone(),
            supplier_name: b.supplier_name.clone(),
            invoice_no: b.side.invoice_no.clone(),
            invoice_date: b.side.invoice_date.clone(),
            bill_id: Some(b.id.clone()),
            books: Some(b.side.clone()),
            gstr2b: None,
            differences: Vec::new(),
        })
        .collect();
    Ok(Reconciliation {
        period: period_text.to_string(),
        gstin,
        generated_on,
        imported_at,
        summary: Summary {
            matched: matched.len(),
            mismatch: mismatch.len(),
            missing_in_books: missing_in_books.len(),
            missing_in_2b: missing_in_2b.len(),
        },
        matched,
        mismatch,
        missing_in_books,
        missing_in_2b,
    })
}

/// Whether a GSTIN is one of the tenant's branches'.
pub fn is_ours(c: &Connection, gstin: &str) -> AppResult<bool> {
    Ok(c.query_row(
        "SELECT 1 FROM branches WHERE gstin = ?1 LIMIT 1",
        [gstin],
        |r| r.get::<_, i64>(0),
    )
    .optional()?
    .is_some())
}
