//! The connect-scan engine: one concurrency point (a `JoinSet` kept at most `concurrency` deep),
//! sized from the file-descriptor limit, with timeouts that adapt to the round-trip times of the
//! ports that answered, and retries only for ports that gave no answer at all.

use rampart_net::{ConnectProbe, Net, NetError};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::task::JoinSet;

/// The raw verdict for one port.
#[derive(Debug)]
pub(crate) enum Verdict {
    Open(Duration),
    Closed {
        self_connect: bool,
    },
    /// No answer after every try, or an ICMP "unreachable".
    Filtered {
        tries: u32,
        reason: &'static str,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct EngineConfig {
    pub concurrency: usize,
    pub min_timeout: Duration,
    pub max_timeout: Duration,
    pub retries: u32,
    /// Called with the number of ports that have their final verdict.
    pub progress: Option<crate::Progress>,
}

/// What the engine saw: one verdict per port it could try, and how many ports the request
/// budget left untried.
#[derive(Debug, Default)]
pub(crate) struct EngineOutcome {
    pub verdicts: Vec<(u16, Verdict)>,
    /// Ports never tried, ascending.
    pub not_scanned: Vec<u16>,
    pub budget_exhausted: bool,
}

/// Raises the soft RLIMIT_NOFILE to the hard limit and returns how many connects may be in
/// flight: three quarters of what is left after a reserve for everything else the process does.
pub fn concurrency_from_fd_limit() -> usize {
    // SAFETY: getrlimit/setrlimit only read/write the struct passed to them.
    let soft = unsafe {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return 256;
        }
        if lim.rlim_cur < lim.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: lim.rlim_max,
                rlim_max: lim.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                tracing::debug!(
                    from = lim.rlim_cur,
                    to = lim.rlim_max,
                    "raised the soft file-descriptor limit to the hard one"
                );
                lim.rlim_cur = lim.rlim_max;
            }
        }
        lim.rlim_cur
    };
    let usable = soft.saturating_sub(128) as usize;
    let concurrency = (usable * 3 / 4).clamp(16, 5000);
    tracing::debug!(
        soft_limit = soft,
        concurrency,
        "file-descriptor limit sets the connects in flight"
    );
    concurrency
}

/// Smoothed RTT as in RFC 6298, over every port that answered (open or closed).
struct RttEstimator {
    srtt: Option<f64>,
    rttvar: f64,
}

impl RttEstimator {
    fn sample(&mut self, rtt: Duration) {
        let r = rtt.as_secs_f64();
        match self.srtt {
            None => {
                self.srtt = Some(r);
                self.rttvar = r / 2.0;
            }
            Some(s) => {
                self.rttvar = 0.75 * self.rttvar + 0.25 * (s - r).abs();
                self.srtt = Some(0.875 * s + 0.125 * r);
            }
        }
    }

    fn timeout(&self, cfg: &EngineConfig) -> Duration {
        match self.srtt {
            None => cfg.max_timeout,
            Some(s) => Duration::from_secs_f64(s + 4.0 * self.rttvar)
                .clamp(cfg.min_timeout, cfg.max_timeout),
        }
    }
}

/// Sorted ports as ranges, e.g. `1-79,81-100`; at most ten ranges, then how many more.
fn port_ranges(ports: &[u16]) -> String {
    let mut sorted = ports.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut ranges: Vec<(u16, u16)> = Vec::new();
    for p in sorted {
        match ranges.last_mut() {
            Some((_, end)) if u32::from(*end) + 1 == u32::from(p) => *end = p,
            _ => ranges.push((p, p)),
        }
    }
    let shown: Vec<String> = ranges
        .iter()
        .take(10)
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect();
    let mut out = shown.join(",");
    if ranges.len() > 10 {
        out.push_str(&format!(" and {} more range(s)", ranges.len() - 10));
    }
    out
}

