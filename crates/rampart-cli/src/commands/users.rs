//! `rampart users add|list|remove|passwd`: accounts of the dashboard. Passwords are read from
//! stdin (one line) or generated and printed once; only their argon2id hash is stored. Every
//! change is written to the audit log with the operating-system user as the actor.

use super::sla::{database_url, project_if_any};
use crate::exit::{CliResult, Outcome};
use crate::Global;
use chrono::Utc;
use rampart_store::{AuditEvent, Store};
use std::io::{BufRead, IsTerminal};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub command: UsersCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum UsersCommand {
    /// Add an account; the password is read from stdin, or generated and printed once.
    Add {
        name: String,
        #[arg(long, value_parser = ["viewer", "triager", "admin"])]
        role: String,
        /// Generate a password (printed once) instead of reading one from stdin.
        #[arg(long)]
        generate: bool,
    },
    /// List accounts (never their password hashes).
    List {
        #[arg(long, default_value = "text", value_parser = ["text", "json"])]
        format: String,
    },
    /// Remove an account and end its sessions.
    Remove { name: String },
    /// Set a new password (stdin, or generated with --generate) and end the account's sessions.
    Passwd {
        name: String,
        #[arg(long)]
        generate: bool,
    },
}

/// Reads the password from stdin, or generates one (printed once) when asked or when stdin is
/// a terminal with nothing piped in.
fn password(generate: bool) -> anyhow::Result<(String, bool)> {
    if generate || std::io::stdin().is_terminal() {
        return Ok((rampart_serve::auth::generate_password(), true));
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let p = line.trim_end_matches(['\r', '\n']).to_string();
    if p.chars().count() < 8 {
        anyhow::bail!("the password read from stdin is shorter than 8 characters; expected one line with at least 8 (or use --generate)");
    }
    Ok((p, false))
}

pub(crate) fn operator() -> String {
    let who = std::env::var("SUDO_USER")
        .or_else(|_| std::env::var("USER"))
        .unwrap_or_else(|_| "unknown".into());
    format!("{who} (cli)")
}

async fn audit(
    store: &Store,
    action: &str,
    object: &str,
    before: Option<String>,
    after: Option<String>,
) -> anyhow::Result<()> {
    store
        .append_audit(&AuditEvent {
            at: Utc::now(),
            actor: operator(),
            action: action.into(),
            object: object.into(),
            before,
            after,
            client: Some("local cli".into()),
        })
        .await?;
    Ok(())
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
        let r = run_in(&store, args.command).await;
        store.close().await;
        r
    })
}

async fn run_in(store: &Store, cmd: UsersCommand) -> CliResult {
    match cmd {
        UsersCommand::Add {
            name,
            role,
            generate,
        } => {
            if name.is_empty()
                || name.len() > 64
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c))
            {
                anyhow::bail!("user name \"{name}\": expected 1 to 64 letters, digits or . _ - @");
            }
            let (pw, generated) = password(generate)?;
            let hash = rampart_serve::auth::hash_password(&pw)?;
            if !store.add_user(&name, &role, &hash).await? {
                anyhow::bail!(
                    "user \"{name}\" exists already (hint: `rampart users passwd {name}`)"
                );
            }
            audit(
                store,
                "user.add",
                &format!("user:{name}"),
                None,
                Some(format!("role {role}")),
            )
            .await?;
            if generated {
                println!("added {name} ({role}); password (shown once): {pw}");
            } else {
                println!("added {name} ({role})");
            }
        }
        UsersCommand::List { format } => {
            let users = store.users().await?;
            if format == "json" {
                let v: Vec<_> = users.iter().map(|u| serde_json::json!({"name": u.name, "role": u.role, "created_at": u.created_at})).collect();
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({ "users": v }))?
                );
            } else {
                for u in &users {
                    println!(
                        "{:<24} {:<8} added {}",
                        u.name,
                        u.role,
                        u.created_at.format("%Y-%m-%d %H:%M UTC")
                    );
                }
                if users.is_empty() {
                    eprintln!("no user yet (hint: `rampart users add NAME --role admin`)");
                }
            }
        }
        UsersCommand::Remove { name } => {
            let before = store.user(&name).await?.map(|u| format!("role {}", u.role));
            if !store.remove_user(&name).await? {
                anyhow::bail!("no user \"{name}\"");
            }
            audit(store, "user.remove", &format!("user:{name}"), before, None).await?;
            println!("removed {name} and ended their sessions");
        }
        UsersCommand::Passwd { name, generate } => {
            let (pw, generated) = password(generate)?;
            let hash = rampart_serve::auth::hash_password(&pw)?;
            if !store.set_password(&name, &hash).await? {
                anyhow::bail!("no user \"{name}\"");
            }
            audit(
                store,
                "user.passwd",
                &format!("user:{name}"),
                Some("password".into()),
                Some("password changed; sessions ended".into()),
            )
            .await?;
            if generated {
                println!("new password for {name} (shown once): {pw}");
            } else {
                println!("password of {name} changed; their sessions are ended");
            }
        }
    }
    Ok(Outcome::Ok)
}
