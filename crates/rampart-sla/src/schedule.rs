//! A fixed cadence: tick n is due at t0 + n·interval, an absolute deadline, so the probe's own
//! duration never stretches the schedule (Gatus's drift). When the prober falls more than an
//! interval behind, the missed ticks are skipped and counted rather than run in a burst.

use chrono::{DateTime, Utc};
use std::time::Duration;
use tokio::time::Instant;

/// Maps the monotonic clock to wall-clock time from one reading taken at start, so a step of
/// the system clock (NTP) during a run cannot reorder or stretch probes.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    base: Instant,
    wall: DateTime<Utc>,
}

impl Clock {
    pub fn now() -> Self {
        Clock {
            base: Instant::now(),
            wall: Utc::now(),
        }
    }

    pub fn wall(&self, at: Instant) -> DateTime<Utc> {
        let d = if at >= self.base {
            chrono::Duration::from_std(at - self.base).unwrap_or_default()
        } else {
            -chrono::Duration::from_std(self.base - at).unwrap_or_default()
        };
        self.wall + d
    }
}

/// One monitor's schedule.
#[derive(Debug, Clone)]
pub struct Schedule {
    t0: Instant,
    interval: Duration,
    next: u64,
    /// Ticks dropped because the prober was more than one interval behind.
    pub skipped: u64,
}

/// A tick that is due: its number and its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tick {
    pub n: u64,
    pub due: Instant,
}

impl Schedule {
    pub fn new(t0: Instant, interval: Duration) -> Self {
        Schedule {
            t0,
            interval,
            next: 0,
            skipped: 0,
        }
    }

    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// The deadline of tick `n`.
    pub fn due(&self, n: u64) -> Instant {
        // Multiplying (not adding interval after interval) keeps rounding from accumulating.
        self.t0 + self.interval.mul_f64(n as f64)
    }

    /// The next tick to wait for.
    pub fn peek(&self) -> Tick {
        Tick {
            n: self.next,
            due: self.due(self.next),
        }
    }

    /// Called when the tick's deadline has passed at `now`: returns the tick to run, skipping
    /// (and counting) ticks that are more than one interval overdue.
    pub fn fire(&mut self, now: Instant) -> Tick {
        let mut tick = self.peek();
        if now > tick.due + self.interval {
            let behind = ((now - tick.due).as_nanos() / self.interval.as_nanos().max(1)) as u64;
            self.skipped += behind;
            self.next += behind;
            tick = self.peek();
        }
        self.next += 1;
        tick
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_are_absolute_and_overdue_ticks_are_skipped() {
        let t0 = Instant::now();
        let mut s = Schedule::new(t0, Duration::from_millis(100));
        assert_eq!(s.fire(t0 + Duration::from_millis(30)).due, t0);
        // A slow probe does not shift tick 1.
        assert_eq!(s.peek().due, t0 + Duration::from_millis(100));
        assert_eq!(s.fire(t0 + Duration::from_millis(150)).n, 1);
        // 3.5 intervals late for tick 2: ticks 2, 3 and 4 are skipped, tick 5 runs.
        let t = s.fire(t0 + Duration::from_millis(550));
        assert_eq!((t.n, s.skipped), (5, 3));
        assert_eq!(s.peek().n, 6);
    }
}
