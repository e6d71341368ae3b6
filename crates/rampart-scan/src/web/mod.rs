//! `rampart scan web`: a bounded crawl, path discovery with soft-404 calibration, passive checks
//! (headers, cookies, CSRF tokens, directory listings, version disclosure), reflected XSS, XXE, SQL
//! injection (error, boolean, UNION and time based, each confirmed; in parameters, headers, cookies
//! and JSON bodies) and login rate limiting.
//!
//! Every check reads and extends one [`State`]: what the crawl and discovery found is what the
//! active checks attack. All requests go through [`Client`] and so through the scope guard and
//! the politeness limits of the [`Net`] it was given.

mod auth;
mod client;
mod cmdi;
mod code_exec;
mod crawl;
mod crlf;
mod deser;
mod discover;
pub mod html;
mod inject;
mod js_files;
mod jsonp;
mod pacer;
mod passive;
mod probe;
mod ratelimit;
mod redirect;
mod scripts;
mod session_key;
pub mod similarity;
mod sqli;
mod sqli_time;
mod sqli_vectors;
mod ssti;
mod stored_xss;
mod traversal;
mod xss;
mod xxe;

pub use auth::WebAuth;
pub use client::{Page, Req};
pub use crawl::Endpoint;

use crate::ScanError;
use client::Client;
use rampart_model::{Finding, Fingerprint};
use rampart_net::{Net, NetError};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::time::{Duration, Instant};
use url::Url;

/// Knobs of a web scan; [`WebOptions::default`] gives the defaults.
#[derive(Debug, Clone)]
pub struct WebOptions {
    /// Pages the crawler fetches at most.
    pub max_pages: usize,
    /// Extra entry points (pages not linked from the start page).
    pub seeds: Vec<Url>,
    /// Try the built-in word list (and `extra_words`).
    pub discovery: bool,
    pub extra_words: Vec<String>,
    /// Probe parameters for reflected XSS and SQL injection.
    pub active: bool,
    /// Wrong-password attempts sent to a login form (0 = skip the rate-limit check).
    pub login_burst: u32,
    /// Path of the login form when the crawl would not find it.
    pub login_path: Option<String>,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Delay asked of the database by time-based SQL injection probes (at most 2 s is used).
    pub sqli_delay: Duration,
    /// Pages the crawl fetches, and parameters (pages, places) each active check probes, at
    /// once. Requests in flight stay at most [`client::MAX_IN_FLIGHT`] and the rate limit sets
    /// the pace; more items at once keep the rate's slots busy while some wait on delays.
    pub concurrency: usize,
    /// Called with the number of requests sent so far (for a progress display).
    pub progress: Option<crate::Progress>,
    /// Send nothing that could change the application's data: no POST form is probed and no
    /// stored-XSS marker is submitted.
    pub safe: bool,
    /// Log in (and optionally register) as this user first, and scan as that user.
    pub auth: Option<WebAuth>,
}

impl Default for WebOptions {
    fn default() -> Self {
        WebOptions {
            max_pages: 60,
            seeds: Vec::new(),
            discovery: true,
            extra_words: Vec::new(),
            active: true,
            login_burst: 20,
            login_path: None,
            timeout: Duration::from_secs(10),
            sqli_delay: Duration::from_secs(2),
            concurrency: 8,
            progress: None,
            safe: false,
            auth: None,
        }
    }
}

/// How a page came to be known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PageSource {
    Start,
    Seed,
    Crawl,
    Discovery,
}

/// A page that exists (soft-404s excluded).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageInfo {
    pub url: String,
    pub status: u16,
    pub source: PageSource,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
}

/// The outcome of a web scan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebReport {
    pub target: String,
    pub requests: u64,
    pub duration_ms: f64,
    pub pages: Vec<PageInfo>,
    /// Parameters found (endpoint and name), each probed when active checks ran.
    pub parameters: Vec<String>,
    /// How the site answers unknown paths (the soft-404 calibration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_found_behaviour: Option<String>,
    pub budget_exhausted: bool,
    /// Links the crawl found but did not fetch because it reached `max_pages`: more than 0 means
    /// part of the site was not looked at (raise `--max-pages`).
    #[serde(default)]
    pub crawl_left: usize,
    /// Whether the scan ran with `--safe` (no probe meant to change data).
    #[serde(default)]
    pub safe: bool,
    /// Probes that may have changed the application's data (POST forms attacked, stored-XSS
    /// markers submitted), one line per form: review or clean up after the scan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_changing: Vec<String>,
    /// Requests that failed (time-outs, refused connections, ...).
    pub errors: Vec<String>,
    pub findings: Vec<Finding>,
}

