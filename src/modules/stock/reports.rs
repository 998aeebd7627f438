//! `GET /api/v1/reports/stock` (quantity and value per item, now or as of a day) and
//! `GET /api/v1/reports/stock-ledger` (every movement of an item with running balances).

use rocket::serde::json::Json;
use rusqlite::{params, Connection};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::TenantUser;
use crate::domain::{format_iso_date, proportion};
use crate::error::{AppError, AppResult};
use crate::http::pagination::page_of;
use crate::http::pagination::Page;
use crate::http::query::{date_param, uuid_param, PageRequest};
use crate::modules::books::journals::routes::seq_cursor;
use crate::modules::fields::BranchScope;

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![stock, stock_ledger]
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StockRow {
    pub item_id: String,
    pub sku: String,
    pub name: String,
    pub unit: String,
    /// Negative only when the tenant allows negative stock.
    #[schema(value_type = f64, example = 2.5)]
    pub quantity: Signed,
    pub value_paise: i64,
    /// Value per unit, rounded to the paisa; null when nothing is on hand.
    pub average_cost_paise: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StockReport {
    /// Null: as of now (every movement posted so far).
    pub as_of: Option<String>,
    /// Null: all the user's branches together.
    pub branch_id: Option<String>,
    /// Items with a quantity or value, by SKU.
    pub items: Vec<StockRow>,
    pub total_value_paise: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StockLedgerEntry {
    /// Posting order.
    pub seq: i64,
    pub date: String,
    pub branch_id: String,
    /// purchase, purchase_cancelled, sale, sale_cancelled, sales_return, transfer_out,
    /// transfer_in or adjustment.
    pub kind: String,
    pub source_type: String,
    pub source_id: String,
    /// The document's number (supplier invoice, invoice, note or challan).
    pub reference: String,
    /// Positive in, negative out.
    #[schema(value_type = f64, example = -2.5)]
    pub quantity: Signed,
    pub value_paise: i64,
    /// The branch's balance after this movement.
    #[schema(value_type = f64, example = 10)]
    pub balance_quantity: Signed,
    pub balance_value_paise: i64,
}

/// A quantity that may be negative (stock below zero, goods leaving), in thousandths;
/// written as a JSON number as quantities are everywhere (`12`, `2.5`, `-0.333`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signed(pub i64);

impl Serialize for Signed {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0 % 1000 == 0 {
            serializer.serialize_i64(self.0 / 1000)
        } else {
            serializer.serialize_f64(self.0 as f64 / 1000.0)
        }
    }
}

fn signed(milli: i64) -> Signed {
    Signed(milli)
}

/// (item id, SKU, name, unit, quantity, value).
type Held = (String, String, String, String, i64, i64);

fn rows(
    c: &Connection,
    scope: Option<&str>,
    branch: Option<&str>,
    as_of: Option<&str>,
) -> AppResult<Vec<Held>> {
    // Now: the levels; as of a day: the movements up to it, summed per item first.
    let source = if as_of.is_some() {
        "SELECT item_id, SUM(quantity_milli) AS q, SUM(value_paise) AS v FROM stock_moves
         WHERE date <= ?3 AND (?1 IS NULL OR branch_id IN (SELECT value FROM json_each(?1)))
           AND (?2 IS NULL OR branch_id = ?2)
         GROUP BY item_id"
    } else {
        "SELECT item_id, SUM(quantity_milli) AS q, SUM(value_paise) AS v FROM stock_levels
         WHERE ?3 IS NULL AND (?1 IS NULL OR branch_id IN (SELECT value FROM json_each(?1)))
           AND (?2 IS NULL OR branch_id = ?2)
         GROUP BY item_id"
    };
    let sql = format!(
        "SELECT i.id, i.sku, i.name, i.unit, s.q, s.v
         FROM ({source}) s JOIN items i ON i.id = s.item_id
         WHERE s.q <> 0 OR s.v <> 0
         ORDER BY i.sku"
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let out = stmt
        .query_map(params![scope, branch, as_of], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    Ok(out)
}

/// Quantity and value (weighted average cost) per item, at one branch or all the user's
/// branches, now or at the end of `as_of`. Its total equals the Stock-in-hand balance of
/// the books on the same day.
#[utoipa::path(get, path = "/api/v1/reports/stock", tag = "stock", security(("bearer" = [])),
    params(("branch_id" = Option<String>, Query, description = "one branch"),
        ("as_of" = Option<String>, Query, description = "YYYY-MM-DD; default now")),
    responses((status = 200, description = "The report", body = StockReport)))]
#[rocket::get("/reports/stock?<branch_id>&<as_of>")]
pub async fn stock(
    user: TenantUser,
    branch_id: Option<&str>,
    as_of: Option<&str>,
) -> AppResult<Json<StockReport>> {
    user.require("stock.reports:read")?;
    let branch = uuid_param("branch_id", branch_id)?.map(|u| u.to_string());
    let as_of = date_param("as_of", as_of)?.map(format_iso_date);
    let scope = BranchScope::new(user.branch_scope());
    if branch.as_deref().is_some_and(|b| !scope.allows(b)) {
        return Err(AppError::field("branch_id", "not_found", "no such branch"));
    }
    let (b, a, s) = (branch.clone(), as_of.clone(), scope.sql_param());
    let found = user
        .tenant
        .db
        .read(move |c| rows(c, s.as_deref(), b.as_deref(), a.as_deref()))
        .await?;
    let mut items = Vec::with_capacity(found.len());
    for (item_id, sku, name, unit, q, value) in found {
        let average = if q > 0 {
            Some(proportion(value, 1000, q).map_err(AppError::internal)?)
        } else {
            None
        };
        items.push(StockRow {
            item_id,
            sku,
            name,
            unit,
            quantity: signed(q),
            value_paise: value,
            average_cost_paise: average,
        });
    }
    Ok(Json(StockReport {
        as_of,
        branch_id: branch,
        total_value_paise: items.iter().map(|i| i.value_paise).sum(),
        items,
    }))
}

/// Every movement of one item, oldest first, with the branch's running balance after
/// each; keyset-paged.
#[utoipa::path(get, path = "/api/v1/reports/stock-ledger", tag = "stock", security(("bearer" = [])),
    params(("item_id" = String, Query, description = "the item"),
        ("branch_id" = Option<String>, Query, description = "one branch"),
        ("from" = Option<String>, Query, description = "YYYY-MM-DD"),
        ("to" = Option<String>, Query, description = "YYYY-MM-DD"),
        ("limit" = Option<u32>, Query, description = "1–200, default 50"),
        ("cursor" = Option<String>, Query, description = "opaque, from `next_cursor`")),
    responses((status = 200, description = "A page of movements", body = Page<StockLedgerEntry>)))]
