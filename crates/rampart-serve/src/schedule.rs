//! The daily assessment: `[serve] assess_at = "HH:MM"` in `time_zone`. It runs `rampart assess`
//! as a child process (the same code path as the command, isolated from the server's memory),
//! remembers in the store when it last ran, and after a restart runs a missed slot once instead
//! of waiting a day or repeating one that already ran.

use crate::audit::{self, Actor};
use crate::state::{Options, ServeState};
use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use std::sync::Arc;
use tokio::sync::watch;

const JOB: &str = "assess";

/// The latest slot at or before `now`: today's `at` in `zone`, or yesterday's.
pub fn latest_slot(now: DateTime<Utc>, at: NaiveTime, zone: Tz) -> DateTime<Utc> {
    let local = now.with_timezone(&zone).date_naive();
    for d in [local, local - Duration::days(1), local - Duration::days(2)] {
        // A time skipped by a DST change resolves to the earliest valid instant after it.
        let slot = zone
            .from_local_datetime(&d.and_time(at))
            .earliest()
            .or_else(|| {
                zone.from_local_datetime(&d.and_time(at + Duration::hours(1)))
                    .earliest()
            })
            .map(|t| t.with_timezone(&Utc));
        if let Some(s) = slot.filter(|s| *s <= now) {
            return s;
        }
    }
    now
}

pub async fn run(state: Arc<ServeState>, opts: Options, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(std::time::Duration::from_secs(5)) => {}
            _ = stop.changed() => return,
        }
        let project = state.project();
        let Some(serve) = project.file.serve.clone() else {
            continue;
        };
        let Some((h, m)) = serve
            .assess_at
            .as_deref()
            .and_then(rampart_config::parse_time_of_day)
        else {
            continue;
        };
        let zone: Tz = serve
            .time_zone
            .as_deref()
            .unwrap_or("UTC")
            .parse()
            .unwrap_or(Tz::UTC);
        let Some(at) = NaiveTime::from_hms_opt(h, m, 0) else {
            continue;
        };
        let now = Utc::now();
        let slot = latest_slot(now, at, zone);
        let last = match state.store.schedule_last(JOB).await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "schedule: store error");
                continue;
            }
        };
        if last.is_some_and(|l| l >= slot) {
            continue;
        }
        // First start with a schedule: do not run immediately for a slot long past.
        if last.is_none() && now - slot > Duration::minutes(5) {
            let _ = state.store.set_schedule_last(JOB, slot).await;
            continue;
        }
        let _ = state.store.set_schedule_last(JOB, slot).await;
        let program = opts
            .assess_program
            .clone()
            .or_else(|| std::env::current_exe().ok())
            .unwrap_or_else(|| "rampart".into());
        tracing::info!(%slot, "scheduled assessment starting");
        let mut cmd = tokio::process::Command::new(&program);
        cmd.arg("--project")
            .arg(&project.path)
            .arg("assess")
            .kill_on_drop(true);
        if let Some(d) = serve.assess_duration {
            cmd.arg("--duration").arg(d.to_string());
        }
        if let Some(db) = &opts.database {
            cmd.arg("--database").arg(db);
        }
        let result = cmd.status().await;
        let outcome = match &result {
            Ok(s) => format!(
                "exit {}",
                s.code()
                    .map(|c| c.to_string())
                    .unwrap_or_else(|| "signal".into())
            ),
            Err(e) => format!("could not start {}: {e}", program.display()),
        };
        tracing::info!(%outcome, "scheduled assessment finished");
        audit::record(
            &state,
            &Actor::system("schedule"),
            "assess.run",
            &project.path.display().to_string(),
            None,
            Some(outcome),
        )
        .await;
        state.notify("assess");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_is_local_time_in_the_zone() {
        let zone: Tz = "Europe/Copenhagen".parse().unwrap();
        let at = NaiveTime::from_hms_opt(2, 0, 0).unwrap();
        // 2026-07-01 10:00 UTC: today's 02:00 CEST (UTC+2) is 00:00 UTC.
        let now = Utc.with_ymd_and_hms(2026, 7, 1, 10, 0, 0).unwrap();
        assert_eq!(
            latest_slot(now, at, zone),
            Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).unwrap()
        );
        // 2026-01-01 00:30 UTC: today's 02:00 CET (01:00 UTC) is still ahead: yesterday's.
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 30, 0).unwrap();
        assert_eq!(
            latest_slot(now, at, zone),
            Utc.with_ymd_and_hms(2025, 12, 31, 1, 0, 0).unwrap()
        );
    }
}
