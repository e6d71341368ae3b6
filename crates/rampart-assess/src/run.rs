use crate::AssessError;
use chrono::Utc;
use rampart_config::Project;
use rampart_net::{Net, Politeness, Scope};
use rampart_scan::{PortOptions, PortSpec, WebOptions};
use rampart_sla::monitor::{self, Live, MonitorSpec, RunOptions};
use rampart_store::{Run, Store};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How long and how hard an assessment may work.
#[derive(Debug, Clone)]
pub struct AssessOptions {
    /// How long the monitors run (the scans run meanwhile).
    pub duration: Duration,
    /// Ports to scan on each declared host (the expected ones are always added).
    pub ports: String,
    /// Probe parameters for XSS and SQL injection.
    pub active_web: bool,
    pub agent: String,
}

impl Default for AssessOptions {
    fn default() -> Self {
        AssessOptions {
            duration: Duration::from_secs(60),
            ports: "top:1000".into(),
            active_web: true,
            agent: "local".into(),
        }
    }
}

/// One step of an assessment, for progress reporting.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Started(String),
    Finished { step: String, findings: usize },
    Skipped { step: String, why: String },
}

/// What an assessment did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AssessSummary {
    pub probes: u64,
    pub findings: usize,
    pub runs: usize,
    pub skipped: Vec<String>,
}

