//! Episodes: the detectors' hits correlated into one incident per attack.
//!
//! An analyst reads each incident, so one event must be one incident. Hits are joined when
//! their windows touch (within [`TOUCH`]) and they share a client, or when they are one
//! distributed event (the same kind on the same target at the same time from different
//! clients). The episode keeps every client, every signal, the main hit's kind, the strongest
//! verdict and the worst severity. An onset of 5xx during or right after an episode is its
//! `impact`, not an incident of its own; 5xx with no attack around them stay a `server_errors`
//! defect. Secrets in the log are defects of the service, never joined to an attack.
//!
//! This runs once per source on the hits (a handful to a few thousand), never on lines.

use crate::incident::{Impact, LogIncident, Verdict};
use rampart_model::IncidentKind;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Hits of one client whose windows are closer than this touch (a scanner that pauses for a
/// coffee is still one episode).
const TOUCH: i64 = 300;
/// Small hits of one client each, the same requests (kind and paths) from different clients
/// this close, are one rotating campaign: a botnet that sends one client every 20 minutes.
const CAMPAIGN_TOUCH: i64 = 3600;
/// "Small": what one bot of a rotating campaign sends (a big hit is an attacker of its own).
const CAMPAIGN_MAX_COUNT: u64 = 20;
/// A 5xx onset that starts this long after an episode's end is still its impact.
const IMPACT_AFTER: i64 = 600;

fn is_server_errors(i: &LogIncident) -> bool {
    matches!(&i.kind, IncidentKind::Other(s) if s == "server_errors")
}

/// Which hit names the episode: the most specific attack.
fn priority(k: &IncidentKind) -> u8 {
    match k {
        IncidentKind::CredentialStuffing => 9,
        IncidentKind::BruteForce | IncidentKind::SshBruteForce => 8,
        IncidentKind::Injection => 7,
        IncidentKind::Flood => 6,
        IncidentKind::ErrorBurst => 4,
        IncidentKind::PathProbing => 3,
        _ => 1,
    }
}

pub fn strength(v: Verdict) -> u8 {
    match v {
        Verdict::Attack => 4,
        Verdict::LikelyAttack => 3,
        Verdict::Inconclusive => 2,
        Verdict::Person => 1,
        Verdict::Defect => 0,
    }
}

struct Sets(Vec<usize>);

impl Sets {
    fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }
    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            self.0[a.max(b)] = a.min(b);
        }
    }
}

/// Joins hits that share a key (a client, or a kind and target) and whose windows touch: per
/// key, a sweep in time order keeps the running end of the current run.
fn join_by_key(
    hits: &[LogIncident],
    sets: &mut Sets,
    touch: i64,
    keys: impl Fn(&LogIncident) -> Vec<String>,
) {
    let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, h) in hits.iter().enumerate() {
        for k in keys(h) {
            by_key.entry(k).or_default().push(i);
        }
    }
    for (_, mut ids) in by_key {
        if ids.len() < 2 {
            continue;
        }
        ids.sort_by_key(|&i| (hits[i].from_ts, i));
        let (mut head, mut end) = (ids[0], hits[ids[0]].to_ts);
        for &i in &ids[1..] {
            if hits[i].from_ts <= end.saturating_add(touch) {
                sets.union(head, i);
                end = end.max(hits[i].to_ts);
            } else {
                head = i;
                end = hits[i].to_ts;
            }
        }
    }
}

