-- `rampart serve`: rollups for the status page, accounts, sessions, the audit log, threat triage
-- edited in the dashboard, and the schedule's memory. Times are microseconds since the epoch (UTC).

-- Observations summed per monitor and bucket (grain minute, hour or day), kept up to date by an
-- incremental job that reads only observations newer than `rollup_progress.last_id`; pages read
-- these, never the raw observations.
CREATE TABLE rollups (
    grain         TEXT    NOT NULL CHECK (grain IN ('minute', 'hour', 'day')),
    monitor       TEXT    NOT NULL,
    bucket_us     INTEGER NOT NULL,
    up            INTEGER NOT NULL,
    down          INTEGER NOT NULL,
    latency_count INTEGER NOT NULL,
    latency_sum   REAL    NOT NULL,
    latency_max   REAL    NOT NULL,
    -- Time first: pages read one span of every monitor at once.
    PRIMARY KEY (grain, bucket_us, monitor)
) WITHOUT ROWID; -- clustered on the key: a span of buckets is one contiguous read
CREATE INDEX rollups_by_monitor ON rollups (grain, monitor, bucket_us);
CREATE TABLE rollup_progress (
    name          TEXT    PRIMARY KEY,
    last_id       INTEGER NOT NULL
);
-- The latest outcome of each monitor and since when it holds.
CREATE TABLE monitor_state (
    monitor       TEXT    PRIMARY KEY,
    outcome       TEXT    NOT NULL CHECK (outcome IN ('up', 'down')),
    since_us      INTEGER NOT NULL,
    last_us       INTEGER NOT NULL,
    latency_ms    REAL
);
-- Outages: from the first failed probe to the first good one (open while `ended_us` is NULL).
CREATE TABLE outages (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    monitor       TEXT    NOT NULL,
    started_us    INTEGER NOT NULL,
    ended_us      INTEGER
);
CREATE INDEX outages_by_monitor ON outages (monitor, started_us);

CREATE TABLE users (
    name          TEXT    PRIMARY KEY,
    role          TEXT    NOT NULL CHECK (role IN ('viewer', 'triager', 'admin')),
    password_hash TEXT    NOT NULL,
    created_us    INTEGER NOT NULL
);
-- Only a hash of the session token is kept: a copy of the database opens no session.
CREATE TABLE sessions (
    token_hash    TEXT    PRIMARY KEY,
    username      TEXT    NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    csrf          TEXT    NOT NULL,
    client        TEXT    NOT NULL,
    created_us    INTEGER NOT NULL,
    expires_us    INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (username);

-- Who did what. Append-only: rampart has no API to change it, and the triggers refuse it.
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    at_us         INTEGER NOT NULL,
    actor         TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    object        TEXT    NOT NULL,
    before        TEXT,
    after         TEXT,
    client        TEXT
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- Threat triage edited in the dashboard, on top of triage.toml until exported back to it.
CREATE TABLE threat_triage (
    id            TEXT    PRIMARY KEY,
    state         TEXT    NOT NULL,
    justification TEXT    NOT NULL,
    updated_by    TEXT    NOT NULL,
    updated_us    INTEGER NOT NULL
);

-- When each scheduled job last ran, so a restart resumes the schedule instead of repeating it.
CREATE TABLE schedule_state (
    name          TEXT    PRIMARY KEY,
    last_us       INTEGER NOT NULL
);
