use sqlx::migrate::{Migration, MigrationType, Migrator};
use std::borrow::Cow;

fn migration(version: i64, description: &'static str, sql: &'static str) -> Migration {
    Migration::new(
        version,
        Cow::Borrowed(description),
        MigrationType::Simple,
        Cow::Borrowed(sql),
        false,
    )
}

/// Migrations are embedded in the binary: a store can be created anywhere, with no files beside it.
pub fn sqlite() -> Migrator {
    Migrator {
        migrations: Cow::Owned(vec![
            migration(
                1,
                "init",
                include_str!("../migrations/sqlite/0001_init.sql"),
            ),
            migration(
                2,
                "runs",
                include_str!("../migrations/sqlite/0002_runs.sql"),
            ),
            migration(
                4,
                "serve",
                include_str!("../migrations/sqlite/0004_serve.sql"),
            ),
        ]),
        ..Migrator::DEFAULT
    }
}

pub fn postgres() -> Migrator {
    Migrator {
        migrations: Cow::Owned(vec![
            migration(
                1,
                "init",
                include_str!("../migrations/postgres/0001_init.sql"),
            ),
            migration(
                2,
                "runs",
                include_str!("../migrations/postgres/0002_runs.sql"),
            ),
            migration(
                4,
                "serve",
                include_str!("../migrations/postgres/0004_serve.sql"),
            ),
        ]),
        ..Migrator::DEFAULT
    }
}
