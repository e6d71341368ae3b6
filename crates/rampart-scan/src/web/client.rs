//! The web scanner's view of HTTP: one request through [`Net::http`] (scope guard, rate limit,
//! budget), the answer as a [`Page`], and the request written out for evidence.

use super::pacer::Pacer;
use bytes::Bytes;
use http::Method;
use rampart_net::{HttpRequest, Net, NetError, TlsVerify};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use url::Url;

mod timing;
pub use timing::asking_delay;
use timing::{asks_delay, Watch};

/// One answer, body decoded as text.
#[derive(Debug, Clone)]
pub struct Page {
    pub url: Url,
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: String,
    /// The server's time: from the request sent to the last byte (see `server_time`).
    pub elapsed: Duration,
    /// The connection's set-up (name resolution, connect, TLS). Long when the server's accept
    /// queue was full and the kernel had to retry the connection.
    pub setup: Duration,
}

impl Page {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn header_all(&self, name: &str) -> Vec<String> {
        self.headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_string))
            .collect()
    }

    pub fn is_html(&self) -> bool {
        self.header("content-type")
            .map(|c| c.to_ascii_lowercase().contains("html"))
            .unwrap_or_else(|| self.body.trim_start().starts_with('<'))
    }

    /// `HTTP 200` plus the body around `needle` (or its start), for evidence.
    pub fn excerpt_around(&self, needle: &str, width: usize) -> String {
        let body = &self.body;
        let at = if needle.is_empty() {
            None
        } else {
            body.find(needle)
        };
        let snippet = match at {
            Some(i) => {
                let mut s = i.saturating_sub(width / 2);
                while !body.is_char_boundary(s) {
                    s -= 1;
                }
                crate::excerpt(&body[s..], width)
            }
            None => crate::excerpt(body, width),
        };
        format!(
            "HTTP {} | {}",
            self.status,
            snippet.replace(['\r', '\n'], " ")
        )
    }
}

/// A request to send: method, URL, optional form body and extra headers.
#[derive(Debug, Clone)]
pub struct Req {
    pub method: Method,
    pub url: Url,
    pub form: Option<String>,
    pub headers: Vec<(String, String)>,
}

impl Req {
    pub fn get(url: Url) -> Self {
        Req {
            method: Method::GET,
            url,
            form: None,
            headers: Vec::new(),
        }
    }

    pub fn head(url: Url) -> Self {
        Req {
            method: Method::HEAD,
            ..Req::get(url)
        }
    }

    pub fn post_form(url: Url, body: String) -> Self {
        Req {
            method: Method::POST,
            url,
            form: Some(body),
            headers: Vec::new(),
        }
    }

    /// `GET /path?q=1 HTTP/1.1` (and the headers set for the probe, and the form body), for
    /// evidence. Of a Cookie header only the last cookie — the one under test — is written out:
    /// the scan's own session cookies stay out of the report.
    pub fn describe(&self) -> String {
        let mut target = self.url.path().to_string();
        if let Some(q) = self.url.query() {
            target.push('?');
            target.push_str(q);
        }
        let mut extra = String::new();
        for (k, v) in &self.headers {
            let v = if k.eq_ignore_ascii_case("cookie") {
                v.rsplit("; ").next().unwrap_or("")
            } else {
                v.as_str()
            };
            extra.push_str(&format!(" [{k}: {}]", crate::excerpt(v, 200)));
        }
        match &self.form {
            Some(b) => format!(
                "{} {target} HTTP/1.1{extra} [body: {}]",
                self.method,
                crate::excerpt(b, 300)
            ),
            None => format!("{} {target} HTTP/1.1{extra}", self.method),
        }
    }
}

/// Cookie names and values, in the order they were set.
type Cookies = Vec<(String, String)>;

