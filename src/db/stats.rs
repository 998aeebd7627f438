//! `bisman db stats --tenant SLUG`: what is in a tenant file (rows and bytes per table
//! and index), the planner's statistics (`sqlite_stat1`), and the slowest statements
//! the running server has seen (`db::slow`). Read-only; safe while the server runs.

use std::fmt::Write;
use std::path::Path;

use rusqlite::Connection;
use serde::Serialize;

use super::slow::{self, SlowStatement};

#[derive(Debug, Serialize)]
pub struct ObjectStat {
    /// `table` or `index`.
    pub kind: String,
    pub name: String,
    /// The table an index belongs to (the table itself for tables).
    pub table: String,
    /// Rows, for tables.
    pub rows: Option<i64>,
    /// Bytes in pages, when SQLite's `dbstat` table is available.
    pub bytes: Option<i64>,
    /// The planner's statistics line from `sqlite_stat1` (rows, then rows per key prefix).
    pub stat: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct DbStats {
    pub file_bytes: i64,
    pub wal_bytes: u64,
    pub objects: Vec<ObjectStat>,
    pub analyzed: bool,
    pub slow_report_written_at: Option<String>,
    pub slow_threshold_ms: Option<u64>,
    pub slowest: Vec<SlowStatement>,
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

pub fn collect(db: &Path, data_dir: &Path) -> rusqlite::Result<DbStats> {
    let c = super::open_reader(db)?;
    let page_size: i64 = c.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    let pages: i64 = c.query_row("PRAGMA page_count", [], |r| r.get(0))?;
    let mut objects = list_objects(&c)?;
    let analyzed = has_table(&c, "sqlite_stat1")?;
    let bytes = sizes(&c);
    for o in &mut objects {
        if o.kind == "table" {
            o.rows = Some(c.query_row(
                &format!("SELECT count(*) FROM {}", quoted(&o.name)),
                [],
                |r| r.get(0),
            )?);
        }
        o.bytes = bytes
            .as_ref()
            .map(|b| b.iter().find(|(n, _)| *n == o.name).map_or(0, |(_, s)| *s));
        if analyzed {
            let idx = if o.kind == "index" {
                o.name.as_str()
            } else {
                o.table.as_str()
            };
            o.stat = c
                .query_row(
                    "SELECT stat FROM sqlite_stat1 WHERE tbl = ?1 AND (idx = ?2 OR (?3 AND idx IS NULL)) LIMIT 1",
                    rusqlite::params![o.table, idx, o.kind == "table"],
                    |r| r.get(0),
                )
                .ok();
        }
    }
    let report = slow::read_report(data_dir);
    let wal_bytes = std::fs::metadata(super::group_sync::wal_path(db)).map_or(0, |m| m.len());
    Ok(DbStats {
        file_bytes: page_size * pages,
        wal_bytes,
        objects,
        analyzed,
        slow_report_written_at: report.as_ref().map(|r| r.written_at.clone()),
        slow_threshold_ms: report.as_ref().map(|r| r.threshold_ms),
        slowest: report.map(|r| r.statements).unwrap_or_default(),
    })
}

fn has_table(c: &Connection, name: &str) -> rusqlite::Result<bool> {
    c.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [name],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n > 0)
}

fn list_objects(c: &Connection) -> rusqlite::Result<Vec<ObjectStat>> {
    let mut stmt = c.prepare(
        "SELECT type, name, tbl_name FROM sqlite_master
         WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%'
         ORDER BY tbl_name, type DESC, name",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(ObjectStat {
            kind: r.get(0)?,
            name: r.get(1)?,
            table: r.get(2)?,
            rows: None,
            bytes: None,
            stat: None,
        })
    })?;
    rows.collect()
}

/// Bytes per table and index from the `dbstat` virtual table; `None` if SQLite was
/// built without it.
fn sizes(c: &Connection) -> Option<Vec<(String, i64)>> {
    let mut stmt = c
        .prepare("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")
        .ok()?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).ok()?;
    rows.collect::<Result<Vec<_>, _>>().ok()
}

fn human(bytes: i64) -> String {
    let b = bytes as f64;
    if b >= 1024.0 * 1024.0 {
        format!("{:.1} MiB", b / 1024.0 / 1024.0)
    } else if b >= 1024.0 {
        format!("{:.1} KiB", b / 1024.0)
    } else {
        format!("{bytes} B")
    }
}

/// The human-readable form printed by the CLI.
pub fn render(slug: &str, s: &DbStats) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "tenant {slug}: {} in the file, {} in the WAL",
        human(s.file_bytes),
        human(i64::try_from(s.wal_bytes).unwrap_or(i64::MAX))
    );
    let _ = writeln!(
        out,
        "\n{:<34} {:>10} {:>11}  planner statistics (sqlite_stat1)",
        "table / index", "rows", "size"
    );
    for o in &s.objects {
        let name = if o.kind == "index" {
            format!("  {}", o.name)
        } else {
            o.name.clone()
        };
        let rows = o.rows.map_or(String::new(), |r| r.to_string());
        let size = o.bytes.map_or("?".into(), human);
        let _ = writeln!(
            out,
            "{name:<34} {rows:>10} {size:>11}  {}",
            o.stat.as_deref().unwrap_or("-")
        );
    }
    if !s.analyzed {
        let _ = writeln!(out, "(no planner statistics yet: the server's maintenance runs PRAGMA optimize, which creates them)");
    }
    match &s.slow_report_written_at {
        None => {
            let _ = writeln!(
                out,
                "\nslowest statements: no report yet (the running server writes {} every minute)",
                slow::REPORT_FILE
            );
        }
        Some(at) => {
            let _ = writeln!(
                out,
                "\nslowest statements since the server started (all tenants; threshold {} ms; as of {at}):",
                s.slow_threshold_ms.unwrap_or(0)
            );
            if s.slowest.is_empty() {
                let _ = writeln!(out, "  none");
            }
            for st in &s.slowest {
                let avg = st.total_ms / st.count.max(1) as f64;
                let _ = writeln!(
                    out,
                    "  {:>6}x  max {:>8.1} ms  avg {:>8.1} ms  {}",
                    st.count, st.max_ms, avg, st.sql
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_of_a_tenant_file() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("tenant.db");
        let mut w = super::super::open_writer(&path).expect("open");
        crate::db::embedded::TENANT_MIGRATIONS
            .apply(&mut w)
            .expect("migrate");
        w.execute_batch("INSERT INTO branches (id, code, name, state_code, created_at, updated_at) VALUES ('b', 'BLR', 'B', '29', 'now', 'now'); ANALYZE;")
            .expect("seed");
        let s = collect(&path, dir.path()).expect("stats");
        let branches = s
            .objects
            .iter()
            .find(|o| o.name == "branches")
            .expect("branches");
        assert_eq!(branches.rows, Some(1));
        assert!(s.analyzed);
        assert!(s
            .objects
            .iter()
            .any(|o| o.kind == "index" && o.table == "invoices"));
        let text = render("acme", &s);
        assert!(text.contains("branches"), "{text}");
        assert!(text.contains("no report yet"), "{text}");
    }
}
