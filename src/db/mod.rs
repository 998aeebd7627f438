//! SQLite plumbing shared by the control DB and the tenant files: connection set-up,
//! migrations, and the durability settings every connection gets.

pub mod children;
pub mod connection;
pub mod database;
pub mod embedded;
pub mod filters;
pub mod group_sync;
pub mod memory;
pub mod migrate;
pub mod slow;
pub mod stats;

pub use connection::{open_reader, open_writer, ConnectionKind};
pub use database::{Database, OpenError};
pub use migrate::{Migration, MigrationReport, Migrator};
