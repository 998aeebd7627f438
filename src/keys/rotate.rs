//! `bisman keys rotate`: a new data-key version per tenant, every encrypted value and
//! file chunk re-encrypted under it online, then the old versions retired.
//!
//! Why it is safe next to a running server:
//! - work happens in small `BEGIN IMMEDIATE` transactions on the tenant file, so the
//!   server's writers wait milliseconds, never seconds;
//! - a rewrite changes only the ciphertext (not `version`/`updated_at`), so a client's
//!   `If-Match` stays valid and nothing the user sees changes;
//! - the server encrypts with `KeyStore::ring_for_write_blocking`, which checks the current
//!   version inside its write transaction, so after our first batch no value can be
//!   written under an old version; the server reloads its ring when it meets a ciphertext
//!   under a version it has not loaded.
//!
//! Why it is resumable: the state is the key registry itself. A tenant with more than one
//! live version has an unfinished rotation, and a rerun continues with the newest version
//! instead of adding another. Values already under it are skipped without decrypting.
//! Old versions are deleted from the control DB only after a full scan finds no
//! ciphertext under them, and no sooner than `Options::retire_after` after the new
//! version was created: by then every running server has dropped any ring it cached
//! before the rotation (`RING_CACHE_TTL`), so even a writer that does not check the
//! version under the write lock can no longer produce ciphertext under an old version.
//! The CLI rewrites every tenant first and waits once, not once per tenant.

use std::time::Duration;

use indicatif::ProgressBar;
use rusqlite::{params, Connection, Transaction};

use crate::crypto::{ciphertext_key_version, reencrypt_chunk, MasterKey, TenantKeys};
use crate::db::Database;
use crate::error::{AppError, AppResult};
use crate::modules::company::service::{ACCOUNT as COMPANY_ACCOUNT, ROW_ID as COMPANY_ROW};
use crate::modules::hr::crypt::{self, ENCRYPTED};

/// Knobs of one run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Employees per transaction.
    pub rows_per_batch: usize,
    /// File chunks per transaction (each up to 256 KiB, so far fewer than rows).
    pub chunks_per_batch: usize,
    /// Testing aid: stop (as a crash would) after this many committed batches in total.
    pub stop_after_batches: Option<u64>,
    /// Old versions are retired no sooner than this after the new one was created.
    pub retire_after: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            rows_per_batch: 100,
            chunks_per_batch: 8,
            stop_after_batches: None,
            retire_after: super::RING_CACHE_TTL + Duration::from_secs(60),
        }
    }
}

/// Counts committed batches across tenants, for `stop_after_batches`.
#[derive(Debug, Default)]
pub struct Batches {
    pub committed: u64,
}

/// What happened to one tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantOutcome {
    pub tenant: String,
    /// The version everything is under now (or is being moved to, if stopped).
    pub version: u32,
    /// True when this run created `version`; false when it resumed an unfinished rotation.
    pub created: bool,
    /// Values and chunks this run re-encrypted.
    pub fields: u64,
    pub chunks: u64,
    /// Versions deleted from the control DB.
    pub retired: Vec<u32>,
    /// True once the old versions are retired.
    pub finished: bool,
    /// True when `stop_after_batches` cut the run short.
    pub stopped: bool,
    /// Unix time `version` was created (the retirement wait counts from it).
    pub version_created_at: i64,
}

fn fail(tenant: &str, what: impl std::fmt::Display) -> AppError {
    AppError::internal(format!("tenant {tenant}: {what}"))
}

fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Adds a new version unless one is already being rolled out; returns the ring to
/// encrypt with, whether a version was created, and when the current one was.
fn begin(
    control: &Database,
    master: &MasterKey,
    tenant: &str,
) -> AppResult<(TenantKeys, bool, i64)> {
    control.write_blocking(|tx| {
        let mut ring = super::load_ring(tx, master, tenant)?;
        if ring.versions().count() > 1 {
            let created: String = tx.query_row(
                "SELECT created_at FROM tenant_data_keys WHERE tenant = ?1 AND version = ?2",
                params![tenant, ring.current_version()],
                |r| r.get(0),
            )?;
            // Unreadable: count from now, which only makes the wait longer.
            let at = time::OffsetDateTime::parse(
                &created,
                &time::format_description::well_known::Rfc3339,
            )
            .map(|t| t.unix_timestamp())
            .unwrap_or_else(|_| unix_now());
            return Ok((ring, false, at));
        }
        let (version, wrapped) = ring
            .rotate(master)
            .map_err(|e| fail(tenant, format!("new key version: {e}")))?;
        tx.execute(
            "INSERT INTO tenant_data_keys (tenant, version, wrapped, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![tenant, version, wrapped, crate::clock::now_rfc3339()],
        )?;
        Ok((ring, true, unix_now()))
    })
}

