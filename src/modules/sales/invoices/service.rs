//! Rules of invoices: drafts are priced on every write, only drafts change or go away,
//! issuing numbers the invoice inside the same transaction, and cancelling needs an
//! invoice with nothing paid.

use std::sync::Arc;

use rusqlite::Connection;
use serde_json::json;

use super::model::{
    state_name, Buyer, CancelInvoice, CreateInvoice, Invoice, InvoiceStatus, PatchInvoice, Seller,
};
use super::parse::{self, Head};
use super::pricing::{self, LineSpec};
use super::repo;
use crate::audit::{self, Actor};
use crate::clock;
use crate::domain::{FieldError, Totals};
use crate::error::{AppError, AppResult, FieldProblem};
use crate::modules::books::posting::{self, DocKind};
use crate::modules::company::repo as company;
use crate::modules::fields::check_version;
use crate::modules::org::repo as branches;
use crate::modules::sales::common::{in_scope, required_text, Problems, Scope};
use crate::modules::sales::customers::repo as customers;
use crate::modules::sales::series::{model::DocType, service as series};
use crate::modules::stock::moves as stock;
use crate::tenancy::TenantHandle;

/// An invoice the user may see, or 404 (unknown, another tenant's, or another branch's).
pub fn visible(c: &Connection, scope: &Scope, id: &str) -> AppResult<Invoice> {
    repo::get(c, id)?
        .filter(|i| in_scope(scope, &i.branch_id))
        .ok_or(AppError::NotFound)
}

/// An invoice by id, outside any request (demo data, tools).
pub fn visible_blocking(tenant: &Arc<TenantHandle>, id: &str) -> AppResult<Invoice> {
    tenant.db.read_blocking(|c| visible(c, &None, id))
}

fn require_draft(inv: &Invoice, what: &str) -> AppResult<()> {
    if inv.status == InvoiceStatus::Draft {
        Ok(())
    } else {
        Err(AppError::Conflict(format!(
            "only a draft can be {what}; this invoice is {}",
            inv.status.as_str()
        )))
    }
}

fn totals_json(t: &Totals) -> serde_json::Value {
    json!({"taxable_total_paise": t.taxable_total, "cgst_total_paise": t.cgst_total,
           "sgst_total_paise": t.sgst_total, "igst_total_paise": t.igst_total,
           "round_off_paise": t.round_off, "grand_total_paise": t.grand_total})
}

/// Prices `lines` (or the stored ones) for `head` and writes the draft.
fn write_draft(
    tx: &Connection,
    scope: &Scope,
    id: &str,
    head: &Head,
    specs: Result<Vec<parse::LineDraft>, Vec<LineSpec>>,
    insert: bool,
    now: &str,
) -> AppResult<(pricing::Parties, Totals)> {
    let mut p = Problems::new();
    let parties = pricing::parties(
        tx,
        scope,
        &head.branch_id,
        &head.customer_id,
        head.lut,
        &mut p,
    )?;
    let specs = match specs {
        Ok(drafts) => pricing::resolve(tx, &drafts, &mut p)?,
        Err(stored) => Some(stored),
    };
    let (Some(parties), Some(specs)) = (parties, specs) else {
        return Err(p.into_error());
    };
    let (lines, totals) = pricing::price(specs, parties.heads)?;
    let (invoice_date, due_date) = (head.invoice_date_text(), head.due_date_text());
    let row = repo::DraftRow {
        id,
        branch_id: &head.branch_id,
        customer_id: &head.customer_id,
        invoice_date: &invoice_date,
        due_date: &due_date,
        notes: &head.notes,
        intra_state: parties.intra_state(),
        supply_type: parties.supply_type,
        lut: head.lut,
        reverse_charge: head.reverse_charge,
        totals: &totals,
        now,
    };
    if insert {
        repo::insert_draft(tx, &row)?;
    } else {
        repo::update_draft(tx, &row)?;
    }
    repo::replace_lines(tx, id, &lines)?;
    Ok((parties, totals))
}

pub fn create(
    tenant: &Arc<TenantHandle>,
    scope: &Scope,
    req: &CreateInvoice,
    actor: &Actor,
) -> AppResult<Invoice> {
    let (head, lines) = parse::create(req)?;
    create_parsed(tenant, scope, head, lines, actor)
}

