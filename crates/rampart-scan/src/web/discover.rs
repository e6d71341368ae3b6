//! Path discovery with a built-in word list. The site's answer to unknown paths is measured
//! first (random paths), so that an app answering 200 — or a redirect to its login page — for
//! everything is not taken to have every page. HEAD first; GET when HEAD is refused (405/501) or
//! when the body is needed to judge.

use super::client::{Page, Req};
use super::similarity::{ratio, strip_reflection};
use super::{PageSource, State};
use crate::rules;
use rampart_model::Evidence;
use rampart_net::NetError;
use tokio::task::JoinSet;
use url::Url;

/// Paths worth asking for: login and sign-up pages, admin and forgotten test/debug pages,
/// leaked repository and environment files, backups, server status pages. A folder is asked for
/// without its slash: servers answer `/test` with a redirect to `/test/` (nginx, Apache, Flask,
/// Django, Go), which [`probe`] follows, so asking for both would cost a request for nothing.
pub const WORDS: &[&str] = &[
    "login",
    "signin",
    "register",
    "signup",
    "logout",
    "admin",
    "administrator",
    "dashboard",
    "console",
    "test",
    "tests",
    "testing",
    "debug",
    "dev",
    "staging",
    "old",
    "backup",
    "backups",
    "bak",
    "tmp",
    "temp",
    "private",
    "uploads",
    "files",
    "logs",
    "api",
    "status",
    "server-status",
    "server-info",
    "nginx_status",
    "stub_status",
    "metrics",
    "health",
    "phpinfo.php",
    "info.php",
    "test.php",
    ".git/config",
    ".git/HEAD",
    ".env",
    ".env.local",
    ".env.production",
    ".htaccess",
    ".htpasswd",
    ".svn/entries",
    ".DS_Store",
    "backup.sql",
    "dump.sql",
    "db.sql",
    "database.sql",
    "backup.zip",
    "backup.tar.gz",
    "site.tar.gz",
    "config.json",
    "config.php.bak",
    "web.config",
    "phpmyadmin",
    "wp-admin",
    "wp-login.php",
    "actuator",
    "actuator/env",
    "swagger.json",
    "openapi.json",
    "graphql",
    "robots.txt",
    "sitemap.xml",
    ".well-known/security.txt",
];

/// Forgotten or internal pages: found = a finding.
const EXPOSED: &[&str] = &[
    "test",
    "tests",
    "testing",
    "debug",
    "dev",
    "staging",
    "old",
    "backup",
    "backups",
    "bak",
    "tmp",
    "temp",
    "private",
    "logs",
    "server-status",
    "server-info",
    "nginx_status",
    "stub_status",
    "phpinfo.php",
    "info.php",
    "test.php",
    "console",
    "actuator",
    "actuator/env",
];

/// What the site answers for a path that cannot exist.
struct NotFound {
    samples: Vec<(u16, Option<String>, String)>,
}

impl NotFound {
    fn matches(&self, page: &Page, probe_path: &str) -> bool {
        if matches!(page.status, 404 | 410) {
            return true;
        }
        let body = strip_reflection(&page.body, probe_path);
        let loc = page
            .header("location")
            .map(|l| strip_reflection(l, probe_path));
        self.samples.iter().any(|(status, s_loc, s_body)| {
            *status == page.status
                && (if (300..400).contains(status) {
                    loc.as_deref() == s_loc.as_deref()
                } else {
                    ratio(&body, s_body) >= 0.9
                })
        })
    }
}

fn random_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(0x5eed);
    format!("{:012x}", h.finish() & 0xffff_ffff_ffff)
}

