//! `/api/v1/vendor-payments`.

use std::sync::Arc;

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
use crate::modules::fields::BranchScope;
use crate::modules::sales::payments::routes::PaymentResponse;

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![
        list_vendor_payments,
        create_vendor_payment,
        get_vendor_payment
    ]
}

fn scope_of(user: &TenantUser) -> BranchScope {
    BranchScope::new(user.branch_scope())
}

/// List payments to vendors (of bills in the user's branches), oldest first.
#[utoipa::path(get, path = "/api/v1/vendor-payments", tag = "purchases", security(("bearer" = [])),
    params(
        ("limit" = Option<u32>, Query, description = "1–200, default 50"),
        ("cursor" = Option<String>, Query, description = "opaque, from `next_cursor`"),
        ("bill_id" = Option<String>, Query, description = "bill id"),
        ("vendor_id" = Option<String>, Query, description = "vendor id"),
        ("from" = Option<String>, Query, description = "paid_on on or after, YYYY-MM-DD"),
        ("to" = Option<String>, Query, description = "paid_on on or before, YYYY-MM-DD"),
    ),
    responses((status = 200, description = "A page of vendor payments", body = Page<VendorPayment>)))]
#[rocket::get("/vendor-payments?<limit>&<cursor>&<bill_id>&<vendor_id>&<from>&<to>")]
pub async fn list_vendor_payments(
    user: TenantUser,
    limit: Option<&str>,
    cursor: Option<&str>,
    bill_id: Option<&str>,
    vendor_id: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> AppResult<Json<Page<VendorPayment>>> {
    user.require("purchases.payments:read")?;
    let page = PageRequest::parse(limit, cursor)?;
    let date = |name, v| -> AppResult<Option<String>> {
        Ok(date_param(name, v)?.map(crate::domain::format_iso_date))
    };
    let filter = VendorPaymentFilter {
        scope: scope_of(&user).sql_param(),
        bill_id: uuid_param("bill_id", bill_id)?.map(|u| u.to_string()),
        vendor_id: uuid_param("vendor_id", vendor_id)?.map(|u| u.to_string()),
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

/// Record a payment against a posted or partly paid bill.
///
/// More than the balance due → 422 `overpayment` (also when two payments race); a draft
/// or cancelled bill → 409. With an `Idempotency-Key` (per user, kept at least 24 h), a
/// retry of the same body returns the original response and the same key with another
/// body → 422 `idempotency_mismatch`.
#[utoipa::path(post, path = "/api/v1/vendor-payments", tag = "purchases", request_body = CreateVendorPayment, security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "1–255 visible ASCII characters")),
    responses((status = 201, description = "Recorded (or the original response, replayed)", body = VendorPayment)))]
#[rocket::post("/vendor-payments", data = "<body>")]
pub async fn create_vendor_payment(
    user: TenantUser,
    body: JsonBody<CreateVendorPayment>,
    key: IdempotencyKey,
) -> AppResult<PaymentResponse> {
    user.require("purchases.payments:write")?;
    let (t, scope, actor) = (Arc::clone(&user.tenant), scope_of(&user), user.actor());
    let user_id = user.user_id().to_string();
    let recorded = blocking::run(move || {
        service::record(&t, &scope, &user_id, &body.0, key.0.as_deref(), &actor)
    })
    .await?;
    Ok(PaymentResponse(recorded))
}

/// One vendor payment.
#[utoipa::path(get, path = "/api/v1/vendor-payments/{id}", tag = "purchases", security(("bearer" = [])),
    params(("id" = String, Path, description = "vendor payment id")),
    responses((status = 200, description = "The payment", body = VendorPayment)))]
#[rocket::get("/vendor-payments/<id>")]
pub async fn get_vendor_payment(user: TenantUser, id: &str) -> AppResult<Json<VendorPayment>> {
    user.require("purchases.payments:read")?;
    let id = ids::parse(id)?;
    let scope = scope_of(&user);
    user.tenant
        .db
        .read(move |c| service::visible(c, &scope, &id))
        .await
        .map(Json)
}
