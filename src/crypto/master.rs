//! The master key: read from a file at start-up, never stored in any database,
//! used only to wrap and unwrap tenant keys.

use std::fmt;

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use rand::rngs::OsRng;
use rand::RngCore;
use zeroize::Zeroizing;

use super::secret::{open_in_place, random_nonce, seal_in_place, Key32, KEY_LEN, NONCE_LEN};
use super::{CryptoError, KeyError};

/// Random 32 bytes show about 30 distinct values; 16 rejects typed or patterned
/// keys while a genuine random key practically never falls below it.
const MIN_DISTINCT_BYTES: usize = 16;

/// Wrapped key layout: nonce, encrypted 32-byte key, tag.
const WRAPPED_LEN: usize = NONCE_LEN + KEY_LEN + 16;

/// AES-256 key-encryption key. Wiped on drop; `Debug` shows no bytes.
pub struct MasterKey(Key32);

impl MasterKey {
    /// Fresh random key.
    pub fn generate() -> Self {
        loop {
            let key = Key32::random();
            if !is_weak_key_material(key.bytes()) {
                return Self(key);
            }
        }
    }

    /// Exactly 32 bytes that pass the weakness check.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        if bytes.len() != KEY_LEN {
            return Err(KeyError::Length(bytes.len()));
        }
        if is_weak_key_material(bytes) {
            return Err(KeyError::Weak);
        }
        let mut key = Key32::zeroed();
        key.bytes_mut().copy_from_slice(bytes);
        Ok(Self(key))
    }

    /// Parses a key file: 64 hex characters, or standard / URL-safe base64 (padded or
    /// not) of 32 bytes. Surrounding whitespace, such as a trailing newline, is ignored.
    pub fn from_file_text(text: &str) -> Result<Self, KeyError> {
        let text = text.trim();
        let bytes = decode_key_text(text)?;
        Self::from_bytes(&bytes)
    }

    /// The key as 64 lowercase hex characters, the form `from_file_text` expects.
    pub fn to_file_text(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.0.bytes()))
    }

    /// Encrypts another key under the master key, bound to `aad`.
    pub(crate) fn wrap_key(&self, aad: &[u8], key: &Key32) -> Result<Vec<u8>, CryptoError> {
        let nonce = random_nonce();
        let mut out = Vec::with_capacity(WRAPPED_LEN);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(key.bytes());
        let tag = seal_in_place(&self.0, &nonce, aad, &mut out[NONCE_LEN..])?;
        out.extend_from_slice(&tag);
        Ok(out)
    }

    /// Reverses `wrap_key`; fails on the wrong master key, wrong `aad` or tampering.
    pub(crate) fn unwrap_key(&self, aad: &[u8], wrapped: &[u8]) -> Result<Key32, CryptoError> {
        if wrapped.len() != WRAPPED_LEN {
            return Err(CryptoError::Malformed);
        }
        let (nonce, rest) = wrapped.split_at(NONCE_LEN);
        let (body, tag) = rest.split_at(KEY_LEN);
        let nonce = nonce.try_into().map_err(|_| CryptoError::Malformed)?;
        let tag = tag.try_into().map_err(|_| CryptoError::Malformed)?;
        let mut key = Key32::zeroed();
        key.bytes_mut().copy_from_slice(body);
        open_in_place(&self.0, nonce, aad, key.bytes_mut(), tag)?;
        Ok(key)
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(..)")
    }
}

fn decode_key_text(text: &str) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        if text.len() == 2 * KEY_LEN {
            return hex::decode(text)
                .map(Zeroizing::new)
                .map_err(|_| KeyError::Format);
        }
        // Hex of the wrong length is far more likely than base64 made only of hex
        // digits, so report it as such.
        if text.len() % 2 == 0 && text.len() < 2 * KEY_LEN {
            return Err(KeyError::Length(text.len() / 2));
        }
    }
    for engine in [&STANDARD, &URL_SAFE, &STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
        if let Ok(bytes) = engine.decode(text) {
            let bytes = Zeroizing::new(bytes);
            if bytes.len() != KEY_LEN {
                return Err(KeyError::Length(bytes.len()));
            }
            return Ok(bytes);
        }
    }
    Err(KeyError::Format)
}

/// True when decoded secret bytes are too short (under 32) or too uniform to be random.
/// Apply it to the decoded bytes, never to hex text, which has at most 16 symbols.
pub fn is_weak_key_material(bytes: &[u8]) -> bool {
    if bytes.len() < KEY_LEN {
        return true;
    }
    let mut seen = [false; 256];
    for &b in bytes {
        seen[usize::from(b)] = true;
    }
    seen.iter().filter(|&&s| s).count() < MIN_DISTINCT_BYTES
}

