//! The control database: which tenants exist and their status, system administrators,
//! sessions (refresh-token families, revoked access tokens) and the key registry.
//! Repositories take `&rusqlite::Connection`; nothing here knows about HTTP.

pub mod sessions;
pub mod sysadmins;
pub mod tenants;
