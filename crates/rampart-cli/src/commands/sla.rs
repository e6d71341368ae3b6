//! `rampart sla import|report|export` and `rampart monitor`.
//!
//! Where observations live: `--database` if given; else the project file's database when the
//! project file (default `rampart.toml`) exists; else `rampart.db` in the current directory — so
//! `rampart sla import probes.csv` then `rampart sla report` work in any folder.

use crate::exit::{CliResult, Outcome};
use crate::output::OutputArgs;
use crate::Global;
use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use rampart_config::{Duration as CfgDuration, Project, SlaPeriod};
use rampart_report::Format;
use rampart_sla::clause::Clause;
use rampart_sla::math::latency::Reading;
use rampart_sla::report::{build, render, ReportFormat, ReportInput, Verdict};
use rampart_store::{ObservationFilter, Store};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub command: SlaCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum SlaCommand {
    /// Import a probe CSV (timestamp,url,status,latency_ms[,error]) into the store.
    Import(ImportArgs),
    /// A verdict per SLA clause over a window, with coverage, uptime, incidents and latency.
    Report(ReportArgs),
    /// Write stored observations as a probe CSV.
    Export(ExportArgs),
}

#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// The CSV file.
    pub file: PathBuf,
    /// File the rows under this monitor name (default: the row's URL).
    #[arg(long)]
    pub monitor: Option<String>,
    /// Agent name for the rows (default: import).
    #[arg(long)]
    pub agent: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// Window start (RFC 3339 or YYYY-MM-DD); default: the first probe.
    #[arg(long)]
    pub from: Option<String>,
    /// Window end, exclusive (RFC 3339 or YYYY-MM-DD); default: the last probe plus one interval.
    #[arg(long)]
    pub to: Option<String>,
    /// Only this monitor.
    #[arg(long)]
    pub monitor: Option<String>,
    /// One section per agent instead of per monitor.
    #[arg(long)]
    pub by_agent: bool,
    /// Ad-hoc latency clause on every monitor, e.g. 500ms.
    #[arg(long, value_name = "DURATION", value_parser = crate::bounds::positive_duration)]
    pub latency_threshold: Option<CfgDuration>,
    /// How the ad-hoc latency threshold is read: every, mean, max, pN. Unset: every reading is
    /// given and the clause is flagged ambiguous.
    #[arg(long, value_name = "READING")]
    pub latency_reading: Option<String>,
    /// Ad-hoc uptime clause on every monitor, in percent, e.g. 99.5.
    #[arg(long, value_name = "PERCENT", value_parser = crate::bounds::float(0.0, 100.0))]
    pub uptime_target: Option<f64>,
    /// Period of the ad-hoc uptime clause: month, week, day, window.
    #[arg(long, default_value = "month", value_parser = parse_period)]
    pub per: SlaPeriod,
    /// A duration the data is said to cover (e.g. 24h); coverage confirms or refutes it.
    #[arg(long, value_name = "DURATION", value_parser = crate::bounds::positive_duration)]
    pub claimed_duration: Option<CfgDuration>,
    /// Also write the first monitor's response-time graph to FILE: SVG, or PNG when FILE ends in
    /// .png (converted with rsvg-convert, Debian package librsvg2-bin).
    #[arg(long, value_name = "FILE")]
    pub graph: Option<PathBuf>,
    /// Exit 1 when a clause is breached.
    #[arg(long)]
    pub fail_on_breach: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    #[arg(long)]
    pub monitor: Option<String>,
    /// Write to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

fn parse_period(s: &str) -> Result<SlaPeriod, String> {
    match s {
        "month" => Ok(SlaPeriod::Month),
        "week" => Ok(SlaPeriod::Week),
        "day" => Ok(SlaPeriod::Day),
        "window" => Ok(SlaPeriod::Window),
        o => Err(format!(
            "unknown period \"{o}\"; expected month, week, day or window"
        )),
    }
}

