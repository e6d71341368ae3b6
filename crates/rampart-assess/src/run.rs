use crate::steps::{self, Check, Done};
use crate::AssessError;
use chrono::Utc;
use rampart_config::Project;
use rampart_model::{Coverage, CoverageStatus};
use rampart_net::{Net, Politeness, Scope};
use rampart_store::{LifecycleChanges, Run, Store};
use std::future::Future;
use std::time::Duration;
use tokio::time::Instant;
use tracing::{info, warn};

/// How much longer than `duration` an assessment may take when no `timeout` is given: the time
/// the steps that run after the monitors (log analysis, the threat model) may use.
pub const DEFAULT_GRACE: Duration = Duration::from_secs(120);

/// How long and how hard an assessment may work.
#[derive(Debug, Clone)]
pub struct AssessOptions {
    /// How long the monitors run (the scans run meanwhile).
    pub duration: Duration,
    /// The bound on the whole assessment. A step still running when it is reached is stopped
    /// and reported as timed out; a step not started by then is reported as timed out too.
    /// `None`: `duration` + [`DEFAULT_GRACE`].
    pub timeout: Option<Duration>,
    /// Ports to scan on each declared host (the expected ones are always added).
    pub ports: String,
    /// Probe parameters for XSS and SQL injection.
    pub active_web: bool,
    pub agent: String,
    /// Requests the scans may send in all (`None`: the scan defaults). A scan that runs out is
    /// recorded as partial coverage, and proves nothing fixed.
    pub budget: Option<u64>,
}

impl Default for AssessOptions {
    fn default() -> Self {
        AssessOptions {
            duration: Duration::from_secs(60),
            timeout: None,
            ports: "top:1000".into(),
            active_web: true,
            agent: "local".into(),
            budget: None,
        }
    }
}

impl AssessOptions {
    /// The overall bound this assessment keeps to.
    pub fn bound(&self) -> Duration {
        self.timeout.unwrap_or(self.duration + DEFAULT_GRACE)
    }
}

/// One step of an assessment, for progress reporting.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Started(String),
    Finished {
        step: String,
        findings: usize,
    },
    Skipped {
        step: String,
        why: String,
    },
    /// The overall time bound was reached: the step was stopped (`started`), or never began.
    TimedOut {
        step: String,
        bound: Duration,
        started: bool,
    },
}

/// What an assessment did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AssessSummary {
    pub probes: u64,
    pub findings: usize,
    pub runs: usize,
    pub skipped: Vec<String>,
    /// Steps stopped at the time bound, or never started because it had been reached.
    pub timed_out: Vec<String>,
    /// The assessment's id in the store.
    pub assessment: i64,
    /// What it covered: per rule and target, complete, partial or not run.
    pub coverage: Vec<Coverage>,
    /// Findings it turned new, fixed and reopened.
    pub changes: LifecycleChanges,
}

/// Reports a step to the caller and to the log (`rampart -v assess`).
fn emit(progress: &(dyn Fn(Step) + Sync), step: Step) {
    match &step {
        Step::Started(s) => info!(step = %s, "assess: step started"),
        Step::Finished { step, findings } => {
            info!(step = %step, findings, "assess: step finished")
        }
        Step::Skipped { step, why } => info!(step = %step, why = %why, "assess: step skipped"),
        Step::TimedOut {
            step,
            bound,
            started,
        } => warn!(
            step = %step,
            bound_secs = bound.as_secs_f64(),
            started,
            "assess: step timed out"
        ),
    }
    progress(step);
}

/// The steps' shared state: the store, the progress callback, the deadline and the tally.
pub(crate) struct Runner<'a> {
    store: &'a Store,
    assessment: i64,
    progress: &'a (dyn Fn(Step) + Sync),
    deadline: Instant,
    bound: Duration,
    summary: AssessSummary,
}

impl Runner<'_> {
    fn started(&self, step: &str) {
        emit(self.progress, Step::Started(step.to_string()));
    }

    fn finished(&mut self, step: String, findings: usize) {
        self.summary.findings += findings;
        self.summary.runs += 1;
        emit(self.progress, Step::Finished { step, findings });
    }

    fn skipped(&mut self, step: String, why: String) {
        self.summary.skipped.push(format!("{step}: {why}"));
        emit(self.progress, Step::Skipped { step, why });
    }

    fn timed_out(&mut self, step: &str, started: bool) {
        let secs = self.bound.as_secs_f64();
        self.summary.timed_out.push(if started {
            format!("{step} (stopped at the {secs:.0}s time bound)")
        } else {
            format!("{step} (not started: the {secs:.0}s time bound was reached)")
        });
        emit(
            self.progress,
            Step::TimedOut {
                step: step.to_string(),
                bound: self.bound,
                started,
            },
        );
    }

    /// True (and the step reported as timed out) when the deadline has passed already.
    fn too_late(&mut self, step: &str) -> bool {
        if Instant::now() >= self.deadline {
            self.timed_out(step, false);
            true
        } else {
            false
        }
    }

    /// Runs `fut` until the deadline; `None` (and the step reported) when it is reached first.
    /// The future is dropped then, which stops its I/O.
    async fn bounded<T>(&mut self, step: &str, fut: impl Future<Output = T>) -> Option<T> {
        match tokio::time::timeout_at(self.deadline, fut).await {
            Ok(v) => Some(v),
            Err(_) => {
                self.timed_out(step, true);
                None
            }
        }
    }
}