/// Shared by every task of one web scan; counts what it sent.
#[derive(Clone)]
pub struct Client {
    net: Net,
    timeout: Duration,
    sent: Arc<AtomicU64>,
    /// The budget a request was refused for, once one was (0: none yet).
    refused_at: Arc<AtomicU64>,
    progress: Option<crate::Progress>,
    /// Cookies kept between requests; only an authenticated scan keeps them (an anonymous scan
    /// sends none, as before).
    jar: Option<Arc<Mutex<Cookies>>>,
    /// Answers received so far, by request (see [`Client::send_original`]).
    answers: Arc<Mutex<HashMap<String, Page>>>,
    /// Requests in flight, at most [`MAX_IN_FLIGHT`].
    in_flight: Arc<tokio::sync::Semaphore>,
    /// Every request holds this shared; [`Client::send_pair_alone`] holds it alone.
    quiet: Arc<tokio::sync::RwLock<()>>,
    /// Requests that ask the server for a delay ([`asking_delay`]) hold this shared;
    /// [`Client::send_pair_apart`] holds it alone.
    delaying: Arc<tokio::sync::RwLock<()>>,
    /// How long the other requests took that ended while a pair was sent apart.
    watch: Arc<Watch>,
    /// Orders the requests waiting for the rate limit: oldest work first.
    pacer: Pacer,
}

/// Requests in flight at most, whatever the checks running side by side ask for: enough for the
/// rate limit to set the pace while some wait on slow answers, few enough for a small server.
pub const MAX_IN_FLIGHT: usize = 16;

/// From the request sent to the answer's last byte: the server's time. Time-based checks compare
/// these. Neither the wait for the rate limiter's slot (it grows with the requests in flight) nor
/// the connection's set-up counts: a server with a short accept queue (Python's `http.server`
/// keeps 5) drops connections over it, and the kernel's retry a second later would pass for a
/// delay the probe caused.
fn server_time(p: &rampart_model::Phases) -> Duration {
    let ms = (p.total_ms.unwrap_or(0.0) - setup_ms(p)).max(0.0);
    Duration::from_secs_f64(ms / 1000.0)
}

fn setup_ms(p: &rampart_model::Phases) -> f64 {
    p.dns_ms.unwrap_or(0.0) + p.connect_ms.unwrap_or(0.0) + p.tls_ms.unwrap_or(0.0)
}

fn setup_time(p: &rampart_model::Phases) -> Duration {
    Duration::from_secs_f64(setup_ms(p).max(0.0) / 1000.0)
}

/// Answers kept for [`Client::send_original`], at most; bodies over [`MAX_KEPT_BODY`] are not kept.
const MAX_KEPT: usize = 4000;
const MAX_KEPT_BODY: usize = 128 * 1024;

/// Everything that makes two requests the same request.
fn request_key(req: &Req) -> String {
    format!(
        "{} {} {:?} {:?}",
        req.method, req.url, req.headers, req.form
    )
}

impl Client {
    pub fn new(net: Net, timeout: Duration) -> Self {
        Client {
            timeout,
            sent: Arc::new(AtomicU64::new(0)),
            refused_at: Arc::new(AtomicU64::new(0)),
            progress: None,
            jar: None,
            answers: Arc::default(),
            in_flight: Arc::new(tokio::sync::Semaphore::new(MAX_IN_FLIGHT)),
            quiet: Arc::default(),
            delaying: Arc::default(),
            watch: Arc::default(),
            pacer: Pacer::new(net.request_interval()),
            net,
        }
    }

    /// Reports the number of requests sent so far after each one.
    pub fn with_progress(mut self, progress: Option<crate::Progress>) -> Self {
        self.progress = progress;
        self
    }

    /// Keeps cookies from now on (an authenticated scan).
    pub fn with_cookie_jar(mut self) -> Self {
        self.jar = Some(Arc::new(Mutex::new(Vec::new())));
        self
    }

    /// The cookies held now, name and value.
    pub fn cookies(&self) -> Vec<(String, String)> {
        self.jar
            .as_ref()
            .map(|j| j.lock().unwrap_or_else(|e| e.into_inner()).clone())
            .unwrap_or_default()
    }

    /// Replaces the cookies held (to replay an old session).
    pub fn set_cookies(&self, cookies: Vec<(String, String)>) {
        if let Some(j) = &self.jar {
            *j.lock().unwrap_or_else(|e| e.into_inner()) = cookies;
        }
    }

    fn store_cookies(&self, headers: &http::HeaderMap) {
        let Some(j) = &self.jar else { return };
        let mut jar = j.lock().unwrap_or_else(|e| e.into_inner());
        for v in headers.get_all("set-cookie") {
            let Ok(v) = v.to_str() else { continue };
            let first = v.split(';').next().unwrap_or("");
            let Some((name, value)) = first.split_once('=') else {
                continue;
            };
            let (name, value) = (name.trim().to_string(), value.trim().to_string());
            let lower = v.to_ascii_lowercase();
            let expired = value.is_empty()
                || lower.contains("max-age=0")
                || lower.contains("expires=thu, 01 jan 1970")
                || lower.contains("expires=thu, 01-jan-1970");
            jar.retain(|(n, _)| n != &name);
            if !expired {
                jar.push((name, value));
            }
        }
    }