/// Rows still to visit, for the progress bar: employees with an encrypted value, and chunks.
pub fn work_total(c: &Connection) -> AppResult<u64> {
    let fields: i64 = c.query_row(
        "SELECT count(*) FROM employees WHERE pan_enc IS NOT NULL OR aadhaar_enc IS NOT NULL OR bank_account_enc IS NOT NULL",
        [],
        |r| r.get(0),
    )?;
    let company: i64 = c.query_row(
        "SELECT count(*) FROM company WHERE bank_account_enc IS NOT NULL",
        [],
        |r| r.get(0),
    )?;
    let chunks: i64 = c.query_row("SELECT count(*) FROM file_chunks", [], |r| r.get(0))?;
    Ok(u64::try_from(fields + company + chunks).unwrap_or(0))
}

/// Ciphertexts of a tenant under any version other than `version`: (fields, chunks).
/// Bytes 3..6 of every ciphertext are its big-endian key version (see crypto::envelope).
pub fn stale_counts(c: &Connection, version: u32) -> AppResult<(u64, u64)> {
    let v = version.to_be_bytes().to_vec();
    let mut fields = 0i64;
    for s in ENCRYPTED {
        let col = s.enc_column;
        let n: i64 = c.query_row(
            &format!(
                "SELECT count(*) FROM employees WHERE {col} IS NOT NULL AND substr({col}, 3, 4) != ?1"
            ),
            [&v],
            |r| r.get(0),
        )?;
        fields += n;
    }
    // The company's bank account: encrypted like employees' (`company::service`).
    fields += c.query_row(
        "SELECT count(*) FROM company WHERE bank_account_enc IS NOT NULL AND substr(bank_account_enc, 3, 4) != ?1",
        [&v],
        |r| r.get::<_, i64>(0),
    )?;
    let chunks: i64 = c.query_row(
        "SELECT count(*) FROM file_chunks WHERE substr(data, 3, 4) != ?1",
        [&v],
        |r| r.get(0),
    )?;
    Ok((
        u64::try_from(fields).unwrap_or(0),
        u64::try_from(chunks).unwrap_or(0),
    ))
}

type EmployeeBlobs = (String, [Option<Vec<u8>>; 3]);

/// One transaction: the next `limit` employees after `after`; returns (rows seen, last id,
/// values rewritten).
fn employees_batch(
    tx: &Transaction,
    ring: &TenantKeys,
    after: &str,
    limit: usize,
) -> AppResult<(usize, String, u64)> {
    let rows: Vec<EmployeeBlobs> = {
        let mut stmt = tx.prepare_cached(
            "SELECT id, pan_enc, aadhaar_enc, bank_account_enc FROM employees WHERE id > ?1 ORDER BY id LIMIT ?2",
        )?;
        let mapped = stmt.query_map(params![after, limit as i64], |r| {
            Ok((r.get(0)?, [r.get(1)?, r.get(2)?, r.get(3)?]))
        })?;
        mapped.collect::<Result<_, _>>()?
    };
    let mut rewritten = 0;
    for (id, blobs) in &rows {
        for (s, blob) in ENCRYPTED.iter().zip(blobs) {
            let Some(blob) = blob else { continue };
            let new = crypt::reseal(ring, id, *s, blob).map_err(|e| {
                fail(
                    ring.tenant(),
                    format!("employee {id}: {} cannot be re-encrypted: {e}", s.field),
                )
            })?;
            if let Some(new) = new {
                tx.execute(
                    &format!("UPDATE employees SET {} = ?1 WHERE id = ?2", s.enc_column),
                    params![new, id],
                )?;
                rewritten += 1;
            }
        }
    }
    let last = rows.last().map(|(id, _)| id.clone()).unwrap_or_default();
    Ok((rows.len(), last, rewritten))
}

