//! `rampart assess`: run every check the project declares, bounded in time, and record the evidence.

use crate::exit::{CliResult, Outcome};
use crate::Global;
use rampart_assess::{AssessOptions, Step};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// How long the monitors run; the scans run meanwhile.
    #[arg(long, default_value = "60s", value_parser = rampart_config::Duration::parse)]
    pub duration: rampart_config::Duration,
    /// Ports to scan on each declared host (its expected ports are always added).
    #[arg(long, default_value = "top:1000")]
    pub ports: String,
    /// Skip the active web checks (XSS and SQL-injection probes, login burst).
    #[arg(long)]
    pub passive: bool,
    /// This agent's name in the observations.
    #[arg(long, default_value = "local")]
    pub agent: String,
}

pub fn run(global: &Global, args: Args) -> CliResult {
    let project = crate::project::load(global)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let store = crate::project::open_store(global, &project).await?;
        let opts = AssessOptions { duration: args.duration.std(), ports: args.ports, active_web: !args.passive, agent: args.agent };
        let summary = run_with_progress(&project, &store, &opts).await?;
        eprintln!(
            "assessed {}: {} checks ran, {} probes, {} findings{}; now `rampart report` or `rampart check`",
            project.file.project.name,
            summary.runs,
            summary.probes,
            summary.findings,
            if summary.skipped.is_empty() { String::new() } else { format!(", {} skipped", summary.skipped.len()) }
        );
        Ok(Outcome::Ok)
    })
}

/// Runs an assessment with a spinner that names the step in progress.
pub async fn run_with_progress(
    project: &rampart_config::Project,
    store: &rampart_store::Store,
    opts: &AssessOptions,
) -> anyhow::Result<rampart_assess::AssessSummary> {
    let bar = crate::progress::spinner("starting");
    // Without a terminal the spinner is hidden; the steps still go to stderr, one line each.
    let say = |line: String| {
        if bar.is_hidden() {
            eprintln!("{line}")
        } else {
            bar.println(line)
        }
    };
    let progress = |step: Step| match step {
        Step::Started(s) => {
            if bar.is_hidden() {
                eprintln!("{s} ...");
            }
            bar.set_message(s)
        }
        Step::Finished { step, findings } => say(format!("done: {step} ({findings} finding(s))")),
        Step::Skipped { step, why } => say(format!("skipped: {step}: {why}")),
    };
    let summary = rampart_assess::assess(project, store, opts, &progress).await;
    bar.finish_and_clear();
    Ok(summary?)
}
