//! `rampart risks`: the risk register, evaluated against the project's matrix.
//!
//! A likelihood that says `measured_by = "<monitor>"` is derived from that monitor's observations
//! in the store (uptime and MTTR, the derivation shown); the store is opened only then. Threat ids
//! a risk cites are checked against the project's threat model, and an id no generated threat has
//! is a warning.

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
    let project = crate::project::load(global)?;
    let pf = &project.file;
    let measured_by = pf.risks.iter().any(|r| {
        r.likelihood.measured_by.is_some()
            || r.residual_likelihood
                .as_ref()
                .is_some_and(|l| l.measured_by.is_some())
    });
    let measured = if measured_by {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?;
        rt.block_on(async {
            let store = crate::project::open_store(global, &project).await?;
            let sla = rampart_assess::sla_report(&project, &store, chrono::Utc::now()).await?;
            anyhow::Ok(
                sla.as_ref()
                    .map(rampart_assess::measured_availability)
                    .unwrap_or_default(),
            )
        })?
    } else {
        BTreeMap::new()
    };
    let register = rampart_risk::evaluate(pf, &measured)?;
    if pf.threats.is_some() && pf.risks.iter().any(|r| !r.threats.is_empty()) {
        let threats = rampart_threat::load_project(&project)?;
        let (_, warnings) =
            rampart_assess::resolve_cited_threats(Some(&register), Some(&threats.threats), &[]);
        for w in warnings {
            crate::errln!("warning: {w}");
        }
    } else if pf.threats.is_none() && pf.risks.iter().any(|r| !r.threats.is_empty()) {
        crate::errln!("warning: risks cite threats, but the project has no [threats] section to resolve them against");
    }
    let out = match format {
        Format::Json => serde_json::to_string_pretty(&register)?,
        _ => rampart_report::render::render(&render::document(&register, &pf.project.name), format)
            .unwrap_or_default(),
    };
    args.output.write(&out)?;
    Ok(Outcome::Ok)
}
