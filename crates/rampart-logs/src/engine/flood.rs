//! Floods: one client's request rate (a leaky bucket whose leak is the sustained rate allowed),
//! the total rate per minute against the trailing hour, and the onset of 5xx.

use super::tracker::{Ctx, Episode, Tracker};
use super::verdict::human_secs;
use super::Finish;
use crate::event::Ev;
use crate::incident::{LogIncident, Verdict};
use rampart_config::FloodSection;
use rampart_model::{IncidentKind, Severity};
use std::collections::VecDeque;

#[derive(Default, Clone, Copy)]
struct Minute {
    at: i64,
    tz: i32,
    requests: u64,
    server_errors: u64,
}

/// A run of flagged minutes (total flood or 5xx onset).
struct Wide {
    ep: Box<Episode>,
    /// What the first minute was judged against: mean requests per minute, or the 5xx ratio.
    baseline: f64,
    /// Requests (total) or 5xx (onset) in the flagged minutes.
    events: u64,
    requests: u64,
}

pub struct Floods {
    cfg: FloodSection,
    evidence_cap: usize,
    clients: Tracker,
    /// The last hour's complete minutes, for the baseline.
    hour: VecDeque<Minute>,
    cur: Minute,
    /// Requests in the current minute from which it is a flood whatever follows (fixed for the
    /// minute: the baseline only changes when a minute closes); `u64::MAX` without a baseline.
    threshold: u64,
    /// The current minute's lines worth keeping if the minute is flagged: its 5xx, and the
    /// requests after it crossed the flood threshold (so an ordinary minute costs nothing).
    cur_total: Option<Box<Episode>>,
    cur_err: Option<Box<Episode>>,
    total_ep: Option<Wide>,
    err_ep: Option<Wide>,
    done: Vec<(Wide, bool)>,
}

impl Floods {
    pub fn new(cfg: &FloodSection, max_keys: usize, evidence_cap: usize) -> Self {
        let mut clients = Tracker::new(
            cfg.client_capacity as f64,
            cfg.client_leak.std().as_secs_f64(),
            60,
            max_keys,
        );
        // A client's flood ends when its bucket has drained: its ordinary requests afterwards
        // are not part of it.
        clients.restart = true;
        Floods {
            clients,
            cfg: cfg.clone(),
            evidence_cap,
            hour: VecDeque::with_capacity(61),
            cur: Minute::default(),
            threshold: u64::MAX,
            cur_total: None,
            cur_err: None,
            total_ep: None,
            err_ep: None,
            done: Vec::new(),
        }
    }

    pub fn on_http(&mut self, ev: &Ev, ctx: &Ctx) {
        if !self.cfg.enabled {
            return;
        }
        let (over, slot) = self.clients.pour(ctx.client(ev), ev.ts, 1.0);
        if let Some(ep) = slot.ep.as_mut() {
            // Requests that overflow are the flood's (paths, evidence, window); the others
            // while its bucket drains are counted, and trimmed off when no overflow follows.
            if over {
                ep.add(ev, ctx, 1);
                ep.mark_over();
            } else {
                ep.count += 1;
            }
        } else if over {
            // The episode starts when the bucket overflows; the run that filled it (since the
            // bucket was last empty) is counted in and starts the window.
            let mut ep = Episode::new(ev);
            ep.fired = true;
            ep.fired_at = ev.ts;
            ep.add(ev, ctx, 1);
            ep.count = slot.bucket.run;
            ep.first = slot.bucket.since.min(ev.ts);
            ep.mark_over();
            slot.ep = Some(Box::new(ep));
        }
        let minute = ev.ts.div_euclid(60) * 60;
        if minute > self.cur.at {
            self.close_minute(minute);
        }
        self.cur.requests += 1;
        self.cur.tz = ev.tz;
        if ev.status >= 500 {
            self.cur.server_errors += 1;
            self.cur_err
                .get_or_insert_with(|| Episode::boxed(ev))
                .add(ev, ctx, 1);
        }
        if self.cur.requests >= self.threshold {
            self.cur_total
                .get_or_insert_with(|| Episode::boxed(ev))
                .add(ev, ctx, 1);
        }
    }

    fn mean(&self) -> f64 {
        let n = self.hour.len().max(1) as f64;
        self.hour.iter().map(|x| x.requests).sum::<u64>() as f64 / n
    }