/// What every check shares.
pub(crate) struct State {
    pub base: Url,
    pub client: Client,
    pub pages: Vec<PageInfo>,
    /// Pages kept for passive checks, in fetch order.
    pub fetched: Vec<Page>,
    pub endpoints: Vec<Endpoint>,
    endpoint_keys: HashSet<String>,
    pub findings: Vec<Finding>,
    finding_keys: HashSet<Fingerprint>,
    pub errors: Vec<String>,
    pub not_found: Option<String>,
    /// Authenticated scanning (see [`auth`]).
    pub auth: Option<WebAuth>,
    pub registered: bool,
    pub logged_in: bool,
    pub logins: u32,
    /// Cookies the login set: when they disappear the session dropped.
    pub session_cookies: Vec<String>,
    /// The page a successful login led to.
    pub landing: Option<Url>,
    /// Logout links the crawl saw and did not follow.
    pub logout_links: Vec<Url>,
    /// See [`WebReport::data_changing`].
    pub data_changing: std::collections::BTreeSet<String>,
    /// Same-origin `<script src>` URLs the crawl saw, with the page that loads each.
    pub scripts: Vec<(Url, Url)>,
    /// Requests the site's scripts send (see [`js_files`]).
    pub script_calls: Vec<scripts::ScriptCall>,
    /// See [`WebReport::crawl_left`].
    pub crawl_left: usize,
    /// `--safe`: links that look like they delete are neither followed nor probed.
    pub safe: bool,
}

impl State {
    pub fn record(&mut self, page: Page, source: PageSource) {
        let info = PageInfo {
            url: page.url.to_string(),
            status: page.status,
            source,
            title: crate::ports::html_title(&page.body),
            content_type: page.header("content-type").map(str::to_string),
        };
        match self.pages.iter_mut().find(|p| p.url == page.url.as_str()) {
            // Fetched again after logging in again: the later answer is the page.
            Some(p) => {
                p.status = info.status;
                p.title = info.title;
                p.content_type = info.content_type;
            }
            None => self.pages.push(info),
        }
        passive::check_page(self, &page);
        self.fetched.push(page);
    }

    pub fn add_endpoint(&mut self, mut ep: Endpoint) {
        if self.safe && probe::is_destructive(&ep.url) {
            return;
        }
        let names = crawl::param_signature(&ep.params, ep.form.is_some());
        let key = format!("{} {} {}", ep.method, ep.url.path(), names.join("&"));
        if !self.endpoint_keys.insert(key) {
            return;
        }
        // /fp?trap=a&id=1 and /fp?trap=b&id=1 are two endpoints (`trap` selects a code path, so
        // `id` is probed on both), but `trap` itself needs probing only once: every probe
        // replaces its value.
        if let Some(twin) = self
            .endpoints
            .iter()
            .find(|e| e.method == ep.method && e.url.path() == ep.url.path() && same_names(e, &ep))
        {
            ep.covered = ep
                .params
                .iter()
                .filter(|(k, v)| twin.params.iter().any(|(tk, tv)| tk == k && tv != v))
                .map(|(k, _)| k.clone())
                .collect();
        }
        self.endpoints.push(ep);
    }

    pub fn add_finding(&mut self, f: Finding) {
        if self.finding_keys.insert(f.fingerprint.clone()) {
            self.findings.push(f);
        }
    }

    /// Records what an active check found.
    fn absorb(&mut self, found: Found) {
        self.data_changing.extend(found.data_changing);
        for f in found.findings {
            self.add_finding(f);
        }
    }

    pub fn target(&self) -> String {
        self.base.to_string()
    }
}

/// What an active check found. The checks run side by side, each reading the one [`State`]
/// (endpoints, pages, the client); what they found is recorded when all are done.
#[derive(Default)]
pub(crate) struct Found {
    pub findings: Vec<Finding>,
    /// See [`WebReport::data_changing`].
    pub data_changing: Vec<String>,
}

