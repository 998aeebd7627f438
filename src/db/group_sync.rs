//! Group commit. SQLite's `synchronous=FULL` makes every COMMIT wait for its own fsync
//! of the WAL, so one writer commits at most 1/fsync-latency transactions a second, however
//! many requests are waiting. Here the writer commits with `synchronous=NORMAL` (the WAL
//! frames are written, not yet flushed) and each writer then waits, *after releasing the
//! writer lock*, until one `fdatasync` of the WAL that started after its COMMIT has
//! finished. One fsync covers every commit written before it began, so concurrent
//! requests share it while the next transaction is already running.
//!
//! The promise to the client is unchanged: no write is acknowledged before its WAL frames
//! are on stable storage. (In WAL mode with `NORMAL`, SQLite itself syncs the WAL before
//! each checkpoint, the database after it, and the WAL header when the WAL is reused.)

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};

use crate::error::{AppError, AppResult};

#[derive(Default)]
struct State {
    /// Commits finished so far (tickets handed out).
    committed: u64,
    /// Every commit with a ticket up to this is durable.
    synced: u64,
    /// An fsync is running.
    syncing: bool,
}

pub struct GroupSync {
    wal: PathBuf,
    state: Mutex<State>,
    done: Condvar,
}

impl GroupSync {
    pub fn for_database(db: &Path) -> GroupSync {
        GroupSync {
            wal: wal_path(db),
            state: Mutex::new(State::default()),
            done: Condvar::new(),
        }
    }

    /// Call right after a COMMIT returned; the ticket says which sync makes it durable.
    pub fn committed(&self) -> u64 {
        match self.state.lock() {
            Ok(mut s) => {
                s.committed += 1;
                s.committed
            }
            // A poisoned lock only means another thread panicked mid-update; a fresh
            // ticket of u64::MAX would never be reached, so fall back to syncing alone.
            Err(_) => 0,
        }
    }

    /// Returns once the commit with `ticket` is on stable storage.
    pub fn wait_durable(&self, ticket: u64) -> AppResult<()> {
        let poisoned = || AppError::internal("group commit state poisoned");
        if ticket == 0 {
            return sync_wal(&self.wal).map_err(io_error);
        }
        let mut s = self.state.lock().map_err(|_| poisoned())?;
        loop {
            if s.synced >= ticket {
                return Ok(());
            }
            if s.syncing {
                s = self.done.wait(s).map_err(|_| poisoned())?;
                continue;
            }
            s.syncing = true;
            let target = s.committed;
            drop(s);
            let result = sync_wal(&self.wal);
            crate::metrics::global().wal_syncs.inc();
            s = self.state.lock().map_err(|_| poisoned())?;
            s.syncing = false;
            if result.is_ok() {
                s.synced = s.synced.max(target);
            }
            self.done.notify_all();
            result.map_err(io_error)?;
        }
    }
}

/// `tenant.db` → `tenant.db-wal`.
pub fn wal_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push("-wal");
    db.with_file_name(name)
}

/// `fdatasync` of the WAL through a fresh descriptor (so a WAL that was ever replaced is
/// never synced through a stale one). No WAL means nothing is pending in it.
fn sync_wal(wal: &Path) -> io::Result<()> {
    match File::open(wal) {
        Ok(f) => f.sync_data(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

fn io_error(e: io::Error) -> AppError {
    if e.raw_os_error() == Some(28) {
        // ENOSPC
        AppError::InsufficientStorage
    } else {
        AppError::internal(format!("syncing the WAL: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn concurrent_commits_share_syncs_and_all_become_durable() {
        let dir = tempfile::tempdir().expect("tmp");
        let db = dir.path().join("t.db");
        std::fs::write(dir.path().join("t.db-wal"), b"frames").expect("wal");
        let g = Arc::new(GroupSync::for_database(&db));
        assert!(g.wal.ends_with("t.db-wal"));
        let before = crate::metrics::global().wal_syncs.get();
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let g = Arc::clone(&g);
                std::thread::spawn(move || {
                    for _ in 0..50 {
                        let t = g.committed();
                        g.wait_durable(t).expect("durable");
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("join");
        }
        let s = g.state.lock().expect("state");
        assert_eq!((s.committed, s.synced), (400, 400));
        // How many syncs were shared is a benchmark figure (docs/benchmarks.md), not a test.
        let syncs = crate::metrics::global().wal_syncs.get() - before;
        assert!(syncs >= 1, "at least one real fsync happened");
    }

    #[test]
    fn a_missing_wal_is_nothing_to_sync() {
        let dir = tempfile::tempdir().expect("tmp");
        let g = GroupSync::for_database(&dir.path().join("none.db"));
        let t = g.committed();
        g.wait_durable(t).expect("ok");
    }
}
