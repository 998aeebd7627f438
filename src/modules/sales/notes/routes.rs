//! `/api/v1/credit-notes` and `/api/v1/debit-notes`: the same handlers for both kinds.

use std::sync::Arc;

use rocket::http::Status;
use rocket::serde::json::Json;

use super::model::{CreateNote, Note, NoteFilter, NoteKind, NoteStatus};
use super::{repo, service};
use crate::auth::TenantUser;
use crate::blocking;
use crate::error::{AppError, AppResult};
use crate::http::headers::IfMatch;
use crate::http::pagination::page_of;
use crate::http::pagination::Page;
use crate::http::query::{uuid_param, PageRequest};
use crate::http::JsonBody;
use crate::ids;
use crate::modules::sales::common::{blank_as_none, scope_json, Scope};

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![
        list_credit_notes,
        create_credit_note,
        get_credit_note,
        delete_credit_note,
        issue_credit_note,
        list_debit_notes,
        create_debit_note,
        get_debit_note,
        delete_debit_note,
        issue_debit_note
    ]
}

fn scope_of(user: &TenantUser) -> Scope {
    user.branch_scope().map(<[String]>::to_vec)
}

async fn list(
    user: TenantUser,
    kind: NoteKind,
    limit: Option<&str>,
    cursor: Option<&str>,
    invoice_id: Option<&str>,
    customer_id: Option<&str>,
    status: Option<&str>,
) -> AppResult<Json<Page<Note>>> {
    user.require(&kind.permission("read"))?;
    let page = PageRequest::parse(limit, cursor)?;
    let status = match blank_as_none(status) {
        None => None,
        Some(s) => Some(
            NoteStatus::parse(s)
                .map(NoteStatus::as_str)
                .ok_or_else(|| AppError::field("status", "invalid_value", "draft or issued"))?,
        ),
    };
    let filter = NoteFilter {
        kind: Some(kind),
        scope: scope_json(&scope_of(&user)),
        invoice_id: uuid_param("invoice_id", invoice_id)?.map(|u| u.to_string()),
        customer_id: uuid_param("customer_id", customer_id)?.map(|u| u.to_string()),
        status,
        after: page.after.map(|(_, id)| id.to_string()),
        limit: page.limit,
    };
    let rows = user.tenant.db.read(move |c| repo::list(c, &filter)).await?;
    Ok(Json(page_of(rows, page.limit, |r| {
        (String::new(), r.id.clone())
    })))
}

async fn create(
    user: TenantUser,
    kind: NoteKind,
    body: JsonBody<CreateNote>,
) -> AppResult<(Status, Json<Note>)> {
    user.require(&kind.permission("write"))?;
    let (t, scope, actor) = (Arc::clone(&user.tenant), scope_of(&user), user.actor());
    let n = blocking::run(move || service::create(&t, &scope, kind, &body.0, &actor)).await?;
    Ok((Status::Created, Json(n)))
}

async fn get(user: TenantUser, kind: NoteKind, id: &str) -> AppResult<Json<Note>> {
    user.require(&kind.permission("read"))?;
    let id = ids::parse(id)?;
    let scope = scope_of(&user);
    user.tenant
        .db
        .read(move |c| service::visible(c, &scope, kind, &id))
        .await
        .map(Json)
}

async fn delete(
    user: TenantUser,
    kind: NoteKind,
    id: &str,
    if_match: IfMatch,
) -> AppResult<Status> {
    user.require(&kind.permission("write"))?;
    let id = ids::parse(id)?;
    let (t, scope, actor) = (Arc::clone(&user.tenant), scope_of(&user), user.actor());
    blocking::run(move || service::delete(&t, &scope, kind, &id, if_match.0, &actor)).await?;
    Ok(Status::NoContent)
}

async fn issue(
    user: TenantUser,
    kind: NoteKind,
    id: &str,
    if_match: IfMatch,
) -> AppResult<Json<Note>> {
    user.require(&kind.permission("issue"))?;
    let id = ids::parse(id)?;
    let (t, scope, actor) = (Arc::clone(&user.tenant), scope_of(&user), user.actor());
    blocking::run(move || service::issue(&t, &scope, kind, &id, if_match.0, &actor))
        .await
        .map(Json)
}

/// List credit notes (only those of the user's branches), oldest first.
#[utoipa::path(get, path = "/api/v1/credit-notes", tag = "sales", security(("bearer" = [])),
    params(
        ("limit" = Option<u32>, Query, description = "1–200, default 50"),
        ("cursor" = Option<String>, Query, description = "opaque, from `next_cursor`"),
        ("invoice_id" = Option<String>, Query, description = "the invoice amended"),
        ("customer_id" = Option<String>, Query, description = "customer id"),
        ("status" = Option<NoteStatus>, Query, description = "draft or issued"),
    ),
    responses((status = 200, description = "A page of credit notes with their lines", body = Page<Note>)))]
#[rocket::get("/credit-notes?<limit>&<cursor>&<invoice_id>&<customer_id>&<status>")]
pub async fn list_credit_notes(
    user: TenantUser,
    limit: Option<&str>,
    cursor: Option<&str>,
    invoice_id: Option<&str>,
    customer_id: Option<&str>,
    status: Option<&str>,
) -> AppResult<Json<Page<Note>>> {
    list(
        user,
        NoteKind::Credit,
        limit,
        cursor,
        invoice_id,
        customer_id,
        status,
    )
    .await
}

/// Create a draft credit note against an issued invoice; each line names an invoice line and a
/// quantity or a taxable value. All credit notes of an invoice never exceed it (422 `exceeds_invoice`); dated after 30 November following the invoice's financial year: 422 `time_barred`.
#[utoipa::path(post, path = "/api/v1/credit-notes", tag = "sales", request_body = CreateNote, security(("bearer" = [])),
    responses((status = 201, description = "The draft", body = Note)))]
