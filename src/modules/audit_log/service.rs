//! Query parameters of the audit list, checked and turned into a repository filter.

use crate::audit::repo::AuditFilter;
use crate::clock;
use crate::domain::{parse_iso_date, Cursor, Limit};
use crate::error::{AppError, AppResult};
use crate::modules::fields::{optional_text, Problems};

/// The raw query string values.
#[derive(Debug, Default, Clone)]
pub struct AuditQuery<'a> {
    pub entity: Option<&'a str>,
    pub entity_id: Option<&'a str>,
    pub actor_id: Option<&'a str>,
    pub action: Option<&'a str>,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub limit: Option<&'a str>,
    pub cursor: Option<&'a str>,
}

fn given(v: Option<&str>) -> Option<&str> {
    v.filter(|s| !s.is_empty())
}

/// `from`/`to` take an RFC 3339 instant or a `YYYY-MM-DD` date (UTC). As an upper bound
/// a date means "through the end of that day".
fn instant(name: &str, v: &str, end_of_day: bool) -> AppResult<String> {
    if let Some(t) = clock::parse_rfc3339(v) {
        return Ok(clock::rfc3339(t));
    }
    let d = parse_iso_date(v).map_err(|_| {
        AppError::field(
            name,
            "invalid_format",
            "must be an RFC 3339 instant or a YYYY-MM-DD date",
        )
    })?;
    let d = if end_of_day {
        d.next_day().unwrap_or(d)
    } else {
        d
    };
    Ok(clock::rfc3339(d.midnight().assume_utc()))
}

/// The cursor of a page that ends at `seq`.
pub fn cursor_for(seq: i64) -> String {
    Cursor::encode(&seq.to_string(), &uuid::Uuid::nil())
}

pub fn filter_of(q: &AuditQuery<'_>) -> AppResult<AuditFilter> {
    let mut p = Problems::new();
    let limit = p.check("limit", Limit::parse(q.limit)).map(|l| l.get());
    let before_seq = match given(q.cursor) {
        None => None,
        Some(c) => p
            .check("cursor", Cursor::decode(c))
            .and_then(|(k, _)| match k.parse::<i64>() {
                Ok(n) if n > 0 => Some(n),
                _ => {
                    p.push("cursor", "invalid_format", "cursor is not valid");
                    None
                }
            }),
    };
    let mut text =
        |name: &str, v: Option<&str>| given(v).and_then(|s| p.check(name, optional_text(s, 200)));
    let entity = text("entity", q.entity);
    let entity_id = text("entity_id", q.entity_id);
    let action = text("action", q.action);
    let actor_id = match given(q.actor_id) {
        None => None,
        Some(a) => match uuid::Uuid::parse_str(a) {
            Ok(u) => Some(u.to_string()),
            Err(_) => {
                p.push("actor_id", "invalid_format", "must be a user id (UUID)");
                None
            }
        },
    };
    p.finish()?;
    let from = given(q.from)
        .map(|v| instant("from", v, false))
        .transpose()?;
    let to = given(q.to).map(|v| instant("to", v, true)).transpose()?;
    Ok(AuditFilter {
        entity,
        entity_id,
        actor_id,
        action,
        from,
        to,
        before_seq,
        limit: limit.unwrap_or(50),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_instants() {
        assert_eq!(
            instant("from", "2026-04-01", false).unwrap(),
            "2026-04-01T00:00:00Z"
        );
        assert_eq!(
            instant("to", "2026-04-01", true).unwrap(),
            "2026-04-02T00:00:00Z"
        );
        assert_eq!(
            instant("from", "2026-04-01T10:00:00+05:30", false).unwrap(),
            "2026-04-01T04:30:00Z"
        );
        assert!(instant("from", "yesterday", false).is_err());
    }

    #[test]
    fn cursor_round_trip_and_bad_input() {
        let c = cursor_for(42);
        let q = AuditQuery {
            cursor: Some(&c),
            ..AuditQuery::default()
        };
        assert_eq!(filter_of(&q).unwrap().before_seq, Some(42));
        let bad = AuditQuery {
            actor_id: Some("nope"),
            limit: Some("0"),
            ..AuditQuery::default()
        };
        match filter_of(&bad) {
            Err(AppError::Validation(v)) => assert_eq!(v.len(), 2),
            other => panic!("{other:?}"),
        }
    }
}
