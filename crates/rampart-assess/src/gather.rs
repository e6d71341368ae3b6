use crate::history::History;
use crate::mitigation::{self, MitigationStatus, Verification};
use crate::AssessError;
use chrono::{DateTime, Utc};
use rampart_config::Project;
use rampart_model::{Finding, Incident, TrackedFinding, TriageStatus};
use rampart_risk::{MeasuredAvailability, Register};
use rampart_sla::report::{ReportInput, SlaReport};
use rampart_store::{ObservationFilter, Store};
use serde::Serialize;
use std::collections::BTreeMap;

/// A check that ran, as the report shows it.
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    pub kind: String,
    pub target: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub summary: serde_json::Value,
}

/// The threat model in the report: state counts, every threat, and the drawing.
#[derive(Debug, Clone, Serialize)]
pub struct ThreatSummary {
    pub rules: String,
    pub by_state: BTreeMap<String, usize>,
    pub threats: Vec<rampart_threat::Threat>,
    pub unmatched_triage: Vec<String>,
    #[serde(skip)]
    pub svg: rampart_report::chart::Svg,
}

/// Everything rampart knows about the project, from the store and the project's files.
#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    pub project: String,
    pub generated_at: DateTime<Utc>,
    pub runs: Vec<RunInfo>,
    pub sla: Option<SlaReport>,
    /// The current findings — new, open or reopened, and not set aside by a triage decision in
    /// force: what the report lists and the gate counts.
    pub findings: Vec<TrackedFinding>,
    /// The assessments over time: what the latest covered, what it changed, the trend, and the
    /// findings fixed or set aside.
    pub history: History,
    pub incidents: Vec<Incident>,
    pub threats: Option<ThreatSummary>,
    pub mitigations: Vec<MitigationStatus>,
    pub risks: Option<Register>,
    /// Every threat a risk cites, resolved against the generated threats.
    pub cited_threats: Vec<CitedThreat>,
    /// Problems with what the project cites (a threat id no generated threat has, ...): shown in
    /// the report and by `rampart check`, never silently dropped.
    pub warnings: Vec<String>,
}

/// What a cited threat id resolved to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CitedStatus {
    /// A generated threat has this id.
    Found,
    /// No generated threat has this id (a typo, or the model changed).
    Unknown,
    /// The project has no `[threats]` section, so there is nothing to resolve against.
    NoModel,
}

/// A threat id cited as evidence by a risk (`[[risks]] threats = [...]`), resolved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CitedThreat {
    pub risk: String,
    pub threat: String,
    pub status: CitedStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interaction: Option<String>,
    /// The threat's triage state (`Mitigated`, `Not Started`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// When the threat is claimed mitigated with checks: what the checks say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mitigation: Option<Verification>,
}

