//! The migrations compiled into the binary.

use super::migrate::{Migration, Migrator};

static CONTROL: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        sql: include_str!("../../migrations/control/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "alert_notifications",
        sql: include_str!("../../migrations/control/0002_alert_notifications.sql"),
    },
];

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
];

pub static CONTROL_MIGRATIONS: Migrator = Migrator::new(CONTROL);
pub static TENANT_MIGRATIONS: Migrator = Migrator::new(TENANT);
