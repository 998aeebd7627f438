//! `/api/v1/audit` and `/api/v1/audit/verify`.

use rocket::serde::json::Json;

use super::service::{self, AuditQuery};
use crate::audit::{self, AuditEvent, Verification};
use crate::auth::TenantUser;
use crate::error::AppResult;
use crate::http::pagination::Page;

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![list_audit, verify_audit]
}

/// The audit trail, newest first. Filters: `entity`, `entity_id`, `actor_id`, `action`,
/// `from` (inclusive) and `to` (exclusive; a bare date includes that whole day).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", security(("bearer" = [])),
    params(("limit" = Option<u32>, Query, description = "1–200, default 50"), ("cursor" = Option<String>, Query, description = "opaque"),
        ("entity" = Option<String>, Query, description = "e.g. employee"), ("entity_id" = Option<String>, Query, description = "id of the entity"),
        ("actor_id" = Option<String>, Query, description = "user id"), ("action" = Option<String>, Query, description = "e.g. employee.reveal"),
        ("from" = Option<String>, Query, description = "RFC 3339 instant or YYYY-MM-DD"), ("to" = Option<String>, Query, description = "RFC 3339 instant or YYYY-MM-DD")),
    responses((status = 200, description = "A page of events", body = Page<AuditEvent>)))]
#[allow(clippy::too_many_arguments)]
#[rocket::get("/audit?<limit>&<cursor>&<entity>&<entity_id>&<actor_id>&<action>&<from>&<to>")]
pub async fn list_audit(
    user: TenantUser,
    limit: Option<&str>,
    cursor: Option<&str>,
    entity: Option<&str>,
    entity_id: Option<&str>,
    actor_id: Option<&str>,
    action: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> AppResult<Json<Page<AuditEvent>>> {
    user.require("audit.log:read")?;
    let filter = service::filter_of(&AuditQuery {
        entity,
        entity_id,
        actor_id,
        action,
        from,
        to,
        limit,
        cursor,
    })?;
    let limit = filter.limit as usize;
    let mut items = user
        .tenant
        .db
        .read(move |c| audit::repo::list(c, &filter))
        .await?;
    let more = items.len() > limit;
    items.truncate(limit);
    let next_cursor = if more {
        items.last().map(|e| service::cursor_for(e.seq))
    } else {
        None
    };
    Ok(Json(Page { items, next_cursor }))
}

/// Recomputes the hash chain over every stored event.
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit", security(("bearer" = [])),
    responses((status = 200, description = "`ok`, the number of events and the head hash; when broken, `first_bad_seq`", body = Verification)))]
#[rocket::get("/audit/verify")]
pub async fn verify_audit(user: TenantUser) -> AppResult<Json<Verification>> {
    user.require("audit.log:read")?;
    user.tenant.db.read(audit::verify).await.map(Json)
}
