//! Rules of bills: drafts are priced on every write; posting re-prices against the
//! vendor and branch as they are, refuses a supplier invoice already booked in the same
//! financial year, freezes the bill and posts its journal — one write transaction.

use std::sync::Arc;

use rusqlite::Connection;
use serde_json::json;

use super::model::{Bill, BillStatus, CancelBill, CreateBill, PatchBill, VendorCopy};
use super::parse::{self, invoice_no_key, Head, LineDraft};
use super::pricing::{self, BillTotals};
use super::repo;
use crate::audit::{self, Actor};
use crate::clock;
use crate::domain::FieldError;
use crate::error::{AppError, AppResult};
use crate::modules::books::posting::{self, DocKind};
use crate::modules::fields::check_version;
use crate::modules::fields::{required_text, BranchScope, Problems};
use crate::modules::stock::moves as stock;
use crate::tenancy::TenantHandle;

/// A bill the user may see, or 404 (unknown, another tenant's, or another branch's).
pub fn visible(c: &Connection, scope: &BranchScope, id: &str) -> AppResult<Bill> {
    repo::get(c, id)?
        .filter(|b| scope.allows(&b.branch_id))
        .ok_or(AppError::NotFound)
}

fn require_draft(b: &Bill, what: &str) -> AppResult<()> {
    if b.status == BillStatus::Draft {
        Ok(())
    } else {
        Err(AppError::Conflict(format!(
            "only a draft can be {what}; this bill is {}",
            b.status.as_str()
        )))
    }
}

fn duplicate(number: &str, other: &str) -> AppError {
    AppError::state_rule(
        "duplicate_bill",
        "Duplicate bill",
        format!(
            "Supplier invoice {number} of this vendor is already booked in this financial year (bill {other})."
        ),
    )
}

/// Refuses a supplier invoice that a posted bill of the same vendor and FY already has.
fn check_duplicate(c: &Connection, id: &str, head: &Head) -> AppResult<()> {
    let key = invoice_no_key(&head.supplier_invoice_no);
    match repo::duplicate_of(c, id, &head.vendor_id, &head.fy(), &key)? {
        Some(other) => Err(duplicate(&head.supplier_invoice_no, &other)),
        None => Ok(()),
    }
}

fn totals_json(t: &BillTotals) -> serde_json::Value {
    json!({"taxable_total_paise": t.taxable, "cgst_total_paise": t.cgst,
           "sgst_total_paise": t.sgst, "igst_total_paise": t.igst, "round_off_paise": t.round_off,
           "grand_total_paise": t.grand_total, "itc_cgst_paise": t.itc_cgst,
           "itc_sgst_paise": t.itc_sgst, "itc_igst_paise": t.itc_igst})
}

/// Prices `lines` for `head` and writes the draft; returns the vendor as it is and the
/// totals.
fn write_draft(
    tx: &Connection,
    scope: &BranchScope,
    id: &str,
    head: &Head,
    lines: &[LineDraft],
    insert: bool,
    now: &str,
) -> AppResult<(VendorCopy, BillTotals)> {
    let mut p = Problems::new();
    let parties = pricing::parties(tx, scope, head, &mut p)?;
    let specs = pricing::resolve(tx, lines, &mut p)?;
    let (Some((vendor, heads)), Some(specs)) = (parties, specs) else {
        return Err(p.into_error());
    };
    pricing::check_rates(&vendor, head.reverse_charge, &specs, &mut p);
    p.finish()?;
    let (priced, totals) = pricing::price(specs, heads, head.reverse_charge)?;
    let (invoice_date, posting_date, due_date) = parse::dates(head);
    let key = invoice_no_key(&head.supplier_invoice_no);
    repo::write_draft(
        tx,
        &repo::DraftRow {
            id,
            vendor_id: &head.vendor_id,
            branch_id: &head.branch_id,
            supplier_invoice_no: &head.supplier_invoice_no,
            invoice_no_key: &key,
            supplier_invoice_date: &invoice_date,
            posting_date: &posting_date,
            due_date: &due_date,
            fy: &head.fy(),
            reverse_charge: head.reverse_charge,
            intra_state: heads == crate::domain::TaxHeads::Intra,
            notes: &head.notes,
            totals: &totals,
            now,
        },
        insert,
    )?;
    repo::replace_lines(tx, id, &priced)?;
    let copy = VendorCopy {
        name: vendor.name,
        gstin: vendor.gstin,
        state_code: vendor.state_code,
        registration: vendor.registration,
    };
    Ok((copy, totals))
}

pub fn create(
    tenant: &Arc<TenantHandle>,
    scope: &BranchScope,
    req: &CreateBill,
    actor: &Actor,
) -> AppResult<Bill> {
    let (head, lines) = parse::create(req)?;
    let id = crate::ids::new_id();
    let now = clock::now_rfc3339();
    tenant.db.write_blocking(|tx| {
        let (_, totals) = write_draft(tx, scope, &id, &head, &lines, true, &now)?;
        check_duplicate(tx, &id, &head)?;
        audit::append(
            tx,
            actor,
            "bill.created",
            "bill",
            Some(&id),
            json!({"vendor_id": head.vendor_id, "branch_id": head.branch_id,
                   "supplier_invoice_no": head.supplier_invoice_no, "totals": totals_json(&totals)}),
        )?;
        repo::get(tx, &id)?.ok_or(AppError::NotFound)
    })
}

