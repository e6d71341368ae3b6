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
    /// Every request, and those that were "missing" answers: the site's normal failure rate.
    requests: u64,
    misses: u64,
}

/// A client with at least this many requests while its episode was open is judged by all of
/// them (below it, a handful of successes says nothing).
const BUSY_MIN_REQUESTS: u64 = 200;
/// A busy client whose failures stay under this share of its requests (or under three times
/// the site's normal, when that is higher) is a busy client with a few mistakes, not a prober.
const BUSY_MAX_FAIL_RATIO: f64 = 0.05;
/// A low-and-slow episode's whole traffic is counted from its tenth distinct missing path on:
/// fewer never fire, and counting every request of every client with one 404 in the last
/// hours would cost a map lookup on most lines.
const WATCH_FROM_PATHS: u64 = 10;

fn missing(ev: &Ev) -> bool {
    matches!(ev.status, 400 | 403 | 404 | 405 | 410) && !ev.has(flag::STATIC)
}

/// The failures and all requests counted since the episode began to be watched.
fn watched(ep: &Episode) -> (u64, u64) {
    let fails = ep.count - ep.watch.unwrap_or(0).min(ep.count);
    (fails, ep.requests.max(fails))
}

impl Probing {
    pub fn new(cfg: &ProbingSection, max_keys: usize) -> Self {
        let slow_window = cfg.slow_window.std().as_secs() as i64;
        Probing {
            fast: {
                let mut t = Tracker::new(
                    cfg.capacity as f64,
                    cfg.leak.std().as_secs_f64(),
                    cfg.gap.std().as_secs() as i64,
                    max_keys,
                );
                t.watched_bits = true;
                t
            },
            // Low and slow: no bucket, just distinct paths within an episode whose quiet gap is
            // a quarter of the window (one probe every few minutes keeps it open).
            slow: {
                let mut t = Tracker::new(f64::MAX, 1.0, slow_window / 4, max_keys);
                t.watched_bits = true;
                t
            },
            cfg: cfg.clone(),
            requests: 0,
            misses: 0,
        }
    }

    pub fn on_http(&mut self, ev: &Ev, ctx: &Ctx) {
        if !self.cfg.enabled {
            return;
        }
        let sensitive = ev.has(flag::SENSITIVE);
        let scanner = ev.has(flag::SCANNER_UA);
        let miss = missing(ev);
        self.requests += 1;
        self.misses += miss as u64;
        if !(miss || sensitive || scanner) {
            self.count_traffic(ev, ctx);
            return;
        }
        let (cap, leak) = (self.fast.capacity, self.fast.leak);
        let client = ctx.client(ev);
        let slot = self.fast.slot(client, ev.ts);
        let ep = slot.ep.get_or_insert_with(|| Episode::boxed(ev));
        let (path, path_h) = (ctx.text(ev.path), ctx.path_h(ev));
        let new_path = !ep.path_set.contains(path_h, path);
        ep.add(ev, ctx, 1);
        // CrowdSec's `distinct`: only a path new to the bucket is poured.
        let over = new_path && miss && slot.bucket.pour(ev.ts, 1.0, cap, leak);
        if sensitive {
            ep.sensitive.insert(path_h, path);
        }
        if !ep.fired && (over || scanner || ep.sensitive.count >= self.cfg.sensitive_min as u64) {
            ep.fired = true;
            ep.fired_at = ev.ts;
        }
        // A fast episode's whole traffic is counted once it is half way to the bucket's
        // capacity in distinct paths (or has fired): earlier ones are one-off mistakes.
        let watch_fast = ep.fired || ep.path_set.count * 2 >= self.cfg.capacity as u64;
        if ep.watch.is_none() && watch_fast {
            // This event is counted as a request just below.
            ep.watch = Some(ep.count - 1);
            self.fast.mark_open(client.h);
        }
        if miss {
            let slot = self.slow.slot(client, ev.ts);
            let sep = slot.ep.get_or_insert_with(|| Episode::boxed(ev));
            sep.add(ev, ctx, 1);
            if sep.path_set.count >= self.cfg.slow_distinct as u64
                && sep.span_secs() <= self.cfg.slow_window.std().as_secs() as i64
            {
                sep.fired = true;
            }
            if sep.watch.is_none() && sep.path_set.count >= WATCH_FROM_PATHS {
                // This failure is counted as a request just below.
                sep.watch = Some(sep.count - 1);
                self.slow.mark_open(client.h);
            }
        }
        self.count_traffic(ev, ctx);
    }

    /// Counts every request (and the successful ones) of a client with an open episode, so it
    /// is judged by all its traffic, not only by its failures. A bitmap spares the map lookup
    /// for the clients with none.
    fn count_traffic(&mut self, ev: &Ev, ctx: &Ctx) {
        for t in [&mut self.fast, &mut self.slow] {
            if t.maybe_open(ev.client_h) {
                if let Some(ep) = t.map.get_mut(ctx.client(ev)).and_then(|s| s.ep.as_mut()) {
                    if ep.watch.is_some() {
                        ep.requests += 1;
                        ep.ok += (200..400).contains(&ev.status) as u64;
                    }
                }
            }
        }
    }

