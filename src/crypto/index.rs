//! Blind indexes: keyed hashes of normalised values, so an exact lookup (by PAN,
//! Aadhaar, ...) is an indexed equality match without decrypting the table.
//!
//! The index key is separate from the versioned data keys: rotating data keys must
//! not change index values, or every lookup would miss until a full rebuild.

use std::fmt;

use hmac::digest::generic_array::GenericArray;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::secret::{Key32, KEY_LEN};
use super::{CryptoError, MasterKey};

/// SHA-256 block size; HMAC zero-pads shorter keys to it.
const HMAC_BLOCK: usize = 64;

/// HMAC-SHA256 key for one tenant's blind indexes. Wiped on drop.
pub struct IndexKey(Key32);

impl IndexKey {
    /// Fresh random key, for a new tenant.
    pub fn generate() -> Self {
        Self(Key32::random())
    }
}

impl fmt::Debug for IndexKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IndexKey(..)")
    }
}

/// 64 lowercase hex chars of HMAC-SHA256(key, column || 0x00 || value). The column
/// name separates domains, so equal values in different columns do not match. The
/// caller normalises the value (e.g. the parsed `Pan`'s canonical form) first.
pub fn blind_index(key: &IndexKey, column: &str, normalized_value: &str) -> String {
    // Padding the key to the block ourselves is exactly what HMAC does internally,
    // and lets us use the infallible constructor instead of `new_from_slice`.
    let mut block = Zeroizing::new([0u8; HMAC_BLOCK]);
    block[..KEY_LEN].copy_from_slice(key.0.bytes());
    let mut mac = <Hmac<Sha256> as Mac>::new(GenericArray::from_slice(&block[..]));
    mac.update(column.as_bytes());
    mac.update(&[0]);
    mac.update(normalized_value.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn index_key_aad(tenant: &str) -> Vec<u8> {
    format!("bisman/idx/v1|{tenant}").into_bytes()
}

/// Encrypts the index key under the master key for the control DB (60 bytes).
pub fn wrap_index_key(
    master: &MasterKey,
    tenant: &str,
    key: &IndexKey,
) -> Result<Vec<u8>, CryptoError> {
    master.wrap_key(&index_key_aad(tenant), &key.0)
}

/// Reverses `wrap_index_key`; fails on the wrong master key or tenant.
pub fn unwrap_index_key(
    master: &MasterKey,
    tenant: &str,
    wrapped: &[u8],
) -> Result<IndexKey, CryptoError> {
    master
        .unwrap_key(&index_key_aad(tenant), wrapped)
        .map(IndexKey)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::Mac;

    #[test]
    fn matches_standard_hmac_with_the_unpadded_key() {
        let key = IndexKey::generate();
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.0.bytes()).unwrap();
        mac.update(b"pan\0ABCDE1234F");
        let expected = hex::encode(mac.finalize().into_bytes());
        assert_eq!(blind_index(&key, "pan", "ABCDE1234F"), expected);
    }

    #[test]
    fn known_answer() {
        // Computed independently: printf 'pan\0ABCDE1234F' | openssl dgst -sha256
        //   -mac HMAC -macopt hexkey:0102...20 (key bytes 0x01..=0x20).
        let mut raw = Key32::zeroed();
        for (i, b) in raw.bytes_mut().iter_mut().enumerate() {
            *b = i as u8 + 1;
        }
        let key = IndexKey(raw);
        assert_eq!(
            blind_index(&key, "pan", "ABCDE1234F"),
            "da60e2dc1b55f67585f36632fdd0a729b6979c8ca652111c8aca1668874d5189"
        );
    }

    #[test]
    fn deterministic_full_length_and_domain_separated() {
        let key = IndexKey::generate();
        let a = blind_index(&key, "pan", "ABCDE1234F");
        assert_eq!(a.len(), 64);
        assert!(a
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert_eq!(a, blind_index(&key, "pan", "ABCDE1234F"));
        assert_ne!(a, blind_index(&key, "pan", "ABCDE1235F"));
        assert_ne!(a, blind_index(&key, "aadhaar", "ABCDE1234F"));
        assert_ne!(a, blind_index(&IndexKey::generate(), "pan", "ABCDE1234F"));
        // The separator keeps ("pa", "nX") and ("pan", "X") apart.
        assert_ne!(blind_index(&key, "pa", "nX"), blind_index(&key, "pan", "X"));
    }

    #[test]
    fn index_key_wrap_round_trips_and_is_tenant_bound() {
        let master = MasterKey::generate();
        let key = IndexKey::generate();
        let wrapped = wrap_index_key(&master, "acme", &key).unwrap();
        let back = unwrap_index_key(&master, "acme", &wrapped).unwrap();
        assert_eq!(
            blind_index(&back, "pan", "ABCDE1234F"),
            blind_index(&key, "pan", "ABCDE1234F")
        );
        let err = unwrap_index_key(&master, "globex", &wrapped).unwrap_err();
        assert_eq!(err, CryptoError::Decrypt);
        let err = unwrap_index_key(&MasterKey::generate(), "acme", &wrapped).unwrap_err();
        assert_eq!(err, CryptoError::Decrypt);
    }

    #[test]
    fn data_key_and_index_key_wraps_are_not_interchangeable() {
        let master = MasterKey::generate();
        let dek = crate::crypto::DataKey::generate();
        let wrapped = crate::crypto::wrap_data_key(&master, "acme", 1, &dek).unwrap();
        assert!(unwrap_index_key(&master, "acme", &wrapped).is_err());
    }
}
