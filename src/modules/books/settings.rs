//! The lock date, year close and the auditor's exports:
//! `GET|PUT /api/v1/books/lock`, `POST /api/v1/books/close-year`,
//! `GET /api/v1/books/export/journal.csv` and `/audit.csv`.

use std::sync::Arc;

use rocket::http::ContentType;
use rocket::serde::json::Json;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::posting::{self, Entry, JournalKind, Line};
use crate::audit::{self, Actor};
use crate::auth::TenantUser;
use crate::blocking;
use crate::clock;
use crate::domain::{format_iso_date, parse_iso_date};
use crate::error::{AppError, AppResult};
use crate::http::binary::Binary;
use crate::http::query::date_param;
use crate::http::JsonBody;
use crate::tenancy::TenantHandle;

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![get_lock, put_lock, close_year, export_journal, export_audit]
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Lock {
    /// `YYYY-MM-DD`: nothing dated on or before it can be posted, issued, cancelled or
    /// reversed. Null: no lock.
    pub lock_date: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetLock {
    /// `YYYY-MM-DD`, or null to lift the lock; required.
    #[serde(default, deserialize_with = "crate::modules::fields::nullable")]
    #[schema(value_type = Option<String>, required = true)]
    pub lock_date: Option<Option<String>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseYear {
    /// The financial year, e.g. `2025-26` (1 April 2025 to 31 March 2026).
    #[schema(pattern = "^[0-9]{4}-[0-9]{2}$")]
    pub fy: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct YearClosed {
    pub fy: String,
    /// Income less expenses of the year, moved to Retained Earnings (negative: a loss).
    pub profit_paise: i64,
    /// The closing journal, dated 31 March; null when the year had no income or expense.
    pub journal_id: Option<String>,
    /// The lock date after closing: at least the year's last day.
    pub lock_date: String,
}

/// The lock date.
#[utoipa::path(get, path = "/api/v1/books/lock", tag = "books", security(("bearer" = [])),
    responses((status = 200, description = "The lock date", body = Lock)))]
#[rocket::get("/books/lock")]
pub async fn get_lock(user: TenantUser) -> AppResult<Json<Lock>> {
    user.require("books.journals:read")?;
    let t = Arc::clone(&user.tenant);
    let lock_date = blocking::run(move || t.db.read_blocking(posting::lock_date)).await?;
    Ok(Json(Lock { lock_date }))
}

/// Set (or, with null, lift) the lock date; audited.
#[utoipa::path(put, path = "/api/v1/books/lock", tag = "books", request_body = SetLock, security(("bearer" = [])),
    responses((status = 200, description = "The new lock date", body = Lock)))]
#[rocket::put("/books/lock", data = "<body>")]
pub async fn put_lock(user: TenantUser, body: JsonBody<SetLock>) -> AppResult<Json<Lock>> {
    user.require("books.settings:write")?;
    let given = body.0.lock_date.ok_or_else(|| {
        AppError::field("lock_date", "required", "a date, or null to lift the lock")
    })?;
    let lock_date = match given.as_deref() {
        None => None,
        Some(d) => {
            Some(format_iso_date(parse_iso_date(d.trim()).map_err(|e| {
                AppError::field("lock_date", e.code, e.message)
            })?))
        }
    };
    let (t, actor) = (Arc::clone(&user.tenant), user.actor());
    blocking::run(move || set_lock(&t, lock_date, &actor))
        .await
        .map(|lock_date| Json(Lock { lock_date }))
}

fn set_lock(
    t: &Arc<TenantHandle>,
    lock: Option<String>,
    actor: &Actor,
) -> AppResult<Option<String>> {
    t.db.write_blocking(|tx| {
        let closed: Option<(String, String)> = tx
            .query_row(
                "SELECT fy, last_day FROM closed_years ORDER BY last_day DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((fy, last_day)) = closed {
            if lock.as_deref().is_none_or(|l| l < last_day.as_str()) {
                return Err(AppError::state_rule(
                    "year_closed",
                    "Year closed",
                    format!("{fy} is closed, so the books stay locked up to {last_day} at least."),
                ));
            }
        }
        let before = posting::lock_date(tx)?;
        write_lock(tx, lock.as_deref())?;
        audit::append(
            tx,
            actor,
            "books.lock_changed",
            "books",
            None,
            json!({"lock_date": {"from": before, "to": lock}}),
        )?;
        Ok(lock.clone())
    })
}