/// Resolves every threat id the register cites against the generated threats.
pub fn resolve_cited_threats(
    risks: Option<&Register>,
    threats: Option<&[rampart_threat::Threat]>,
    mitigations: &[MitigationStatus],
) -> (Vec<CitedThreat>, Vec<String>) {
    let mut cited = Vec::new();
    let mut warnings = Vec::new();
    for r in risks.iter().flat_map(|reg| reg.risks.iter()) {
        for id in &r.evidence_threats {
            let found =
                threats.and_then(|t| t.iter().find(|th| th.id.eq_ignore_ascii_case(id.trim())));
            let status = match (threats, found) {
                (None, _) => CitedStatus::NoModel,
                (Some(_), None) => CitedStatus::Unknown,
                (Some(_), Some(_)) => CitedStatus::Found,
            };
            match status {
                CitedStatus::Unknown => warnings.push(format!(
                    "risk \"{}\" cites threat \"{id}\", but no generated threat has that id (`rampart threats report` lists the ids)",
                    r.id
                )),
                CitedStatus::NoModel => warnings.push(format!(
                    "risk \"{}\" cites threat \"{id}\", but the project has no [threats] section to resolve it against",
                    r.id
                )),
                CitedStatus::Found => {}
            }
            cited.push(CitedThreat {
                risk: r.id.clone(),
                threat: found.map(|t| t.id.clone()).unwrap_or_else(|| id.clone()),
                status,
                title: found.map(|t| t.title.clone()),
                interaction: found.map(|t| t.interaction.clone()),
                state: found.map(|t| t.state.to_string()),
                mitigation: found.and_then(|t| {
                    mitigations
                        .iter()
                        .find(|m| m.threat == t.id)
                        .map(|m| m.overall)
                }),
            });
        }
    }
    (cited, warnings)
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
    let tracked = store.tracked_findings(None).await?;
    let history = crate::history::read(store, &tracked, now).await?;
    let today = now.date_naive();
    let findings: Vec<TrackedFinding> = tracked
        .iter()
        .filter(|f| f.is_current(today))
        .cloned()
        .collect();
    let incidents = store.incidents(None).await?;
    let sla = sla_report(project, store, now).await?;

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
            svg: rampart_threat::render::svg::render(&t.dfd),
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

    // Claims are checked against live findings (an accepted risk is still not a mitigation) and
    // the latest assessment's coverage.
    let live: Vec<TrackedFinding> = tracked
        .iter()
        .filter(|f| f.state.is_live())
        .filter(|f| {
            !f.triage
                .as_ref()
                .is_some_and(|t| t.status == TriageStatus::FalsePositive)
        })
        .cloned()
        .collect();
    let coverage = history
        .latest
        .as_ref()
        .map(|l| l.coverage.clone())
        .unwrap_or_default();
    let evidence = mitigation::Evidence {
        coverage: &coverage,
        findings: &live,
    };
    let threats_section = pf.threats.clone().unwrap_or_default();
    let mitigations: Vec<MitigationStatus> = threats
        .as_ref()
        .map(|t| {
            t.threats
                .iter()
                .filter(|th| th.state == rampart_threat::State::Mitigated && !th.checks.is_empty())
                .map(|th| {
                    let mut targets = threats_section.targets_of(&th.source_id);
                    for t in threats_section.targets_of(&th.target_id) {
                        if !targets.contains(&t) {
                            targets.push(t);
                        }
                    }
                    let (overall, checks) = mitigation::verify(&th.checks, &targets, &evidence);
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
        let measured = sla.as_ref().map(measured_availability).unwrap_or_default();
        Some(rampart_risk::evaluate(pf, &measured)?)
    };
    let (cited_threats, warnings) = resolve_cited_threats(
        risks.as_ref(),
        threats.as_ref().map(|t| t.threats.as_slice()),
        &mitigations,
    );
    tracing::debug!(
        runs = runs.len(),
        findings = findings.len(),
        incidents = incidents.len(),
        threats = threats.as_ref().map_or(0, |t| t.threats.len()),
        mitigations = mitigations.len(),
        risks = risks.as_ref().map_or(0, |r| r.risks.len()),
        warnings = warnings.len(),
        "assess: evidence gathered"
    );

    Ok(Assessment {
        project: pf.project.name.clone(),
        generated_at: now,
        runs,
        sla,
        findings,
        history,
        incidents,
        threats,
        mitigations,
        risks,
        cited_threats,
        warnings,
    })
}

/// The SLA report over every stored observation, with the project's clauses; `None` when the
/// store holds no observations.
pub async fn sla_report(
    project: &Project,
    store: &Store,
    now: DateTime<Utc>,
) -> Result<Option<SlaReport>, AssessError> {
    let pf = &project.file;
    let observations = store.observations(&ObservationFilter::default()).await?;
    if observations.is_empty() {
        return Ok(None);
    }
    let clauses = rampart_sla::report::project::clauses(pf);
    Ok(Some(rampart_sla::report::build(&ReportInput {
        observations: &observations,
        clauses: &clauses,
        window: None,
        intervals: rampart_sla::report::project::intervals(pf),
        by_agent: false,
        claimed_secs: None,
        generated_at: now,
        source: store.url().to_string(),
    })))
}

/// What each monitor measured, for likelihoods that say `measured_by = "<monitor>"`.
pub fn measured_availability(sla: &SlaReport) -> BTreeMap<String, MeasuredAvailability> {
    sla.monitors
        .iter()
        .map(|m| {
            let uptime = m
                .uptime
                .by_time_percent
                .or(m.uptime.by_probes_percent)
                .unwrap_or(0.0);
            (
                m.monitor.clone(),
                MeasuredAvailability {
                    uptime_percent: uptime,
                    mttr_hours: m.reliability.mttr_secs.map(|s| s / 3600.0),
                    window: format!("{:.1} h", sla.window.hours),
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const DFD: &str = "[meta]\nname = \"t\"\n[[element]]\nid = \"app\"\nname = \"App\"\nkind = \"web-application\"\n[[element]]\nid = \"db\"\nname = \"DB\"\nkind = \"sql-database\"\n[[flow]]\nid = \"q\"\nname = \"Query\"\nsource = \"app\"\ntarget = \"db\"\n";

    fn register(cites: &[&str]) -> Register {
        let list: Vec<String> = cites.iter().map(|c| format!("\"{c}\"")).collect();
        let text = format!("[project]\nname = \"p\"\n[[assets]]\nid = \"a\"\nname = \"A\"\n[[risks]]\nid = \"r\"\nasset = \"a\"\ntitle = \"R\"\nlikelihood = {{ percent = 10, horizon = \"1 year\" }}\nseverity = \"Critical\"\nthreats = [{}]\n", list.join(", "));
        let file = rampart_config::load_str(&text, Path::new("p.toml")).unwrap();
        rampart_risk::evaluate(&file, &BTreeMap::new()).unwrap()
    }

    #[test]
    fn cited_threats_resolve_by_id_and_unknown_ids_are_kept_and_warned_about() {
        let rules = rampart_threat::RuleSet::builtin().unwrap();
        let dfd = rampart_threat::parse_dfd(DFD, Path::new("dfd.toml"), rules.kb()).unwrap();
        let threats = rules.generate(&dfd).unwrap();
        let t = &threats[0];
        let mitigation = MitigationStatus {
            threat: t.id.clone(),
            title: t.title.clone(),
            interaction: t.interaction.clone(),
            justification: String::new(),
            overall: Verification::Contradicted,
            checks: vec![],
        };
        let reg = register(&[&t.id.to_ascii_uppercase(), "feedfacecafe"]);
        let (cited, warnings) = resolve_cited_threats(
            Some(&reg),
            Some(threats.as_slice()),
            std::slice::from_ref(&mitigation),
        );
        assert_eq!(cited.len(), 2);
        assert_eq!(cited[0].status, CitedStatus::Found);
        assert_eq!(cited[0].threat, t.id, "matched without regard to case");
        assert_eq!(cited[0].state.as_deref(), Some(t.state.as_str()));
        assert_eq!(cited[0].title.as_deref(), Some(t.title.as_str()));
        assert_eq!(cited[0].mitigation, Some(Verification::Contradicted));
        assert_eq!(cited[1].status, CitedStatus::Unknown);
        assert_eq!(cited[1].threat, "feedfacecafe");
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("\"feedfacecafe\""), "{warnings:?}");

        // No threat model: nothing resolves, and that is said, not hidden.
        let (cited, warnings) = resolve_cited_threats(Some(&reg), None, &[]);
        assert!(cited.iter().all(|c| c.status == CitedStatus::NoModel));
        assert_eq!(warnings.len(), 2);
        assert!(warnings[0].contains("no [threats] section"));
    }
}
