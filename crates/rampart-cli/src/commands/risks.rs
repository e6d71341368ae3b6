//! `rampart risks`: the risk register, evaluated against the project's matrix.

use crate::exit::{CliResult, Outcome};
use crate::output::OutputArgs;
use crate::Global;
use rampart_report::Format;
use rampart_risk::render;
use std::collections::BTreeMap;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(global: &Global, args: Args) -> CliResult {
    let format = args.output.require(Format::REPORT)?;
    let project = rampart_config::load_file(&global.project).map_err(|e| anyhow::anyhow!("{e}"))?;
    let register = rampart_risk::evaluate(&project.file, &BTreeMap::new())?;
    let out = match format {
        Format::Json => serde_json::to_string_pretty(&register)?,
        Format::Md => render::markdown(&register),
        Format::Html => render::html_page(&register, &project.file.project.name),
        _ => render::text(&register),
    };
    args.output.write(&out)?;
    Ok(Outcome::Ok)
}
