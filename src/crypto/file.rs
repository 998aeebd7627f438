//! Encryption of uploaded documents as a sequence of chunks, one per `SQLite` row.
//!
//! Each chunk is bound to its file, its position and whether it is the last one,
//! so swapping chunks between files, reordering them, dropping the tail or adding
//! chunks after the end all fail authentication.

use zeroize::Zeroizing;

use super::envelope::{context, open, reseal, seal};
use super::{CryptoError, TenantKeys};

/// Plaintext bytes per chunk: large enough to keep row counts low, small enough
/// that one row stays well inside `SQLite`'s comfort zone and memory stays bounded.
pub const FILE_CHUNK_SIZE: usize = 256 * 1024;

fn chunk_context(keys: &TenantKeys, file_id: &str, index: u32, is_last: bool) -> Vec<u8> {
    context(
        "bisman/file/v1",
        &[
            keys.tenant().as_bytes(),
            file_id.as_bytes(),
            &index.to_be_bytes(),
            &[u8::from(is_last)],
        ],
    )
}

/// Encrypts chunk `chunk_index` of a file under the current data key.
pub fn encrypt_chunk(
    keys: &TenantKeys,
    file_id: &str,
    chunk_index: u32,
    is_last: bool,
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    seal(
        keys,
        &chunk_context(keys, file_id, chunk_index, is_last),
        plaintext,
    )
}

/// Decrypts one chunk. `is_last` must come from the reader's own view (no row after this one), never
/// from stored data, or truncation would go unnoticed.
pub fn decrypt_chunk(
    keys: &TenantKeys,
    file_id: &str,
    chunk_index: u32,
    is_last: bool,
    blob: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    open(
        keys,
        &chunk_context(keys, file_id, chunk_index, is_last),
        blob,
    )
}

/// For key rotation; see `reencrypt_field`.
pub fn reencrypt_chunk(
    keys: &TenantKeys,
    file_id: &str,
    chunk_index: u32,
    is_last: bool,
    blob: &[u8],
) -> Result<Option<Vec<u8>>, CryptoError> {
    reseal(
        keys,
        &chunk_context(keys, file_id, chunk_index, is_last),
        blob,
    )
}

/// Splits `data` into `FILE_CHUNK_SIZE` pieces and encrypts them; store element `i`
/// as chunk `i`. An empty file still yields one (empty, last) chunk.
pub fn encrypt_file(
    keys: &TenantKeys,
    file_id: &str,
    data: &[u8],
) -> Result<Vec<Vec<u8>>, CryptoError> {
    let count = data.len().div_ceil(FILE_CHUNK_SIZE).max(1);
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let start = i * FILE_CHUNK_SIZE;
        let end = (start + FILE_CHUNK_SIZE).min(data.len());
        let index = u32::try_from(i).map_err(|_| CryptoError::TooLarge)?;
        out.push(encrypt_chunk(
            keys,
            file_id,
            index,
            i + 1 == count,
            &data[start..end],
        )?);
    }
    Ok(out)
}

