//! `rampart audit`: the audit log of `rampart serve` and `rampart users` — who did what, when,
//! to what, before and after. Read-only: rampart has no command to change it, and reading it is
//! not itself logged.

use super::sla::{database_url, project_if_any};
use crate::exit::{CliResult, Outcome};
use crate::Global;
use rampart_store::Store;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
    /// Only the newest N events.
    #[arg(long)]
    pub last: Option<i64>,
}

pub fn run(global: &Global, args: Args) -> CliResult {
    // With --database the project file is not needed (and may be broken: reading the audit
    // log of a rejected reload must still work).
    let project = match &global.database {
        Some(_) => None,
        None => project_if_any(global)?,
    };
    let url = database_url(global, project.as_ref());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let store = Store::open(&url).await?;
        let events = store.audit_events(args.last).await?;
        store.close().await;
        if args.format == "json" {
            println!(
                "{}",
                serde_json::to_string_pretty(&rampart_serve::audit::to_json(&events))?
            );
        } else {
            for e in &events {
                println!(
                    "{}  {:<20} {:<22} {:<28} {} -> {}  {}",
                    e.at.format("%Y-%m-%d %H:%M:%S"),
                    e.actor,
                    e.action,
                    e.object,
                    e.before.as_deref().unwrap_or("-"),
                    e.after.as_deref().unwrap_or("-"),
                    e.client.as_deref().unwrap_or("")
                );
            }
        }
        Ok(Outcome::Ok)
    })
}
