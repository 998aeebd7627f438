//! A SQLite database file as the appliance uses it: one writer connection (every write
//! transaction is `BEGIN IMMEDIATE`, so writers queue instead of failing) and a small
//! pool of read-only connections. All SQLite work runs on tokio's blocking pool so the
//! async runtime never stalls on disk I/O.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use scheduled_thread_pool::ScheduledThreadPool;

use super::connection::{configure_reader, open_writer};
use super::group_sync::{wal_path, GroupSync};
use super::migrate::{MigrateError, Migrator};
use crate::error::AppResult;

pub struct Database {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: r2d2::Pool<SqliteConnectionManager>,
    slow_query: Duration,
    durable: GroupSync,
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot open {path}: {cause}")]
    Sqlite {
        path: String,
        cause: rusqlite::Error,
    },
    #[error("cannot migrate {path}: {cause}")]
    Migrate { path: String, cause: MigrateError },
    #[error("cannot snapshot {path} before migrating it: {cause}")]
    Snapshot { path: String, cause: String },
    #[error("cannot create the reader pool for {path}: {cause}")]
    Pool { path: String, cause: r2d2::Error },
}

#[derive(Debug)]
struct ReaderCustomizer;

impl r2d2::CustomizeConnection<Connection, rusqlite::Error> for ReaderCustomizer {
    fn on_acquire(&self, conn: &mut Connection) -> Result<(), rusqlite::Error> {
        configure_reader(conn)
    }
}

/// The reaper threads of every reader pool. r2d2 gives each pool three threads of its
/// own by default: with 256 tenants open that is 768 idle threads, and opening and
/// closing tenants becomes a thread-creation storm. Two shared threads do the same work.
fn pool_maintenance() -> Arc<ScheduledThreadPool> {
    static POOL: OnceLock<Arc<ScheduledThreadPool>> = OnceLock::new();
    Arc::clone(POOL.get_or_init(|| {
        Arc::new(
            ScheduledThreadPool::builder()
                .num_threads(2)
                .thread_name_pattern("db-pool-{}")
                .build(),
        )
    }))
}

