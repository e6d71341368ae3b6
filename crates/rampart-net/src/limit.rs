use crate::NetError;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::Instant;

/// How hard rampart may lean on a target: requests per second and a total budget per run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Politeness {
    /// Maximum requests (and connects through [`crate::Net::connect`]) per second; `None` = no cap.
    pub max_rate: Option<f64>,
    /// Maximum requests in this run; `None` = no cap.
    pub budget: Option<u64>,
}

impl Politeness {
    /// The defaults for scans of a live service: 50 requests/s, 5,000 requests.
    pub fn scan_defaults() -> Self {
        Politeness {
            max_rate: Some(50.0),
            budget: Some(5_000),
        }
    }
}

pub(crate) struct Limiter {
    interval: Option<Duration>,
    next_slot: Mutex<Instant>,
    budget: Option<u64>,
    used: AtomicU64,
}

impl Limiter {
    pub(crate) fn new(p: Politeness) -> Self {
        Limiter {
            interval: p
                .max_rate
                .filter(|r| *r > 0.0)
                .map(|r| Duration::from_secs_f64(1.0 / r)),
            next_slot: Mutex::new(Instant::now()),
            budget: p.budget,
            used: AtomicU64::new(0),
        }
    }

    pub(crate) fn budget_left(&self) -> Option<u64> {
        self.budget
            .map(|b| b.saturating_sub(self.used.load(Ordering::Relaxed)))
    }

    /// Takes one request from the budget and waits for this request's slot.
    pub(crate) async fn acquire(&self) -> Result<(), NetError> {
        let n = self.used.fetch_add(1, Ordering::Relaxed);
        if let Some(b) = self.budget {
            if n >= b {
                return Err(NetError::BudgetExhausted(b));
            }
        }
        if let Some(interval) = self.interval {
            // Reserve a slot under the lock, sleep outside it.
            let slot = {
                let mut next = self.next_slot.lock().await;
                let now = Instant::now();
                let slot = (*next).max(now);
                *next = slot + interval;
                slot
            };
            tokio::time::sleep_until(slot).await;
        }
        Ok(())
    }
}