    /// The budget error, when a request of this scan was refused for it (a check that gave up
    /// on a parameter for it has no error of its own to show).
    pub fn budget_refusal(&self) -> Option<NetError> {
        match self.refused_at.load(Ordering::Relaxed) {
            0 => None,
            b => Some(NetError::BudgetExhausted(b)),
        }
    }

    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    pub fn net(&self) -> &Net {
        &self.net
    }

    pub async fn send(&self, req: &Req) -> Result<Page, NetError> {
        self.send_with_timeout(req, self.timeout).await
    }

    /// The answer to `req` — a request with a place's original value, which checks compare their
    /// probes with: one already received in this scan for the very same request (the crawl's, or
    /// another check's), else a new one. Saves sending the same request once per check. A
    /// logged-in scan always asks again: its answers depend on a session that may have changed.
    pub async fn send_original(&self, req: &Req) -> Result<Page, NetError> {
        if self.jar.is_none() {
            let kept = self
                .answers
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&request_key(req))
                .cloned();
            if let Some(page) = kept {
                return Ok(page);
            }
        }
        self.send(req).await
    }

    pub async fn send_with_timeout(&self, req: &Req, timeout: Duration) -> Result<Page, NetError> {
        let _shared = self.quiet.read().await;
        let delaying = match asks_delay() {
            true => Some(self.delaying.read().await),
            false => None,
        };
        self.pacer.slot().await;
        let _slot = self.in_flight.acquire().await;
        let start = std::time::Instant::now();
        let answer = self.exchange(req, timeout).await;
        if delaying.is_none() {
            self.watch.saw(start.elapsed());
        }
        answer
    }

    async fn exchange(&self, req: &Req, timeout: Duration) -> Result<Page, NetError> {
        let mut r = HttpRequest::get(req.url.clone()).timeout(timeout);
        r.method = req.method.clone();
        r.tls = TlsVerify::Inspect;
        r.max_body = 512 * 1024;
        r.stop_at_cap = true;
        r.headers
            .push(("Accept".into(), "text/html,*/*;q=0.8".into()));
        if let Some(body) = &req.form {
            r.body = Some(Bytes::from(body.clone()));
            r.headers.push((
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into(),
            ));
        }
        r.headers.extend(req.headers.iter().cloned());
        let cookies = self.cookies();
        if !cookies.is_empty()
            && !req
                .headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("cookie"))
        {
            let line: Vec<String> = cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
            r.headers.push(("Cookie".into(), line.join("; ")));
        }
        let n = self.sent.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(p) = &self.progress {
            p.report(n);
        }
        let resp = match self.net.http(&r).await {
            Err(NetError::BudgetExhausted(b)) => {
                // Refused, not sent: the report's count is of requests the server got.
                self.sent.fetch_sub(1, Ordering::Relaxed);
                self.refused_at.store(b.max(1), Ordering::Relaxed);
                return Err(NetError::BudgetExhausted(b));
            }
            r => r?,
        };
        tracing::trace!(
            n,
            // (check's rank, item): which check, and which of its parameters, sent it.
            work = ?super::pacer::current_work(),
            request = %req.describe(),
            status = resp.status,
            total_ms = resp.phases.total_ms.unwrap_or_default(),
            "answer"
        );
        self.store_cookies(&resp.headers);
        let page = Page {
            url: req.url.clone(),
            status: resp.status,
            body: resp.text(),
            headers: resp.headers,
            elapsed: server_time(&resp.phases),
            setup: setup_time(&resp.phases),
        };
        if self.jar.is_none() && page.body.len() <= MAX_KEPT_BODY && req.method != Method::HEAD {
            let mut answers = self.answers.lock().unwrap_or_else(|e| e.into_inner());
            if answers.len() < MAX_KEPT {
                answers.insert(request_key(req), page.clone());
            }
        }
        Ok(page)
    }
}

/// `application/x-www-form-urlencoded` for `pairs`.
pub fn encode_form(pairs: &[(String, String)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter())
        .finish()
}
