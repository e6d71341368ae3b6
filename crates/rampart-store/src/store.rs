use crate::convert::{from_us, to_us};
use chrono::{DateTime, Utc};
use rampart_model::{ErrorClass, Incident, IncidentKind, Observation, Outcome, Phases};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqliteSynchronous};
use sqlx::Row;
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database {url}: {source} (hint: {hint})")]
    Open {
        url: String,
        hint: &'static str,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot migrate the database {url}: {source}")]
    Migrate {
        url: String,
        #[source]
        source: sqlx::migrate::MigrateError,
    },
    #[error("unsupported database URL \"{0}\"; expected sqlite://FILE or postgres://USER@HOST/DB")]
    Url(String),
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
    #[error("the database holds a value rampart cannot read: {0}")]
    Corrupt(String),
}

/// Which backend a store uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same code against whichever pool backs the store: sqlx's query types are generic
/// over the database, so one body compiles for both.
macro_rules! on_pool {
    ($pool:expr, $p:ident => $body:expr) => {
        match $pool {
            Pool::Sqlite($p) => $body,
            Pool::Postgres($p) => $body,
        }
    };
}
pub(crate) use on_pool;

/// Opens a transaction that writes. On SQLite it takes the write lock at `BEGIN IMMEDIATE`
/// (waiting up to the busy timeout): a deferred `BEGIN` that reads first must upgrade its lock
/// later, and in WAL mode that upgrade fails at once with `SQLITE_BUSY_SNAPSHOT` (517) whenever
/// another connection (a monitor writing observations) committed in between. The busy handler
/// is never consulted for it, so a rollup step that reads and then writes could lose that race
/// on every retry while probes keep committing. PostgreSQL's plain `BEGIN` has no such upgrade.
pub(crate) trait BeginWrite {
    type Db: sqlx::Database;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Self::Db>, sqlx::Error>;
}

impl BeginWrite for SqlitePool {
    type Db = sqlx::Sqlite;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        self.begin_with("BEGIN IMMEDIATE").await
    }
}

impl BeginWrite for PgPool {
    type Db = sqlx::Postgres;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
        self.begin().await
    }
}

/// The PostgreSQL advisory lock observation writers take in turn ("rampart" in ASCII).
const OBSERVATION_WRITERS_LOCK: i64 = 0x72_61_6d_70_61_72_74;

/// Which observations to read.
#[derive(Debug, Clone, Default)]
pub struct ObservationFilter {
    pub monitor: Option<String>,
    pub agent: Option<String>,
    /// Inclusive lower bound on `scheduled_at`.
    pub from: Option<DateTime<Utc>>,
    /// Exclusive upper bound on `scheduled_at`.
    pub to: Option<DateTime<Utc>>,
}

/// One check that ran: what, on what, when, and its whole result as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// `ports`, `web`, `tls`, `ssh`, `smtp`, `logs`, `threats`, `monitor`, ...
    pub kind: String,
    pub target: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub summary: serde_json::Value,
}

/// The one storage interface, over SQLite or PostgreSQL.
#[derive(Clone)]
pub struct Store {
    pub(crate) pool: Pool,
    url: String,
}

