use crate::exit::{CliResult, Outcome};
use crate::Global;
use anyhow::Context;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// A target rampart may touch: host name, IP address, CIDR range or URL. Repeatable.
    #[arg(long = "scope", value_name = "HOST|CIDR|URL")]
    pub scope: Vec<String>,
    /// The service's name (default: the current folder's name).
    #[arg(long)]
    pub name: Option<String>,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

pub fn run(global: &Global, args: Args) -> CliResult {
    let path = &global.project;
    if path.exists() && !args.force {
        anyhow::bail!(
            "{} already exists; pass --force to overwrite it",
            path.display()
        );
    }
    for s in &args.scope {
        check_scope_arg(s)?;
    }
    let name = args.name.unwrap_or_else(|| {
        std::env::current_dir()
            .ok()
            .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "my-service".into())
    });
    let text = rampart_config::starter_file(&name, &args.scope);
    // The starter must itself be valid: fail here rather than hand the user a broken file.
    rampart_config::load_str(&text, path).map_err(|e| anyhow::anyhow!("{e}"))?;
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    crate::say_err!(
        "wrote {} with {} target(s) in scope; check it with `rampart validate`",
        path.display(),
        args.scope.len()
    );
    Ok(Outcome::Ok)
}

fn check_scope_arg(s: &str) -> anyhow::Result<()> {
    if s.contains("://") {
        let u: url::Url = s
            .parse()
            .with_context(|| format!("--scope {s}: not a valid URL"))?;
        anyhow::ensure!(
            matches!(u.scheme(), "http" | "https") && u.host_str().is_some(),
            "--scope {s}: expected an http:// or https:// URL with a host"
        );
    } else if s.contains('/') {
        s.parse::<ipnet::IpNet>()
            .map_err(|e| anyhow::anyhow!("--scope {s}: not a valid CIDR range ({e})"))?;
    } else {
        anyhow::ensure!(
            !s.trim().is_empty() && !s.contains(' '),
            "--scope {s:?}: expected a host name or IP address"
        );
    }
    Ok(())
}
