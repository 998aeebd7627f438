//! Rules of series: prefixes derived from the branch code and de-duplicated, numbers that
//! fit Rule 46(b)'s 16 characters, gapless counters taken in the issuing transaction.

use std::sync::Arc;

use rusqlite::Connection;
use serde_json::json;
use time::Date;

use super::model::{CreateSeries, DocType, PatchSeries, Series, SeriesRow};
use super::repo;
use crate::audit::{self, Actor};
use crate::clock;
use crate::domain::{financial_year, short_financial_year, FieldError};
use crate::error::{AppError, AppResult};
use crate::modules::fields::check_version;
use crate::modules::fields::BranchScope;
use crate::modules::org::repo as branches;
use crate::tenancy::TenantHandle;

/// Rule 46(b): a number has at most 16 characters.
pub const NUMBER_MAX: usize = 16;

/// `^[A-Z][A-Z0-9]{0,3}$`, after trimming and upper-casing.
pub fn parse_prefix(v: &str) -> Result<String, FieldError> {
    let p = v.trim().to_ascii_uppercase();
    let b = p.as_bytes();
    if b.is_empty() {
        return Err(FieldError::required("a prefix is required"));
    }
    if b.len() > 4
        || !b[0].is_ascii_uppercase()
        || !b
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return Err(FieldError::invalid_format(
            "a prefix is a letter followed by up to 3 letters or digits",
        ));
    }
    Ok(p)
}

/// `<prefix>/<YY-YY>/<seq>` with `seq` zero-padded to 5 digits, or None when that is
/// longer than 16 characters.
pub fn format_number(prefix: &str, short_fy: &str, seq: i64) -> Option<String> {
    let n = format!("{prefix}/{short_fy}/{seq:05}");
    (n.len() <= NUMBER_MAX).then_some(n)
}

/// The prefix a new branch's series starts from: the invoice series takes the first four
/// characters of the code, notes the first three and `C` or `D`. A code that starts with
/// a digit is preceded by `B` (a number may not start with `0`, and a prefix starts with
/// a letter).
pub fn base_prefix(code: &str, t: DocType) -> String {
    let code: String = code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let code = if code.starts_with(|c: char| c.is_ascii_uppercase()) {
        code
    } else {
        format!("B{code}")
    };
    let take = |n: usize| code.chars().take(n).collect::<String>();
    match t {
        DocType::Invoice => take(4),
        DocType::CreditNote => format!("{}C", take(3)),
        DocType::DebitNote => format!("{}D", take(3)),
    }
}

/// The base prefix, or with its last character replaced by 2…9, A…Z until it is free.
fn free_prefix(c: &Connection, base: &str) -> AppResult<String> {
    if !repo::prefix_taken(c, base)? {
        return Ok(base.to_string());
    }
    let stem: String = if base.len() > 1 {
        base.chars().take(base.len() - 1).collect()
    } else {
        base.to_string()
    };
    for last in ('2'..='9').chain('A'..='Z') {
        let candidate = format!("{stem}{last}");
        if candidate.len() <= 4 && !repo::prefix_taken(c, &candidate)? {
            return Ok(candidate);
        }
    }
    Err(AppError::Conflict(format!(
        "no free series prefix near {base}; create the series with a prefix of your own"
    )))
}

/// Gives a branch its three series where it has none yet (new branches, and branches
/// that existed before series did, the first time they are needed).
pub fn ensure(c: &Connection, branch_id: &str, code: &str) -> AppResult<Vec<SeriesRow>> {
    let mut have = repo::of_branch(c, branch_id)?;
    if have.len() == DocType::ALL.len() {
        return Ok(have);
    }
    let now = clock::now_rfc3339();
    for t in DocType::ALL {
        if have.iter().any(|s| s.doc_type == t) {
            continue;
        }
        let row = SeriesRow {
            id: crate::ids::new_id(),
            branch_id: branch_id.to_string(),
            doc_type: t,
            prefix: free_prefix(c, &base_prefix(code, t))?,
            version: 1,
            created_at: now.clone(),
            updated_at: now.clone(),
        };
        repo::insert(c, &row)?;
        have.push(row);
    }
    have.sort_by_key(|s| s.doc_type.as_str());
    Ok(have)
}

