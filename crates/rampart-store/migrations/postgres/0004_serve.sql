-- `rampart serve`: rollups for the status page, accounts, sessions, the audit log, threat triage
-- edited in the dashboard, and the schedule's memory. Times are microseconds since the epoch (UTC).

-- Observations summed per monitor and bucket (grain minute, hour or day), kept up to date by an
-- incremental job that reads only observations newer than `rollup_progress.last_id`; pages read
-- these, never the raw observations.
CREATE TABLE rollups (
    grain         TEXT    NOT NULL CHECK (grain IN ('minute', 'hour', 'day')),
    monitor       TEXT    NOT NULL,
    bucket_us     BIGINT  NOT NULL,
    up            BIGINT  NOT NULL,
    down          BIGINT  NOT NULL,
    latency_count BIGINT  NOT NULL,
    latency_sum   DOUBLE PRECISION NOT NULL,
    latency_max   DOUBLE PRECISION NOT NULL,
    -- Time first: pages read one span of every monitor at once.
    PRIMARY KEY (grain, bucket_us, monitor)
);
CREATE INDEX rollups_by_monitor ON rollups (grain, monitor, bucket_us);
CREATE TABLE rollup_progress (
    name          TEXT    PRIMARY KEY,
    last_id       BIGINT  NOT NULL
);
-- The latest outcome of each monitor and since when it holds.
CREATE TABLE monitor_state (
    monitor       TEXT    PRIMARY KEY,
    outcome       TEXT    NOT NULL CHECK (outcome IN ('up', 'down')),
    since_us      BIGINT  NOT NULL,
    last_us       BIGINT  NOT NULL,
    latency_ms    DOUBLE PRECISION
);
-- Outages: from the first failed probe to the first good one (open while `ended_us` is NULL).
CREATE TABLE outages (
    id            BIGSERIAL PRIMARY KEY,
    monitor       TEXT    NOT NULL,
    started_us    BIGINT  NOT NULL,
    ended_us      BIGINT
);
CREATE INDEX outages_by_monitor ON outages (monitor, started_us);

CREATE TABLE users (
    name          TEXT    PRIMARY KEY,
    role          TEXT    NOT NULL CHECK (role IN ('viewer', 'triager', 'admin')),
    password_hash TEXT    NOT NULL,
    created_us    BIGINT  NOT NULL
);
-- Only a hash of the session token is kept: a copy of the database opens no session.
CREATE TABLE sessions (
    token_hash    TEXT    PRIMARY KEY,
    username      TEXT    NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    csrf          TEXT    NOT NULL,
    client        TEXT    NOT NULL,
    created_us    BIGINT  NOT NULL,
    expires_us    BIGINT  NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (username);

-- Who did what. Append-only: rampart has no API to change it, and the triggers refuse it.
CREATE TABLE audit_log (
    id            BIGSERIAL PRIMARY KEY,
    at_us         BIGINT  NOT NULL,
    actor         TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    object        TEXT    NOT NULL,
    before        TEXT,
    after         TEXT,
    client        TEXT
);
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'the audit log is append-only'; END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- Threat triage edited in the dashboard, on top of triage.toml until exported back to it.
CREATE TABLE threat_triage (
    id            TEXT    PRIMARY KEY,
    state         TEXT    NOT NULL,
    justification TEXT    NOT NULL,
    updated_by    TEXT    NOT NULL,
    updated_us    BIGINT  NOT NULL
);

-- When each scheduled job last ran, so a restart resumes the schedule instead of repeating it.
CREATE TABLE schedule_state (
    name          TEXT    PRIMARY KEY,
    last_us       BIGINT  NOT NULL
);
