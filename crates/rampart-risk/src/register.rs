use crate::derive::{availability_likelihood, AvailabilityEvent, Derivation};
use crate::matrix::{MatrixError, RiskMatrix};
use rampart_config::{LikelihoodSection, ProjectFile, RiskSection};
use serde::Serialize;
use std::collections::BTreeMap;

/// Availability a monitor measured, for likelihoods that say `measured_by = "monitor"`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasuredAvailability {
    pub uptime_percent: f64,
    /// Mean time to restore over the measured incidents; `None` when there were none.
    pub mttr_hours: Option<f64>,
    pub window: String,
}

/// A likelihood as evaluated: the number, its horizon, its band and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Likelihood {
    pub percent: f64,
    pub horizon: String,
    pub band: String,
    pub rationale: Option<String>,
    pub derivation: Option<Derivation>,
}

/// One risk of the register, evaluated against the matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssessedRisk {
    pub id: String,
    pub asset: String,
    pub asset_name: String,
    pub title: String,
    pub threat: Option<String>,
    pub vulnerability: Option<String>,
    pub likelihood: Likelihood,
    pub severity: String,
    pub severity_rationale: Option<String>,
    /// Derived from the matrix, never typed.
    pub level: String,
    /// The same risk read for another event or horizon (availability risks), with its level.
    pub alternative: Option<(Likelihood, String)>,
    pub residual: Option<(Likelihood, String, String)>,
    pub owner: Option<String>,
    pub treatment: Option<String>,
    pub actions: Vec<String>,
    pub controls: Vec<String>,
    pub evidence_findings: Vec<String>,
    pub evidence_threats: Vec<String>,
    pub evidence_monitors: Vec<String>,
    pub accepted_by: Option<String>,
    pub last_reviewed: Option<String>,
}

/// The evaluated register and the matrix it was evaluated with.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Register {
    pub matrix: RiskMatrix,
    pub risks: Vec<AssessedRisk>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RegisterError {
    #[error("risks[{index}] (\"{id}\"): {source}")]
    Matrix {
        index: usize,
        id: String,
        #[source]
        source: MatrixError,
    },
    #[error("risks[{index}] (\"{id}\"): likelihood.measured_by = \"{monitor}\", but the store has no observations of that monitor (run `rampart monitor` or `rampart sla import` first)")]
    NotMeasured {
        index: usize,
        id: String,
        monitor: String,
    },
    #[error("risks[{index}] (\"{id}\"): horizon \"{horizon}\" is not a duration; expected e.g. \"1 month\", \"30 days\", \"1 year\"")]
    Horizon {
        index: usize,
        id: String,
        horizon: String,
    },
}

/// Hours in a horizon such as `1 month` (a month is taken as 30 days, a year as 365 days).
fn horizon_hours(h: &str) -> Option<f64> {
    let h = h.trim().to_ascii_lowercase();
    let (num, unit) = h.split_at(
        h.find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(h.len()),
    );
    let n: f64 = if num.is_empty() {
        1.0
    } else {
        num.parse().ok()?
    };
    let unit = unit.trim().trim_end_matches('s');
    let per = match unit {
        "hour" | "h" => 1.0,
        "day" | "d" => 24.0,
        "week" | "w" => 168.0,
        "month" => 720.0,
        "year" | "y" => 8760.0,
        "moment" | "any moment" => 0.0,
        _ => return None,
    };
    Some(n * per)
}

/// Evaluates every risk of the project file against its matrix.
pub fn evaluate(
    pf: &ProjectFile,
    measured: &BTreeMap<String, MeasuredAvailability>,
) -> Result<Register, RegisterError> {
    let matrix = RiskMatrix::from_section(pf.risk_matrix.as_ref());
    let mut risks = Vec::new();
    for (index, r) in pf.risks.iter().enumerate() {
        risks.push(assess(&matrix, pf, index, r, measured)?);
    }
    Ok(Register { matrix, risks })
}

