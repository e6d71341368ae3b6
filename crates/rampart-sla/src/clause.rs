//! SLA clauses as the math uses them: from the project file, or formed ad hoc from command-line
//! flags (`--latency-threshold 500ms`, `--uptime-target 99.5`).

use crate::math::calendar::Calendar;
use crate::math::latency::Reading;
use chrono::Duration;
use rampart_config::{
    LatencyMeasure, MaintenanceSection, MttrReading, SlaClauseSection, SlaPeriod,
};
use serde::Serialize;

/// Where a clause came from, shown in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ClauseSource {
    /// `[[sla]]` in the project file.
    Project,
    /// `--latency-threshold` / `--uptime-target` on the command line.
    Flag,
    /// No clause anywhere: the report applies the seed SLA's defaults (latency 500 ms with the
    /// reading unstated, uptime 99.5 % per calendar month), labelled as such.
    Default,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Obligation {
    Uptime {
        target_percent: f64,
        per: SlaPeriod,
    },
    Latency {
        threshold_ms: f64,
        /// `None`: the clause does not say; every reading is given and the clause is ambiguous.
        reading: Option<Reading>,
        measure: LatencyMeasure,
    },
    RespondWithin(Duration),
    RestoreWithin(Duration),
    Mttr {
        max: Duration,
        reading: Option<MttrReading>,
    },
}

impl Obligation {
    pub fn kind(&self) -> &'static str {
        match self {
            Obligation::Uptime { .. } => "uptime",
            Obligation::Latency { .. } => "latency",
            Obligation::RespondWithin(_) => "respond_within",
            Obligation::RestoreWithin(_) => "restore_within",
            Obligation::Mttr { .. } => "mttr",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    pub name: String,
    /// `None`: applies to every monitor in the data (ad-hoc clauses).
    pub monitor: Option<String>,
    pub source: ClauseSource,
    pub obligation: Obligation,
    pub calendar: Option<Calendar>,
    pub maintenance: Vec<MaintenanceSection>,
}

fn dur(d: rampart_config::Duration) -> Duration {
    Duration::from_std(d.std()).unwrap_or(Duration::MAX)
}

impl Clause {
    /// Converts a validated `[[sla]]` entry; `None` if it states no obligation.
    pub fn from_section(s: &SlaClauseSection) -> Option<Self> {
        let obligation = if let Some(t) = s.uptime_percent {
            Obligation::Uptime {
                target_percent: t,
                per: s.per.unwrap_or(SlaPeriod::Month),
            }
        } else if let Some(l) = s.latency {
            Obligation::Latency {
                threshold_ms: l.std().as_secs_f64() * 1000.0,
                reading: s.reading.as_deref().and_then(Reading::parse),
                measure: s.measure.unwrap_or_default(),
            }
        } else if let Some(d) = s.respond_within {
            Obligation::RespondWithin(dur(d))
        } else if let Some(d) = s.restore_within {
            Obligation::RestoreWithin(dur(d))
        } else if let Some(d) = s.mttr {
            Obligation::Mttr {
                max: dur(d),
                reading: s.mttr_reading,
            }
        } else {
            return None;
        };
        Some(Clause {
            name: s.name.clone(),
            monitor: Some(s.monitor.clone()),
            source: ClauseSource::Project,
            obligation,
            calendar: s.business_hours.as_ref().and_then(Calendar::from_section),
            maintenance: s.maintenance.clone(),
        })
    }

    /// `--latency-threshold`: a latency clause on every monitor, reading unstated unless given.
    pub fn ad_hoc_latency(threshold_ms: f64, reading: Option<Reading>) -> Self {
        Clause {
            name: format!("latency ≤ {threshold_ms} ms"),
            monitor: None,
            source: ClauseSource::Flag,
            obligation: Obligation::Latency {
                threshold_ms,
                reading,
                measure: LatencyMeasure::Total,
            },
            calendar: None,
            maintenance: Vec::new(),
        }
    }

    /// `--uptime-target`: an uptime clause per calendar month on every monitor.
    pub fn ad_hoc_uptime(target_percent: f64, per: SlaPeriod) -> Self {
        Clause {
            name: format!("uptime ≥ {target_percent} % per {}", period_name(per)),
            monitor: None,
            source: ClauseSource::Flag,
            obligation: Obligation::Uptime {
                target_percent,
                per,
            },
            calendar: None,
            maintenance: Vec::new(),
        }
    }

    /// The clauses used when neither the project file nor the command line states any.
    pub fn defaults() -> Vec<Clause> {
        let mut v = vec![
            Clause::ad_hoc_uptime(99.5, SlaPeriod::Month),
            Clause::ad_hoc_latency(500.0, None),
        ];
        for c in &mut v {
            c.source = ClauseSource::Default;
        }
        v
    }

    pub fn applies_to(&self, monitor: &str) -> bool {
        self.monitor.as_deref().is_none_or(|m| m == monitor)
    }
}

pub fn period_name(p: SlaPeriod) -> &'static str {
    match p {
        SlaPeriod::Month => "calendar month",
        SlaPeriod::Week => "week",
        SlaPeriod::Day => "day",
        SlaPeriod::Window => "report window",
    }
}
