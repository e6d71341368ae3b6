-- Times are microseconds since the Unix epoch (UTC): exact, sortable, the same in both backends.
CREATE TABLE observations (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    monitor       TEXT    NOT NULL,
    agent         TEXT    NOT NULL,
    target        TEXT    NOT NULL,
    scheduled_us  INTEGER NOT NULL,
    started_us    INTEGER NOT NULL,
    outcome       TEXT    NOT NULL CHECK (outcome IN ('up', 'down')),
    status        INTEGER,
    dns_ms        REAL,
    connect_ms    REAL,
    tls_ms        REAL,
    ttfb_ms       REAL,
    total_ms      REAL,
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
    first_seen_us INTEGER NOT NULL,
    last_seen_us  INTEGER NOT NULL
);

CREATE TABLE incidents (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT    NOT NULL,
    target        TEXT    NOT NULL,
    started_us    INTEGER NOT NULL,
    ended_us      INTEGER,
    summary       TEXT    NOT NULL,
    details       TEXT    NOT NULL
);
CREATE INDEX incidents_by_start ON incidents (started_us);
