//! `/api/v1/payments`.

use std::sync::Arc;

use rocket::http::Status;
use rocket::request::Request;
use rocket::response::{self, Responder};
use rocket::serde::json::Json;

use super::model::*;
use super::{repo, service};
use crate::auth::TenantUser;
use crate::blocking;
use crate::error::AppResult;
use crate::http::headers::IdempotencyKey;
use crate::http::pagination::page_of;
use crate::http::pagination::Page;
use crate::http::query::{date_param, uuid_param, PageRequest};
use crate::http::JsonBody;
use crate::ids;
use crate::modules::sales::common::{scope_json, Scope};

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![list_payments, create_payment, get_payment]
}

fn scope_of(user: &TenantUser) -> Scope {
    user.branch_scope().map(<[String]>::to_vec)
}

/// The response of `POST /payments`: fresh or replayed (`Idempotent-Replayed: true`).
pub struct PaymentResponse(pub service::Recorded);

impl<'r> Responder<'r, 'static> for PaymentResponse {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let status = Status::from_code(self.0.status).unwrap_or(Status::Created);
        let mut res = (status, Json(self.0.body)).respond_to(req)?;
        if self.0.replayed {
            res.set_raw_header("Idempotent-Replayed", "true");
        }
        Ok(res)
    }
}

/// List payments (of invoices in the user's branches), oldest first.
#[utoipa::path(get, path = "/api/v1/payments", tag = "sales", security(("bearer" = [])),
    params(
        ("limit" = Option<u32>, Query, description = "1–200, default 50"),
        ("cursor" = Option<String>, Query, description = "opaque, from `next_cursor`"),
        ("invoice_id" = Option<String>, Query, description = "invoice id"),
        ("from" = Option<String>, Query, description = "received_on on or after, YYYY-MM-DD"),
        ("to" = Option<String>, Query, description = "received_on on or before, YYYY-MM-DD"),
    ),
    responses((status = 200, description = "A page of payments", body = Page<Payment>)))]
#[rocket::get("/payments?<limit>&<cursor>&<invoice_id>&<from>&<to>")]
pub async fn list_payments(
    user: TenantUser,
    limit: Option<&str>,
    cursor: Option<&str>,
    invoice_id: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> AppResult<Json<Page<Payment>>> {
    user.require("sales.payments:read")?;
    let page = PageRequest::parse(limit, cursor)?;
    let date = |name, v| -> AppResult<Option<String>> {
        Ok(date_param(name, v)?.map(crate::domain::format_iso_date))
    };
    let filter = PaymentFilter {
        scope: scope_json(&scope_of(&user)),
        invoice_id: uuid_param("invoice_id", invoice_id)?.map(|u| u.to_string()),
        from: date("from", from)?,
        to: date("to", to)?,
        after: page.after.map(|(_, id)| id.to_string()),
        limit: page.limit,
    };
    let rows = user.tenant.db.read(move |c| repo::list(c, &filter)).await?;
    Ok(Json(page_of(rows, page.limit, |r| {
        (String::new(), r.id.clone())
    })))
}

/// Record a payment against an issued or partially paid invoice.
///
/// More than the balance due → 422 `overpayment`; a draft or cancelled invoice → 409.
/// With an `Idempotency-Key` (per user, kept at least 24 h), a retry of the same body
/// returns the original response and the same key with another body → 422
/// `idempotency_mismatch`.
#[utoipa::path(post, path = "/api/v1/payments", tag = "sales", request_body = CreatePayment, security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "1–255 visible ASCII characters")),
    responses((status = 201, description = "Recorded (or the original response, replayed)", body = Payment)))]
#[rocket::post("/payments", data = "<body>")]
pub async fn create_payment(
    user: TenantUser,
    body: JsonBody<CreatePayment>,
    key: IdempotencyKey,
) -> AppResult<PaymentResponse> {
    user.require("sales.payments:write")?;
    let (t, scope, actor) = (Arc::clone(&user.tenant), scope_of(&user), user.actor());
    let user_id = user.user_id().to_string();
    let recorded = blocking::run(move || {
        service::record(&t, &scope, &user_id, &body.0, key.0.as_deref(), &actor)
    })
    .await?;
    Ok(PaymentResponse(recorded))
}

/// One payment.
#[utoipa::path(get, path = "/api/v1/payments/{id}", tag = "sales", security(("bearer" = [])),
    params(("id" = String, Path, description = "payment id")),
    responses((status = 200, description = "The payment", body = Payment)))]
#[rocket::get("/payments/<id>")]
pub async fn get_payment(user: TenantUser, id: &str) -> AppResult<Json<Payment>> {
    user.require("sales.payments:read")?;
    let id = ids::parse(id)?;
    let scope = scope_of(&user);
    user.tenant
        .db
        .read(move |c| service::visible(c, &scope, &id))
        .await
        .map(Json)
}