fn write_lock(c: &Connection, lock: Option<&str>) -> AppResult<()> {
    c.execute(
        "UPDATE books_settings SET lock_date = ?1, updated_at = ?2 WHERE id = 1",
        params![lock, clock::now_rfc3339()],
    )?;
    Ok(())
}

/// `2025-26` → (2025-04-01, 2026-03-31).
fn fy_bounds(fy: &str) -> AppResult<(String, String)> {
    let bad = || AppError::field("fy", "invalid_format", "a financial year such as 2025-26");
    let (a, b) = fy.trim().split_once('-').ok_or_else(bad)?;
    let start: i32 = a.parse().map_err(|_| bad())?;
    let end: i32 = b.parse().map_err(|_| bad())?;
    if a.len() != 4 || b.len() != 2 || (start + 1) % 100 != end || !(2000..2100).contains(&start) {
        return Err(bad());
    }
    Ok((format!("{start}-04-01"), format!("{}-03-31", start + 1)))
}

/// Moves the year's profit to Retained Earnings with a closing journal dated 31 March
/// (one line per income and expense account and branch, so every branch's profit and
/// loss ends at zero too), then locks the year.
#[utoipa::path(post, path = "/api/v1/books/close-year", tag = "books", request_body = CloseYear, security(("bearer" = [])),
    responses((status = 200, description = "The year is closed and locked", body = YearClosed)))]
#[rocket::post("/books/close-year", data = "<body>")]
pub async fn close_year(
    user: TenantUser,
    body: JsonBody<CloseYear>,
) -> AppResult<Json<YearClosed>> {
    user.require("books.settings:write")?;
    let fy = body.0.fy.trim().to_string();
    let (from, to) = fy_bounds(&fy)?;
    let (t, actor) = (Arc::clone(&user.tenant), user.actor());
    blocking::run(move || close(&t, &fy, &from, &to, &actor))
        .await
        .map(Json)
}

