//! Rules of credit and debit notes: lines priced from the invoice's own lines at its
//! rates and tax heads, credit never beyond the invoice (also under concurrent notes:
//! checked again at issue on the tenant's single writer), the s. 34(2) time bar, and
//! the effect of issue on the invoice's balance and the customer's credit.

use std::sync::Arc;

use rusqlite::Connection;
use serde_json::json;
use time::{Date, Month};

use super::model::{CreateNote, Note, NoteKind, NoteLine, NoteStatus};
use super::repo;
use crate::audit::{self, Actor};
use crate::clock;
use crate::domain::{
    format_indian, format_iso_date, invoice_totals, next_financial_year_start, parse_iso_date,
    proportion, tax_on, FieldError, GstRate, Quantity, TaxHeads, Totals,
};
use crate::error::{AppError, AppResult, FieldProblem};
use crate::modules::books::posting::{self, DocKind};
use crate::modules::fields::check_version;
use crate::modules::sales::common::{in_scope, Problems, Scope};
use crate::modules::sales::customers::repo as customers;
use crate::modules::sales::invoices::model::{Invoice, InvoiceStatus};
use crate::modules::sales::invoices::repo::{self as invoices, Settlement};
use crate::modules::sales::series::service as series;
use crate::modules::stock::moves as stock;
use crate::tenancy::TenantHandle;

pub const MAX_LINES: usize = 500;

/// A note the user may see (its branch is in their scope), of this kind, or 404.
pub fn visible(c: &Connection, scope: &Scope, kind: NoteKind, id: &str) -> AppResult<Note> {
    repo::get(c, id)?
        .filter(|n| n.kind == kind && in_scope(scope, &n.branch_id))
        .ok_or(AppError::NotFound)
}

/// The last day a credit note may be dated for an invoice of `invoice_date` (s. 34(2)):
/// 30 November after the end of the invoice's financial year.
pub fn credit_deadline(invoice_date: Date) -> Date {
    let next = next_financial_year_start(invoice_date);
    Date::from_calendar_date(next.year(), Month::November, 30).unwrap_or(next)
}

/// The tax heads the invoice was issued with; a note follows them (Rule 53).
fn heads_of(inv: &Invoice) -> TaxHeads {
    if inv.lut {
        TaxHeads::ZeroRated
    } else if inv.intra_state {
        TaxHeads::Intra
    } else {
        TaxHeads::Inter
    }
}

/// A line as asked for, checked for shape.
struct Asked {
    invoice_line: i64,
    quantity: Option<Quantity>,
    taxable: Option<i64>,
}

fn parse(req: &CreateNote) -> AppResult<(String, Date, Vec<Asked>)> {
    let mut p = Problems::new();
    let invoice_id = p.check(
        "invoice_id",
        crate::ids::parse_ref(&req.invoice_id, "an invoice id"),
    );
    let note_date = p.check("note_date", parse_iso_date(req.note_date.trim()));
    if req.lines.is_empty() {
        p.add(
            "lines",
            FieldError::required("a note needs at least one line"),
        );
    }
    if req.lines.len() > MAX_LINES {
        p.add(
            "lines",
            FieldError::too_long(format!("at most {MAX_LINES} lines")),
        );
    }
    let mut asked = Vec::new();
    for (i, l) in req.lines.iter().enumerate() {
        let f = |n: &str| format!("lines[{i}].{n}");
        if l.invoice_line < 1 {
            p.push(
                f("invoice_line"),
                "out_of_range",
                "invoice lines are numbered from 1",
            );
        }
        let quantity = match &l.quantity {
            None => None,
            Some(v) => p.check(f("quantity"), Quantity::parse(v)),
        };
        let taxable = match l.taxable_paise {
            None => None,
            Some(v) if v > 0 && v <= crate::domain::Paise::MAX_ABS => Some(v),
            Some(_) => {
                p.push(f("taxable_paise"), "out_of_range", "must be greater than 0");
                None
            }
        };
        match (&l.quantity, l.taxable_paise) {
            (Some(_), Some(_)) => p.push(
                f("quantity"),
                "invalid_value",
                "give either quantity or taxable_paise, not both",
            ),
            (None, None) => p.push(
                f("quantity"),
                "required",
                "give a quantity (a return) or taxable_paise (a change of value)",
            ),
            _ => {}
        }
        asked.push(Asked {
            invoice_line: l.invoice_line,
            quantity,
            taxable,
        });
    }
    p.finish()?;
    match (invoice_id, note_date) {
        (Some(i), Some(d)) => Ok((i, d, asked)),
        _ => Err(AppError::internal("note validation incomplete")),
    }
}

