//! Path probing: many distinct missing paths fast (CrowdSec http-probing: a bucket that only
//! takes paths new to it), the same spread over hours (low and slow), sensitive paths, and
//! scanners that announce themselves in the user agent.

use super::tracker::{Ctx, Episode, Tracker};
use super::verdict::human_secs;
use super::Finish;
use crate::event::{flag, Ev};
use crate::incident::{LogIncident, Verdict};
use rampart_config::ProbingSection;
use rampart_model::{IncidentKind, Severity};

pub struct Probing {
    cfg: ProbingSection,
    fast: Tracker,
    slow: Tracker,
}

fn missing(ev: &Ev) -> bool {
    matches!(ev.status, 400 | 403 | 404 | 405 | 410) && !ev.has(flag::STATIC)
}

impl Probing {
    pub fn new(cfg: &ProbingSection, max_keys: usize) -> Self {
        let slow_window = cfg.slow_window.std().as_secs() as i64;
        Probing {
            fast: Tracker::new(
                cfg.capacity as f64,
                cfg.leak.std().as_secs_f64(),
                cfg.gap.std().as_secs() as i64,
                max_keys,
            ),
            // Low and slow: no bucket, just distinct paths within an episode whose quiet gap is
            // a quarter of the window (one probe every few minutes keeps it open).
            slow: Tracker::new(f64::MAX, 1.0, slow_window / 4, max_keys),
            cfg: cfg.clone(),
        }
    }

    pub fn on_http(&mut self, ev: &Ev, ctx: &Ctx) {
        if !self.cfg.enabled {
            return;
        }
        let sensitive = ev.has(flag::SENSITIVE);
        let scanner = ev.has(flag::SCANNER_UA);
        let miss = missing(ev);
        if !(miss || sensitive || scanner) {
            return;
        }
        let (cap, leak) = (self.fast.capacity, self.fast.leak);
        let slot = self.fast.slot(ev.client_h, ev.ts);
        let ep = slot.ep.get_or_insert_with(|| Box::new(Episode::new(ev)));
        let new_path = !ep.path_set.contains(ev.path_h);
        ep.add(ev, ctx, 1);
        // CrowdSec's `distinct`: only a path new to the bucket is poured.
        let over = new_path && miss && slot.bucket.pour(ev.ts, 1.0, cap, leak);
        if sensitive {
            ep.sensitive.insert(ev.path_h);
        }
        if !ep.fired && (over || scanner || ep.sensitive.count >= self.cfg.sensitive_min as u64) {
            ep.fired = true;
            ep.fired_at = ev.ts;
        }
        if miss {
            let slot = self.slow.slot(ev.client_h, ev.ts);
            let sep = slot.ep.get_or_insert_with(|| Box::new(Episode::new(ev)));
            sep.add(ev, ctx, 1);
            if sep.path_set.count >= self.cfg.slow_distinct as u64
                && sep.span_secs() <= self.cfg.slow_window.std().as_secs() as i64
            {
                sep.fired = true;
            }
        }
    }

    pub fn sweep(&mut self, now: i64) {
        self.fast.sweep(now);
        self.slow.sweep(now);
    }

    pub fn finish(&mut self) {
        self.fast.finish();
        self.slow.finish();
    }

    pub fn collect(&mut self, f: &Finish, out: &mut Vec<LogIncident>) {
        for ep in std::mem::take(&mut self.fast.closed) {
            out.push(self.incident(&ep, f, false));
        }
        for ep in std::mem::take(&mut self.slow.closed) {
            // A slow episode that is really a fast scan is reported once, by the fast one; the
            // engine merges overlapping incidents of one kind and client.
            out.push(self.incident(&ep, f, true));
        }
    }

    fn incident(&self, ep: &Episode, f: &Finish, slow: bool) -> LogIncident {
        let mut reasons = Vec::new();
        reasons.push(format!(
            "{} requests for {} distinct paths in {}, {} answered 4xx",
            ep.count,
            ep.path_set.count,
            human_secs(ep.span_secs()),
            ep.status_count(|s| (400..500).contains(&s))
        ));
        if slow {
            reasons.push(format!(
                "spread out (mean gap {:.0} s): low-and-slow probing that per-minute rules miss",
                ep.mean_gap()
            ));
        }
        if ep.sensitive.count > 0 {
            reasons.push(format!(
                "{} sensitive path(s) asked for (e.g. /.env, /.git/, /wp-admin/) — no browser asks for those",
                ep.sensitive.count
            ));
        }
        if ep.flags & flag::SCANNER_UA != 0 {
            reasons.push(format!(
                "known scanner user agent \"{}\"",
                ep.agents.first().map(String::as_str).unwrap_or("")
            ));
        }
        let hits = ep.status_count(|s| (200..300).contains(&s));
        let sev = if ep.sensitive.count > 0 && hits > 0 {
            reasons.push(format!(
                "{hits} of them answered 2xx — check what was served"
            ));
            Severity::High
        } else {
            Severity::Medium
        };
        let verdict =
            if ep.path_set.count >= 5 || ep.sensitive.count > 0 || ep.flags & flag::SCANNER_UA != 0
            {
                Verdict::Attack
            } else {
                Verdict::LikelyAttack
            };
        f.incident(
            IncidentKind::PathProbing,
            ep,
            verdict,
            reasons.join("; "),
            sev,
        )
    }
}
