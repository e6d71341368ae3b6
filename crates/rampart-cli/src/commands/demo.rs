//! `rampart demo`: start the weak demo service on 127.0.0.1, write a project file for it, run every
//! pillar against it for about a minute, and write a report.

use crate::exit::{CliResult, Outcome};
use crate::Global;
use anyhow::Context;
use chrono::Utc;
use indicatif::{ProgressBar, ProgressStyle};
use rampart_config::Project;
use rampart_demo::{Demo, DemoConfig};
use rampart_model::{Evidence, Finding, Observation, Outcome as ProbeOutcome, Severity};
use rampart_net::{HttpRequest, Net, Scope};
use rampart_store::{ObservationFilter, Store};
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Folder for the demo's project file, database, logs and report.
    #[arg(long, default_value = "rampart-demo")]
    pub dir: PathBuf,
    /// How long to monitor the demo service.
    #[arg(long, default_value = "60s", value_parser = parse_duration)]
    pub duration: rampart_config::Duration,
}

fn parse_duration(s: &str) -> Result<rampart_config::Duration, String> {
    rampart_config::Duration::parse(s)
}

pub fn run(_global: &Global, args: Args) -> CliResult {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(run_async(args))
}

async fn run_async(args: Args) -> CliResult {
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("cannot create {}", args.dir.display()))?;
    let dir = args.dir.canonicalize()?;
    let log_path = dir.join("access.log");
    let _ = std::fs::remove_file(&log_path);
    let demo = Demo::start(DemoConfig {
        access_log: Some(log_path.clone()),
        ..Default::default()
    })
    .await?;
    eprintln!(
        "demo service: web on http://{} , admin console on http://{}",
        demo.web, demo.admin
    );

    let project_path = dir.join("rampart.toml");
    std::fs::write(&project_path, demo_project(&demo, &log_path))?;
    let project = rampart_config::load_file(&project_path).map_err(|e| anyhow::anyhow!("{e}"))?;
    let db = dir.join("rampart.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let store = Store::open(&project.database_url()).await?;
    let net = Net::new(Scope::from_section(&project.file.scope));

    let started = Utc::now();
    let result = async {
        let probes = monitor(&project, &net, &store, args.duration.std()).await?;
        let findings = check_ports(&project, &net, &[demo.web.port(), demo.admin.port()]).await;
        store.upsert_findings("scan", &findings, Utc::now()).await?;
        anyhow::Ok(probes)
    }
    .await;
    demo.stop().await;
    let probes = result?;

    let observations = store.observations(&ObservationFilter::default()).await?;
    let findings: Vec<Finding> = store
        .findings(None)
        .await?
        .into_iter()
        .map(|f| f.finding)
        .collect();
    let report = DemoReport {
        project: &project,
        started,
        probes,
        observations: &observations,
        findings: &findings,
    };
    let html = dir.join("report.html");
    let md = dir.join("report.md");
    let json = dir.join("report.json");
    rampart_report::write_output(Some(&html), &report.html())?;
    rampart_report::write_output(Some(&md), &report.markdown())?;
    rampart_report::write_output(Some(&json), &serde_json::to_string_pretty(&report.json())?)?;
    println!("report: {}", html.display());
    println!("        {} and {}", md.display(), json.display());
    println!(
        "project file: {} (try `rampart validate {}`)",
        project_path.display(),
        project_path.display()
    );
    Ok(Outcome::Ok)
}

fn demo_project(demo: &Demo, log: &Path) -> String {
    let base = demo.base_url();
    format!(
        r#"# Written by `rampart demo` for the demo service it started on 127.0.0.1.
[project]
name = "minitwit-demo"

[scope]
hosts = ["127.0.0.1"]

[[monitors]]
name = "api-latest"
url = "{base}api/latest"
interval = "1s"
timeout = "900ms"
status = [200]
body_contains = "latest"

[[monitors]]
name = "public-timeline"
url = "{base}public"
interval = "1s"
timeout = "900ms"

[[sla]]
name = "uptime"
monitor = "api-latest"
uptime_percent = 99.5
latency = "500ms"

[[hosts]]
address = "127.0.0.1"
ports = [{web}]

[[web]]
url = "{base}"
login_path = "/login"

[logs]
sources = [{{ path = "{log}", format = "combined" }}]
"#,
        web = demo.web.port(),
        log = log.display(),
    )
}

