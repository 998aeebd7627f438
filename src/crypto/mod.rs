//! Field-level and document encryption for tenant data.
//!
//! Envelope scheme: one master key (outside every database) wraps each tenant's
//! versioned data keys and its blind-index key; the wrapped keys live in the control
//! DB. Tenant files therefore only ever hold ciphertext for sensitive values, which
//! keeps them plain `SQLite` that Litestream can replicate.
//!
//! Every ciphertext names the data-key version that produced it, so rotation adds a
//! version and re-encrypts in the background while old values stay readable.

mod envelope;
mod error;
mod field;
mod file;
mod index;
mod keyring;
mod master;
mod secret;

pub use envelope::ciphertext_key_version;
pub use error::{CryptoError, KeyError};
pub use field::{decrypt_field, decrypt_field_bytes, encrypt_field, reencrypt_field, FieldAad};
pub use file::{
    decrypt_chunk, decrypt_file, encrypt_chunk, encrypt_file, reencrypt_chunk, FILE_CHUNK_SIZE,
};
pub use index::{blind_index, unwrap_index_key, wrap_index_key, IndexKey};
pub use keyring::{unwrap_data_key, wrap_data_key, DataKey, TenantKeys, WrappedTenantKeys};
pub use master::{generate_secret_hex, is_weak_key_material, MasterKey};
