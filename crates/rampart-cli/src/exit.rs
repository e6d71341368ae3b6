//! Exit codes and how errors reach the user.

use std::process::ExitCode;

/// What a command reports back to `main`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Ran fine (exit 0).
    Ok,
    /// Ran, and a policy or check failed (exit 1).
    PolicyFailed,
}

impl From<Outcome> for ExitCode {
    fn from(o: Outcome) -> Self {
        match o {
            Outcome::Ok => ExitCode::SUCCESS,
            Outcome::PolicyFailed => ExitCode::from(1),
        }
    }
}

/// An error that ends a command: usage and input errors, unreachable databases, ... (exit 2).
#[derive(Debug)]
pub struct CliError(pub anyhow::Error);

impl CliError {
    pub fn report(self) -> ExitCode {
        // `{:#}` prints the whole chain on one line: "cannot open store: ...: permission denied".
        // Errors quote input (file contents, banners, URLs): shown, never sent to the terminal raw.
        let text = rampart_report::escape::text(&format!("{:#}", self.0)).into_owned();
        if text.starts_with("error:") {
            eprintln!("{text}");
        } else {
            eprintln!("error: {text}");
        }
        ExitCode::from(2)
    }
}

/// What every command returns; `main` turns an error into exit code 2.
pub type CliResult = anyhow::Result<Outcome>;
