//! Login brute force and credential stuffing: POSTs to a login path (whatever they answer —
//! failed logins often answer 200 with the form again) and application "login failed" lines,
//! per client; the same across all clients (distributed); and per username across clients.

use super::tracker::{Ctx, Episode, Tracker};
use super::verdict::{human_secs, judge};
use super::Finish;
use crate::event::{flag, Ev, EvKind, Method};
use crate::incident::{LogIncident, Verdict};
use rampart_config::BruteForceSection;
use rampart_model::{IncidentKind, Severity};

pub struct Logins {
    cfg: BruteForceSection,
    clients: Tracker,
    distributed: Tracker,
    users: Tracker,
}

/// A login attempt: a POST to a login path, or an application line saying a login failed.
pub fn attempt(ev: &Ev) -> Option<bool> {
    if ev.kind == EvKind::Http && ev.has(flag::LOGIN) && ev.method == Method::Post {
        // A redirect after a login POST is the usual success; anything else is a failure or the
        // form again.
        return Some(!(300..400).contains(&ev.status));
    }
    if ev.has(flag::AUTH_FAIL) {
        return Some(true);
    }
    if ev.has(flag::AUTH_OK) {
        return Some(false);
    }
    None
}

impl Logins {
    pub fn new(cfg: &BruteForceSection, max_keys: usize) -> Self {
        let leak = cfg.leak.std().as_secs_f64();
        let gap = cfg.gap.std().as_secs() as i64;
        let window = cfg.window.std().as_secs_f64();
        let mut clients = Tracker::new(cfg.capacity as f64, leak, gap, max_keys);
        let mut distributed = Tracker::new(
            cfg.distributed_min_failures as f64,
            window / cfg.distributed_min_failures.max(1) as f64,
            gap,
            max_keys,
        );
        let mut users = Tracker::new(cfg.capacity as f64, leak, gap, max_keys);
        for t in [&mut clients, &mut distributed, &mut users] {
            t.restart = true;
        }
        Logins {
            clients,
            distributed,
            users,
            cfg: cfg.clone(),
        }
    }

    pub fn on_event(&mut self, ev: &Ev, ctx: &Ctx) {
        if !self.cfg.enabled {
            return;
        }
        let Some(failed) = attempt(ev) else { return };
        let (client, user, path) = (ctx.client(ev), ctx.user(ev), ctx.endpoint(ev));
        if !failed {
            // A success closes nothing, but it matters to the verdict.
            // Most successes have no failed attempts before them: the trackers' bitmaps of keys
            // with an open episode spare the map lookups.
            for (t, key) in [(&mut self.clients, client), (&mut self.users, user)] {
                if !t.maybe_open(key.h) {
                    continue;
                }
                if let Some(ep) = t.map.get_mut(key).and_then(|s| s.ep.as_mut()) {
                    ep.success_after = true;
                    ep.evidence(ev, ctx);
                }
            }
            // A client that logs in while many clients fail on the same login path is a person
            // whose mistyped password fell inside the attack, not one of its clients. Kept as
            // it is shown (see `bystanders_out`).
            if let Some(ep) = self
                .distributed
                .maybe_open(path.h)
                .then(|| self.distributed.map.get_mut(path))
                .flatten()
                .and_then(|s| s.ep.as_mut())
            {
                // Only whether the set is empty and the clients it keeps are read (see
                // `bystanders_out`): once it is full and not empty, an insert changes neither.
                if ep.cleared.is_full() && ep.cleared.count > 0 {
                    return;
                }
                if client.a.is_ascii() || std::str::from_utf8(client.a).is_ok() {
                    ep.cleared.insert(client.h, client.a);
                } else {
                    let shown = super::tracker::escape_invalid(client.a);
                    ep.cleared
                        .insert(crate::hash::hash_bytes(shown.as_bytes()), shown.as_bytes());
                }
            }
            return;
        }
        let with_user = !ev.user.is_empty();
        for (t, key) in [
            (&mut self.clients, Some(client)),
            (&mut self.distributed, Some(path)),
            (&mut self.users, with_user.then_some(user)),
        ] {
            let Some(key) = key else { continue };
            let (over, slot) = t.pour(key, ev.ts, 1.0);
            let ep = slot.ep.get_or_insert_with(|| Episode::boxed(ev));
            ep.add(ev, ctx, 1);
            if over {
                if !ep.fired {
                    ep.fired = true;
                    ep.fired_at = ev.ts;
                }
                ep.mark_over();
            }
            // Every key with an open episode is marked (a sweep rebuilds the marks).
            t.mark_open(key.h);
        }
    }

    pub fn sweep(&mut self, now: i64) {
        self.clients.sweep(now);
        self.distributed.sweep(now);
        self.users.sweep(now);
    }

    pub fn finish(&mut self) {
        self.clients.finish();
        self.distributed.finish();
        self.users.finish();
    }

    pub fn collect(&mut self, f: &Finish, out: &mut Vec<LogIncident>) {
        for mut ep in std::mem::take(&mut self.clients.closed) {
            ep.trim();
            out.push(self.client_incident(&ep, f));
        }
        for mut ep in std::mem::take(&mut self.distributed.closed) {
            ep.trim();
            if let Some(i) = self.spread_incident(&ep, f, "login path") {
                out.push(i);
            }
        }
        for mut ep in std::mem::take(&mut self.users.closed) {
            ep.trim();
            if let Some(i) = self.spread_incident(&ep, f, "username") {
                out.push(i);
            }
        }
    }

    fn client_incident(&self, ep: &Episode, f: &Finish) -> LogIncident {
        let users_logged = f.users_logged || ep.user_set.count > 0;
        let (verdict, mut why) = judge(ep, self.cfg.distinct_users, users_logged);
        let ok200 = ep.status_count(|s| s == 200);
        if ok200 * 2 >= ep.count && !ep.sizes_overflow && ep.sizes.len() <= 2 {
            why.push_str(&format!(
                "; {ok200} of the attempts answered 200 with {} response size(s) — the login form shown again, i.e. failed logins that answer 200",
                ep.sizes.len()
            ));
        }
        let kind = if ep.user_set.count >= self.cfg.distinct_users as u64 {
            IncidentKind::CredentialStuffing
        } else {
            IncidentKind::BruteForce
        };
        let sev = match verdict {
            Verdict::Attack if ep.success_after => Severity::Critical,
            Verdict::Attack => Severity::High,
            Verdict::LikelyAttack => Severity::Medium,
            _ => Severity::Low,
        };
        f.incident(kind, ep, verdict, format!("login attempts: {why}"), sev)
    }

    /// Many clients on one login path, or one username from many clients.
    fn spread_incident(&self, ep: &Episode, f: &Finish, what: &str) -> Option<LogIncident> {
        let top = ep.top_client().map(|c| c.1).unwrap_or(0);
        if ep.client_set.count < self.cfg.distributed_min_clients as u64 || top * 2 >= ep.count {
            return None;
        }
        let why = format!(
            "{} failed logins on one {what} from {} clients in {} (no client more than {top}): a distributed brute force spreads its tries so that no single client stands out",
            ep.count,
            ep.client_set.count,
            human_secs(ep.span_secs())
        );
        let kind = if ep.user_set.count >= self.cfg.distinct_users as u64 {
            IncidentKind::CredentialStuffing
        } else {
            IncidentKind::BruteForce
        };
        Some(f.incident(kind, ep, Verdict::Attack, why, Severity::High))
    }
}
