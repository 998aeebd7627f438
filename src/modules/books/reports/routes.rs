//! `/api/v1/reports/{trial-balance,profit-and-loss,balance-sheet,ledger,party-ledger,day-book}`.

use std::sync::Arc;

use rocket::serde::json::Json;

use super::model::{BalanceSheet, Ledger, ProfitAndLoss, TrialBalance};
use super::service::{self, LedgerQuery, View};
use crate::auth::TenantUser;
use crate::blocking;
use crate::clock;
use crate::domain::format_iso_date;
use crate::error::{AppError, AppResult};
use crate::http::binary::Binary;
use crate::http::pagination::page_of;
use crate::http::pagination::Page;
use crate::http::query::{date_param, uuid_param, PageRequest};
use crate::modules::books::journals::model::{Journal, JournalFilter, Ref};
use crate::modules::books::journals::routes::seq_cursor;
use crate::modules::books::journals::service as journals;
use crate::modules::fields::BranchScope;

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![
        trial_balance,
        profit_and_loss,
        balance_sheet,
        ledger,
        party_ledger,
        statement_pdf,
        day_book
    ]
}

fn view(user: &TenantUser, branch_id: Option<&str>) -> AppResult<View> {
    let branch = uuid_param("branch_id", branch_id)?.map(|u| u.to_string());
    View::new(&BranchScope::new(user.branch_scope()), branch)
}

fn day(name: &str, v: Option<&str>) -> AppResult<Option<String>> {
    Ok(date_param(name, v)?.map(format_iso_date))
}

/// `?from=&to=`: `to` defaults to today, `from` to the start of `to`'s financial year.
fn period(from: Option<&str>, to: Option<&str>) -> AppResult<(String, String)> {
    let to = day("to", to)?.unwrap_or_else(|| format_iso_date(clock::today()));
    let from = match day("from", from)? {
        Some(f) => f,
        None => {
            let (y, md) = to.split_at(4);
            let year: i32 = y.parse().map_err(AppError::internal)?;
            let start = if md >= "-04-01" { year } else { year - 1 };
            format!("{start}-04-01")
        }
    };
    if from > to {
        return Err(AppError::field(
            "from",
            "out_of_range",
            "from must not be after to",
        ));
    }
    Ok((from, to))
}

/// Every account's balance on a day (closing entries included); debits equal credits.
#[utoipa::path(get, path = "/api/v1/reports/trial-balance", tag = "books", security(("bearer" = [])),
    params(("as_of" = Option<String>, Query, description = "YYYY-MM-DD, default today"),
        ("branch_id" = Option<String>, Query, description = "one branch only")),
    responses((status = 200, description = "Trial balance", body = TrialBalance)))]
#[rocket::get("/reports/trial-balance?<as_of>&<branch_id>")]
pub async fn trial_balance(
    user: TenantUser,
    as_of: Option<&str>,
    branch_id: Option<&str>,
) -> AppResult<Json<TrialBalance>> {
    user.require("books.reports:read")?;
    let v = view(&user, branch_id)?;
    let as_of = day("as_of", as_of)?.unwrap_or_else(|| format_iso_date(clock::today()));
    let t = Arc::clone(&user.tenant);
    blocking::run(move || service::trial_balance(&t, &v, &as_of))
        .await
        .map(Json)
}

/// Income and expenses of a period, by group; year-closing entries are left out.
#[utoipa::path(get, path = "/api/v1/reports/profit-and-loss", tag = "books", security(("bearer" = [])),
    params(("from" = Option<String>, Query, description = "YYYY-MM-DD, default the start of the financial year"),
        ("to" = Option<String>, Query, description = "YYYY-MM-DD, default today"),
        ("branch_id" = Option<String>, Query, description = "one branch only")),
    responses((status = 200, description = "Profit and loss", body = ProfitAndLoss)))]
