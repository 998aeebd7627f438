//! `GET /api/v1/reports/payables`: what is owed to each vendor on posted bills, aged by
//! days past the due date with the receivables report's buckets and rules.

use rocket::serde::json::Json;
use rusqlite::{params, Connection};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::TenantUser;
use crate::clock;
use crate::error::AppResult;
use crate::http::query::uuid_param;
use crate::modules::fields::BranchScope;
use crate::modules::sales::receivables::model::{Buckets, DueRow};
use crate::modules::sales::receivables::service::report;

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![payables]
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VendorPayable {
    pub vendor_id: String,
    pub vendor_name: String,
    pub gstin: Option<String>,
    /// Bills with a balance due.
    pub bills: i64,
    pub outstanding_paise: i64,
    pub buckets: Buckets,
}

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct PayablesTotals {
    pub bills: i64,
    pub outstanding_paise: i64,
    pub buckets: Buckets,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PayablesReport {
    /// The day the ages are counted to (today, UTC).
    pub as_of: String,
    /// One row per vendor with something outstanding, by name.
    pub vendors: Vec<VendorPayable>,
    pub totals: PayablesTotals,
}

/// Open balances of posted and partly paid bills by vendor and due date, in vendor-name
/// order (the receivables report's row shape: the party is the vendor).
fn open_balances(
    c: &Connection,
    scope: Option<&str>,
    branch_id: Option<&str>,
) -> AppResult<Vec<DueRow>> {
    let mut stmt = c.prepare_cached(
        "SELECT b.vendor_id, v.name, v.gstin, b.due_date, COUNT(*),
                SUM(b.grand_total_paise - b.amount_paid_paise)
         FROM bills b JOIN vendors v ON v.id = b.vendor_id
         WHERE b.status IN ('posted', 'partially_paid')
           AND b.grand_total_paise > b.amount_paid_paise
           AND (?1 IS NULL OR b.branch_id IN (SELECT value FROM json_each(?1)))
           AND (?2 IS NULL OR b.branch_id = ?2)
         GROUP BY b.vendor_id, b.due_date
         ORDER BY v.name COLLATE NOCASE, b.vendor_id, b.due_date",
    )?;
    let rows = stmt.query_map(params![scope, branch_id], |r| {
        Ok(DueRow {
            customer_id: r.get(0)?,
            customer_name: r.get(1)?,
            gstin: r.get(2)?,
            due_date: r.get(3)?,
            invoices: r.get(4)?,
            balance_paise: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// What is owed to each vendor on posted and partly paid bills, aged by days past the
/// due date (`0_30` also holds amounts not yet due), with totals. Only bills of the
/// user's branches count. Not paginated: one row per vendor with a balance.
#[utoipa::path(get, path = "/api/v1/reports/payables", tag = "reports", security(("bearer" = [])),
    params(("branch_id" = Option<String>, Query, description = "only this branch")),
    responses((status = 200, description = "The report", body = PayablesReport)))]
#[rocket::get("/reports/payables?<branch_id>")]
pub async fn payables(
    user: TenantUser,
    branch_id: Option<&str>,
) -> AppResult<Json<PayablesReport>> {
    user.require("reports.payables:read")?;
    let branch = uuid_param("branch_id", branch_id)?.map(|u| u.to_string());
    let scope = BranchScope::new(user.branch_scope()).sql_param();
    let rows = user
        .tenant
        .db
        .read(move |c| open_balances(c, scope.as_deref(), branch.as_deref()))
        .await?;
    let r = report(rows, clock::today())?;
    Ok(Json(PayablesReport {
        as_of: r.as_of,
        vendors: r
            .customers
            .into_iter()
            .map(|c| VendorPayable {
                vendor_id: c.customer_id,
                vendor_name: c.customer_name,
                gstin: c.gstin,
                bills: c.invoices,
                outstanding_paise: c.outstanding_paise,
                buckets: c.buckets,
            })
            .collect(),
        totals: PayablesTotals {
            bills: r.totals.invoices,
            outstanding_paise: r.totals.outstanding_paise,
            buckets: r.totals.buckets,
        },
    }))
}
