//! Items: what is sold, with its HSN/SAC code, unit price and GST rate.

pub mod model;
pub mod repo;
pub mod routes;
pub mod service;