#[rocket::get("/reports/profit-and-loss?<from>&<to>&<branch_id>")]
pub async fn profit_and_loss(
    user: TenantUser,
    from: Option<&str>,
    to: Option<&str>,
    branch_id: Option<&str>,
) -> AppResult<Json<ProfitAndLoss>> {
    user.require("books.reports:read")?;
    let v = view(&user, branch_id)?;
    let (from, to) = period(from, to)?;
    let t = Arc::clone(&user.tenant);
    blocking::run(move || service::profit_and_loss(&t, &v, &from, &to))
        .await
        .map(Json)
}

/// Assets, liabilities and equity on a day, with the profit not yet closed.
#[utoipa::path(get, path = "/api/v1/reports/balance-sheet", tag = "books", security(("bearer" = [])),
    params(("as_of" = Option<String>, Query, description = "YYYY-MM-DD, default today"),
        ("branch_id" = Option<String>, Query, description = "one branch only")),
    responses((status = 200, description = "Balance sheet", body = BalanceSheet)))]
#[rocket::get("/reports/balance-sheet?<as_of>&<branch_id>")]
pub async fn balance_sheet(
    user: TenantUser,
    as_of: Option<&str>,
    branch_id: Option<&str>,
) -> AppResult<Json<BalanceSheet>> {
    user.require("books.reports:read")?;
    let v = view(&user, branch_id)?;
    let as_of = day("as_of", as_of)?.unwrap_or_else(|| format_iso_date(clock::today()));
    let t = Arc::clone(&user.tenant);
    blocking::run(move || service::balance_sheet(&t, &v, &as_of))
        .await
        .map(Json)
}

/// An account's entries with a running balance (a group's: all accounts under it, e.g.
/// Bank Accounts for the bank book; Cash-in-hand is the cash book).
#[utoipa::path(get, path = "/api/v1/reports/ledger", tag = "books", security(("bearer" = [])),
    params(("account_id" = String, Query, description = "account (or group) id"),
        ("from" = Option<String>, Query, description = "YYYY-MM-DD, default the start of the financial year"),
        ("to" = Option<String>, Query, description = "YYYY-MM-DD, default today"),
        ("branch_id" = Option<String>, Query, description = "one branch only"),
        ("limit" = Option<u32>, Query, description = "1 to 200, default 50"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page")),
    responses((status = 200, description = "Ledger", body = Ledger)))]
#[allow(clippy::too_many_arguments)]
#[rocket::get("/reports/ledger?<account_id>&<from>&<to>&<branch_id>&<limit>&<cursor>")]
pub async fn ledger(
    user: TenantUser,
    account_id: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    branch_id: Option<&str>,
    limit: Option<&str>,
    cursor: Option<&str>,
) -> AppResult<Json<Ledger>> {
    user.require("books.reports:read")?;
    let account_id = uuid_param("account_id", account_id)?
        .ok_or_else(|| AppError::field("account_id", "required", "name the account"))?
        .to_string();
    let v = view(&user, branch_id)?;
    let (from, to) = period(from, to)?;
    let page = PageRequest::parse(limit, cursor)?;
    let q = LedgerQuery {
        from,
        to,
        limit: page.limit,
        after: page.after,
    };
    let t = Arc::clone(&user.tenant);
    blocking::run(move || service::ledger(&t, &v, Some(&account_id), None, &q))
        .await
        .map(Json)
}

/// A customer's (or vendor's) statement of account: every entry naming them, with a
/// running balance (debit: they owe).
#[utoipa::path(get, path = "/api/v1/reports/party-ledger", tag = "books", security(("bearer" = [])),
    params(("type" = String, Query, description = "customer or vendor"),
        ("id" = String, Query, description = "the customer's or vendor's id"),
        ("from" = Option<String>, Query, description = "YYYY-MM-DD, default the start of the financial year"),
        ("to" = Option<String>, Query, description = "YYYY-MM-DD, default today"),
        ("limit" = Option<u32>, Query, description = "1 to 200, default 50"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page")),
    responses((status = 200, description = "Statement of account", body = Ledger)))]