/// Creates a draft from checked values (also used by the demo data).
pub fn create_parsed(
    tenant: &Arc<TenantHandle>,
    scope: &Scope,
    head: Head,
    lines: Vec<parse::LineDraft>,
    actor: &Actor,
) -> AppResult<Invoice> {
    let id = crate::ids::new_id();
    let now = clock::now_rfc3339();
    tenant.db.write_blocking(|tx| {
        let (_, totals) = write_draft(tx, scope, &id, &head, Ok(lines), true, &now)?;
        audit::append(
            tx,
            actor,
            "invoice.created",
            "invoice",
            Some(&id),
            json!({"branch_id": head.branch_id, "customer_id": head.customer_id,
                   "invoice_date": head.invoice_date_text(), "totals": totals_json(&totals)}),
        )?;
        repo::get(tx, &id)?.ok_or(AppError::NotFound)
    })
}

pub fn patch(
    tenant: &Arc<TenantHandle>,
    scope: &Scope,
    id: &str,
    req: &PatchInvoice,
    if_match: Option<i64>,
    actor: &Actor,
) -> AppResult<Invoice> {
    let now = clock::now_rfc3339();
    tenant.db.write_blocking(|tx| {
        let before = visible(tx, scope, id)?;
        check_version(if_match, before.version)?;
        require_draft(&before, "changed")?;
        let (head, lines) = parse::patch(req, parse::head_of(&before)?)?;
        let specs = match lines {
            Some(l) => Ok(l),
            None => Err(pricing::specs_of(&before)?),
        };
        let (_, totals) = write_draft(tx, scope, id, &head, specs, false, &now)?;
        audit::append(
            tx,
            actor,
            "invoice.updated",
            "invoice",
            Some(id),
            json!({"branch_id": head.branch_id, "customer_id": head.customer_id,
                   "invoice_date": head.invoice_date_text(), "lines_replaced": req.lines.is_some(),
                   "grand_total_paise": {"from": before.grand_total_paise, "to": totals.grand_total}}),
        )?;
        repo::get(tx, id)?.ok_or(AppError::NotFound)
    })
}

pub fn delete(
    tenant: &Arc<TenantHandle>,
    scope: &Scope,
    id: &str,
    if_match: Option<i64>,
    actor: &Actor,
) -> AppResult<()> {
    tenant.db.write_blocking(|tx| {
        let inv = visible(tx, scope, id)?;
        check_version(if_match, inv.version)?;
        require_draft(&inv, "deleted")?;
        repo::delete_draft(tx, id)?;
        audit::append(
            tx,
            actor,
            "invoice.deleted",
            "invoice",
            Some(id),
            json!({"grand_total_paise": inv.grand_total_paise}),
        )?;
        Ok(())
    })
}

/// The seller as an issued document prints it, or 409 `seller_incomplete` naming each
/// gap: a GST invoice needs a registered branch (a GSTIN of its own state and an
/// address) and the company's legal name (CGST Rule 46(a)).
pub fn seller_of(c: &rusqlite::Connection, branch_id: &str) -> AppResult<Seller> {
    let branch = branches::get(c, branch_id)?.ok_or(AppError::NotFound)?;
    let co = company::get(c)?;
    let mut gaps = Vec::new();
    match branch.gstin.as_deref() {
        None => gaps.push(FieldProblem::new(
            "branch.gstin",
            "required",
            format!("branch {} has no GSTIN", branch.code),
        )),
        Some(g) if g.get(..2) != Some(branch.state_code.as_str()) => gaps.push(FieldProblem::new(
            "branch.gstin",
            "state_mismatch",
            format!(
                "branch {}'s GSTIN is not of its state {}",
                branch.code, branch.state_code
            ),
        )),
        Some(_) => {}
    }
    if branch.address.trim().is_empty() {
        gaps.push(FieldProblem::new(
            "branch.address",
            "required",
            format!("branch {} has no address", branch.code),
        ));
    }
    if co.legal_name.trim().is_empty() {
        gaps.push(FieldProblem::new(
            "company.legal_name",
            "required",
            "the company profile has no legal name",
        ));
    }
    if !gaps.is_empty() {
        let what: Vec<&str> = gaps.iter().map(|g| g.field.as_str()).collect();
        return Err(AppError::state_rule(
            "seller_incomplete",
            "Seller details incomplete",
            format!(
                "a tax document needs a registered seller; missing: {}",
                what.join(", ")
            ),
        )
        .with_errors(gaps));
    }
    let bank = co.view().bank;
    Ok(Seller {
        legal_name: co.legal_name,
        trade_name: co.trade_name,
        gstin: branch.gstin,
        address: branch.address,
        state_name: state_name(&branch.state_code),
        state_code: branch.state_code,
        pan: co.pan,
        bank,
        upi_id: co.upi_id,
        terms: co.invoice_terms,
    })
}