fn close(
    t: &Arc<TenantHandle>,
    fy: &str,
    from: &str,
    to: &str,
    actor: &Actor,
) -> AppResult<YearClosed> {
    if to >= format_iso_date(clock::today()).as_str() {
        return Err(AppError::state_rule(
            "year_not_ended",
            "Year not ended",
            format!("{fy} ends on {to}; close it after that day."),
        ));
    }
    t.db.write_blocking(|tx| {
        let done: Option<String> = tx
            .query_row("SELECT fy FROM closed_years WHERE fy = ?1", [fy], |r| {
                r.get(0)
            })
            .optional()?;
        if done.is_some() {
            return Err(AppError::state_rule(
                "year_closed",
                "Year already closed",
                format!("{fy} is closed already."),
            ));
        }
        posting::check_open(tx, to)?;
        let mut stmt = tx.prepare(
            "SELECT d.account_id, d.branch_id, SUM(d.debit_paise) - SUM(d.credit_paise)
             FROM ledger_days d JOIN accounts a ON a.id = d.account_id
             WHERE a.type IN ('income', 'expense') AND d.day BETWEEN ?1 AND ?2 AND d.closing = 0
             GROUP BY d.account_id, d.branch_id
             HAVING SUM(d.debit_paise) <> SUM(d.credit_paise)
             ORDER BY d.branch_id, d.account_id",
        )?;
        let nets = stmt
            .query_map([from, to], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let retained = posting::system_account(tx, "retained_earnings")?;
        let mut lines = Vec::new();
        let mut profit = 0i64;
        let mut by_branch: std::collections::BTreeMap<String, i64> = Default::default();
        for (account_id, branch, net) in nets {
            // A debit balance (net > 0) is closed with a credit, and the other way round.
            let branch_id = (!branch.is_empty()).then(|| branch.clone());
            lines.push(Line {
                account_id,
                debit: false,
                amount_paise: net,
                party: None,
                branch_id,
            });
            *by_branch.entry(branch).or_default() -= net;
            profit -= net;
        }
        for (branch, branch_profit) in by_branch {
            lines.push(Line {
                account_id: retained.clone(),
                debit: false,
                amount_paise: branch_profit,
                party: None,
                branch_id: (!branch.is_empty()).then_some(branch),
            });
        }
        let journal_id = if lines.iter().filter(|l| l.amount_paise != 0).count() >= 2 {
            Some(posting::post(
                tx,
                &Entry {
                    date: to.to_string(),
                    kind: JournalKind::Closing,
                    narration: format!("Year close {fy}: profit to Retained Earnings"),
                    source: Some(("year_close", fy.to_string())),
                    reverses_id: None,
                    lines,
                },
                actor.id(),
            )?)
        } else {
            None
        };
        let lock = match posting::lock_date(tx)? {
            Some(l) if l.as_str() > to => l,
            _ => to.to_string(),
        };
        write_lock(tx, Some(&lock))?;
        tx.execute(
            "INSERT INTO closed_years (fy, last_day, profit_paise, journal_id, closed_by, closed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![fy, to, profit, journal_id, actor.id(), clock::now_rfc3339()],
        )?;
        audit::append(
            tx,
            actor,
            "books.year_closed",
            "books",
            journal_id.as_deref(),
            json!({"fy": fy, "profit_paise": profit, "lock_date": lock}),
        )?;
        Ok(YearClosed {
            fy: fy.to_string(),
            profit_paise: profit,
            journal_id,
            lock_date: lock,
        })
    })
}

fn period(from: Option<&str>, to: Option<&str>) -> AppResult<(String, String)> {
    let from = date_param("from", from)?.map(format_iso_date);
    let to = date_param("to", to)?.map(format_iso_date);
    Ok((
        from.unwrap_or_else(|| "0000-01-01".into()),
        to.unwrap_or_else(|| "9999-12-31".into()),
    ))
}

fn csv_of(rows: Vec<Vec<String>>, name: &str) -> AppResult<Binary> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(&r).map_err(AppError::internal)?;
    }
    let bytes = w.into_inner().map_err(AppError::internal)?;
    Ok(Binary {
        content_type: ContentType::new("text", "csv").with_params(("charset", "utf-8")),
        filename: Some(name.to_string()),
        bytes,
    })
}

fn rupees(paise: i64) -> String {
    format!(
        "{}{}.{:02}",
        if paise < 0 { "-" } else { "" },
        paise.abs() / 100,
        paise.abs() % 100
    )
}

/// Every journal line of the period, one row each, for the auditor (Companies (Accounts)
/// Rules, rule 3(1)): date, voucher, narration, source document, account, debit, credit.
#[utoipa::path(get, path = "/api/v1/books/export/journal.csv", tag = "books", security(("bearer" = [])),
    params(("from" = Option<String>, Query, description = "YYYY-MM-DD"), ("to" = Option<String>, Query, description = "YYYY-MM-DD")),
    responses((status = 200, description = "CSV, one row per journal line", content_type = "text/csv", body = String)))]
