//! Error bursts: 4xx (not 404, which is probing's) per client × endpoint in a leaky bucket,
//! confirmed against the endpoint's normal error ratio so ordinary mistakes stay quiet; and
//! endpoint-wide bursts spread over many clients.

use super::tracker::{Ctx, Episode, Tracker};
use super::verdict::{human_secs, judge};
use super::Finish;
use crate::event::{EndpointCount, Ev};
use crate::hash::{combine, endpoint_display};
use crate::identity::{ExactMap, Key};
use crate::incident::{LogIncident, Verdict};
use rampart_config::ErrorBurstSection;
use rampart_model::{IncidentKind, Severity};

#[derive(Default)]
struct EndpointStat {
    name: String,
    requests: u64,
    errors: u64,
}

pub struct ErrorBursts {
    cfg: ErrorBurstSection,
    pairs: Tracker,
    wide: Tracker,
    endpoints: ExactMap<EndpointStat>,
    max_keys: usize,
}

impl ErrorBursts {
    pub fn new(cfg: &ErrorBurstSection, max_keys: usize) -> Self {
        let leak = cfg.leak.std().as_secs_f64();
        let window = cfg.window.std().as_secs_f64();
        let gap = cfg.gap.std().as_secs() as i64;
        let mut pairs = Tracker::new(cfg.capacity as f64, leak, gap, max_keys);
        let mut wide = Tracker::new(
            cfg.endpoint_min_errors as f64,
            window / cfg.endpoint_min_errors.max(1) as f64,
            gap,
            max_keys,
        );
        pairs.restart = true;
        wide.restart = true;
        ErrorBursts {
            pairs,
            wide,
            endpoints: ExactMap::default(),
            cfg: cfg.clone(),
            max_keys,
        }
    }

    pub fn on_http(&mut self, ev: &Ev, ctx: &Ctx) {
        if !self.cfg.enabled || ev.path.is_empty() {
            return;
        }
        let err = ev.is_error();
        let endpoint = ctx.endpoint(ev);
        // Most lines are no error and have no open episode: two bit tests, no key built.
        let pair_h = combine(ev.client_h, ev.endpoint_h);
        if err {
            let pair = ctx.client_endpoint(ev);
            pour_error(&mut self.pairs, pair, endpoint.a, ev, ctx);
            pour_error(&mut self.wide, endpoint, endpoint.a, ev, ctx);
        } else {
            if self.pairs.maybe_open(pair_h) {
                count_request(&mut self.pairs, ctx.client_endpoint(ev), ev.ts);
            }
            if self.wide.maybe_open(endpoint.h) {
                count_request(&mut self.wide, endpoint, ev.ts);
            }
        }
    }

    /// Adds a chunk's per-endpoint counts (made by the parse worker) to the endpoints' totals,
    /// which are read only when episodes close, after the chunk.
    pub fn count_endpoints(&mut self, counts: &[EndpointCount], ctx: &Ctx) {
        if !self.cfg.enabled {
            return;
        }
        for c in counts {
            let key = Key::new(c.h, ctx.text(c.endpoint));
            let st = if self.endpoints.len() < self.max_keys {
                Some(self.endpoints.get_or_insert_with(key, || EndpointStat {
                    name: format!(
                        "{} {}",
                        c.method.as_str(),
                        endpoint_display(ctx.text(c.path))
                    ),
                    ..EndpointStat::default()
                }))
            } else {
                self.endpoints.get_mut(key)
            };
            if let Some(st) = st {
                st.requests += c.requests;
                st.errors += c.errors;
            }
        }
    }

    pub fn sweep(&mut self, now: i64) {
        self.pairs.sweep(now);
        self.wide.sweep(now);
    }

    pub fn finish(&mut self) {
        self.pairs.finish();
        self.wide.finish();
    }

    pub fn collect(&mut self, f: &Finish, out: &mut Vec<LogIncident>) {
        let closed = std::mem::take(&mut self.pairs.closed);
        for mut ep in closed {
            ep.trim();
            if let Some(i) = self.client_incident(&ep, f) {
                out.push(i);
            }
        }
        let closed = std::mem::take(&mut self.wide.closed);
        for mut ep in closed {
            ep.trim();
            if let Some(i) = self.endpoint_incident(&ep, f) {
                out.push(i);
            }
        }
    }