/// A number taken for a document.
#[derive(Debug, Clone)]
pub struct Taken {
    pub series_id: String,
    pub number: String,
    /// The financial year as `2026-27`.
    pub fy: String,
    pub seq: i64,
}

/// Takes the next number of the branch's series for `t` in the financial year of `date`
/// and records it as issued to `doc_id`. In the caller's transaction: a failure later
/// in the issue gives the number back.
pub fn take(
    c: &Connection,
    branch_id: &str,
    t: DocType,
    date: Date,
    doc_id: &str,
) -> AppResult<Taken> {
    let branch = branches::get(c, branch_id)?.ok_or(AppError::NotFound)?;
    let series = ensure(c, branch_id, &branch.code)?
        .into_iter()
        .find(|s| s.doc_type == t)
        .ok_or_else(|| AppError::internal("series missing after ensure"))?;
    let fy = financial_year(date);
    let seq = repo::bump(c, &series.id, &fy)?;
    let number = format_number(&series.prefix, &short_financial_year(date), seq).ok_or_else(|| {
        AppError::state_rule(
            "series_exhausted",
            "Series exhausted",
            format!(
                "series {} cannot number document {seq} of {fy} within 16 characters (CGST Rule 46(b)); give the series a shorter prefix",
                series.prefix
            ),
        )
    })?;
    repo::record_number(c, &number, t, doc_id)?;
    Ok(Taken {
        series_id: series.id,
        number,
        fy,
        seq,
    })
}

fn view(c: &Connection, s: SeriesRow) -> AppResult<Series> {
    let today = clock::today();
    let next = repo::last_seq(c, &s.id, &financial_year(today))? + 1;
    let next_number = format_number(&s.prefix, &short_financial_year(today), next)
        .unwrap_or_else(|| "(exhausted)".to_string());
    Ok(Series {
        id: s.id,
        branch_id: s.branch_id,
        doc_type: s.doc_type,
        prefix: s.prefix,
        next_number,
        version: s.version,
        created_at: s.created_at,
        updated_at: s.updated_at,
    })
}

fn branch_in_scope(
    c: &Connection,
    scope: &BranchScope,
    branch_id: &str,
) -> AppResult<crate::modules::org::model::Branch> {
    branches::get(c, branch_id)?
        .filter(|b| scope.allows(&b.id))
        .ok_or(AppError::NotFound)
}

/// A branch's series (made first where missing).
pub fn list(
    tenant: &Arc<TenantHandle>,
    scope: &BranchScope,
    branch_id: &str,
) -> AppResult<Vec<Series>> {
    tenant.db.write_blocking(|tx| {
        let b = branch_in_scope(tx, scope, branch_id)?;
        ensure(tx, &b.id, &b.code)?
            .into_iter()
            .map(|s| view(tx, s))
            .collect()
    })
}

fn unique_prefix(c: &Connection, prefix: &str) -> AppResult<()> {
    if repo::prefix_taken(c, prefix)? {
        return Err(AppError::field(
            "prefix",
            "duplicate",
            format!("prefix {prefix} is used by another series"),
        ));
    }
    Ok(())
}

pub fn create(
    tenant: &Arc<TenantHandle>,
    scope: &BranchScope,
    branch_id: &str,
    req: &CreateSeries,
    actor: &Actor,
) -> AppResult<Series> {
    let prefix =
        parse_prefix(&req.prefix).map_err(|e| AppError::field("prefix", e.code, e.message))?;
    let now = clock::now_rfc3339();
    tenant.db.write_blocking(|tx| {
        let b = branch_in_scope(tx, scope, branch_id)?;
        if repo::for_doc(tx, &b.id, req.doc_type)?.is_some() {
            return Err(AppError::Conflict(format!(
                "branch {} already has a {} series; change its prefix instead",
                b.code,
                req.doc_type.as_str()
            )));
        }
        unique_prefix(tx, &prefix)?;
        let row = SeriesRow {
            id: crate::ids::new_id(),
            branch_id: b.id.clone(),
            doc_type: req.doc_type,
            prefix: prefix.clone(),
            version: 1,
            created_at: now.clone(),
            updated_at: now.clone(),
        };
        repo::insert(tx, &row)?;
        audit::append(
            tx,
            actor,
            "series.created",
            "series",
            Some(&row.id),
            json!({"branch_id": b.id, "doc_type": req.doc_type.as_str(), "prefix": prefix}),
        )?;
        view(tx, row)
    })
}