#[allow(clippy::too_many_arguments)]
#[rocket::get("/reports/party-ledger?<type>&<id>&<from>&<to>&<limit>&<cursor>")]
pub async fn party_ledger(
    user: TenantUser,
    r#type: Option<&str>,
    id: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    limit: Option<&str>,
    cursor: Option<&str>,
) -> AppResult<Json<Ledger>> {
    user.require("books.reports:read")?;
    let kind = match r#type {
        Some(k @ ("customer" | "vendor")) => k.to_string(),
        Some(_) => {
            return Err(AppError::field(
                "type",
                "invalid_value",
                "customer or vendor",
            ))
        }
        None => return Err(AppError::field("type", "required", "customer or vendor")),
    };
    let id = uuid_param("id", id)?
        .ok_or_else(|| AppError::field("id", "required", "the party's id"))?
        .to_string();
    let v = view(&user, None)?;
    let (from, to) = period(from, to)?;
    let page = PageRequest::parse(limit, cursor)?;
    let q = LedgerQuery {
        from,
        to,
        limit: page.limit,
        after: page.after,
    };
    let t = Arc::clone(&user.tenant);
    let party = Ref { kind, id };
    blocking::run(move || service::ledger(&t, &v, None, Some(party), &q))
        .await
        .map(Json)
}

/// A customer's statement of account for the period as A4 PDF (at most 5,000 entries).
#[utoipa::path(get, path = "/api/v1/reports/statement.pdf", tag = "books", security(("bearer" = [])),
    params(("customer_id" = String, Query, description = "the customer's id"),
        ("from" = Option<String>, Query, description = "YYYY-MM-DD, default the start of the financial year"),
        ("to" = Option<String>, Query, description = "YYYY-MM-DD, default today")),
    responses((status = 200, description = "The statement", content_type = "application/pdf", body = Vec<u8>)))]
#[rocket::get("/reports/statement.pdf?<customer_id>&<from>&<to>")]
pub async fn statement_pdf(
    user: TenantUser,
    customer_id: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> AppResult<Binary> {
    user.require("books.reports:read")?;
    let id = uuid_param("customer_id", customer_id)?
        .ok_or_else(|| AppError::field("customer_id", "required", "the customer's id"))?
        .to_string();
    let v = view(&user, None)?;
    let (from, to) = period(from, to)?;
    let t = Arc::clone(&user.tenant);
    let bytes = blocking::run(move || service::statement_pdf(&t, &v, &id, &from, &to)).await?;
    Ok(Binary {
        content_type: rocket::http::ContentType::PDF,
        filename: Some("statement.pdf".into()),
        bytes,
    })
}

/// Every journal of one day, newest first.
#[utoipa::path(get, path = "/api/v1/reports/day-book", tag = "books", security(("bearer" = [])),
    params(("date" = Option<String>, Query, description = "YYYY-MM-DD, default today"),
        ("limit" = Option<u32>, Query, description = "1 to 200, default 50"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page")),
    responses((status = 200, description = "The day's journals", body = Page<Journal>)))]
#[rocket::get("/reports/day-book?<date>&<limit>&<cursor>")]
pub async fn day_book(
    user: TenantUser,
    date: Option<&str>,
    limit: Option<&str>,
    cursor: Option<&str>,
) -> AppResult<Json<Page<Journal>>> {
    user.require("books.reports:read")?;
    let date = day("date", date)?.unwrap_or_else(|| format_iso_date(clock::today()));
    let page = PageRequest::parse(limit, cursor)?;
    let before_seq = seq_cursor(&page)?;
    let filter = JournalFilter {
        from: Some(date.clone()),
        to: Some(date),
        before_seq,
        limit: page.limit,
        ..Default::default()
    };
    let (t, scope) = (
        Arc::clone(&user.tenant),
        BranchScope::new(user.branch_scope()),
    );
    let rows = blocking::run(move || journals::list(&t, &scope, &filter)).await?;
    Ok(Json(page_of(rows, page.limit, |j| {
        (j.seq.to_string(), j.id.clone())
    })))
}
