//! The master key's safety net and its rotation.
//!
//! * A **recovery file** holds the master key sealed under a passphrase: argon2id
//!   (64 MiB, 3 passes) stretches the passphrase into an AES-256-GCM key that seals the
//!   key text. The file can sit next to the replicas or in a password manager: without
//!   the passphrase it is useless, and the GCM tag makes a wrong passphrase or a changed
//!   byte fail loudly instead of yielding a wrong key. It names the key by a fingerprint
//!   (a hash, not the key) so an operator can tell which key it recovers.
//! * [`rewrap_all`] re-wraps every tenant key in the control DB under a new master key in
//!   one transaction: `bisman keys rotate-master`.

use std::fmt::Write as _;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rand::rngs::OsRng;
use rand::RngCore;
use rusqlite::{params, Connection};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::crypto::{unwrap_data_key, unwrap_index_key, wrap_data_key, wrap_index_key, MasterKey};
use crate::db::Database;
use crate::error::{AppError, AppResult};

const MAGIC: &str = "BISMAN MASTER KEY RECOVERY v1";
const AAD: &[u8] = b"bisman/master-key-recovery/v1";
/// argon2id cost: 64 MiB, 3 passes, 1 lane (about a second on the appliance; every
/// guess of an attacker holding the file costs the same).
const KDF_M_KIB: u32 = 64 * 1024;
const KDF_T: u32 = 3;
const KDF_P: u32 = 1;
/// A passphrase shorter than this is refused (six diceware words are about 30).
pub const MIN_PASSPHRASE_CHARS: usize = 16;

/// A short, non-secret name of a master key: the first 16 hex digits of a domain-separated
/// SHA-256 of it.
pub fn fingerprint(master: &MasterKey) -> String {
    let text = master.to_file_text();
    let digest = Sha256::new()
        .chain_update(b"bisman/master-key-fingerprint/v1|")
        .chain_update(text.as_bytes())
        .finalize();
    hex::encode(&digest[..8])
}

fn derive(
    passphrase: &str,
    salt: &[u8],
    m: u32,
    t: u32,
    p: u32,
) -> Result<Zeroizing<[u8; 32]>, String> {
    let params = Params::new(m, t, p, Some(32)).map_err(|e| format!("kdf parameters: {e}"))?;
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), salt, out.as_mut())
        .map_err(|e| format!("kdf: {e}"))?;
    Ok(out)
}

/// Refuses passphrases too short to resist guessing.
pub fn check_passphrase(passphrase: &str) -> Result<(), String> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(format!(
            "the passphrase must have at least {MIN_PASSPHRASE_CHARS} characters (several random words)"
        ));
    }
    Ok(())
}

/// The recovery file for `master`, sealed under `passphrase`.
pub fn seal(master: &MasterKey, passphrase: &str) -> Result<String, String> {
    check_passphrase(passphrase)?;
    let mut salt = [0u8; 16];
    let mut nonce = [0u8; 12];
    OsRng.fill_bytes(&mut salt);
    OsRng.fill_bytes(&mut nonce);
    let key = derive(passphrase, &salt, KDF_M_KIB, KDF_T, KDF_P)?;
    let cipher = Aes256Gcm::new_from_slice(key.as_ref()).map_err(|e| format!("cipher: {e}"))?;
    let text = master.to_file_text();
    let sealed = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: text.as_bytes(),
                aad: AAD,
            },
        )
        .map_err(|_| "sealing failed".to_string())?;
    let mut out = String::new();
    let _ = writeln!(out, "{MAGIC}");
    let _ = writeln!(
        out,
        "# The BISMAN master key, sealed under a passphrase (argon2id + AES-256-GCM)."
    );
    let _ = writeln!(
        out,
        "# Recover with: bisman keys verify-recovery THIS-FILE --write-key PATH"
    );
    let _ = writeln!(out, "fingerprint: {}", fingerprint(master));
    let _ = writeln!(out, "created: {}", crate::clock::now_rfc3339());
    let _ = writeln!(out, "kdf: argon2id m={KDF_M_KIB} t={KDF_T} p={KDF_P}");
    let _ = writeln!(out, "salt: {}", STANDARD.encode(salt));
    let _ = writeln!(out, "nonce: {}", STANDARD.encode(nonce));
    let _ = writeln!(out, "sealed: {}", STANDARD.encode(sealed));
    Ok(out)
}

