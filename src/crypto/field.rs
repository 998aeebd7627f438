//! Encryption of single column values (PAN, Aadhaar, bank account numbers).

use zeroize::{Zeroize, Zeroizing};

use super::envelope::{context, open, reseal, seal};
use super::{CryptoError, TenantKeys};

/// Where a value lives. Bound into the ciphertext, so a blob copied to another
/// tenant, table, column or row no longer decrypts. Use stable identifiers: the
/// tenant's immutable id or slug, logical table/column names, the row's primary key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldAad<'a> {
    /// Stable tenant identifier (the same string used for its keys).
    pub tenant: &'a str,
    /// Logical table name, e.g. `employees`.
    pub table: &'a str,
    /// Logical column name, e.g. `pan`.
    pub column: &'a str,
    /// Primary key of the row holding the value.
    pub row_id: &'a str,
}

impl FieldAad<'_> {
    fn context(&self) -> Vec<u8> {
        context(
            "bisman/field/v1",
            &[
                self.tenant.as_bytes(),
                self.table.as_bytes(),
                self.column.as_bytes(),
                self.row_id.as_bytes(),
            ],
        )
    }
}

/// Encrypts under the current data key; the result goes into a BLOB column.
pub fn encrypt_field(
    keys: &TenantKeys,
    aad: &FieldAad<'_>,
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    seal(keys, &aad.context(), plaintext)
}

/// Decrypts a field blob made by `encrypt_field` for the same `aad`.
pub fn decrypt_field_bytes(
    keys: &TenantKeys,
    aad: &FieldAad<'_>,
    blob: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    open(keys, &aad.context(), blob)
}

/// As `decrypt_field_bytes`, for text values.
pub fn decrypt_field(
    keys: &TenantKeys,
    aad: &FieldAad<'_>,
    blob: &[u8],
) -> Result<Zeroizing<String>, CryptoError> {
    let mut bytes = decrypt_field_bytes(keys, aad, blob)?;
    // Move the buffer rather than copy it, so only one (zeroizing) copy exists.
    match String::from_utf8(std::mem::take(&mut *bytes)) {
        Ok(text) => Ok(Zeroizing::new(text)),
        Err(e) => {
            e.into_bytes().zeroize();
            Err(CryptoError::NotUtf8)
        }
    }
}

