//! The slow-statement log. Every connection reports each finished statement's run time
//! (SQLite's `SQLITE_TRACE_PROFILE`); statements at or over the threshold (default
//! 100 ms, `BISMAN_SLOW_QUERY_MS`) are logged with their SQL **template** (the text as
//! prepared, with `?` placeholders: never the bound values), counted in
//! `bisman_slow_queries_total`, and kept in a small table of the slowest statements that
//! the server writes to `<data dir>/slow-statements.json` for `bisman db stats`.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::trace::{TraceEvent, TraceEventCodes};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

/// File name, in the data dir, of the server's slow-statement table.
pub const REPORT_FILE: &str = "slow-statements.json";
/// Distinct templates kept; past this, new ones are counted but not listed.
const MAX_TEMPLATES: usize = 200;
/// Longest template kept (characters).
const MAX_SQL_CHARS: usize = 400;

static THRESHOLD_MICROS: AtomicU64 = AtomicU64::new(100_000);
static SLOWEST: Mutex<Option<HashMap<String, SlowStatement>>> = Mutex::new(None);

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SlowStatement {
    pub sql: String,
    pub count: u64,
    pub max_ms: f64,
    pub total_ms: f64,
}

/// Sets the threshold for every connection of this process.
pub fn set_threshold(d: Duration) {
    THRESHOLD_MICROS.store(
        u64::try_from(d.as_micros()).unwrap_or(u64::MAX),
        Ordering::Relaxed,
    );
}

/// Reports this connection's statements to the log.
pub fn install(conn: &Connection) {
    conn.trace_v2(TraceEventCodes::SQLITE_TRACE_PROFILE, Some(on_event));
}

fn on_event(e: TraceEvent<'_>) {
    if let TraceEvent::Profile(stmt, took) = e {
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        if micros >= THRESHOLD_MICROS.load(Ordering::Relaxed) {
            record(&stmt.sql(), took);
        }
    }
}

/// One line of whitespace-collapsed SQL, cut to a readable length.
fn template(sql: &str) -> String {
    let one_line = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(MAX_SQL_CHARS) {
        Some((i, _)) => format!("{}…", &one_line[..i]),
        None => one_line,
    }
}

fn record(sql: &str, took: Duration) {
    let sql = template(sql);
    let ms = took.as_secs_f64() * 1000.0;
    crate::metrics::global().slow_queries.inc();
    tracing::warn!(target: "bisman::slow_query", sql = %sql, took_ms = ms as u64, "slow SQL statement");
    if let Ok(mut guard) = SLOWEST.lock() {
        let map = guard.get_or_insert_with(HashMap::new);
        if map.len() >= MAX_TEMPLATES && !map.contains_key(&sql) {
            return;
        }
        let s = map.entry(sql.clone()).or_insert(SlowStatement {
            sql,
            count: 0,
            max_ms: 0.0,
            total_ms: 0.0,
        });
        s.count += 1;
        s.total_ms += ms;
        s.max_ms = s.max_ms.max(ms);
    }
}

/// The slow statements seen since start, slowest first.
pub fn snapshot() -> Vec<SlowStatement> {
    let mut v: Vec<SlowStatement> = SLOWEST
        .lock()
        .ok()
        .and_then(|g| g.as_ref().map(|m| m.values().cloned().collect()))
        .unwrap_or_default();
    v.sort_by(|a, b| b.max_ms.total_cmp(&a.max_ms));
    v
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Report {
    pub written_at: String,
    pub threshold_ms: u64,
    pub statements: Vec<SlowStatement>,
}

/// Writes the table for `bisman db stats` (temp file + rename, so readers never see half).
pub fn write_report(data_dir: &Path) -> std::io::Result<()> {
    let report = Report {
        written_at: crate::clock::now_rfc3339(),
        threshold_ms: THRESHOLD_MICROS.load(Ordering::Relaxed) / 1000,
        statements: snapshot(),
    };
    let tmp = data_dir.join(format!("{REPORT_FILE}.tmp"));
    std::fs::write(&tmp, serde_json::to_vec_pretty(&report).unwrap_or_default())?;
    std::fs::rename(tmp, data_dir.join(REPORT_FILE))
}

pub fn read_report(data_dir: &Path) -> Option<Report> {
    let text = std::fs::read_to_string(data_dir.join(REPORT_FILE)).ok()?;
    serde_json::from_str(&text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slow_statements_are_recorded_as_templates_without_values() {
        let dir = tempfile::tempdir().expect("tmp");
        let conn = crate::db::open_writer(&dir.path().join("a.db")).expect("open");
        conn.execute_batch("CREATE TABLE t (x TEXT)")
            .expect("table");
        set_threshold(Duration::ZERO);
        conn.execute("INSERT INTO t (x) VALUES (?1)", ["ABCDE1234F"])
            .expect("insert");
        set_threshold(Duration::from_millis(100));
        let seen = snapshot();
        let s = seen
            .iter()
            .find(|s| s.sql.starts_with("INSERT INTO t"))
            .expect("recorded");
        assert_eq!(s.sql, "INSERT INTO t (x) VALUES (?1)");
        assert!(
            seen.iter().all(|s| !s.sql.contains("ABCDE1234F")),
            "no bound values"
        );
        write_report(dir.path()).expect("write");
        let back = read_report(dir.path()).expect("read");
        assert!(back.statements.iter().any(|x| x.sql == s.sql));
    }

    #[test]
    fn templates_are_one_line_and_bounded() {
        assert_eq!(
            template("SELECT a,\n   b FROM t\n WHERE x = ?1"),
            "SELECT a, b FROM t WHERE x = ?1"
        );
        let long = format!("SELECT {} FROM t", "a, ".repeat(500));
        assert_eq!(template(&long).chars().count(), MAX_SQL_CHARS + 1);
    }
}
