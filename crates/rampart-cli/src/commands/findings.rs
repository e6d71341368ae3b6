//! `rampart findings`: list, show and triage findings across assessments.
//!
//! A finding's state (new, open, fixed, reopened) comes from the assessments; its triage
//! (accepted until a date, false positive) from people, kept in the store and exchanged with a
//! reviewable TOML file (`export` / `import`).

use crate::exit::{CliResult, Outcome};
use crate::output::OutputArgs;
use crate::Global;
use anyhow::Context;
use chrono::{NaiveDate, Utc};
use rampart_assess::triage_file;
use rampart_model::{FindingTriage, TrackedFinding, TriageStatus};
use rampart_report::{Block, Document, Format, Table};
use rampart_store::Store;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub command: Sub,
}

#[derive(clap::Subcommand, Debug)]
pub enum Sub {
    /// Every finding with its state (new, open, fixed, reopened) and triage.
    List(ListArgs),
    /// One finding: evidence, state, when first and last seen, fixed, its history and triage.
    Show(ShowArgs),
    /// Accept the risk of a finding until a date: it stops failing `rampart check` until then.
    Accept(AcceptArgs),
    /// Mark a finding a false positive: it no longer counts.
    FalsePositive(FalsePositiveArgs),
    /// Write every triage decision to a reviewable TOML file (default findings-triage.toml).
    Export(FileArgs),
    /// Read triage decisions from a file written by `export` (replacing those of the same findings).
    Import(FileArgs),
}

#[derive(clap::Args, Debug)]
pub struct ListArgs {
    /// `--format text|json|md` and `--output FILE`.
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(clap::Args, Debug)]
pub struct ShowArgs {
    /// The finding's fingerprint (or a unique prefix of it).
    pub fingerprint: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(clap::Args, Debug)]
pub struct AcceptArgs {
    /// The finding's fingerprint (or a unique prefix of it).
    pub fingerprint: String,
    /// The last day the acceptance holds (YYYY-MM-DD); from the next day the finding counts again.
    #[arg(long, value_parser = parse_date)]
    pub until: NaiveDate,
    /// Why the risk is accepted.
    #[arg(long)]
    pub why: String,
    /// Who decided (default: $USER).
    #[arg(long)]
    pub by: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct FalsePositiveArgs {
    /// The finding's fingerprint (or a unique prefix of it).
    pub fingerprint: String,
    /// Why it is not a real problem.
    #[arg(long)]
    pub why: String,
    /// Who decided (default: $USER).
    #[arg(long)]
    pub by: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct FileArgs {
    /// The triage file (default: findings-triage.toml next to the project file).
    pub file: Option<PathBuf>,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("found \"{s}\"; expected a date YYYY-MM-DD"))
}

pub fn run(global: &Global, args: Args) -> CliResult {
    let project = crate::project::load(global)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let store = crate::project::open_store(global, &project).await?;
        let default_file = || project.resolve(std::path::Path::new(triage_file::DEFAULT_FILE));
        match args.command {
            Sub::List(a) => list(&store, a).await,
            Sub::Show(a) => show(&store, a).await,
            Sub::Accept(a) => {
                let today = Utc::now().date_naive();
                if a.until < today {
                    anyhow::bail!(
                        "--until {}: expected today or a later date (the acceptance would never hold)",
                        a.until
                    );
                }
                let f = find(&store, &a.fingerprint).await?;
                decide(&store, &f, TriageStatus::Accepted, a.why, a.by, Some(a.until)).await
            }
            Sub::FalsePositive(a) => {
                let f = find(&store, &a.fingerprint).await?;
                decide(&store, &f, TriageStatus::FalsePositive, a.why, a.by, None).await
            }
            Sub::Export(a) => {
                let path = a.file.unwrap_or_else(default_file);
                let triages = store.finding_triages().await?;
                let findings = store.tracked_findings(None).await?;
                rampart_report::write_output(
                    Some(&path),
                    &triage_file::render(&triages, &findings),
                )?;
                crate::errln!(
                    "wrote {} triage decision(s) to {}",
                    triages.len(),
                    path.display()
                );
                Ok(Outcome::Ok)
            }
            Sub::Import(a) => {
                let path = a.file.unwrap_or_else(default_file);
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read the triage file {}", path.display()))?;
                let triages = triage_file::parse(&text, &path).map_err(|e| anyhow::anyhow!(e))?;
                let known = store.tracked_findings(None).await?;
                for t in &triages {
                    if !known.iter().any(|f| f.finding.fingerprint.0 == t.fingerprint) {
                        crate::errln!(
                            "warning: {}: no stored finding has the fingerprint {} (kept for when it appears)",
                            path.display(),
                            t.fingerprint
                        );
                    }
                    store.set_finding_triage(t).await?;
                }
                crate::errln!(
                    "imported {} triage decision(s) from {}",
                    triages.len(),
                    path.display()
                );
                Ok(Outcome::Ok)
            }
        }
    })
}