impl Runner<'_> {
    /// The common shape of every step: start, bound, record, report coverage.
    ///
    /// Not started (the bound was reached): every rule `not_run`. Stopped at the bound: `partial`.
    /// Failed (target refused by the scope, not a URL, ...): `not_run`, the step reported skipped.
    /// Ran: its findings, run and coverage recorded (complete but for the gaps it reports).
    async fn run_check(
        &mut self,
        check: Check,
        fut: impl Future<Output = Result<Done, String>>,
    ) -> Result<Option<Done>, AssessError> {
        if self.too_late(&check.step) {
            let reason = format!(
                "not started: the {:.0}s time bound was reached",
                self.bound.as_secs_f64()
            );
            self.cover(check.coverage_all(CoverageStatus::NotRun, &reason))
                .await?;
            return Ok(None);
        }
        self.started(&check.step);
        let started = Utc::now();
        let Some(result) = self.bounded(&check.step, fut).await else {
            let reason = format!(
                "timed out at the {:.0}s time bound",
                self.bound.as_secs_f64()
            );
            self.cover(check.coverage_all(CoverageStatus::Partial, &reason))
                .await?;
            return Ok(None);
        };
        let done = match result {
            Ok(done) => done,
            Err(why) => {
                self.cover(check.coverage_all(CoverageStatus::NotRun, &why))
                    .await?;
                self.skipped(check.step, why);
                return Ok(None);
            }
        };
        let now = Utc::now();
        if !done.incidents.is_empty() {
            self.store.insert_incidents(&done.incidents).await?;
        }
        match &done.locations {
            None => {
                self.store
                    .record_seen(
                        Some(self.assessment),
                        check.kind,
                        &check.target,
                        &done.findings,
                        now,
                    )
                    .await?
            }
            Some(_) => {
                for f in &done.findings {
                    self.store
                        .record_seen(
                            Some(self.assessment),
                            check.kind,
                            &f.target,
                            std::slice::from_ref(f),
                            now,
                        )
                        .await?;
                }
            }
        }
        self.store
            .insert_assessment_run(
                self.assessment,
                &Run {
                    kind: check.kind.into(),
                    target: check.target.clone(),
                    started_at: started,
                    finished_at: now,
                    summary: done.summary.clone(),
                },
            )
            .await?;
        self.cover(check.coverage_done(&done.gaps)).await?;
        if let Some(owns) = &done.locations {
            let located = self.location_coverage(&check, &done.gaps, owns).await?;
            self.cover(located).await?;
        }
        self.finished(check.step, done.findings.len());
        Ok(Some(done))
    }

    /// Coverage of each location (of a live finding) a per-location check owns: as the check's
    /// where it looked, `not_run` where it did not.
    async fn location_coverage(
        &self,
        check: &Check,
        gaps: &[steps::Gap],
        owns: &steps::Locations,
    ) -> Result<Vec<Coverage>, AssessError> {
        let mut out = Vec::new();
        let mut done = std::collections::BTreeSet::new();
        for f in self.store.tracked_findings(Some(check.kind)).await? {
            if !f.state.is_live() || !done.insert(f.checked_target.clone()) {
                continue;
            }
            let Some(looked) = owns(&f.checked_target) else {
                continue;
            };
            let at = Check {
                target: f.checked_target.clone(),
                ..check.clone()
            };
            out.extend(if looked {
                at.coverage_done(gaps)
            } else {
                at.coverage_all(
                    CoverageStatus::NotRun,
                    "not looked at: outside this scan's set",
                )
            });
        }
        Ok(out)
    }

    async fn cover(&mut self, coverage: Vec<Coverage>) -> Result<(), AssessError> {
        self.store
            .record_coverage(self.assessment, &coverage)
            .await?;
        self.summary.coverage.extend(coverage);
        Ok(())
    }

    /// Stops the background monitors (at the end of their duration, or at the bound) and records
    /// their run: complete, or partial when the time bound cut them short.
    async fn stop_monitors(
        &mut self,
        project: &Project,
        m: steps::monitors::Running,
    ) -> Result<(), AssessError> {
        let (check, started) = (steps::monitors::check(project), m.started);
        let stopped = m.stop(self.deadline).await;
        if stopped.cut_short {
            self.timed_out(&check.step, true);
        }
        self.summary.probes = stopped.run.probes;
        let run = &stopped.run;
        self.store
            .insert_assessment_run(
                self.assessment,
                &Run {
                    kind: check.kind.into(),
                    target: check.target.clone(),
                    started_at: started,
                    finished_at: Utc::now(),
                    summary: serde_json::json!({ "probes": run.probes, "skipped": run.skipped, "written": run.written, "write_errors": run.write_errors }),
                },
            )
            .await?;
        let coverage = if stopped.cut_short {
            check.coverage_all(CoverageStatus::Partial, "stopped at the time bound")
        } else {
            check.coverage_all(CoverageStatus::Complete, "")
        };
        self.cover(coverage).await?;
        self.finished(check.step, 0);
        Ok(())
    }

    /// An SSH, TLS or SMTP check of one `host:port`.
    async fn service(
        &mut self,
        net: &Net,
        kind: &'static str,
        target: &str,
    ) -> Result<(), AssessError> {
        let check = steps::services::check(kind, target);
        self.run_check(
            check,
            steps::services::run(net.clone(), kind, target.to_string()),
        )
        .await?;
        Ok(())
    }
}