/// Opens a recovery file. A wrong passphrase and a damaged file both fail.
pub fn open(file: &str, passphrase: &str) -> Result<MasterKey, String> {
    let mut lines = file
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    if lines.next() != Some(MAGIC) {
        return Err("not a BISMAN master key recovery file".into());
    }
    let mut field = std::collections::HashMap::new();
    for l in lines {
        if let Some((k, v)) = l.split_once(':') {
            field.insert(k.trim().to_string(), v.trim().to_string());
        }
    }
    let get = |k: &str| {
        field
            .get(k)
            .ok_or_else(|| format!("the recovery file has no {k}"))
    };
    let b64 = |k: &str| -> Result<Vec<u8>, String> {
        STANDARD
            .decode(get(k)?)
            .map_err(|e| format!("the recovery file's {k} is damaged: {e}"))
    };
    let (mut m, mut t, mut p) = (None, None, None);
    let kdf = get("kdf")?;
    let mut parts = kdf.split_whitespace();
    if parts.next() != Some("argon2id") {
        return Err(format!("unknown kdf {kdf}"));
    }
    for part in parts {
        let (k, v) = part.split_once('=').ok_or_else(|| format!("kdf: {part}"))?;
        let v: u32 = v.parse().map_err(|_| format!("kdf: {part}"))?;
        match k {
            "m" => m = Some(v),
            "t" => t = Some(v),
            "p" => p = Some(v),
            _ => return Err(format!("kdf: {part}")),
        }
    }
    let (Some(m), Some(t), Some(p)) = (m, t, p) else {
        return Err(format!("kdf: {kdf}"));
    };
    let (salt, nonce, sealed) = (b64("salt")?, b64("nonce")?, b64("sealed")?);
    if nonce.len() != 12 {
        return Err("the recovery file's nonce is damaged".into());
    }
    let key = derive(passphrase, &salt, m, t, p)?;
    let cipher = Aes256Gcm::new_from_slice(key.as_ref()).map_err(|e| format!("cipher: {e}"))?;
    let text = cipher
        .decrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: &sealed,
                aad: AAD,
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| "wrong passphrase, or the recovery file was changed".to_string())?;
    let text = std::str::from_utf8(&text).map_err(|_| "the sealed key is not text".to_string())?;
    let master = MasterKey::from_file_text(text).map_err(|e| format!("the sealed key: {e}"))?;
    if let Some(fp) = field.get("fingerprint") {
        if *fp != fingerprint(&master) {
            return Err("the recovered key does not match the file's fingerprint".into());
        }
    }
    Ok(master)
}

/// Every wrapped tenant key in the control DB: (table, tenant, version, wrapped).
type Row = (&'static str, String, u32, Vec<u8>);

fn wrapped_rows(c: &Connection) -> AppResult<Vec<Row>> {
    let mut out = Vec::new();
    let mut st = c.prepare(
        "SELECT tenant, version, wrapped FROM tenant_data_keys ORDER BY tenant, version",
    )?;
    for r in st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, u32>(1)?,
            r.get::<_, Vec<u8>>(2)?,
        ))
    })? {
        let (t, v, w) = r?;
        out.push(("tenant_data_keys", t, v, w));
    }
    let mut st = c.prepare("SELECT tenant, wrapped FROM tenant_index_keys ORDER BY tenant")?;
    for r in st.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
    })? {
        let (t, w) = r?;
        out.push(("tenant_index_keys", t, 0, w));
    }
    Ok(out)
}

