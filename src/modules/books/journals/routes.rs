//! `/api/v1/journals`.

use std::sync::Arc;

use rocket::http::Status;
use rocket::serde::json::Json;

use super::model::{CreateJournal, Journal, JournalFilter, ReverseJournal};
use super::service;
use crate::auth::TenantUser;
use crate::blocking;
use crate::domain::format_iso_date;
use crate::error::{AppError, AppResult};
use crate::http::pagination::page_of;
use crate::http::pagination::Page;
use crate::http::query::{date_param, uuid_param, PageRequest};
use crate::http::JsonBody;
use crate::ids;
use crate::modules::fields::BranchScope;

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![list_journals, create_journal, get_journal, reverse_journal]
}

fn scope_of(user: &TenantUser) -> BranchScope {
    BranchScope::new(user.branch_scope())
}

const KINDS: [&str; 4] = ["document", "manual", "reversal", "closing"];
const SOURCES: [&str; 10] = [
    "invoice",
    "invoice_cancellation",
    "credit_note",
    "debit_note",
    "payment",
    "year_close",
    "bill",
    "bill_cancellation",
    "vendor_payment",
    "stock_transfer",
];

fn one_of(name: &str, v: Option<&str>, allowed: &[&str]) -> AppResult<Option<String>> {
    match v.filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) if allowed.contains(&s) => Ok(Some(s.to_string())),
        Some(_) => Err(AppError::field(
            name,
            "invalid_value",
            format!("one of {}", allowed.join(", ")),
        )),
    }
}

/// The journal sequence number a `next_cursor` of journals carries.
pub fn seq_cursor(page: &PageRequest) -> AppResult<Option<i64>> {
    match &page.after {
        None => Ok(None),
        Some((k, _)) => k
            .parse::<i64>()
            .map(Some)
            .map_err(|_| AppError::field("cursor", "invalid_format", "cursor is not valid")),
    }
}

/// Journals, newest first. A branch-scoped user sees those whose every line is in one of
/// their branches.
#[utoipa::path(get, path = "/api/v1/journals", tag = "books", security(("bearer" = [])),
    params(("limit" = Option<u32>, Query, description = "1 to 200, default 50"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page"),
        ("from" = Option<String>, Query, description = "YYYY-MM-DD"),
        ("to" = Option<String>, Query, description = "YYYY-MM-DD"),
        ("kind" = Option<String>, Query, description = "document, manual, reversal or closing"),
        ("source_type" = Option<String>, Query, description = "invoice, invoice_cancellation, credit_note, debit_note, payment, year_close, bill, bill_cancellation, vendor_payment or stock_transfer"),
        ("source_id" = Option<String>, Query, description = "the document's id")),
    responses((status = 200, description = "A page of journals", body = Page<Journal>)))]
#[allow(clippy::too_many_arguments)]
#[rocket::get("/journals?<limit>&<cursor>&<from>&<to>&<kind>&<source_type>&<source_id>")]
pub async fn list_journals(
    user: TenantUser,
    limit: Option<&str>,
    cursor: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    kind: Option<&str>,
    source_type: Option<&str>,
    source_id: Option<&str>,
) -> AppResult<Json<Page<Journal>>> {
    user.require("books.journals:read")?;
    let page = PageRequest::parse(limit, cursor)?;
    let before_seq = seq_cursor(&page)?;
    let filter = JournalFilter {
        from: date_param("from", from)?.map(format_iso_date),
        to: date_param("to", to)?.map(format_iso_date),
        kind: one_of("kind", kind, &KINDS)?,
        source_type: one_of("source_type", source_type, &SOURCES)?,
        source_id: uuid_param("source_id", source_id)?.map(|u| u.to_string()),
        before_seq,
        limit: page.limit,
    };
    let (t, scope) = (Arc::clone(&user.tenant), scope_of(&user));
    let rows = blocking::run(move || service::list(&t, &scope, &filter)).await?;
    Ok(Json(page_of(rows, page.limit, |j| {
        (j.seq.to_string(), j.id.clone())
    })))
}

/// Post a manual journal: debits must equal credits (checked here and by the database).
#[utoipa::path(post, path = "/api/v1/journals", tag = "books", request_body = CreateJournal, security(("bearer" = [])),
    responses((status = 201, description = "Posted", body = Journal)))]
#[rocket::post("/journals", data = "<body>")]
pub async fn create_journal(
    user: TenantUser,
    body: JsonBody<CreateJournal>,
) -> AppResult<(Status, Json<Journal>)> {
    user.require("books.journals:write")?;
    let (t, scope, actor) = (Arc::clone(&user.tenant), scope_of(&user), user.actor());
    let j = blocking::run(move || service::create(&t, &scope, &body.0, &actor)).await?;
    Ok((Status::Created, Json(j)))
}

#[utoipa::path(get, path = "/api/v1/journals/{id}", tag = "books", security(("bearer" = [])),
    params(("id" = String, Path, description = "journal id")),
    responses((status = 200, description = "The journal and its lines", body = Journal)))]
#[rocket::get("/journals/<id>")]
pub async fn get_journal(user: TenantUser, id: &str) -> AppResult<Json<Journal>> {
    user.require("books.journals:read")?;
    let (t, scope, id) = (Arc::clone(&user.tenant), scope_of(&user), ids::parse(id)?);
    blocking::run(move || service::get(&t, &scope, &id))
        .await
        .map(Json)
}

/// Reverse a manual journal with its mirror image (never an edit).
#[utoipa::path(post, path = "/api/v1/journals/{id}/reverse", tag = "books", request_body = ReverseJournal, security(("bearer" = [])),
    params(("id" = String, Path, description = "journal id")),
    responses((status = 201, description = "The reversing journal", body = Journal)))]
#[rocket::post("/journals/<id>/reverse", data = "<body>")]
pub async fn reverse_journal(
    user: TenantUser,
    id: &str,
    body: JsonBody<ReverseJournal>,
) -> AppResult<(Status, Json<Journal>)> {
    user.require("books.journals:write")?;
    let (t, scope, id, actor) = (
        Arc::clone(&user.tenant),
        scope_of(&user),
        ids::parse(id)?,
        user.actor(),
    );
    let j = blocking::run(move || service::reverse(&t, &scope, &id, &body.0, &actor)).await?;
    Ok((Status::Created, Json(j)))
}
