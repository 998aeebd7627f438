//! Rules of vendor payments. The balance check, the insert and the bill update happen in
//! one write transaction on the tenant's single writer, so two concurrent payments can
//! never both fit into one balance.

use std::sync::Arc;

use rusqlite::Connection;
use serde_json::json;

use super::model::{CreateVendorPayment, PayMethod, VendorPayment};
use super::repo;
use crate::audit::{self, Actor};
use crate::clock;
use crate::domain::{format_iso_date, parse_iso_date, FieldError, Paise};
use crate::error::{AppError, AppResult};
use crate::modules::books::posting::{self, DocKind};
use crate::modules::fields::{optional_text, BranchScope, Problems};
use crate::modules::purchases::bills::{model::BillStatus, repo as bills};
use crate::modules::sales::payments::idempotency::{self, Recorded};
use crate::tenancy::TenantHandle;

const ROUTE: &str = "POST /api/v1/vendor-payments";

#[derive(Debug, Clone)]
pub struct Checked {
    pub bill_id: String,
    pub amount_paise: i64,
    pub method: PayMethod,
    pub reference: String,
    pub paid_on: String,
}

pub fn check(req: &CreateVendorPayment) -> AppResult<Checked> {
    let mut p = Problems::new();
    let bill_id = p.check("bill_id", crate::ids::parse_ref(&req.bill_id, "a bill id"));
    let amount = p.check(
        "amount_paise",
        Paise::parse(req.amount_paise).and_then(|a| match a.value() {
            v if v <= 0 => Err(FieldError::out_of_range("must be greater than 0")),
            v => Ok(v),
        }),
    );
    let reference = p.check(
        "reference",
        optional_text(req.reference.as_deref().unwrap_or(""), 100),
    );
    let paid_on = match req.paid_on.as_deref() {
        None => Some(clock::today()),
        Some(d) => p.check("paid_on", parse_iso_date(d.trim())),
    };
    let (Some(bill_id), Some(amount_paise), Some(reference), Some(paid_on)) =
        (bill_id, amount, reference, paid_on)
    else {
        return Err(p.into_error());
    };
    Ok(Checked {
        bill_id,
        amount_paise,
        method: req.method,
        reference,
        paid_on: format_iso_date(paid_on),
    })
}

/// Records one payment in the caller's transaction: the bill must be posted (or partly
/// paid) and the amount must fit its balance.
pub fn apply(
    c: &Connection,
    scope: &BranchScope,
    user_id: &str,
    p: &Checked,
    actor: &Actor,
) -> AppResult<VendorPayment> {
    let bill = bills::get(c, &p.bill_id)?
        .filter(|b| scope.allows(&b.branch_id))
        .ok_or_else(|| AppError::field("bill_id", "not_found", "no such bill"))?;
    match bill.status {
        BillStatus::Draft => {
            return Err(AppError::Conflict(
                "a draft bill cannot be paid; post it first".into(),
            ))
        }
        BillStatus::Cancelled => {
            return Err(AppError::Conflict("a cancelled bill cannot be paid".into()))
        }
        _ => {}
    }
    if p.amount_paise > bill.balance_due_paise {
        return Err(AppError::Overpayment {
            balance_due_paise: bill.balance_due_paise,
        });
    }
    if p.paid_on < bill.posting_date {
        return Err(AppError::field(
            "paid_on",
            FieldError::OUT_OF_RANGE,
            format!(
                "must not be before the bill's posting date {}",
                bill.posting_date
            ),
        ));
    }
    let now = clock::now_rfc3339();
    bills::add_payment(c, &bill, p.amount_paise, &now)?;
    let mut payment = VendorPayment {
        id: crate::ids::new_id(),
        bill_id: bill.id.clone(),
        vendor_id: bill.vendor_id.clone(),
        amount_paise: p.amount_paise,
        method: p.method,
        reference: p.reference.clone(),
        paid_on: p.paid_on.clone(),
        created_by: user_id.to_string(),
        created_at: now,
        journal_id: None,
    };
    repo::insert(c, &payment)?;
    payment.journal_id =
        posting::post_document(c, DocKind::VendorPayment, &payment.id, actor.id())?;
    let paid = bill.amount_paid_paise + p.amount_paise;
    audit::append(
        c,
        actor,
        "vendor_payment.created",
        "vendor_payment",
        Some(&payment.id),
        json!({"bill_id": bill.id, "supplier_invoice_no": bill.supplier_invoice_no,
               "amount_paise": p.amount_paise, "method": p.method.as_str(),
               "amount_paid_paise": paid,
               "status": BillStatus::of_payment(paid, bill.grand_total_paise).as_str()}),
    )?;
    Ok(payment)
}

/// Records a payment; with an Idempotency-Key a retry returns the original response.
pub fn record(
    tenant: &Arc<TenantHandle>,
    scope: &BranchScope,
    user_id: &str,
    req: &CreateVendorPayment,
    key: Option<&str>,
    actor: &Actor,
) -> AppResult<Recorded> {
    let checked = check(req)?;
    idempotency::record(tenant, ROUTE, req, user_id, key, |tx| {
        apply(tx, scope, user_id, &checked, actor)
    })
}

/// A payment the user may see (its bill is in their branches), or 404.
pub fn visible(c: &Connection, scope: &BranchScope, id: &str) -> AppResult<VendorPayment> {
    repo::get(c, id)?
        .filter(|(_, branch)| scope.allows(branch))
        .map(|(p, _)| p)
        .ok_or(AppError::NotFound)
}