/// Runs every check the project declares and records the evidence in `store`.
pub async fn assess(
    project: &Project,
    store: &Store,
    opts: &AssessOptions,
    progress: &(dyn Fn(Step) + Sync),
) -> Result<AssessSummary, AssessError> {
    let pf = &project.file;
    let scope = Scope::from_section(&pf.scope);
    // Monitors probe at their own cadence; scans are polite and bounded by a budget.
    let monitor_net = Net::new(scope.clone());
    let scan_net = Net::with_politeness(scope, Politeness::scan_defaults());
    let mut summary = AssessSummary::default();

    // Monitors run in the background for the whole duration while the scans run.
    let mut specs = Vec::new();
    for m in &pf.monitors {
        specs.push(
            MonitorSpec::from_section(m).map_err(|e| AssessError::Monitor {
                monitor: m.name.clone(),
                reason: e.to_string(),
            })?,
        );
    }
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut monitors = if specs.is_empty() {
        None
    } else {
        progress(Step::Started(format!(
            "monitoring {} endpoint(s) for {}s",
            specs.len(),
            opts.duration.as_secs()
        )));
        let run_opts = RunOptions {
            agent: opts.agent.clone(),
            duration: Some(opts.duration),
            ..RunOptions::default()
        };
        let started = Utc::now();
        let handle = tokio::spawn(monitor::run(
            monitor_net,
            specs,
            run_opts,
            Some(store.clone()),
            Arc::new(Live::default()),
            None,
            stop_rx,
        ));
        Some((handle, started))
    };

    for host in &pf.hosts {
        let step = format!("port scan of {}", host.address);
        progress(Step::Started(step.clone()));
        let started = Utc::now();
        let mut spec_text = opts.ports.clone();
        if !host.ports.is_empty() {
            let listed: Vec<String> = host.ports.iter().map(u16::to_string).collect();
            spec_text = format!("{spec_text},{}", listed.join(","));
        }
        let spec = match spec_text.parse::<PortSpec>() {
            Ok(s) => s,
            Err(e) => {
                summary.skipped.push(format!("{step}: {e}"));
                progress(Step::Skipped {
                    step,
                    why: e.to_string(),
                });
                continue;
            }
        };
        let mut po = PortOptions::new(spec);
        po.expected = Some(host.ports.clone());
        match rampart_scan::scan_ports(&scan_net, &host.address, &po).await {
            Ok(report) => {
                let n = report.findings.len();
                record(
                    store,
                    "ports",
                    &host.address,
                    started,
                    &report.findings,
                    serde_json::to_value(&report).unwrap_or_default(),
                )
                .await?;
                summary.findings += n;
                summary.runs += 1;
                progress(Step::Finished { step, findings: n });
            }
            Err(e) => {
                summary.skipped.push(format!("{step}: {e}"));
                progress(Step::Skipped {
                    step,
                    why: e.to_string(),
                });
            }
        }
    }

    for web in &pf.web {
        let step = format!("web scan of {}", web.url);
        progress(Step::Started(step.clone()));
        let started = Utc::now();
        let wo = WebOptions {
            active: opts.active_web,
            login_path: web.login_path.clone(),
            ..WebOptions::default()
        };
        match rampart_scan::scan_web(&scan_net, web.url.as_str(), &wo).await {
            Ok(report) => {
                let n = report.findings.len();
                record(
                    store,
                    "web",
                    web.url.as_str(),
                    started,
                    &report.findings,
                    serde_json::to_value(&report).unwrap_or_default(),
                )
                .await?;
                summary.findings += n;
                summary.runs += 1;
                progress(Step::Finished { step, findings: n });
            }
            Err(e) => {
                summary.skipped.push(format!("{step}: {e}"));
                progress(Step::Skipped {
                    step,
                    why: e.to_string(),
                });
            }
        }
    }

    // The monitors finish before the logs are read: when a log source is the service's own access
    // log, the analysis then sees the whole assessment's traffic.
    if let Some((handle, started)) = monitors.take() {
        let run = handle.await.unwrap_or_default();
        summary.probes = run.probes;
        let _ = stop_tx.send(true);
        store
            .insert_run(&Run {
                kind: "monitor".into(),
                target: project.path.display().to_string(),
                started_at: started,
                finished_at: Utc::now(),
                summary: serde_json::json!({ "probes": run.probes, "skipped": run.skipped, "written": run.written, "write_errors": run.write_errors }),
            })
            .await?;
        summary.runs += 1;
        progress(Step::Finished {
            step: "monitoring".into(),
            findings: 0,
        });
    }

    if !pf.logs.sources.is_empty() {
        let step = "log analysis".to_string();
        progress(Step::Started(step.clone()));
        let started = Utc::now();
        let paths: Vec<std::path::PathBuf> = pf
            .logs
            .sources
            .iter()
            .map(|s| project.resolve(&s.path))
            .collect();
        let section = pf.logs.clone();
        let analysis = tokio::task::spawn_blocking(move || rampart_logs::analyze(&paths, &section))
            .await
            .map_err(|e| AssessError::Logs(e.to_string()))?;
        match analysis {
            Ok(report) => {
                let findings = report.findings();
                store.insert_incidents(&report.model_incidents()).await?;
                let value = serde_json::json!({
                    "lines": report.lines(),
                    "incidents": report.incidents.len(),
                    "coverage": serde_json::to_value(&report.coverage).unwrap_or_default(),
                });
                record(store, "logs", "logs", started, &findings, value).await?;
                summary.findings += findings.len();
                summary.runs += 1;
                progress(Step::Finished {
                    step,
                    findings: findings.len(),
                });
            }
            Err(e) => {
                summary.skipped.push(format!("{step}: {e}"));
                progress(Step::Skipped {
                    step,
                    why: e.to_string(),
                });
            }
        }
    }

    if pf.threats.is_some() {
        let step = "threat model".to_string();
        progress(Step::Started(step.clone()));
        let started = Utc::now();
        let threats = rampart_threat::load_project(project)
            .map_err(|e| AssessError::Threats(e.to_string()))?;
        let findings = threats.findings();
        let value = serde_json::json!({ "threats": threats.threats.len(), "rules": threats.rules });
        record(
            store,
            "threats",
            &threats.model_path.display().to_string(),
            started,
            &findings,
            value,
        )
        .await?;
        summary.findings += findings.len();
        summary.runs += 1;
        progress(Step::Finished {
            step,
            findings: findings.len(),
        });
    }
    Ok(summary)
}

/// Stores one check's findings and its run.
async fn record(
    store: &Store,
    kind: &str,
    target: &str,
    started: chrono::DateTime<Utc>,
    findings: &[rampart_model::Finding],
    summary: serde_json::Value,
) -> Result<(), AssessError> {
    let now = Utc::now();
    store.upsert_findings(kind, findings, now).await?;
    store
        .insert_run(&Run {
            kind: kind.into(),
            target: target.into(),
            started_at: started,
            finished_at: now,
            summary,
        })
        .await?;
    Ok(())
}