/// Per-monitor counts from the probe loop.
struct ProbeSummary {
    sent: u64,
}

/// Probes every monitor at its interval for `duration`, writing each observation to the store.
async fn monitor(
    project: &Project,
    net: &Net,
    store: &Store,
    duration: Duration,
) -> anyhow::Result<ProbeSummary> {
    let bar = ProgressBar::new(duration.as_secs().max(1));
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} monitoring {elapsed_precise}/{len}s [{bar:30}] {msg}",
        )?
        .progress_chars("=> "),
    );
    let interval = project
        .file
        .monitors
        .iter()
        .map(|m| m.interval.std())
        .min()
        .unwrap_or(Duration::from_secs(1));
    let t0 = tokio::time::Instant::now();
    let start_wall = Utc::now();
    let mut sent = 0u64;
    let mut tick = 0u32;
    while t0.elapsed() < duration {
        // Absolute deadlines: the cadence never drifts by the probes' own duration.
        let scheduled = t0 + interval * tick;
        tokio::time::sleep_until(scheduled).await;
        let scheduled_at = start_wall + chrono::Duration::from_std(interval * tick)?;
        let mut batch = Vec::new();
        for m in &project.file.monitors {
            let Some(url) = &m.url else { continue };
            let started_at = Utc::now();
            let req = HttpRequest::get(url.clone()).timeout(m.timeout.std());
            let obs = match net.http(&req).await {
                Ok(r) => {
                    let ok_status = if m.status.is_empty() {
                        (200..300).contains(&r.status)
                    } else {
                        m.status.contains(&r.status)
                    };
                    let ok_body = m
                        .body_contains
                        .as_ref()
                        .is_none_or(|s| r.text().contains(s));
                    Observation {
                        monitor: m.name.clone(),
                        agent: "demo".into(),
                        target: url.to_string(),
                        scheduled_at,
                        started_at,
                        outcome: if ok_status && ok_body {
                            ProbeOutcome::Up
                        } else {
                            ProbeOutcome::Down
                        },
                        status: Some(r.status),
                        phases: r.phases,
                        error_class: (!(ok_status && ok_body))
                            .then_some(rampart_model::ErrorClass::Condition),
                        error: (!ok_status)
                            .then(|| format!("[STATUS] ({}) in {:?}", r.status, m.status)),
                    }
                }
                Err(e) => Observation {
                    monitor: m.name.clone(),
                    agent: "demo".into(),
                    target: url.to_string(),
                    scheduled_at,
                    started_at,
                    outcome: ProbeOutcome::Down,
                    status: None,
                    phases: Default::default(),
                    error_class: Some(e.class()),
                    error: Some(e.to_string()),
                },
            };
            batch.push(obs);
        }
        sent += batch.len() as u64;
        store.insert_observations(&batch).await?;
        tick += 1;
        bar.set_position(t0.elapsed().as_secs());
        bar.set_message(format!("{sent} probes"));
    }
    bar.finish_and_clear();
    Ok(ProbeSummary { sent })
}

/// Connects to the given ports of each declared host; an open port the project does not expect is
/// a finding.
async fn check_ports(project: &Project, net: &Net, candidates: &[u16]) -> Vec<Finding> {
    let mut out = Vec::new();
    for host in &project.file.hosts {
        for &port in candidates {
            let Ok(ip) = host.address.parse::<std::net::IpAddr>() else {
                continue;
            };
            let addr = std::net::SocketAddr::new(ip, port);
            if net.connect_addr(addr, Duration::from_secs(1)).await.is_ok()
                && !host.ports.contains(&port)
            {
                out.push(
                    Finding::new("RA-PORT-UNEXPECTED", Severity::Medium, format!("Unexpected open port {port}"), addr.to_string(), &port.to_string())
                        .with_evidence(Evidence::note(format!("TCP connect to {addr} succeeded; the project expects only {:?}", host.ports)))
                        .with_remediation("Close the port, or bind the service to localhost, or declare it in [[hosts]] if it is meant to be open.")
                        .observed(Utc::now()),
                );
            }
        }
    }
    out
}

