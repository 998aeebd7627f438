//! Embedded, numbered SQL migrations recorded with checksums.
//!
//! Each migration runs in one transaction together with its bookkeeping row, so a
//! failure leaves the file exactly as it was. An applied migration whose text has since
//! changed stops start-up: silently diverging schemas are worse than a refusal.

use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
}

impl Migration {
    pub fn checksum(&self) -> String {
        hex::encode(Sha256::digest(self.sql.as_bytes()))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("migration {version} ({name}) failed at statement `{statement}`: {cause}")]
    Failed {
        version: u32,
        name: String,
        statement: String,
        cause: String,
    },
    #[error("migration {version} ({name}) was applied with checksum {applied} but the binary has {embedded}: the migration text changed after it was applied")]
    ChecksumMismatch {
        version: u32,
        name: String,
        applied: String,
        embedded: String,
    },
    #[error("the database has migration {0} applied, which this binary does not know (is the binary older than the data?)")]
    UnknownApplied(u32),
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct MigrationReport {
    pub applied: Vec<(u32, String)>,
    pub pending: Vec<(u32, String)>,
}

/// Rust code that a migration needs (e.g. posting existing documents to new books): it
/// runs right after the SQL of migration `version`, in the same transaction.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    pub version: u32,
    pub run: fn(&Connection) -> Result<(), String>,
}

pub struct Migrator {
    migrations: &'static [Migration],
    steps: &'static [Step],
}

const BOOKKEEPING: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
)";

const FOREIGN_KEYS_OFF: &str = "-- migrate: foreign_keys=off";

impl Migrator {
    pub const fn new(migrations: &'static [Migration]) -> Self {
        Migrator {
            migrations,
            steps: &[],
        }
    }

    pub const fn with_steps(migrations: &'static [Migration], steps: &'static [Step]) -> Self {
        Migrator { migrations, steps }
    }

