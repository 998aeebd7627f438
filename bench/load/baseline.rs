//! What SQLite itself does on this machine with the appliance's PRAGMAs and durability
//! (WAL, synchronous=FULL), without HTTP, auth, JSON or the service layer: the yardstick
//! every API figure is divided by.

use std::path::Path;
use std::time::{Duration, Instant};

use super::{report, Stats};

/// Single-writer commits, each inserting a customer-sized row and an audit-sized row
/// (what one API create does), then point reads by primary key on a reader connection.
pub fn run(tenant_db: &Path, commits: usize, reads: usize) -> (f64, f64) {
    let mut w = bisman::db::connection::open_writer(tenant_db).expect("writer");
    let mut ids = Vec::with_capacity(commits);
    let mut stats = Stats::default();
    let started = Instant::now();
    for i in 0..commits {
        let t = Instant::now();
        let id = uuid::Uuid::now_v7().to_string();
        let tx = w.transaction().expect("tx");
        tx.prepare_cached(
            "INSERT INTO customers (id, name, state_code, created_at, updated_at) VALUES (?1, ?2, '29', ?3, ?3)",
        )
        .and_then(|mut s| s.execute(rusqlite::params![id, format!("Baseline {i}"), "2026-11-24T00:00:00Z"]))
        .expect("insert");
        let seq: i64 = tx
            .query_row(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_events",
                [],
                |r| r.get(0),
            )
            .expect("seq");
        tx.prepare_cached(
            "INSERT INTO audit_events (seq, at, actor_id, action, entity, entity_id, request_id, ip, changes, prev_hash, hash)
             VALUES (?1, ?2, 'bench', 'customer.created', 'customer', ?3, 'r', '127.0.0.1', '{}', ?4, ?4)",
        )
        .and_then(|mut s| s.execute(rusqlite::params![seq, "2026-11-24T00:00:00Z", id, "0".repeat(64)]))
        .expect("audit");
        tx.commit().expect("commit");
        stats.samples.push(t.elapsed());
        ids.push(id);
    }
    let write_wall = started.elapsed();
    report(
        "baseline: rusqlite insert + audit row, 1 commit each",
        &stats,
        write_wall,
    );
    let write_rate = commits as f64 / write_wall.as_secs_f64();

    let r = bisman::db::connection::open_reader(tenant_db).expect("reader");
    let mut stats = Stats::default();
    let started = Instant::now();
    for i in 0..reads {
        let t = Instant::now();
        let name: String = r
            .prepare_cached("SELECT name FROM customers WHERE id = ?1")
            .and_then(|mut s| s.query_row([&ids[(i * 7919) % ids.len()]], |row| row.get(0)))
            .expect("read");
        std::hint::black_box(name);
        stats.samples.push(t.elapsed());
    }
    let read_wall = started.elapsed().max(Duration::from_nanos(1));
    report("baseline: rusqlite point read by id", &stats, read_wall);
    (write_rate, reads as f64 / read_wall.as_secs_f64())
}