fn assess(
    matrix: &RiskMatrix,
    pf: &ProjectFile,
    index: usize,
    r: &RiskSection,
    measured: &BTreeMap<String, MeasuredAvailability>,
) -> Result<AssessedRisk, RegisterError> {
    let merr = |source| RegisterError::Matrix {
        index,
        id: r.id.clone(),
        source,
    };
    let (stated, alternative) = read_likelihood(matrix, index, r, &r.likelihood, measured)?;
    let level = matrix.level(stated.percent, &r.severity).map_err(merr)?;
    let alternative = match alternative {
        Some(alt) => {
            let lvl = matrix.level(alt.percent, &r.severity).map_err(merr)?;
            Some((alt, lvl))
        }
        None => None,
    };
    let residual = match &r.residual_likelihood {
        Some(l) => {
            let (lk, _) = read_likelihood(matrix, index, r, l, measured)?;
            let sev = r
                .residual_severity
                .clone()
                .unwrap_or_else(|| r.severity.clone());
            let lvl = matrix.level(lk.percent, &sev).map_err(merr)?;
            Some((lk, sev, lvl))
        }
        None => None,
    };
    let asset_name = pf
        .assets
        .iter()
        .find(|a| a.id == r.asset)
        .map(|a| a.name.clone())
        .unwrap_or_else(|| r.asset.clone());
    Ok(AssessedRisk {
        id: r.id.clone(),
        asset: r.asset.clone(),
        asset_name,
        title: r.title.clone(),
        threat: r.threat.clone(),
        vulnerability: r.vulnerability.clone(),
        likelihood: stated,
        severity: matrix.severities[matrix.severity_index(&r.severity).map_err(merr)?].clone(),
        severity_rationale: r.severity_rationale.clone(),
        level,
        alternative,
        residual,
        owner: r.owner.clone(),
        treatment: r.treatment.clone(),
        actions: r.actions.clone(),
        controls: r.controls.clone(),
        evidence_findings: r.findings.clone(),
        evidence_threats: r.threats.clone(),
        evidence_monitors: r.monitors.clone(),
        accepted_by: r.accepted_by.clone(),
        last_reviewed: r.last_reviewed.clone(),
    })
}

/// The likelihood a section states or derives, and — for availability — the other reading.
fn read_likelihood(
    matrix: &RiskMatrix,
    index: usize,
    r: &RiskSection,
    l: &LikelihoodSection,
    measured: &BTreeMap<String, MeasuredAvailability>,
) -> Result<(Likelihood, Option<Likelihood>), RegisterError> {
    let horizon = l.horizon.clone().unwrap_or_else(|| "unstated".into());
    let band = |p: f64| matrix.band_index(p).map(|i| matrix.bands[i].label.clone());
    let merr = |source| RegisterError::Matrix {
        index,
        id: r.id.clone(),
        source,
    };
    if let Some(p) = l.percent {
        let lk = Likelihood {
            percent: p,
            horizon,
            band: band(p).map_err(merr)?,
            rationale: l.rationale.clone(),
            derivation: None,
        };
        return Ok((lk, None));
    }
    let (uptime, mttr_h, source) = match (&l.measured_by, l.uptime_percent) {
        (Some(monitor), _) => {
            let m = measured
                .get(monitor)
                .ok_or_else(|| RegisterError::NotMeasured {
                    index,
                    id: r.id.clone(),
                    monitor: monitor.clone(),
                })?;
            let mttr = m
                .mttr_hours
                .or(l.mttr.map(|d| d.std().as_secs_f64() / 3600.0))
                .unwrap_or(0.0);
            (
                m.uptime_percent,
                mttr,
                format!("measured by monitor \"{monitor}\" over {}", m.window),
            )
        }
        (None, Some(u)) => (
            u,
            l.mttr
                .map(|d| d.std().as_secs_f64() / 3600.0)
                .unwrap_or(0.0),
            "stated".to_string(),
        ),
        (None, None) => unreachable_likelihood(index, r)?,
    };
    let hours = horizon_hours(&horizon).ok_or_else(|| RegisterError::Horizon {
        index,
        id: r.id.clone(),
        horizon: horizon.clone(),
    })?;
    let event = l
        .event
        .as_deref()
        .and_then(AvailabilityEvent::parse)
        .unwrap_or(AvailabilityEvent::DownAtRandomMoment);
    let make = |event: AvailabilityEvent| -> Result<Likelihood, RegisterError> {
        let mut d = availability_likelihood(uptime, mttr_h, hours, event);
        d.steps.insert(0, format!("availability {source}: uptime {uptime} %, MTTR {mttr_h} h, horizon {horizon} ({hours} h)"));
        Ok(Likelihood {
            percent: d.percent,
            horizon: horizon.clone(),
            band: band(d.percent).map_err(merr)?,
            rationale: Some(
                format!(
                    "{} ({})",
                    l.rationale.clone().unwrap_or_default(),
                    event.describe()
                )
                .trim()
                .to_string(),
            ),
            derivation: Some(d),
        })
    };
    Ok((make(event)?, Some(make(event.other())?)))
}

/// The config loader rejects a likelihood with no value; this keeps the library safe on its own.
fn unreachable_likelihood(
    index: usize,
    r: &RiskSection,
) -> Result<(f64, f64, String), RegisterError> {
    Err(RegisterError::Matrix {
        index,
        id: r.id.clone(),
        source: MatrixError::OutOfRange(f64::NAN),
    })
}
