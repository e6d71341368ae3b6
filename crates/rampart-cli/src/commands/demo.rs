//! `rampart demo`: start the weak demo service on 127.0.0.1, write a project file for it (scope,
//! monitors, SLA, expected ports, web target, its access log, a threat model with claimed
//! mitigations, a risk register), assess it with every pillar for about a minute, and write the
//! combined report.

use crate::exit::{CliResult, Outcome};
use crate::Global;
use anyhow::Context;
use rampart_assess::AssessOptions;
use rampart_demo::{Demo, DemoConfig};
use rampart_report::Format;
use rampart_store::Store;
use rampart_threat::{RuleSet, State, Triage};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Folder for the demo's project file, database, logs and report.
    #[arg(long, default_value = "rampart-demo")]
    pub dir: PathBuf,
    /// How long to monitor the demo service (the scans run meanwhile).
    #[arg(long, default_value = "60s", value_parser = crate::bounds::positive_duration)]
    pub duration: rampart_config::Duration,
    /// Bound on the whole assessment (default: --duration plus 2 minutes).
    #[arg(long, value_parser = crate::bounds::positive_duration)]
    pub timeout: Option<rampart_config::Duration>,
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
    for stale in [
        "access.log",
        "rampart.db",
        "rampart.db-wal",
        "rampart.db-shm",
    ] {
        let _ = std::fs::remove_file(dir.join(stale));
    }
    let demo = Demo::start(DemoConfig {
        access_log: Some(log_path.clone()),
        ..Default::default()
    })
    .await?;
    crate::errln!(
        "demo service: web on http://{} , admin console on http://{}",
        demo.web,
        demo.admin
    );

    let project_path = dir.join("rampart.toml");
    rampart_report::write_output(Some(&dir.join("dfd.toml")), rampart_demo::project::DFD)?;
    let (triage, sqli_threat) = demo_triage(&dir.join("dfd.toml"))?;
    rampart_report::write_output(Some(&dir.join("triage.toml")), &triage)?;
    rampart_report::write_output(
        Some(&project_path),
        &demo_project(&demo, &log_path, sqli_threat.as_deref()),
    )?;
    let project = rampart_config::load_file(&project_path).map_err(|e| anyhow::anyhow!("{e}"))?;
    let store = Store::open(&project.database_url()).await?;

    let opts = AssessOptions {
        duration: args.duration.std(),
        // The admin console listens on an ephemeral port: scan it too, as an attacker would.
        ports: format!("top:1000,{},{}", demo.web.port(), demo.admin.port()),
        timeout: args.timeout.map(|t| t.std()),
        ..AssessOptions::default()
    };
    let result = crate::commands::assess::run_with_progress(&project, &store, &opts).await;
    demo.stop().await;
    result?;

    let assessment = rampart_assess::gather(&project, &store, chrono::Utc::now()).await?;
    let policy = crate::commands::check::policy_results(&project, &assessment)?;
    let html = dir.join("report.html");
    for (format, file) in [
        (Format::Html, "report.html"),
        (Format::Md, "report.md"),
        (Format::Json, "report.json"),
        (Format::Sarif, "report.sarif"),
    ] {
        let text = crate::commands::report::render(format, &assessment, &policy)?;
        rampart_report::write_output(Some(&dir.join(file)), &text)?;
    }
    let failed = policy.iter().filter(|p| !p.passed).count();
    crate::outln!("report: {}", html.display())?;
    crate::outln!("        report.md, report.json and report.sarif beside it")?;
    crate::outln!(
        "found: {} findings, {} log incidents, {} claimed mitigations contradicted; policy {}",
        assessment.findings.len(),
        assessment.incidents.len(),
        assessment.contradicted().count(),
        if failed == 0 {
            "passed".to_string()
        } else {
            format!("failed {failed} rule(s)")
        }
    )?;
    crate::outln!(
        "project file: {} (try `rampart check -p {}`)",
        project_path.display(),
        project_path.display()
    )?;
    Ok(Outcome::Ok)
}

/// A triage as an optimistic team might write it: the threats the demo's weaknesses hit are
/// claimed mitigated, each naming the check that should back the claim. Also returns the id of
/// the SQL-injection threat, which the register's leak risk cites.
fn demo_triage(dfd_path: &Path) -> anyhow::Result<(String, Option<String>)> {
    let rules = RuleSet::builtin()?;
    let dfd = rampart_threat::load_dfd(dfd_path, rules.kb())?;
    let threats = rules.generate(&dfd)?;
    let sqli = ["T7", "T8"]
        .iter()
        .find_map(|rule| threats.iter().find(|t| t.rule == *rule))
        .map(|t| t.id.clone());
    let mut triage = Triage::from_threats(&threats);
    for e in &mut triage.entries {
        let (checks, why): (&[&str], &str) = match e.rule.as_str() {
            "T7" | "T8" => (&["RA-WEB-SQLI"], "All queries use prepared statements."),
            "T13.1" => (&["RA-WEB-XSS-REFLECTED"], "Templates escape every value."),
            "D3" => (&["RA-WEB-LOGIN-RATE-LIMIT"], "Login is rate limited."),
            "I6" => (&["RA-TLS-*"], "All traffic is served over TLS."),
            _ => (&[], ""),
        };
        if !checks.is_empty() {
            e.state = State::Mitigated;
            e.justification = why.into();
            e.checks = checks.iter().map(|c| c.to_string()).collect();
        } else if e.state == State::NotStarted {
            e.state = State::NeedsInvestigation;
        }
    }
    Ok((triage.to_toml(), sqli))
}

fn demo_project(demo: &Demo, log: &Path, sqli_threat: Option<&str>) -> String {
    rampart_demo::project::project_toml(
        &demo.base_url(),
        demo.web.port(),
        &log.display().to_string(),
        sqli_threat,
    )
}
