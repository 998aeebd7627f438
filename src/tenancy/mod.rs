//! Tenancy: which tenants exist (control DB) and their open database files.
//!
//! Each tenant file is opened lazily on first use and kept in a bounded `moka` cache
//! with idle eviction, so ten thousand tenants on disk never mean ten thousand open
//! files. Status lookups are cached briefly and invalidated on suspend/resume.

pub mod registry;

pub use registry::{TenantHandle, Tenants};
