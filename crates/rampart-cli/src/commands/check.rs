//! `rampart check`: the project's policy, for CI. Exit 1 with a short explanation when it fails.

use crate::exit::{CliResult, Outcome};
use crate::output::OutputArgs;
use crate::Global;
use anyhow::Context;
use rampart_assess::policy::{self, PolicyResult};
use rampart_assess::Assessment;
use rampart_config::Project;
use rampart_report::Format;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// `--format text|json|md` and `--output FILE` (the exit code is the same either way).
    #[command(flatten)]
    pub output: OutputArgs,
    /// Also write the results as JUnit XML, one test case per policy rule.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Fail on findings not in this baseline (overrides `policy.baseline`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write the current findings as a baseline file and exit.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
}

fn read_baseline(path: &Path) -> anyhow::Result<BTreeSet<String>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the baseline {}", path.display()))?;
    let v: serde_json::Value = serde_json::from_str(&text).with_context(|| {
        format!(
            "{}: expected the JSON written by `rampart check --write-baseline`",
            path.display()
        )
    })?;
    let list = v["fingerprints"]
        .as_array()
        .with_context(|| format!("{}: expected a \"fingerprints\" array", path.display()))?;
    Ok(list
        .iter()
        .filter_map(|f| f.as_str().map(str::to_string))
        .collect())
}

/// The policy's results for an assessment (the project's `[policy]`, or the defaults).
pub fn policy_results(project: &Project, a: &Assessment) -> anyhow::Result<Vec<PolicyResult>> {
    policy_with_baseline(project, a, None)
}

fn policy_with_baseline(
    project: &Project,
    a: &Assessment,
    cli_baseline: Option<&Path>,
) -> anyhow::Result<Vec<PolicyResult>> {
    let p = project.file.policy.clone().unwrap_or_default();
    let baseline = match cli_baseline
        .map(Path::to_path_buf)
        .or_else(|| p.baseline.as_ref().map(|b| project.resolve(b)))
    {
        Some(path) => Some(read_baseline(&path)?),
        None => None,
    };
    Ok(policy::evaluate(a, &p, baseline.as_ref()))
}

pub fn run(global: &Global, args: Args) -> CliResult {
    let format = args
        .output
        .require(&[Format::Text, Format::Json, Format::Md])?;
    let project = crate::project::load(global)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let a = rt.block_on(async {
        let store = crate::project::open_store(global, &project).await?;
        anyhow::Ok(rampart_assess::gather(&project, &store, chrono::Utc::now()).await?)
    })?;
    if let Some(path) = &args.write_baseline {
        let fps: Vec<&str> = a
            .findings
            .iter()
            .map(|f| f.finding.fingerprint.0.as_str())
            .collect();
        rampart_report::write_output(
            Some(path),
            &serde_json::to_string_pretty(&serde_json::json!({ "fingerprints": fps }))?,
        )?;
        crate::say_err!(
            "wrote a baseline of {} finding(s) to {}",
            fps.len(),
            path.display()
        );
        return Ok(Outcome::Ok);
    }
    let results = policy_with_baseline(&project, &a, args.baseline.as_deref())?;
    if let Some(path) = &args.junit {
        rampart_report::write_output(Some(path), &policy::junit(&results))?;
    }
    let name = &project.file.project.name;
    let out = match format {
        Format::Json => {
            serde_json::to_string_pretty(&policy::json(name, &results, &a.warnings))? + "\n"
        }
        Format::Md => policy::markdown(name, &results, &a.warnings),
        _ => policy::text(&results, &a.warnings),
    };
    args.output.write(&out)?;
    // Written to a file, the verdict still reaches the CI log.
    if let Some(path) = args.output.output.as_ref().filter(|p| p.as_os_str() != "-") {
        crate::say_err!(
            "{} (written to {})",
            policy::verdict(&results),
            path.display()
        );
    }
    if results.iter().any(|r| !r.passed) {
        Ok(Outcome::PolicyFailed)
    } else {
        Ok(Outcome::Ok)
    }
}
