//! `rampart logs analyze FILE…`: incidents, verdicts and logging coverage from access,
//! application and SSH logs; findings and incidents saved to the project's store.

use crate::exit::{CliResult, Outcome};
use crate::output::OutputArgs;
use crate::Global;
use anyhow::Context;
use rampart_config::LogsSection;
use rampart_logs::{render, Follow, Input, LogIncident, Options};
use rampart_report::Format;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub command: LogsCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum LogsCommand {
    /// Parse logs and report incidents (error bursts, brute force, probing, injection, floods,
    /// secrets, SSH brute force) with a verdict and why, plus logging coverage.
    Analyze(AnalyzeArgs),
}

#[derive(clap::Args, Debug)]
pub struct AnalyzeArgs {
    /// Log files (plain or .gz), or `-` for stdin. Default: the project file's [[logs.sources]].
    pub files: Vec<String>,
    /// Log format for files not listed in the project file: auto, combined, common, sshd, json,
    /// regex, nginx, nginx_error, apache_error, w3c (IIS, CloudFront).
    #[arg(long, default_value = "auto")]
    pub log_format: String,
    /// Keep reading as the file grows and print incidents as they happen (Ctrl-C to stop and
    /// write the report).
    #[arg(long)]
    pub follow: bool,
    /// Parse threads, 1 to 256 (default: all cores).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=rampart_logs::MAX_WORKERS as u64))]
    pub threads: Option<u64>,
    /// Do not save findings and incidents to the project's database.
    #[arg(long)]
    pub no_store: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(global: &Global, args: Args) -> CliResult {
    match args.command {
        LogsCommand::Analyze(a) => analyze(global, a),
    }
}

fn analyze(global: &Global, a: AnalyzeArgs) -> CliResult {
    let format = a.output.require(&[
        Format::Text,
        Format::Json,
        Format::Md,
        Format::Html,
        Format::Sarif,
    ])?;
    // The project file is optional here: logs can be analysed with the defaults.
    let project = if global.project.exists() {
        Some(rampart_config::load_file(&global.project).map_err(|e| anyhow::anyhow!("{e}"))?)
    } else {
        None
    };
    let cfg: LogsSection = project
        .as_ref()
        .map(|p| p.file.logs.clone())
        .unwrap_or_else(|| rampart_config::ProjectFile::default().logs);
    let inputs: Vec<Input> = if a.files.is_empty() {
        let p = project.as_ref().context(
            "no log files given and no project file to take [[logs.sources]] from; usage: rampart logs analyze FILE…",
        )?;
        p.file
            .logs
            .sources
            .iter()
            .map(|s| Input::File(p.resolve(&s.path)))
            .collect()
    } else {
        a.files.iter().map(|f| Input::from_arg(f)).collect()
    };
    if inputs.is_empty() {
        anyhow::bail!("no log files: give FILE… or list [[logs.sources]] in the project file");
    }
    let stop = Arc::new(AtomicBool::new(false));
    let follow = if a.follow {
        let s = stop.clone();
        // Ctrl-C ends the follow; the report is written with what was seen.
        std::thread::spawn(move || {
            if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                rt.block_on(async {
                    let _ = tokio::signal::ctrl_c().await;
                });
                s.store(true, Ordering::Relaxed);
            }
        });
        Some(Follow {
            stop: stop.clone(),
            poll: Duration::from_millis(250),
        })
    } else {
        None
    };
    let mut live = |i: &LogIncident| crate::errln!("{}", render::incident_line(i));
    let mut opts = Options {
        format: a.log_format.clone(),
        follow,
        ..Options::default()
    };
    if let Some(t) = a.threads {
        // Bounded by the parser above (1..=MAX_WORKERS), so the cast cannot truncate.
        opts.workers = t as usize;
    }
    if a.follow {
        opts.on_incident = Some(&mut live);
    }
    // A progress bar over the files' sizes (on stderr, only on a terminal); not for stdin or
    // --follow, whose size is unknown. The library calls back once per chunk.
    let bar = (!a.follow && inputs.iter().all(|i| matches!(i, Input::File(_)))).then(|| {
        let total = inputs
            .iter()
            .filter_map(|i| match i {
                Input::File(p) => std::fs::metadata(p).ok().map(|m| m.len()),
                Input::Stdin => None,
            })
            .sum();
        crate::progress::bytes(total)
    });
    let mut on_progress = |n: u64| {
        if let Some(b) = &bar {
            b.set_position(n);
        }
    };
    if bar.is_some() {
        opts.on_progress = Some(&mut on_progress);
    }
    let result = rampart_logs::analyze_inputs(&inputs, &cfg, opts);
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let report = result?;
    let out = match format {
        Format::Json => render::json(&report),
        Format::Md => render::markdown(&report),
        Format::Html => render::html(&report),
        Format::Sarif => render::sarif(&report),
        _ => render::text(&report),
    };
    a.output.write(&out)?;
    if !a.no_store && (project.is_some() || global.database.is_some()) {
        let url = global
            .database
            .clone()
            .or_else(|| project.as_ref().map(|p| p.database_url()))
            .unwrap_or_default();
        save(&url, &report).with_context(|| format!("cannot save log findings to {url}"))?;
    }
    // Sources read only in part (a truncated `.gz`) or not at all (no line in the format):
    // the report above covers the rest and marks them; the exit code says the input was not
    // what was expected.
    let partial = report.partial_sources();
    if !partial.is_empty() {
        anyhow::bail!(
            "not read in full (the report covers what was read): {}",
            partial.join("; ")
        );
    }
    Ok(Outcome::Ok)
}

/// Findings and incidents go into the store for the combined report.
fn save(url: &str, report: &rampart_logs::Report) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let store = rampart_store::Store::open(url).await?;
        store
            .upsert_findings("logs", &report.findings(), chrono::Utc::now())
            .await?;
        store.insert_incidents(&report.model_incidents()).await?;
        store.close().await;
        anyhow::Ok(())
    })
}
