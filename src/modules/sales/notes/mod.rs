//! Credit and debit notes (CGST Act s. 34, Rule 53): corrections of an issued invoice as
//! documents of their own, numbered from the branch's series and frozen at issue.

pub mod model;
pub mod repo;
pub mod routes;
pub mod service;
