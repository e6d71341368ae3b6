//! What `rampart serve` keeps: rollups of observations (so no page reads raw observations), the
//! current state and outages of each monitor, accounts and sessions, the append-only audit log,
//! threat triage edited in the dashboard, and when scheduled jobs last ran.

use crate::convert::{from_us, to_us};
use crate::store::{on_pool, BeginWrite, Pool, Store, StoreError};
use chrono::{DateTime, Utc};
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};

/// A rollup bucket's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Grain {
    Minute,
    Hour,
    Day,
}

impl Grain {
    pub const ALL: [Grain; 3] = [Grain::Minute, Grain::Hour, Grain::Day];

    pub fn as_str(self) -> &'static str {
        match self {
            Grain::Minute => "minute",
            Grain::Hour => "hour",
            Grain::Day => "day",
        }
    }

    pub fn micros(self) -> i64 {
        match self {
            Grain::Minute => 60_000_000,
            Grain::Hour => 3_600_000_000,
            Grain::Day => 86_400_000_000,
        }
    }

    /// The start of the (UTC) bucket holding `us`.
    pub fn bucket(self, us: i64) -> i64 {
        us.div_euclid(self.micros()) * self.micros()
    }
}

/// One monitor's probes in one bucket.
#[derive(Debug, Clone, PartialEq)]
pub struct Rollup {
    pub monitor: String,
    pub bucket: DateTime<Utc>,
    pub up: i64,
    pub down: i64,
    /// Answered probes with a latency, their sum and maximum (ms).
    pub latency_count: i64,
    pub latency_sum: f64,
    pub latency_max: f64,
}