impl Store {
    /// Opens (creating and migrating when needed) the database at `url`:
    /// `sqlite://PATH` (or a plain path) or `postgres://...`.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let pool = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(4)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await
                .map_err(|source| StoreError::Open {
                    url: redact(url),
                    hint: "is the server running, and do the user and database exist?",
                    source,
                })?;
            let migrator = crate::migrate::postgres();
            // Only counted when the count is logged.
            let before = if tracing::enabled!(tracing::Level::INFO) {
                applied_migrations(&pool).await
            } else {
                0
            };
            migrator
                .run(&pool)
                .await
                .map_err(|source| StoreError::Migrate {
                    url: redact(url),
                    source,
                })?;
            tracing::info!(
                backend = "postgres",
                applied = migrator.migrations.len().saturating_sub(before),
                known = migrator.migrations.len(),
                "migrations applied; schema up to date"
            );
            Pool::Postgres(pool)
        } else {
            let path = url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"))
                .unwrap_or(url);
            if path.is_empty() || url.contains("://") && !url.starts_with("sqlite://") {
                return Err(StoreError::Url(redact(url)));
            }
            let opts = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))
                .map_err(|source| StoreError::Open {
                    url: url.into(),
                    hint: "check the path",
                    source,
                })?
                .create_if_missing(true)
                // WAL: readers (a report) never block the writer (a running monitor).
                .journal_mode(SqliteJournalMode::Wal)
                // NORMAL in WAL mode survives a killed process (kill -9); only a power cut can
                // lose the last transactions.
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10));
            let pool = crate::migrate::connect_sqlite(opts)
                .await
                .map_err(|source| StoreError::Open {
                    url: url.into(),
                    hint: if crate::migrate::is_busy(&source) {
                        "another process holds the database locked for longer than 10 s"
                    } else {
                        "is the folder writable?"
                    },
                    source,
                })?;
            let migrator = crate::migrate::sqlite();
            // Only counted when the count is logged.
            let before = if tracing::enabled!(tracing::Level::INFO) {
                applied_migrations(&pool).await
            } else {
                0
            };
            crate::migrate::run_sqlite(&pool)
                .await
                .map_err(|source| StoreError::Migrate {
                    url: url.into(),
                    source,
                })?;
            tracing::info!(
                backend = "sqlite",
                applied = migrator.migrations.len().saturating_sub(before),
                known = migrator.migrations.len(),
                "migrations applied; schema up to date"
            );
            Pool::Sqlite(pool)
        };
        let store = Store {
            pool,
            url: redact(url),
        };
        tracing::info!(backend = ?store.backend(), url = %store.url, "store opened");
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// The URL with any password removed, for messages.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Writes a batch of observations in one transaction: all of them or none.
    pub async fn insert_observations(&self, batch: &[Observation]) -> Result<(), StoreError> {
        if batch.is_empty() {
            return Ok(());
        }
        let postgres = self.backend() == Backend::Postgres;
        on_pool!(&self.pool, p => {
            let mut tx = p.begin_write().await?;
            if postgres {
                // The rollup job reads observations by id (`id > last folded`), so ids must
                // become visible in order. PostgreSQL hands out ids when a row is inserted and
                // shows them when its transaction commits: two writers (agents, an import
                // beside serve) could commit 101 before 100, and 100 would never be folded.
                // Writers take turns, each holding the lock until its commit. (SQLite's
                // `BEGIN IMMEDIATE` already serialises them.)
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(OBSERVATION_WRITERS_LOCK)
                    .execute(&mut *tx)
                    .await?;
            }
            for o in batch {
                sqlx::query(
                    "INSERT INTO observations (monitor, agent, target, scheduled_us, started_us, outcome, status, \
                     dns_ms, connect_ms, tls_ms, ttfb_ms, total_ms, error_class, error) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                )
                .bind(&o.monitor)
                .bind(&o.agent)
                .bind(&o.target)
                .bind(to_us(o.scheduled_at))
                .bind(to_us(o.started_at))
                .bind(outcome_str(o.outcome))
                .bind(o.status.map(i32::from))
                .bind(o.phases.dns_ms)
                .bind(o.phases.connect_ms)
                .bind(o.phases.tls_ms)
                .bind(o.phases.ttfb_ms)
                .bind(o.phases.total_ms)
                .bind(o.error_class.map(|c| c.as_str()))
                .bind(o.error.as_deref())
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Observations matching `filter`, oldest scheduled first.
    pub async fn observations(
        &self,
        filter: &ObservationFilter,
    ) -> Result<Vec<Observation>, StoreError> {
        let sql = "SELECT monitor, agent, target, scheduled_us, started_us, outcome, status, dns_ms, connect_ms, \
                   tls_ms, ttfb_ms, total_ms, error_class, error FROM observations \
                   WHERE ($1 IS NULL OR monitor = $1) AND ($2 IS NULL OR agent = $2) \
                   AND scheduled_us >= $3 AND scheduled_us < $4 ORDER BY scheduled_us, id";
        let from = filter.from.map(to_us).unwrap_or(i64::MIN);
        let to = filter.to.map(to_us).unwrap_or(i64::MAX);
        on_pool!(&self.pool, p => {
            let rows = sqlx::query(sql)
                .bind(filter.monitor.as_deref())
                .bind(filter.agent.as_deref())
                .bind(from)
                .bind(to)
                .fetch_all(p)
                .await?;
            rows.iter()
                .map(|r| {
                    let outcome: String = r.try_get("outcome")?;
                    let class: Option<String> = r.try_get("error_class")?;
                    let status: Option<i32> = r.try_get("status")?;
                    Ok(Observation {
                        monitor: r.try_get("monitor")?,
                        agent: r.try_get("agent")?,
                        target: r.try_get("target")?,
                        scheduled_at: from_us(r.try_get("scheduled_us")?),
                        started_at: from_us(r.try_get("started_us")?),
                        outcome: parse_outcome(&outcome)?,
                        status: status.and_then(|s| u16::try_from(s).ok()),
                        phases: Phases {
                            dns_ms: r.try_get("dns_ms")?,
                            connect_ms: r.try_get("connect_ms")?,
                            tls_ms: r.try_get("tls_ms")?,
                            ttfb_ms: r.try_get("ttfb_ms")?,
                            total_ms: r.try_get("total_ms")?,
                        },
                        error_class: class.as_deref().map(|c| ErrorClass::parse(c).unwrap_or(ErrorClass::Other)),
                        error: r.try_get("error")?,
                    })
                })
                .collect()
        })
    }

    /// Monitor and agent names that have observations.
    pub async fn monitors(&self) -> Result<Vec<(String, String)>, StoreError> {
        on_pool!(&self.pool, p => {
            let rows = sqlx::query("SELECT DISTINCT monitor, agent FROM observations ORDER BY monitor, agent")
                .fetch_all(p)
                .await?;
            rows.iter().map(|r| Ok((r.try_get("monitor")?, r.try_get("agent")?))).collect()
        })
    }

    pub async fn insert_incidents(&self, incidents: &[Incident]) -> Result<(), StoreError> {
        on_pool!(&self.pool, p => {
            let mut tx = p.begin_write().await?;
            for i in incidents {
                let kind = serde_json::to_value(&i.kind).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                sqlx::query(
                    "INSERT INTO incidents (kind, target, started_us, ended_us, summary, details) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(kind.as_str().unwrap_or("other"))
                .bind(&i.target)
                .bind(to_us(i.started_at))
                .bind(i.ended_at.map(to_us))
                .bind(&i.summary)
                .bind(i.details.to_string())
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Incidents, oldest first, optionally of one target.
    pub async fn incidents(&self, target: Option<&str>) -> Result<Vec<Incident>, StoreError> {
        on_pool!(&self.pool, p => {
            let rows = sqlx::query(
                "SELECT kind, target, started_us, ended_us, summary, details FROM incidents \
                 WHERE ($1 IS NULL OR target = $1) ORDER BY started_us, id",
            )
            .bind(target)
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    let kind: String = r.try_get("kind")?;
                    let details: String = r.try_get("details")?;
                    let ended: Option<i64> = r.try_get("ended_us")?;
                    Ok(Incident {
                        kind: serde_json::from_value::<IncidentKind>(serde_json::Value::String(kind))
                            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                        target: r.try_get("target")?,
                        started_at: from_us(r.try_get("started_us")?),
                        ended_at: ended.map(from_us),
                        summary: r.try_get("summary")?,
                        details: serde_json::from_str(&details).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    })
                })
                .collect()
        })
    }

    /// Records a check that ran.
    pub async fn insert_run(&self, run: &Run) -> Result<(), StoreError> {
        on_pool!(&self.pool, p => {
            sqlx::query("INSERT INTO runs (kind, target, started_us, finished_us, summary) VALUES ($1, $2, $3, $4, $5)")
                .bind(&run.kind)
                .bind(&run.target)
                .bind(to_us(run.started_at))
                .bind(to_us(run.finished_at))
                .bind(run.summary.to_string())
                .execute(p)
                .await?;
        });
        Ok(())
    }

    /// The latest run of each (kind, target), oldest first.
    pub async fn latest_runs(&self) -> Result<Vec<Run>, StoreError> {
        on_pool!(&self.pool, p => {
            let rows = sqlx::query(
                "SELECT kind, target, started_us, finished_us, summary FROM runs r WHERE started_us = \
                 (SELECT MAX(started_us) FROM runs x WHERE x.kind = r.kind AND x.target = r.target) ORDER BY started_us, id",
            )
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    let summary: String = r.try_get("summary")?;
                    Ok(Run {
                        kind: r.try_get("kind")?,
                        target: r.try_get("target")?,
                        started_at: from_us(r.try_get("started_us")?),
                        finished_at: from_us(r.try_get("finished_us")?),
                        summary: serde_json::from_str(&summary).map_err(|e| StoreError::Corrupt(format!("run summary: {e}")))?,
                    })
                })
                .collect()
        })
    }

    pub async fn close(&self) {
        on_pool!(&self.pool, p => p.close().await)
    }
}

fn outcome_str(o: Outcome) -> &'static str {
    match o {
        Outcome::Up => "up",
        Outcome::Down => "down",
    }
}

fn parse_outcome(s: &str) -> Result<Outcome, StoreError> {
    match s {
        "up" => Ok(Outcome::Up),
        "down" => Ok(Outcome::Down),
        other => Err(StoreError::Corrupt(format!("outcome \"{other}\""))),
    }
}

/// Removes the password from a database URL before it appears in any message.
fn redact(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        if let Some((cred, host)) = rest.split_once('@') {
            let user = cred.split(':').next().unwrap_or("");
            return format!("{scheme}://{user}:***@{host}");
        }
    }
    url.to_string()
}

/// How many migrations the database already has (0 for a new database, whose migrations table
/// does not exist yet); only for the log line after migrating.
async fn applied_migrations<DB>(pool: &sqlx::Pool<DB>) -> usize
where
    DB: sqlx::Database,
    DB::Connection: sqlx::migrate::Migrate,
{
    use sqlx::migrate::Migrate;
    match pool.acquire().await {
        Ok(mut conn) => conn
            .list_applied_migrations()
            .await
            .map(|v| v.len())
            .unwrap_or(0),
        Err(_) => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::redact;
    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("sqlite:///tmp/x.db"), "sqlite:///tmp/x.db");
    }
}
