//! Per-tenant data keys: generation, wrapping under the master key, and the
//! in-memory keyring that field and file encryption draw from.

use std::collections::BTreeMap;
use std::fmt;

use super::index::{unwrap_index_key, wrap_index_key, IndexKey};
use super::secret::Key32;
use super::{CryptoError, MasterKey};

/// AES-256 data-encryption key of one tenant at one version. Wiped on drop.
pub struct DataKey(pub(crate) Key32);

impl DataKey {
    /// Fresh random key.
    pub fn generate() -> Self {
        Self(Key32::random())
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(..)")
    }
}

/// Binding tenant and version stops a wrapped key row being moved to another
/// tenant or relabelled as another version in the control DB.
fn data_key_aad(tenant: &str, version: u32) -> Vec<u8> {
    format!("bisman/dek/v1|{tenant}|{version}").into_bytes()
}

/// Encrypts `dek` under the master key for storage in the control DB (60 bytes).
pub fn wrap_data_key(
    master: &MasterKey,
    tenant: &str,
    version: u32,
    dek: &DataKey,
) -> Result<Vec<u8>, CryptoError> {
    master.wrap_key(&data_key_aad(tenant, version), &dek.0)
}

/// Reverses `wrap_data_key`; fails on the wrong master key, tenant or version.
pub fn unwrap_data_key(
    master: &MasterKey,
    tenant: &str,
    version: u32,
    wrapped: &[u8],
) -> Result<DataKey, CryptoError> {
    master
        .unwrap_key(&data_key_aad(tenant, version), wrapped)
        .map(DataKey)
}

/// What to persist in the control DB for a newly created tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrappedTenantKeys {
    /// Version of `data_key` (1 for a new tenant); also the current version.
    pub version: u32,
    /// Output of `wrap_data_key`.
    pub data_key: Vec<u8>,
    /// Output of `wrap_index_key`.
    pub index_key: Vec<u8>,
}

/// Every data-key version a tenant still has ciphertext under, which one new
/// writes use, and the version-independent blind-index key.
pub struct TenantKeys {
    tenant: String,
    current: u32,
    keys: BTreeMap<u32, DataKey>,
    index_key: IndexKey,
}

impl TenantKeys {
    /// Fails with `UnknownKeyVersion(current)` unless `keys` holds `current`.
    pub fn new(
        tenant: impl Into<String>,
        current: u32,
        keys: BTreeMap<u32, DataKey>,
        index_key: IndexKey,
    ) -> Result<Self, CryptoError> {
        if !keys.contains_key(&current) {
            return Err(CryptoError::UnknownKeyVersion(current));
        }
        Ok(Self {
            tenant: tenant.into(),
            current,
            keys,
            index_key,
        })
    }

    /// Fresh keys for a new tenant (data key version 1) and their wrapped forms.
    pub fn create(
        master: &MasterKey,
        tenant: &str,
    ) -> Result<(Self, WrappedTenantKeys), CryptoError> {
        let dek = DataKey::generate();
        let index_key = IndexKey::generate();
        let wrapped = WrappedTenantKeys {
            version: 1,
            data_key: wrap_data_key(master, tenant, 1, &dek)?,
            index_key: wrap_index_key(master, tenant, &index_key)?,
        };
        let keys = BTreeMap::from([(1, dek)]);
        Ok((Self::new(tenant, 1, keys, index_key)?, wrapped))
    }

    /// Loads a keyring from control-DB rows of `(version, wrapped data key)`.
    pub fn from_wrapped<I, B>(
        master: &MasterKey,
        tenant: &str,
        current: u32,
        wrapped_data_keys: I,
        wrapped_index_key: &[u8],
    ) -> Result<Self, CryptoError>
    where
        I: IntoIterator<Item = (u32, B)>,
        B: AsRef<[u8]>,
    {
        let mut keys = BTreeMap::new();
        for (version, wrapped) in wrapped_data_keys {
            let dek = unwrap_data_key(master, tenant, version, wrapped.as_ref())?;
            keys.insert(version, dek);
        }
        let index_key = unwrap_index_key(master, tenant, wrapped_index_key)?;
        Self::new(tenant, current, keys, index_key)
    }