/// The invoice a note may amend: in scope, issued (not a draft, not cancelled).
fn amendable(c: &Connection, scope: &Scope, invoice_id: &str) -> AppResult<Invoice> {
    let inv = invoices::get(c, invoice_id)?
        .filter(|i| in_scope(scope, &i.branch_id))
        .ok_or_else(|| AppError::field("invoice_id", "not_found", "no such invoice"))?;
    match inv.status {
        InvoiceStatus::Draft => Err(AppError::Conflict(
            "a draft invoice is changed directly; notes amend issued invoices".into(),
        )),
        InvoiceStatus::Cancelled => Err(AppError::Conflict(
            "a cancelled invoice cannot be amended by a note".into(),
        )),
        _ => Ok(inv),
    }
}

fn exceeds(field: String, detail: String) -> AppError {
    AppError::Rule {
        status: 422,
        code: "exceeds_invoice",
        title: "Exceeds the invoice",
        detail: detail.clone(),
        errors: vec![FieldProblem::new(field, "exceeds_invoice", detail)],
    }
}

/// Prices the asked lines against the invoice's lines.
fn price(inv: &Invoice, asked: &[Asked]) -> AppResult<(Vec<NoteLine>, Totals)> {
    let heads = heads_of(inv);
    let mut lines = Vec::with_capacity(asked.len());
    for (i, a) in asked.iter().enumerate() {
        let orig = usize::try_from(a.invoice_line - 1)
            .ok()
            .and_then(|k| inv.lines.get(k))
            .ok_or_else(|| {
                AppError::field(
                    format!("lines[{i}].invoice_line"),
                    "not_found",
                    format!("the invoice has {} lines", inv.lines.len()),
                )
            })?;
        let taxable = match (a.quantity, a.taxable) {
            (Some(q), _) => proportion(orig.taxable_paise, q.milli(), orig.quantity.milli())
                .map_err(|e| AppError::field(format!("lines[{i}].quantity"), e.code, e.message))?,
            (None, Some(t)) => t,
            (None, None) => return Err(AppError::internal("line without quantity or value")),
        };
        let rate = GstRate::parse(orig.gst_rate_bp).map_err(AppError::internal)?;
        let tax = tax_on(taxable, rate, heads)
            .map_err(|e| AppError::field(format!("lines[{i}].taxable_paise"), e.code, e.message))?;
        lines.push(NoteLine {
            line_no: i as i64 + 1,
            invoice_line: a.invoice_line,
            item_id: orig.item_id.clone(),
            description: orig.description.clone(),
            hsn_sac: orig.hsn_sac.clone(),
            unit: orig.unit.clone(),
            quantity: a.quantity,
            gst_rate_bp: orig.gst_rate_bp,
            taxable_paise: tax.taxable,
            cgst_paise: tax.cgst,
            sgst_paise: tax.sgst,
            igst_paise: tax.igst,
        });
    }
    let taxes: Vec<_> = lines
        .iter()
        .map(|l| crate::domain::LineTax {
            taxable: l.taxable_paise,
            cgst: l.cgst_paise,
            sgst: l.sgst_paise,
            igst: l.igst_paise,
        })
        .collect();
    let totals = invoice_totals(&taxes).map_err(|e| AppError::field("lines", e.code, e.message))?;
    Ok((lines, totals))
}

