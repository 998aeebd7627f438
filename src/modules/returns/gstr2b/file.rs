//! The GSTR-2B JSON file as the GST portal publishes it (`data.docdata.b2b[].inv[]`), read
//! into checked documents. Only the fields reconciliation needs are read; everything else
//! in the file is ignored. Amounts are rupees with at most two decimals and become paise
//! exactly; dates are `DD-MM-YYYY`.

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use crate::domain::{financial_year, format_iso_date, Gstin};
use crate::error::{AppError, AppResult, FieldProblem};
use crate::modules::purchases::bills::parse::invoice_no_key;

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct Gstr2bFile {
    #[serde(default)]
    pub chksum: Option<String>,
    pub data: Gstr2bData,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct Gstr2bData {
    /// The recipient: one of our branches' GSTINs.
    pub gstin: String,
    /// The return period, `MMYYYY`.
    pub rtnprd: String,
    /// When the portal generated the statement, `DD-MM-YYYY`.
    #[serde(default)]
    pub gendt: Option<String>,
    #[serde(default)]
    pub docdata: DocData,
}

/// The document sections; B2B invoices are reconciled (others are not read yet).
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
pub struct DocData {
    #[serde(default)]
    pub b2b: Vec<Supplier>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct Supplier {
    /// The supplier's GSTIN.
    pub ctin: String,
    #[serde(default)]
    pub trdnm: Option<String>,
    #[serde(default)]
    pub inv: Vec<Inv>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct Inv {
    pub inum: String,
    /// `DD-MM-YYYY`.
    pub dt: String,
    #[serde(default)]
    pub val: Option<f64>,
    #[serde(default)]
    pub txval: Option<f64>,
    #[serde(default)]
    pub igst: Option<f64>,
    #[serde(default)]
    pub cgst: Option<f64>,
    #[serde(default)]
    pub sgst: Option<f64>,
    /// `Y` under reverse charge.
    #[serde(default)]
    pub rev: Option<String>,
    /// `Y` when the credit is available.
    #[serde(default)]
    pub itcavl: Option<String>,
    /// Rate-wise amounts, in files that carry no invoice-level amounts.
    #[serde(default)]
    pub items: Vec<InvItem>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct InvItem {
    #[serde(default)]
    pub txval: Option<f64>,
    #[serde(default)]
    pub igst: Option<f64>,
    #[serde(default)]
    pub cgst: Option<f64>,
    #[serde(default)]
    pub sgst: Option<f64>,
}

/// One supplier invoice as 2B reports it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    pub supplier_gstin: String,
    pub supplier_name: String,
    pub invoice_no: String,
    pub invoice_no_key: String,
    /// `YYYY-MM-DD`.
    pub invoice_date: String,
    pub fy: String,
    pub taxable_paise: i64,
    pub cgst_paise: i64,
    pub sgst_paise: i64,
    pub igst_paise: i64,
    pub value_paise: i64,
    pub reverse_charge: bool,
    pub itc_available: bool,
}

/// A checked file: whose, which period (`MMYYYY`), when generated, and its documents.
#[derive(Debug, Clone)]
pub struct Statement {
    pub gstin: String,
    pub period: String,
    pub generated_on: Option<String>,
    pub docs: Vec<Doc>,
}

/// `DD-MM-YYYY` → a date.
pub fn portal_date(v: &str) -> Option<Date> {
    let mut parts = v.trim().split('-');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || d.len() != 2 || m.len() != 2 || y.len() != 4 {
        return None;
    }
    let month = time::Month::try_from(m.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
}

/// `MMYYYY` → (year, month).
pub fn period(v: &str) -> Option<(i32, u8)> {
    if v.len() != 6 || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let month: u8 = v[..2].parse().ok()?;
    let year: i32 = v[2..].parse().ok()?;
    ((1..=12).contains(&month) && (2017..=2099).contains(&year)).then_some((year, month))
}

/// Rupees with at most two decimals → paise, exactly.
fn paise(v: f64) -> Option<i64> {
    if !v.is_finite() || v.abs() > 1e13 {
        return None;
    }
    let scaled = v * 100.0;
    let rounded = scaled.round();
    ((scaled - rounded).abs() < 1e-6).then_some(rounded as i64)
}

struct Checker {
    problems: Vec<FieldProblem>,
}

impl Checker {
    fn amount(&mut self, field: String, v: Option<f64>) -> i64 {
        match v.map(paise) {
            None => 0,
            Some(Some(p)) => p,
            Some(None) => {
                self.problems.push(FieldProblem::new(
                    field,
                    "invalid_format",
                    "an amount in rupees with at most two decimals",
                ));
                0
            }
        }
    }
}

/// Reads a file into a statement; every problem is named by its path in the file.
pub fn check(f: &Gstr2bFile) -> AppResult<Statement> {
    let mut ck = Checker {
        problems: Vec::new(),
    };
    let gstin = match Gstin::parse(&f.data.gstin) {
        Ok(g) => g.as_str().to_string(),
        Err(e) => {
            ck.problems
                .push(FieldProblem::new("data.gstin", e.code, e.message));
            String::new()
        }
    };
    if period(&f.data.rtnprd).is_none() {
        ck.problems.push(FieldProblem::new(
            "data.rtnprd",
            "invalid_format",
            "the return period as MMYYYY, e.g. 062026",
        ));
    }
    let generated_on = match f.data.gendt.as_deref() {
        None | Some("") => None,
        Some(d) => match portal_date(d) {
            Some(d) => Some(format_iso_date(d)),
            None => {
                ck.problems.push(FieldProblem::new(
                    "data.gendt",
                    "invalid_format",
                    "a date as DD-MM-YYYY",
                ));
                None
            }
        },
    };
    let mut docs = Vec::new();
    for (s, sup) in f.data.docdata.b2b.iter().enumerate() {
        let at = format!("data.docdata.b2b[{s}]");
        let ctin = match Gstin::parse(&sup.ctin) {
            Ok(g) => g.as_str().to_string(),
            Err(e) => {
                ck.problems
                    .push(FieldProblem::new(format!("{at}.ctin"), e.code, e.message));
                continue;
            }
        };
        for (i, inv) in sup.inv.iter().enumerate() {
            let at = format!("{at}.inv[{i}]");
            let key = invoice_no_key(&inv.inum);
            if key.is_empty() || inv.inum.chars().count() > 16 {
                ck.problems.push(FieldProblem::new(
                    format!("{at}.inum"),
                    "invalid_format",
                    "an invoice number of 1 to 16 characters",
                ));
            }
            let Some(date) = portal_date(&inv.dt) else {
                ck.problems.push(FieldProblem::new(
                    format!("{at}.dt"),
                    "invalid_format",
                    "a date as DD-MM-YYYY",
                ));
                continue;
            };
            let (mut taxable, mut cgst, mut sgst, mut igst) = (
                ck.amount(format!("{at}.txval"), inv.txval),
                ck.amount(format!("{at}.cgst"), inv.cgst),
                ck.amount(format!("{at}.sgst"), inv.sgst),
                ck.amount(format!("{at}.igst"), inv.igst),
            );
            if inv.txval.is_none() {
                if inv.items.is_empty() {
                    ck.problems.push(FieldProblem::new(
                        format!("{at}.txval"),
                        "required",
                        "the taxable value, on the invoice or in its items",
                    ));
                }
                for (k, it) in inv.items.iter().enumerate() {
                    taxable += ck.amount(format!("{at}.items[{k}].txval"), it.txval);
                    cgst += ck.amount(format!("{at}.items[{k}].cgst"), it.cgst);
                    sgst += ck.amount(format!("{at}.items[{k}].sgst"), it.sgst);
                    igst += ck.amount(format!("{at}.items[{k}].igst"), it.igst);
                }
            }
            docs.push(Doc {
                supplier_gstin: ctin.clone(),
                supplier_name: sup.trdnm.clone().unwrap_or_default(),
                invoice_no: inv.inum.trim().to_string(),
                invoice_no_key: key,
                invoice_date: format_iso_date(date),
                fy: financial_year(date),
                taxable_paise: taxable,
                cgst_paise: cgst,
                sgst_paise: sgst,
                igst_paise: igst,
                value_paise: ck.amount(format!("{at}.val"), inv.val),
                reverse_charge: inv.rev.as_deref() == Some("Y"),
                itc_available: inv.itcavl.as_deref() != Some("N"),
            });
        }
    }
    // The same invoice twice in one file is not a statement the portal makes.
    let mut seen = std::collections::HashSet::new();
    for d in &docs {
        if !seen.insert((&d.supplier_gstin, &d.fy, &d.invoice_no_key)) {
            ck.problems.push(FieldProblem::new(
                "data.docdata.b2b",
                "duplicate",
                format!(
                    "invoice {} of {} appears twice",
                    d.invoice_no, d.supplier_gstin
                ),
            ));
        }
    }
    if !ck.problems.is_empty() {
        return Err(AppError::Validation(ck.problems));
    }
    Ok(Statement {
        gstin,
        period: f.data.rtnprd.clone(),
        generated_on,
        docs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_exact_paise() {
        assert_eq!(paise(118000.0), Some(11_800_000));
        assert_eq!(paise(0.1 + 0.2), Some(30));
        assert_eq!(paise(729248.16), Some(72_924_816));
        assert_eq!(paise(1.005), None);
        assert_eq!(paise(f64::NAN), None);
    }

    #[test]
    fn portal_dates_and_periods() {
        assert_eq!(
            portal_date("24-11-2016").map(format_iso_date),
            Some("2016-11-24".into())
        );
        assert_eq!(portal_date("31-02-2026"), None);
        assert_eq!(portal_date("2026-06-01"), None);
        assert_eq!(period("062026"), Some((2026, 6)));
        assert_eq!(period("132026"), None);
        assert_eq!(period("2026-06"), None);
    }
}
