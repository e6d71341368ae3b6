//! What every request handler and background job shares.

use crate::auth::Throttle;
use crate::status_cache::StatusCache;
use rampart_config::Project;
use rampart_sla::monitor::Live;
use rampart_store::Store;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use tokio::sync::broadcast;

/// How `rampart serve` was started.
#[derive(Debug, Clone)]
pub struct Options {
    pub project_path: PathBuf,
    /// Overrides the project file's database.
    pub database: Option<String>,
    pub listen: SocketAddr,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    /// A separate listener for Prometheus `/metrics`; none unless asked for.
    pub metrics: Option<SocketAddr>,
    pub agent: Option<String>,
    pub concurrency: usize,
    /// Printed once the listeners are bound (tests read the real port from it).
    pub announce: bool,
    /// The program to run for scheduled assessments (`rampart` itself).
    pub assess_program: Option<PathBuf>,
}

/// Shared by handlers and jobs.
pub struct ServeState {
    pub store: Store,
    /// The project as last loaded successfully; a reload swaps it whole.
    pub project: RwLock<Arc<Project>>,
    pub live: Arc<Live>,
    pub throttle: Throttle,
    /// Cookies get `Secure` when served over TLS.
    pub tls: bool,
    /// "Something changed": rollups advanced, a triage edit, a reload. Feeds server-sent events.
    pub events: broadcast::Sender<String>,
    /// The status page's history and rendered bytes, kept current by the rollup job.
    pub status: StatusCache,
}

impl ServeState {
    pub fn project(&self) -> Arc<Project> {
        self.project
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn set_project(&self, p: Project) {
        *self.project.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(p);
    }

    pub fn notify(&self, what: &str) {
        let _ = self.events.send(what.to_string());
    }
}
