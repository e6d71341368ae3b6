//! The in-order detector pass: every parsed line goes through each detector's bounded state,
//! using the log's own timestamps as the only clock.

mod auth;
pub mod chart;
mod correlate;
pub mod coverage;
mod errors;
mod flood;
mod payloads;
mod probing;
mod server_log;
pub use server_log::KIND as SERVER_LOG_KIND;
mod signals;
mod ssh;
mod tracker;
mod verdict;

#[cfg(test)]
mod exact_identity_tests;

use crate::event::EvKind;
use crate::incident::{window, EvidenceLine, LogIncident, Verdict};
use crate::pipeline::ParsedChunk;
use rampart_config::LogsSection;
use rampart_model::{IncidentKind, Severity};
use std::collections::BTreeMap;
pub use tracker::Episode;

/// What every detector needs to turn an episode into an incident.
pub struct Finish {
    pub source: String,
    pub distinct_users: u32,
    pub users_logged: bool,
}

impl Finish {
    pub fn incident(
        &self,
        kind: IncidentKind,
        ep: &Episode,
        verdict: Verdict,
        why: String,
        severity: Severity,
    ) -> LogIncident {
        let top = |v: &[(String, u64)], n: usize| {
            let mut v = v.to_vec();
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            v.into_iter().take(n).map(|(s, _)| s).collect::<Vec<_>>()
        };
        let signals = signals::of(&kind, ep);
        let (from, to) = window(ep.first, ep.last, ep.tz);
        LogIncident {
            kind,
            source: self.source.clone(),
            // Every client (the text and HTML renderers abbreviate), busiest first.
            clients: top(&participants(&bystanders_out(ep)), usize::MAX),
            paths: top(&ep.paths, 10),
            users: ep.users.iter().take(20).cloned().collect(),
            from,
            to,
            count: ep.count,
            statuses: ep
                .statuses
                .iter()
                .map(|(s, n)| (s.to_string(), *n))
                .collect::<BTreeMap<_, _>>(),
            verdict,
            why,
            severity,
            evidence: ep
                .evidence
                .iter()
                .map(|(line, raw)| EvidenceLine {
                    line: *line,
                    text: raw.text(),
                })
                .collect(),
            from_ts: ep.first,
            to_ts: ep.last,
            signals,
            impact: None,
        }
    }
}

/// The episode's clients without those it cleared (see [`Episode::cleared`]).
fn bystanders_out(ep: &Episode) -> Vec<(String, u64)> {
    if ep.cleared.count == 0 {
        return ep.clients.clone();
    }
    ep.clients
        .iter()
        .filter(|(c, _)| {
            !ep.cleared
                .contains(crate::hash::hash_bytes(c.as_bytes()), c.as_bytes())
        })
        .cloned()
        .collect()
}

/// The clients that took part in a many-client hit, without the bystanders: ordinary clients
/// whose odd failure (or request, in a flood minute) fell inside the window. Counts sorted
/// descending are cut at the largest drop between consecutive distinct counts, when it is at
/// least a factor of two (140 flood requests each, then 3 or fewer: the 3s are bystanders; two
/// tries each from 150 addresses, one from 4 visitors: the 4 are). With no such drop every
/// client takes part.
fn participants(clients: &[(String, u64)]) -> Vec<(String, u64)> {
    if clients.len() < 2 {
        return clients.to_vec();
    }
    let mut counts: Vec<u64> = clients.iter().map(|c| c.1).collect();
    counts.sort_unstable_by(|a, b| b.cmp(a));
    counts.dedup();
    let mut cut = 0;
    let mut best = 2.0;
    for w in counts.windows(2) {
        let r = w[0] as f64 / w[1].max(1) as f64;
        if r >= best {
            best = r;
            cut = w[0];
        }
    }
    clients.iter().filter(|c| c.1 >= cut).cloned().collect()
}

/// Per-source facts for the report.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub lines: u64,
    pub parsed: u64,
    pub malformed: u64,
    pub malformed_samples: Vec<EvidenceLine>,
    pub first_ts: Option<i64>,
    pub last_ts: Option<i64>,
    pub tz: i32,
}

