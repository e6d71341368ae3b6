//! Security scans of a running service, each one a library call returning a report of findings.
//!
//! - [`scan_ports`]: an asynchronous TCP connect scan (open / closed / filtered) with banner
//!   grabbing and service naming, compared against the ports the project says a host exposes.
//! - [`scan_web`]: a bounded crawl, path discovery, header/cookie/CSRF checks, reflected XSS, SQL
//!   injection and login rate limiting.
//! - [`scan_ssh`], [`scan_tls`], [`scan_smtp`]: protocol-level checks of those services.
//!
//! Every packet goes through [`rampart_net::Net`] (scope guard, politeness). Nothing here prints
//! or exits: a target that is down or answers nothing is data in the report. Each finding comes
//! from one [`Rule`] (one file per rule in [`rules`]) with a stable id and What/Why/Fix docs.

pub mod ports;
mod rule;
pub mod rules;
pub mod smtp;
pub mod ssh;
pub mod tls;
pub mod web;

pub use ports::{scan_ports, PortOptions, PortReport, PortResult, PortSpec, PortState};
pub use rule::Rule;
pub use smtp::{scan_smtp, SmtpOptions, SmtpReport};
pub use ssh::{scan_ssh, SshOptions, SshReport};
pub use tls::{scan_tls, TlsOptions, TlsReport};
pub use web::{scan_web, WebAuth, WebOptions, WebReport};

/// A progress callback: the library calls it with how much is done (ports with a verdict, web
/// requests sent); only the CLI draws. Called from the scan's hot loop, so it must be cheap
/// (an atomic store, such as indicatif's `set_position`).
#[derive(Clone)]
pub struct Progress(std::sync::Arc<dyn Fn(u64) + Send + Sync>);

impl Progress {
    pub fn new(f: impl Fn(u64) + Send + Sync + 'static) -> Self {
        Progress(std::sync::Arc::new(f))
    }

    pub(crate) fn report(&self, done: u64) {
        (self.0)(done)
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress(..)")
    }
}

/// Why a scan could not run at all (a scan that ran and found a target down is not an error).
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum ScanError {
    #[error(
        "invalid port list \"{input}\": {reason} (expected e.g. 1-65535, 22,80,443 or top:1000)"
    )]
    PortSpec { input: String, reason: String },
    #[error("invalid target \"{input}\": {reason}")]
    Target { input: String, reason: String },
    #[error(transparent)]
    Net(#[from] rampart_net::NetError),
}

/// Trims `s` to at most `max` bytes on a char boundary, for evidence excerpts.
pub(crate) fn excerpt(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// Printable form of raw protocol bytes: text kept, control bytes escaped.
pub(crate) fn printable(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &b in bytes {
        match b {
            b'\r' => {}
            b'\n' => out.push_str("\\n"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out
}