    /// The site's normal share of "missing" answers, over everything read so far.
    fn site_fail_ratio(&self) -> f64 {
        self.misses as f64 / self.requests.max(1) as f64
    }

    /// A busy client: many requests, few of them failing, nothing sensitive, no scanner. Its
    /// distinct missing paths are the mistakes of a lot of traffic, not a search.
    fn busy(&self, ep: &Episode) -> bool {
        let (fails, requests) = watched(ep);
        ep.sensitive.count == 0
            && ep.flags & flag::SCANNER_UA == 0
            && requests >= BUSY_MIN_REQUESTS
            && (fails as f64 / requests as f64)
                <= BUSY_MAX_FAIL_RATIO.max(3.0 * self.site_fail_ratio())
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
        let fast = std::mem::take(&mut self.fast.closed);
        let slow = std::mem::take(&mut self.slow.closed);
        // A slow episode that is really a fast scan is reported once, by the fast one; the
        // engine merges overlapping incidents of one kind and client.
        for (ep, is_slow) in fast
            .iter()
            .map(|e| (e, false))
            .chain(slow.iter().map(|e| (e, true)))
        {
            if self.busy(ep) {
                tracing::debug!(
                    client = ep.clients.first().map_or("", |c| c.0.as_str()),
                    requests = ep.requests,
                    failures = ep.count,
                    "busy client with a low error rate: not probing"
                );
                continue;
            }
            out.push(self.incident(ep, f, is_slow));
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
        // The comparison with the client's own traffic and the site's normal, which decides
        // when no sensitive path or scanner agent does.
        let (fails, requests) = watched(ep);
        reasons.push(format!(
            "{fails} of this client's {requests} requests {} failed ({:.0} %), {} succeeded, against {:.1} % failing site-wide",
            if slow {
                "since its 10th missing path"
            } else {
                "since it neared the bucket's capacity"
            },
            fails as f64 * 100.0 / requests.max(1) as f64,
            ep.ok,
            self.site_fail_ratio() * 100.0
        ));
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
        // A search engine's crawler walking dead links asks for many missing pages, slowly,
        // among its successes; what tells it from a prober is what it asks for. Its word (the
        // user agent) is not proof, so it only counts when no missing path is sensitive and no
        // scanner signature shows: then these are the site's dead links, a defect to fix.
        let crawler = (ep.sensitive.count == 0 && ep.flags & flag::SCANNER_UA == 0)
            .then(|| ep.agents.first().and_then(|a| declared_crawler(a)))
            .flatten();
        if let Some(name) = crawler {
            reasons.push(format!(
                "the agent says it is {name} (a user agent is the client's own text, not verified) and none of the missing paths is sensitive: dead links it found elsewhere, not probing — fix or redirect them"
            ));
            return f.incident(
                IncidentKind::PathProbing,
                ep,
                Verdict::Defect,
                reasons.join("; "),
                Severity::Low,
            );
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
        let mut i = f.incident(
            IncidentKind::PathProbing,
            ep,
            verdict,
            reasons.join("; "),
            sev,
        );
        if slow {
            i.signals.push("low_and_slow_probing".into());
            i.signals.sort();
        }
        i
    }
}

/// The search engine or archive a user agent names, by the tokens their crawlers send.
fn declared_crawler(agent: &str) -> Option<&'static str> {
    const CRAWLERS: &[(&str, &str)] = &[
        ("googlebot", "Google's crawler"),
        ("bingbot", "Bing's crawler"),
        ("duckduckbot", "DuckDuckGo's crawler"),
        ("yandexbot", "Yandex's crawler"),
        ("baiduspider", "Baidu's crawler"),
        ("applebot", "Apple's crawler"),
        ("slurp", "Yahoo's crawler"),
        ("seznambot", "Seznam's crawler"),
        ("qwantify", "Qwant's crawler"),
        ("petalbot", "Petal's crawler"),
        ("ahrefsbot", "Ahrefs' crawler"),
        ("semrushbot", "Semrush's crawler"),
        ("mj12bot", "Majestic's crawler"),
        ("dotbot", "Moz's crawler"),
        ("ccbot", "Common Crawl's crawler"),
        ("gptbot", "OpenAI's crawler"),
        ("claudebot", "Anthropic's crawler"),
        ("amazonbot", "Amazon's crawler"),
        ("bytespider", "ByteDance's crawler"),
        ("facebookexternalhit", "Facebook's link preview"),
        ("ia_archiver", "the Internet Archive's crawler"),
        ("archive.org_bot", "the Internet Archive's crawler"),
    ];
    let lower = agent.to_ascii_lowercase();
    CRAWLERS
        .iter()
        .find(|(token, _)| lower.contains(token))
        .map(|(_, name)| *name)
}