    /// The endpoint's error ratio outside this episode, and its name. For an endpoint-wide
    /// episode (`wide`) that holds most of the endpoint's traffic — an endpoint that always
    /// fails this much — there is too little outside it to compare with, and the endpoint's
    /// ratio over the whole log is its normal.
    fn baseline(&self, ep: &Episode, wide: bool) -> (f64, String) {
        match self.endpoints.get(Key::of(&ep.key)) {
            Some(st) => {
                let mut req = st.requests.saturating_sub(ep.requests);
                let mut err = st.errors.saturating_sub(ep.count);
                if wide && req < ep.requests {
                    (req, err) = (st.requests, st.errors);
                }
                let r = if req == 0 {
                    0.0
                } else {
                    err as f64 / req as f64
                };
                (r, st.name.clone())
            }
            None => (0.0, String::new()),
        }
    }

    fn client_incident(&self, ep: &Episode, f: &Finish) -> Option<LogIncident> {
        let ratio = ep.count as f64 / ep.requests.max(1) as f64;
        let (base, name) = self.baseline(ep, false);
        if ratio < self.cfg.min_ratio || ratio < base * self.cfg.baseline_factor {
            return None;
        }
        let (verdict, why) = judge(ep, f.distinct_users, f.users_logged);
        let statuses = statuses_text(ep);
        let why = format!(
            "{statuses} on {name}: {:.0} % of this client's requests there failed, against {:.1} % normally for the endpoint; {why}",
            ratio * 100.0,
            base * 100.0
        );
        let sev = match verdict {
            Verdict::Attack => Severity::High,
            Verdict::LikelyAttack => Severity::Medium,
            _ => Severity::Low,
        };
        Some(f.incident(IncidentKind::ErrorBurst, ep, verdict, why, sev))
    }

    fn endpoint_incident(&self, ep: &Episode, f: &Finish) -> Option<LogIncident> {
        // Dominated by one client: that is a client burst (reported on its own, or ordinary).
        let top = ep.top_client().map(|c| c.1).unwrap_or(0);
        if ep.client_set.count < 3 || top * 2 >= ep.count {
            return None;
        }
        let (base, name) = self.baseline(ep, true);
        let ratio = ep.count as f64 / ep.requests.max(1) as f64;
        if ratio < base * self.cfg.baseline_factor {
            return None;
        }
        let why = format!(
            "{} on {name} from {} clients in {} ({:.0} % of the endpoint's requests, against {:.1} % normally): the endpoint itself is failing or is under a distributed attack",
            statuses_text(ep),
            ep.client_set.count,
            human_secs(ep.span_secs()),
            ratio * 100.0,
            base * 100.0
        );
        Some(f.incident(
            IncidentKind::ErrorBurst,
            ep,
            Verdict::Inconclusive,
            why,
            Severity::Medium,
        ))
    }
}

/// An error into the key's bucket and episode (which remembers its endpoint, for the baseline).
fn pour_error(tracker: &mut Tracker, key: Key, endpoint: &[u8], ev: &Ev, ctx: &Ctx) {
    let (over, slot) = tracker.pour(key, ev.ts, 1.0);
    let ep = slot.ep.get_or_insert_with(|| {
        let mut ep = Episode::boxed(ev);
        ep.key.extend_from_slice(endpoint);
        ep
    });
    ep.add(ev, ctx, 1);
    ep.requests += 1;
    if over {
        if !ep.fired {
            ep.fired = true;
            ep.fired_at = ev.ts;
        }
        ep.mark_over();
    }
    tracker.mark_open(key.h);
}

/// A request that is no error, counted in the key's open episode (for the ratio).
fn count_request(tracker: &mut Tracker, key: Key, ts: i64) {
    let gap = tracker.gap;
    if let Some(ep) = tracker.map.get_mut(key).and_then(|s| s.ep.as_mut()) {
        if ts - ep.last <= gap {
            ep.requests += 1;
        }
    }
}

pub fn statuses_text(ep: &Episode) -> String {
    let mut s: Vec<_> = ep.statuses.clone();
    s.sort_by_key(|e| std::cmp::Reverse(e.1));
    s.iter()
        .take(3)
        .map(|(st, n)| format!("{n} × {st}"))
        .collect::<Vec<_>>()
        .join(", ")
}
