//! The 32-byte secret buffer behind every key type, plus the raw AES-256-GCM calls.

use aes_gcm::aead::AeadInPlace;
use aes_gcm::{Aes256Gcm, KeyInit};
use rand::rngs::OsRng;
use rand::RngCore;
use zeroize::Zeroize;

use super::CryptoError;

pub(crate) const KEY_LEN: usize = 32;
pub(crate) const NONCE_LEN: usize = 12;
pub(crate) const TAG_LEN: usize = 16;

/// Boxed so that moving a key (into a map, out of a function) moves a pointer and
/// leaves no stray copies of the bytes behind; wiped on drop.
pub(crate) struct Key32(Box<[u8; KEY_LEN]>);

impl Key32 {
    pub(crate) fn zeroed() -> Self {
        Self(Box::new([0; KEY_LEN]))
    }

    pub(crate) fn random() -> Self {
        let mut key = Self::zeroed();
        OsRng.fill_bytes(&mut key.0[..]);
        key
    }

    pub(crate) fn bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    pub(crate) fn bytes_mut(&mut self) -> &mut [u8; KEY_LEN] {
        &mut self.0
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(self.bytes().into())
    }
}

impl Drop for Key32 {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// 96-bit random nonce. With at most a few billion encryptions per data-key version
/// the collision risk stays far below the usual 2^-32 bound.
pub(crate) fn random_nonce() -> [u8; NONCE_LEN] {
    let mut nonce = [0; NONCE_LEN];
    OsRng.fill_bytes(&mut nonce);
    nonce
}

/// Encrypts `buf` in place and returns the tag.
pub(crate) fn seal_in_place(
    key: &Key32,
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    buf: &mut [u8],
) -> Result<[u8; TAG_LEN], CryptoError> {
    let tag = key
        .cipher()
        .encrypt_in_place_detached(nonce.into(), aad, buf)
        .map_err(|_| CryptoError::TooLarge)?;
    Ok(tag.into())
}

/// Verifies the tag, then decrypts `buf` in place. On failure `buf` is untouched
/// ciphertext: aes-gcm checks the tag before decrypting.
pub(crate) fn open_in_place(
    key: &Key32,
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    buf: &mut [u8],
    tag: &[u8; TAG_LEN],
) -> Result<(), CryptoError> {
    key.cipher()
        .decrypt_in_place_detached(nonce.into(), aad, buf, tag.into())
        .map_err(|_| CryptoError::Decrypt)
}
