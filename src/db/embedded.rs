//! The migrations compiled into the binary.

use super::migrate::{Migration, Migrator};

static CONTROL: &[Migration] = &[Migration {
    version: 1,
    name: "init",
    sql: include_str!("../../migrations/control/0001_init.sql"),
}];

static TENANT: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        sql: include_str!("../../migrations/tenant/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "file_owners",
        sql: include_str!("../../migrations/tenant/0002_file_owners.sql"),
    },
    Migration {
        version: 3,
        name: "tax_documents",
        sql: include_str!("../../migrations/tenant/0003_tax_documents.sql"),
    },
];

pub static CONTROL_MIGRATIONS: Migrator = Migrator::new(CONTROL);
pub static TENANT_MIGRATIONS: Migrator = Migrator::new(TENANT);
