//! `rampart threats`: STRIDE threats from a data-flow diagram, TMT's way, with triage kept in a
//! reviewable file. See docs/threats.md.

use crate::exit::{CliResult, Outcome};
use crate::output::OutputArgs;
use crate::Global;
use anyhow::Context;
use rampart_report::Format;
use rampart_threat::render::{self, GroupBy, Report};
use rampart_threat::{
    diff, dragon, kb::KnowledgeBase, load_model, load_project_with, LoadOptions, ProjectThreats,
    RuleSet, Triage,
};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    cmd: Cmd,
}

/// Where the model comes from; each overrides the project file's `[threats]` section.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ModelArgs {
    /// The data-flow diagram: TOML, TMT .tm7 or Threat Dragon .json.
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// The triage file (states, justifications, owners, groups).
    #[arg(long, value_name = "FILE")]
    pub triage: Option<PathBuf>,
    /// A TMT template (.tb7) to generate with instead of the built-in rules.
    #[arg(long, value_name = "FILE.tb7")]
    pub template: Option<PathBuf>,
}

#[derive(clap::Subcommand, Debug)]
enum Cmd {
    /// Generate the threats and print the TMT-style report (text, json, md, html, csv, sarif).
    Report {
        #[command(flatten)]
        model: ModelArgs,
        #[command(flatten)]
        out: OutputArgs,
        /// Group threats by interaction (TMT's layout), category (STRIDE), state or group.
        #[arg(long, default_value = "interaction", value_parser = parse_group)]
        group_by: GroupBy,
        /// Exit 1 when a threat is still Not Started or Needs Investigation.
        #[arg(long)]
        fail_on_open: bool,
    },
    /// Validate the model and the triage; exit 1 when a triage entry matches no threat.
    Check {
        #[command(flatten)]
        model: ModelArgs,
    },
    /// Draw the data-flow diagram (boundaries as clusters).
    Draw {
        #[command(flatten)]
        model: ModelArgs,
        #[arg(long, short = 'f', value_enum, default_value = "svg")]
        format: DrawFormat,
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Import a TMT .tm7 or Threat Dragon .json: writes <stem>.dfd.toml and <stem>.triage.toml.
    Import {
        file: PathBuf,
        /// Folder for the written files (default: the current folder).
        #[arg(long, value_name = "DIR", default_value = ".")]
        out_dir: PathBuf,
        /// Generate with this TMT template (.tb7) to decide which stored titles differ.
        #[arg(long, value_name = "FILE.tb7")]
        template: Option<PathBuf>,
        /// Drop flows with an end attached to no element, and threats stored on a flow the
        /// model does not have (a warning names each), instead of refusing the file.
        #[arg(long)]
        skip_dangling: bool,
    },
    /// Export the model with its threats and triage as OWASP Threat Dragon v2 JSON.
    Export {
        #[command(flatten)]
        model: ModelArgs,
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Write or refresh the triage file: one entry per threat, existing decisions kept.
    Triage {
        #[command(flatten)]
        model: ModelArgs,
        /// Write here instead of the triage file (`-` for stdout).
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
        /// Drop entries that match no threat (by default they are kept and listed).
        #[arg(long)]
        prune: bool,
    },
    /// Threats added, removed and changed between two models (TOML, .tm7, .json or project files).
    Diff {
        old: PathBuf,
        new: PathBuf,
        #[arg(long, value_name = "FILE.tb7")]
        template: Option<PathBuf>,
        #[command(flatten)]
        out: OutputArgs,
        /// Exit 1 when anything changed.
        #[arg(long)]
        fail_on_change: bool,
    },
    /// List the rules (and with --kinds the element kinds and their attributes).
    Rules {
        #[arg(long, value_name = "FILE.tb7")]
        template: Option<PathBuf>,
        #[arg(long)]
        kinds: bool,
    },
}

#[derive(clap::ValueEnum, Debug, Clone, Copy)]
enum DrawFormat {
    Svg,
    Dot,
    Mermaid,
}

fn parse_group(s: &str) -> Result<GroupBy, String> {
    s.parse()
}

fn rules(template: Option<&Path>) -> anyhow::Result<RuleSet> {
    Ok(match template {
        Some(t) => RuleSet::from_template(t)?,
        None => RuleSet::builtin()?,
    })
}

/// Loads the project's threat model; with `--model` the project file is optional and its
/// `[threats]` model and triage are not used.
fn load(global: &Global, m: &ModelArgs) -> anyhow::Result<ProjectThreats> {
    let project = if m.model.is_some() {
        let mut p = if global.project.exists() {
            rampart_config::load_file(&global.project).map_err(|e| anyhow::anyhow!("{e}"))?
        } else {
            rampart_config::Project {
                path: global.project.clone(),
                file: Default::default(),
            }
        };
        if let Some(t) = p.file.threats.as_mut() {
            t.model = None;
            t.triage = None;
            t.element.clear();
        }
        p
    } else {
        rampart_config::load_file(&global.project).map_err(|e| anyhow::anyhow!("{e}"))?
    };
    let opts = LoadOptions {
        model: m.model.clone(),
        triage: m.triage.clone(),
        template: m.template.clone(),
    };
    let pt = load_project_with(&project, &opts)?;
    for w in &pt.warnings {
        crate::errln!("warning: {w}");
    }
    Ok(pt)
}

fn warn_unmatched(pt: &ProjectThreats) {
    for e in &pt.unmatched_triage {
        let file = pt
            .triage_path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| pt.model_path.display().to_string());
        crate::errln!(
            "warning: {file}:{}: triage entry {} ({} {}) matches no threat",
            e.line,
            e.id,
            e.rule,
            e.interaction
        );
    }
}

/// Runs one step and logs how long it took (`rampart -v threats report` shows where time goes).
fn timed<T>(step: &str, f: impl FnOnce() -> T) -> T {
    let start = std::time::Instant::now();
    let v = f();
    tracing::info!(
        ms = format_args!("{:.1}", start.elapsed().as_secs_f64() * 1e3),
        "{step}"
    );
    v
}

/// Writes a drawing or export; on stdout (a terminal, perhaps) control characters from element
/// names are shown, not sent.
fn write(path: Option<&Path>, content: &str) -> anyhow::Result<()> {
    let to_stdout = path.is_none_or(|p| p.as_os_str() == "-");
    let content = if to_stdout {
        rampart_report::escape::text(content)
    } else {
        content.into()
    };
    rampart_report::write_output(path, &content)?;
    Ok(())
}

pub fn run(global: &Global, args: Args) -> CliResult {
    match args.cmd {
        Cmd::Report {
            model,
            out,
            group_by,
            fail_on_open,
        } => {
            let pt = timed("model loaded, validated, generated and triaged", || {
                load(global, &model)
            })?;
            tracing::info!(
                flows = pt.dfd.flows.len(),
                threats = pt.threats.len(),
                "threats generated"
            );
            warn_unmatched(&pt);
            let r = Report {
                dfd: &pt.dfd,
                threats: &pt.threats,
                unmatched: &pt.unmatched_triage,
                rules: &pt.rules,
                group_by,
            };
            let text = timed("report rendered", || match out.format {
                Format::Text => render::text::render(&r),
                Format::Md => render::md::render(&r),
                Format::Html => render::html::render(&r),
                Format::Json => render::json::render(&r),
                Format::Csv => render::csv::render(&pt.threats),
                Format::Sarif => render::sarif::render(&pt.threats),
            });
            timed("report written", || out.write(&text))?;
            let open = pt.threats.iter().filter(|t| t.state.is_open()).count();
            // The process ends right after this command: freeing tens of thousands of threats
            // string by string would cost more than rendering them (a sixth of the whole run
            // on a 10,000-flow model). The OS reclaims the memory at exit.
            std::mem::forget(pt);
            Ok(if fail_on_open && open > 0 {
                Outcome::PolicyFailed
            } else {
                Outcome::Ok
            })
        }
        Cmd::Check { model } => {
            let pt = load(global, &model)?;
            warn_unmatched(&pt);
            let open = pt.threats.iter().filter(|t| t.state.is_open()).count();
            crate::outln!(
                "{}: valid — {} elements, {} flows, {} boundaries; {} threats ({} open); {} stale triage entr{}",
                pt.model_path.display(),
                pt.dfd.elements.len(),
                pt.dfd.flows.len(),
                pt.dfd.boundaries.len(),
                pt.threats.len(),
                open,
                pt.unmatched_triage.len(),
                if pt.unmatched_triage.len() == 1 { "y" } else { "ies" }
            )?;
            Ok(if pt.unmatched_triage.is_empty() {
                Outcome::Ok
            } else {
                Outcome::PolicyFailed
            })
        }
        Cmd::Draw {
            model,
            format,
            output,
        } => {
            let pt = load(global, &model)?;
            let text = match format {
                DrawFormat::Svg => pt.svg(),
                DrawFormat::Dot => render::diagram::dot(&pt.dfd),
                DrawFormat::Mermaid => render::diagram::mermaid(&pt.dfd),
            };
            write(output.as_deref(), &text)?;
            Ok(Outcome::Ok)
        }
        Cmd::Import {
            file,
            out_dir,
            template,
            skip_dangling,
        } => {
            let rules = rules(template.as_deref())?;
            let ext = file
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_ascii_lowercase();
            if !matches!(ext.as_str(), "tm7" | "json") {
                anyhow::bail!(
                    "{}: expected a TMT .tm7 or a Threat Dragon .json file",
                    file.display()
                );
            }
            let opts = rampart_threat::ImportOptions { skip_dangling };
            let i = rampart_threat::import_model(&file, &rules, opts)?;
            for w in &i.warnings {
                crate::errln!("warning: {w}");
            }
            let (dfd, triage) = (i.dfd, i.triage);
            let triage = triage.unwrap_or_default();
            let mut threats = rules.generate(&dfd)?;
            let outcome = triage.apply(&mut threats);
            let stem = file
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("model")
                .to_string();
            std::fs::create_dir_all(&out_dir)
                .with_context(|| format!("cannot create {}", out_dir.display()))?;
            let model_out = out_dir.join(format!("{stem}.dfd.toml"));
            let triage_out = out_dir.join(format!("{stem}.triage.toml"));
            write(
                Some(&model_out),
                &rampart_threat::dfd_to_toml(&dfd, rules.kb()),
            )?;
            write(Some(&triage_out), &triage.to_toml())?;
            let stored = triage
                .entries
                .iter()
                .filter(|e| e.stored_title.is_some())
                .count();
            crate::outln!(
                "wrote {} ({} elements, {} flows, {} boundaries, {} threats written in the model) and {} ({} triage entries, {} with a stored title)",
                model_out.display(),
                dfd.elements.len(),
                dfd.flows.len(),
                dfd.boundaries.len(),
                dfd.threats.len(),
                triage_out.display(),
                triage.entries.len(),
                stored
            )?;
            crate::outln!(
                "{} threats generated with {}, {} written in the model; {} triaged",
                threats
                    .iter()
                    .filter(|t| t.origin == rampart_threat::Origin::Rule)
                    .count(),
                rules.kb().name,
                threats
                    .iter()
                    .filter(|t| t.origin == rampart_threat::Origin::Model)
                    .count(),
                threats.len()
                    - threats
                        .iter()
                        .filter(|t| t.justification.is_empty()
                            && t.state == rampart_threat::State::NotStarted)
                        .count()
            )?;
            for e in &outcome.unmatched {
                crate::errln!(
                    "warning: stored threat {} ({} on \"{}\": {}) is not generated by these rules",
                    e.id,
                    e.rule,
                    e.interaction,
                    e.title
                );
            }
            crate::outln!(
                "to use them, add to rampart.toml:\n[threats]\nmodel = \"{}\"\ntriage = \"{}\"",
                model_out.display(),
                triage_out.display()
            )?;
            Ok(Outcome::Ok)
        }
        Cmd::Export { model, output } => {
            let pt = load(global, &model)?;
            let kb = match &model.template {
                Some(t) => rampart_threat::kb::load_template(t)?,
                None => KnowledgeBase::builtin(),
            };
            let doc = dragon::export(&pt.dfd, &pt.threats, &kb);
            write(
                output.as_deref(),
                &format!("{}\n", serde_json::to_string_pretty(&doc)?),
            )?;
            Ok(Outcome::Ok)
        }
        Cmd::Triage {
            model,
            output,
            prune,
        } => {
            let pt = load(global, &model)?;
            let mut triage = Triage::from_threats(&pt.threats);
            for e in &pt.unmatched_triage {
                crate::errln!(
                    "{}: triage entry {} ({} {}) matches no threat",
                    if prune { "dropped" } else { "kept" },
                    e.id,
                    e.rule,
                    e.interaction
                );
                if !prune {
                    triage.entries.push(e.clone());
                }
            }
            let dest = output.or(pt.triage_path.clone());
            write(dest.as_deref(), &triage.to_toml())?;
            if let Some(d) = dest.filter(|d| d.as_os_str() != "-") {
                crate::errln!("wrote {} ({} entries)", d.display(), triage.entries.len());
            }
            Ok(Outcome::Ok)
        }
        Cmd::Diff {
            old,
            new,
            template,
            out,
            fail_on_change,
        } => {
            let fmt = out.require(&[Format::Text, Format::Json, Format::Md])?;
            let rules = rules(template.as_deref())?;
            let a = threats_of(&old, &rules)?;
            let b = threats_of(&new, &rules)?;
            let d = diff::diff(&a, &b);
            let text = match fmt {
                Format::Json => diff::render_json(&d),
                Format::Md => diff::render_md(&d),
                _ => diff::render_text(&d),
            };
            out.write(&text)?;
            Ok(if fail_on_change && !d.is_empty() {
                Outcome::PolicyFailed
            } else {
                Outcome::Ok
            })
        }
        Cmd::Rules { template, kinds } => {
            let rules = rules(template.as_deref())?;
            let kb = rules.kb();
            crate::outln!("{}: {} rules", kb.name, kb.rules.len())?;
            for r in &kb.rules {
                crate::outln!("{:<38} {}  {}", r.id, r.category, r.title)?;
            }
            if kinds {
                crate::outln!()?;
                for t in 0..kb.types.len() {
                    let ty = &kb.types[t];
                    crate::outln!("{} ({}; {})", kb.kind_name(t), ty.name, ty.id)?;
                    for (def, pin) in kb.attributes_of(t) {
                        match pin {
                            Some(p) => crate::outln!("    {} = \"{p}\" (pinned)", def.name)?,
                            None => crate::outln!("    {}: {}", def.name, def.values.join(" | "))?,
                        }
                    }
                }
            }
            Ok(Outcome::Ok)
        }
    }
}

/// Threats of one side of a diff: a project file (with its triage) or a model file.
fn threats_of(path: &Path, rules: &RuleSet) -> anyhow::Result<Vec<rampart_threat::Threat>> {
    // A project file is the TOML document with a `project` table (a model file has `meta`).
    let is_project = path.extension().and_then(|e| e.to_str()) == Some("toml")
        && std::fs::read_to_string(path)
            .ok()
            .and_then(|t| t.parse::<toml_edit::DocumentMut>().ok())
            .is_some_and(|doc| doc.contains_table("project"));
    if is_project {
        let p = rampart_config::load_file(path).map_err(|e| anyhow::anyhow!("{e}"))?;
        return Ok(rampart_threat::load_project(&p)?.threats);
    }
    let (dfd, triage) = load_model(path, rules)?;
    let mut threats = rules.generate(&dfd)?;
    if let Some(t) = triage {
        t.apply(&mut threats);
    }
    Ok(threats)
}
