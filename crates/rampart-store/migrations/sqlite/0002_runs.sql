-- One row per check that ran (a port scan of a host, a web scan of a URL, a log analysis, ...):
-- what ran, on what, when, and its whole result as JSON. A mitigation is "verified" only by a
-- check that actually ran; a finding's absence proves nothing when nothing looked.
CREATE TABLE runs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT    NOT NULL,
    target        TEXT    NOT NULL,
    started_us    INTEGER NOT NULL,
    finished_us   INTEGER NOT NULL,
    summary       TEXT    NOT NULL
);
CREATE INDEX runs_by_kind ON runs (kind, target, started_us);
