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
use std::collections::HashMap;

pub struct Ssh {
    cfg: SshSection,
    t: Tracker,
    connections: Connections,
}

/// What the log said so far about one connection (sshd's process id), so that a try is
/// counted once however many lines it wrote, and a connection whose lines carry no address
/// (`User root not allowed because account is locked`, `Disconnecting: Too many
/// authentication failures`) is counted for the address its last line gives (`Received
/// disconnect from HOST … [preauth]`), as fail2ban does.
#[derive(Default)]
struct Connections {
    live: HashMap<u64, Conn>,
}

#[derive(Default)]
struct Conn {
    last: i64,
    /// Its source, once a line named it.
    client: Option<Box<[u8]>>,
    /// A failure of this connection was counted.
    counted: bool,
    /// A line noted a try (an unknown or refused user, a key refused) that no counted failure
    /// covers yet.
    noted: bool,
    /// PAM's failure line counted a try that sshd's own `Failed …` line, written right after
    /// it for the same try, must not count again.
    pam_counted: bool,
}

impl Connections {
    /// sshd gives a connection two minutes to authenticate (`LoginGraceTime`); ids are reused.
    const KEEP_SECS: i64 = 600;

    /// The connection's state; a new one when the id is unknown, stale, or was another
    /// source's. `None` when the line has no id (no connection to remember).
    fn get(&mut self, pid: u64, client: &[u8], ts: i64) -> Option<&mut Conn> {
        if pid == 0 {
            return None;
        }
        let c = self.live.entry(pid).or_default();
        let other = !client.is_empty() && c.client.as_deref().is_some_and(|k| k != client);
        if other || ts.saturating_sub(c.last) > Self::KEEP_SECS {
            *c = Conn::default();
        }
        c.last = ts;
        if c.client.is_none() && !client.is_empty() {
            c.client = Some(client.into());
        }
        Some(c)
    }

    fn sweep(&mut self, now: i64) {
        self.live
            .retain(|_, c| now.saturating_sub(c.last) <= Self::KEEP_SECS);
    }
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
            connections: Connections::default(),
        }
    }

    /// Reads one sshd line; returns the tries it counted (0 for a line that only notes one),
    /// the unit the logging coverage counts too — also when the detector is off.
    pub fn on_event(&mut self, ev: &Ev, ctx: &Ctx) -> u64 {
        let client = ctx.text(ev.client);
        // PAM names the client by its reverse-DNS name where sshd writes the address: another
        // text for the same connection, not a sign that its process id was reused.
        let identity = if ev.kind == EvKind::SshPamFail {
            &[][..]
        } else {
            client
        };
        let conn = self.connections.get(ev.bytes, identity, ev.ts);
        // Whether this line is a try to count: by its kind, and by what its connection said.
        let n = match (ev.kind, conn) {
            (EvKind::SshFail, Some(c)) => {
                c.counted = true;
                c.noted = false;
                let same_try = std::mem::replace(&mut c.pam_counted, false);
                (ev.repeat.max(1) as u64).saturating_sub(u64::from(same_try))
            }
            // PAM speaks first; on old systems it is all the log says about the try.
            (EvKind::SshPamFail, Some(c)) if !client.is_empty() => {
                c.counted = true;
                c.noted = false;
                c.pam_counted = true;
                1
            }
            (EvKind::SshFail, None) => ev.repeat.max(1) as u64,
            // A session that gave up or was cut off before it authenticated: one try, unless
            // its connection's failures were counted already.
            (EvKind::SshClosed, Some(c)) if !client.is_empty() => {
                u64::from(!std::mem::replace(&mut c.counted, true))
            }
            (EvKind::SshClosed, None) => 1,
            // The same without an address (`Disconnecting: Too many authentication
            // failures`): counted when the connection's last line gives one.
            (EvKind::SshClosed | EvKind::SshNoted | EvKind::SshPamFail, Some(c)) => {
                c.noted |= !c.counted;
                0
            }
            // The connection's last line, with its address: a try if an earlier line noted
            // one that nothing counted (a scanner that only connects noted nothing).
            (EvKind::SshEnded, Some(c)) => {
                let n = u64::from(c.noted && !c.counted);
                c.counted |= c.noted;
                n
            }
            _ => 0,
        };
        if client.is_empty() || !self.cfg.enabled {
            return n;
        }
        match ev.kind {
            EvKind::SshFail | EvKind::SshPamFail | EvKind::SshClosed | EvKind::SshEnded
                if n > 0 =>
            {
                self.count(ev, ctx, n)
            }
            EvKind::SshFail | EvKind::SshPamFail | EvKind::SshClosed | EvKind::SshNoted => {
                self.note(ev, ctx)
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
        n
    }

    fn count(&mut self, ev: &Ev, ctx: &Ctx, n: u64) {
        let (over, slot) = self.t.pour(ctx.client(ev), ev.ts, n as f64);
        let ep = slot.ep.get_or_insert_with(|| Episode::boxed(ev));
        ep.add(ev, ctx, n);
        if over && !ep.fired {
            ep.fired = true;
            ep.fired_at = ev.ts;
        }
    }

    /// A line about a try counted by another line: its user and evidence only.
    fn note(&mut self, ev: &Ev, ctx: &Ctx) {
        let slot = self.t.slot(ctx.client(ev), ev.ts);
        let ep = slot.ep.get_or_insert_with(|| Episode::boxed(ev));
        ep.add(ev, ctx, 0);
    }

    pub fn sweep(&mut self, now: i64) {
        self.t.sweep(now);
        self.connections.sweep(now);
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
