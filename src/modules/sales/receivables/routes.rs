//! `/api/v1/reports/receivables`.

use rocket::serde::json::Json;

use super::model::ReceivablesReport;
use super::{repo, service};
use crate::auth::TenantUser;
use crate::clock;
use crate::error::AppResult;
use crate::http::query::uuid_param;
use crate::modules::sales::common::scope_json;

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![receivables]
}

/// What each customer owes on issued and partially paid invoices, aged by days past the
/// due date (`0_30` also holds amounts not yet due), with totals. Only invoices of the
/// user's branches count. Not paginated: one row per customer with a balance.
#[utoipa::path(get, path = "/api/v1/reports/receivables", tag = "reports", security(("bearer" = [])),
    params(("branch_id" = Option<String>, Query, description = "only this branch")),
    responses((status = 200, description = "The report", body = ReceivablesReport)))]
#[rocket::get("/reports/receivables?<branch_id>")]
pub async fn receivables(
    user: TenantUser,
    branch_id: Option<&str>,
) -> AppResult<Json<ReceivablesReport>> {
    user.require("reports.receivables:read")?;
    let branch = uuid_param("branch_id", branch_id)?.map(|u| u.to_string());
    let scope = scope_json(&user.branch_scope().map(<[String]>::to_vec));
    let rows = user
        .tenant
        .db
        .read(move |c| repo::open_balances(c, scope.as_deref(), branch.as_deref()))
        .await?;
    service::report(rows, clock::today()).map(Json)
}
