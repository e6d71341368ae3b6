//! A bounded breadth-first crawl within scope: pages, links, forms and query parameters become
//! the shared [`State`] every later check works from.

use super::client::{Page, Req};
use super::html::{self, Form};
use super::{PageSource, State};
use http::Method;
use rampart_net::NetError;
use std::collections::{HashMap, HashSet, VecDeque};
use tokio::task::JoinSet;
use url::Url;

/// Something that takes input: a URL with query parameters, or a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub method: Method,
    /// Without query for forms sent by POST; GET endpoints keep the path only, params separate.
    pub url: Url,
    pub params: Vec<(String, String)>,
    /// The page it was found on.
    pub found_on: Url,
    /// Parameters the scanner must not fuzz (CSRF tokens, submit buttons).
    pub fixed: Vec<String>,
    /// Parameters already probed on a twin endpoint (same method, path and names) that differs
    /// only in their values: a probe replaces the value, so probing them again repeats it.
    pub covered: Vec<String>,
    pub form: Option<Form>,
}

impl Endpoint {
    /// The request with `name` set to `value` and every other parameter at its original value.
    pub fn request_with(&self, name: &str, value: &str) -> Req {
        let pairs: Vec<(String, String)> = self
            .params
            .iter()
            .map(|(k, v)| {
                if k == name {
                    (k.clone(), value.to_string())
                } else {
                    (k.clone(), v.clone())
                }
            })
            .collect();
        if self.method == Method::POST {
            Req::post_form(self.url.clone(), super::client::encode_form(&pairs))
        } else {
            let mut u = self.url.clone();
            u.set_query(None);
            if !pairs.is_empty() {
                u.query_pairs_mut().extend_pairs(pairs.iter());
            }
            Req::get(u)
        }
    }

    /// `GET /path?id` / `POST /login [username]`: identity of a (endpoint, parameter) pair.
    pub fn key(&self, param: &str) -> String {
        format!("{} {} [{param}]", self.method, self.url.path())
    }

    pub fn fuzzable(&self) -> impl Iterator<Item = &(String, String)> {
        self.params
            .iter()
            .filter(|(k, _)| !self.fixed.contains(k) && !self.covered.contains(k))
    }
}

/// Same scheme, host and port as the start URL, and allowed by the scope guard.
pub fn in_scope(state: &State, u: &Url) -> bool {
    u.scheme() == state.base.scheme()
        && u.host_str() == state.base.host_str()
        && u.port_or_known_default() == state.base.port_or_known_default()
        && state.client.net().scope().check_url(u).is_ok()
}

const SKIP_EXT: &[&str] = &[
    ".css", ".js", ".png", ".jpg", ".jpeg", ".gif", ".ico", ".svg", ".woff", ".woff2", ".ttf",
    ".pdf", ".zip", ".gz", ".mp4", ".mp3", ".webp", ".map",
];

