//! `rampart serve`: one long-running process that runs the project's monitors without end, keeps
//! rollups of what they observe, serves a public status page and a team dashboard (login, roles,
//! triage), records who did what in an append-only audit log, reloads the project file when it
//! changes and runs `assess` on a schedule.
//!
//! The pieces: [`supervisor`] (monitors and reload), [`rollup`] (the incremental rollup job),
//! [`status`] (uptime and latency from rollups), [`history`] and [`status_cache`] (what the
//! status page is computed from, in memory, and its rendered bytes), [`auth`] (passwords, sessions, CSRF, throttling),
//! [`http`] (routes and pages), [`listen`] (plain or TLS listener), [`schedule`] (daily assess).

// Handlers return a ready `Response` as their error value; boxing it would only add noise.
#![allow(clippy::result_large_err)]

pub mod audit;
pub mod auth;
pub mod findings_adapter;
pub mod history;
pub mod http;
pub mod listen;
pub mod rollup;
pub mod schedule;
pub mod state;
pub mod status;
pub mod status_cache;
pub mod supervisor;
pub mod svg;

pub use state::{Options, ServeState};

/// Runs `rampart serve` until SIGTERM or Ctrl-C.
pub async fn run(opts: Options) -> anyhow::Result<()> {
    supervisor::run(opts).await
}
