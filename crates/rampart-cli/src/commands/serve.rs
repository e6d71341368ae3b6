//! `rampart serve`: the assessment as a running service — monitors without end, a public status
//! page, the team dashboard with login, the audit log, reload on change, and a daily assessment.

use crate::exit::{CliResult, Outcome};
use crate::Global;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Address of the status page and dashboard.
    #[arg(long, default_value = "127.0.0.1:7878", value_name = "ADDR")]
    pub listen: SocketAddr,
    /// TLS certificate chain (PEM); with --tls-key, serves HTTPS.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Serve Prometheus metrics at /metrics on this separate address (none unless given).
    #[arg(long, value_name = "ADDR")]
    pub metrics: Option<SocketAddr>,
    /// This agent's name; default: the project's `agent`, else `local`.
    #[arg(long)]
    pub agent: Option<String>,
    /// Probes in flight at once, across all monitors.
    #[arg(long, default_value_t = 256)]
    pub concurrency: usize,
}

pub fn run(global: &Global, args: Args) -> CliResult {
    let opts = rampart_serve::Options {
        project_path: global.project.clone(),
        database: global.database.clone(),
        listen: args.listen,
        tls_cert: args.tls_cert,
        tls_key: args.tls_key,
        metrics: args.metrics,
        agent: args.agent,
        concurrency: args.concurrency,
        announce: true,
        assess_program: std::env::current_exe().ok(),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(rampart_serve::run(opts))?;
    Ok(Outcome::Ok)
}