/// For key rotation: `None` if `blob` already uses the current version, else the
/// value re-encrypted under it (same `aad`).
pub fn reencrypt_field(
    keys: &TenantKeys,
    aad: &FieldAad<'_>,
    blob: &[u8],
) -> Result<Option<Vec<u8>>, CryptoError> {
    reseal(keys, &aad.context(), blob)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{ciphertext_key_version, MasterKey};
    use proptest::prelude::*;

    const AAD: FieldAad<'static> = FieldAad {
        tenant: "acme",
        table: "employees",
        column: "pan",
        row_id: "0190c1f2-emp-1",
    };
    const PAN: &str = "ABCDE1234F";

    fn keys() -> (MasterKey, TenantKeys) {
        let master = MasterKey::generate();
        let (keys, _) = TenantKeys::create(&master, "acme").unwrap();
        (master, keys)
    }

    #[test]
    fn round_trip_and_layout() {
        let (_, keys) = keys();
        let blob = encrypt_field(&keys, &AAD, PAN.as_bytes()).unwrap();
        assert_eq!(&*decrypt_field(&keys, &AAD, &blob).unwrap(), PAN);
        assert_eq!(blob.len(), 1 + 1 + 4 + 12 + PAN.len() + 16);
        assert_eq!(&blob[..6], &[0xB1, 0x01, 0, 0, 0, 1]);
        assert_eq!(ciphertext_key_version(&blob), Some(1));
        assert!(!blob.windows(PAN.len()).any(|w| w == PAN.as_bytes()));
    }

    #[test]
    fn empty_and_binary_values_round_trip() {
        let (_, keys) = keys();
        let blob = encrypt_field(&keys, &AAD, b"").unwrap();
        assert_eq!(&*decrypt_field(&keys, &AAD, &blob).unwrap(), "");
        let raw = [0u8, 255, 7, 0x80];
        let blob = encrypt_field(&keys, &AAD, &raw).unwrap();
        assert_eq!(&**decrypt_field_bytes(&keys, &AAD, &blob).unwrap(), &raw);
        assert_eq!(
            decrypt_field(&keys, &AAD, &blob).unwrap_err(),
            CryptoError::NotUtf8
        );
    }

    #[test]
    fn same_plaintext_encrypts_differently() {
        let (_, keys) = keys();
        let a = encrypt_field(&keys, &AAD, PAN.as_bytes()).unwrap();
        let b = encrypt_field(&keys, &AAD, PAN.as_bytes()).unwrap();
        assert_ne!(a, b);
        assert_ne!(a[6..18], b[6..18], "nonces differ");
    }

    #[test]
    fn moving_a_ciphertext_to_another_place_fails() {
        let (_, keys) = keys();
        let blob = encrypt_field(&keys, &AAD, PAN.as_bytes()).unwrap();
        let elsewhere = [
            FieldAad {
                tenant: "globex",
                ..AAD
            },
            FieldAad {
                table: "customers",
                ..AAD
            },
            FieldAad {
                column: "aadhaar",
                ..AAD
            },
            FieldAad {
                row_id: "0190c1f2-emp-2",
                ..AAD
            },
        ];
        for aad in &elsewhere {
            assert_eq!(
                decrypt_field(&keys, aad, &blob).unwrap_err(),
                CryptoError::Decrypt,
                "{aad:?}"
            );
        }
    }

    #[test]
    fn another_tenants_keys_cannot_decrypt() {
        let (_, keys) = keys();
        let (_, other) = self::keys();
        let blob = encrypt_field(&keys, &AAD, PAN.as_bytes()).unwrap();
        assert_eq!(
            decrypt_field(&other, &AAD, &blob).unwrap_err(),
            CryptoError::Decrypt
        );
    }

    #[test]
    fn every_tampered_byte_is_detected() {
        let (_, keys) = keys();
        let blob = encrypt_field(&keys, &AAD, PAN.as_bytes()).unwrap();
        for i in 0..blob.len() {
            let mut bad = blob.clone();
            bad[i] ^= 0x01;
            let err = decrypt_field(&keys, &AAD, &bad).unwrap_err();
            let expected = match i {
                0 | 1 => CryptoError::Malformed,
                2..=5 => CryptoError::UnknownKeyVersion(u32::from_be_bytes(
                    bad[2..6].try_into().unwrap(),
                )),
                _ => CryptoError::Decrypt,
            };
            assert_eq!(err, expected, "byte {i}");
        }
    }

    #[test]
    fn version_swap_is_caught_even_when_that_version_exists() {
        let (master, mut keys) = keys();
        let blob = encrypt_field(&keys, &AAD, PAN.as_bytes()).unwrap();
        keys.rotate(&master).unwrap();
        let mut relabelled = blob.clone();
        relabelled[5] = 2;
        assert_eq!(
            decrypt_field(&keys, &AAD, &relabelled).unwrap_err(),
            CryptoError::Decrypt
        );
    }

    #[test]
    fn truncated_or_foreign_blobs_are_malformed() {
        let (_, keys) = keys();
        let blob = encrypt_field(&keys, &AAD, PAN.as_bytes()).unwrap();
        assert_eq!(
            decrypt_field(&keys, &AAD, &blob[..33]).unwrap_err(),
            CryptoError::Malformed
        );
        assert_eq!(
            decrypt_field(&keys, &AAD, &blob[..blob.len() - 1]).unwrap_err(),
            CryptoError::Decrypt
        );
        for foreign in [&b""[..], PAN.as_bytes()] {
            assert_eq!(
                decrypt_field(&keys, &AAD, foreign).unwrap_err(),
                CryptoError::Malformed
            );
        }
    }

    #[test]
    fn unknown_version_is_reported() {
        let (_, keys) = keys();
        let mut blob = encrypt_field(&keys, &AAD, PAN.as_bytes()).unwrap();
        blob[2..6].copy_from_slice(&7u32.to_be_bytes());
        assert_eq!(
            decrypt_field(&keys, &AAD, &blob).unwrap_err(),
            CryptoError::UnknownKeyVersion(7)
        );
    }

    #[test]
    fn rotation_keeps_old_values_readable_and_reencrypt_moves_them() {
        let (master, mut keys) = keys();
        let old = encrypt_field(&keys, &AAD, PAN.as_bytes()).unwrap();
        keys.rotate(&master).unwrap();
        assert_eq!(&*decrypt_field(&keys, &AAD, &old).unwrap(), PAN);

        let fresh = encrypt_field(&keys, &AAD, PAN.as_bytes()).unwrap();
        assert_eq!(ciphertext_key_version(&fresh), Some(2));
        assert_eq!(reencrypt_field(&keys, &AAD, &fresh).unwrap(), None);

        let moved = reencrypt_field(&keys, &AAD, &old).unwrap().unwrap();
        assert_eq!(ciphertext_key_version(&moved), Some(2));
        assert_eq!(&*decrypt_field(&keys, &AAD, &moved).unwrap(), PAN);

        // Once version 1 is retired, only the moved value still decrypts.
        assert!(keys.remove_version(1));
        assert_eq!(&*decrypt_field(&keys, &AAD, &moved).unwrap(), PAN);
        assert_eq!(
            decrypt_field(&keys, &AAD, &old).unwrap_err(),
            CryptoError::UnknownKeyVersion(1)
        );
    }

    #[test]
    fn reencrypt_checks_the_record_binding() {
        let (master, mut keys) = keys();
        let old = encrypt_field(&keys, &AAD, PAN.as_bytes()).unwrap();
        keys.rotate(&master).unwrap();
        let other_row = FieldAad {
            row_id: "other",
            ..AAD
        };
        assert_eq!(
            reencrypt_field(&keys, &other_row, &old).unwrap_err(),
            CryptoError::Decrypt
        );
        assert_eq!(
            reencrypt_field(&keys, &AAD, b"junk").unwrap_err(),
            CryptoError::Malformed
        );
    }

    #[test]
    fn errors_never_contain_the_plaintext() {
        let (_, keys) = keys();
        let blob = encrypt_field(&keys, &AAD, PAN.as_bytes()).unwrap();
        let wrong = FieldAad { row_id: "x", ..AAD };
        let err = decrypt_field(&keys, &wrong, &blob).unwrap_err();
        assert_eq!(
            err.to_string(),
            "ciphertext does not belong to this record or key"
        );
        assert!(!format!("{err:?} {err}").contains(PAN));
    }

    proptest! {
        #[test]
        fn decrypt_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..128)) {
            let (_, keys) = keys();
            prop_assert!(decrypt_field(&keys, &AAD, &bytes).is_err());
        }

        #[test]
        fn decrypt_never_panics_behind_a_valid_header(tail in proptest::collection::vec(any::<u8>(), 0..96)) {
            let (_, keys) = keys();
            let mut blob = vec![0xB1, 0x01, 0, 0, 0, 1];
            blob.extend_from_slice(&tail);
            let err = decrypt_field(&keys, &AAD, &blob).unwrap_err();
            prop_assert!(matches!(err, CryptoError::Malformed | CryptoError::Decrypt));
        }

        #[test]
        fn any_value_round_trips(value in ".{0,64}") {
            let (_, keys) = keys();
            let blob = encrypt_field(&keys, &AAD, value.as_bytes()).unwrap();
            prop_assert_eq!(&*decrypt_field(&keys, &AAD, &blob).unwrap(), &value);
        }
    }
}
