//! The properties the fuzz targets check. `checks.rs` is also compiled into the stable
//! replay test (`tests/fuzz_smoke.rs`), so `cargo test` runs the same code.

pub mod checks;
