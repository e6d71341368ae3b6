use crate::mitigation::{self, MitigationStatus, Verification};
use crate::AssessError;
use chrono::{DateTime, Utc};
use rampart_config::Project;
use rampart_model::{Finding, Incident};
use rampart_risk::{MeasuredAvailability, Register};
use rampart_sla::clause::Clause;
use rampart_sla::report::{ReportInput, SlaReport};
use rampart_store::{ObservationFilter, Store};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// A check that ran, as the report shows it.
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    pub kind: String,
    pub target: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub summary: serde_json::Value,
}

/// A finding with where it came from and when it was first and last seen.
#[derive(Debug, Clone, Serialize)]
pub struct FindingRow {
    #[serde(flatten)]
    pub finding: Finding,
    pub source: String,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
}

/// The threat model in the report: state counts, every threat, and the drawing.
#[derive(Debug, Clone, Serialize)]
pub struct ThreatSummary {
    pub rules: String,
    pub by_state: BTreeMap<String, usize>,
    pub threats: Vec<rampart_threat::Threat>,
    pub unmatched_triage: Vec<String>,
    #[serde(skip)]
    pub svg: String,
}

/// Everything rampart knows about the project, from the store and the project's files.
#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    pub project: String,
    pub generated_at: DateTime<Utc>,
    pub runs: Vec<RunInfo>,
    pub sla: Option<SlaReport>,
    pub findings: Vec<FindingRow>,
    pub incidents: Vec<Incident>,
    pub threats: Option<ThreatSummary>,
    pub mitigations: Vec<MitigationStatus>,
    pub risks: Option<Register>,
}

impl Assessment {
    pub fn all_findings(&self) -> Vec<Finding> {
        self.findings.iter().map(|f| f.finding.clone()).collect()
    }

    pub fn contradicted(&self) -> impl Iterator<Item = &MitigationStatus> {
        self.mitigations
            .iter()
            .filter(|m| m.overall == Verification::Contradicted)
    }
}

/// Reads the evidence back from the store and the project's files into one assessment.
pub async fn gather(
    project: &Project,
    store: &Store,
    now: DateTime<Utc>,
) -> Result<Assessment, AssessError> {
    let pf = &project.file;
    let runs: Vec<RunInfo> = store
        .latest_runs()
        .await?
        .into_iter()
        .map(|r| RunInfo {
            kind: r.kind,
            target: r.target,
            started_at: r.started_at,
            finished_at: r.finished_at,
            summary: r.summary,
        })
        .collect();
    let findings: Vec<FindingRow> = store
        .findings(None)
        .await?
        .into_iter()
        .map(|f| FindingRow {
            finding: f.finding,
            source: f.source,
            first_seen: f.first_seen,
            last_seen: f.last_seen,
        })
        .collect();
    let incidents = store.incidents(None).await?;

    let observations = store.observations(&ObservationFilter::default()).await?;
    let sla = if observations.is_empty() {
        None
    } else {
        let clauses: Vec<Clause> = pf.sla.iter().filter_map(Clause::from_section).collect();
        let intervals: HashMap<String, f64> = pf
            .monitors
            .iter()
            .map(|m| (m.name.clone(), m.interval.std().as_secs_f64()))
            .collect();
        Some(rampart_sla::report::build(&ReportInput {
            observations: &observations,
            clauses: &clauses,
            window: None,
            intervals,
            by_agent: false,
            claimed_secs: None,
            generated_at: now,
            source: store.url().to_string(),
        }))
    };

    let threats = if pf.threats.is_some() {
        let t = rampart_threat::load_project(project)
            .map_err(|e| AssessError::Threats(e.to_string()))?;
        let mut by_state = BTreeMap::new();
        for th in &t.threats {
            *by_state.entry(th.state.to_string()).or_insert(0) += 1;
        }
        Some(ThreatSummary {
            rules: t.rules.clone(),
            by_state,
            svg: t.svg(),
            unmatched_triage: t
                .unmatched_triage
                .iter()
                .map(|e| format!("{} (line {})", e.id, e.line))
                .collect(),
            threats: t.threats,
        })
    } else {
        None
    };

    let ran: Vec<String> = runs.iter().map(|r| r.kind.clone()).collect();
    let current: Vec<Finding> = findings.iter().map(|f| f.finding.clone()).collect();
    let mitigations = threats
        .as_ref()
        .map(|t| {
            t.threats
                .iter()
                .filter(|th| th.state == rampart_threat::State::Mitigated && !th.checks.is_empty())
                .map(|th| {
                    let (overall, checks) = mitigation::verify(&th.checks, &ran, &current);
                    MitigationStatus {
                        threat: th.id.clone(),
                        title: th.title.clone(),
                        interaction: th.interaction.clone(),
                        justification: th.justification.clone(),
                        overall,
                        checks,
                    }
                })
                .collect()
        })
        .unwrap_or_default();

    let risks = if pf.risks.is_empty() {
        None
    } else {
        let mut measured = BTreeMap::new();
        if let Some(sla) = &sla {
            for m in &sla.monitors {
                let uptime = m
                    .uptime
                    .by_time_percent
                    .or(m.uptime.by_probes_percent)
                    .unwrap_or(0.0);
                measured.insert(
                    m.monitor.clone(),
                    MeasuredAvailability {
                        uptime_percent: uptime,
                        mttr_hours: m.reliability.mttr_secs.map(|s| s / 3600.0),
                        window: format!("{:.1} h", sla.window.hours),
                    },
                );
            }
        }
        Some(rampart_risk::evaluate(pf, &measured)?)
    };

    Ok(Assessment {
        project: pf.project.name.clone(),
        generated_at: now,
        runs,
        sla,
        findings,
        incidents,
        threats,
        mitigations,
        risks,
    })
}