/// A monitor's rollups summed over a span.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RollupTotals {
    pub monitor: String,
    pub up: i64,
    pub down: i64,
    pub latency_count: i64,
    pub latency_sum: f64,
    pub latency_max: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MonitorState {
    pub monitor: String,
    pub up: bool,
    pub since: DateTime<Utc>,
    pub last: DateTime<Utc>,
    pub latency_ms: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outage {
    pub monitor: String,
    pub started_at: DateTime<Utc>,
    /// `None` while the monitor is still down.
    pub ended_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub name: String,
    pub role: String,
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub username: String,
    pub role: String,
    pub csrf: String,
    pub client: String,
    pub expires_at: DateTime<Utc>,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub client: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ThreatTriageEdit {
    pub id: String,
    pub state: String,
    pub justification: String,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

/// What one [`Store::rollup_changes`] folded: the amounts added to each rollup bucket, the monitor
/// states it wrote and the outages it opened or closed. `rampart serve` applies them to its
/// in-memory status, so a page never re-reads what the rollup job just wrote.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RollupChanges {
    /// Observations folded (0: up to date).
    pub folded: usize,
    /// Amounts added, per grain and bucket (`Rollup::latency_max` is the batch's maximum).
    pub rollups: Vec<(Grain, Rollup)>,
    /// The new state of every monitor whose state row was written.
    pub states: Vec<MonitorState>,
    /// Outages opened (`opened`) or closed (every open outage of the monitor ends `at`), in order.
    pub outages: Vec<OutageChange>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutageChange {
    pub monitor: String,
    pub at: DateTime<Utc>,
    pub opened: bool,
}

#[derive(Default)]
struct Acc {
    up: i64,
    down: i64,
    lc: i64,
    ls: f64,
    lmax: f64,
}

/// The PostgreSQL advisory lock rollup steps take in turn ("rollup" in ASCII).
const ROLLUP_LOCK: i64 = 0x72_6f_6c_6c_75_70;

/// A monitor's state as the rollup job walks its observations.
#[derive(Clone)]
struct Walk {
    up: bool,
    since: i64,
    last: i64,
    latency: Option<f64>,
    /// Set when this batch changed the state (so the row is written).
    changed: bool,
}

impl Store {
    /// Folds up to `limit` observations written since the last call into the rollups, the
    /// monitors' current states and their outages, in one transaction. Returns how many it
    /// folded (0: up to date). Reads observations by id, so each is counted exactly once.
    pub async fn rollup_step(&self, limit: i64) -> Result<usize, StoreError> {
        Ok(self.rollup_changes(limit).await?.folded)
    }

    /// [`Store::rollup_step`], returning what it changed.
    pub async fn rollup_changes(&self, limit: i64) -> Result<RollupChanges, StoreError> {
        let postgres = self.backend() == crate::Backend::Postgres;
        on_pool!(&self.pool, p => {
            let mut tx = p.begin_write().await?;
            if postgres {
                // Two serves on one database fold in turns: without it both would read the same
                // `last_id` and fold the same rows twice. (SQLite's `BEGIN IMMEDIATE` already
                // makes the second wait, then read the first one's progress.)
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(ROLLUP_LOCK)
                    .execute(&mut *tx)
                    .await?;
            }
            let last: Option<i64> = sqlx::query_scalar("SELECT last_id FROM rollup_progress WHERE name = 'observations'")
                .fetch_optional(&mut *tx)
                .await?;
            let last = last.unwrap_or(0);
            let rows = sqlx::query(
                "SELECT id, monitor, scheduled_us, outcome, total_ms FROM observations WHERE id > $1 ORDER BY id LIMIT $2",
            )
            .bind(last)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
            if rows.is_empty() {
                return Ok(RollupChanges::default());
            }
            let mut states: HashMap<String, Walk> = HashMap::new();
            for r in sqlx::query("SELECT monitor, outcome, since_us, last_us, latency_ms FROM monitor_state")
                .fetch_all(&mut *tx)
                .await?
            {
                let outcome: String = r.try_get("outcome")?;
                states.insert(r.try_get("monitor")?, Walk {
                    up: outcome == "up",
                    since: r.try_get("since_us")?,
                    last: r.try_get("last_us")?,
                    latency: r.try_get("latency_ms")?,
                    changed: false,
                });
            }
            let mut acc: BTreeMap<(Grain, String, i64), Acc> = BTreeMap::new();
            // Outage changes in order: (monitor, at, opened?)
            let mut outage_events: Vec<(String, i64, bool)> = Vec::new();
            let mut max_id = last;
            let mut obs: Vec<(String, i64, bool, Option<f64>)> = Vec::with_capacity(rows.len());
            for r in &rows {
                let id: i64 = r.try_get("id")?;
                max_id = max_id.max(id);
                let outcome: String = r.try_get("outcome")?;
                obs.push((r.try_get("monitor")?, r.try_get("scheduled_us")?, outcome == "up", r.try_get("total_ms")?));
            }
            // State transitions follow probe time, whatever order the rows were written in.
            obs.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
            for (monitor, at, up, latency) in &obs {
                for g in Grain::ALL {
                    let a = acc.entry((g, monitor.clone(), g.bucket(*at))).or_default();
                    if *up {
                        a.up += 1;
                        if let Some(l) = latency {
                            a.lc += 1;
                            a.ls += l;
                            a.lmax = a.lmax.max(*l);
                        }
                    } else {
                        a.down += 1;
                    }
                }
                match states.get_mut(monitor) {
                    Some(s) if *at < s.last => {} // an older probe written late: counted, not a transition
                    Some(s) => {
                        if s.up != *up {
                            outage_events.push((monitor.clone(), *at, !*up));
                            s.up = *up;
                            s.since = *at;
                        }
                        s.last = *at;
                        s.latency = if *up { *latency } else { None };
                        s.changed = true;
                    }
                    None => {
                        if !*up {
                            outage_events.push((monitor.clone(), *at, true));
                        }
                        states.insert(monitor.clone(), Walk { up: *up, since: *at, last: *at, latency: if *up { *latency } else { None }, changed: true });
                    }
                }
            }
            for ((g, monitor, bucket), a) in &acc {
                sqlx::query(
                    "INSERT INTO rollups (grain, monitor, bucket_us, up, down, latency_count, latency_sum, latency_max) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (grain, bucket_us, monitor) DO UPDATE SET \
                     up = rollups.up + excluded.up, down = rollups.down + excluded.down, \
                     latency_count = rollups.latency_count + excluded.latency_count, \
                     latency_sum = rollups.latency_sum + excluded.latency_sum, \
                     latency_max = CASE WHEN excluded.latency_max > rollups.latency_max THEN excluded.latency_max ELSE rollups.latency_max END",
                )
                .bind(g.as_str())
                .bind(monitor)
                .bind(*bucket)
                .bind(a.up)
                .bind(a.down)
                .bind(a.lc)
                .bind(a.ls)
                .bind(a.lmax)
                .execute(&mut *tx)
                .await?;
            }
            for (monitor, s) in states.iter().filter(|(_, s)| s.changed) {
                sqlx::query(
                    "INSERT INTO monitor_state (monitor, outcome, since_us, last_us, latency_ms) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (monitor) DO UPDATE SET outcome = excluded.outcome, since_us = excluded.since_us, \
                     last_us = excluded.last_us, latency_ms = excluded.latency_ms",
                )
                .bind(monitor)
                .bind(if s.up { "up" } else { "down" })
                .bind(s.since)
                .bind(s.last)
                .bind(s.latency)
                .execute(&mut *tx)
                .await?;
            }
            for (monitor, at, opened) in &outage_events {
                let sql = if *opened {
                    "INSERT INTO outages (monitor, started_us) VALUES ($1, $2)"
                } else {
                    "UPDATE outages SET ended_us = $2 WHERE monitor = $1 AND ended_us IS NULL"
                };
                sqlx::query(sql).bind(monitor).bind(*at).execute(&mut *tx).await?;
            }
            sqlx::query(
                "INSERT INTO rollup_progress (name, last_id) VALUES ('observations', $1) \
                 ON CONFLICT (name) DO UPDATE SET last_id = excluded.last_id",
            )
            .bind(max_id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(RollupChanges {
                folded: rows.len(),
                rollups: acc
                    .into_iter()
                    .map(|((g, monitor, bucket), a)| {
                        (g, Rollup { monitor, bucket: from_us(bucket), up: a.up, down: a.down, latency_count: a.lc, latency_sum: a.ls, latency_max: a.lmax })
                    })
                    .collect(),
                states: states
                    .into_iter()
                    .filter(|(_, s)| s.changed)
                    .map(|(monitor, s)| MonitorState { monitor, up: s.up, since: from_us(s.since), last: from_us(s.last), latency_ms: s.latency })
                    .collect(),
                outages: outage_events
                    .into_iter()
                    .map(|(monitor, at, opened)| OutageChange { monitor, at: from_us(at), opened })
                    .collect(),
            })
        })
    }

    /// Drops minute rollups older than `before` (hours and days stay).
    pub async fn prune_minute_rollups(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        on_pool!(&self.pool, p => {
            Ok(sqlx::query("DELETE FROM rollups WHERE grain = 'minute' AND bucket_us < $1")
                .bind(to_us(before))
                .execute(p)
                .await?
                .rows_affected())
        })
    }

    /// Every monitor's rollups of `grain` summed over buckets starting in `[from, to)`.
    pub async fn rollup_totals(
        &self,
        grain: Grain,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<RollupTotals>, StoreError> {
        on_pool!(&self.pool, p => {
            let rows = sqlx::query(
                "SELECT monitor, CAST(SUM(up) AS BIGINT) AS up, CAST(SUM(down) AS BIGINT) AS down, CAST(SUM(latency_count) AS BIGINT) AS lc, \
                 SUM(latency_sum) AS ls, MAX(latency_max) AS lmax FROM rollups \
                 WHERE grain = $1 AND bucket_us >= $2 AND bucket_us < $3 GROUP BY monitor ORDER BY monitor",
            )
            .bind(grain.as_str())
            .bind(to_us(from))
            .bind(to_us(to))
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(RollupTotals {
                        monitor: r.try_get("monitor")?,
                        up: r.try_get::<Option<i64>, _>("up")?.unwrap_or(0),
                        down: r.try_get::<Option<i64>, _>("down")?.unwrap_or(0),
                        latency_count: r.try_get::<Option<i64>, _>("lc")?.unwrap_or(0),
                        latency_sum: r.try_get::<Option<f64>, _>("ls")?.unwrap_or(0.0),
                        latency_max: r.try_get::<Option<f64>, _>("lmax")?.unwrap_or(0.0),
                    })
                })
                .collect()
        })
    }

    /// Rollups of `grain` in `[from, to)`, of one monitor or all, by time then monitor (the key's
    /// order: no sort).
    pub async fn rollups(
        &self,
        grain: Grain,
        monitor: Option<&str>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Rollup>, StoreError> {
        on_pool!(&self.pool, p => {
            let rows = sqlx::query(
                "SELECT monitor, bucket_us, up, down, latency_count, latency_sum, latency_max FROM rollups \
                 WHERE grain = $1 AND ($2 IS NULL OR monitor = $2) AND bucket_us >= $3 AND bucket_us < $4 \
                 ORDER BY bucket_us, monitor",
            )
            .bind(grain.as_str())
            .bind(monitor)
            .bind(to_us(from))
            .bind(to_us(to))
            .fetch_all(p)
            .await?;
            rows.iter().map(rollup_from_row).collect()
        })
    }

    /// Every monitor's rollups of `grain` in `[from, to)`, handed to `each` one at a time as the
    /// database returns them: reading 50,000 rows this way never holds them all in memory (a
    /// list of them costs tens of MB at its peak, which the allocator keeps long after).
    pub async fn each_rollup(
        &self,
        grain: Grain,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        mut each: impl FnMut(Rollup) + Send,
    ) -> Result<(), StoreError> {
        use futures_util::TryStreamExt;
        on_pool!(&self.pool, p => {
            let mut rows = sqlx::query(
                "SELECT monitor, bucket_us, up, down, latency_count, latency_sum, latency_max FROM rollups \
                 WHERE grain = $1 AND bucket_us >= $2 AND bucket_us < $3",
            )
            .bind(grain.as_str())
            .bind(to_us(from))
            .bind(to_us(to))
            .fetch(p);
            while let Some(r) = rows.try_next().await? {
                each(rollup_from_row(&r)?);
            }
            Ok(())
        })
    }

    pub async fn monitor_states(&self) -> Result<Vec<MonitorState>, StoreError> {
        on_pool!(&self.pool, p => {
            let rows = sqlx::query("SELECT monitor, outcome, since_us, last_us, latency_ms FROM monitor_state ORDER BY monitor")
                .fetch_all(p)
                .await?;
            rows.iter()
                .map(|r| {
                    let outcome: String = r.try_get("outcome")?;
                    Ok(MonitorState {
                        monitor: r.try_get("monitor")?,
                        up: outcome == "up",
                        since: from_us(r.try_get("since_us")?),
                        last: from_us(r.try_get("last_us")?),
                        latency_ms: r.try_get("latency_ms")?,
                    })
                })
                .collect()
        })
    }

    /// Outages that were open at any time since `since`, of one monitor or all, oldest first.
    pub async fn outages(
        &self,
        monitor: Option<&str>,
        since: DateTime<Utc>,
    ) -> Result<Vec<Outage>, StoreError> {
        on_pool!(&self.pool, p => {
            let rows = sqlx::query(
                "SELECT monitor, started_us, ended_us FROM outages WHERE ($1 IS NULL OR monitor = $1) \
                 AND (ended_us IS NULL OR ended_us >= $2) ORDER BY started_us, id",
            )
            .bind(monitor)
            .bind(to_us(since))
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    let ended: Option<i64> = r.try_get("ended_us")?;
                    Ok(Outage {
                        monitor: r.try_get("monitor")?,
                        started_at: from_us(r.try_get("started_us")?),
                        ended_at: ended.map(from_us),
                    })
                })
                .collect()
        })
    }

    // ---- accounts ----

    /// Adds a user; false when the name is taken.
    pub async fn add_user(
        &self,
        name: &str,
        role: &str,
        password_hash: &str,
    ) -> Result<bool, StoreError> {
        on_pool!(&self.pool, p => {
            let n = sqlx::query(
                "INSERT INTO users (name, role, password_hash, created_us) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING",
            )
            .bind(name)
            .bind(role)
            .bind(password_hash)
            .bind(to_us(Utc::now()))
            .execute(p)
            .await?
            .rows_affected();
            Ok(n == 1)
        })
    }

    /// One user by name (every login reads it: one row, not the whole table).
    pub async fn user(&self, name: &str) -> Result<Option<User>, StoreError> {
        on_pool!(&self.pool, p => {
            let row = sqlx::query("SELECT name, role, password_hash, created_us FROM users WHERE name = $1")
                .bind(name)
                .fetch_optional(p)
                .await?;
            row.as_ref().map(user_from_row).transpose()
        })
    }

    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        on_pool!(&self.pool, p => {
            let rows = sqlx::query("SELECT name, role, password_hash, created_us FROM users ORDER BY name")
                .fetch_all(p)
                .await?;
            rows.iter().map(user_from_row).collect()
        })
    }

    /// Removes a user and all of their sessions; false when there was no such user.
    pub async fn remove_user(&self, name: &str) -> Result<bool, StoreError> {
        on_pool!(&self.pool, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query("DELETE FROM sessions WHERE username = $1").bind(name).execute(&mut *tx).await?;
            let n = sqlx::query("DELETE FROM users WHERE name = $1").bind(name).execute(&mut *tx).await?.rows_affected();
            tx.commit().await?;
            Ok(n == 1)
        })
    }

    /// Sets a new password hash and ends every session of the user; false when no such user.
    pub async fn set_password(&self, name: &str, password_hash: &str) -> Result<bool, StoreError> {
        on_pool!(&self.pool, p => {
            let mut tx = p.begin_write().await?;
            let n = sqlx::query("UPDATE users SET password_hash = $2 WHERE name = $1")
                .bind(name)
                .bind(password_hash)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            sqlx::query("DELETE FROM sessions WHERE username = $1").bind(name).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(n == 1)
        })
    }

    pub async fn create_session(
        &self,
        token_hash: &str,
        username: &str,
        csrf: &str,
        client: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_pool!(&self.pool, p => {
            sqlx::query(
                "INSERT INTO sessions (token_hash, username, csrf, client, created_us, expires_us) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(token_hash)
            .bind(username)
            .bind(csrf)
            .bind(client)
            .bind(to_us(Utc::now()))
            .bind(to_us(expires_at))
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// The live (unexpired) session with this token hash, with its user's current role.
    pub async fn session(&self, token_hash: &str) -> Result<Option<Session>, StoreError> {
        on_pool!(&self.pool, p => {
            let row = sqlx::query(
                "SELECT s.username, u.role, s.csrf, s.client, s.expires_us FROM sessions s JOIN users u ON u.name = s.username \
                 WHERE s.token_hash = $1 AND s.expires_us > $2",
            )
            .bind(token_hash)
            .bind(to_us(Utc::now()))
            .fetch_optional(p)
            .await?;
            row.map(|r| {
                Ok(Session {
                    username: r.try_get("username")?,
                    role: r.try_get("role")?,
                    csrf: r.try_get("csrf")?,
                    client: r.try_get("client")?,
                    expires_at: from_us(r.try_get("expires_us")?),
                })
            })
            .transpose()
        })
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        on_pool!(&self.pool, p => {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(p).await?;
        });
        Ok(())
    }

    // ---- audit log: append and read, nothing else ----

    pub async fn append_audit(&self, e: &AuditEvent) -> Result<(), StoreError> {
        on_pool!(&self.pool, p => {
            sqlx::query(
                "INSERT INTO audit_log (at_us, actor, action, object, before, after, client) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(to_us(e.at))
            .bind(&e.actor)
            .bind(&e.action)
            .bind(&e.object)
            .bind(e.before.as_deref())
            .bind(e.after.as_deref())
            .bind(e.client.as_deref())
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// The audit log, oldest first; the newest `limit` events when given.
    pub async fn audit_events(&self, limit: Option<i64>) -> Result<Vec<AuditEvent>, StoreError> {
        on_pool!(&self.pool, p => {
            let rows = sqlx::query(
                "SELECT at_us, actor, action, object, before, after, client FROM \
                 (SELECT * FROM audit_log ORDER BY id DESC LIMIT $1) newest ORDER BY id",
            )
            .bind(limit.unwrap_or(i64::MAX))
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(AuditEvent {
                        at: from_us(r.try_get("at_us")?),
                        actor: r.try_get("actor")?,
                        action: r.try_get("action")?,
                        object: r.try_get("object")?,
                        before: r.try_get("before")?,
                        after: r.try_get("after")?,
                        client: r.try_get("client")?,
                    })
                })
                .collect()
        })
    }

    // ---- threat triage edited in the dashboard ----

    pub async fn set_threat_triage(&self, edit: &ThreatTriageEdit) -> Result<(), StoreError> {
        on_pool!(&self.pool, p => {
            sqlx::query(
                "INSERT INTO threat_triage (id, state, justification, updated_by, updated_us) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (id) DO UPDATE SET state = excluded.state, justification = excluded.justification, \
                 updated_by = excluded.updated_by, updated_us = excluded.updated_us",
            )
            .bind(&edit.id)
            .bind(&edit.state)
            .bind(&edit.justification)
            .bind(&edit.updated_by)
            .bind(to_us(edit.updated_at))
            .execute(p)
            .await?;
        });
        Ok(())
    }

    pub async fn threat_triage(&self) -> Result<Vec<ThreatTriageEdit>, StoreError> {
        on_pool!(&self.pool, p => {
            let rows = sqlx::query("SELECT id, state, justification, updated_by, updated_us FROM threat_triage ORDER BY id")
                .fetch_all(p)
                .await?;
            rows.iter()
                .map(|r| {
                    Ok(ThreatTriageEdit {
                        id: r.try_get("id")?,
                        state: r.try_get("state")?,
                        justification: r.try_get("justification")?,
                        updated_by: r.try_get("updated_by")?,
                        updated_at: from_us(r.try_get("updated_us")?),
                    })
                })
                .collect()
        })
    }

    // ---- the schedule's memory ----

    pub async fn schedule_last(&self, name: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
        on_pool!(&self.pool, p => {
            let v: Option<i64> = sqlx::query_scalar("SELECT last_us FROM schedule_state WHERE name = $1")
                .bind(name)
                .fetch_optional(p)
                .await?;
            Ok(v.map(from_us))
        })
    }

    pub async fn set_schedule_last(&self, name: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        on_pool!(&self.pool, p => {
            sqlx::query(
                "INSERT INTO schedule_state (name, last_us) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET last_us = excluded.last_us",
            )
            .bind(name)
            .bind(to_us(at))
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// Answers when the database does: for `/healthz`.
    pub async fn ping(&self) -> Result<(), StoreError> {
        on_pool!(&self.pool, p => {
            sqlx::query("SELECT 1").execute(p).await?;
        });
        Ok(())
    }
}

/// A `rollups` row of either backend.
fn rollup_from_row<R>(r: &R) -> Result<Rollup, StoreError>
where
    R: Row,
    for<'c> &'c str: sqlx::ColumnIndex<R>,
    for<'q> String: sqlx::Decode<'q, R::Database> + sqlx::Type<R::Database>,
    for<'q> i64: sqlx::Decode<'q, R::Database> + sqlx::Type<R::Database>,
    for<'q> f64: sqlx::Decode<'q, R::Database> + sqlx::Type<R::Database>,
{
    Ok(Rollup {
        monitor: r.try_get("monitor")?,
        bucket: from_us(r.try_get("bucket_us")?),
        up: r.try_get("up")?,
        down: r.try_get("down")?,
        latency_count: r.try_get("latency_count")?,
        latency_sum: r.try_get("latency_sum")?,
        latency_max: r.try_get("latency_max")?,
    })
}

/// A `users` row of either backend.
fn user_from_row<R>(r: &R) -> Result<User, StoreError>
where
    R: Row,
    for<'c> &'c str: sqlx::ColumnIndex<R>,
    for<'q> String: sqlx::Decode<'q, R::Database> + sqlx::Type<R::Database>,
    for<'q> i64: sqlx::Decode<'q, R::Database> + sqlx::Type<R::Database>,
{
    Ok(User {
        name: r.try_get("name")?,
        role: r.try_get("role")?,
        password_hash: r.try_get("password_hash")?,
        created_at: from_us(r.try_get("created_us")?),
    })
}
