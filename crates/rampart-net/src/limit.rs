use crate::NetError;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;
use tokio::time::Instant;

/// How hard rampart may lean on a target: requests per second and a total budget per run.
///
/// A "request" is one HTTP request or one TCP connect (a port-scan connect, a banner probe, a
/// TLS ClientHello, an SSH or SMTP session). Connect probes count against the same limits unless
/// [`Politeness::probes`] gives them their own, as `rampart assess` does so that a port scan of
/// 1,000 ports is not held to the web scan's 50 requests/s.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Politeness {
    /// Maximum requests per second; `None` = no cap.
    pub max_rate: Option<f64>,
    /// Maximum requests in this run; `None` = no cap.
    pub budget: Option<u64>,
    /// Separate limits for raw connect probes ([`crate::Net::probe_connect`] and everything built
    /// on it); `None` = probes share `max_rate` and `budget` with every other request.
    pub probes: Option<Limits>,
}

/// A rate and a budget on their own, for [`Politeness::probes`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Limits {
    pub max_rate: Option<f64>,
    pub budget: Option<u64>,
}

impl Politeness {
    /// One rate limit and one budget for everything a run sends.
    pub fn new(max_rate: Option<f64>, budget: Option<u64>) -> Self {
        Politeness {
            max_rate,
            budget,
            probes: None,
        }
    }

    /// The defaults for scans of a live service: 50 requests/s and 5,000 requests for HTTP;
    /// connect probes (port scans and what follows them) limited as by
    /// [`Politeness::port_scan_defaults`], on their own.
    pub fn scan_defaults() -> Self {
        let ports = Politeness::port_scan_defaults();
        Politeness {
            max_rate: Some(50.0),
            budget: Some(5_000),
            probes: Some(Limits {
                max_rate: ports.max_rate,
                budget: ports.budget,
            }),
        }
    }

    /// The defaults of a TCP connect scan: 1,000,000 connects/s (the in-flight window, sized to
    /// the file-descriptor limit, is what paces a scan; at 100,000/s the cap alone would hold a
    /// full 65,535-port scan to 0.66 s, as slow as nmap on loopback, so it only stops runaways) and
    /// 300,000 connects (every port of a full scan with three retries, plus the banner probes).
    pub fn port_scan_defaults() -> Self {
        Politeness::new(Some(PORT_SCAN_RATE), Some(PORT_SCAN_BUDGET))
    }

    /// The defaults of the protocol scans (SSH, TLS, SMTP), which need a handful of
    /// connections: 10 connects/s, 100 connects.
    pub fn protocol_scan_defaults() -> Self {
        Politeness::new(Some(PROTOCOL_SCAN_RATE), Some(PROTOCOL_SCAN_BUDGET))
    }
}

/// Connects per second of a port scan by default.
pub const PORT_SCAN_RATE: f64 = 1_000_000.0;
/// Connects of a port scan by default.
pub const PORT_SCAN_BUDGET: u64 = 300_000;
/// Requests per second of a web scan by default.
pub const WEB_SCAN_RATE: f64 = 50.0;
/// Requests of a web scan by default.
pub const WEB_SCAN_BUDGET: u64 = 5_000;
/// Connects per second of an SSH, TLS or SMTP scan by default.
pub const PROTOCOL_SCAN_RATE: f64 = 10.0;
/// Connects of an SSH, TLS or SMTP scan by default.
pub const PROTOCOL_SCAN_BUDGET: u64 = 100;

/// A rate limit and a budget, lock-free: one `fetch_add` for the budget and one compare-and-swap
/// for the next free slot per request, and a sleep only when the slot lies in the future.
pub(crate) struct Limiter {
    what: &'static str,
    /// Nanoseconds between two requests; 0 = no cap.
    interval_ns: u64,
    origin: Instant,
    /// The next free slot, in nanoseconds since `origin`.
    next_slot_ns: AtomicU64,
    budget: Option<u64>,
    used: AtomicU64,
    exhausted_logged: AtomicBool,
}

impl Limiter {
    pub(crate) fn new(what: &'static str, max_rate: Option<f64>, budget: Option<u64>) -> Self {
        let interval_ns = max_rate
            .filter(|r| r.is_finite() && *r > 0.0)
            .map(|r| (1e9 / r).round().max(1.0) as u64)
            .unwrap_or(0);
        tracing::debug!(
            limiter = what,
            max_rate = ?max_rate,
            budget = ?budget,
            "politeness limits"
        );
        Limiter {
            what,
            interval_ns,
            origin: Instant::now(),
            next_slot_ns: AtomicU64::new(0),
            budget,
            used: AtomicU64::new(0),
            exhausted_logged: AtomicBool::new(false),
        }
    }

    pub(crate) fn budget_left(&self) -> Option<u64> {
        self.budget
            .map(|b| b.saturating_sub(self.used.load(Ordering::Relaxed)))
    }

    /// The time between two requests; `None` when the rate is not capped.
    pub(crate) fn interval(&self) -> Option<Duration> {
        (self.interval_ns > 0).then(|| Duration::from_nanos(self.interval_ns))
    }

    /// Requests taken so far (including refused ones over the budget).
    pub(crate) fn used(&self) -> u64 {
        self.used.load(Ordering::Relaxed)
    }

    /// Takes one request from the budget and waits for this request's slot: the n-th request
    /// of a run starts no earlier than (n − 1) intervals after the first.
    pub(crate) async fn acquire(&self) -> Result<(), NetError> {
        let n = self.used.fetch_add(1, Ordering::Relaxed);
        if let Some(b) = self.budget {
            if n >= b {
                if !self.exhausted_logged.swap(true, Ordering::Relaxed) {
                    tracing::warn!(
                        limiter = self.what,
                        budget = b,
                        "request budget exhausted: nothing more is sent in this run"
                    );
                }
                return Err(NetError::BudgetExhausted(b));
            }
        }
        if self.interval_ns == 0 {
            return Ok(());
        }
        let now = self.origin.elapsed().as_nanos() as u64;
        let interval = self.interval_ns;
        let previous = self
            .next_slot_ns
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |next| {
                Some(next.max(now) + interval)
            })
            .unwrap_or_else(|v| v);
        let slot = previous.max(now);
        if slot > now {
            tokio::time::sleep_until(self.origin + Duration::from_nanos(slot)).await;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn n_requests_at_r_per_second_take_at_least_n_minus_one_intervals() {
        let l = Limiter::new("test", Some(20.0), None);
        let started = Instant::now();
        for _ in 0..11 {
            l.acquire().await.unwrap();
        }
        assert!(started.elapsed() >= Duration::from_millis(500));
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_requests_share_one_rate() {
        let l = std::sync::Arc::new(Limiter::new("test", Some(100.0), None));
        let started = Instant::now();
        let tasks: Vec<_> = (0..51)
            .map(|_| {
                let l = l.clone();
                tokio::spawn(async move { l.acquire().await })
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        assert!(started.elapsed() >= Duration::from_millis(500));
    }

    #[tokio::test]
    async fn budget_refuses_what_is_over_it() {
        let l = Limiter::new("test", None, Some(3));
        for _ in 0..3 {
            l.acquire().await.unwrap();
        }
        assert_eq!(l.acquire().await, Err(NetError::BudgetExhausted(3)));
        assert_eq!(l.budget_left(), Some(0));
    }
}
