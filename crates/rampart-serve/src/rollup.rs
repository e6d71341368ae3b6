//! The incremental rollup job: folds new observations into per-minute, per-hour and per-day
//! rollups (and monitor states and outages) every second, reading only rows it has not seen.
//! Minute rollups are kept two days; hours and days stay.
//!
//! It also keeps the in-memory status history ([`crate::status_cache`]) current: each step's
//! changes are applied to it as they are committed, and it is reloaded whole from the store now
//! and then (and whenever it is missing), always from this one task so a load and a step never
//! interleave.

use crate::history::History;
use crate::state::ServeState;
use chrono::Utc;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Rows folded per transaction: bounded, so a large backlog never holds a long write lock.
const BATCH: i64 = 20_000;

/// Ticks (seconds) between reloads of the in-memory history from the store. Only this process
/// folds rollups, so a reload finds what the applied changes already hold; it is there to bound
/// any drift (another serve folding into the same database) to a few minutes.
const RELOAD_EVERY: u32 = 600;

/// Brings the rollups up to date (used at start and by the loop), applying every step's changes
/// to the in-memory history.
pub async fn catch_up(state: &ServeState) -> usize {
    let mut total = 0;
    loop {
        match state.store.rollup_changes(BATCH).await {
            Ok(c) if c.folded == 0 => return total,
            Ok(c) => {
                total += c.folded;
                state.status.apply(&c);
            }
            Err(e) => {
                tracing::warn!(error = %e, "rollup step failed; retrying in a second");
                return total;
            }
        }
    }
}

/// Loads the in-memory history from the store's rollups (call only between steps).
pub async fn load_history(state: &ServeState) {
    match History::load(&state.store, Utc::now()).await {
        Ok(h) => state.status.replace(h),
        Err(e) => tracing::warn!(error = %e, "loading the status history failed; retrying"),
    }
}

pub async fn run(state: Arc<ServeState>, mut stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut since_prune = 0u32;
    let mut since_load = 0u32;
    let mut since_history_prune = 0u32;
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => {
                catch_up(&state).await;
                return;
            }
        }
        let folded = catch_up(&state).await;
        since_load += 1;
        if !state.status.is_loaded() || since_load >= RELOAD_EVERY {
            since_load = 0;
            load_history(&state).await;
        }
        if folded > 0 {
            state.notify("status");
        }
        since_prune += 1;
        since_history_prune += 1;
        if since_history_prune >= 60 {
            since_history_prune = 0;
            state.status.prune(Utc::now());
        }
        if since_prune >= 3600 {
            since_prune = 0;
            let before = Utc::now() - chrono::Duration::days(2);
            if let Err(e) = state.store.prune_minute_rollups(before).await {
                tracing::warn!(error = %e, "pruning minute rollups failed");
            }
        }
    }
}