#[rocket::post("/credit-notes", data = "<body>")]
pub async fn create_credit_note(
    user: TenantUser,
    body: JsonBody<CreateNote>,
) -> AppResult<(Status, Json<Note>)> {
    create(user, NoteKind::Credit, body).await
}

/// One credit note with its lines.
#[utoipa::path(get, path = "/api/v1/credit-notes/{id}", tag = "sales", security(("bearer" = [])),
    params(("id" = String, Path, description = "note id")),
    responses((status = 200, description = "The note", body = Note)))]
#[rocket::get("/credit-notes/<id>")]
pub async fn get_credit_note(user: TenantUser, id: &str) -> AppResult<Json<Note>> {
    get(user, NoteKind::Credit, id).await
}

/// Delete a draft credit note (409 once issued).
#[utoipa::path(delete, path = "/api/v1/credit-notes/{id}", tag = "sales", security(("bearer" = [])),
    params(("id" = String, Path, description = "note id"), ("If-Match" = Option<String>, Header, description = "expected version, optional")),
    responses((status = 204, description = "Deleted")))]
#[rocket::delete("/credit-notes/<id>")]
pub async fn delete_credit_note(
    user: TenantUser,
    id: &str,
    if_match: IfMatch,
) -> AppResult<Status> {
    delete(user, NoteKind::Credit, id, if_match).await
}

/// Issue a draft credit note: numbered from the branch's credit_note series, frozen, and applied to the
/// invoice. Lowers the invoice's balance; what exceeds it becomes the customer's credit balance.
#[utoipa::path(post, path = "/api/v1/credit-notes/{id}/issue", tag = "sales", security(("bearer" = [])),
    params(("id" = String, Path, description = "note id"), ("If-Match" = Option<String>, Header, description = "expected version, optional")),
    responses((status = 200, description = "Issued", body = Note)))]
#[rocket::post("/credit-notes/<id>/issue")]
pub async fn issue_credit_note(
    user: TenantUser,
    id: &str,
    if_match: IfMatch,
) -> AppResult<Json<Note>> {
    issue(user, NoteKind::Credit, id, if_match).await
}

/// List debit notes (only those of the user's branches), oldest first.
#[utoipa::path(get, path = "/api/v1/debit-notes", tag = "sales", security(("bearer" = [])),
    params(
        ("limit" = Option<u32>, Query, description = "1–200, default 50"),
        ("cursor" = Option<String>, Query, description = "opaque, from `next_cursor`"),
        ("invoice_id" = Option<String>, Query, description = "the invoice amended"),
        ("customer_id" = Option<String>, Query, description = "customer id"),
        ("status" = Option<NoteStatus>, Query, description = "draft or issued"),
    ),
    responses((status = 200, description = "A page of debit notes with their lines", body = Page<Note>)))]
#[rocket::get("/debit-notes?<limit>&<cursor>&<invoice_id>&<customer_id>&<status>")]
pub async fn list_debit_notes(
    user: TenantUser,
    limit: Option<&str>,
    cursor: Option<&str>,
    invoice_id: Option<&str>,
    customer_id: Option<&str>,
    status: Option<&str>,
) -> AppResult<Json<Page<Note>>> {
    list(
        user,
        NoteKind::Debit,
        limit,
        cursor,
        invoice_id,
        customer_id,
        status,
    )
    .await
}

/// Create a draft debit note against an issued invoice; each line names an invoice line and a
/// quantity or a taxable value.
#[utoipa::path(post, path = "/api/v1/debit-notes", tag = "sales", request_body = CreateNote, security(("bearer" = [])),
    responses((status = 201, description = "The draft", body = Note)))]
#[rocket::post("/debit-notes", data = "<body>")]
pub async fn create_debit_note(
    user: TenantUser,
    body: JsonBody<CreateNote>,
) -> AppResult<(Status, Json<Note>)> {
    create(user, NoteKind::Debit, body).await
}

/// One debit note with its lines.
#[utoipa::path(get, path = "/api/v1/debit-notes/{id}", tag = "sales", security(("bearer" = [])),
    params(("id" = String, Path, description = "note id")),
    responses((status = 200, description = "The note", body = Note)))]
#[rocket::get("/debit-notes/<id>")]
pub async fn get_debit_note(user: TenantUser, id: &str) -> AppResult<Json<Note>> {
    get(user, NoteKind::Debit, id).await
}

/// Delete a draft debit note (409 once issued).
#[utoipa::path(delete, path = "/api/v1/debit-notes/{id}", tag = "sales", security(("bearer" = [])),
    params(("id" = String, Path, description = "note id"), ("If-Match" = Option<String>, Header, description = "expected version, optional")),
    responses((status = 204, description = "Deleted")))]
#[rocket::delete("/debit-notes/<id>")]
pub async fn delete_debit_note(user: TenantUser, id: &str, if_match: IfMatch) -> AppResult<Status> {
    delete(user, NoteKind::Debit, id, if_match).await
}

/// Issue a draft debit note: numbered from the branch's debit_note series, frozen, and applied to the
/// invoice. Raises the invoice's balance.
#[utoipa::path(post, path = "/api/v1/debit-notes/{id}/issue", tag = "sales", security(("bearer" = [])),
    params(("id" = String, Path, description = "note id"), ("If-Match" = Option<String>, Header, description = "expected version, optional")),
    responses((status = 200, description = "Issued", body = Note)))]
#[rocket::post("/debit-notes/<id>/issue")]
pub async fn issue_debit_note(
    user: TenantUser,
    id: &str,
    if_match: IfMatch,
) -> AppResult<Json<Note>> {
    issue(user, NoteKind::Debit, id, if_match).await
}
