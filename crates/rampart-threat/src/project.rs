//! The library entry point for other pillars: load a project's `[threats]` section, generate the
//! threats with their triage, and draw the diagram.

use crate::dfd::Dfd;
use crate::error::ThreatError;
use crate::generate::RuleSet;
use crate::threat::Threat;
use crate::triage::{Triage, TriageEntry};
use rampart_config::Project;
use std::path::{Path, PathBuf};

/// A project's threat model, generated and triaged.
#[derive(Debug, Clone)]
pub struct ProjectThreats {
    pub dfd: Dfd,
    /// Every generated threat, triage applied, in flow then rule order.
    pub threats: Vec<Threat>,
    /// Triage entries that match no generated threat (stale or mistyped ids).
    pub unmatched_triage: Vec<TriageEntry>,
    /// Name of the rule set used (built-in or the template's manifest).
    pub rules: String,
    /// The model file, or the project file when the DFD is inline.
    pub model_path: PathBuf,
    pub triage_path: Option<PathBuf>,
    /// What reading an imported model (.tm7, Threat Dragon) mapped with a rule or left out.
    pub warnings: Vec<String>,
}

impl ProjectThreats {
    /// The diagram as a standalone SVG document (boundaries drawn as clusters).
    pub fn svg(&self) -> String {
        crate::render::svg::render(&self.dfd).into_string()
    }

    /// Open threats (Not Started, Needs Investigation) as rampart findings, for SARIF and the
    /// combined report.
    pub fn findings(&self) -> Vec<rampart_model::Finding> {
        crate::render::sarif::findings(&self.threats)
    }
}

/// Options that override the project file (the command line wins).
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub model: Option<PathBuf>,
    pub triage: Option<PathBuf>,
    pub template: Option<PathBuf>,
}

/// Loads the model and triage named by the project's `[threats]` section and generates the
/// threats. `Err(ThreatError::NoSection)` when the project has no `[threats]` section.
pub fn load_project(project: &Project) -> Result<ProjectThreats, ThreatError> {
    load_project_with(project, &LoadOptions::default())
}

pub fn load_project_with(
    project: &Project,
    opts: &LoadOptions,
) -> Result<ProjectThreats, ThreatError> {
    let section = project.file.threats.clone();
    if section.is_none() && opts.model.is_none() {
        return Err(ThreatError::NoSection);
    }
    let section = section.unwrap_or_default();
    let pick = |cli: &Option<PathBuf>, file: &Option<PathBuf>| match cli {
        Some(p) => Some(p.clone()),
        None => file.as_ref().map(|p| project.resolve(p)),
    };
    let template = pick(&opts.template, &section.template);
    let triage_path = pick(&opts.triage, &section.triage);
    let rules = match &template {
        Some(t) => RuleSet::from_template(t)?,
        None => RuleSet::builtin()?,
    };
    let mut embedded = None;
    let mut warnings = Vec::new();
    let (dfd, model_path) = match pick(&opts.model, &section.model) {
        Some(m) => {
            let i = import_model(&m, &rules, ImportOptions::default())?;
            embedded = i.triage;
            warnings = i.warnings;
            (i.dfd, m)
        }
        None => {
            let text = crate::error::read(&project.path)?;
            let dfd = crate::dfd_toml::parse_inline_dfd(&text, &project.path, rules.kb())?
                .ok_or_else(|| {
                    ThreatError::Other(format!(
                        "{}: [threats] has neither `model` nor inline [[threats.element]] tables",
                        project.path.display()
                    ))
                })?;
            (dfd, project.path.clone())
        }
    };
    // A .tm7 or Threat Dragon model carries its own triage; a triage file wins over it.
    // A triage file that does not exist yet is empty: `rampart threats triage` writes it.
    let triage = match &triage_path {
        Some(p) if !p.exists() => Triage::default(),
        Some(p) => Triage::load(p)?,
        None => embedded.unwrap_or_default(),
    };
    let mut threats = rules.generate(&dfd)?;
    let outcome = triage.apply(&mut threats);
    Ok(ProjectThreats {
        dfd,
        threats,
        unmatched_triage: outcome.unmatched,
        rules: rules.kb().name.clone(),
        model_path,
        triage_path,
        warnings,
    })
}

/// Choices for reading an imported model (.tm7 or Threat Dragon).
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Drop flows with an end attached to no element, and threats stored on a flow or element
    /// the model does not have, with a warning each, instead of refusing the file.
    pub skip_dangling: bool,
}

/// A model file as read, with its embedded triage and what the reading had to say.
#[derive(Debug, Clone, Default)]
pub struct Imported {
    pub dfd: Dfd,
    /// The triage a .tm7 or Threat Dragon file carries (`None` for TOML models).
    pub triage: Option<Triage>,
    /// Things read but mapped with a rule or left out; each names the file.
    pub warnings: Vec<String>,
}

/// Reads a model file by its extension: `.tm7` (TMT), `.json` (Threat Dragon v2), otherwise the
/// TOML text format. For `.tm7` files the stored threats come back as a triage.
pub fn load_model(path: &Path, rules: &RuleSet) -> Result<(Dfd, Option<Triage>), ThreatError> {
    import_model(path, rules, ImportOptions::default()).map(|i| (i.dfd, i.triage))
}

/// [`load_model`] with options, keeping the warnings.
pub fn import_model(
    path: &Path,
    rules: &RuleSet,
    opts: ImportOptions,
) -> Result<Imported, ThreatError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "tm7" => {
            let text = crate::error::read(path)?;
            let mut m = crate::tm7::parse_tm7_with(&text, path, opts)?;
            let mut warnings = std::mem::take(&mut m.warnings);
            warnings.extend(crate::tm7::fit_to_template(&mut m.dfd, rules.kb(), path)?);
            let generated = rules.generate(&m.dfd)?;
            let triage = m.triage(&generated);
            m.dfd.threats = m.model_threats(&generated);
            Ok(Imported {
                dfd: m.dfd,
                triage: Some(triage),
                warnings,
            })
        }
        "json" => {
            let text = crate::error::read(path)?;
            let i = crate::dragon::parse_dragon_with(&text, path, rules.kb(), opts)?;
            Ok(Imported {
                dfd: i.dfd,
                triage: Some(i.triage),
                warnings: i.warnings,
            })
        }
        _ => Ok(Imported {
            dfd: crate::dfd_toml::load_dfd(path, rules.kb())?,
            triage: None,
            warnings: Vec::new(),
        }),
    }
}
