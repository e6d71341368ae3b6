//! `rampart`: the command line. Parses arguments, sets up logging, runs one command and turns its
//! outcome into an exit code: 0 ran fine, 1 ran and a policy failed, 2 usage or input error.
//! The only crate that prints.

mod bounds;
mod commands;
mod exit;
mod output;
mod progress;
mod project;
pub mod stdout;

use clap::{Parser, Subcommand};
use exit::CliError;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "rampart",
    version,
    about = "Assess the reliability and security of a web service from one project file",
    long_about = "rampart monitors SLAs and reports them honestly, checks ports, SSH, TLS and the web \
application, finds attacks in logs, generates STRIDE threats from a data-flow diagram, and keeps a \
risk register — all from one project file (rampart.toml), touching only the targets it declares.\n\n\
Exit codes: 0 ran fine, 1 ran and a policy failed, 2 usage or input error.",
    after_help = "Start with `rampart demo`, or `rampart init --scope https://your.service/` then `rampart validate`."
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// Options every command understands.
#[derive(clap::Args, Debug, Clone)]
pub struct Global {
    /// The project file.
    #[arg(
        short = 'p',
        long = "project",
        global = true,
        default_value = "rampart.toml",
        env = "RAMPART_PROJECT"
    )]
    pub project: PathBuf,
    /// Database URL (`sqlite://FILE` or `postgres://...`); overrides the project file.
    #[arg(long, global = true, env = "RAMPART_DATABASE")]
    pub database: Option<String>,
    /// More log output on stderr (-v info, -vv debug, -vvv trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Write a commented starter rampart.toml with the given targets in scope.
    Init(commands::init::Args),
    /// Check a project file: every error with file:line:column, what was found and what was expected.
    Validate(commands::validate::Args),
    /// Start a deliberately weak demo service on 127.0.0.1 and assess it with every pillar.
    Demo(commands::demo::Args),
    /// STRIDE threats from a data-flow diagram (TOML, TMT .tm7, Threat Dragon), with triage.
    Threats(commands::threats::Args),
    /// The risk register: likelihood × severity → level from the project's matrix, with derivations.
    Risks(commands::risks::Args),
    /// Run every check the project declares (monitors, scans, logs, threats), bounded in time.
    Assess(commands::assess::Args),
    /// One report of everything: SLA, findings, log incidents, threats, mitigations, risks.
    Report(commands::report::Args),
    /// Apply the project's policy for CI: exit 1 with an explanation when it fails.
    Check(commands::check::Args),
    /// Findings across assessments: list, show, accept, false-positive, export, import.
    Findings(commands::findings::Args),
    /// Find attacks (and confused users) in access, application and SSH logs.
    Logs(commands::logs::Args),
    /// SLA reports over stored or imported probes: `sla import`, `sla report`, `sla export`.
    Sla(commands::sla::Args),
    /// Run the project's monitors at a fixed cadence, storing every observation.
    Monitor(commands::monitor::Args),
    /// Security scans: ports, web, ssh, tls, smtp.
    Scan(commands::scan::Args),
    /// Run as a service: monitors without end, public status page, team dashboard, audit log.
    Serve(commands::serve::Args),
    /// Accounts of the `serve` dashboard: add, list, remove, passwd.
    Users(commands::users::Args),
    /// The audit log of `serve` and `users` (read-only).
    Audit(commands::audit::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.global.verbose);
    let result = match cli.command {
        Command::Init(a) => commands::init::run(&cli.global, a),
        Command::Validate(a) => commands::validate::run(&cli.global, a),
        Command::Demo(a) => commands::demo::run(&cli.global, a),
        Command::Threats(a) => commands::threats::run(&cli.global, a),
        Command::Risks(a) => commands::risks::run(&cli.global, a),
        Command::Assess(a) => commands::assess::run(&cli.global, a),
        Command::Report(a) => commands::report::run(&cli.global, a),
        Command::Check(a) => commands::check::run(&cli.global, a),
        Command::Findings(a) => commands::findings::run(&cli.global, a),
        Command::Logs(a) => commands::logs::run(&cli.global, a),
        Command::Sla(a) => commands::sla::run(&cli.global, a),
        Command::Monitor(a) => commands::monitor::run(&cli.global, a),
        Command::Scan(a) => commands::scan::run(&cli.global, a),
        Command::Serve(a) => commands::serve::run(&cli.global, a),
        Command::Users(a) => commands::users::run(&cli.global, a),
        Command::Audit(a) => commands::audit::run(&cli.global, a),
    };
    match result {
        Ok(code) => code.into(),
        // The reader of our output has gone (`| head`): it has what it wanted.
        Err(e) if stdout::is_closed_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => CliError(e).report(),
    }
}

fn init_tracing(verbose: u8) {
    let level = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("RAMPART_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    use std::io::IsTerminal;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, never into files or CI logs.
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .init();
}