fn opens(master: &MasterKey, row: &Row) -> bool {
    let (table, tenant, version, wrapped) = row;
    if *table == "tenant_data_keys" {
        unwrap_data_key(master, tenant, *version, wrapped).is_ok()
    } else {
        unwrap_index_key(master, tenant, wrapped).is_ok()
    }
}

/// How many tenants have keys, and how many wrapped keys `master` cannot open.
pub fn check_opens_all(c: &Connection, master: &MasterKey) -> AppResult<(usize, usize)> {
    let rows = wrapped_rows(c)?;
    let tenants: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.1.as_str()).collect();
    let failing = rows.iter().filter(|r| !opens(master, r)).count();
    Ok((tenants.len(), failing))
}

/// What [`rewrap_all`] did.
#[derive(Debug, Default)]
pub struct Rewrapped {
    pub rewrapped: usize,
    pub already: usize,
}

/// Re-wraps every tenant key under `new`, in one control-DB transaction. A key already
/// under `new` is left alone (a rerun is harmless); any other must open with one of
/// `old`, or nothing changes.
pub fn rewrap_all(control: &Database, new: &MasterKey, old: &[&MasterKey]) -> AppResult<Rewrapped> {
    control.write_blocking(|tx| {
        let mut done = Rewrapped::default();
        for row in wrapped_rows(tx)? {
            if opens(new, &row) {
                done.already += 1;
                continue;
            }
            let (table, tenant, version, wrapped) = &row;
            let crypto = |e: crate::crypto::CryptoError| AppError::internal(format!("re-wrap: {e}"));
            let mut rewrapped = None;
            for m in old {
                if *table == "tenant_data_keys" {
                    if let Ok(k) = unwrap_data_key(m, tenant, *version, wrapped) {
                        rewrapped = Some(wrap_data_key(new, tenant, *version, &k).map_err(crypto)?);
                        break;
                    }
                } else if let Ok(k) = unwrap_index_key(m, tenant, wrapped) {
                    rewrapped = Some(wrap_index_key(new, tenant, &k).map_err(crypto)?);
                    break;
                }
            }
            let Some(w) = rewrapped else {
                return Err(AppError::internal(format!(
                    "a key of tenant {tenant} ({table}) opens with neither the new nor the old master key; nothing was changed"
                )));
            };
            if *table == "tenant_data_keys" {
                tx.execute(
                    "UPDATE tenant_data_keys SET wrapped = ?1 WHERE tenant = ?2 AND version = ?3",
                    params![w, tenant, version],
                )?;
            } else {
                tx.execute(
                    "UPDATE tenant_index_keys SET wrapped = ?1 WHERE tenant = ?2",
                    params![w, tenant],
                )?;
            }
            done.rewrapped += 1;
        }
        Ok(done)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PASS: &str = "correct horse battery staple";

    #[test]
    fn a_recovery_file_opens_with_its_passphrase_only() {
        let master = MasterKey::generate();
        let file = seal(&master, PASS).expect("seal");
        assert!(file.contains(&fingerprint(&master)));
        assert!(
            !file.contains(master.to_file_text().as_str()),
            "the key is not in clear"
        );
        let back = open(&file, PASS).expect("open");
        assert_eq!(back.to_file_text(), master.to_file_text());
        assert!(open(&file, "correct horse battery stapler").is_err());
        // One changed character of the sealed key.
        let sealed = file
            .lines()
            .find(|l| l.starts_with("sealed: "))
            .expect("sealed");
        let mut bytes = STANDARD.decode(&sealed[8..]).expect("b64");
        bytes[3] ^= 1;
        let tampered = file.replace(sealed, &format!("sealed: {}", STANDARD.encode(bytes)));
        assert!(open(&tampered, PASS).is_err());
        assert!(seal(&master, "short").is_err());
        assert!(open("hello", PASS).is_err());
    }
}
