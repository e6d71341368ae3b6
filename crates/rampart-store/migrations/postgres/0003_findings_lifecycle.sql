-- Findings over time (issue 11). An assessment is one run of `rampart assess`; its coverage says,
-- per rule and target, whether the check ran completely, partly or not at all. A finding is only
-- marked fixed by an assessment whose coverage of its rule on its target is complete.
CREATE TABLE assessments (
    id             BIGSERIAL PRIMARY KEY,
    started_us     BIGINT  NOT NULL,
    finished_us    BIGINT,
    -- How it ran (passive, budget, time bound), as JSON.
    options        TEXT    NOT NULL,
    -- Findings still live (not fixed) when it finished, for the trend over runs.
    live_after     BIGINT
);

CREATE TABLE coverage (
    assessment_id  BIGINT  NOT NULL REFERENCES assessments (id),
    kind           TEXT    NOT NULL,
    rule           TEXT    NOT NULL,
    target         TEXT    NOT NULL,
    status         TEXT    NOT NULL CHECK (status IN ('complete', 'partial', 'not_run')),
    reason         TEXT    NOT NULL
);
CREATE INDEX coverage_by_assessment ON coverage (assessment_id);

-- The check runs of an assessment.
ALTER TABLE runs ADD COLUMN assessment_id BIGINT;

-- Lifecycle of each finding. Rows from before this migration are open findings.
ALTER TABLE findings ADD COLUMN checked_target TEXT NOT NULL DEFAULT '';
ALTER TABLE findings ADD COLUMN state TEXT NOT NULL DEFAULT 'open';
ALTER TABLE findings ADD COLUMN fixed_us BIGINT;
ALTER TABLE findings ADD COLUMN state_assessment BIGINT;
ALTER TABLE findings ADD COLUMN last_assessment BIGINT;
UPDATE findings SET checked_target = target;

-- Every state change, with the assessment that decided it: the history behind first_seen,
-- fixed_at and reopened.
CREATE TABLE finding_events (
    id             BIGSERIAL PRIMARY KEY,
    fingerprint    TEXT    NOT NULL,
    assessment_id  BIGINT,
    at_us          BIGINT  NOT NULL,
    state          TEXT    NOT NULL CHECK (state IN ('new', 'open', 'fixed', 'reopened'))
);
CREATE INDEX finding_events_by_fingerprint ON finding_events (fingerprint, at_us);
CREATE INDEX finding_events_by_assessment ON finding_events (assessment_id);

-- A person's decision about a finding (kept even while the finding is fixed: it comes back with it).
CREATE TABLE finding_triage (
    fingerprint    TEXT    PRIMARY KEY,
    status         TEXT    NOT NULL CHECK (status IN ('accepted', 'false_positive')),
    justification  TEXT    NOT NULL,
    decided_by     TEXT    NOT NULL,
    -- YYYY-MM-DD, the last day an acceptance holds; NULL for a false positive.
    until_date     TEXT,
    decided_us     BIGINT  NOT NULL
);
