use sqlx::migrate::{MigrateError, Migration, MigrationType, Migrator};
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
                3,
                "findings lifecycle",
                include_str!("../migrations/sqlite/0003_findings_lifecycle.sql"),
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
                3,
                "findings lifecycle",
                include_str!("../migrations/postgres/0003_findings_lifecycle.sql"),
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

/// How often a migration that lost a race with another process is retried.
const RACE_RETRIES: u32 = 40;

/// Whether an error is another connection holding the database (SQLITE_BUSY / SQLITE_LOCKED).
pub(crate) fn is_busy(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => {
            matches!(d.code().as_deref(), Some("5" | "6" | "517" | "262"))
                || d.message().contains("database is locked")
        }
        _ => false,
    }
}

/// Whether a migration failed because another process applied it first: it waited for that
/// process's transaction and then found its tables, or gave up waiting on a lock upgrade.
fn lost_race(e: &MigrateError) -> bool {
    let inner = match e {
        MigrateError::Execute(e) | MigrateError::ExecuteMigration(e, _) => e,
        _ => return false,
    };
    is_busy(inner)
        || matches!(inner, sqlx::Error::Database(d) if d.message().contains("already exists"))
}

/// Runs the SQLite migrations; safe when several agents open a new file at the same moment.
///
/// Each migration is one transaction, so a process that loses the race has changed nothing: it
/// waits (busy_timeout), finds the winner's tables ("already exists") or a lock it cannot
/// upgrade ("database is locked"), and runs the migrator again, which then sees the winner's
/// migrations recorded and skips them. PostgreSQL needs none of this: sqlx takes an advisory
/// lock around its migrations.
pub(crate) async fn run_sqlite(pool: &sqlx::SqlitePool) -> Result<(), MigrateError> {
    let migrator = sqlite();
    let mut attempt = 0;
    loop {
        match migrator.run(pool).await {
            Err(e) if attempt < RACE_RETRIES && lost_race(&e) => {
                attempt += 1;
                tracing::debug!(attempt, error = %e, "another process is migrating; retrying");
                // 10 ms, 20 ms, ... up to 200 ms: the winner's migration takes milliseconds.
                let wait = 10 * u64::from(attempt.min(20));
                tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
            }
            other => return other,
        }
    }
}

/// Connects to SQLite, retrying while another process holds the new file locked (switching a
/// new file to WAL needs an exclusive lock that busy_timeout does not wait for).
pub(crate) async fn connect_sqlite(
    opts: sqlx::sqlite::SqliteConnectOptions,
) -> Result<sqlx::SqlitePool, sqlx::Error> {
    let mut attempt = 0;
    loop {
        match sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts.clone())
            .await
        {
            Err(e) if attempt < RACE_RETRIES && is_busy(&e) => {
                attempt += 1;
                let wait = 10 * u64::from(attempt.min(20));
                tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
            }
            other => return other,
        }
    }
}
