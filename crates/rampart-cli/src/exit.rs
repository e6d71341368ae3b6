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
        // Errors quote input (file contents, banners, URLs): shown, never sent to the terminal raw.
        let text = rampart_report::escape::text(&one_line(&self.0)).into_owned();
        if text.starts_with("error:") {
            crate::errln!("{text}");
        } else {
            crate::errln!("error: {text}");
        }
        ExitCode::from(2)
    }
}

/// The whole chain on one line, "cannot open store: ...: permission denied", with each cause
/// printed once: many errors already include their source in their own message ("cannot read X:
/// No such file"), and printing the chain after it would say the cause twice.
pub fn one_line(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let c = cause.to_string();
        if text.contains(c.as_str()) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&c);
    }
    text
}

/// What every command returns; `main` turns an error into exit code 2.
pub type CliResult = anyhow::Result<Outcome>;

#[cfg(test)]
mod tests {
    #[test]
    fn each_cause_is_printed_once() {
        #[derive(Debug)]
        struct Read(std::io::Error);
        impl std::fmt::Display for Read {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "cannot read x.csv: {}", self.0)
            }
        }
        impl std::error::Error for Read {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let io = std::io::Error::from(std::io::ErrorKind::NotFound);
        let cause = io.to_string();
        let e = anyhow::Error::new(Read(io)).context("cannot import");
        assert_eq!(
            super::one_line(&e),
            format!("cannot import: cannot read x.csv: {cause}")
        );
    }
}
