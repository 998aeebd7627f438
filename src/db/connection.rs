//! Opening connections with the appliance's PRAGMAs.
//!
//! WAL lets readers run beside the one writer; `synchronous=FULL` makes an acknowledged
//! commit survive power loss (a `Database` then switches its writer to `NORMAL` and
//! makes each commit durable with a shared WAL fsync before acknowledging it: see
//! `db::group_sync`); `busy_timeout` absorbs Litestream's checkpoints instead of
//! surfacing `SQLITE_BUSY` to users.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionKind {
    Writer,
    Reader,
}

fn configure(conn: &Connection, kind: ConnectionKind) -> rusqlite::Result<()> {
    super::memory::disable_lookaside(conn)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // Reading the schema first turns a foreign or corrupt file into a clear error at open time.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })?;
    if kind == ConnectionKind::Writer {
        let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(rusqlite::Error::InvalidParameterName(format!(
                "journal_mode is {mode}, expected wal"
            )));
        }
        // Litestream owns checkpoints beyond this size; keep SQLite's automatic ones modest.
        conn.pragma_update(None, "wal_autocheckpoint", 1000)?;
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.set_prepared_statement_cache_capacity(128);
    super::slow::install(conn);
    Ok(())
}

/// The single writer connection of a database file; creates the file if missing.
pub fn open_writer(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    configure(&conn, ConnectionKind::Writer)?;
    Ok(conn)
}

/// A read-only connection; the file must already exist.
pub fn open_reader(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    configure(&conn, ConnectionKind::Reader)?;
    Ok(conn)
}

/// Applies the reader PRAGMAs to a pooled connection (used by the r2d2 manager).
pub fn configure_reader(conn: &mut Connection) -> rusqlite::Result<()> {
    configure(conn, ConnectionKind::Reader)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writer_uses_wal_and_full_sync() {
        let dir = tempfile::tempdir().expect("tempdir");
        let conn = open_writer(&dir.path().join("a.db")).expect("open");
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .expect("mode");
        assert_eq!(mode, "wal");
        let sync: i64 = conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .expect("sync");
        assert_eq!(sync, 2, "FULL");
        let fk: i64 = conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .expect("fk");
        assert_eq!(fk, 1);
    }

    #[test]
    fn a_foreign_file_is_refused_at_open() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("junk.db");
        std::fs::write(&path, vec![0x42u8; 8192]).expect("write");
        let err = open_writer(&path).expect_err("must refuse");
        assert!(
            matches!(err, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase)
        );
    }
}