/// Decrypts chunks given in index order (0, 1, ...) and joins them.
pub fn decrypt_file<I, B>(
    keys: &TenantKeys,
    file_id: &str,
    chunks: I,
) -> Result<Zeroizing<Vec<u8>>, CryptoError>
where
    I: IntoIterator<Item = B>,
    B: AsRef<[u8]>,
{
    let mut chunks = chunks.into_iter().peekable();
    let mut out = Zeroizing::new(Vec::new());
    let mut index: u32 = 0;
    // No chunks at all is a truncated file: even an empty file has one.
    if chunks.peek().is_none() {
        return Err(CryptoError::Decrypt);
    }
    while let Some(blob) = chunks.next() {
        let is_last = chunks.peek().is_none();
        let plain = decrypt_chunk(keys, file_id, index, is_last, blob.as_ref())?;
        out.extend_from_slice(&plain);
        if !is_last {
            index = index.checked_add(1).ok_or(CryptoError::Malformed)?;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{ciphertext_key_version, encrypt_field, FieldAad, MasterKey};

    fn keys() -> (MasterKey, TenantKeys) {
        let master = MasterKey::generate();
        let (keys, _) = TenantKeys::create(&master, "acme").unwrap();
        (master, keys)
    }

    fn document(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 31 % 251) as u8).collect()
    }

    #[test]
    fn chunk_round_trip_uses_the_field_header() {
        let (_, keys) = keys();
        let blob = encrypt_chunk(&keys, "file-1", 0, true, b"%PDF-1.7").unwrap();
        assert_eq!(&blob[..6], &[0xB1, 0x01, 0, 0, 0, 1]);
        let plain = decrypt_chunk(&keys, "file-1", 0, true, &blob).unwrap();
        assert_eq!(&plain[..], b"%PDF-1.7");
    }

    #[test]
    fn multi_chunk_file_round_trips() {
        let (_, keys) = keys();
        let data = document(2 * FILE_CHUNK_SIZE + 5);
        let chunks = encrypt_file(&keys, "file-1", &data).unwrap();
        assert_eq!(chunks.len(), 3);
        assert_eq!(chunks[2].len(), 5 + 34);
        assert_eq!(&**decrypt_file(&keys, "file-1", &chunks).unwrap(), &data);

        let exact = document(FILE_CHUNK_SIZE);
        let chunks = encrypt_file(&keys, "file-2", &exact).unwrap();
        assert_eq!(chunks.len(), 1);
        assert_eq!(&**decrypt_file(&keys, "file-2", &chunks).unwrap(), &exact);
    }

    #[test]
    fn empty_file_is_one_chunk_and_no_chunks_is_an_error() {
        let (_, keys) = keys();
        let chunks = encrypt_file(&keys, "empty", b"").unwrap();
        assert_eq!(chunks.len(), 1);
        assert!(decrypt_file(&keys, "empty", &chunks).unwrap().is_empty());
        let none: [&[u8]; 0] = [];
        assert!(decrypt_file(&keys, "empty", none).is_err());
    }

    #[test]
    fn reordered_chunks_fail() {
        let (_, keys) = keys();
        let mut chunks = encrypt_file(&keys, "f", &document(3 * FILE_CHUNK_SIZE)).unwrap();
        chunks.swap(0, 1);
        assert_eq!(
            decrypt_file(&keys, "f", &chunks).unwrap_err(),
            CryptoError::Decrypt
        );
        let chunks = encrypt_file(&keys, "f", &document(3 * FILE_CHUNK_SIZE)).unwrap();
        assert_eq!(
            decrypt_chunk(&keys, "f", 0, false, &chunks[1]).unwrap_err(),
            CryptoError::Decrypt
        );
    }

    #[test]
    fn truncation_and_extension_fail() {
        let (_, keys) = keys();
        let chunks = encrypt_file(&keys, "f", &document(2 * FILE_CHUNK_SIZE + 1)).unwrap();
        assert_eq!(
            decrypt_file(&keys, "f", &chunks[..2]).unwrap_err(),
            CryptoError::Decrypt
        );
        let mut longer = chunks.clone();
        longer.push(chunks[2].clone());
        assert_eq!(
            decrypt_file(&keys, "f", &longer).unwrap_err(),
            CryptoError::Decrypt
        );
        assert_eq!(
            decrypt_chunk(&keys, "f", 2, false, &chunks[2]).unwrap_err(),
            CryptoError::Decrypt
        );
    }

    #[test]
    fn chunks_cannot_move_between_files_or_become_fields() {
        let (_, keys) = keys();
        let a = encrypt_chunk(&keys, "file-a", 0, true, b"payslip").unwrap();
        assert_eq!(
            decrypt_chunk(&keys, "file-b", 0, true, &a).unwrap_err(),
            CryptoError::Decrypt
        );
        let aad = FieldAad {
            tenant: "acme",
            table: "file",
            column: "file-a",
            row_id: "0",
        };
        assert!(crate::crypto::decrypt_field(&keys, &aad, &a).is_err());
        let field = encrypt_field(&keys, &aad, b"payslip").unwrap();
        assert!(decrypt_chunk(&keys, "file-a", 0, true, &field).is_err());
    }

    #[test]
    fn tampered_chunk_fails() {
        let (_, keys) = keys();
        let blob = encrypt_chunk(&keys, "f", 0, true, &document(100)).unwrap();
        for i in 6..blob.len() {
            let mut bad = blob.clone();
            bad[i] ^= 0x80;
            assert_eq!(
                decrypt_chunk(&keys, "f", 0, true, &bad).unwrap_err(),
                CryptoError::Decrypt
            );
        }
    }

    #[test]
    fn chunks_survive_rotation_and_reencrypt_to_current() {
        let (master, mut keys) = keys();
        let data = document(FILE_CHUNK_SIZE + 10);
        let chunks = encrypt_file(&keys, "f", &data).unwrap();
        keys.rotate(&master).unwrap();
        assert_eq!(&**decrypt_file(&keys, "f", &chunks).unwrap(), &data);

        let mut moved = Vec::new();
        for (i, blob) in chunks.iter().enumerate() {
            let is_last = i + 1 == chunks.len();
            let new = reencrypt_chunk(&keys, "f", i as u32, is_last, blob)
                .unwrap()
                .unwrap();
            assert_eq!(ciphertext_key_version(&new), Some(2));
            assert_eq!(
                reencrypt_chunk(&keys, "f", i as u32, is_last, &new).unwrap(),
                None
            );
            moved.push(new);
        }
        assert!(keys.remove_version(1));
        assert_eq!(&**decrypt_file(&keys, "f", &moved).unwrap(), &data);
    }
}
