//! The incremental rollup job: folds new observations into per-minute, per-hour and per-day
//! rollups (and monitor states and outages) every second, reading only rows it has not seen.
//! Minute rollups are kept two days; hours and days stay.

use crate::state::ServeState;
use chrono::Utc;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Rows folded per transaction: bounded, so a large backlog never holds a long write lock.
const BATCH: i64 = 20_000;

/// Brings the rollups up to date (used at start and by the loop).
pub async fn catch_up(state: &ServeState) -> usize {
    let mut total = 0;
    loop {
        match state.store.rollup_step(BATCH).await {
            Ok(0) => return total,
            Ok(n) => total += n,
            Err(e) => {
                tracing::warn!(error = %e, "rollup step failed; retrying in a second");
                return total;
            }
        }
    }
}

pub async fn run(state: Arc<ServeState>, mut stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut since_prune = 0u32;
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => {
                catch_up(&state).await;
                return;
            }
        }
        if catch_up(&state).await > 0 {
            state.notify("status");
        }
        since_prune += 1;
        if since_prune >= 3600 {
            since_prune = 0;
            let before = Utc::now() - chrono::Duration::days(2);
            if let Err(e) = state.store.prune_minute_rollups(before).await {
                tracing::warn!(error = %e, "pruning minute rollups failed");
            }
        }
    }
}
