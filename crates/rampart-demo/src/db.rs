use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::SqlitePool;
use std::str::FromStr;

/// An in-memory MiniTwit database with a few users and messages.
pub async fn open() -> Result<SqlitePool, sqlx::Error> {
    // One connection: an in-memory SQLite database lives and dies with its connection.
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(SqliteConnectOptions::from_str("sqlite::memory:")?)
        .await?;
    for stmt in [
        "CREATE TABLE user (user_id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE, email TEXT NOT NULL, pw_hash TEXT NOT NULL)",
        "CREATE TABLE message (message_id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL, text TEXT NOT NULL, pub_date INTEGER)",
        "INSERT INTO user VALUES (1, 'alice', 'alice@example.org', 'pbkdf2:sha256:demo$a'), (2, 'bob', 'bob@example.org', 'pbkdf2:sha256:demo$b'), (3, 'carol', 'carol@example.org', 'pbkdf2:sha256:demo$c')",
        "INSERT INTO message (author_id, text, pub_date) VALUES (1, 'Hello from Alice', 1586966400), (2, 'Bob here. Nice weather.', 1586970000), (1, 'Second post', 1586973600), (3, 'Carol says hi', 1586977200)",
    ] {
        sqlx::query(stmt).execute(&pool).await?;
    }
    Ok(pool)
}
