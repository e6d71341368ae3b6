//! SSH brute force from sshd's lines, fail2ban-style: failures per source in a leaky bucket
//! (`capacity` failures, one leaks every `leak`), usernames counted, and a login that succeeded
//! after the failures called out.

use super::tracker::{Ctx, Episode, Tracker};
use super::verdict::{human_secs, judge};
use super::Finish;
use crate::event::{Ev, EvKind};
use crate::incident::{LogIncident, Verdict};
use rampart_config::SshSection;
use rampart_model::{IncidentKind, Severity};

pub struct Ssh {
    cfg: SshSection,
    t: Tracker,
}

impl Ssh {
    pub fn new(cfg: &SshSection, max_keys: usize) -> Self {
        Ssh {
            // fail2ban's `maxretry = 5` bans at the fifth failure; a bucket overflows one
            // above its capacity, so it holds one less.
            t: Tracker::new(
                (cfg.capacity as f64 - 1.0).max(0.0),
                cfg.leak.std().as_secs_f64(),
                cfg.gap.std().as_secs() as i64,
                max_keys,
            ),
            cfg: cfg.clone(),
        }
    }

    pub fn on_event(&mut self, ev: &Ev, ctx: &Ctx) {
        if !self.cfg.enabled || ev.client.is_empty() {
            return;
        }
        match ev.kind {
            EvKind::SshFail => {
                let n = ev.repeat.max(1) as u64;
                let (over, slot) = self.t.pour(ctx.client(ev), ev.ts, n as f64);
                let ep = slot.ep.get_or_insert_with(|| Episode::boxed(ev));
                ep.add(ev, ctx, n);
                if over && !ep.fired {
                    ep.fired = true;
                    ep.fired_at = ev.ts;
                }
            }
            EvKind::SshInvalidUser => {
                // Counted by its "Failed ..." line (when a password was tried); here only the
                // username and the evidence.
                let slot = self.t.slot(ctx.client(ev), ev.ts);
                let ep = slot.ep.get_or_insert_with(|| Episode::boxed(ev));
                ep.add(ev, ctx, 0);
            }
            EvKind::SshAccept => {
                if let Some(ep) = self
                    .t
                    .map
                    .get_mut(ctx.client(ev))
                    .and_then(|s| s.ep.as_mut())
                {
                    ep.success_after = true;
                    ep.evidence(ev, ctx);
                    ep.label = String::from_utf8_lossy(ctx.text(ev.user)).into_owned();
                }
            }
            _ => {}
        }
    }

    pub fn sweep(&mut self, now: i64) {
        self.t.sweep(now);
    }

    pub fn finish(&mut self) {
        self.t.finish();
    }

    pub fn collect(&mut self, f: &Finish, out: &mut Vec<LogIncident>) {
        for ep in std::mem::take(&mut self.t.closed) {
            let (mut verdict, mut why) = judge(&ep, self.cfg.distinct_users, true);
            if verdict == Verdict::Inconclusive && ep.count > self.cfg.capacity as u64 {
                verdict = Verdict::LikelyAttack;
            }
            why = format!(
                "{} failed SSH logins in {} ({} usernames: {}); {why}",
                ep.count,
                human_secs(ep.span_secs()),
                ep.user_set.count,
                ep.users
                    .iter()
                    .take(8)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let sev = if ep.success_after {
                why.push_str(&format!(
                    "; then a login SUCCEEDED as \"{}\" from the same address — check that account",
                    ep.label
                ));
                Severity::Critical
            } else if verdict == Verdict::Attack {
                Severity::High
            } else if verdict == Verdict::Person {
                Severity::Low
            } else {
                Severity::Medium
            };
            out.push(f.incident(IncidentKind::SshBruteForce, &ep, verdict, why, sev));
        }
    }
}