pub fn patch(
    tenant: &Arc<TenantHandle>,
    scope: &BranchScope,
    id: &str,
    req: &PatchBill,
    if_match: Option<i64>,
    actor: &Actor,
) -> AppResult<Bill> {
    let now = clock::now_rfc3339();
    tenant.db.write_blocking(|tx| {
        let before = visible(tx, scope, id)?;
        check_version(if_match, before.version)?;
        require_draft(&before, "changed")?;
        let (head, lines) = parse::patch(req, &before)?;
        let (_, totals) = write_draft(tx, scope, id, &head, &lines, false, &now)?;
        check_duplicate(tx, id, &head)?;
        audit::append(
            tx,
            actor,
            "bill.updated",
            "bill",
            Some(id),
            json!({"supplier_invoice_no": head.supplier_invoice_no,
                   "lines_replaced": req.lines.is_some(),
                   "grand_total_paise": {"from": before.grand_total_paise, "to": totals.grand_total}}),
        )?;
        repo::get(tx, id)?.ok_or(AppError::NotFound)
    })
}

pub fn delete(
    tenant: &Arc<TenantHandle>,
    scope: &BranchScope,
    id: &str,
    if_match: Option<i64>,
    actor: &Actor,
) -> AppResult<()> {
    tenant.db.write_blocking(|tx| {
        let bill = visible(tx, scope, id)?;
        check_version(if_match, bill.version)?;
        require_draft(&bill, "deleted")?;
        repo::delete_draft(tx, id)?;
        audit::append(
            tx,
            actor,
            "bill.deleted",
            "bill",
            Some(id),
            json!({"supplier_invoice_no": bill.supplier_invoice_no,
                   "grand_total_paise": bill.grand_total_paise}),
        )
        .map(|_| ())
    })
}

/// Posts a draft: re-priced against the vendor and branch as they are now, refused if
/// the supplier invoice is already booked this FY, frozen with a copy of the vendor, and
/// posted to the books (input credit, reverse-charge liability, the vendor's balance).
pub fn post(
    tenant: &Arc<TenantHandle>,
    scope: &BranchScope,
    id: &str,
    if_match: Option<i64>,
    actor: &Actor,
) -> AppResult<Bill> {
    let now = clock::now_rfc3339();
    tenant.db.write_blocking(|tx| {
        let bill = visible(tx, scope, id)?;
        check_version(if_match, bill.version)?;
        require_draft(&bill, "posted")?;
        let (head, lines) = parse::patch(&PatchBill::default(), &bill)?;
        let (vendor, totals) =
            write_draft(tx, &BranchScope::all(), id, &head, &lines, false, &now)?;
        check_duplicate(tx, id, &head)?;
        posting::check_open(tx, &bill.posting_date)?;
        repo::mark_posted(tx, id, &vendor, &now).map_err(|e| match e {
            // Two posts at once: the unique duplicate key decides.
            AppError::Internal(m) if m.contains("UNIQUE") => {
                duplicate(&head.supplier_invoice_no, "posted at the same time")
            }
            other => other,
        })?;
        stock::bill_posted(tx, id)?;
        posting::post_document(tx, DocKind::Bill, id, actor.id())?;
        audit::append(
            tx,
            actor,
            "bill.posted",
            "bill",
            Some(id),
            json!({"supplier_invoice_no": head.supplier_invoice_no, "vendor": vendor,
                   "reverse_charge": head.reverse_charge, "totals": totals_json(&totals)}),
        )?;
        repo::get(tx, id)?.ok_or(AppError::NotFound)
    })
}

/// Cancels a posted bill on which nothing is paid: its journal is reversed on its own
/// date, and its supplier invoice number is free to be booked again.
pub fn cancel(
    tenant: &Arc<TenantHandle>,
    scope: &BranchScope,
    id: &str,
    req: &CancelBill,
    if_match: Option<i64>,
    actor: &Actor,
) -> AppResult<Bill> {
    let reason = required_text(&req.reason, 500)
        .map_err(|e: FieldError| AppError::field("reason", e.code, e.message))?;
    let now = clock::now_rfc3339();
    tenant.db.write_blocking(|tx| {
        let bill = visible(tx, scope, id)?;
        check_version(if_match, bill.version)?;
        match bill.status {
            BillStatus::Posted => {}
            BillStatus::Draft => {
                return Err(AppError::Conflict(
                    "a draft cannot be cancelled; delete it instead".into(),
                ))
            }
            BillStatus::Cancelled => {
                return Err(AppError::Conflict("the bill is already cancelled".into()))
            }
            _ => {
                return Err(AppError::Conflict(
                    "payments are recorded against this bill; it cannot be cancelled".into(),
                ))
            }
        }
        posting::check_open(tx, &bill.posting_date)?;
        repo::mark_cancelled(tx, id, &reason, &now)?;
        stock::bill_cancelled(tx, id)?;
        posting::reverse_document(
            tx,
            DocKind::Bill,
            id,
            "bill_cancellation",
            &format!("Cancelled bill {}: {reason}", bill.supplier_invoice_no),
            actor.id(),
        )?;
        audit::append(
            tx,
            actor,
            "bill.cancelled",
            "bill",
            Some(id),
            json!({"supplier_invoice_no": bill.supplier_invoice_no, "reason": reason}),
        )?;
        repo::get(tx, id)?.ok_or(AppError::NotFound)
    })
}