impl Database {
    /// Opens (creating if needed) and migrates a database file.
    pub fn open(
        path: &Path,
        migrator: &Migrator,
        readers: u32,
        slow_query: Duration,
    ) -> Result<Database, OpenError> {
        let shown = path.display().to_string();
        let new_wal = !wal_path(path).exists();
        let mut writer = open_writer(path).map_err(|cause| OpenError::Sqlite {
            path: shown.clone(),
            cause,
        })?;
        let plan = migrator.plan(&writer).map_err(|cause| OpenError::Migrate {
            path: shown.clone(),
            cause,
        })?;
        if let (false, Some((version, _))) = (plan.pending.is_empty(), plan.applied.last()) {
            snapshot_before_migrate(&writer, path, *version).map_err(|cause| {
                OpenError::Snapshot {
                    path: shown.clone(),
                    cause: cause.to_string(),
                }
            })?;
        }
        migrator
            .apply(&mut writer)
            .map_err(|cause| OpenError::Migrate {
                path: shown.clone(),
                cause,
            })?;
        // Durability comes from GroupSync from here on (see db::group_sync); migrations
        // above ran with synchronous=FULL. The WAL exists now: make its directory entry
        // durable once, since commits only ever fsync the file itself.
        writer
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(|cause| OpenError::Sqlite {
                path: shown.clone(),
                cause,
            })?;
        if new_wal {
            sync_dir(path);
        }
        let manager = SqliteConnectionManager::file(path)
            .with_flags(OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX);
        let readers = r2d2::Pool::builder()
            .max_size(readers.max(1))
            .min_idle(Some(0))
            .idle_timeout(Some(Duration::from_secs(60)))
            .connection_timeout(Duration::from_secs(10))
            // A local file connection does not go stale the way a network one does; r2d2's
            // check-out test ran an empty statement before every read.
            .test_on_check_out(false)
            .connection_customizer(Box::new(ReaderCustomizer))
            .thread_pool(pool_maintenance())
            .build(manager)
            .map_err(|cause| OpenError::Pool { path: shown, cause })?;
        Ok(Database {
            path: path.to_path_buf(),
            writer: Mutex::new(writer),
            readers,
            slow_query,
            durable: GroupSync::for_database(path),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` on a read-only connection, off the async runtime.
    pub async fn read<T, F>(self: &Arc<Self>, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> AppResult<T> + Send + 'static,
    {
        let db = Arc::clone(self);
        rocket::tokio::task::spawn_blocking(move || db.read_blocking(f)).await?
    }

    /// Runs `f` inside one `BEGIN IMMEDIATE` transaction, committed only if `f` succeeds.
    pub async fn write<T, F>(self: &Arc<Self>, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction) -> AppResult<T> + Send + 'static,
    {
        let db = Arc::clone(self);
        rocket::tokio::task::spawn_blocking(move || db.write_blocking(f)).await?
    }

    pub fn read_blocking<T>(&self, f: impl FnOnce(&Connection) -> AppResult<T>) -> AppResult<T> {
        let conn = self.readers.get()?;
        let started = Instant::now();
        let out = f(&conn);
        self.note_duration("read", started);
        out
    }

    pub fn write_blocking<T>(&self, f: impl FnOnce(&Transaction) -> AppResult<T>) -> AppResult<T> {
        let mut conn = self.lock_writer();
        let started = Instant::now();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        let ticket = self.durable.committed();
        drop(conn);
        crate::metrics::global().commits.inc();
        // Outside the writer lock: the next transaction runs while we wait for the fsync.
        self.durable.wait_durable(ticket)?;
        self.note_duration("write", started);
        Ok(out)
    }

    /// Direct access to the writer for maintenance (checkpoints, VACUUM INTO).
    pub fn with_writer<T>(&self, f: impl FnOnce(&mut Connection) -> AppResult<T>) -> AppResult<T> {
        let mut conn = self.lock_writer();
        f(&mut conn)
    }

    /// The writer connection. A panic while it was held poisons the mutex; the state
    /// behind it is still sound (a `Transaction` rolls back when dropped during the
    /// unwind, and any transaction left open by hand is rolled back here), so the lock
    /// is recovered instead of leaving the database unwritable until a restart.
    fn lock_writer(&self) -> MutexGuard<'_, Connection> {
        match self.writer.lock() {
            Ok(conn) => conn,
            Err(poisoned) => {
                let conn = poisoned.into_inner();
                self.writer.clear_poison();
                if !conn.is_autocommit() {
                    if let Err(e) = conn.execute_batch("ROLLBACK") {
                        tracing::error!(db = %self.path.display(), error = %e, "could not roll back after a panic");
                    }
                }
                crate::metrics::global().writer_poison_recovered.inc();
                tracing::warn!(db = %self.path.display(), "a panic interrupted a write; its transaction was rolled back and the writer recovered");
                conn
            }
        }
    }

    /// Moves the WAL into the main file and truncates it (used at shutdown).
    pub fn checkpoint(&self) -> AppResult<()> {
        self.with_writer(|c| {
            c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            Ok(())
        })
    }

    fn note_duration(&self, kind: &'static str, started: Instant) {
        let took = started.elapsed();
        // Statements are counted one by one (db::slow); this names the slow transaction.
        if took >= self.slow_query {
            tracing::warn!(target: "bisman::slow_query", db = %self.path.display(), kind, took_ms = took.as_millis() as u64, "slow database operation");
        }
    }
}

/// Best effort: fsync the directory holding `path` (new files' directory entries).
fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent() {
        if let Err(e) = std::fs::File::open(dir).and_then(|d| d.sync_all()) {
            tracing::warn!(dir = %dir.display(), error = %e, "could not sync the database directory");
        }
    }
}

/// Before an existing file is migrated, a consistent copy of it is kept beside it as
/// `<file>.pre-v<N>.snapshot` (VACUUM INTO a temp file, fsync, rename, fsync the
/// directory), so a bad upgrade is rolled back by putting the snapshot back.
pub fn snapshot_before_migrate(
    conn: &Connection,
    path: &Path,
    applied_version: u32,
) -> std::io::Result<PathBuf> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "db".into());
    let target = path.with_file_name(format!("{name}.pre-v{applied_version}.snapshot"));
    let tmp = path.with_file_name(format!("{name}.pre-v{applied_version}.snapshot.tmp"));
    let _ = std::fs::remove_file(&tmp);
    conn.execute("VACUUM INTO ?1", [tmp.to_string_lossy().as_ref()])
        .map_err(std::io::Error::other)?;
    std::fs::File::open(&tmp)?.sync_all()?;
    std::fs::rename(&tmp, &target)?;
    if let Some(dir) = target.parent() {
        std::fs::File::open(dir)?.sync_all()?;
    }
    tracing::info!(snapshot = %target.display(), "snapshot taken before migrating");
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::migrate::Migration;

    static V1: &[Migration] = &[Migration {
        version: 1,
        name: "one",
        sql: "CREATE TABLE a (x INTEGER);",
    }];
    static V2: &[Migration] = &[
        Migration {
            version: 1,
            name: "one",
            sql: "CREATE TABLE a (x INTEGER);",
        },
        Migration {
            version: 2,
            name: "two",
            sql: "ALTER TABLE a ADD COLUMN y TEXT;",
        },
    ];

    /// Issue #13 (6): a panic while holding the writer poisoned its mutex, and every
    /// later write failed with "writer connection poisoned" until a restart.
    #[test]
    fn a_panic_inside_a_write_leaves_the_database_writable() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("t.db");
        let db = Database::open(&path, &Migrator::new(V1), 1, Duration::from_secs(1)).expect("db");
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = db.write_blocking(|tx| {
                tx.execute("INSERT INTO a (x) VALUES (1)", [])?;
                panic!("a bug in a handler");
                #[allow(unreachable_code)]
                Ok(())
            });
        }));
        assert!(panicked.is_err());
        // A transaction opened by hand through with_writer and abandoned by a panic.
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = db.with_writer(|c| {
                c.execute_batch("BEGIN IMMEDIATE; INSERT INTO a (x) VALUES (2);")?;
                panic!("a bug in maintenance");
                #[allow(unreachable_code)]
                Ok(())
            });
        }));
        assert!(panicked.is_err());
        db.write_blocking(|tx| Ok(tx.execute("INSERT INTO a (x) VALUES (3)", [])?))
            .expect("writable after the panics");
        let xs: Vec<i64> = db
            .read_blocking(|c| {
                let mut st = c.prepare("SELECT x FROM a ORDER BY x")?;
                let rows = st.query_map([], |r| r.get(0))?;
                Ok(rows.collect::<Result<_, _>>()?)
            })
            .expect("rows");
        assert_eq!(xs, vec![3], "the interrupted writes were rolled back");
    }

    #[test]
    fn an_upgrade_keeps_a_consistent_snapshot_of_the_old_schema() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("t.db");
        {
            let db =
                Database::open(&path, &Migrator::new(V1), 1, Duration::from_secs(1)).expect("v1");
            db.write_blocking(|tx| Ok(tx.execute("INSERT INTO a (x) VALUES (42)", [])?))
                .expect("row");
        }
        assert!(
            !dir.path().join("t.db.pre-v1.snapshot").exists(),
            "a fresh file needs no snapshot"
        );
        let db = Database::open(&path, &Migrator::new(V2), 1, Duration::from_secs(1)).expect("v2");
        let snap = dir.path().join("t.db.pre-v1.snapshot");
        let listing: Vec<_> = std::fs::read_dir(dir.path())
            .expect("ls")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert!(snap.exists(), "snapshot missing: {listing:?}");
        let old = Connection::open_with_flags(&snap, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("snapshot opens");
        let x: i64 = old
            .query_row("SELECT x FROM a", [], |r| r.get(0))
            .expect("row in snapshot");
        assert_eq!(x, 42);
        assert!(
            old.query_row("SELECT y FROM a", [], |r| r.get::<_, Option<String>>(0))
                .is_err(),
            "snapshot has the old schema"
        );
        let y: Option<String> = db
            .read_blocking(|c| Ok(c.query_row("SELECT y FROM a", [], |r| r.get(0))?))
            .expect("new column");
        assert!(y.is_none());
    }
}
