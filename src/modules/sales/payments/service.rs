//! Rules of payments. The check against the balance, the insert and the invoice update
//! happen in one write transaction on the tenant's single writer, so two concurrent
//! payments can never both fit into one balance.

use std::sync::Arc;

use rusqlite::Connection;
use serde_json::json;

use super::idempotency;
use super::model::{CreatePayment, Payment, PaymentMethod};
use super::repo;
use crate::audit::{self, Actor};
use crate::clock;
use crate::domain::{format_iso_date, parse_iso_date, FieldError, Paise};
use crate::error::{AppError, AppResult};
use crate::modules::books::posting::{self, DocKind};
use crate::modules::sales::common::{in_scope, optional_text, Problems, Scope};
use crate::modules::sales::customers::repo as customers;
use crate::modules::sales::invoices::repo::Settlement;
use crate::modules::sales::invoices::{model::InvoiceStatus, repo as invoices};

/// An overpayment of the credit balance says so: it is the credit that is short.
fn credit_problem(credit: i64) -> AppError {
    AppError::value_rule(
        "overpayment",
        "Overpayment",
        "amount_paise",
        format!("The amount exceeds the customer's credit balance of {credit} paise."),
    )
}
use crate::tenancy::TenantHandle;

const ROUTE: &str = "POST /api/v1/payments";

/// A payment request whose fields are known to be well formed.
#[derive(Debug, Clone)]
pub struct Checked {
    pub invoice_id: String,
    pub amount_paise: i64,
    pub method: PaymentMethod,
    pub reference: String,
    pub received_on: String,
}

pub fn check(req: &CreatePayment) -> AppResult<Checked> {
    let mut p = Problems::new();
    let invoice_id = p.check(
        "invoice_id",
        crate::ids::parse_ref(&req.invoice_id, "an invoice id"),
    );
    let amount = p.check(
        "amount_paise",
        Paise::parse(req.amount_paise).and_then(|a| match a.value() {
            0 => Err(FieldError::out_of_range(
                "must not be 0 (negative: a refund of customer credit)",
            )),
            v if v < 0 && req.method == PaymentMethod::Credit => Err(FieldError::out_of_range(
                "a refund is paid out in cash, UPI, bank transfer, card or cheque, not as credit",
            )),
            v => Ok(v),
        }),
    );
    let reference = p.check(
        "reference",
        optional_text(req.reference.as_deref().unwrap_or(""), 100),
    );
    let received_on = match req.received_on.as_deref() {
        None => Some(clock::today()),
        Some(d) => p.check("received_on", parse_iso_date(d.trim())),
    };
    let (Some(invoice_id), Some(amount_paise), Some(reference), Some(received_on)) =
        (invoice_id, amount, reference, received_on)
    else {
        return Err(p.into_error());
    };
    Ok(Checked {
        invoice_id,
        amount_paise,
        method: req.method,
        reference,
        received_on: format_iso_date(received_on),
    })
}

/// Records one payment in the caller's transaction: the invoice must be issued or
/// partially paid and the amount must fit the balance due (and, from credit, the
/// customer's credit balance). A negative amount refunds the customer's credit balance.
pub fn apply(
    c: &Connection,
    scope: &Scope,
    user_id: &str,
    p: &Checked,
    actor: &Actor,
) -> AppResult<Payment> {
    let inv = invoices::get(c, &p.invoice_id)?
        .filter(|i| in_scope(scope, &i.branch_id))
        .ok_or_else(|| AppError::field("invoice_id", "not_found", "no such invoice"))?;
    match inv.status {
        InvoiceStatus::Draft => {
            return Err(AppError::Conflict(
                "a draft invoice cannot be paid; issue it first".into(),
            ))
        }
        InvoiceStatus::Cancelled => {
            return Err(AppError::Conflict(
                "a cancelled invoice cannot be paid".into(),
            ))
        }
        _ => {}
    }
    let now = clock::now_rfc3339();
    let credit = customers::get(c, &inv.customer_id)?
        .map(|x| x.credit_balance_paise)
        .unwrap_or(0);
    if p.amount_paise < 0 || p.method == PaymentMethod::Credit {
        // Money leaves the credit balance: paid out (a refund) or used on this invoice.
        if p.amount_paise.abs() > credit {
            return Err(credit_problem(credit));
        }
        customers::add_credit(c, &inv.customer_id, -p.amount_paise.abs(), &now)?;
    }
    let mut settled = Settlement::of(&inv);
    if p.amount_paise > 0 {
        let balance = inv.balance_due_paise;
        if p.amount_paise > balance {
            return Err(AppError::Overpayment {
                balance_due_paise: balance,
            });
        }
        settled.amount_paid += p.amount_paise;
        invoices::settle(c, &inv, settled, &now)?;
    }
    let (paid, status) = (settled.amount_paid, settled.status(inv.grand_total_paise));
    let mut payment = Payment {
        id: crate::ids::new_id(),
        invoice_id: inv.id.clone(),
        customer_id: inv.customer_id.clone(),
        amount_paise: p.amount_paise,
        method: p.method,
        reference: p.reference.clone(),
        received_on: p.received_on.clone(),
        created_by: user_id.to_string(),
        created_at: now.clone(),
        journal_id: None,
    };
    repo::insert(c, &payment)?;
    payment.journal_id = posting::post_document(c, DocKind::Payment, &payment.id, actor.id())?;
    audit::append(
        c,
        actor,
        "payment.created",
        "payment",
        Some(&payment.id),
        json!({"invoice_id": inv.id, "number": inv.number, "amount_paise": p.amount_paise,
               "method": p.method.as_str(), "amount_paid_paise": paid, "status": status.as_str()}),
    )?;
    Ok(payment)
}

pub use super::idempotency::Recorded;

/// Records a payment; with an Idempotency-Key, a retry of the same request returns the
/// stored original response and a different request under the same key is refused.
pub fn record(
    tenant: &Arc<TenantHandle>,
    scope: &Scope,
    user_id: &str,
    req: &CreatePayment,
    key: Option<&str>,
    actor: &Actor,
) -> AppResult<Recorded> {
    let checked = check(req)?;
    idempotency::record(tenant, ROUTE, req, user_id, key, |tx| {
        apply(tx, scope, user_id, &checked, actor)
    })
}

/// A payment the user may see (its invoice is in their branches), or 404.
pub fn visible(c: &Connection, scope: &Scope, id: &str) -> AppResult<Payment> {
    repo::get(c, id)?
        .filter(|(_, branch)| in_scope(scope, branch))
        .map(|(p, _)| p)
        .ok_or(AppError::NotFound)
}

#[cfg(test)]
mod tests;
