//! The status as `rampart serve` holds it between requests: the in-memory [`History`] (loaded
//! from the store, kept current by the rollup job) and the public page and JSON rendered from it,
//! once per change. A request answers from memory: no database read, and no rendering either
//! unless the page changed more than a few seconds ago and nobody has asked since.
//!
//! A change (a rollup step folded observations, the project was reloaded, the minute turned)
//! makes the rendered bytes stale. The next request starts one render in the background and,
//! while the stale bytes are at most [`STALE_OK`] old, answers with them; older ones it does not
//! serve, it waits for the render. So a state change shows within a tick of the rollup job plus
//! one render, and no request pays for a render while a recent page exists.

use crate::history::History;
use crate::state::ServeState;
use crate::status::{self, StatusPage};
use axum::body::Bytes;
use chrono::{DateTime, Utc};
use rampart_config::Project;
use rampart_store::{RollupChanges, StoreError};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// How old rendered bytes may be and still answer a request while a newer render runs.
const STALE_OK: Duration = Duration::from_secs(3);

pub struct StatusCache {
    history: RwLock<Option<History>>,
    /// Bumped by every change to the history.
    version: AtomicU64,
    /// Tells this process's ETags from another's (a restart starts versions again).
    epoch: u64,
    latest: RwLock<Option<Arc<Rendered>>>,
    /// One render at a time; the others wait for it or answer with the stale bytes.
    render_lock: tokio::sync::Mutex<()>,
    rendering: AtomicBool,
    renders: AtomicU64,
}

/// The public status page and its JSON, rendered from one version of the history.
pub struct Rendered {
    version: u64,
    minute: i64,
    project: Arc<Project>,
    built: std::time::Instant,
    pub html: Bytes,
    pub json: Bytes,
    /// Strong validators (`"…"` quoted): distinct for every render of this process.
    pub html_etag: String,
    pub json_etag: String,
}

impl Rendered {
    fn current(&self, project: &Arc<Project>, version: u64, minute: i64) -> bool {
        self.version == version && self.minute == minute && Arc::ptr_eq(&self.project, project)
    }
}

impl Default for StatusCache {
    fn default() -> Self {
        StatusCache {
            history: RwLock::new(None),
            version: AtomicU64::new(0),
            epoch: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_micros() as u64)
                .unwrap_or(0),
            latest: RwLock::new(None),
            render_lock: tokio::sync::Mutex::new(()),
            rendering: AtomicBool::new(false),
            renders: AtomicU64::new(0),
        }
    }
}

impl StatusCache {
    /// Replaces the history whole (a load from the store).
    pub fn replace(&self, history: History) {
        *self.history.write().unwrap_or_else(|p| p.into_inner()) = Some(history);
        self.version.fetch_add(1, Ordering::AcqRel);
    }

    /// Applies one rollup step's changes; ignored until a history is loaded (the load that
    /// follows reads them from the store).
    pub fn apply(&self, changes: &RollupChanges) {
        if changes.folded == 0 {
            return;
        }
        let mut h = self.history.write().unwrap_or_else(|p| p.into_inner());
        if let Some(h) = h.as_mut() {
            h.apply(changes);
            self.version.fetch_add(1, Ordering::AcqRel);
        }
    }

    /// Drops buckets no page shows any more.
    pub fn prune(&self, now: DateTime<Utc>) {
        if let Some(h) = self
            .history
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .as_mut()
        {
            h.prune(now);
        }
    }

    pub fn is_loaded(&self) -> bool {
        self.history
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    /// The status of `monitors` from memory; `None` before the history is loaded.
    pub fn page(
        &self,
        project: &Project,
        monitors: &[String],
        now: DateTime<Utc>,
    ) -> Option<StatusPage> {
        let h = self.history.read().unwrap_or_else(|p| p.into_inner());
        h.as_ref()
            .map(|h| status::from_history(h, project, monitors, now))
    }

    /// The public page and JSON: current, or stale by at most [`STALE_OK`] while a render runs.
    pub async fn public(state: &Arc<ServeState>) -> Result<Arc<Rendered>, StoreError> {
        let cache = &state.status;
        let project = state.project();
        let (version, minute) = cache.key();
        let latest = cache.latest();
        if let Some(r) = &latest {
            if r.current(&project, version, minute) {
                return Ok(r.clone());
            }
            if r.built.elapsed() <= STALE_OK {
                if !cache.rendering.swap(true, Ordering::AcqRel) {
                    let state = state.clone();
                    tokio::spawn(async move {
                        let _ = StatusCache::render(&state).await;
                        state.status.rendering.store(false, Ordering::Release);
                    });
                }
                return Ok(r.clone());
            }
        }
        StatusCache::render(state).await
    }

    /// Renders the current version unless another render already did.
    async fn render(state: &Arc<ServeState>) -> Result<Arc<Rendered>, StoreError> {
        let cache = &state.status;
        let _one = cache.render_lock.lock().await;
        let project = state.project();
        let (version, minute) = cache.key();
        if let Some(r) = cache
            .latest()
            .filter(|r| r.current(&project, version, minute))
        {
            return Ok(r);
        }
        let monitors = status::public_monitors(&project);
        let now = Utc::now();
        let page = match cache.page(&project, &monitors, now) {
            Some(p) => p,
            // Not loaded yet (the store did not answer at start): read it, do not keep it.
            None => status::compute(&state.store, &project, &monitors, now).await?,
        };
        let seq = cache.renders.fetch_add(1, Ordering::AcqRel);
        let epoch = cache.epoch;
        let p = project.clone();
        // Pure CPU for a few milliseconds per hundred monitors: off the request threads.
        let rendered = tokio::task::spawn_blocking(move || {
            let html = crate::http::public::render_page(&page);
            let json = serde_json::to_vec(&page).unwrap_or_default();
            Rendered {
                version,
                minute,
                project: p,
                built: std::time::Instant::now(),
                html: Bytes::from(html),
                json: Bytes::from(json),
                html_etag: format!("\"{epoch:x}-{seq}-h\""),
                json_etag: format!("\"{epoch:x}-{seq}-j\""),
            }
        })
        .await
        .expect("rendering the status page does not panic");
        let rendered = Arc::new(rendered);
        *cache.latest.write().unwrap_or_else(|p| p.into_inner()) = Some(rendered.clone());
        Ok(rendered)
    }

    /// What the rendered bytes depend on besides the project: the history's version and the
    /// minute (uptime windows slide and ongoing outages grow even when nothing is probed).
    fn key(&self) -> (u64, i64) {
        (
            self.version.load(Ordering::Acquire),
            Utc::now().timestamp().div_euclid(60),
        )
    }

    fn latest(&self) -> Option<Arc<Rendered>> {
        self.latest
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}