pub struct Engine {
    source: String,
    distinct_users: u32,
    evidence_cap: usize,
    errors: errors::ErrorBursts,
    logins: auth::Logins,
    probing: probing::Probing,
    payloads: payloads::Payloads,
    flood: flood::Floods,
    ssh: ssh::Ssh,
    server_log: server_log::ServerLog,
    pub coverage: coverage::Coverage,
    pub chart: chart::ChartBuilder,
    pub stats: Stats,
    incidents: Vec<LogIncident>,
    now: i64,
    last_sweep: i64,
    since_sweep: u64,
    /// Sweep after every chunk (follow mode: incidents as they happen).
    pub eager: bool,
}

impl Engine {
    pub fn new(source: &str, cfg: &LogsSection) -> Engine {
        let d = &cfg.detectors;
        let k = d.max_keys;
        Engine {
            source: source.to_string(),
            distinct_users: d.brute_force.distinct_users,
            evidence_cap: d.evidence_lines,
            errors: errors::ErrorBursts::new(&d.error_burst, k),
            logins: auth::Logins::new(&d.brute_force, k),
            probing: probing::Probing::new(&d.probing, k),
            payloads: payloads::Payloads::new(&d.injection, &d.secrets, k),
            flood: flood::Floods::new(&d.flood, k, d.evidence_lines),
            ssh: ssh::Ssh::new(&d.ssh, k),
            server_log: server_log::ServerLog::new(&d.server_log, k),
            coverage: coverage::Coverage::default(),
            chart: chart::ChartBuilder::default(),
            stats: Stats::default(),
            incidents: Vec::new(),
            now: i64::MIN,
            last_sweep: i64::MIN,
            since_sweep: 0,
            eager: false,
        }
    }

    /// Feeds one parsed chunk (chunks must come in input order). Returns the incidents that
    /// closed during it.
    pub fn feed(&mut self, c: &ParsedChunk) -> Vec<LogIncident> {
        let ctx = tracker::Ctx {
            buf: &c.buf,
            arena: &c.arena,
            line_base: self.stats.lines,
            evidence_cap: self.evidence_cap,
        };
        for ev in &c.events {
            // The chart is of requests: sshd's lines and an error log's notices are not.
            if ev.kind == EvKind::Http {
                self.chart.add(ev.ts, ev.tz, ev.status);
            }
            // sshd's tries as the SSH detector counts them (once per try, however many lines
            // it wrote), so the coverage counts the same unit.
            let ssh_tries = if ev.kind.is_ssh() {
                self.ssh.on_event(ev, &ctx)
            } else {
                0
            };
            self.coverage.observe(ev, &ctx, ssh_tries);
            match ev.kind {
                EvKind::Http => {
                    self.errors.on_http(ev, &ctx);
                    self.logins.on_event(ev, &ctx);
                    self.probing.on_http(ev, &ctx);
                    self.payloads.on_event(ev, &ctx);
                    self.flood.on_http(ev, &ctx);
                }
                EvKind::App => {
                    self.logins.on_event(ev, &ctx);
                    self.payloads.on_event(ev, &ctx);
                    self.server_log.on_event(ev, &ctx);
                }
                EvKind::SshFail
                | EvKind::SshNoted
                | EvKind::SshPamFail
                | EvKind::SshClosed
                | EvKind::SshEnded
                | EvKind::SshAccept => {}
            }
            if ev.ts > self.now {
                self.now = ev.ts;
            }
        }
        self.errors.count_endpoints(&c.endpoints, &ctx);
        if let (Some(first), Some(last)) = (c.events.first(), c.events.last()) {
            self.stats.first_ts.get_or_insert(first.ts);
            self.stats.last_ts = Some(last.ts.max(self.stats.last_ts.unwrap_or(i64::MIN)));
            self.stats.tz = last.tz;
        }
        for &(line, span) in &c.malformed_samples {
            if self.stats.malformed_samples.len() < 10 {
                let text = String::from_utf8_lossy(ctx.text(span)).into_owned();
                self.stats.malformed_samples.push(EvidenceLine {
                    line: self.stats.lines + line as u64 + 1,
                    text: crate::classify::mask_secrets(&text),
                });
            }
        }
        self.stats.lines += c.lines as u64;
        self.stats.parsed += c.events.len() as u64;
        self.stats.malformed += c.malformed as u64;
        self.since_sweep += c.events.len() as u64;
        let before = self.incidents.len();
        if self.eager
            || (self.now.saturating_sub(self.last_sweep) >= 600 && self.since_sweep >= 50_000)
        {
            self.sweep();
        }
        self.incidents[before..].to_vec()
    }