impl Found {
    pub fn finding(&mut self, f: Finding) {
        self.findings.push(f);
    }

    pub fn data_changing(&mut self, line: String) {
        self.data_changing.push(line);
    }
}

/// Whether two endpoints take the same parameter names.
fn same_names(a: &Endpoint, b: &Endpoint) -> bool {
    fn names(e: &Endpoint) -> Vec<&str> {
        let mut n: Vec<&str> = e.params.iter().map(|(k, _)| k.as_str()).collect();
        n.sort_unstable();
        n
    }
    names(a) == names(b)
}

/// Scans the web application at `url`. Out-of-scope URLs are refused before anything is sent.
pub async fn scan_web(net: &Net, url: &str, opts: &WebOptions) -> Result<WebReport, ScanError> {
    let started = Instant::now();
    let mut base = Url::parse(url).map_err(|e| ScanError::Target {
        input: redact_url(url),
        reason: format!("not a URL ({e})"),
    })?;
    // Credentials in the URL are never sent, printed or stored.
    let had_credentials = !base.username().is_empty() || base.password().is_some();
    let _ = base.set_username("");
    let _ = base.set_password(None);
    if !matches!(base.scheme(), "http" | "https") {
        return Err(ScanError::Target {
            input: redact_url(url),
            reason: "expected an http:// or https:// URL".into(),
        });
    }
    if let Err(e) = net.scope().check_url(&base) {
        tracing::info!(url = %base, "web scan refused by the scope guard: nothing sent");
        return Err(e.into());
    }
    tracing::info!(
        url = %base,
        max_pages = opts.max_pages,
        discovery = opts.discovery,
        active = opts.active,
        concurrency = opts.concurrency,
        budget_left = ?net.budget_left(),
        "web scan starts"
    );
    let mut client = Client::new(net.clone(), opts.timeout).with_progress(opts.progress.clone());
    if opts.auth.is_some() {
        client = client.with_cookie_jar();
    }
    let mut state = State {
        base: base.clone(),
        client,
        pages: Vec::new(),
        fetched: Vec::new(),
        endpoints: Vec::new(),
        endpoint_keys: HashSet::new(),
        findings: Vec::new(),
        finding_keys: HashSet::new(),
        errors: Vec::new(),
        not_found: None,
        auth: opts.auth.clone(),
        registered: false,
        logged_in: false,
        logins: 0,
        session_cookies: Vec::new(),
        landing: None,
        logout_links: Vec::new(),
        data_changing: Default::default(),
        scripts: Vec::new(),
        script_calls: Vec::new(),
        crawl_left: 0,
        safe: opts.safe,
    };
    if had_credentials {
        state.errors.push(
            "the start URL carried a user name and password: they were removed and not used \
             (give credentials with [[web]] username/password or --username/--password)"
                .into(),
        );
    }
    let outcome = run(&mut state, opts).await;
    let budget_exhausted = matches!(outcome, Err(NetError::BudgetExhausted(_)));
    if budget_exhausted {
        tracing::warn!(
            requests = state.client.sent(),
            "request budget exhausted: the web scan stops here (raise --budget)"
        );
    }
    if let Err(e) = outcome {
        if !budget_exhausted {
            state.errors.push(e.to_string());
        }
    }
    let parameters = state
        .endpoints
        .iter()
        .flat_map(|e| e.fuzzable().map(|(k, _)| e.key(k)).collect::<Vec<_>>())
        .collect();
    state.findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| a.target.cmp(&b.target))
            // Then by what they say: pages and answers come in whatever order the server
            // gives them, and the same site must give the same report.
            .then_with(|| a.title.cmp(&b.title))
            .then_with(|| a.fingerprint.cmp(&b.fingerprint))
    });
    tracing::info!(
        requests = state.client.sent(),
        pages = state.pages.len(),
        findings = state.findings.len(),
        errors = state.errors.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "web scan done"
    );
    Ok(WebReport {
        target: base.to_string(),
        requests: state.client.sent(),
        duration_ms: started.elapsed().as_secs_f64() * 1000.0,
        pages: state.pages,
        parameters,
        not_found_behaviour: state.not_found,
        budget_exhausted,
        crawl_left: state.crawl_left,
        safe: opts.safe,
        data_changing: state.data_changing.into_iter().collect(),
        errors: state.errors,
        findings: state.findings,
    })
}