/// A new prefix applies to numbers issued from now on; numbers already issued keep theirs.
pub fn patch(
    tenant: &Arc<TenantHandle>,
    scope: &BranchScope,
    branch_id: &str,
    id: &str,
    req: &PatchSeries,
    if_match: Option<i64>,
    actor: &Actor,
) -> AppResult<Series> {
    let prefix =
        parse_prefix(&req.prefix).map_err(|e| AppError::field("prefix", e.code, e.message))?;
    let now = clock::now_rfc3339();
    tenant.db.write_blocking(|tx| {
        let b = branch_in_scope(tx, scope, branch_id)?;
        let before = repo::get(tx, id)?
            .filter(|s| s.branch_id == b.id)
            .ok_or(AppError::NotFound)?;
        check_version(if_match, before.version)?;
        if before.prefix != prefix {
            unique_prefix(tx, &prefix)?;
            repo::set_prefix(tx, id, &prefix, &now)?;
            audit::append(
                tx,
                actor,
                "series.updated",
                "series",
                Some(id),
                json!({"prefix": {"from": before.prefix, "to": prefix}}),
            )?;
        }
        let after = repo::get(tx, id)?.ok_or(AppError::NotFound)?;
        view(tx, after)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn numbers_fit_sixteen_characters() {
        assert_eq!(
            format_number("HQ", "26-27", 1).as_deref(),
            Some("HQ/26-27/00001")
        );
        assert_eq!(
            format_number("PUNC", "26-27", 42).as_deref(),
            Some("PUNC/26-27/00042")
        );
        assert_eq!(
            format_number("PUNC", "26-27", 99_999).as_deref(),
            Some("PUNC/26-27/99999")
        );
        assert_eq!(format_number("PUNC", "26-27", 100_000), None);
        assert_eq!(
            format_number("HQ", "26-27", 1_234_567).as_deref(),
            Some("HQ/26-27/1234567")
        );
        assert_eq!(format_number("HQ", "26-27", 12_345_678), None);
    }

    #[test]
    fn prefixes_from_codes() {
        assert_eq!(base_prefix("BLR", DocType::Invoice), "BLR");
        assert_eq!(base_prefix("BLR", DocType::CreditNote), "BLRC");
        assert_eq!(base_prefix("MUMBAI01", DocType::Invoice), "MUMB");
        assert_eq!(base_prefix("MUMBAI01", DocType::DebitNote), "MUMD");
        assert_eq!(base_prefix("HQ", DocType::CreditNote), "HQC");
        assert_eq!(base_prefix("01", DocType::Invoice), "B01");
        for t in DocType::ALL {
            for code in ["HQ", "BLR", "PUNE", "MUMBAI01", "0123456789", "9Z"] {
                assert!(parse_prefix(&base_prefix(code, t)).is_ok(), "{code} {t:?}");
            }
        }
    }

    #[test]
    fn prefix_rules() {
        assert_eq!(parse_prefix(" hq ").ok().as_deref(), Some("HQ"));
        for bad in ["", "1A", "ABCDE", "A-B", "A/B", "À"] {
            assert!(parse_prefix(bad).is_err(), "{bad:?}");
        }
    }

    proptest! {
        /// Every number a valid prefix can produce is a Rule 46(b) number, or refused.
        #[test]
        fn every_number_is_legal(prefix in "[A-Z][A-Z0-9]{0,3}", start in 2000i32..2099, seq in 1i64..100_000_000) {
            let fy = format!("{:02}-{:02}", start % 100, (start + 1) % 100);
            let re = regex::Regex::new("^[A-Z1-9][A-Z0-9/-]{0,15}$").map_err(|e| TestCaseError::fail(e.to_string()))?;
            let padded = format!("{:05}", seq);
            match format_number(&prefix, &fy, seq) {
                Some(n) => {
                    prop_assert!(re.is_match(&n), "{}", n);
                    prop_assert!(n.ends_with(&padded));
                }
                None => prop_assert!(prefix.len() + 7 + padded.len() > NUMBER_MAX),
            }
        }
    }
}