/// Runs every check the project declares and records the evidence in `store`, as one assessment:
/// its coverage, and the lifecycle of every finding (new, open, fixed, reopened).
///
/// The whole assessment keeps to [`AssessOptions::bound`]: a step still running when it is
/// reached is stopped and listed in [`AssessSummary::timed_out`], as is every step that had not
/// started. (Log analysis is synchronous work on its own thread; at the bound it is abandoned and
/// its result discarded — the thread ends with the process.)
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
    let mut politeness = Politeness::scan_defaults();
    if let Some(b) = opts.budget {
        politeness.budget = Some(b);
    }
    let scan_net = Net::with_politeness(scope, politeness);
    let bound = opts.bound();
    let started_at = Utc::now();
    let assessment = store
        .begin_assessment(
            started_at,
            &serde_json::json!({
                "active_web": opts.active_web,
                "budget": opts.budget,
                "duration_secs": opts.duration.as_secs_f64(),
                "bound_secs": bound.as_secs_f64(),
                "ports": opts.ports,
                "agent": opts.agent,
            }),
        )
        .await?;
    let mut r = Runner {
        store,
        assessment,
        progress,
        deadline: Instant::now() + bound,
        bound,
        summary: AssessSummary {
            assessment,
            ..AssessSummary::default()
        },
    };
    info!(
        project = %pf.project.name,
        assessment,
        monitors = pf.monitors.len(),
        hosts = pf.hosts.len(),
        web = pf.web.len(),
        log_sources = pf.logs.sources.len(),
        threats = pf.threats.is_some(),
        duration_secs = opts.duration.as_secs_f64(),
        bound_secs = bound.as_secs_f64(),
        "assess: starting"
    );

    // Monitors run in the background for the whole duration while the scans run.
    let monitors = steps::monitors::start(project, monitor_net, store, &opts.agent, opts.duration)?;
    if let Some(m) = &monitors {
        r.started(&m.check.step);
    }

    for host in &pf.hosts {
        let check = steps::ports::check(host);
        let run = steps::ports::run(scan_net.clone(), host.clone(), opts.ports.clone());
        if let Some(done) = r.run_check(check, run).await? {
            for (kind, target) in done.follow_ups {
                r.service(&scan_net, kind, &target).await?;
            }
        }
    }

    for web in &pf.web {
        if web.url.scheme() == "https" {
            let target = format!(
                "{}:{}",
                web.url.host_str().unwrap_or_default(),
                web.url.port_or_known_default().unwrap_or(443)
            );
            r.service(&scan_net, "tls", &target).await?;
        }
        let check = steps::web::check(web);
        let run = steps::web::run(scan_net.clone(), web.clone(), opts.active_web);
        r.run_check(check, run).await?;
    }

    // The monitors finish before the logs are read: when a log source is the service's own access
    // log, the analysis then sees the whole assessment's traffic.
    if let Some(m) = monitors {
        r.stop_monitors(project, m).await?;
    }

    if !pf.logs.sources.is_empty() {
        let check = steps::logs::check();
        let run = steps::logs::run(project);
        r.run_check(check, run).await?;
    }

    if pf.threats.is_some() {
        let (check, threats) = steps::threats::load(project)?;
        r.run_check(check, steps::threats::run(threats)).await?;
    }

    r.summary.changes = store.finish_assessment(assessment, Utc::now()).await?;
    let s = r.summary;
    info!(
        assessment,
        runs = s.runs,
        findings = s.findings,
        probes = s.probes,
        skipped = s.skipped.len(),
        timed_out = s.timed_out.len(),
        new = s.changes.new,
        fixed = s.changes.fixed,
        reopened = s.changes.reopened,
        "assess: finished"
    );
    Ok(s)
}