pub async fn discover(
    state: &mut State,
    extra: &[String],
    concurrency: usize,
) -> Result<(), NetError> {
    let dir = state.base.join("./").unwrap_or_else(|_| state.base.clone());
    // Calibrate: a plain name, a folder and a file with an extension that cannot exist.
    let mut nf = NotFound {
        samples: Vec::new(),
    };
    let mut described = Vec::new();
    for shape in ["rmp{}", "rmp{}/", "rmp{}.php"] {
        let token = random_token();
        let path = shape.replace("{}", &token);
        let Ok(u) = dir.join(&path) else { continue };
        match state.client.send(&Req::get(u)).await {
            Ok(p) => {
                described.push(format!("/{path} -> {}", p.status));
                let loc = p.header("location").map(|l| strip_reflection(l, &path));
                nf.samples
                    .push((p.status, loc, strip_reflection(&p.body, &path)));
            }
            Err(e @ NetError::BudgetExhausted(_)) => return Err(e),
            Err(e) => state.errors.push(format!("calibration {path}: {e}")),
        }
    }
    let soft = nf.samples.iter().any(|(s, _, _)| !matches!(s, 404 | 410));
    state.not_found = Some(format!(
        "{} ({})",
        if soft {
            "soft-404: unknown paths do not answer 404; pages are told apart by content"
        } else {
            "unknown paths answer 404"
        },
        described.join(", ")
    ));

    // robots.txt lists what the site would rather not have crawled: often the interesting part.
    let mut from_robots = Vec::new();
    if let Ok(u) = dir.join("robots.txt") {
        match state.client.send(&Req::get(u)).await {
            Ok(p) if p.status == 200 && !p.is_html() => from_robots = robots_paths(&p.body),
            Err(e @ NetError::BudgetExhausted(_)) => return Err(e),
            _ => {}
        }
    }
    let mut words: Vec<String> = WORDS
        .iter()
        .map(|w| w.to_string())
        .chain(extra.iter().map(|w| w.trim_start_matches('/').to_string()))
        .chain(from_robots)
        .collect();
    let mut seen = std::collections::HashSet::new();
    words.retain(|w| seen.insert(w.clone()));
    let known: std::collections::HashSet<String> =
        state.pages.iter().map(|p| p.url.clone()).collect();
    type Probed = (usize, Result<Option<(String, Page)>, NetError>);
    let mut set: JoinSet<Probed> = JoinSet::new();
    let nf = std::sync::Arc::new(nf);
    let mut pending = words.into_iter().enumerate();
    // What was found, recorded in the words' order once all are in (the answers come in
    // whatever order the server gives them; the report must not depend on it).
    let mut hits: Vec<(usize, String, Page)> = Vec::new();
    let mut exhausted = None;
    loop {
        while set.len() < concurrency.max(1) {
            let Some((i, word)) = pending.next() else {
                break;
            };
            let Ok(u) = dir.join(&word) else { continue };
            if known.contains(u.as_str()) || !super::crawl::in_scope(state, &u) {
                continue;
            }
            // Logged in, a request to /logout (even HEAD) would end the scan's session.
            if state.auth.is_some() && super::probe::is_logout(&u) {
                continue;
            }
            let client = state.client.clone();
            let nf = nf.clone();
            set.spawn(async move { (i, probe(&client, u, word, &nf).await) });
        }
        let Some(joined) = set.join_next().await else {
            break;
        };
        match joined {
            Ok((i, Ok(Some((word, page))))) => hits.push((i, word, page)),
            Ok((_, Ok(None))) | Err(_) => {}
            Ok((_, Err(e @ NetError::BudgetExhausted(_)))) => {
                set.abort_all();
                exhausted = Some(e);
                break;
            }
            Ok((_, Err(e))) => state.errors.push(e.to_string()),
        }
    }
    hits.sort_by_key(|(i, _, _)| *i);
    for (_, word, page) in hits {
        found(state, &word, page);
    }
    exhausted.map_or(Ok(()), Err)
}

/// `Disallow:`/`Allow:` paths of a robots.txt, without wildcards, relative to the site root.
pub fn robots_paths(body: &str) -> Vec<String> {
    body.lines()
        .filter_map(|l| {
            let (k, v) = l.split_once(':')?;
            let k = k.trim().to_ascii_lowercase();
            (k == "disallow" || k == "allow")
                .then(|| v.split('#').next().unwrap_or("").trim().to_string())
        })
        .filter(|p| p.starts_with('/') && p.len() > 1 && !p.contains(['*', '$']))
        .map(|p| p.trim_start_matches('/').to_string())
        .take(50)
        .collect()
}

async fn probe(
    client: &super::client::Client,
    u: Url,
    word: String,
    nf: &NotFound,
) -> Result<Option<(String, Page)>, NetError> {
    let head = client.send(&Req::head(u.clone())).await;
    match &head {
        // HEAD said "no such page" and unknown paths are plain 404s: done in one request.
        Ok(p) if matches!(p.status, 404 | 410) && nf.samples.iter().all(|s| s.0 == 404) => {
            return Ok(None)
        }
        Err(NetError::BudgetExhausted(n)) => return Err(NetError::BudgetExhausted(*n)),
        _ => {}
    }
    // HEAD refused (405/501), or a body is needed to tell a real page from a soft-404.
    let mut page = match client.send(&Req::get(u.clone())).await {
        Ok(p) => p,
        Err(NetError::Timeout(_)) | Err(NetError::Protocol(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    // `/files` -> 301 `/files/`: a folder; look at the folder itself.
    let folder = page
        .header("location")
        .and_then(|l| u.join(l).ok())
        .filter(|l| l.path() == format!("{}/", u.path()) && l.host_str() == u.host_str());
    if (300..400).contains(&page.status) {
        if let Some(f) = folder {
            match client.send(&Req::get(f)).await {
                Ok(p) => page = p,
                Err(e @ NetError::BudgetExhausted(_)) => return Err(e),
                Err(_) => {}
            }
        }
    }
    let probe_path = word.trim_end_matches('/');
    if nf.matches(&page, probe_path) {
        return Ok(None);
    }
    Ok(Some((word, page)))
}

fn found(state: &mut State, word: &str, page: Page) {
    let target = page.url.to_string();
    let request = format!("GET {} HTTP/1.1", page.url.path());
    if let Some(what) = super::passive::sensitive_content(word, &page) {
        state.add_finding(rules::web_sensitive_file::RULE.finding(
            format!("Sensitive file exposed: {} ({what})", page.url.path()),
            target.clone(),
            page.url.path(),
            Evidence::exchange(
                request.clone(),
                format!(
                    "HTTP {} | {}",
                    page.status,
                    super::passive::masked_excerpt(word, &page.body)
                ),
            ),
        ));
    } else {
        let bare = word.trim_end_matches('/');
        if EXPOSED.contains(&bare)
            && (200..300).contains(&page.status)
            && !page.body.trim().is_empty()
        {
            state.add_finding(rules::web_exposed_path::RULE.finding(
                format!("Forgotten or internal page reachable: {}", page.url.path()),
                target.clone(),
                page.url.path(),
                Evidence::exchange(request, page.excerpt_around("", 200)),
            ));
        }
    }
    // A found folder (e.g. /test/) may link to more: not crawled further, but recorded.
    state.record(page, PageSource::Discovery);
}
