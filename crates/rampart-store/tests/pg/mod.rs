//! A PostgreSQL database of its own for a test, on the server `scripts/test` starts
//! (`RAMPART_TEST_POSTGRES_URL`). Shared by the store's tests and, through `#[path]`, by other
//! crates' tests that need a store on PostgreSQL.

use chrono::Utc;

/// A new, empty database's URL, or `None` (after printing `SKIP:`) when no server is given —
/// a failure instead when `RAMPART_REQUIRE_POSTGRES` says one must be.
pub async fn fresh_database(test: &str) -> Option<String> {
    let Ok(admin_url) = std::env::var("RAMPART_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var("RAMPART_REQUIRE_POSTGRES").is_err(),
            "RAMPART_REQUIRE_POSTGRES is set but RAMPART_TEST_POSTGRES_URL is not"
        );
        eprintln!("SKIP: {test}: RAMPART_TEST_POSTGRES_URL is not set (scripts/test starts a PostgreSQL and sets it)");
        return None;
    };
    use sqlx::Connection;
    // A database of its own per run, so tests never see each other's rows.
    let name = format!(
        "rampart_{test}_{}_{}",
        std::process::id(),
        Utc::now().timestamp_micros()
    );
    let mut conn = sqlx::PgConnection::connect(&admin_url)
        .await
        .expect("connect to the test PostgreSQL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    let (base, _) = admin_url
        .rsplit_once('/')
        .expect("URL with a database name");
    Some(format!("{base}/{name}"))
}
