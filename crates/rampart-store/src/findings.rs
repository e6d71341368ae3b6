//! Findings over time: assessments and their coverage, each finding's lifecycle state, and
//! triage decisions. The rules themselves (when a finding is new, fixed, reopened) are in
//! `rampart_model::lifecycle`; this file only applies them to the tables of migration 0003.

use crate::convert::{from_us, to_us};
use crate::store::{on_pool, BeginWrite, Pool, Run, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use rampart_model::{
    proves_fixed, Coverage, CoverageStatus, Evidence, Finding, FindingState, FindingTriage,
    Fingerprint, Severity, TrackedFinding, TriageStatus,
};
use serde::Serialize;
use sqlx::Row;
use std::collections::BTreeMap;
use std::str::FromStr;

/// How many findings one assessment turned new, fixed and reopened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LifecycleChanges {
    pub new: usize,
    pub fixed: usize,
    pub reopened: usize,
}

/// One assessment (`rampart assess`), with what it covered and what it changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssessmentRun {
    pub id: i64,
    pub started_at: DateTime<Utc>,
    /// `None` while it runs, or when it was interrupted.
    pub finished_at: Option<DateTime<Utc>>,
    pub options: serde_json::Value,
    pub changes: LifecycleChanges,
    /// Findings still live (not fixed) when it finished.
    pub live_after: Option<usize>,
    pub coverage: Vec<Coverage>,
}

/// One change of a finding's state, and the assessment that decided it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingEvent {
    pub fingerprint: String,
    pub assessment: Option<i64>,
    pub at: DateTime<Utc>,
    pub state: FindingState,
}

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} \"{value}\""))
}

const FINDING_COLUMNS: &str = "f.fingerprint, f.source, f.rule, f.severity, f.title, f.target, f.evidence, \
    f.remediation, f.first_seen_us, f.last_seen_us, f.checked_target, f.state, f.fixed_us, f.state_assessment, \
    t.status AS t_status, t.justification AS t_justification, t.decided_by AS t_by, t.until_date AS t_until, \
    t.decided_us AS t_decided_us";

impl Store {
    /// Starts an assessment; its id ties the check runs, coverage and state changes together.
    pub async fn begin_assessment(
        &self,
        started_at: DateTime<Utc>,
        options: &serde_json::Value,
    ) -> Result<i64, StoreError> {
        on_pool!(&self.pool, p => {
            let row = sqlx::query("INSERT INTO assessments (started_us, options) VALUES ($1, $2) RETURNING id")
                .bind(to_us(started_at))
                .bind(options.to_string())
                .fetch_one(p)
                .await?;
            Ok(row.try_get::<i64, _>("id")?)
        })
    }

