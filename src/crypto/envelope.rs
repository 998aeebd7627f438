//! The versioned ciphertext format shared by fields and file chunks:
//!
//! | bytes | content                        |
//! |-------|--------------------------------|
//! | 1     | magic `0xB1`                   |
//! | 1     | format `0x01`                  |
//! | 4     | data-key version, big-endian   |
//! | 12    | random nonce                   |
//! | n+16  | AES-256-GCM ciphertext and tag |
//!
//! The associated data is the 6-byte prefix followed by a caller-supplied context
//! (what the value belongs to), so neither can be changed without failing the tag.

use zeroize::{Zeroize, Zeroizing};

use super::secret::{open_in_place, random_nonce, seal_in_place, NONCE_LEN, TAG_LEN};
use super::{CryptoError, TenantKeys};

const MAGIC: u8 = 0xB1;
const FORMAT_V1: u8 = 0x01;
const PREFIX_LEN: usize = 6;
const HEADER_LEN: usize = PREFIX_LEN + NONCE_LEN;
const MIN_LEN: usize = HEADER_LEN + TAG_LEN;

/// The data-key version a ciphertext was made with, or `None` if `blob` is not in
/// this format. Key rotation uses it to find values still on old versions.
pub fn ciphertext_key_version(blob: &[u8]) -> Option<u32> {
    if blob.len() < MIN_LEN || blob[0] != MAGIC || blob[1] != FORMAT_V1 {
        return None;
    }
    Some(u32::from_be_bytes([blob[2], blob[3], blob[4], blob[5]]))
}

/// Unambiguous encoding of a label and parts: each is length-prefixed, so no choice
/// of strings (even ones containing separators) can collide with another.
pub(crate) fn context(label: &str, parts: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for part in std::iter::once(label.as_bytes()).chain(parts.iter().copied()) {
        out.extend_from_slice(&(part.len() as u64).to_be_bytes());
        out.extend_from_slice(part);
    }
    out
}

fn aad(prefix: &[u8], context: &[u8]) -> Vec<u8> {
    [prefix, context].concat()
}

/// Encrypts under the tenant's current data key.
pub(crate) fn seal(
    keys: &TenantKeys,
    context: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let version = keys.current_version();
    let key = keys
        .data_key(version)
        .ok_or(CryptoError::UnknownKeyVersion(version))?;
    let nonce = random_nonce();
    // Sized exactly so appending the tag never reallocates and strands a copy.
    let mut out = Vec::with_capacity(MIN_LEN + plaintext.len());
    out.extend_from_slice(&[MAGIC, FORMAT_V1]);
    out.extend_from_slice(&version.to_be_bytes());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(plaintext);
    let aad = aad(&out[..PREFIX_LEN], context);
    match seal_in_place(&key.0, &nonce, &aad, &mut out[HEADER_LEN..]) {
        Ok(tag) => {
            out.extend_from_slice(&tag);
            Ok(out)
        }
        Err(e) => {
            out.zeroize();
            Err(e)
        }
    }
}

/// Decrypts with whichever data-key version the header names.
pub(crate) fn open(
    keys: &TenantKeys,
    context: &[u8],
    blob: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let version = ciphertext_key_version(blob).ok_or(CryptoError::Malformed)?;
    let key = keys
        .data_key(version)
        .ok_or(CryptoError::UnknownKeyVersion(version))?;
    let (header, rest) = blob.split_at(HEADER_LEN);
    let (body, tag) = rest.split_at(rest.len() - TAG_LEN);
    let nonce = header[PREFIX_LEN..]
        .try_into()
        .map_err(|_| CryptoError::Malformed)?;
    let tag = tag.try_into().map_err(|_| CryptoError::Malformed)?;
    let aad = aad(&header[..PREFIX_LEN], context);
    let mut plain = Zeroizing::new(body.to_vec());
    open_in_place(&key.0, nonce, &aad, &mut plain, tag)?;
    Ok(plain)
}

/// `None` when `blob` is already on the current version (not decrypted then);
/// otherwise the same plaintext sealed under the current version.
pub(crate) fn reseal(
    keys: &TenantKeys,
    context: &[u8],
    blob: &[u8],
) -> Result<Option<Vec<u8>>, CryptoError> {
    let version = ciphertext_key_version(blob).ok_or(CryptoError::Malformed)?;
    if version == keys.current_version() {
        return Ok(None);
    }
    let plain = open(keys, context, blob)?;
    seal(keys, context, &plain).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_encoding_is_injective_across_boundaries() {
        let a = context("l", &[b"a|b", b"c"]);
        let b = context("l", &[b"a", b"b|c"]);
        assert_ne!(a, b);
        assert_ne!(context("l", &[b"ab"]), context("l", &[b"a", b"b"]));
        assert_ne!(context("x", &[b""]), context("x", &[]));
    }

    #[test]
    fn key_version_needs_magic_format_and_minimum_length() {
        let mut blob = vec![MAGIC, FORMAT_V1, 0, 0, 1, 2];
        blob.resize(MIN_LEN, 0);
        assert_eq!(ciphertext_key_version(&blob), Some(258));
        assert_eq!(ciphertext_key_version(&blob[..MIN_LEN - 1]), None);
        blob[0] = 0xB2;
        assert_eq!(ciphertext_key_version(&blob), None);
        blob[0] = MAGIC;
        blob[1] = 0x02;
        assert_eq!(ciphertext_key_version(&blob), None);
        assert_eq!(ciphertext_key_version(b"ABCDE1234F"), None);
    }
}