/// One transaction: the company's bank account under the current version; returns the
/// values rewritten (0 or 1).
fn company_batch(tx: &Transaction, ring: &TenantKeys) -> AppResult<u64> {
    let blob: Option<Vec<u8>> = tx.query_row(
        "SELECT bank_account_enc FROM company WHERE id = 1",
        [],
        |r| r.get(0),
    )?;
    let Some(blob) = blob else { return Ok(0) };
    let new = crypt::reseal(ring, COMPANY_ROW, COMPANY_ACCOUNT, &blob).map_err(|e| {
        fail(
            ring.tenant(),
            format!("the company bank account cannot be re-encrypted: {e}"),
        )
    })?;
    match new {
        None => Ok(0),
        Some(new) => {
            tx.execute(
                "UPDATE company SET bank_account_enc = ?1 WHERE id = 1",
                [new],
            )?;
            Ok(1)
        }
    }
}

type ChunkRow = (String, i64, Vec<u8>, Option<i64>);

/// One transaction over the next `limit` chunks after (`file`, `idx`).
fn chunks_batch(
    tx: &Transaction,
    ring: &TenantKeys,
    after: &(String, i64),
    limit: usize,
) -> AppResult<(usize, (String, i64), u64)> {
    let rows: Vec<ChunkRow> = {
        let mut stmt = tx.prepare_cached(
            "SELECT c.file_id, c.idx, c.data, f.chunk_count FROM file_chunks c \
             LEFT JOIN files f ON f.id = c.file_id \
             WHERE (c.file_id, c.idx) > (?1, ?2) ORDER BY c.file_id, c.idx LIMIT ?3",
        )?;
        let mapped = stmt.query_map(params![after.0, after.1, limit as i64], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
        mapped.collect::<Result<_, _>>()?
    };
    let mut rewritten = 0;
    for (file, idx, data, count) in &rows {
        if ciphertext_key_version(data) == Some(ring.current_version()) {
            continue;
        }
        let what = || format!("file {file} chunk {idx}");
        let count =
            count.ok_or_else(|| fail(ring.tenant(), format!("{} has no file row", what())))?;
        let index = u32::try_from(*idx).map_err(|_| fail(ring.tenant(), what()))?;
        // The reader's own notion of "last" (see decrypt_chunk): position vs the file's count.
        let is_last = *idx == count - 1;
        let new = reencrypt_chunk(ring, file, index, is_last, data).map_err(|e| {
            fail(
                ring.tenant(),
                format!("{} cannot be re-encrypted: {e}", what()),
            )
        })?;
        if let Some(new) = new {
            tx.execute(
                "UPDATE file_chunks SET data = ?1 WHERE file_id = ?2 AND idx = ?3",
                params![new, file, idx],
            )?;
            rewritten += 1;
        }
    }
    let last = rows
        .last()
        .map(|(f, i, _, _)| (f.clone(), *i))
        .unwrap_or_else(|| after.clone());
    Ok((rows.len(), last, rewritten))
}

/// Result of one pass over a tenant.
struct Pass {
    fields: u64,
    chunks: u64,
    stopped: bool,
}

fn tick(opts: &Options, batches: &mut Batches, bar: &ProgressBar, seen: usize) -> bool {
    batches.committed += 1;
    bar.inc(seen as u64);
    opts.stop_after_batches
        .is_some_and(|n| batches.committed >= n)
}

fn pass(
    db: &Database,
    ring: &TenantKeys,
    opts: &Options,
    batches: &mut Batches,
    bar: &ProgressBar,
) -> AppResult<Pass> {
    let mut out = Pass {
        fields: 0,
        chunks: 0,
        stopped: false,
    };
    let mut after = String::new();
    loop {
        let (seen, last, n) =
            db.write_blocking(|tx| employees_batch(tx, ring, &after, opts.rows_per_batch))?;
        out.fields += n;
        after = last;
        if tick(opts, batches, bar, seen) {
            out.stopped = true;
            return Ok(out);
        }
        if seen < opts.rows_per_batch {
            break;
        }
    }
    out.fields += db.write_blocking(|tx| company_batch(tx, ring))?;
    let mut after = (String::new(), -1);
    loop {
        let (seen, last, n) =
            db.write_blocking(|tx| chunks_batch(tx, ring, &after, opts.chunks_per_batch))?;
        out.chunks += n;
        after = last;
        if tick(opts, batches, bar, seen) {
            out.stopped = true;
            return Ok(out);
        }
        if seen < opts.chunks_per_batch {
            break;
        }
    }
    Ok(out)
}

/// A tenant whose values are all under the new version, old versions not yet retired.
pub struct Reencrypted {
    ring: TenantKeys,
    pub outcome: TenantOutcome,
}

/// Phase 1: adds (or resumes) the new version and rewrites every value under it.
pub fn reencrypt(
    control: &Database,
    master: &MasterKey,
    db: &Database,
    tenant: &str,
    opts: &Options,
    batches: &mut Batches,
    bar: &ProgressBar,
) -> AppResult<Reencrypted> {
    let (ring, created, version_created_at) = begin(control, master, tenant)?;
    bar.set_length(db.read_blocking(work_total)?);
    let mut outcome = TenantOutcome {
        tenant: tenant.to_string(),
        version: ring.current_version(),
        created,
        fields: 0,
        chunks: 0,
        retired: Vec::new(),
        finished: false,
        stopped: false,
        version_created_at,
    };
    let p = pass(db, &ring, opts, batches, bar)?;
    outcome.fields += p.fields;
    outcome.chunks += p.chunks;
    outcome.stopped = p.stopped;
    Ok(Reencrypted { ring, outcome })
}

/// How much longer to wait before phase 2 may retire old versions.
pub fn wait_before_retiring(r: &Reencrypted, opts: &Options) -> Duration {
    let due = r.outcome.version_created_at + opts.retire_after.as_secs() as i64;
    Duration::from_secs(u64::try_from(due - unix_now()).unwrap_or(0))
}

/// Phase 2 (after the wait): recounts; rewrites anything a writer put under an old
/// version meanwhile; then deletes the old versions and records the rotation.
pub fn retire_unused(
    control: &Database,
    db: &Database,
    mut r: Reencrypted,
    opts: &Options,
    batches: &mut Batches,
    bar: &ProgressBar,
) -> AppResult<TenantOutcome> {
    let version = r.ring.current_version();
    for _ in 0..3 {
        if db.read_blocking(|c| stale_counts(c, version))? == (0, 0) {
            r.outcome.retired = retire(control, &r.outcome.tenant, version)?;
            r.outcome.finished = true;
            record(db, &r.outcome)?;
            return Ok(r.outcome);
        }
        bar.set_length(db.read_blocking(work_total)?);
        bar.set_position(0);
        let p = pass(db, &r.ring, opts, batches, bar)?;
        r.outcome.fields += p.fields;
        r.outcome.chunks += p.chunks;
        if p.stopped {
            r.outcome.stopped = true;
            return Ok(r.outcome);
        }
    }
    Err(fail(
        &r.outcome.tenant,
        "values under old key versions keep appearing; is an old binary writing?",
    ))
}

/// Both phases for one tenant, sleeping in between if needed (the CLI instead runs
/// phase 1 for every tenant, waits once, then phase 2).
pub fn rotate_tenant(
    control: &Database,
    master: &MasterKey,
    db: &Database,
    tenant: &str,
    opts: &Options,
    batches: &mut Batches,
    bar: &ProgressBar,
) -> AppResult<TenantOutcome> {
    let r = reencrypt(control, master, db, tenant, opts, batches, bar)?;
    if r.outcome.stopped {
        return Ok(r.outcome);
    }
    std::thread::sleep(wait_before_retiring(&r, opts));
    retire_unused(control, db, r, opts, batches, bar)
}

/// Deletes every version below `version`, now that nothing is encrypted under them.
fn retire(control: &Database, tenant: &str, version: u32) -> AppResult<Vec<u32>> {
    control.write_blocking(|tx| {
        let old: Vec<u32> = {
            let mut stmt = tx.prepare(
                "SELECT version FROM tenant_data_keys WHERE tenant = ?1 AND version < ?2 ORDER BY version",
            )?;
            let rows = stmt.query_map(params![tenant, version], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        tx.execute(
            "DELETE FROM tenant_data_keys WHERE tenant = ?1 AND version < ?2",
            params![tenant, version],
        )?;
        Ok(old)
    })
}

/// An audit event in the tenant's own trail, so its history shows when keys changed.
fn record(db: &Database, o: &TenantOutcome) -> AppResult<()> {
    let changes = serde_json::json!({
        "version": o.version,
        "retired_versions": o.retired,
        "fields_reencrypted": o.fields,
        "chunks_reencrypted": o.chunks,
    });
    db.write_blocking(|tx| {
        crate::audit::append(
            tx,
            &crate::audit::Actor::system(None),
            "data_key.rotated",
            "tenant",
            None,
            changes,
        )
        .map(|_| ())
    })
}

/// The live versions of a tenant (ascending), for status output and tests.
pub fn live_versions(c: &Connection, tenant: &str) -> AppResult<Vec<u32>> {
    let mut stmt = c.prepare(
        "SELECT version FROM tenant_data_keys WHERE tenant = ?1 AND retired_at IS NULL ORDER BY version",
    )?;
    let rows = stmt.query_map([tenant], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
