//! Injection and XSS payloads in requests (flags set by the classifier), and secrets written
//! to the log (reported once per endpoint, never repeating the secret).

use super::tracker::{Ctx, Episode, Tracker};
use super::verdict::human_secs;
use super::Finish;
use crate::event::{flag, Ev};
use crate::identity::Key;
use crate::incident::{LogIncident, Verdict};
use rampart_config::{InjectionSection, SecretsSection};
use rampart_model::{IncidentKind, Severity};

pub struct Payloads {
    inj: InjectionSection,
    secrets_on: bool,
    injections: Tracker,
    secrets: Tracker,
}

impl Payloads {
    pub fn new(inj: &InjectionSection, sec: &SecretsSection, max_keys: usize) -> Self {
        Payloads {
            injections: Tracker::new(f64::MAX, 1.0, inj.gap.std().as_secs() as i64, max_keys),
            // One incident per endpoint for the whole log: a secret in a log is a defect, not a
            // burst.
            secrets: Tracker::new(f64::MAX, 1.0, i64::MAX / 4, max_keys),
            inj: inj.clone(),
            secrets_on: sec.enabled,
        }
    }

    pub fn on_event(&mut self, ev: &Ev, ctx: &Ctx) {
        if self.inj.enabled && ev.has(flag::INJECTION) {
            let slot = self.injections.slot(ctx.client(ev), ev.ts);
            let ep = slot.ep.get_or_insert_with(|| Episode::boxed(ev));
            ep.add(ev, ctx, 1);
            if ep.count >= self.inj.min_hits as u64 {
                ep.fired = true;
            }
        }
        if self.secrets_on && ev.has(flag::SECRET) {
            let key = if ev.path.is_empty() {
                Key::of(b"(application log)")
            } else {
                ctx.endpoint(ev)
            };
            let slot = self.secrets.slot(key, ev.ts);
            let ep = slot.ep.get_or_insert_with(|| Episode::boxed(ev));
            ep.add(ev, ctx, 1);
            ep.fired = true;
        }
    }

    pub fn sweep(&mut self, now: i64) {
        self.injections.sweep(now);
        self.secrets.sweep(now);
    }

    pub fn finish(&mut self) {
        self.injections.finish();
        self.secrets.finish();
    }

    pub fn collect(&mut self, f: &Finish, out: &mut Vec<LogIncident>) {
        for ep in std::mem::take(&mut self.injections.closed) {
            out.push(injection_incident(&ep, f));
        }
        for ep in std::mem::take(&mut self.secrets.closed) {
            let what = if ep.flags & flag::PASSWORD != 0 {
                "passwords"
            } else {
                "tokens or keys"
            };
            let why = format!(
                "{} line(s) from {} client(s) carry {what} in the URL or a log field; whoever reads the logs (or the proxies, or the browser history) has them — shown here masked",
                ep.count, ep.client_set.count
            );
            let sev = if ep.flags & flag::PASSWORD != 0 {
                Severity::High
            } else {
                Severity::Medium
            };
            out.push(f.incident(IncidentKind::SecretInLog, &ep, Verdict::Defect, why, sev));
        }
    }
}

fn injection_incident(ep: &Episode, f: &Finish) -> LogIncident {
    let mut kinds = Vec::new();
    for (bit, name) in [
        (flag::SQLI, "SQL injection"),
        (flag::XSS, "cross-site scripting"),
        (flag::TRAVERSAL, "path traversal"),
        (flag::CMDI, "command/template injection"),
    ] {
        if ep.flags & bit != 0 {
            kinds.push(name);
        }
    }
    let ok = ep.status_count(|s| (200..300).contains(&s));
    let err5 = ep.status_count(|s| s >= 500);
    let mut why = format!(
        "{} request(s) carrying {} payloads in {} over {} path(s)",
        ep.count,
        kinds.join(", "),
        human_secs(ep.span_secs()),
        ep.path_set.count
    );
    if err5 > 0 {
        why.push_str(&format!(
            "; {err5} answered 5xx — the payload may have reached the database or interpreter"
        ));
    }
    if ok > 0 {
        why.push_str(&format!(
            "; {ok} answered 2xx — not rejected; check the application's handling (probing rules that watch 404s miss this)"
        ));
    }
    let sev = if err5 > 0 || ok > 0 {
        Severity::High
    } else {
        Severity::Medium
    };
    f.incident(IncidentKind::Injection, ep, Verdict::Attack, why, sev)
}