#[allow(clippy::too_many_arguments)]
#[rocket::get("/reports/stock-ledger?<item_id>&<branch_id>&<from>&<to>&<limit>&<cursor>")]
pub async fn stock_ledger(
    user: TenantUser,
    item_id: Option<&str>,
    branch_id: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    limit: Option<&str>,
    cursor: Option<&str>,
) -> AppResult<Json<Page<StockLedgerEntry>>> {
    user.require("stock.reports:read")?;
    let item = uuid_param("item_id", item_id)?
        .ok_or_else(|| AppError::field("item_id", "required", "name the item"))?
        .to_string();
    let branch = uuid_param("branch_id", branch_id)?.map(|u| u.to_string());
    let from = date_param("from", from)?.map(format_iso_date);
    let to = date_param("to", to)?.map(format_iso_date);
    let page = PageRequest::parse(limit, cursor)?;
    let after = seq_cursor(&page)?.unwrap_or(0);
    let scope = BranchScope::new(user.branch_scope()).sql_param();
    let (i, lim) = (item.clone(), i64::from(page.limit) + 1);
    let entries = user
        .tenant
        .db
        .read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT seq, date, branch_id, kind, source_type, source_id, reference,
                        quantity_milli, value_paise, balance_quantity_milli, balance_value_paise
                 FROM stock_moves
                 WHERE item_id = ?1 AND seq > ?2
                   AND (?3 IS NULL OR branch_id = ?3)
                   AND (?4 IS NULL OR branch_id IN (SELECT value FROM json_each(?4)))
                   AND (?5 IS NULL OR date >= ?5) AND (?6 IS NULL OR date <= ?6)
                 ORDER BY seq LIMIT ?7",
            )?;
            let rows = stmt
                .query_map(params![i, after, branch, scope, from, to, lim], |r| {
                    Ok(StockLedgerEntry {
                        seq: r.get(0)?,
                        date: r.get(1)?,
                        branch_id: r.get(2)?,
                        kind: r.get(3)?,
                        source_type: r.get(4)?,
                        source_id: r.get(5)?,
                        reference: r.get(6)?,
                        quantity: signed(r.get(7)?),
                        value_paise: r.get(8)?,
                        balance_quantity: signed(r.get(9)?),
                        balance_value_paise: r.get(10)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await?;
    Ok(Json(page_of(entries, page.limit, |e| {
        (e.seq.to_string(), item.clone())
    })))
}
