//! `GET/PUT /api/v1/stock/settings`: whether stock may go below zero.

use rocket::serde::json::Json;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::audit;
use crate::auth::TenantUser;
use crate::blocking;
use crate::clock;
use crate::error::AppResult;
use crate::http::headers::IfMatch;
use crate::http::JsonBody;
use crate::modules::fields::check_version;

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![get_settings, put_settings]
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StockSettings {
    /// When false (the default), issuing, transferring or cancelling more than a branch
    /// holds is 409 `insufficient_stock`.
    pub allow_negative_stock: bool,
    pub version: i64,
    pub updated_at: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutStockSettings {
    pub allow_negative_stock: bool,
}

fn read(c: &rusqlite::Connection) -> AppResult<StockSettings> {
    Ok(c.query_row(
        "SELECT allow_negative, version, updated_at FROM stock_settings WHERE id = 1",
        [],
        |r| {
            Ok(StockSettings {
                allow_negative_stock: r.get(0)?,
                version: r.get(1)?,
                updated_at: r.get(2)?,
            })
        },
    )?)
}

/// The stock settings.
#[utoipa::path(get, path = "/api/v1/stock/settings", tag = "stock", security(("bearer" = [])),
    responses((status = 200, description = "The settings", body = StockSettings)))]
#[rocket::get("/stock/settings")]
pub async fn get_settings(user: TenantUser) -> AppResult<Json<StockSettings>> {
    user.require("stock.reports:read")?;
    user.tenant.db.read(read).await.map(Json)
}

/// Allow or refuse negative stock.
#[utoipa::path(put, path = "/api/v1/stock/settings", tag = "stock", request_body = PutStockSettings, security(("bearer" = [])),
    params(("If-Match" = Option<String>, Header, description = "expected version, e.g. \"3\"")),
    responses((status = 200, description = "Saved", body = StockSettings)))]
#[rocket::put("/stock/settings", data = "<body>")]
pub async fn put_settings(
    user: TenantUser,
    body: JsonBody<PutStockSettings>,
    if_match: IfMatch,
) -> AppResult<Json<StockSettings>> {
    user.require("stock.settings:write")?;
    let (t, actor, allow) = (
        std::sync::Arc::clone(&user.tenant),
        user.actor(),
        body.0.allow_negative_stock,
    );
    blocking::run(move || {
        t.db.write_blocking(|tx| {
            let before = read(tx)?;
            check_version(if_match.0, before.version)?;
            tx.execute(
                "UPDATE stock_settings SET allow_negative = ?1, version = version + 1,
                     updated_at = ?2 WHERE id = 1",
                rusqlite::params![allow, clock::now_rfc3339()],
            )?;
            audit::append(
                tx,
                &actor,
                "stock.settings_changed",
                "stock_settings",
                None,
                json!({"allow_negative_stock": {"from": before.allow_negative_stock, "to": allow}}),
            )?;
            read(tx)
        })
    })
    .await
    .map(Json)
}