struct DemoReport<'a> {
    project: &'a Project,
    started: chrono::DateTime<Utc>,
    probes: ProbeSummary,
    observations: &'a [Observation],
    findings: &'a [Finding],
}

struct MonitorStats {
    name: String,
    probes: usize,
    up: usize,
    p50: f64,
    p99: f64,
    max: f64,
}

impl DemoReport<'_> {
    fn stats(&self) -> Vec<MonitorStats> {
        self.project
            .file
            .monitors
            .iter()
            .map(|m| {
                let obs: Vec<&Observation> = self
                    .observations
                    .iter()
                    .filter(|o| o.monitor == m.name)
                    .collect();
                let mut lat: Vec<f64> = obs.iter().filter_map(|o| o.latency_ms()).collect();
                lat.sort_by(f64::total_cmp);
                let pct = |p: f64| {
                    if lat.is_empty() {
                        0.0
                    } else {
                        lat[((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len()) - 1]
                    }
                };
                MonitorStats {
                    name: m.name.clone(),
                    probes: obs.len(),
                    up: obs.iter().filter(|o| o.outcome == ProbeOutcome::Up).count(),
                    p50: pct(0.50),
                    p99: pct(0.99),
                    max: lat.last().copied().unwrap_or(0.0),
                }
            })
            .collect()
    }

    fn rows(&self) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
        let monitors = self
            .stats()
            .iter()
            .map(|s| {
                vec![
                    s.name.clone(),
                    s.probes.to_string(),
                    format!(
                        "{:.2} %",
                        if s.probes == 0 {
                            0.0
                        } else {
                            100.0 * s.up as f64 / s.probes as f64
                        }
                    ),
                    format!("{:.2} ms", s.p50),
                    format!("{:.2} ms", s.p99),
                    format!("{:.2} ms", s.max),
                ]
            })
            .collect();
        let findings = self
            .findings
            .iter()
            .map(|f| {
                vec![
                    f.severity.to_string(),
                    f.rule.clone(),
                    f.title.clone(),
                    f.target.clone(),
                    f.remediation.clone(),
                ]
            })
            .collect();
        (monitors, findings)
    }

    fn subtitle(&self) -> String {
        format!(
            "rampart demo — {} — started {}",
            self.project.file.project.name,
            self.started.format("%Y-%m-%d %H:%M:%S UTC")
        )
    }

    fn html(&self) -> String {
        use rampart_report::html;
        let (monitors, findings) = self.rows();
        let body = format!(
            "<section><h2>Monitoring</h2><p>{} probes sent over the run, one fresh connection each.</p>{}</section>\
<section><h2>Findings</h2>{}</section>",
            self.probes.sent,
            html::table(&["monitor", "probes", "up", "p50", "p99", "max"], &monitors),
            html::table(&["severity", "rule", "title", "target", "fix"], &findings),
        );
        html::page("rampart assessment: minitwit-demo", &self.subtitle(), &body)
    }

    fn markdown(&self) -> String {
        use rampart_report::md;
        let (monitors, findings) = self.rows();
        format!(
            "# rampart assessment: minitwit-demo\n\n{}\n\n## Monitoring\n\n{} probes sent.\n\n{}\n## Findings\n\n{}",
            self.subtitle(),
            self.probes.sent,
            md::table(&["monitor", "probes", "up", "p50", "p99", "max"], &monitors),
            md::table(&["severity", "rule", "title", "target", "fix"], &findings),
        )
    }

    fn json(&self) -> serde_json::Value {
        let monitors: Vec<serde_json::Value> = self
            .stats()
            .iter()
            .map(|s| serde_json::json!({"monitor": s.name, "probes": s.probes, "up": s.up, "p50_ms": s.p50, "p99_ms": s.p99, "max_ms": s.max}))
            .collect();
        serde_json::json!({
            "project": self.project.file.project.name,
            "started_at": self.started,
            "probes_sent": self.probes.sent,
            "monitors": monitors,
            "findings": self.findings,
        })
    }
}
