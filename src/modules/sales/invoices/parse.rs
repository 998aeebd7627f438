//! Turning invoice requests into checked values (no database): ids, dates, quantities,
//! prices and discounts, with every problem named by its field (`lines[1].quantity`).

use time::Date;

use super::model::{CreateInvoice, Invoice, LineRequest, PatchInvoice};
use crate::domain::{format_iso_date, parse_iso_date, FieldError, Paise, Quantity};
use crate::error::{AppError, AppResult};
use crate::modules::sales::common::{optional_text, Problems};

pub const MAX_LINES: usize = 500;
const NOTES_MAX: usize = 2000;

/// One line as asked for; the unit price is filled from the item when absent.
#[derive(Debug, Clone)]
pub struct LineDraft {
    pub item_id: String,
    pub quantity: Quantity,
    pub unit_price_paise: Option<i64>,
    pub discount_paise: i64,
}

/// The invoice fields other than its lines.
#[derive(Debug, Clone)]
pub struct Head {
    pub branch_id: String,
    pub customer_id: String,
    pub invoice_date: Date,
    pub due_date: Date,
    pub notes: String,
    pub lut: bool,
    pub reverse_charge: bool,
}

impl Head {
    pub fn invoice_date_text(&self) -> String {
        format_iso_date(self.invoice_date)
    }

    pub fn due_date_text(&self) -> String {
        format_iso_date(self.due_date)
    }
}

fn uuid(v: &str) -> Result<String, FieldError> {
    crate::ids::parse_ref(v, "an id")
}

