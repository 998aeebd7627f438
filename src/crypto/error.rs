//! Error types. Variants carry no key material and no plaintext, so they are safe
//! to log and to show in `Debug` output.

/// Failure to encrypt, decrypt, wrap or unwrap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// The ciphertext names a key version this tenant's keyring does not hold
    /// (retired, or added by a rotation this process has not loaded yet).
    #[error("no data key with version {0} is loaded for this tenant")]
    UnknownKeyVersion(u32),
    /// Not something this module produced: wrong header, format or length.
    #[error("ciphertext is malformed")]
    Malformed,
    /// Authentication failed: wrong key, wrong context (tenant, row, column, chunk
    /// position) or tampered bytes. Deliberately does not say which.
    #[error("ciphertext does not belong to this record or key")]
    Decrypt,
    /// Authenticated, but the field was not text.
    #[error("decrypted field is not valid UTF-8")]
    NotUtf8,
    /// Above the AES-GCM per-message limit (about 64 GiB).
    #[error("plaintext is too large to encrypt")]
    TooLarge,
    /// No key version number left above the newest one.
    #[error("key version numbers are exhausted")]
    KeyVersionOverflow,
}

/// A master key (or other secret) file that cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// Neither 64 hex characters nor base64.
    #[error("key must be 64 hex characters or base64 of 32 bytes")]
    Format,
    /// Decoded fine, but to the wrong number of bytes.
    #[error("key decodes to {0} bytes, expected 32")]
    Length(usize),
    /// Too little variety in the bytes to have come from a random generator.
    #[error("key is weak (too few distinct byte values); generate a random one")]
    Weak,
}