    /// Adds a data key one above the newest version and makes it current. Returns
    /// the version and wrapped key; persist both (and the new current version) before
    /// writing anything encrypted with this keyring, or drop the keyring.
    pub fn rotate(&mut self, master: &MasterKey) -> Result<(u32, Vec<u8>), CryptoError> {
        let newest = self.keys.keys().next_back().copied().unwrap_or(0);
        let version = newest
            .checked_add(1)
            .ok_or(CryptoError::KeyVersionOverflow)?;
        let dek = DataKey::generate();
        let wrapped = wrap_data_key(master, &self.tenant, version, &dek)?;
        self.keys.insert(version, dek);
        self.current = version;
        Ok((version, wrapped))
    }

    /// Forgets a version nothing is encrypted under any more. Refuses the current one.
    pub fn remove_version(&mut self, version: u32) -> bool {
        version != self.current && self.keys.remove(&version).is_some()
    }

    /// The tenant these keys (and their wrapping) are bound to.
    pub fn tenant(&self) -> &str {
        &self.tenant
    }

    /// Version used for new ciphertext.
    pub fn current_version(&self) -> u32 {
        self.current
    }

    /// Held versions, ascending.
    pub fn versions(&self) -> impl Iterator<Item = u32> + '_ {
        self.keys.keys().copied()
    }

    /// The data key of one version, if held.
    pub fn data_key(&self, version: u32) -> Option<&DataKey> {
        self.keys.get(&version)
    }

    /// The blind-index key.
    pub fn index_key(&self) -> &IndexKey {
        &self.index_key
    }
}

