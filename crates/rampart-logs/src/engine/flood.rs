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
    requests: u64,
    server_errors: u64,
}

pub struct Floods {
    cfg: FloodSection,
    clients: Tracker,
    /// The last hour's complete minutes, for the baseline.
    hour: VecDeque<Minute>,
    cur: Minute,
    total_ep: Option<Box<Episode>>,
    err_ep: Option<Box<Episode>>,
    done: Vec<(Box<Episode>, bool)>,
}

impl Floods {
    pub fn new(cfg: &FloodSection, max_keys: usize) -> Self {
        Floods {
            clients: Tracker::new(
                cfg.client_capacity as f64,
                cfg.client_leak.std().as_secs_f64(),
                60,
                max_keys,
            ),
            cfg: cfg.clone(),
            hour: VecDeque::with_capacity(61),
            cur: Minute::default(),
            total_ep: None,
            err_ep: None,
            done: Vec::new(),
        }
    }

    pub fn on_http(&mut self, ev: &Ev, ctx: &Ctx) {
        if !self.cfg.enabled {
            return;
        }
        let fill_secs = (self.clients.capacity * self.clients.leak) as i64;
        let (over, slot) = self.clients.pour(ev.client_h, ev.ts, 1.0);
        if let Some(ep) = slot.ep.as_mut() {
            ep.add(ev, ctx, 1);
        } else if over {
            // The episode starts when the bucket overflows; what filled it is counted in.
            let mut ep = Episode::new(ev);
            ep.fired = true;
            ep.fired_at = ev.ts;
            ep.add(ev, ctx, 1);
            ep.count = slot.bucket.level.round() as u64;
            ep.first = ev.ts - fill_secs;
            slot.ep = Some(Box::new(ep));
        }
        let minute = ev.ts.div_euclid(60) * 60;
        if minute > self.cur.at {
            self.close_minute(minute);
        }
        self.cur.requests += 1;
        if ev.status >= 500 {
            self.cur.server_errors += 1;
        }
        // Evidence for the minute-level episodes: the first lines of a flagged minute.
        for ep in [self.total_ep.as_mut(), self.err_ep.as_mut()]
            .into_iter()
            .flatten()
        {
            if ep.last >= minute && (ev.status >= 500 || ep.label == "total") {
                ep.evidence(ev, ctx);
            }
        }
    }

    /// Judges the minute that just ended against the hour before it.
    fn close_minute(&mut self, next: i64) {
        let m = self.cur;
        if m.requests > 0 {
            let n = self.hour.len().max(1) as f64;
            let mean = self.hour.iter().map(|x| x.requests).sum::<u64>() as f64 / n;
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
                m.at - e.last <= 60 && ratio >= self.cfg.server_errors_min_ratio / 2.0
            });
            Self::extend(
                &mut self.total_ep,
                &mut self.done,
                flood,
                m,
                m.requests,
                "total",
                mean,
            );
            Self::extend(
                &mut self.err_ep,
                &mut self.done,
                errs || cont_errs,
                m,
                m.server_errors,
                "5xx",
                err_ratio_before,
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
    }

    fn extend(
        slot: &mut Option<Box<Episode>>,
        done: &mut Vec<(Box<Episode>, bool)>,
        hit: bool,
        m: Minute,
        n: u64,
        label: &str,
        baseline: f64,
    ) {
        if hit {
            let ep = slot.get_or_insert_with(|| {
                Box::new(Episode {
                    first: m.at,
                    last: m.at,
                    fired: true,
                    label: label.to_string(),
                    ..Episode::default()
                })
            });
            ep.last = m.at + 59;
            ep.count += n;
            ep.requests += m.requests;
            // Keep the baseline the episode was judged against.
            if ep.max_gap == 0 {
                ep.max_gap = (baseline * 1000.0) as i64;
            }
        } else if let Some(ep) = slot.take() {
            done.push((ep, label == "total"));
        }
    }

    pub fn sweep(&mut self, now: i64) {
        self.clients.sweep(now);
    }

    pub fn finish(&mut self) {
        self.close_minute(self.cur.at + 60);
        self.clients.finish();
        for s in [self.total_ep.take(), self.err_ep.take()]
            .into_iter()
            .flatten()
        {
            let total = s.label == "total";
            self.done.push((s, total));
        }
    }

    pub fn collect(&mut self, f: &Finish, out: &mut Vec<LogIncident>) {
        for ep in std::mem::take(&mut self.clients.closed) {
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
        for (ep, total) in std::mem::take(&mut self.done) {
            let base = ep.max_gap as f64 / 1000.0;
            let mins = ((ep.last - ep.first + 1) / 60).max(1);
            let (why, verdict, sev) = if total {
                (
                    format!(
                        "{} requests in {mins} minute(s), {:.0} per minute against {base:.0} per minute in the hour before (×{:.0})",
                        ep.count,
                        ep.count as f64 / mins as f64,
                        ep.count as f64 / mins as f64 / base.max(1.0)
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
            let mut ep = ep;
            ep.max_gap = 0;
            ep.statuses.clear();
            let kind = if total {
                IncidentKind::Flood
            } else {
                IncidentKind::Other("server_errors".into())
            };
            out.push(f.incident(kind, &ep, verdict, why, sev));
        }
    }
}