/// Correlates one source's hits into episodes (see the module's documentation).
pub fn episodes(hits: Vec<LogIncident>, evidence_cap: usize) -> Vec<LogIncident> {
    let (mut errors5xx, rest): (Vec<_>, Vec<_>) = hits.into_iter().partition(is_server_errors);
    let (defects, attacks): (Vec<_>, Vec<_>) = rest
        .into_iter()
        .partition(|i| matches!(i.kind, IncidentKind::SecretInLog));
    let mut sets = Sets((0..attacks.len()).collect());
    join_by_key(&attacks, &mut sets, TOUCH, |h| h.clients.clone());
    // One distributed event: the same kind on the same target at the same time, from
    // different clients. A hit without paths (sshd) targets the host itself.
    join_by_key(&attacks, &mut sets, TOUCH, |h| {
        vec![format!(
            "{}\u{0}{}",
            h.kind_str(),
            h.paths.first().map_or("", String::as_str)
        )]
    });
    // A rotating campaign: the same small set of requests from one client after another.
    join_by_key(&attacks, &mut sets, CAMPAIGN_TOUCH, |h| {
        // Without paths (sshd) there is no "same requests" to tell a campaign from the
        // internet's background of unrelated bots: those join only when concurrent.
        if h.clients.len() == 1 && h.count <= CAMPAIGN_MAX_COUNT && !h.paths.is_empty() {
            vec![format!("{}\u{0}{}", h.kind_str(), h.paths.join("\u{0}"))]
        } else {
            Vec::new()
        }
    });
    let mut groups: BTreeMap<usize, Vec<LogIncident>> = BTreeMap::new();
    for (i, h) in attacks.into_iter().enumerate() {
        let root = sets.find(i);
        groups.entry(root).or_default().push(h);
    }
    let mut out: Vec<LogIncident> = groups
        .into_values()
        .map(|g| one_episode(g, evidence_cap))
        .collect();
    out.sort_by_key(|i| (i.from_ts, i.to_ts));
    // Impact: each 5xx onset goes to the episode it started in or right after (the latest
    // such start); unclaimed onsets stay defects of their own.
    errors5xx.sort_by_key(|i| i.from_ts);
    let mut left = Vec::new();
    for e in errors5xx {
        let owner = out
            .iter_mut()
            .filter(|a| {
                strength(a.verdict) >= strength(Verdict::Inconclusive)
                    && e.from_ts >= a.from_ts - 60
                    && e.from_ts <= a.to_ts.saturating_add(IMPACT_AFTER)
            })
            .max_by_key(|a| a.from_ts);
        match owner {
            Some(a) => attach_impact(a, e),
            None => left.push(e),
        }
    }
    out.extend(left);
    out.extend(defects);
    out.sort_by_key(|i| (i.from_ts, i.to_ts));
    out
}

fn attach_impact(a: &mut LogIncident, e: LogIncident) {
    a.severity = a.severity.max(e.severity);
    if !a.signals.iter().any(|s| s == "server_errors") {
        a.signals.push("server_errors".into());
        a.signals.sort();
    }
    match a.impact.as_mut() {
        Some(im) => {
            // A second onset within the same episode widens the first.
            if e.to_ts > im.to_ts {
                im.to_ts = e.to_ts;
                im.to.clone_from(&e.to);
            }
            im.count += e.count;
            for (s, n) in &e.statuses {
                *im.statuses.entry(s.clone()).or_default() += n;
            }
        }
        None => {
            a.impact = Some(Impact {
                kind: e.kind_str(),
                from: e.from,
                to: e.to,
                from_ts: e.from_ts,
                to_ts: e.to_ts,
                count: e.count,
                statuses: e.statuses,
                why: e.why,
                evidence: e.evidence,
            })
        }
    }
}

/// The episode's count: the main hit's kind summed over its hits (two sources guessing
/// passwords 6 times each made 12 tries; one source's two runs an hour apart, both). A hit of
/// that kind that already covers several sources (a distributed flood) holds their sum
/// itself, so the count is never less than it, and it is not added again. Other kinds count
/// other things (5xx answers beside a flood) and are not added.
fn episode_count(g: &[LogIncident]) -> u64 {
    let kind = g[0].kind_str();
    let same = || g.iter().filter(|h| h.kind_str() == kind);
    let single: u64 = same()
        .filter(|h| h.clients.len() == 1)
        .map(|h| h.count)
        .sum();
    let widest = same().map(|h| h.count).max().unwrap_or(0);
    single.max(widest)
}