/// `url` with any user name and password replaced by `***`, for messages.
pub fn redact_url(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut u) if !u.username().is_empty() || u.password().is_some() => {
            let _ = u.set_username("***");
            let _ = u.set_password(None);
            u.to_string()
        }
        Ok(_) => url.to_string(),
        // Not a URL: cut anything between a scheme and an `@`.
        Err(_) => match (url.find("://"), url.rfind('@')) {
            (Some(s), Some(a)) if a > s => format!("{}***{}", &url[..s + 3], &url[a..]),
            _ => url.to_string(),
        },
    }
}

async fn run(state: &mut State, opts: &WebOptions) -> Result<(), NetError> {
    let mut seeds = opts.seeds.clone();
    if let Some(p) = &opts.login_path {
        if let Ok(u) = state.base.join(p) {
            seeds.push(u);
        }
    }
    if state.auth.is_some() && auth::login(state).await? {
        seeds.push(auth::landing_or_base(state));
    }
    crawl::crawl(state, &seeds, opts.max_pages, opts.concurrency).await?;
    tracing::debug!(
        pages = state.pages.len(),
        endpoints = state.endpoints.len(),
        "crawl done"
    );
    if state.pages.is_empty() {
        // The start page did not answer: nothing else will.
        return Ok(());
    }
    passive::check_site(state);
    if opts.discovery {
        discover::discover(state, &opts.extra_words, opts.concurrency).await?;
        tracing::debug!(
            not_found = state.not_found.as_deref().unwrap_or(""),
            pages = state.pages.len(),
            "path discovery done"
        );
    }
    js_files::collect(state).await?;
    passive::check_forms(state);
    if opts.active {
        auth::keep_session(state).await?;
        // Every check at once: the rate limit, not one check's waiting (a time-based proof, a
        // tarpit), sets the pace. Each check also runs several parameters at a time. The
        // checks whose proofs wait longest are ranked first (see `pacer`): header and cookie
        // injection times its places only after probing every page, the SQL and per-parameter
        // injection checks end with delays; the checks that never wait fill the slots the
        // others leave while they wait, and finish last without a chain of delays behind them.
        let shared: &State = state;
        // Each check to its end, even when another fails: what one confirmed is kept. When the
        // request budget runs out, each parameter still being probed gives up (see
        // `probe::each_in_order`), and what was confirmed before is reported with the budget's
        // note rather than lost with the check.
        let found = tokio::join!(
            timed("sqli_vectors", 0, sqli_vectors::check(shared, opts)),
            timed("sqli", 1, sqli::check(shared, opts)),
            timed("inject", 2, inject::check(shared, opts)),
            timed("stored_xss", 3, stored_xss::check(shared, opts)),
            timed("xss", 4, xss::check(shared, opts)),
            timed("xxe", 5, xxe::check(shared, opts)),
        );
        // Recorded in the order the report has always listed them.
        let (sqli_vectors, sqli, inject, stored_xss, xss, xxe) = found;
        let mut failed = None;
        for f in [xss, sqli, sqli_vectors, inject, xxe, stored_xss] {
            match probe::spent_is_nothing(f) {
                Ok(f) => state.absorb(f),
                Err(e) => {
                    failed.get_or_insert(e);
                }
            }
        }
        if let Some(e) = failed.or_else(|| state.client.budget_refusal()) {
            return Err(e);
        }
        auth::keep_session(state).await?;
        tracing::debug!(requests = state.client.sent(), "injection probes done");
    }
    if opts.login_burst > 0 {
        ratelimit::check(state, opts.login_burst).await?;
    }
    auth::check_logout(state).await?;
    Ok(())
}

/// `check`, ranked `rank` for the rate limit's slots (see [`pacer`]), with its time in the
/// debug log.
async fn timed(
    check: &'static str,
    rank: u64,
    f: impl std::future::Future<Output = Result<Found, NetError>>,
) -> Result<Found, NetError> {
    let started = Instant::now();
    // Boxed: six checks' futures side by side would not fit a debug build's stack.
    let found = Box::pin(pacer::as_check(rank, f)).await;
    tracing::debug!(
        check,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "check done"
    );
    found
}
