use crate::exit::{CliResult, Outcome};
use crate::output::OutputArgs;
use crate::Global;
use rampart_report::Format;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The file to check (default: the --project file, rampart.toml).
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(global: &Global, args: Args) -> CliResult {
    let format = args.output.require(&[Format::Text, Format::Json])?;
    let path = args.file.unwrap_or_else(|| global.project.clone());
    let result = rampart_config::validate_file(&path);
    // A valid file can still claim what no check will ever confirm: said, not failed.
    let claims = match &result {
        Ok(p) => rampart_assess::claims::unverifiable_claims(p)
            .unwrap_or_else(|e| vec![format!("cannot check the claimed mitigations: {e}")]),
        Err(_) => Vec::new(),
    };
    for c in &claims {
        crate::errln!("warning: {c}");
    }
    if format == Format::Json {
        let errors: Vec<serde_json::Value> = match &result {
            Ok(_) => Vec::new(),
            Err(e) => {
                e.0.iter()
                    .map(|e| {
                        serde_json::json!({
                            "file": e.file, "line": e.line, "column": e.column,
                            "key": e.key, "message": e.message, "hint": e.hint,
                        })
                    })
                    .collect()
            }
        };
        let n = errors.len();
        args.output.write(&serde_json::to_string_pretty(
            &serde_json::json!({ "file": path, "valid": n == 0, "errors": errors, "warnings": claims }),
        )?)?;
        if n > 0 {
            anyhow::bail!(
                "{n} error{} in {}",
                if n == 1 { "" } else { "s" },
                path.display()
            );
        }
        return Ok(Outcome::Ok);
    }
    match result {
        Ok(p) => {
            let f = &p.file;
            let scope = f.scope.hosts.len() + f.scope.cidrs.len() + f.scope.urls.len();
            args.output.write(&format!(
                "{}: valid — project \"{}\", {scope} scope entr{}, {} monitor(s), {} SLA clause(s), {} host(s), {} web target(s), {} log source(s)",
                path.display(),
                f.project.name,
                if scope == 1 { "y" } else { "ies" },
                f.monitors.len(),
                f.sla.len(),
                f.hosts.len(),
                f.web.len(),
                f.logs.sources.len(),
            ))?;
            Ok(Outcome::Ok)
        }
        Err(errors) => {
            let n = errors.0.len();
            Err(anyhow::anyhow!(
                "{errors}\n{n} error{} in {}",
                if n == 1 { "" } else { "s" },
                path.display()
            ))
        }
    }
}