/// `n_bytes` of OS randomness as lowercase hex, for any secret file (JWT secret, ...).
pub fn generate_secret_hex(n_bytes: usize) -> Zeroizing<String> {
    let mut bytes = Zeroizing::new(vec![0u8; n_bytes]);
    OsRng.fill_bytes(&mut bytes);
    Zeroizing::new(hex::encode(&*bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_bytes() -> [u8; 32] {
        let mut b = [0u8; 32];
        for (i, x) in b.iter_mut().enumerate() {
            *x = (i as u8).wrapping_mul(37).wrapping_add(11);
        }
        b
    }

    fn same(a: &MasterKey, b: &[u8]) -> bool {
        a.0.bytes().as_slice() == b
    }

    #[test]
    fn hex_is_accepted_with_surrounding_whitespace() {
        let bytes = sample_bytes();
        let text = format!("  {}\n", hex::encode(bytes));
        let key = MasterKey::from_file_text(&text).unwrap();
        assert!(same(&key, &bytes));
        let upper = hex::encode_upper(bytes);
        assert!(same(&MasterKey::from_file_text(&upper).unwrap(), &bytes));
    }

    #[test]
    fn all_base64_forms_are_accepted() {
        let bytes = sample_bytes();
        for engine in [&STANDARD, &URL_SAFE, &STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
            let text = format!("{}\n", engine.encode(bytes));
            let key = MasterKey::from_file_text(&text).unwrap();
            assert!(same(&key, &bytes), "form {text:?}");
        }
    }

    #[test]
    fn file_text_round_trips() {
        let key = MasterKey::generate();
        let again = MasterKey::from_file_text(&key.to_file_text()).unwrap();
        assert!(same(&again, key.0.bytes()));
        assert_eq!(key.to_file_text().len(), 64);
    }

    #[test]
    fn key_file_on_disk_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("master.key");
        let key = MasterKey::generate();
        std::fs::write(&path, format!("{}\n", &*key.to_file_text())).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(same(
            &MasterKey::from_file_text(&text).unwrap(),
            key.0.bytes()
        ));
    }

    #[test]
    fn weak_keys_are_rejected() {
        let zeros = "0".repeat(64);
        assert_eq!(
            MasterKey::from_file_text(&zeros).unwrap_err(),
            KeyError::Weak
        );
        let repeated = "aa".repeat(32);
        assert_eq!(
            MasterKey::from_file_text(&repeated).unwrap_err(),
            KeyError::Weak
        );
        let pattern: Vec<u8> = (0..32).map(|i| (i % 15) as u8).collect();
        assert_eq!(MasterKey::from_bytes(&pattern).unwrap_err(), KeyError::Weak);
        let sixteen: Vec<u8> = (0..32).map(|i| (i % 16) as u8).collect();
        assert!(MasterKey::from_bytes(&sixteen).is_ok());
    }

    #[test]
    fn wrong_lengths_and_garbage_are_rejected() {
        let short_hex = hex::encode(&sample_bytes()[..16]);
        assert_eq!(
            MasterKey::from_file_text(&short_hex).unwrap_err(),
            KeyError::Length(16)
        );
        let long_b64 = STANDARD.encode([7u8; 48]);
        assert_eq!(
            MasterKey::from_file_text(&long_b64).unwrap_err(),
            KeyError::Length(48)
        );
        let not_hex = "g".repeat(64);
        for bad in ["", "   ", "not a key at all!", not_hex.as_str()] {
            assert!(MasterKey::from_file_text(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn generated_keys_are_distinct_and_strong() {
        let a = MasterKey::generate();
        let b = MasterKey::generate();
        assert_ne!(a.to_file_text(), b.to_file_text());
        assert!(!is_weak_key_material(a.0.bytes()));
    }

    #[test]
    fn debug_and_errors_hide_key_bytes() {
        let key = MasterKey::generate();
        assert_eq!(format!("{key:?}"), "MasterKey(..)");
        let err = MasterKey::from_file_text(&"ab".repeat(32)).unwrap_err();
        assert!(!err.to_string().contains("abab"));
    }

    #[test]
    fn secret_hex_has_requested_size() {
        let s = generate_secret_hex(32);
        assert_eq!(s.len(), 64);
        assert!(s.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(*s, *generate_secret_hex(32));
        let decoded = hex::decode(&*s).unwrap();
        assert!(!is_weak_key_material(&decoded));
        assert!(is_weak_key_material(&decoded[..31]));
    }
}