/// One incident from a group of hits.
fn one_episode(mut g: Vec<LogIncident>, cap: usize) -> LogIncident {
    if g.len() == 1 {
        return g.pop().expect("one hit");
    }
    // The main hit: the most specific kind, then the largest count, then the earliest.
    g.sort_by(|a, b| {
        priority(&b.kind)
            .cmp(&priority(&a.kind))
            .then(b.count.cmp(&a.count))
            .then(a.from_ts.cmp(&b.from_ts))
    });
    let mut ep = g[0].clone();
    let mut clients: HashSet<String> = ep.clients.iter().cloned().collect();
    let mut paths: HashSet<String> = ep.paths.iter().cloned().collect();
    let mut kinds: BTreeMap<String, (usize, &LogIncident)> = BTreeMap::new();
    for h in &g {
        kinds.entry(h.kind_str()).or_insert((0, h)).0 += 1;
    }
    for h in &g[1..] {
        for c in &h.clients {
            if clients.insert(c.clone()) {
                ep.clients.push(c.clone());
            }
        }
        for p in &h.paths {
            if ep.paths.len() < 10 && paths.insert(p.clone()) {
                ep.paths.push(p.clone());
            }
        }
        for u in &h.users {
            if ep.users.len() < 20 && !ep.users.contains(u) {
                ep.users.push(u.clone());
            }
        }
        if h.from_ts < ep.from_ts {
            ep.from_ts = h.from_ts;
            ep.from.clone_from(&h.from);
        }
        if h.to_ts > ep.to_ts {
            ep.to_ts = h.to_ts;
            ep.to.clone_from(&h.to);
        }
        if strength(h.verdict) > strength(ep.verdict) {
            ep.verdict = h.verdict;
        }
        ep.severity = ep.severity.max(h.severity);
        ep.signals.extend(h.signals.iter().cloned());
    }
    ep.signals.sort();
    ep.signals.dedup();
    ep.count = episode_count(&g);
    // Evidence from every hit in turn, so each signal shows at least one line when there is room.
    let mut evidence = Vec::new();
    let mut k = 0;
    while evidence.len() < cap {
        let mut any = false;
        for h in &g {
            if let Some(e) = h.evidence.get(k) {
                any = true;
                if evidence.len() < cap
                    && !evidence
                        .iter()
                        .any(|x: &crate::EvidenceLine| x.line == e.line)
                {
                    evidence.push(e.clone());
                }
            }
        }
        if !any {
            break;
        }
        k += 1;
    }
    evidence.sort_by_key(|e| e.line);
    ep.evidence = evidence;
    let hits: Vec<String> = kinds
        .iter()
        .map(|(k, (n, _))| {
            if *n > 1 {
                format!("{n} × {k}")
            } else {
                k.clone()
            }
        })
        .collect();
    // The episode first (its count and window are what the incident shows), then each
    // source's share of the main kind, then the largest hit's own explanation.
    let main = ep.kind_str();
    let shares: Vec<String> = g
        .iter()
        .filter(|h| h.kind_str() == main && h.clients.len() == 1)
        .map(|h| format!("{} {}", h.clients[0], h.count))
        .collect();
    let mut why = format!(
        "{} in all from {} client(s) over {}: one episode of {} detector hits ({})",
        ep.count,
        ep.clients.len(),
        super::verdict::human_secs(ep.to_ts - ep.from_ts),
        g.len(),
        hits.join(", "),
    );
    if shares.len() > 1 {
        let more = shares.len().saturating_sub(10);
        why.push_str(&format!(
            "; by client: {}",
            shares[..shares.len() - more].join(", ")
        ));
        if more > 0 {
            why.push_str(&format!(" and {more} more"));
        }
    }
    why.push_str(&format!(
        "; the largest, from {}: {}",
        g[0].clients
            .iter()
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
            + if g[0].clients.len() > 3 { ", …" } else { "" },
        g[0].why
    ));
    for (k, (_, h)) in &kinds {
        if *k != main {
            why.push_str(&format!("; {k}: {}", h.why));
        }
    }
    ep.why = why;
    ep
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_model::Severity;

    fn hit(kind: IncidentKind, clients: &[&str], path: &str, from: i64, to: i64) -> LogIncident {
        LogIncident {
            kind,
            source: "a.log".into(),
            clients: clients.iter().map(|s| s.to_string()).collect(),
            paths: vec![path.into()],
            users: vec![],
            from: from.to_string(),
            to: to.to_string(),
            count: 10,
            statuses: BTreeMap::new(),
            verdict: Verdict::Attack,
            why: "x".into(),
            severity: Severity::Medium,
            evidence: vec![],
            from_ts: from,
            to_ts: to,
            signals: vec!["s".into()],
            impact: None,
        }
    }

    #[test]
    fn shared_clients_and_one_target_join_and_5xx_becomes_impact() {
        let flood = IncidentKind::Flood;
        let mut hits: Vec<LogIncident> = (0..8)
            .map(|k| hit(flood.clone(), &[&format!("10.0.0.{k}")], "/", 1000, 1300))
            .collect();
        hits.push(hit(
            IncidentKind::PathProbing,
            &["10.0.0.1"],
            "/.env",
            1200,
            1250,
        ));
        hits.push(hit(
            IncidentKind::Other("server_errors".into()),
            &[],
            "/",
            1320,
            1500,
        ));
        // Unrelated: another client, another target, later.
        hits.push(hit(
            IncidentKind::PathProbing,
            &["192.0.2.1"],
            "/wp-admin",
            9000,
            9100,
        ));
        hits.push(hit(
            IncidentKind::Other("server_errors".into()),
            &[],
            "/",
            20000,
            20100,
        ));
        let out = episodes(hits, 5);
        assert_eq!(out.len(), 3, "{out:#?}");
        assert_eq!(out[0].clients.len(), 8);
        assert_eq!(out[0].kind, IncidentKind::Flood);
        assert!(out[0].impact.is_some());
        assert!(out[0].signals.contains(&"server_errors".to_string()));
        assert!(out[2].impact.is_none() && is_server_errors(&out[2]));
    }
}
