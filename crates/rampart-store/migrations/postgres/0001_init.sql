-- Times are microseconds since the Unix epoch (UTC): exact, sortable, the same in both backends.
CREATE TABLE observations (
    id            BIGSERIAL PRIMARY KEY,
    monitor       TEXT    NOT NULL,
    agent         TEXT    NOT NULL,
    target        TEXT    NOT NULL,
    scheduled_us  BIGINT  NOT NULL,
    started_us    BIGINT  NOT NULL,
    outcome       TEXT    NOT NULL CHECK (outcome IN ('up', 'down')),
    status        INTEGER,
    dns_ms        DOUBLE PRECISION,
    connect_ms    DOUBLE PRECISION,
    tls_ms        DOUBLE PRECISION,
    ttfb_ms       DOUBLE PRECISION,
    total_ms      DOUBLE PRECISION,
    error_class   TEXT,
    error         TEXT
);
CREATE INDEX observations_by_monitor ON observations (monitor, scheduled_us);

CREATE TABLE findings (
    fingerprint   TEXT    PRIMARY KEY,
    source        TEXT    NOT NULL,
    rule          TEXT    NOT NULL,
    severity      TEXT    NOT NULL,
    title         TEXT    NOT NULL,
    target        TEXT    NOT NULL,
    evidence      TEXT    NOT NULL,
    remediation   TEXT    NOT NULL,
    first_seen_us BIGINT  NOT NULL,
    last_seen_us  BIGINT  NOT NULL
);

CREATE TABLE incidents (
    id            BIGSERIAL PRIMARY KEY,
    kind          TEXT    NOT NULL,
    target        TEXT    NOT NULL,
    started_us    BIGINT  NOT NULL,
    ended_us      BIGINT,
    summary       TEXT    NOT NULL,
    details       TEXT    NOT NULL
);
CREATE INDEX incidents_by_start ON incidents (started_us);
