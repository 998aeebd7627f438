//! How an employee's PAN, Aadhaar and bank account number (and the company's bank account)
//! are kept: AES-256-GCM ciphertext bound to (tenant, table, column, row id), a masked display
//! form, and for PAN and Aadhaar an HMAC blind index for exact lookup. Plaintext never
//! reaches SQL.

use zeroize::Zeroizing;

use crate::crypto::{
    blind_index, decrypt_field, encrypt_field, reencrypt_field, CryptoError, FieldAad, TenantKeys,
};
use crate::error::{AppError, AppResult};

pub const TABLE: &str = "employees";

/// One encrypted column: its logical name (bound into the ciphertext and the index)
/// and the name clients see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Secret {
    /// The table of the row (bound into the ciphertext with the column and row id).
    pub table: &'static str,
    pub column: &'static str,
    pub field: &'static str,
    /// The BLOB column of `employees` holding the ciphertext.
    pub enc_column: &'static str,
}

pub const PAN: Secret = Secret {
    table: TABLE,
    column: "pan",
    field: "pan",
    enc_column: "pan_enc",
};
pub const AADHAAR: Secret = Secret {
    table: TABLE,
    column: "aadhaar",
    field: "aadhaar",
    enc_column: "aadhaar_enc",
};
pub const ACCOUNT: Secret = Secret {
    table: TABLE,
    column: "bank_account",
    field: "bank_account.account_number",
    enc_column: "bank_account_enc",
};

/// Every encrypted column of the table (for key rotation).
pub const ENCRYPTED: [Secret; 3] = [PAN, AADHAAR, ACCOUNT];

/// What is stored for one sensitive value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub enc: Vec<u8>,
    pub masked: String,
}

fn aad<'a>(keys: &'a TenantKeys, row_id: &'a str, s: Secret) -> FieldAad<'a> {
    FieldAad {
        tenant: keys.tenant(),
        table: s.table,
        column: s.column,
        row_id,
    }
}

/// Encrypts a canonical value for one row and column.
pub fn seal(keys: &TenantKeys, row_id: &str, s: Secret, value: &str) -> AppResult<Sealed> {
    let enc = encrypt_field(keys, &aad(keys, row_id, s), value.as_bytes())
        .map_err(|e| AppError::internal(format!("encrypting {}: {e}", s.field)))?;
    Ok(Sealed {
        enc,
        masked: crate::domain::mask_last4(value),
    })
}

/// The lookup key of a canonical value (the parsed `Pan` / `Aadhaar` text).
pub fn index(keys: &TenantKeys, s: Secret, value: &str) -> String {
    blind_index(keys.index_key(), s.column, value)
}

/// Decrypts a value of this row and column; fails if the blob belongs anywhere else.
pub fn open(
    keys: &TenantKeys,
    row_id: &str,
    s: Secret,
    blob: &[u8],
) -> Result<Zeroizing<String>, CryptoError> {
    decrypt_field(keys, &aad(keys, row_id, s), blob)
}

/// For key rotation: `None` if the value is already under the current version, else
/// the same value re-encrypted under it (still bound to this row and column).
pub fn reseal(
    keys: &TenantKeys,
    row_id: &str,
    s: Secret,
    blob: &[u8],
) -> Result<Option<Vec<u8>>, CryptoError> {
    reencrypt_field(keys, &aad(keys, row_id, s), blob)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::MasterKey;

    #[test]
    fn sealed_values_open_only_in_place() {
        let master = MasterKey::generate();
        let (keys, _) = TenantKeys::create(&master, "acme").expect("keys");
        let s = seal(&keys, "row-1", PAN, "ABCDE1234F").expect("seal");
        assert_eq!(s.masked, "******234F");
        assert_eq!(
            &*open(&keys, "row-1", PAN, &s.enc).expect("open"),
            "ABCDE1234F"
        );
        assert_eq!(
            open(&keys, "row-2", PAN, &s.enc).unwrap_err(),
            CryptoError::Decrypt
        );
        assert_eq!(
            open(&keys, "row-1", AADHAAR, &s.enc).unwrap_err(),
            CryptoError::Decrypt
        );
        assert_ne!(
            index(&keys, PAN, "ABCDE1234F"),
            index(&keys, AADHAAR, "ABCDE1234F")
        );
    }
}