    /// Judges the minute that just ended against the hour before it.
    fn close_minute(&mut self, next: i64) {
        let m = self.cur;
        let (pending_total, pending_err) = (self.cur_total.take(), self.cur_err.take());
        if m.requests > 0 {
            let mean = self.mean();
            let err_ratio_before = {
                let r: u64 = self.hour.iter().map(|x| x.requests).sum();
                let e: u64 = self.hour.iter().map(|x| x.server_errors).sum();
                if r == 0 {
                    0.0
                } else {
                    e as f64 / r as f64
                }
            };
            let flood = self.hour.len() >= 10
                && m.requests >= self.cfg.total_min_per_minute as u64
                && m.requests as f64 >= self.cfg.total_factor * mean.max(1.0);
            let ratio = m.server_errors as f64 / m.requests as f64;
            let errs = m.server_errors >= self.cfg.server_errors_min_per_minute as u64
                && ratio >= self.cfg.server_errors_min_ratio
                && err_ratio_before < self.cfg.server_errors_min_ratio / 4.0;
            let cont_errs = self.err_ep.as_ref().is_some_and(|e| {
                m.at - e.ep.last <= 60 && ratio >= self.cfg.server_errors_min_ratio / 2.0
            });
            let cap = self.evidence_cap;
            Self::extend(
                &mut self.total_ep,
                &mut self.done,
                flood,
                m,
                m.requests,
                mean,
                pending_total,
                cap,
                true,
            );
            Self::extend(
                &mut self.err_ep,
                &mut self.done,
                errs || cont_errs,
                m,
                m.server_errors,
                err_ratio_before,
                pending_err,
                cap,
                false,
            );
            // A flood minute must not become the baseline of the next one.
            if !flood {
                self.hour.push_back(m);
                if self.hour.len() > 60 {
                    self.hour.pop_front();
                }
            }
        }
        self.cur = Minute {
            at: next,
            ..Minute::default()
        };
        self.threshold = if self.hour.len() >= 10 {
            let by_factor = (self.cfg.total_factor * self.mean().max(1.0)).ceil();
            (self.cfg.total_min_per_minute as u64).max(by_factor.min(u64::MAX as f64) as u64)
        } else {
            u64::MAX
        };
    }

    #[allow(clippy::too_many_arguments)]
    fn extend(
        slot: &mut Option<Wide>,
        done: &mut Vec<(Wide, bool)>,
        hit: bool,
        m: Minute,
        n: u64,
        baseline: f64,
        pending: Option<Box<Episode>>,
        cap: usize,
        total: bool,
    ) {
        if hit {
            let w = slot.get_or_insert_with(|| Wide {
                ep: Box::new(Episode {
                    first: m.at,
                    last: m.at,
                    tz: m.tz,
                    fired: true,
                    label: if total { "total" } else { "5xx" }.to_string(),
                    ..Episode::default()
                }),
                // Keep the baseline the episode was judged against.
                baseline,
                events: 0,
                requests: 0,
            });
            w.ep.last = m.at + 59;
            w.events += n;
            w.requests += m.requests;
            if let Some(p) = pending {
                w.ep.absorb(&p, cap);
            }
        } else if let Some(w) = slot.take() {
            done.push((w, total));
        }
    }

    pub fn sweep(&mut self, now: i64) {
        self.clients.sweep(now);
    }

    pub fn finish(&mut self) {
        self.close_minute(self.cur.at + 60);
        self.clients.finish();
        if let Some(w) = self.total_ep.take() {
            self.done.push((w, true));
        }
        if let Some(w) = self.err_ep.take() {
            self.done.push((w, false));
        }
    }

    pub fn collect(&mut self, f: &Finish, out: &mut Vec<LogIncident>) {
        for mut ep in std::mem::take(&mut self.clients.closed) {
            ep.trim();
            let rate = ep.count as f64 / ep.span_secs().max(1) as f64;
            let why = format!(
                "{} requests in {} ({rate:.1}/s) from one client, above the {:.1}/s sustained rate allowed (bucket of {} requests); {} distinct paths",
                ep.count,
                human_secs(ep.span_secs()),
                1.0 / self.clients.leak,
                self.cfg.client_capacity,
                ep.path_set.count
            );
            out.push(f.incident(
                IncidentKind::Flood,
                &ep,
                Verdict::LikelyAttack,
                why,
                Severity::Medium,
            ));
        }
        for (w, total) in std::mem::take(&mut self.done) {
            let base = w.baseline;
            let mut ep = w.ep;
            ep.count = w.events;
            ep.requests = w.requests;
            let mins = ((ep.last - ep.first + 1) / 60).max(1);
            let (why, verdict, sev) = if total {
                // Statuses were seen only after the threshold was crossed: not shown.
                ep.statuses.clear();
                (
                    format!(
                        "{} requests in {mins} minute(s), {:.0} per minute against {base:.0} per minute in the hour before (×{:.0}), from {} or more clients",
                        ep.count,
                        ep.count as f64 / mins as f64,
                        ep.count as f64 / mins as f64 / base.max(1.0),
                        ep.client_set.count
                    ),
                    Verdict::Inconclusive,
                    Severity::Medium,
                )
            } else {
                (
                    format!(
                        "onset of server errors: {} × 5xx in {mins} minute(s), {:.0} % of requests, against {:.1} % in the hour before",
                        ep.count,
                        ep.count as f64 * 100.0 / ep.requests.max(1) as f64,
                        base * 100.0
                    ),
                    Verdict::Defect,
                    Severity::High,
                )
            };
            let kind = if total {
                IncidentKind::Flood
            } else {
                IncidentKind::Other("server_errors".into())
            };
            out.push(f.incident(kind, &ep, verdict, why, sev));
        }
    }
}
