//! Six months of books for `bisman serve --demo`: every demo document is already posted
//! by its own issue; this adds the opening balances (dated before the first invoice) and
//! the month's expenses a real office books by hand (rent, salaries, electricity, bank
//! charges), through the same journal service a user calls.

use std::sync::Arc;

use time::Duration;

use super::journals::model::{CreateJournal, CreateLine};
use super::journals::service as journals;
use crate::audit::Actor;
use crate::clock;
use crate::domain::format_iso_date;
use crate::error::AppResult;
use crate::modules::books::accounts::repo as accounts;
use crate::modules::fields::BranchScope;
use crate::tenancy::TenantHandle;

fn line(
    account: &str,
    debit: Option<i64>,
    credit: Option<i64>,
    branch: Option<&String>,
) -> CreateLine {
    CreateLine {
        account_id: account.to_string(),
        debit_paise: debit,
        credit_paise: credit,
        party: None,
        branch_id: branch.cloned(),
    }
}

/// Returns how many journals it posted (0 when the demo already has manual journals).
pub fn seed(t: &Arc<TenantHandle>, owner_id: &str, branches: &[String]) -> AppResult<usize> {
    let (chart, manual): (Vec<_>, i64) = t.db.read_blocking(|c| {
        Ok((
            accounts::list(c)?,
            c.query_row(
                "SELECT COUNT(*) FROM journals WHERE kind = 'manual'",
                [],
                |r| r.get(0),
            )?,
        ))
    })?;
    if manual > 0 {
        return Ok(0);
    }
    let id = |code: &str| {
        chart
            .iter()
            .find(|a| a.code == code)
            .map(|a| a.id.clone())
            .unwrap_or_default()
    };
    let actor = Actor {
        actor_id: Some(owner_id.to_string()),
        request_id: Some("demo-seed".into()),
        ip: None,
    };
    let all = BranchScope::all();
    let today = clock::today();
    let post = |date: time::Date, narration: &str, lines: Vec<CreateLine>| -> AppResult<()> {
        journals::create(
            t,
            &all,
            &CreateJournal {
                date: format_iso_date(date),
                narration: narration.into(),
                lines,
            },
            &actor,
        )
        .map(|_| ())
    };
    let head = branches.first();
    post(
        today - Duration::days(185),
        "Opening balances: capital brought in",
        vec![
            line(&id("1121"), Some(500_000_000), None, head),
            line(&id("1110"), Some(5_000_000), None, head),
            line(&id("1210"), Some(45_000_000), None, head),
            line(&id("3100"), None, Some(550_000_000), head),
        ],
    )?;
    let mut n = 1;
    for month in 0..6 {
        let day = today - Duration::days(175 - month * 30);
        for (i, branch) in branches.iter().enumerate() {
            let rent = [4_500_000, 2_000_000, 3_000_000][i % 3];
            post(
                day,
                "Rent for the month",
                vec![
                    line(&id("5310"), Some(rent), None, Some(branch)),
                    line(&id("1121"), None, Some(rent), Some(branch)),
                ],
            )?;
            let salaries = [12_000_000, 6_000_000, 8_500_000][i % 3];
            post(
                day + Duration::days(1),
                "Salaries for the month",
                vec![
                    line(&id("5320"), Some(salaries), None, Some(branch)),
                    line(&id("1121"), None, Some(salaries), Some(branch)),
                ],
            )?;
            n += 2;
        }
        post(
            day + Duration::days(3),
            "Electricity bill, head office",
            vec![
                line(&id("5340"), Some(845_000 + month * 37_500), None, head),
                line(&id("1110"), None, Some(845_000 + month * 37_500), head),
            ],
        )?;
        post(
            day + Duration::days(4),
            "Bank charges and GST on them",
            vec![
                line(&id("5330"), Some(59_000), None, head),
                line(&id("1121"), None, Some(59_000), head),
            ],
        )?;
        n += 2;
    }
    Ok(n)
}
