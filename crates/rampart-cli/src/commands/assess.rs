//! `rampart assess`: run every check the project declares, bounded in time, and record the evidence.

use crate::exit::{CliResult, Outcome};
use crate::Global;
use rampart_assess::{AssessOptions, Step};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// How long the monitors run; the scans run meanwhile.
    #[arg(long, default_value = "60s", value_parser = rampart_config::Duration::parse)]
    pub duration: rampart_config::Duration,
    /// Bound on the whole assessment (default: --duration plus 2 minutes). Steps still running
    /// when it is reached are stopped and reported as timed out; steps not started are too.
    #[arg(long, value_parser = rampart_config::Duration::parse)]
    pub timeout: Option<rampart_config::Duration>,
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
        let opts = AssessOptions {
            duration: args.duration.std(),
            timeout: args.timeout.map(|t| t.std()),
            ports: args.ports,
            active_web: !args.passive,
            agent: args.agent,
        };
        let summary = run_with_progress(&project, &store, &opts).await?;
        let mut extra = String::new();
        if !summary.skipped.is_empty() {
            extra.push_str(&format!(", {} skipped", summary.skipped.len()));
        }
        if !summary.timed_out.is_empty() {
            extra.push_str(&format!(", {} timed out", summary.timed_out.len()));
        }
        crate::say_err!(
            "assessed {}: {} checks ran, {} probes, {} findings{extra}; now `rampart report` or `rampart check`",
            project.file.project.name, summary.runs, summary.probes, summary.findings,
        );
        for t in &summary.timed_out {
            crate::say_err!("  timed out: {t}");
        }
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
            crate::say_err!("{line}")
        } else {
            bar.println(line)
        }
    };
    let progress = |step: Step| match step {
        Step::Started(s) => {
            if bar.is_hidden() {
                crate::say_err!("{s} ...");
            }
            bar.set_message(s)
        }
        Step::Finished { step, findings } => say(format!("done: {step} ({findings} finding(s))")),
        Step::Skipped { step, why } => say(format!("skipped: {step}: {why}")),
        Step::TimedOut {
            step,
            bound,
            started,
        } => say(if started {
            format!(
                "timed out: {step}: stopped at the {}s time bound",
                bound.as_secs()
            )
        } else {
            format!(
                "timed out: {step}: not started, the {}s time bound was reached",
                bound.as_secs()
            )
        }),
    };
    let summary = rampart_assess::assess(project, store, opts, &progress).await;
    bar.finish_and_clear();
    Ok(summary?)
}
