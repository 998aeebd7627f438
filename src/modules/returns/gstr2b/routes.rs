//! `/api/v1/returns/gstr2b`.

use std::sync::Arc;

use rocket::serde::json::Json;
use serde_json::json;

use super::file::{self, Gstr2bFile};
use super::reconcile::{self, Reconciliation};
use crate::audit;
use crate::auth::TenantUser;
use crate::blocking;
use crate::error::{AppError, AppResult};
use crate::http::JsonBody;

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![import_gstr2b, get_gstr2b]
}

/// A statement covers every branch of a GSTIN, so only a user of every branch may work
/// with it.
fn all_branches(user: &TenantUser) -> AppResult<()> {
    match user.branch_scope() {
        None => Ok(()),
        Some(_) => Err(AppError::Forbidden(
            "GSTR-2B covers every branch of a GSTIN; a user limited to some branches cannot reconcile it".into(),
        )),
    }
}

/// Import a GSTR-2B JSON file as downloaded from the GST portal and reconcile it.
///
/// The file's `data.gstin` must be one of the branches' GSTINs and every invoice must be
/// readable; otherwise 422 naming the path in the file (`data.docdata.b2b[0].inv[2].dt`)
/// and nothing is stored. A second import of the same GSTIN and period replaces the
/// first. B2B invoices are reconciled; other sections are not read yet.
#[utoipa::path(post, path = "/api/v1/returns/gstr2b", tag = "returns", request_body = Gstr2bFile, security(("bearer" = [])),
    responses((status = 200, description = "Stored; the reconciliation", body = Reconciliation)))]
#[rocket::post("/returns/gstr2b", data = "<body>")]
pub async fn import_gstr2b(
    user: TenantUser,
    body: JsonBody<Gstr2bFile>,
) -> AppResult<Json<Reconciliation>> {
    user.require("returns.gstr2b:write")?;
    all_branches(&user)?;
    let statement = file::check(&body.0)?;
    let (t, actor) = (Arc::clone(&user.tenant), user.actor());
    blocking::run(move || {
        t.db.write_blocking(|tx| {
            if !reconcile::is_ours(tx, &statement.gstin)? {
                return Err(AppError::field(
                    "data.gstin",
                    "not_ours",
                    format!(
                        "{} is not the GSTIN of any branch: this statement is another taxpayer's",
                        statement.gstin
                    ),
                ));
            }
            let id = reconcile::store(tx, &statement, actor.id())?;
            let result = reconcile::reconcile(tx, &statement.period, Some(&statement.gstin))?;
            audit::append(
                tx,
                &actor,
                "gstr2b.imported",
                "gstr2b",
                Some(&id),
                json!({"gstin": statement.gstin, "period": statement.period,
                       "documents": statement.docs.len(), "summary": result.summary}),
            )?;
            Ok(result)
        })
    })
    .await
    .map(Json)
}

/// The reconciliation of an imported period (`MMYYYY`): matched, mismatch (with the
/// differing fields), missing in books, missing in 2B. Computed from the bills as they
/// are now. 404 when nothing was imported for the period.
#[utoipa::path(get, path = "/api/v1/returns/gstr2b/{period}", tag = "returns", security(("bearer" = [])),
    params(("period" = String, Path, description = "MMYYYY, e.g. 062026"),
        ("gstin" = Option<String>, Query, description = "needed when statements of several GSTINs were imported for the period")),
    responses((status = 200, description = "The reconciliation", body = Reconciliation)))]
#[rocket::get("/returns/gstr2b/<period>?<gstin>")]
pub async fn get_gstr2b(
    user: TenantUser,
    period: &str,
    gstin: Option<&str>,
) -> AppResult<Json<Reconciliation>> {
    user.require("returns.gstr2b:read")?;
    all_branches(&user)?;
    let (p, g) = (
        period.to_string(),
        gstin
            .filter(|g| !g.trim().is_empty())
            .map(|g| g.trim().to_ascii_uppercase()),
    );
    user.tenant
        .db
        .read(move |c| reconcile::reconcile(c, &p, g.as_deref()))
        .await
        .map(Json)
}
