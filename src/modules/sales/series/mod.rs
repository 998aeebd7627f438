//! Numbering series (CGST Rule 46(b)): one per branch and document type, numbers
//! `<prefix>/<YY-YY>/<seq>` of at most 16 characters, gapless per series and financial
//! year, unique in the tenant.

pub mod model;
pub mod repo;
pub mod routes;
pub mod service;
