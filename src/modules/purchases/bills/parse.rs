//! Turning bill requests into checked values (no database), with every problem named by
//! its field (`lines[1].gst_rate_bp`). A patch is merged into the stored bill's request
//! and checked as a whole, so a draft is always valid as a create would be.

use time::Date;

use super::model::{Bill, BillLineRequest, CreateBill, Itc, PatchBill};
use crate::domain::{
    financial_year, format_iso_date, parse_iso_date, FieldError, GstRate, HsnSac, Paise, Quantity,
};
use crate::error::AppResult;
use crate::modules::fields::{optional_text, required_text, Problems};

pub const MAX_LINES: usize = 500;
const NOTES_MAX: usize = 2000;
const NUMBER_MAX: usize = 16;
const DESCRIPTION_MAX: usize = 300;

/// What a line's cost is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Item(String),
    Account(String),
}

#[derive(Debug, Clone)]
pub struct LineDraft {
    pub target: Target,
    pub description: Option<String>,
    pub hsn_sac: Option<String>,
    pub quantity: Quantity,
    pub unit_price_paise: i64,
    pub discount_paise: i64,
    pub rate: Option<GstRate>,
    pub itc: Itc,
}

#[derive(Debug, Clone)]
pub struct Head {
    pub vendor_id: String,
    pub branch_id: String,
    pub supplier_invoice_no: String,
    pub supplier_invoice_date: Date,
    pub posting_date: Date,
    pub due_date: Date,
    pub reverse_charge: bool,
    pub notes: String,
}

impl Head {
    /// The financial year of the supplier invoice (what duplicates are counted in).
    pub fn fy(&self) -> String {
        financial_year(self.supplier_invoice_date)
    }
}

/// A supplier invoice number as GSTR-2B and duplicate checks compare it: upper-cased,
/// letters and digits only, so `INV-001`, `INV/001` and `inv001` are one number. Leading
/// zeros are kept (`INV-01` and `INV-001` differ), as suppliers do number that way.
pub fn invoice_no_key(no: &str) -> String {
    no.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Rule 46(b): at most 16 characters of letters, digits, `-` and `/`; we take what the
/// supplier printed but refuse what could not be a GST invoice number.
fn supplier_invoice_no(v: &str) -> Result<String, FieldError> {
    let v = required_text(v, NUMBER_MAX)?;
    if !v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '/')
    {
        return Err(FieldError::invalid_format(
            "letters, digits, '-' and '/' only (CGST Rule 46(b))",
        ));
    }
    if invoice_no_key(&v).is_empty() {
        return Err(FieldError::invalid_format("needs a letter or a digit"));
    }
    Ok(v)
}

fn uuid(v: &str) -> Result<String, FieldError> {
    crate::ids::parse_ref(v, "an id")
}

fn line(i: usize, l: &BillLineRequest, p: &mut Problems) -> Option<LineDraft> {
    let f = |name: &str| format!("lines[{i}].{name}");
    let target = match (&l.item_id, &l.account_id) {
        (Some(item), None) => p.check(f("item_id"), uuid(item)).map(Target::Item),
        (None, Some(acc)) => p.check(f("account_id"), uuid(acc)).map(Target::Account),
        (Some(_), Some(_)) => {
            p.push(
                f("account_id"),
                "invalid_value",
                "a line names an item or an account, not both",
            );
            None
        }
        (None, None) => {
            p.add(
                f("item_id"),
                FieldError::required("a line names an item or an account"),
            );
            None
        }
    };
    let description = match l.description.as_deref() {
        None => Some(None),
        Some(d) if d.trim().is_empty() => Some(None),
        Some(d) => p
            .check(f("description"), required_text(d, DESCRIPTION_MAX))
            .map(Some),
    };
    let hsn_sac = match l.hsn_sac.as_deref() {
        None => Some(None),
        Some(h) if h.trim().is_empty() => Some(None),
        Some(h) => p
            .check(f("hsn_sac"), HsnSac::parse(h))
            .map(|h| Some(h.as_str().to_string())),
    };
    let quantity = p.check(f("quantity"), Quantity::parse(&l.quantity));
    let price = p.check(
        f("unit_price_paise"),
        Paise::parse_non_negative(l.unit_price_paise),
    );
    let discount = p.check(
        f("discount_paise"),
        Paise::parse_non_negative(l.discount_paise.unwrap_or(0)),
    );
    let rate = match l.gst_rate_bp {
        None if l.account_id.is_some() && l.item_id.is_none() => {
            p.add(
                f("gst_rate_bp"),
                FieldError::required("an account line states its GST rate"),
            );
            None
        }
        None => Some(None),
        Some(bp) => p.check(f("gst_rate_bp"), GstRate::parse(bp)).map(Some),
    };
    Some(LineDraft {
        target: target?,
        description: description?,
        hsn_sac: hsn_sac?,
        quantity: quantity?,
        unit_price_paise: price?.value(),
        discount_paise: discount?.value(),
        rate: rate?,
        itc: l.itc.unwrap_or(Itc::Eligible),
    })
}

fn lines(reqs: &[BillLineRequest], p: &mut Problems) -> Option<Vec<LineDraft>> {
    if reqs.is_empty() {
        p.add(
            "lines",
            FieldError::required("a bill needs at least one line"),
        );
        return None;
    }
    if reqs.len() > MAX_LINES {
        p.add(
            "lines",
            FieldError::too_long(format!("at most {MAX_LINES} lines")),
        );
        return None;
    }
    let out: Vec<LineDraft> = reqs
        .iter()
        .enumerate()
        .filter_map(|(i, l)| line(i, l, p))
        .collect();
    (out.len() == reqs.len()).then_some(out)
}