fn parse_time(s: &str) -> anyhow::Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").with_context(|| {
        format!("\"{s}\" is not a time; expected RFC 3339 (2024-05-01T00:00:00Z) or a date (2024-05-01)")
    })?;
    Ok(d.and_hms_opt(0, 0, 0).expect("midnight").and_utc())
}

/// The project, when its file exists (a missing default file is not an error here).
pub(crate) fn project_if_any(global: &Global) -> anyhow::Result<Option<Project>> {
    if global.project.exists() {
        let p = rampart_config::load_file(&global.project).map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(Some(p))
    } else {
        Ok(None)
    }
}

/// `--database`, else the project's database, else `rampart.db` in the current directory.
pub(crate) fn database_url(global: &Global, project: Option<&Project>) -> String {
    match (&global.database, project) {
        (Some(url), _) => url.clone(),
        (None, Some(p)) => p.database_url(),
        (None, None) => "sqlite://rampart.db".into(),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

pub fn run(global: &Global, args: Args) -> CliResult {
    let project = project_if_any(global)?;
    let url = database_url(global, project.as_ref());
    let rt = runtime()?;
    rt.block_on(async move {
        let store = Store::open(&url).await?;
        match args.command {
            SlaCommand::Import(a) => import(&store, a).await,
            SlaCommand::Report(a) => report(&store, project.as_ref(), a).await,
            SlaCommand::Export(a) => export(&store, a).await,
        }
    })
}

async fn import(store: &Store, a: ImportArgs) -> CliResult {
    let opts = rampart_sla::csv::ImportOptions {
        monitor: a.monitor,
        agent: a.agent,
    };
    // Large files take a while: a bar while parsing (bytes) and one while writing (rows).
    let size = std::fs::metadata(&a.file).map(|m| m.len()).unwrap_or(0);
    let bar = crate::progress::bytes(size);
    bar.set_message(format!("parsing {}", a.file.display()));
    let parsed = rampart_sla::csv::import_file_counted(&a.file, &opts, &|b| bar.set_position(b));
    bar.finish_and_clear();
    let rampart_sla::csv::Imported {
        observations: obs,
        duplicates,
    } = parsed?;
    if let (Some(first), Some(last)) = (obs.first(), obs.last()) {
        let existing = store
            .observations(&ObservationFilter {
                monitor: Some(first.monitor.clone()),
                agent: Some(first.agent.clone()),
                from: Some(first.scheduled_at.min(last.scheduled_at)),
                to: Some(
                    first.scheduled_at.max(last.scheduled_at) + chrono::Duration::microseconds(1),
                ),
            })
            .await?;
        if !existing.is_empty() {
            anyhow::bail!(
                "{} already holds {} observation(s) of \"{}\" (agent {}) in this file's time range; \
                 importing again would count them twice (hint: use another --database, or --monitor/--agent)",
                store.url(),
                existing.len(),
                first.monitor,
                first.agent
            );
        }
    }
    let bar = crate::progress::counter(obs.len() as u64, "observations");
    bar.set_message(format!("writing to {}", store.url()));
    for chunk in obs.chunks(5_000) {
        if let Err(e) = store.insert_observations(chunk).await {
            bar.finish_and_clear();
            return Err(e.into());
        }
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    let failed = obs
        .iter()
        .filter(|o| o.outcome == rampart_model::Outcome::Down)
        .count();
    let skipped = if duplicates > 0 {
        format!(", {duplicates} duplicate row(s) skipped")
    } else {
        String::new()
    };
    crate::outln!(
        "imported {} observation(s) ({} failed{skipped}) from {} into {}",
        obs.len(),
        failed,
        a.file.display(),
        store.url()
    )?;
    Ok(Outcome::Ok)
}

async fn report(store: &Store, project: Option<&Project>, a: ReportArgs) -> CliResult {
    let format = match a.output.require(Format::REPORT)? {
        Format::Json => ReportFormat::Json,
        Format::Md => ReportFormat::Md,
        Format::Html => ReportFormat::Html,
        _ => ReportFormat::Text,
    };
    let from = a.from.as_deref().map(parse_time).transpose()?;
    let to = a.to.as_deref().map(parse_time).transpose()?;
    let window = match (from, to) {
        (Some(f), Some(t)) if f < t => Some((f, t)),
        (Some(_), Some(_)) => anyhow::bail!("--from must be before --to"),
        (None, None) => None,
        _ => anyhow::bail!("give both --from and --to, or neither"),
    };
    let obs = store
        .observations(&ObservationFilter {
            monitor: a.monitor.clone(),
            agent: None,
            from,
            to,
        })
        .await?;
    let mut clauses: Vec<Clause> = project
        .map(|p| rampart_sla::report::project::clauses(&p.file))
        .unwrap_or_default();
    if let Some(t) = a.latency_threshold {
        let reading = match a.latency_reading.as_deref() {
            Some(r) => Some(Reading::parse(r).with_context(|| {
                format!("--latency-reading \"{r}\": expected every, mean, max or pN (p95, p99.9)")
            })?),
            None => None,
        };
        clauses.push(Clause::ad_hoc_latency(
            t.std().as_secs_f64() * 1000.0,
            reading,
        ));
    }
    if let Some(u) = a.uptime_target {
        if !(0.0..=100.0).contains(&u) {
            anyhow::bail!("--uptime-target {u}: expected a percentage between 0 and 100");
        }
        clauses.push(Clause::ad_hoc_uptime(u, a.per));
    }
    if clauses.is_empty() {
        clauses = Clause::defaults();
    }
    let intervals = project
        .map(|p| rampart_sla::report::project::intervals(&p.file))
        .unwrap_or_default();
    let report = build(&ReportInput {
        observations: &obs,
        clauses: &clauses,
        window,
        intervals,
        by_agent: a.by_agent,
        claimed_secs: a.claimed_duration.map(|d| d.std().as_secs_f64()),
        generated_at: Utc::now(),
        source: store.url().to_string(),
    });
    a.output.write(&render(&report, format))?;
    if let Some(path) = &a.graph {
        match rampart_sla::report::graph_svg(&report, 0) {
            Some(svg) if is_png(path) => write_png(path, &svg)?,
            Some(svg) => rampart_report::write_output(Some(path), &svg)?,
            None => crate::errln!("no monitor in the window: no graph written"),
        }
    }
    if obs.is_empty() {
        crate::errln!(
            "warning: {} holds no observations{}; run `rampart sla import FILE` or `rampart monitor` first",
            store.url(),
            if window.is_some() { " in the window" } else { "" }
        );
    }
    let breached = report
        .clauses
        .iter()
        .any(|c| c.verdict == Verdict::Breached);
    Ok(if a.fail_on_breach && breached {
        Outcome::PolicyFailed
    } else {
        Outcome::Ok
    })
}

fn is_png(p: &std::path::Path) -> bool {
    p.extension().is_some_and(|e| e.eq_ignore_ascii_case("png"))
}

/// Rasterizes the SVG graph with rsvg-convert (librsvg), which draws its text with system fonts.
fn write_png(path: &std::path::Path, svg: &str) -> anyhow::Result<()> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("rsvg-convert")
        .args(["-f", "png", "-o"])
        .arg(path)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot run rsvg-convert to write {} ({e}); install it (Debian: apt-get install librsvg2-bin) or write an .svg",
                path.display()
            )
        })?;
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(svg.as_bytes())?;
    let out = child.wait_with_output()?;
    if !out.status.success() {
        anyhow::bail!(
            "rsvg-convert failed to write {}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

async fn export(store: &Store, a: ExportArgs) -> CliResult {
    let obs = store
        .observations(&ObservationFilter {
            monitor: a.monitor,
            ..ObservationFilter::default()
        })
        .await?;
    rampart_report::write_output(a.output.as_deref(), &rampart_sla::csv::export(&obs))?;
    Ok(Outcome::Ok)
}