/// Scans `ports` of `ip`; returns one verdict per port, in no particular order. When the
/// request budget runs out the scan stops sending: ports in flight finish, the rest are counted
/// as not scanned.
pub(crate) async fn connect_scan(
    net: &Net,
    ip: IpAddr,
    ports: &[u16],
    cfg: EngineConfig,
) -> Result<EngineOutcome, NetError> {
    // Every port is checked before the first packet: a scope that allows this host only through
    // a URL prefix allows that one port, and a scan that stopped after the first port would
    // already have sent something. Any port out of scope refuses the whole scan.
    let refused: Vec<u16> = ports
        .iter()
        .copied()
        .filter(|p| net.check_addr(SocketAddr::new(ip, *p)).is_err())
        .collect();
    if !refused.is_empty() {
        return Err(NetError::out_of_scope(format!(
            "{ip} port(s) {}",
            port_ranges(&refused)
        )));
    }
    let rtt = Arc::new(Mutex::new(RttEstimator {
        srtt: None,
        rttvar: 0.0,
    }));
    let mut results = Vec::with_capacity(ports.len());
    let mut not_scanned: Vec<u16> = Vec::new();
    let mut budget_exhausted = false;
    let progress = cfg.progress.clone();
    let report_done = |done: usize| {
        if let Some(p) = &progress {
            p.report(done as u64);
        }
    };
    // (port, tries so far, local-limit hiccups so far)
    let mut queue: std::collections::VecDeque<(u16, u32, u32)> =
        ports.iter().map(|p| (*p, 0, 0)).collect();
    let mut inflight: JoinSet<(u16, u32, u32, Result<ConnectProbe, NetError>)> = JoinSet::new();
    let mut limit = cfg.concurrency.max(1);
    loop {
        while inflight.len() < limit {
            let Some((port, tries, hiccups)) = queue.pop_front() else {
                break;
            };
            let net = net.clone();
            let rtt = rtt.clone();
            // A retry is for a lost SYN, not a slow host: it waits only half as long again.
            let base = rtt
                .lock()
                .map(|r| r.timeout(&cfg))
                .unwrap_or(cfg.max_timeout);
            let timeout = if tries == 0 {
                base
            } else {
                (base * 3 / 2).min(cfg.max_timeout)
            };
            inflight.spawn(async move {
                let r = net.probe_connect(SocketAddr::new(ip, port), timeout).await;
                (port, tries, hiccups, r)
            });
        }
        let Some(joined) = inflight.join_next().await else {
            break;
        };
        let Ok((port, tries, hiccups, r)) = joined else {
            continue;
        };
        let r = match r {
            Err(NetError::BudgetExhausted(b)) => {
                if !budget_exhausted {
                    budget_exhausted = true;
                    tracing::warn!(
                        budget = b,
                        verdicts = results.len(),
                        "request budget exhausted: the port scan sends nothing more (raise --budget)"
                    );
                }
                // Nothing more can be sent: what is queued will never be tried. A port whose
                // retry was refused did go unanswered once: filtered, like any silent port.
                if tries > 0 {
                    results.push((
                        port,
                        Verdict::Filtered {
                            tries,
                            reason: "no answer",
                        },
                    ));
                } else {
                    not_scanned.push(port);
                }
                for (port, tries, _) in queue.drain(..) {
                    if tries > 0 {
                        results.push((
                            port,
                            Verdict::Filtered {
                                tries,
                                reason: "no answer",
                            },
                        ));
                    } else {
                        not_scanned.push(port);
                    }
                }
                report_done(results.len() + not_scanned.len());
                continue;
            }
            other => other?,
        };
        let before = results.len();
        match r {
            ConnectProbe::Open { stream, rtt: t } => {
                drop(stream);
                if let Ok(mut e) = rtt.lock() {
                    e.sample(t);
                }
                results.push((port, Verdict::Open(t)));
            }
            ConnectProbe::Closed {
                rtt: t,
                self_connect,
            } => {
                if !self_connect {
                    if let Ok(mut e) = rtt.lock() {
                        e.sample(t);
                    }
                }
                results.push((port, Verdict::Closed { self_connect }));
            }
            ConnectProbe::Timeout => {
                if tries < cfg.retries {
                    queue.push_back((port, tries + 1, hiccups));
                } else {
                    results.push((
                        port,
                        Verdict::Filtered {
                            tries: tries + 1,
                            reason: "no answer",
                        },
                    ));
                }
            }
            ConnectProbe::Unreachable(_) => results.push((
                port,
                Verdict::Filtered {
                    tries: tries + 1,
                    reason: "unreachable",
                },
            )),
            ConnectProbe::LocalLimit(ref e) | ConnectProbe::Error(ref e) if hiccups < 8 => {
                // Out of descriptors or ephemeral ports: shrink the window and try again later.
                limit = (limit * 3 / 4).max(8);
                tracing::debug!(
                    port,
                    error = %e,
                    in_flight = limit,
                    "local limit hit: fewer connects in flight, port retried later"
                );
                tokio::time::sleep(Duration::from_millis(5 << hiccups.min(5))).await;
                queue.push_back((port, tries, hiccups + 1));
            }
            ConnectProbe::LocalLimit(_) | ConnectProbe::Error(_) => results.push((
                port,
                Verdict::Filtered {
                    tries: tries + 1,
                    reason: "local error",
                },
            )),
        }
        if results.len() > before {
            report_done(results.len() + not_scanned.len());
        }
    }
    not_scanned.sort_unstable();
    Ok(EngineOutcome {
        verdicts: results,
        not_scanned,
        budget_exhausted,
    })
}