fn date(p: &mut Problems, field: &str, v: &str) -> Option<Date> {
    p.check(field, parse_iso_date(v.trim()))
}

pub fn create(req: &CreateBill) -> AppResult<(Head, Vec<LineDraft>)> {
    let mut p = Problems::new();
    let vendor_id = p.check("vendor_id", uuid(&req.vendor_id));
    let branch_id = p.check("branch_id", uuid(&req.branch_id));
    let number = p.check(
        "supplier_invoice_no",
        supplier_invoice_no(&req.supplier_invoice_no),
    );
    let invoice_date = date(&mut p, "supplier_invoice_date", &req.supplier_invoice_date);
    let posting_date = match req.posting_date.as_deref() {
        None => invoice_date,
        Some(d) if d.trim().is_empty() => invoice_date,
        Some(d) => date(&mut p, "posting_date", d),
    };
    let due_date = date(&mut p, "due_date", &req.due_date);
    let notes = p.check(
        "notes",
        optional_text(req.notes.as_deref().unwrap_or(""), NOTES_MAX),
    );
    let lines = lines(&req.lines, &mut p);
    let (
        Some(vendor_id),
        Some(branch_id),
        Some(supplier_invoice_no),
        Some(supplier_invoice_date),
        Some(posting_date),
        Some(due_date),
        Some(notes),
        Some(lines),
    ) = (
        vendor_id,
        branch_id,
        number,
        invoice_date,
        posting_date,
        due_date,
        notes,
        lines,
    )
    else {
        return Err(p.into_error());
    };
    if posting_date < supplier_invoice_date {
        p.add(
            "posting_date",
            FieldError::out_of_range("must not be before supplier_invoice_date"),
        );
    }
    if due_date < supplier_invoice_date {
        p.add(
            "due_date",
            FieldError::out_of_range("must not be before supplier_invoice_date"),
        );
    }
    p.finish()?;
    Ok((
        Head {
            vendor_id,
            branch_id,
            supplier_invoice_no,
            supplier_invoice_date,
            posting_date,
            due_date,
            reverse_charge: req.reverse_charge.unwrap_or(false),
            notes,
        },
        lines,
    ))
}

/// A stored draft as the request that would create it.
fn request_of(b: &Bill) -> CreateBill {
    CreateBill {
        vendor_id: b.vendor_id.clone(),
        branch_id: b.branch_id.clone(),
        supplier_invoice_no: b.supplier_invoice_no.clone(),
        supplier_invoice_date: b.supplier_invoice_date.clone(),
        posting_date: Some(b.posting_date.clone()),
        due_date: b.due_date.clone(),
        reverse_charge: Some(b.reverse_charge),
        notes: Some(b.notes.clone()),
        lines: b
            .lines
            .iter()
            .map(|l| BillLineRequest {
                account_id: l.item_id.is_none().then(|| l.account_id.clone()),
                item_id: l.item_id.clone(),
                description: Some(l.description.clone()),
                hsn_sac: Some(l.hsn_sac.clone()),
                quantity: serde_json::to_value(l.quantity).unwrap_or_default(),
                unit_price_paise: l.unit_price_paise,
                discount_paise: Some(l.discount_paise),
                gst_rate_bp: Some(l.gst_rate_bp),
                itc: Some(l.itc),
            })
            .collect(),
    }
}

/// A patch merged into the stored draft, checked as a create.
pub fn patch(req: &PatchBill, current: &Bill) -> AppResult<(Head, Vec<LineDraft>)> {
    let mut merged = request_of(current);
    let set = |target: &mut String, v: &Option<String>| {
        if let Some(v) = v {
            target.clone_from(v);
        }
    };
    set(&mut merged.vendor_id, &req.vendor_id);
    set(&mut merged.branch_id, &req.branch_id);
    set(&mut merged.supplier_invoice_no, &req.supplier_invoice_no);
    set(&mut merged.due_date, &req.due_date);
    if let Some(d) = &req.supplier_invoice_date {
        // A new invoice date moves a posting date that followed the old one.
        if merged.posting_date.as_deref() == Some(current.supplier_invoice_date.as_str())
            && req.posting_date.is_none()
        {
            merged.posting_date = Some(d.clone());
        }
        merged.supplier_invoice_date.clone_from(d);
    }
    if req.posting_date.is_some() {
        merged.posting_date.clone_from(&req.posting_date);
    }
    if req.reverse_charge.is_some() {
        merged.reverse_charge = req.reverse_charge;
    }
    if req.notes.is_some() {
        merged.notes.clone_from(&req.notes);
    }
    if let Some(lines) = &req.lines {
        merged.lines.clone_from(lines);
    }
    create(&merged)
}

/// The dates as stored.
pub fn dates(h: &Head) -> (String, String, String) {
    (
        format_iso_date(h.supplier_invoice_date),
        format_iso_date(h.posting_date),
        format_iso_date(h.due_date),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invoice_numbers_normalise() {
        for n in ["INV-001", "INV/001", "inv001", " Inv 001 "] {
            assert_eq!(invoice_no_key(n), "INV001", "{n}");
        }
        assert_ne!(invoice_no_key("INV-01"), invoice_no_key("INV-001"));
        assert!(supplier_invoice_no("A/2026-27/0001").is_ok());
        assert!(supplier_invoice_no("A B").is_err());
        assert!(supplier_invoice_no("12345678901234567").is_err());
        assert!(supplier_invoice_no("--").is_err());
    }
}