#[rocket::get("/books/export/journal.csv?<from>&<to>")]
pub async fn export_journal(
    user: TenantUser,
    from: Option<&str>,
    to: Option<&str>,
) -> AppResult<Binary> {
    user.require("books.reports:read")?;
    if user.branch_scope().is_some() {
        return Err(AppError::Forbidden(
            "The auditor's export covers every branch; it needs a user without a branch limit."
                .into(),
        ));
    }
    let (from, to) = period(from, to)?;
    let t = Arc::clone(&user.tenant);
    let rows = blocking::run(move || {
        t.db.read_blocking(|c| {
            let mut stmt = c.prepare(
                "SELECT j.date, 'JV-' || j.seq, j.kind, j.narration, COALESCE(j.source_type, ''),
                        COALESCE(j.source_id, ''), COALESCE(j.reverses_id, ''), a.code, a.name,
                        l.debit_paise, l.credit_paise, COALESCE(l.party_type, ''),
                        COALESCE(l.party_id, ''), COALESCE(l.branch_id, ''), j.created_by, j.created_at
                 FROM journals j JOIN journal_lines l ON l.journal_id = j.id
                 JOIN accounts a ON a.id = l.account_id
                 WHERE j.sealed = 1 AND j.date BETWEEN ?1 AND ?2 ORDER BY j.seq, l.line_no",
            )?;
            let mut out = vec![[
                "date", "voucher", "kind", "narration", "source_type", "source_id", "reverses",
                "account_code", "account_name", "debit", "credit", "party_type", "party_id",
                "branch_id", "entered_by", "entered_at",
            ]
            .map(String::from)
            .to_vec()];
            let rows = stmt.query_map([&from, &to], |r| {
                let mut v = Vec::with_capacity(16);
                for i in 0..16 {
                    v.push(match i {
                        9 | 10 => rupees(r.get::<_, i64>(i)?),
                        _ => r.get::<_, String>(i)?,
                    });
                }
                Ok(v)
            })?;
            for r in rows {
                out.push(r?);
            }
            Ok(out)
        })
    })
    .await?;
    csv_of(rows, "journal.csv")
}

/// The edit log of the books for the period: every audit event on accounts, journals,
/// the lock and year close, and the documents that post (issue, cancel, payments).
#[utoipa::path(get, path = "/api/v1/books/export/audit.csv", tag = "books", security(("bearer" = [])),
    params(("from" = Option<String>, Query, description = "YYYY-MM-DD"), ("to" = Option<String>, Query, description = "YYYY-MM-DD")),
    responses((status = 200, description = "CSV, one row per audit event", content_type = "text/csv", body = String)))]
#[rocket::get("/books/export/audit.csv?<from>&<to>")]
pub async fn export_audit(
    user: TenantUser,
    from: Option<&str>,
    to: Option<&str>,
) -> AppResult<Binary> {
    user.require("books.reports:read")?;
    user.require("audit.log:read")?;
    let (from, to) = period(from, to)?;
    let t = Arc::clone(&user.tenant);
    let rows = blocking::run(move || {
        t.db.read_blocking(|c| {
            let mut stmt = c.prepare(
                "SELECT seq, at, COALESCE(actor_id, ''), action, entity, COALESCE(entity_id, ''),
                        changes, hash
                 FROM audit_events
                 WHERE substr(at, 1, 10) BETWEEN ?1 AND ?2
                   AND entity IN ('account', 'journal', 'books', 'invoice', 'credit_note',
                                  'debit_note', 'payment')
                 ORDER BY seq",
            )?;
            let mut out = vec![[
                "seq",
                "at",
                "actor_id",
                "action",
                "entity",
                "entity_id",
                "changes",
                "hash",
            ]
            .map(String::from)
            .to_vec()];
            let rows = stmt.query_map([&from, &to], |r| {
                Ok(vec![
                    r.get::<_, i64>(0)?.to_string(),
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ])
            })?;
            for r in rows {
                out.push(r?);
            }
            Ok(out)
        })
    })
    .await?;
    csv_of(rows, "books-audit.csv")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn financial_years() {
        assert_eq!(
            fy_bounds("2025-26").ok(),
            Some(("2025-04-01".into(), "2026-03-31".into()))
        );
        assert!(fy_bounds("2025-27").is_err());
        assert!(fy_bounds("25-26").is_err());
        assert!(fy_bounds("1999-00").is_err());
        assert_eq!(rupees(-12345), "-123.45");
        assert_eq!(rupees(5), "0.05");
    }
}
