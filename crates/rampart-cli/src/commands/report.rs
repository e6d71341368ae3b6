//! `rampart report`: one report of everything rampart knows about the project.

use crate::exit::{CliResult, Outcome};
use crate::output::OutputArgs;
use crate::Global;
use rampart_report::Format;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(global: &Global, args: Args) -> CliResult {
    let format = args.output.require(&[
        Format::Text,
        Format::Json,
        Format::Md,
        Format::Html,
        Format::Sarif,
    ])?;
    let project = crate::project::load(global)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let (assessment, policy) = rt.block_on(async {
        let store = crate::project::open_store(global, &project).await?;
        let a = rampart_assess::gather(&project, &store, chrono::Utc::now()).await?;
        let policy = crate::commands::check::policy_results(&project, &a)?;
        anyhow::Ok((a, policy))
    })?;
    for w in &assessment.warnings {
        crate::say_err!("warning: {w}");
    }
    let out = render(format, &assessment, &policy)?;
    args.output.write(&out)?;
    Ok(Outcome::Ok)
}

pub fn render(
    format: Format,
    a: &rampart_assess::Assessment,
    policy: &[rampart_assess::policy::PolicyResult],
) -> anyhow::Result<String> {
    use rampart_assess::render;
    Ok(match format {
        Format::Html => render::html(a, policy),
        Format::Json => serde_json::to_string_pretty(&render::json(a, policy))?,
        Format::Sarif => serde_json::to_string_pretty(&render::sarif(a))?,
        // Markdown reads well as plain text too.
        _ => render::markdown(a, policy),
    })
}
