//! How much heap SQLite holds across every connection in the process (page caches,
//! parsed schemas, prepared statements, lookaside), from `sqlite3_status64`.

/// SQLite's heap in bytes: (now, high-water mark since start).
pub fn sqlite_heap() -> (i64, i64) {
    let (mut now, mut peak) = (0i64, 0i64);
    // SAFETY: sqlite3_status64 only writes the two out-parameters, which live on this
    // stack frame; SQLITE_STATUS_MEMORY_USED is a valid operation code.
    let rc = unsafe {
        rusqlite::ffi::sqlite3_status64(
            rusqlite::ffi::SQLITE_STATUS_MEMORY_USED,
            &mut now,
            &mut peak,
            0,
        )
    };
    if rc == rusqlite::ffi::SQLITE_OK {
        (now, peak)
    } else {
        (0, 0)
    }
}

/// Sets SQLite's soft heap limit for the whole process (0: none). Above it SQLite gives
/// back page-cache pages (least recently used first, over every connection) before
/// growing; pages come back from the operating system's file cache when needed. Parsed
/// schemas and prepared statements are not released, so the limit bounds the cache,
/// not the connections.
pub fn set_heap_limit(bytes: u64) {
    let limit = i64::try_from(bytes).unwrap_or(i64::MAX);
    // SAFETY: a plain setter with no pointers; safe to call at any time.
    unsafe {
        rusqlite::ffi::sqlite3_soft_heap_limit64(limit);
    }
}

/// Turns off a connection's lookaside allocator, before the connection runs anything.
/// Lookaside is 48 KiB per connection, taken at open; with hundreds of tenants open
/// (two connections each) it was a sixth of SQLite's heap, and turning it off changed
/// no throughput figure of the load harness (`docs/benchmarks.md`).
pub fn disable_lookaside(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    // SAFETY: the handle is valid for the life of `conn`; SQLITE_DBCONFIG_LOOKASIDE takes
    // (void* buffer, int slot size, int slot count), and a null buffer with 0 slots
    // turns lookaside off. It fails with SQLITE_BUSY only while lookaside memory is in
    // use, which a connection that has run nothing cannot have.
    let rc = unsafe {
        rusqlite::ffi::sqlite3_db_config(
            conn.handle(),
            rusqlite::ffi::SQLITE_DBCONFIG_LOOKASIDE,
            std::ptr::null_mut::<std::ffi::c_void>(),
            0i32,
            0i32,
        )
    };
    if rc == rusqlite::ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rc),
            Some("cannot turn off lookaside".into()),
        ))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_open_connection_shows_up_in_the_heap() {
        // An absolute bound: the heap is process-wide, and tests beside this one open and
        // close connections of their own, so a before/after difference could shrink.
        let conn = rusqlite::Connection::open_in_memory().expect("open");
        conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (randomblob(4000000));")
            .expect("fill");
        let (now, peak) = super::sqlite_heap();
        assert!(
            now >= 4_000_000,
            "heap {now} below the 4 MB this connection holds"
        );
        assert!(peak >= now);
        drop(conn);
    }

    #[test]
    fn the_heap_limit_is_set_process_wide() {
        // The default value, so that tests running beside this one see no change.
        super::set_heap_limit(64 * 1024 * 1024);
        // SAFETY: a negative argument only reads the current limit.
        let now = unsafe { rusqlite::ffi::sqlite3_soft_heap_limit64(-1) };
        assert_eq!(now, 64 * 1024 * 1024);
    }

    #[test]
    fn lookaside_can_be_turned_off_on_a_fresh_connection() {
        let conn = rusqlite::Connection::open_in_memory().expect("open");
        super::disable_lookaside(&conn).expect("off");
        conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
            .expect("still works");
        let mut slots = (0i32, 0i32);
        // SAFETY: valid handle; the out-parameters live on this frame.
        let rc = unsafe {
            rusqlite::ffi::sqlite3_db_status(
                conn.handle(),
                rusqlite::ffi::SQLITE_DBSTATUS_LOOKASIDE_USED,
                &mut slots.0,
                &mut slots.1,
                0,
            )
        };
        assert_eq!(rc, 0);
        assert_eq!(slots, (0, 0), "no lookaside slot was ever used");
    }
}