/// The buyer as printed, from the customer as it is now.
fn buyer_of(c: &rusqlite::Connection, customer_id: &str) -> AppResult<Buyer> {
    let cust = customers::get(c, customer_id)?.ok_or(AppError::NotFound)?;
    Ok(Buyer {
        name: cust.name,
        gstin: cust.gstin,
        billing_address: cust.billing_address,
        state_name: state_name(&cust.state_code),
        state_code: cust.state_code,
        registration: cust.registration,
    })
}

/// Issues a draft: re-prices it against the branch's and customer's current states,
/// copies seller, buyer and place of supply into it, takes the next number of its
/// branch's invoice series and marks it issued — all in one write transaction, so numbers
/// are gapless and unique under concurrency, and what it prints is frozen from now on.
pub fn issue(
    tenant: &Arc<TenantHandle>,
    scope: &Scope,
    id: &str,
    if_match: Option<i64>,
    actor: &Actor,
) -> AppResult<Invoice> {
    let now = clock::now_rfc3339();
    tenant.db.write_blocking(|tx| {
        let inv = visible(tx, scope, id)?;
        check_version(if_match, inv.version)?;
        require_draft(&inv, "issued")?;
        let head = parse::head_of(&inv)?;
        let specs = Err(pricing::specs_of(&inv)?);
        let (parties, _) = write_draft(tx, &None, id, &head, specs, false, &now)?;
        let seller = seller_of(tx, &head.branch_id)?;
        let buyer = buyer_of(tx, &head.customer_id)?;
        let taken = series::take(tx, &head.branch_id, DocType::Invoice, head.invoice_date, id)?;
        repo::mark_issued(
            tx,
            &repo::IssueRow {
                id,
                taken: &taken,
                place_of_supply: &parties.place_of_supply,
                seller: &seller,
                buyer: &buyer,
                now: &now,
            },
        )?;
        stock::invoice_issued(tx, id)?;
        posting::post_document(tx, DocKind::Invoice, id, actor.id())?;
        let issued = repo::get(tx, id)?.ok_or(AppError::NotFound)?;
        audit::append(
            tx,
            actor,
            "invoice.issued",
            "invoice",
            Some(id),
            json!({"number": taken.number, "grand_total_paise": issued.grand_total_paise,
                   "supply_type": issued.supply_type.as_str(), "lut": issued.lut,
                   "place_of_supply": parties.place_of_supply, "seller": seller, "buyer": buyer}),
        )?;
        Ok(issued)
    })
}

/// Cancels an issued invoice on which nothing has been paid; it keeps its number.
pub fn cancel(
    tenant: &Arc<TenantHandle>,
    scope: &Scope,
    id: &str,
    req: &CancelInvoice,
    if_match: Option<i64>,
    actor: &Actor,
) -> AppResult<Invoice> {
    let reason = required_text(&req.reason, 500)
        .map_err(|e: FieldError| AppError::field("reason", e.code, e.message))?;
    let now = clock::now_rfc3339();
    tenant.db.write_blocking(|tx| {
        let inv = visible(tx, scope, id)?;
        check_version(if_match, inv.version)?;
        match inv.status {
            InvoiceStatus::Issued
                if inv.amount_paid_paise == 0
                    && inv.credited_paise == 0
                    && inv.debited_paise == 0 => {}
            InvoiceStatus::Draft => {
                return Err(AppError::Conflict(
                    "a draft cannot be cancelled; delete it instead".into(),
                ))
            }
            InvoiceStatus::Cancelled => {
                return Err(AppError::Conflict(
                    "the invoice is already cancelled".into(),
                ))
            }
            _ => {
                return Err(AppError::Conflict(
                    "payments are recorded against this invoice; it cannot be cancelled".into(),
                ))
            }
        }
        posting::check_open(tx, &inv.invoice_date)?;
        repo::mark_cancelled(tx, id, &reason, &now)?;
        stock::invoice_cancelled(tx, id)?;
        posting::reverse_document(
            tx,
            DocKind::Invoice,
            id,
            "invoice_cancellation",
            &format!(
                "Cancelled {}: {reason}",
                inv.number.as_deref().unwrap_or("")
            ),
            actor.id(),
        )?;
        audit::append(
            tx,
            actor,
            "invoice.cancelled",
            "invoice",
            Some(id),
            json!({"number": inv.number, "reason": reason}),
        )?;
        repo::get(tx, id)?.ok_or(AppError::NotFound)
    })
}