    /// Records a check run that belongs to an assessment.
    pub async fn insert_assessment_run(
        &self,
        assessment: i64,
        run: &Run,
    ) -> Result<(), StoreError> {
        on_pool!(&self.pool, p => {
            sqlx::query("INSERT INTO runs (kind, target, started_us, finished_us, summary, assessment_id) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(&run.kind)
                .bind(&run.target)
                .bind(to_us(run.started_at))
                .bind(to_us(run.finished_at))
                .bind(run.summary.to_string())
                .bind(assessment)
                .execute(p)
                .await?;
        });
        Ok(())
    }

    /// Records what an assessment covered (any number of times; entries add up).
    pub async fn record_coverage(
        &self,
        assessment: i64,
        coverage: &[Coverage],
    ) -> Result<(), StoreError> {
        on_pool!(&self.pool, p => {
            let mut tx = p.begin_write().await?;
            for c in coverage {
                sqlx::query("INSERT INTO coverage (assessment_id, kind, rule, target, status, reason) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(assessment)
                    .bind(&c.kind)
                    .bind(&c.rule)
                    .bind(&c.target)
                    .bind(c.status.as_str())
                    .bind(&c.reason)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Records findings from one pillar (`source`) outside an assessment (`rampart logs`): each
    /// is checked on its own target.
    pub async fn upsert_findings(
        &self,
        source: &str,
        findings: &[Finding],
        seen_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        for f in findings {
            self.record_seen(None, source, &f.target, std::slice::from_ref(f), seen_at)
                .await?;
        }
        Ok(())
    }

    /// Records the findings a check of `checked_target` saw: a new fingerprint is `new`, a fixed
    /// one `reopened`, a known one `open` (once per assessment); evidence and last-seen refreshed,
    /// first-seen never changes.
    pub async fn record_seen(
        &self,
        assessment: Option<i64>,
        source: &str,
        checked_target: &str,
        findings: &[Finding],
        seen_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let seen = to_us(seen_at);
        on_pool!(&self.pool, p => {
            let mut tx = p.begin_write().await?;
            for f in findings {
                let evidence = serde_json::to_string(&f.evidence).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                let before = sqlx::query("SELECT state, last_assessment FROM findings WHERE fingerprint = $1")
                    .bind(&f.fingerprint.0)
                    .fetch_optional(&mut *tx)
                    .await?;
                let (state, changed) = match &before {
                    None => (FindingState::New, true),
                    Some(row) => {
                        let text: String = row.try_get("state")?;
                        let prev = FindingState::parse(&text).ok_or_else(|| corrupt("finding state", &text))?;
                        let last: Option<i64> = row.try_get("last_assessment")?;
                        if assessment.is_some() && last == assessment {
                            // Seen twice in one assessment: decided already.
                            (prev, false)
                        } else {
                            let next = FindingState::after_seen(Some(prev));
                            (next, next != prev)
                        }
                    }
                };
                if before.is_none() {
                    sqlx::query(
                        "INSERT INTO findings (fingerprint, source, rule, severity, title, target, evidence, remediation, \
                         first_seen_us, last_seen_us, checked_target, state, state_assessment, last_assessment) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11, $12, $12)",
                    )
                    .bind(&f.fingerprint.0)
                    .bind(source)
                    .bind(&f.rule)
                    .bind(f.severity.as_str())
                    .bind(&f.title)
                    .bind(&f.target)
                    .bind(&evidence)
                    .bind(&f.remediation)
                    .bind(seen)
                    .bind(checked_target)
                    .bind(state.as_str())
                    .bind(assessment)
                    .execute(&mut *tx)
                    .await?;
                } else {
                    sqlx::query(
                        "UPDATE findings SET severity = $2, title = $3, evidence = $4, remediation = $5, last_seen_us = $6, \
                         checked_target = $7, state = $8, last_assessment = $9, \
                         state_assessment = CASE WHEN $10 THEN $9 ELSE state_assessment END WHERE fingerprint = $1",
                    )
                    .bind(&f.fingerprint.0)
                    .bind(f.severity.as_str())
                    .bind(&f.title)
                    .bind(&evidence)
                    .bind(&f.remediation)
                    .bind(seen)
                    .bind(checked_target)
                    .bind(state.as_str())
                    .bind(assessment)
                    .bind(changed && state != FindingState::Open)
                    .execute(&mut *tx)
                    .await?;
                }
                if changed && state != FindingState::Open {
                    sqlx::query("INSERT INTO finding_events (fingerprint, assessment_id, at_us, state) VALUES ($1, $2, $3, $4)")
                        .bind(&f.fingerprint.0)
                        .bind(assessment)
                        .bind(seen)
                        .bind(state.as_str())
                        .execute(&mut *tx)
                        .await?;
                }
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Ends an assessment: every live finding it did not see is `fixed` when the assessment's
    /// coverage of its rule on its checked target is complete, and left as it was otherwise
    /// (`new` and `reopened` age to `open`: they describe the assessment that saw them).
    pub async fn finish_assessment(
        &self,
        assessment: i64,
        finished_at: DateTime<Utc>,
    ) -> Result<LifecycleChanges, StoreError> {
        let coverage = self.coverage_of(assessment).await?;
        let at = to_us(finished_at);
        on_pool!(&self.pool, p => {
            let mut tx = p.begin_write().await?;
            let rows = sqlx::query(
                "SELECT fingerprint, rule, checked_target, state FROM findings \
                 WHERE state <> 'fixed' AND (last_assessment IS NULL OR last_assessment <> $1)",
            )
            .bind(assessment)
            .fetch_all(&mut *tx)
            .await?;
            for r in &rows {
                let fp: String = r.try_get("fingerprint")?;
                let rule: String = r.try_get("rule")?;
                let checked: String = r.try_get("checked_target")?;
                let state: String = r.try_get("state")?;
                if proves_fixed(&coverage, &rule, &checked) {
                    sqlx::query("UPDATE findings SET state = 'fixed', fixed_us = $2, state_assessment = $3 WHERE fingerprint = $1")
                        .bind(&fp)
                        .bind(at)
                        .bind(assessment)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query("INSERT INTO finding_events (fingerprint, assessment_id, at_us, state) VALUES ($1, $2, $3, 'fixed')")
                        .bind(&fp)
                        .bind(assessment)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                } else if state != "open" {
                    sqlx::query("UPDATE findings SET state = 'open' WHERE fingerprint = $1")
                        .bind(&fp)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            let live: i64 = sqlx::query("SELECT COUNT(*) AS n FROM findings WHERE state <> 'fixed'")
                .fetch_one(&mut *tx)
                .await?
                .try_get("n")?;
            sqlx::query("UPDATE assessments SET finished_us = $2, live_after = $3 WHERE id = $1")
                .bind(assessment)
                .bind(at)
                .bind(live)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(self
            .changes_by_assessment()
            .await?
            .remove(&assessment)
            .unwrap_or_default())
    }

    /// What one assessment covered, in the order it was recorded.
    pub async fn coverage_of(&self, assessment: i64) -> Result<Vec<Coverage>, StoreError> {
        on_pool!(&self.pool, p => {
            let rows = sqlx::query("SELECT kind, rule, target, status, reason FROM coverage WHERE assessment_id = $1")
                .bind(assessment)
                .fetch_all(p)
                .await?;
            rows.iter()
                .map(|r| {
                    let status: String = r.try_get("status")?;
                    Ok(Coverage {
                        kind: r.try_get("kind")?,
                        rule: r.try_get("rule")?,
                        target: r.try_get("target")?,
                        status: CoverageStatus::parse(&status).ok_or_else(|| corrupt("coverage status", &status))?,
                        reason: r.try_get("reason")?,
                    })
                })
                .collect()
        })
    }

    async fn changes_by_assessment(&self) -> Result<BTreeMap<i64, LifecycleChanges>, StoreError> {
        on_pool!(&self.pool, p => {
            let rows = sqlx::query(
                "SELECT assessment_id, state, COUNT(*) AS n FROM finding_events WHERE assessment_id IS NOT NULL \
                 GROUP BY assessment_id, state",
            )
            .fetch_all(p)
            .await?;
            let mut out: BTreeMap<i64, LifecycleChanges> = BTreeMap::new();
            for r in &rows {
                let id: i64 = r.try_get("assessment_id")?;
                let state: String = r.try_get("state")?;
                let n: i64 = r.try_get("n")?;
                let c = out.entry(id).or_default();
                let n = usize::try_from(n).unwrap_or(0);
                match state.as_str() {
                    "new" => c.new += n,
                    "fixed" => c.fixed += n,
                    "reopened" => c.reopened += n,
                    _ => {}
                }
            }
            Ok(out)
        })
    }

    /// The last `limit` assessments, oldest first, each with its coverage and changes.
    pub async fn assessments(&self, limit: usize) -> Result<Vec<AssessmentRun>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut runs: Vec<AssessmentRun> = on_pool!(&self.pool, p => {
            let rows = sqlx::query(
                "SELECT id, started_us, finished_us, options, live_after FROM assessments ORDER BY id DESC LIMIT $1",
            )
            .bind(limit)
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    let options: String = r.try_get("options")?;
                    let finished: Option<i64> = r.try_get("finished_us")?;
                    let live: Option<i64> = r.try_get("live_after")?;
                    Ok(AssessmentRun {
                        id: r.try_get("id")?,
                        started_at: from_us(r.try_get("started_us")?),
                        finished_at: finished.map(from_us),
                        options: serde_json::from_str(&options).map_err(|e| StoreError::Corrupt(format!("assessment options: {e}")))?,
                        changes: LifecycleChanges::default(),
                        live_after: live.and_then(|n| usize::try_from(n).ok()),
                        coverage: Vec::new(),
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?
        });
        runs.reverse();
        let changes = self.changes_by_assessment().await?;
        for run in &mut runs {
            run.changes = changes.get(&run.id).copied().unwrap_or_default();
            run.coverage = self.coverage_of(run.id).await?;
        }
        Ok(runs)
    }

    /// Every finding recorded, optionally of one pillar, most severe first, with its state and
    /// triage.
    pub async fn tracked_findings(
        &self,
        source: Option<&str>,
    ) -> Result<Vec<TrackedFinding>, StoreError> {
        let sql = format!(
            "SELECT {FINDING_COLUMNS} FROM findings f LEFT JOIN finding_triage t ON t.fingerprint = f.fingerprint \
             WHERE ($1 IS NULL OR f.source = $1) ORDER BY f.rule, f.target, f.fingerprint"
        );
        let mut out = on_pool!(&self.pool, p => {
            let rows = sqlx::query(&sql).bind(source).fetch_all(p).await?;
            rows.iter().map(tracked_from_row).collect::<Result<Vec<_>, StoreError>>()?
        });
        out.sort_by_key(|f| std::cmp::Reverse(f.finding.severity));
        Ok(out)
    }

    /// One finding by fingerprint.
    pub async fn tracked_finding(
        &self,
        fingerprint: &str,
    ) -> Result<Option<TrackedFinding>, StoreError> {
        let sql = format!(
            "SELECT {FINDING_COLUMNS} FROM findings f LEFT JOIN finding_triage t ON t.fingerprint = f.fingerprint \
             WHERE f.fingerprint = $1"
        );
        on_pool!(&self.pool, p => {
            let row = sqlx::query(&sql).bind(fingerprint).fetch_optional(p).await?;
            row.as_ref().map(tracked_from_row).transpose()
        })
    }

    /// A finding's state changes, oldest first.
    pub async fn finding_events(&self, fingerprint: &str) -> Result<Vec<FindingEvent>, StoreError> {
        on_pool!(&self.pool, p => {
            let rows = sqlx::query(
                "SELECT fingerprint, assessment_id, at_us, state FROM finding_events WHERE fingerprint = $1 ORDER BY at_us, id",
            )
            .bind(fingerprint)
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    let state: String = r.try_get("state")?;
                    Ok(FindingEvent {
                        fingerprint: r.try_get("fingerprint")?,
                        assessment: r.try_get("assessment_id")?,
                        at: from_us(r.try_get("at_us")?),
                        state: FindingState::parse(&state).ok_or_else(|| corrupt("finding state", &state))?,
                    })
                })
                .collect()
        })
    }

    /// Records (or replaces) the triage decision about a finding.
    pub async fn set_finding_triage(&self, t: &FindingTriage) -> Result<(), StoreError> {
        on_pool!(&self.pool, p => {
            sqlx::query(
                "INSERT INTO finding_triage (fingerprint, status, justification, decided_by, until_date, decided_us) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (fingerprint) DO UPDATE SET status = excluded.status, \
                 justification = excluded.justification, decided_by = excluded.decided_by, \
                 until_date = excluded.until_date, decided_us = excluded.decided_us",
            )
            .bind(&t.fingerprint)
            .bind(t.status.as_str())
            .bind(&t.justification)
            .bind(&t.by)
            .bind(t.until.map(|d| d.format("%Y-%m-%d").to_string()))
            .bind(to_us(t.decided_at))
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// Withdraws the triage decision about a finding (it counts again); `false` when there was none.
    pub async fn clear_finding_triage(&self, fingerprint: &str) -> Result<bool, StoreError> {
        let removed = on_pool!(&self.pool, p => {
            sqlx::query("DELETE FROM finding_triage WHERE fingerprint = $1")
                .bind(fingerprint)
                .execute(p)
                .await?
                .rows_affected()
        });
        Ok(removed > 0)
    }

    /// Every triage decision, by fingerprint (including those about findings not stored here).
    pub async fn finding_triages(&self) -> Result<Vec<FindingTriage>, StoreError> {
        on_pool!(&self.pool, p => {
            let rows = sqlx::query(
                "SELECT fingerprint, status AS t_status, justification AS t_justification, decided_by AS t_by, \
                 until_date AS t_until, decided_us AS t_decided_us FROM finding_triage ORDER BY fingerprint",
            )
            .fetch_all(p)
            .await?;
            rows.iter()
                .filter_map(|r| triage_from_row(r).transpose())
                .collect()
        })
    }
}

/// The triage columns (`t_*`) of a row; `None` when the finding has no decision.
fn triage_from_row<R>(r: &R) -> Result<Option<FindingTriage>, StoreError>
where
    R: Row,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'a> Option<String>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<i64>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    let status: Option<String> = r.try_get("t_status")?;
    let Some(status) = status else {
        return Ok(None);
    };
    let until: Option<String> = r.try_get("t_until")?;
    let until = until
        .map(|u| NaiveDate::parse_from_str(&u, "%Y-%m-%d").map_err(|_| corrupt("triage date", &u)))
        .transpose()?;
    let decided: Option<i64> = r.try_get("t_decided_us")?;
    Ok(Some(FindingTriage {
        fingerprint: r.try_get("fingerprint")?,
        status: TriageStatus::parse(&status).ok_or_else(|| corrupt("triage status", &status))?,
        justification: r
            .try_get::<Option<String>, _>("t_justification")?
            .unwrap_or_default(),
        by: r.try_get::<Option<String>, _>("t_by")?.unwrap_or_default(),
        until,
        decided_at: from_us(decided.unwrap_or_default()),
    }))
}

fn tracked_from_row<R>(r: &R) -> Result<TrackedFinding, StoreError>
where
    R: Row,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'a> Option<String>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<i64>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    let severity: String = r.try_get("severity")?;
    let evidence: String = r.try_get("evidence")?;
    let state: String = r.try_get("state")?;
    let last_seen = from_us(r.try_get("last_seen_us")?);
    let fixed: Option<i64> = r.try_get("fixed_us")?;
    let state = FindingState::parse(&state).ok_or_else(|| corrupt("finding state", &state))?;
    Ok(TrackedFinding {
        finding: Finding {
            rule: r.try_get("rule")?,
            severity: Severity::from_str(&severity)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            title: r.try_get("title")?,
            target: r.try_get("target")?,
            evidence: serde_json::from_str::<Evidence>(&evidence)
                .map_err(|e| StoreError::Corrupt(format!("evidence: {e}")))?,
            remediation: r.try_get("remediation")?,
            fingerprint: Fingerprint(r.try_get("fingerprint")?),
            observed_at: Some(last_seen),
        },
        source: r.try_get("source")?,
        checked_target: r.try_get("checked_target")?,
        state,
        first_seen: from_us(r.try_get("first_seen_us")?),
        last_seen,
        // A finding fixed and then seen again keeps no fixed time: it is live.
        fixed_at: if state == FindingState::Fixed {
            fixed.map(from_us)
        } else {
            None
        },
        state_run: r.try_get("state_assessment")?,
        triage: triage_from_row(r)?,
    })
}