fn lines(reqs: &[LineRequest], p: &mut Problems) -> Option<Vec<LineDraft>> {
    if reqs.is_empty() {
        p.add(
            "lines",
            FieldError::required("an invoice needs at least one line"),
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
    let mut out = Vec::with_capacity(reqs.len());
    for (i, l) in reqs.iter().enumerate() {
        let f = |name: &str| format!("lines[{i}].{name}");
        let item_id = p.check(f("item_id"), uuid(&l.item_id));
        let quantity = p.check(f("quantity"), Quantity::parse(&l.quantity));
        let price = match l.unit_price_paise {
            None => Some(None),
            Some(v) => p
                .check(f("unit_price_paise"), Paise::parse_non_negative(v))
                .map(|v| Some(v.value())),
        };
        let discount = p.check(
            f("discount_paise"),
            Paise::parse_non_negative(l.discount_paise.unwrap_or(0)),
        );
        if let (Some(item_id), Some(quantity), Some(unit_price_paise), Some(discount)) =
            (item_id, quantity, price, discount)
        {
            out.push(LineDraft {
                item_id,
                quantity,
                unit_price_paise,
                discount_paise: discount.value(),
            });
        }
    }
    (out.len() == reqs.len()).then_some(out)
}

fn date(p: &mut Problems, field: &str, v: &str) -> Option<Date> {
    p.check(field, parse_iso_date(v.trim()))
}

fn notes(p: &mut Problems, v: Option<&str>) -> Option<String> {
    p.check("notes", optional_text(v.unwrap_or(""), NOTES_MAX))
}

fn check_dates(p: &mut Problems, head: &Head) {
    if head.due_date < head.invoice_date {
        p.add(
            "due_date",
            FieldError::out_of_range("must not be before invoice_date"),
        );
    }
}

pub fn create(req: &CreateInvoice) -> AppResult<(Head, Vec<LineDraft>)> {
    let mut p = Problems::new();
    let branch_id = p.check("branch_id", uuid(&req.branch_id));
    let customer_id = p.check("customer_id", uuid(&req.customer_id));
    let invoice_date = date(&mut p, "invoice_date", &req.invoice_date);
    let due_date = date(&mut p, "due_date", &req.due_date);
    let notes = notes(&mut p, req.notes.as_deref());
    let lines = lines(&req.lines, &mut p);
    let (
        Some(branch_id),
        Some(customer_id),
        Some(invoice_date),
        Some(due_date),
        Some(notes),
        Some(lines),
    ) = (branch_id, customer_id, invoice_date, due_date, notes, lines)
    else {
        return Err(p.into_error());
    };
    let head = Head {
        branch_id,
        customer_id,
        invoice_date,
        due_date,
        notes,
        lut: req.lut.unwrap_or(false),
        reverse_charge: req.reverse_charge.unwrap_or(false),
    };
    check_dates(&mut p, &head);
    p.finish()?;
    Ok((head, lines))
}

/// The head of a stored invoice, to merge a patch into.
pub fn head_of(inv: &Invoice) -> AppResult<Head> {
    let d = |s: &str| {
        parse_iso_date(s).map_err(|_| AppError::internal("stored invoice date is invalid"))
    };
    Ok(Head {
        branch_id: inv.branch_id.clone(),
        customer_id: inv.customer_id.clone(),
        invoice_date: d(&inv.invoice_date)?,
        due_date: d(&inv.due_date)?,
        notes: inv.notes.clone(),
        lut: inv.lut,
        reverse_charge: inv.reverse_charge,
    })
}

/// Applies a patch to the current head; new lines when the patch has them.
pub fn patch(req: &PatchInvoice, current: Head) -> AppResult<(Head, Option<Vec<LineDraft>>)> {
    let mut p = Problems::new();
    let mut head = current;
    if let Some(v) = &req.branch_id {
        head.branch_id = p.check("branch_id", uuid(v)).unwrap_or_default();
    }
    if let Some(v) = &req.customer_id {
        head.customer_id = p.check("customer_id", uuid(v)).unwrap_or_default();
    }
    if let Some(v) = &req.invoice_date {
        head.invoice_date = date(&mut p, "invoice_date", v).unwrap_or(head.invoice_date);
    }
    if let Some(v) = &req.due_date {
        head.due_date = date(&mut p, "due_date", v).unwrap_or(head.due_date);
    }
    if req.notes.is_some() {
        head.notes = notes(&mut p, req.notes.as_deref()).unwrap_or_default();
    }
    if let Some(v) = req.lut {
        head.lut = v;
    }
    if let Some(v) = req.reverse_charge {
        head.reverse_charge = v;
    }
    let lines = req.lines.as_deref().and_then(|l| lines(l, &mut p));
    if p.is_empty() {
        check_dates(&mut p, &head);
    }
    p.finish()?;
    Ok((head, lines))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(r: AppResult<(Head, Vec<LineDraft>)>) -> Vec<String> {
        match r {
            Err(AppError::Validation(v)) => v
                .into_iter()
                .map(|x| format!("{}:{}", x.field, x.code))
                .collect(),
            Err(e) => vec![format!("{e}")],
            Ok(_) => vec![],
        }
    }

    fn req(lines: serde_json::Value) -> CreateInvoice {
        crate::http::body::parse_json(
            json!({
                "branch_id": "0190f3c2-7b1e-7cc0-9a4e-1f2d3c4b5a69",
                "customer_id": "0190f3c2-7b1e-7cc0-9a4e-1f2d3c4b5a6a",
                "invoice_date": "2026-05-01", "due_date": "2026-05-31",
                "lines": lines,
            })
            .to_string()
            .as_bytes(),
        )
        .unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn every_line_problem_is_named() {
        let r = create(&req(json!([
            {"item_id": "0190f3c2-7b1e-7cc0-9a4e-1f2d3c4b5a69", "quantity": 1},
            {"item_id": "x", "quantity": 1.0005, "unit_price_paise": -1, "discount_paise": -2},
        ])));
        assert_eq!(
            fields(r),
            vec![
                "lines[1].item_id:invalid_format",
                "lines[1].quantity:invalid_format",
                "lines[1].unit_price_paise:out_of_range",
                "lines[1].discount_paise:out_of_range"
            ]
        );
        assert_eq!(fields(create(&req(json!([])))), vec!["lines:required"]);
        let ok = create(&req(
            json!([{"item_id": "0190f3c2-7b1e-7cc0-9a4e-1f2d3c4b5a69", "quantity": 0.333}]),
        ));
        let (_, lines) = ok.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(lines[0].quantity.milli(), 333);
    }

    #[test]
    fn due_date_not_before_invoice_date() {
        let mut r =
            req(json!([{"item_id": "0190f3c2-7b1e-7cc0-9a4e-1f2d3c4b5a69", "quantity": 1}]));
        r.due_date = "2026-04-30".into();
        assert_eq!(fields(create(&r)), vec!["due_date:out_of_range"]);
    }
}