    /// Checks checksums and lists what is pending without changing anything.
    pub fn plan(&self, conn: &Connection) -> Result<MigrationReport, MigrateError> {
        let exists: bool = conn.query_row(
            "SELECT count(*) > 0 FROM sqlite_master WHERE type='table' AND name='schema_migrations'",
            [],
            |r| r.get(0),
        )?;
        let mut applied = Vec::new();
        if exists {
            let mut stmt = conn.prepare(
                "SELECT version, name, checksum FROM schema_migrations ORDER BY version",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, u32>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?;
            for row in rows {
                let (version, name, checksum) = row?;
                let known = self
                    .migrations
                    .iter()
                    .find(|m| m.version == version)
                    .ok_or(MigrateError::UnknownApplied(version))?;
                if known.checksum() != checksum {
                    return Err(MigrateError::ChecksumMismatch {
                        version,
                        name,
                        applied: checksum,
                        embedded: known.checksum(),
                    });
                }
                applied.push((version, name));
            }
        }
        let pending = self
            .migrations
            .iter()
            .filter(|m| !applied.iter().any(|(v, _)| *v == m.version))
            .map(|m| (m.version, m.name.to_string()))
            .collect();
        Ok(MigrationReport { applied, pending })
    }

    /// Applies every pending migration, each in its own transaction.
    pub fn apply(&self, conn: &mut Connection) -> Result<MigrationReport, MigrateError> {
        let plan = self.plan(conn)?;
        for (version, _) in &plan.pending {
            let Some(m) = self.migrations.iter().find(|m| m.version == *version) else {
                continue;
            };
            self.apply_one(conn, m)?;
        }
        Ok(plan)
    }

    /// A migration whose first line is `-- migrate: foreign_keys=off` rebuilds tables: it
    /// runs with foreign keys off (SQLite's documented way to swap a table; they cannot be
    /// switched inside a transaction), and commits only if `PRAGMA foreign_key_check`
    /// then finds nothing. They are on again afterwards, whatever happened.
    fn apply_one(&self, conn: &mut Connection, m: &Migration) -> Result<(), MigrateError> {
        if !m.sql.starts_with(FOREIGN_KEYS_OFF) {
            return self.apply_in_transaction(conn, m, false);
        }
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        let result = self.apply_in_transaction(conn, m, true);
        conn.pragma_update(None, "foreign_keys", "ON")?;
        result
    }

    fn apply_in_transaction(
        &self,
        conn: &mut Connection,
        m: &Migration,
        check_keys: bool,
    ) -> Result<(), MigrateError> {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute_batch(BOOKKEEPING)?;
        // Statement by statement, so a failure can name the statement that broke.
        let mut rest = m.sql;
        while !rest.trim().is_empty() {
            let (statement, tail) = split_statement(rest);
            rest = tail;
            if statement.trim().is_empty() {
                continue;
            }
            if let Err(e) = tx.execute_batch(statement) {
                return Err(MigrateError::Failed {
                    version: m.version,
                    name: m.name.to_string(),
                    statement: statement.trim().chars().take(200).collect(),
                    cause: e.to_string(),
                });
            }
        }
        for step in self.steps.iter().filter(|s| s.version == m.version) {
            (step.run)(&tx).map_err(|cause| MigrateError::Failed {
                version: m.version,
                name: m.name.to_string(),
                statement: "(its Rust step)".into(),
                cause,
            })?;
        }
        if check_keys {
            let broken: Option<String> = tx
                .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
                .optional()?;
            if let Some(table) = broken {
                return Err(MigrateError::Failed {
                    version: m.version,
                    name: m.name.to_string(),
                    statement: "PRAGMA foreign_key_check".into(),
                    cause: format!("a row of {table} refers to a missing record"),
                });
            }
        }
        let already: Option<u32> = tx
            .query_row(
                "SELECT version FROM schema_migrations WHERE version = ?1",
                [m.version],
                |r| r.get(0),
            )
            .optional()?;
        if already.is_none() {
            tx.execute(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES (?1, ?2, ?3)",
                params![m.version, m.name, m.checksum()],
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// SQLite's own tokenizer decides whether `sql` ends a complete statement.
fn is_complete(sql: &str) -> bool {
    let Ok(c) = std::ffi::CString::new(sql) else {
        return false;
    };
    // SAFETY: `c` is a valid NUL-terminated string that outlives the call; sqlite3_complete only reads it.
    unsafe { rusqlite::ffi::sqlite3_complete(c.as_ptr()) != 0 }
}

/// Splits off the first complete SQL statement (honouring triggers' BEGIN … END bodies).
fn split_statement(sql: &str) -> (&str, &str) {
    let mut offset = 0;
    loop {
        let Some(pos) = sql[offset..].find(';') else {
            return (sql, "");
        };
        let end = offset + pos + 1;
        if is_complete(&sql[..end]) {
            return (&sql[..end], &sql[end..]);
        }
        offset = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static GOOD: &[Migration] = &[
        Migration { version: 1, name: "one", sql: "CREATE TABLE a (x INTEGER);\nCREATE TRIGGER t BEFORE DELETE ON a BEGIN SELECT RAISE(ABORT, 'no'); END;" },
        Migration { version: 2, name: "two", sql: "CREATE TABLE b (y TEXT);" },
    ];
    static BAD: &[Migration] = &[
        Migration { version: 1, name: "one", sql: "CREATE TABLE a (x INTEGER);\nCREATE TRIGGER t BEFORE DELETE ON a BEGIN SELECT RAISE(ABORT, 'no'); END;" },
        Migration { version: 2, name: "two", sql: "CREATE TABLE b (y TEXT);" },
        Migration { version: 3, name: "broken", sql: "CREATE TABLE c (z TEXT);\nINSERT INTO nowhere VALUES (1);" },
    ];
    static DRIFTED: &[Migration] = &[
        Migration {
            version: 1,
            name: "one",
            sql: "CREATE TABLE a (x INTEGER, extra TEXT);",
        },
        Migration {
            version: 2,
            name: "two",
            sql: "CREATE TABLE b (y TEXT);",
        },
    ];

    #[test]
    fn applies_in_order_and_is_idempotent() {
        let mut conn = Connection::open_in_memory().expect("db");
        let first = Migrator::new(GOOD).apply(&mut conn).expect("apply");
        assert_eq!(first.pending.len(), 2);
        let second = Migrator::new(GOOD).apply(&mut conn).expect("again");
        assert!(second.pending.is_empty());
        assert_eq!(second.applied.len(), 2);
    }

    #[test]
    fn a_failing_migration_leaves_the_file_as_it_was_and_names_the_statement() {
        let mut conn = Connection::open_in_memory().expect("db");
        Migrator::new(GOOD).apply(&mut conn).expect("apply");
        let err = Migrator::new(BAD).apply(&mut conn).expect_err("must fail");
        let msg = err.to_string();
        assert!(msg.contains("INSERT INTO nowhere"), "{msg}");
        let c_exists: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name='c'",
                [],
                |r| r.get(0),
            )
            .expect("q");
        assert_eq!(c_exists, 0, "table c must have been rolled back");
        let recorded: i64 = conn
            .query_row("SELECT count(*) FROM schema_migrations", [], |r| r.get(0))
            .expect("q");
        assert_eq!(recorded, 2);
    }

    #[test]
    fn a_changed_applied_migration_is_refused() {
        let mut conn = Connection::open_in_memory().expect("db");
        Migrator::new(GOOD).apply(&mut conn).expect("apply");
        let err = Migrator::new(DRIFTED).plan(&conn).expect_err("drift");
        assert!(
            matches!(err, MigrateError::ChecksumMismatch { version: 1, .. }),
            "{err}"
        );
    }

    #[test]
    fn dry_run_plan_changes_nothing() {
        let conn = Connection::open_in_memory().expect("db");
        let plan = Migrator::new(GOOD).plan(&conn).expect("plan");
        assert_eq!(plan.pending.len(), 2);
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .expect("q");
        assert_eq!(tables, 0);
    }
}