/// The rules a note must meet against its invoice, now: the date, the time bar, and for
/// credit notes nothing beyond what the invoice holds once every issued credit note is
/// counted.
fn check_against(
    c: &Connection,
    inv: &Invoice,
    kind: NoteKind,
    note_date: Date,
    lines: &[NoteLine],
    total: i64,
) -> AppResult<()> {
    let invoice_date = parse_iso_date(&inv.invoice_date).map_err(AppError::internal)?;
    if note_date < invoice_date {
        return Err(AppError::field(
            "note_date",
            "out_of_range",
            "a note is not dated before its invoice",
        ));
    }
    if kind == NoteKind::Debit {
        return Ok(());
    }
    let deadline = credit_deadline(invoice_date);
    if note_date > deadline {
        return Err(AppError::value_rule(
            "time_barred",
            "Time-barred",
            "note_date",
            format!(
                "a credit note for an invoice of {} can be dated at most {} (CGST Act s. 34(2))",
                inv.invoice_date,
                format_iso_date(deadline)
            ),
        ));
    }
    let (taken, credited) = repo::issued_against(c, &inv.id, NoteKind::Credit)?;
    let mut per_line = taken;
    for (i, l) in lines.iter().enumerate() {
        let orig = &inv.lines[(l.invoice_line - 1) as usize];
        let e = per_line.entry(l.invoice_line).or_insert((0, 0));
        e.0 += l.quantity.map_or(0, |q| q.milli());
        e.1 += l.taxable_paise;
        if e.0 > orig.quantity.milli() {
            return Err(exceeds(
                format!("lines[{i}].quantity"),
                format!(
                    "invoice line {} had {} {}; credit notes would return more",
                    l.invoice_line, orig.quantity, orig.unit
                ),
            ));
        }
        if e.1 > orig.taxable_paise {
            return Err(exceeds(
                format!("lines[{i}].taxable_paise"),
                format!(
                    "invoice line {}'s taxable value is ₹{}; credit notes would credit more",
                    l.invoice_line,
                    format_indian(orig.taxable_paise)
                ),
            ));
        }
    }
    let value = inv.grand_total_paise + inv.debited_paise;
    if credited + total > value {
        return Err(exceeds(
            "lines".into(),
            format!(
                "the invoice's value is ₹{} and ₹{} is already credited",
                format_indian(value),
                format_indian(credited)
            ),
        ));
    }
    Ok(())
}

pub fn create(
    tenant: &Arc<TenantHandle>,
    scope: &Scope,
    kind: NoteKind,
    req: &CreateNote,
    actor: &Actor,
) -> AppResult<Note> {
    let (invoice_id, note_date, asked) = parse(req)?;
    let id = crate::ids::new_id();
    let now = clock::now_rfc3339();
    let created_by = actor.actor_id.clone().unwrap_or_default();
    tenant.db.write_blocking(|tx| {
        let inv = amendable(tx, scope, &invoice_id)?;
        let (lines, totals) = price(&inv, &asked)?;
        check_against(tx, &inv, kind, note_date, &lines, totals.grand_total)?;
        let date = format_iso_date(note_date);
        repo::insert_draft(
            tx,
            &repo::DraftNote {
                id: &id,
                kind,
                invoice_id: &inv.id,
                branch_id: &inv.branch_id,
                customer_id: &inv.customer_id,
                note_date: &date,
                reason: req.reason,
                totals: &totals,
                created_by: &created_by,
                now: &now,
            },
            &lines,
        )?;
        audit::append(
            tx,
            actor,
            &format!("{}.created", kind.entity()),
            kind.entity(),
            Some(&id),
            json!({"invoice_id": inv.id, "invoice_number": inv.number, "reason": req.reason.as_str(),
                   "grand_total_paise": totals.grand_total}),
        )?;
        repo::get(tx, &id)?.ok_or(AppError::NotFound)
    })
}