    fn finisher(&self) -> Finish {
        Finish {
            source: self.source.clone(),
            distinct_users: self.distinct_users,
            users_logged: self.coverage.users_logged(),
        }
    }

    fn sweep(&mut self) {
        let now = self.now;
        self.errors.sweep(now);
        self.logins.sweep(now);
        self.probing.sweep(now);
        self.payloads.sweep(now);
        self.flood.sweep(now);
        self.ssh.sweep(now);
        self.server_log.sweep(now);
        self.collect();
        self.last_sweep = now;
        self.since_sweep = 0;
    }

    fn collect(&mut self) {
        let f = self.finisher();
        let out = &mut self.incidents;
        self.errors.collect(&f, out);
        self.logins.collect(&f, out);
        self.probing.collect(&f, out);
        self.payloads.collect(&f, out);
        self.flood.collect(&f, out);
        self.ssh.collect(&f, out);
        self.server_log.collect(&f, out);
    }

    /// End of input: closes every episode and returns all incidents: one detector's hits
    /// merged (a fast and a slow probe), then correlated into one incident per episode.
    pub fn finish(&mut self) -> Vec<LogIncident> {
        self.errors.finish();
        self.logins.finish();
        self.probing.finish();
        self.payloads.finish();
        self.flood.finish();
        self.ssh.finish();
        self.server_log.finish();
        self.collect();
        let hits = merge(std::mem::take(&mut self.incidents), self.evidence_cap);
        correlate::episodes(hits, self.evidence_cap)
    }
}

/// One attack seen by two rules of one detector (a fast and a slow probe, say) is one incident.
fn merge(mut v: Vec<LogIncident>, cap: usize) -> Vec<LogIncident> {
    v.sort_by(|a, b| {
        (a.from_ts, a.kind_str(), &a.clients).cmp(&(b.from_ts, b.kind_str(), &b.clients))
    });
    let mut out: Vec<LogIncident> = Vec::with_capacity(v.len());
    for i in v {
        let same = out.iter_mut().rev().take(16).find(|o| {
            o.kind == i.kind
                && !o.clients.is_empty()
                && o.clients.first() == i.clients.first()
                && i.from_ts <= o.to_ts
                && (o.paths.first() == i.paths.first()
                    || matches!(o.kind, IncidentKind::PathProbing | IncidentKind::Flood))
        });
        match same {
            Some(o) => {
                if i.count > o.count {
                    o.count = i.count;
                    o.why = i.why.clone();
                    o.paths = i.paths.clone();
                }
                // The stronger verdict stands (a client flood inside a total one is still
                // that client's flood), and every client of both is kept.
                if correlate::strength(i.verdict) > correlate::strength(o.verdict) {
                    o.verdict = i.verdict;
                }
                let known: std::collections::HashSet<String> = o.clients.iter().cloned().collect();
                for c in &i.clients {
                    if !known.contains(c) {
                        o.clients.push(c.clone());
                    }
                }
                if i.to_ts > o.to_ts {
                    o.to_ts = i.to_ts;
                    o.to = i.to.clone();
                }
                o.severity = o.severity.max(i.severity);
                o.signals.extend(i.signals);
                o.signals.sort();
                o.signals.dedup();
                for e in i.evidence {
                    if o.evidence.len() < cap && !o.evidence.contains(&e) {
                        o.evidence.push(e);
                    }
                }
                o.evidence.sort_by_key(|e| e.line);
            }
            None => out.push(i),
        }
    }
    out
}