/// The finding with this fingerprint, or the only one starting with it.
async fn find(store: &Store, fp: &str) -> anyhow::Result<TrackedFinding> {
    if let Some(f) = store.tracked_finding(fp).await? {
        return Ok(f);
    }
    let all = store.tracked_findings(None).await?;
    let matching: Vec<&TrackedFinding> = all
        .iter()
        .filter(|f| f.finding.fingerprint.0.starts_with(fp))
        .collect();
    match matching.as_slice() {
        [one] if !fp.is_empty() => Ok((*one).clone()),
        [] | [_] => anyhow::bail!(
            "no finding has the fingerprint \"{fp}\" (`rampart findings list` shows them)"
        ),
        many => anyhow::bail!(
            "\"{fp}\" starts {} fingerprints; give more of it",
            many.len()
        ),
    }
}

async fn decide(
    store: &Store,
    f: &TrackedFinding,
    status: TriageStatus,
    why: String,
    by: Option<String>,
    until: Option<NaiveDate>,
) -> CliResult {
    if why.trim().is_empty() {
        anyhow::bail!("--why is empty; expected the reason for the decision");
    }
    let by = by
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "unknown".into());
    let t = FindingTriage {
        fingerprint: f.finding.fingerprint.0.clone(),
        status,
        justification: why,
        by,
        until,
        decided_at: Utc::now(),
    };
    store.set_finding_triage(&t).await?;
    crate::errln!(
        "{} {} {} on {}{}",
        status.as_str().replace('_', " "),
        t.fingerprint,
        f.finding.rule,
        f.finding.target,
        until.map(|u| format!(" until {u}")).unwrap_or_default()
    );
    Ok(Outcome::Ok)
}

fn triage_text(f: &TrackedFinding) -> String {
    match &f.triage {
        None => String::new(),
        Some(t) => match t.until {
            Some(u) => format!("{} until {u}", t.status.as_str()),
            None => t.status.as_str().to_string(),
        },
    }
}

async fn list(store: &Store, a: ListArgs) -> CliResult {
    let format = a
        .output
        .require(&[Format::Text, Format::Json, Format::Md, Format::Html])?;
    let findings = store.tracked_findings(None).await?;
    let out = match format {
        Format::Json => {
            serde_json::to_string_pretty(&serde_json::json!({ "findings": findings }))? + "\n"
        }
        _ => {
            let rows: Vec<Vec<String>> = findings
                .iter()
                .map(|f| {
                    vec![
                        f.finding.fingerprint.0.clone(),
                        f.state.to_string(),
                        f.finding.severity.to_string(),
                        f.finding.rule.clone(),
                        f.finding.target.clone(),
                        f.first_seen.format("%Y-%m-%d %H:%M").to_string(),
                        f.last_seen.format("%Y-%m-%d %H:%M").to_string(),
                        f.fixed_at
                            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                            .unwrap_or_default(),
                        triage_text(f),
                    ]
                })
                .collect();
            let header = [
                "fingerprint",
                "state",
                "severity",
                "rule",
                "target",
                "first seen",
                "last seen",
                "fixed",
                "triage",
            ];
            let body = if rows.is_empty() {
                Block::para("No findings stored yet: run `rampart assess`.")
            } else {
                Block::Table(Table::plain(&header, &rows))
            };
            let doc = Document {
                title: "rampart findings".into(),
                subtitle: format!("{} finding(s)", findings.len()),
                blocks: vec![body],
            };
            rampart_report::render::render(&doc, format).unwrap_or_default()
        }
    };
    a.output.write(&out)?;
    Ok(Outcome::Ok)
}

async fn show(store: &Store, a: ShowArgs) -> CliResult {
    let format = a.output.require(&[Format::Text, Format::Json])?;
    let f = find(store, &a.fingerprint).await?;
    let events = store.finding_events(&f.finding.fingerprint.0).await?;
    let out = if format == Format::Json {
        serde_json::to_string_pretty(&serde_json::json!({ "finding": f, "history": events }))?
            + "\n"
    } else {
        let mut s = format!(
            "{} [{}] {}\n  fingerprint: {}\n  rule:        {}\n  target:      {} (checked: {})\n  state:       {}\n  first seen:  {}\n  last seen:   {}\n",
            f.finding.rule,
            f.finding.severity,
            rampart_report::escape::text(&f.finding.title),
            f.finding.fingerprint,
            f.finding.rule,
            rampart_report::escape::text(&f.finding.target),
            rampart_report::escape::text(&f.checked_target),
            f.state,
            f.first_seen.to_rfc3339(),
            f.last_seen.to_rfc3339(),
        );
        if let Some(t) = f.fixed_at {
            s.push_str(&format!("  fixed at:    {}\n", t.to_rfc3339()));
        }
        if let Some(t) = &f.triage {
            s.push_str(&format!(
                "  triage:      {} by {}: {}\n",
                triage_text(&f),
                rampart_report::escape::text(&t.by),
                rampart_report::escape::text(&t.justification)
            ));
        }
        let ev = f.finding.evidence.summary();
        if !ev.is_empty() {
            s.push_str(&format!(
                "  evidence:    {}\n",
                rampart_report::escape::text(&ev)
            ));
        }
        if !f.finding.remediation.is_empty() {
            s.push_str(&format!(
                "  fix:         {}\n",
                rampart_report::escape::text(&f.finding.remediation)
            ));
        }
        s.push_str("  history:\n");
        for e in &events {
            s.push_str(&format!(
                "    {} {}{}\n",
                e.at.to_rfc3339(),
                e.state,
                e.assessment
                    .map(|a| format!(" (assessment {a})"))
                    .unwrap_or_default()
            ));
        }
        s
    };
    a.output.write(&out)?;
    Ok(Outcome::Ok)
}