/// /?id=1 and /?id=2 are one endpoint; /fp?trap=a and /fp?trap=b are two: a word-like value
/// usually selects a mode (another code path), a number selects a record.
pub fn param_signature(params: &[(String, String)], is_form: bool) -> Vec<String> {
    let mut names: Vec<String> = params
        .iter()
        .map(|(k, v)| {
            let numeric = v.is_empty() || v.chars().all(|c| c.is_ascii_digit());
            if !is_form && !numeric && v.len() <= 32 {
                format!("{k}={v}")
            } else {
                k.clone()
            }
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

fn crawl_key(u: &Url) -> String {
    let params: Vec<(String, String)> = u
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    format!("{}|{}", u.path(), param_signature(&params, false).join("&"))
}

/// A page's shape: its first path segment, how many segments follow, a trailing slash, and its
/// query's parameter names. /vulnpy/cmdi/os-system/ and /vulnpy/xss/raw/ share one, /vulnpy/cmdi/
/// has another.
fn shape(u: &Url) -> String {
    let path = u.path();
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut names: Vec<String> = u.query_pairs().map(|(k, _)| k.into_owned()).collect();
    names.sort();
    names.dedup();
    format!(
        "{}/{}{}?{}",
        segs.first().copied().unwrap_or(""),
        segs.len(),
        if path.ends_with('/') { "/" } else { "" },
        names.join("&")
    )
}

/// The links waiting to be fetched, fair across shapes: the next link comes from the shape
/// fetched least so far (the one seen first on a tie), so 57 links to /a/<x>/<y>/ do not starve
/// the /a/<x>/ pages found after them.
#[derive(Default)]
struct Frontier {
    /// Shape, links fetched of it, links waiting, in the order shapes were first seen.
    shapes: Vec<(String, usize, VecDeque<Url>)>,
}

impl Frontier {
    fn push(&mut self, u: Url) {
        let s = shape(&u);
        match self.shapes.iter_mut().find(|(k, _, _)| *k == s) {
            Some((_, _, q)) => q.push_back(u),
            None => self.shapes.push((s, 0, VecDeque::from([u]))),
        }
    }

    fn pop(&mut self) -> Option<Url> {
        let (_, taken, q) = self
            .shapes
            .iter_mut()
            .filter(|(_, _, q)| !q.is_empty())
            .min_by_key(|(_, taken, _)| *taken)?;
        *taken += 1;
        q.pop_front()
    }

    fn len(&self) -> usize {
        self.shapes.iter().map(|(_, _, q)| q.len()).sum()
    }
}

/// Crawls from the start URL and the seeds, at most `max_pages` pages, `concurrency` at a time.
/// The links found but not fetched when the limit is reached are counted in
/// [`State::crawl_left`].
pub async fn crawl(
    state: &mut State,
    seeds: &[Url],
    max_pages: usize,
    concurrency: usize,
) -> Result<(), NetError> {
    let mut queue = Frontier::default();
    let mut seen: HashSet<String> = HashSet::new();
    let mut roots: Vec<String> = Vec::new();
    for s in std::iter::once(state.base.clone()).chain(seeds.iter().cloned()) {
        if state.auth.is_some() && super::probe::is_logout(&s) {
            state.logout_links.push(s);
            continue;
        }
        if seen.insert(crawl_key(&s)) {
            roots.push(crawl_key(&s));
            queue.push(s);
        }
    }
    // Each fetched page's links, in page order (see `canonical_order`).
    let mut graph: HashMap<String, Vec<String>> = HashMap::new();
    let mut fetched = 0usize;
    let mut inflight: JoinSet<(Url, Result<Page, NetError>)> = JoinSet::new();
    loop {
        while inflight.len() < concurrency.max(1) && fetched < max_pages {
            let Some(u) = queue.pop() else { break };
            fetched += 1;
            let client = state.client.clone();
            inflight.spawn(async move {
                let r = client.send(&Req::get(u.clone())).await;
                (u, r)
            });
        }
        let Some(joined) = inflight.join_next().await else {
            break;
        };
        let Ok((u, r)) = joined else { continue };
        let page = match r {
            Ok(p) => p,
            Err(NetError::BudgetExhausted(n)) => {
                inflight.abort_all();
                state.crawl_left = queue.len();
                return Err(NetError::BudgetExhausted(n));
            }
            Err(e) => {
                if e.class() == rampart_model::ErrorClass::Protocol {
                    // The server answered, but not readably: a result, not silence. The stable
                    // reason first, then the parser's own words.
                    let why = match e.detail() {
                        Some(d) if !d.is_empty() => format!("{e}: {d}"),
                        _ => e.to_string(),
                    };
                    let why = why.as_str();
                    state.add_finding(crate::rules::web_unreadable_response::RULE.finding(
                        format!("Unreadable HTTP answer from {}", u.path()),
                        state.target(),
                        u.path(),
                        rampart_model::Evidence {
                            request: Some(Req::get(u.clone()).describe()),
                            response: Some(crate::excerpt(why, 300)),
                            notes: vec!["nothing behind this answer could be checked".into()],
                        },
                    ));
                }
                state.errors.push(format!("GET {u}: {e}"));
                continue;
            }
        };
        let source = if u == state.base {
            PageSource::Start
        } else if seeds.contains(&u) {
            PageSource::Seed
        } else {
            PageSource::Crawl
        };
        let mut next = Vec::new();
        if let Some(loc) = page.header("location") {
            if let Ok(l) = u.join(loc) {
                next.push(l);
            }
        }
        if page.is_html() && page.status < 500 {
            let ex = html::extract(&page.body);
            for l in ex.links {
                let l = l.trim();
                if l.starts_with("javascript:") || l.starts_with("mailto:") || l.starts_with('#') {
                    continue;
                }
                if let Ok(mut abs) = u.join(l) {
                    abs.set_fragment(None);
                    next.push(abs);
                }
            }
            for f in ex.forms {
                add_form(state, &u, f);
            }
            for s in ex.scripts {
                if let Ok(mut abs) = u.join(s.trim()) {
                    abs.set_fragment(None);
                    if in_scope(state, &abs) && !state.scripts.iter().any(|(s, _)| *s == abs) {
                        state.scripts.push((abs, u.clone()));
                    }
                }
            }
        }
        if u.query().is_some() {
            add_query_endpoint(state, &u);
        }
        graph
            .entry(crawl_key(&u))
            .or_insert_with(|| next.iter().map(crawl_key).collect());
        for n in next {
            if n.query().is_some() && in_scope(state, &n) {
                add_query_endpoint(state, &n);
            }
            if super::probe::is_logout(&n) {
                if in_scope(state, &n) && !state.logout_links.contains(&n) {
                    state.logout_links.push(n);
                }
                continue;
            }
            if state.safe && super::probe::is_destructive(&n) {
                tracing::debug!(url = %n, "--safe: a link that looks like it deletes is not followed");
                continue;
            }
            let path = n.path().to_ascii_lowercase();
            if SKIP_EXT.iter().any(|e| path.ends_with(e)) || !in_scope(state, &n) {
                continue;
            }
            if seen.insert(crawl_key(&n)) {
                queue.push(n);
            }
        }
        let to_login = super::auth::redirects_to_login(state, &page);
        state.record(page, source);
        if super::auth::session_dropped(state) {
            // The page itself ended the session (cleared the cookie): log in again; it is not
            // fetched again.
            super::auth::keep_session(state).await?;
        } else if to_login && super::auth::relogin(state).await? {
            // The server forgot the session (expired): logged in again, fetch the page again.
            queue.push(u);
        }
    }
    canonical_order(state, &roots, &graph);
    state.crawl_left = queue.len();
    if state.crawl_left > 0 {
        tracing::warn!(
            max_pages,
            left = state.crawl_left,
            "the crawl stopped at its page limit with links not fetched (raise --max-pages)"
        );
    }
    Ok(())
}

/// Puts the fetched pages in the order a crawl of one page at a time would have fetched them:
/// breadth first from the start URL and the seeds, each page's links in the page's order. The
/// crawl fetches several at a time and finishes them in whatever order the server answers;
/// the checks that take the first N pages (header and cookie injection) and the report read
/// them in this order, so that the same site gives the same scan. Pages no link leads to
/// (fetched again after logging in, say) come last, by URL.
fn canonical_order(state: &mut State, roots: &[String], graph: &HashMap<String, Vec<String>>) {
    let mut rank: HashMap<&str, usize> = HashMap::new();
    let mut queue: VecDeque<&str> = roots.iter().map(String::as_str).collect();
    while let Some(k) = queue.pop_front() {
        let Some(links) = graph.get(k) else { continue };
        if rank.contains_key(k) {
            continue;
        }
        rank.insert(k, rank.len());
        queue.extend(links.iter().map(String::as_str));
    }
    let key = |u: &Url| {
        let r = rank
            .get(crawl_key(u).as_str())
            .copied()
            .unwrap_or(usize::MAX);
        (r, u.to_string())
    };
    state.fetched.sort_by_cached_key(|p| key(&p.url));
    state
        .pages
        .sort_by_cached_key(|p| match Url::parse(&p.url) {
            Ok(u) => key(&u),
            Err(_) => (usize::MAX, p.url.clone()),
        });
}

pub fn add_query_endpoint(state: &mut State, u: &Url) {
    let params: Vec<(String, String)> = u
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut base = u.clone();
    base.set_query(None);
    let ep = Endpoint {
        method: Method::GET,
        url: base,
        params,
        found_on: u.clone(),
        fixed: Vec::new(),
        covered: Vec::new(),
        form: None,
    };
    state.add_endpoint(ep);
}

/// Whether an empty form field most likely takes a number (its type, or a name like `id`,
/// `qty`, `page`).
fn looks_numeric(kind: &str, name: &str) -> bool {
    const NUMERIC: &[&str] = &[
        "id", "qty", "quantity", "count", "num", "number", "age", "page", "year", "amount",
        "price", "zip", "limit", "offset", "size",
    ];
    let n = name.to_ascii_lowercase();
    matches!(kind, "number" | "range")
        || NUMERIC.contains(&n.as_str())
        || n.ends_with("_id")
        || n.ends_with("id") && n.len() <= 6
}

/// The word the crawler puts in an empty text field to submit a form.
pub const FILLED_WORD: &str = "rampart";

fn add_form(state: &mut State, page: &Url, f: Form) {
    let action = f.action.as_deref().unwrap_or("");
    let Ok(mut url) = page.join(action) else {
        return;
    };
    url.set_fragment(None);
    if !in_scope(state, &url) {
        return;
    }
    let method = if f.method == "post" {
        Method::POST
    } else {
        Method::GET
    };
    let mut params = Vec::new();
    let mut fixed = Vec::new();
    for field in &f.fields {
        let value = match (field.kind.as_str(), field.value.is_empty()) {
            (_, false) => field.value.clone(),
            ("password", true) => "rampart-Wrong-1".into(),
            ("email", true) => "rampart@example.invalid".into(),
            (kind, true) if looks_numeric(kind, &field.name) => "1".into(),
            // A word: numeric-context SQL probes are spent only on fields that take numbers.
            _ => FILLED_WORD.into(),
        };
        if matches!(
            field.kind.as_str(),
            "hidden" | "submit" | "button" | "image"
        ) && super::passive::looks_like_csrf_token(&field.name)
            || matches!(field.kind.as_str(), "submit" | "button" | "image")
        {
            fixed.push(field.name.clone());
        }
        params.push((field.name.clone(), value));
    }
    if method == Method::GET {
        // A GET form's target is its action with the query replaced by the fields.
        url.set_query(None);
    }
    state.add_endpoint(Endpoint {
        method,
        url,
        params,
        found_on: page.clone(),
        fixed,
        covered: Vec::new(),
        form: Some(f),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Links of a new shape come before more links of a shape already fetched.
    #[test]
    fn frontier_is_fair_across_shapes() {
        let u = |p: &str| Url::parse(&format!("http://h{p}")).unwrap();
        let mut f = Frontier::default();
        for i in 0..5 {
            f.push(u(&format!("/v/c{i}/t/?user_input=x")));
        }
        f.push(u("/v/c0/"));
        f.push(u("/v/c1/"));
        let order: Vec<String> = std::iter::from_fn(|| f.pop())
            .map(|x| x.path().to_string())
            .collect();
        assert_eq!(
            order,
            ["/v/c0/t/", "/v/c0/", "/v/c1/t/", "/v/c1/", "/v/c2/t/", "/v/c3/t/", "/v/c4/t/"]
        );
        assert_eq!(f.len(), 0);
    }
}