impl fmt::Debug for TenantKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TenantKeys")
            .field("tenant", &self.tenant)
            .field("current", &self.current)
            .field("versions", &self.keys.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{blind_index, decrypt_field, encrypt_field, FieldAad};

    const AAD: FieldAad<'static> = FieldAad {
        tenant: "acme",
        table: "employees",
        column: "pan",
        row_id: "emp-1",
    };

    #[test]
    fn data_key_wrap_round_trips() {
        let master = MasterKey::generate();
        let dek = DataKey::generate();
        let wrapped = wrap_data_key(&master, "acme", 3, &dek).unwrap();
        assert_eq!(wrapped.len(), 60);
        let back = unwrap_data_key(&master, "acme", 3, &wrapped).unwrap();
        assert_eq!(back.0.bytes(), dek.0.bytes());
        let again = wrap_data_key(&master, "acme", 3, &dek).unwrap();
        assert_ne!(wrapped, again, "fresh nonce per wrap");
        assert!(!wrapped.windows(32).any(|w| w == dek.0.bytes()));
    }

    #[test]
    fn unwrap_fails_on_wrong_master_tenant_version_or_tamper() {
        let master = MasterKey::generate();
        let wrapped = wrap_data_key(&master, "acme", 1, &DataKey::generate()).unwrap();
        let other = MasterKey::generate();
        let err = |r: Result<DataKey, CryptoError>| r.unwrap_err();
        assert_eq!(
            err(unwrap_data_key(&other, "acme", 1, &wrapped)),
            CryptoError::Decrypt
        );
        assert_eq!(
            err(unwrap_data_key(&master, "globex", 1, &wrapped)),
            CryptoError::Decrypt
        );
        assert_eq!(
            err(unwrap_data_key(&master, "acme", 2, &wrapped)),
            CryptoError::Decrypt
        );
        for i in 0..wrapped.len() {
            let mut bad = wrapped.clone();
            bad[i] ^= 0x01;
            assert_eq!(
                err(unwrap_data_key(&master, "acme", 1, &bad)),
                CryptoError::Decrypt
            );
        }
        assert_eq!(
            err(unwrap_data_key(&master, "acme", 1, &wrapped[..59])),
            CryptoError::Malformed
        );
    }

    #[test]
    fn new_requires_the_current_version() {
        let keys = BTreeMap::from([(1, DataKey::generate())]);
        let err = TenantKeys::new("acme", 2, keys, IndexKey::generate()).unwrap_err();
        assert_eq!(err, CryptoError::UnknownKeyVersion(2));
    }

    #[test]
    fn created_keys_reload_from_wrapped_form() {
        let master = MasterKey::generate();
        let (keys, wrapped) = TenantKeys::create(&master, "acme").unwrap();
        assert_eq!(keys.current_version(), 1);
        let blob = encrypt_field(&keys, &AAD, b"ABCDE1234F").unwrap();
        let bidx = blind_index(keys.index_key(), "pan", "ABCDE1234F");

        let reloaded = TenantKeys::from_wrapped(
            &master,
            "acme",
            wrapped.version,
            [(wrapped.version, &wrapped.data_key)],
            &wrapped.index_key,
        )
        .unwrap();
        assert_eq!(
            &*decrypt_field(&reloaded, &AAD, &blob).unwrap(),
            "ABCDE1234F"
        );
        assert_eq!(blind_index(reloaded.index_key(), "pan", "ABCDE1234F"), bidx);

        let wrong = TenantKeys::from_wrapped(
            &master,
            "globex",
            1,
            [(1, &wrapped.data_key)],
            &wrapped.index_key,
        );
        assert_eq!(wrong.unwrap_err(), CryptoError::Decrypt);
    }

    #[test]
    fn rotate_adds_a_new_current_version_and_keeps_old_ones() {
        let master = MasterKey::generate();
        let (mut keys, wrapped1) = TenantKeys::create(&master, "acme").unwrap();
        let (v2, wrapped2) = keys.rotate(&master).unwrap();
        assert_eq!(v2, 2);
        assert_eq!(keys.current_version(), 2);
        assert_eq!(keys.versions().collect::<Vec<_>>(), vec![1, 2]);
        let back = unwrap_data_key(&master, "acme", 2, &wrapped2).unwrap();
        assert_eq!(back.0.bytes(), keys.data_key(2).unwrap().0.bytes());

        let reloaded = TenantKeys::from_wrapped(
            &master,
            "acme",
            2,
            [(1, wrapped1.data_key), (2, wrapped2)],
            &wrapped1.index_key,
        )
        .unwrap();
        assert_eq!(reloaded.versions().collect::<Vec<_>>(), vec![1, 2]);
    }

    #[test]
    fn remove_version_keeps_the_current_one() {
        let master = MasterKey::generate();
        let (mut keys, _) = TenantKeys::create(&master, "acme").unwrap();
        keys.rotate(&master).unwrap();
        assert!(!keys.remove_version(2));
        assert!(keys.remove_version(1));
        assert!(!keys.remove_version(1));
        assert_eq!(keys.versions().collect::<Vec<_>>(), vec![2]);
        assert_eq!(keys.rotate(&master).unwrap().0, 3);
    }

    #[test]
    fn keyring_can_be_shared_across_threads() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<TenantKeys>();
        assert_send_sync::<MasterKey>();
    }

    #[test]
    fn debug_output_hides_key_bytes() {
        let master = MasterKey::generate();
        let (keys, _) = TenantKeys::create(&master, "acme").unwrap();
        let shown = format!("{keys:?} {:?}", keys.data_key(1).unwrap());
        let hex_key = hex::encode(keys.data_key(1).unwrap().0.bytes());
        assert!(!shown.contains(&hex_key));
        assert!(!shown.contains(&format!("{:?}", keys.data_key(1).unwrap().0.bytes())));
        assert!(shown.contains("acme") && shown.contains("DataKey(..)"));
    }
}