pub fn delete(
    tenant: &Arc<TenantHandle>,
    scope: &Scope,
    kind: NoteKind,
    id: &str,
    if_match: Option<i64>,
    actor: &Actor,
) -> AppResult<()> {
    tenant.db.write_blocking(|tx| {
        let note = visible(tx, scope, kind, id)?;
        check_version(if_match, note.version)?;
        if note.status != NoteStatus::Draft {
            return Err(AppError::Conflict(
                "an issued note cannot be deleted; issue a note the other way".into(),
            ));
        }
        repo::delete_draft(tx, id)?;
        audit::append(
            tx,
            actor,
            &format!("{}.deleted", kind.entity()),
            kind.entity(),
            Some(id),
            json!({"grand_total_paise": note.grand_total_paise}),
        )?;
        Ok(())
    })
}

/// Issues a draft note: checks it again against the invoice as it is now (other notes
/// may have been issued since), numbers it from the branch's series, copies seller,
/// buyer and place of supply from the invoice, and moves the invoice's balance and the
/// customer's credit — one transaction.
pub fn issue(
    tenant: &Arc<TenantHandle>,
    scope: &Scope,
    kind: NoteKind,
    id: &str,
    if_match: Option<i64>,
    actor: &Actor,
) -> AppResult<Note> {
    let now = clock::now_rfc3339();
    tenant.db.write_blocking(|tx| {
        let note = visible(tx, scope, kind, id)?;
        check_version(if_match, note.version)?;
        if note.status != NoteStatus::Draft {
            return Err(AppError::Conflict("the note is already issued".into()));
        }
        let inv = amendable(tx, scope, &note.invoice_id)?;
        let note_date = parse_iso_date(&note.note_date).map_err(AppError::internal)?;
        check_against(
            tx,
            &inv,
            kind,
            note_date,
            &note.lines,
            note.grand_total_paise,
        )?;
        let (Some(seller), Some(buyer), Some(pos)) =
            (&inv.seller, &inv.buyer, &inv.place_of_supply)
        else {
            return Err(AppError::internal(
                "an issued invoice without frozen copies",
            ));
        };
        let taken = series::take(tx, &note.branch_id, kind.doc_type(), note_date, id)?;
        let mut settled = Settlement::of(&inv);
        let (applied, to_credit) = match kind {
            NoteKind::Credit => {
                let applied = note.grand_total_paise.min(inv.balance_due_paise.max(0));
                settled.credited += applied;
                (applied, note.grand_total_paise - applied)
            }
            NoteKind::Debit => {
                settled.debited += note.grand_total_paise;
                (0, 0)
            }
        };
        repo::mark_issued(
            tx,
            &repo::IssueNote {
                id,
                taken: &taken,
                applied,
                to_credit,
                place_of_supply: &pos.code,
                seller,
                buyer,
                now: &now,
            },
        )?;
        invoices::settle(tx, &inv, settled, &now)?;
        if to_credit > 0 {
            customers::add_credit(tx, &inv.customer_id, to_credit, &now)?;
        }
        let doc = match kind {
            NoteKind::Credit => DocKind::CreditNote,
            NoteKind::Debit => DocKind::DebitNote,
        };
        if kind == NoteKind::Credit {
            stock::credit_note_issued(tx, id)?;
        }
        posting::post_document(tx, doc, id, actor.id())?;
        audit::append(
            tx,
            actor,
            &format!("{}.issued", kind.entity()),
            kind.entity(),
            Some(id),
            json!({"number": taken.number, "invoice_id": inv.id, "invoice_number": inv.number,
                   "reason": note.reason.as_str(), "grand_total_paise": note.grand_total_paise,
                   "applied_paise": applied, "to_credit_paise": to_credit,
                   "seller": seller, "buyer": buyer, "place_of_supply": pos.code}),
        )?;
        repo::get(tx, id)?.ok_or(AppError::NotFound)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_time_bar_is_30_november_after_the_year() {
        assert_eq!(
            credit_deadline(date!(2026 - 04 - 01)),
            date!(2027 - 11 - 30)
        );
        assert_eq!(
            credit_deadline(date!(2027 - 03 - 31)),
            date!(2027 - 11 - 30)
        );
        assert_eq!(
            credit_deadline(date!(2027 - 04 - 01)),
            date!(2028 - 11 - 30)
        );
    }
}
