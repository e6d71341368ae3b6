//! Checks that only read what the crawl and discovery already fetched: security headers, cookie
//! flags, version disclosure, directory listings, sensitive file contents, CSRF tokens.

use super::client::Page;
use super::State;
use crate::rules;
use rampart_model::Evidence;

/// Security headers every HTML answer should carry. (HSTS is checked by `scan tls` and here for
/// https:// sites.)
const HEADERS: &[(&str, &str)] = &[
    (
        "content-security-policy",
        "restricts where scripts may come from; the main defence in depth against XSS",
    ),
    (
        "x-content-type-options",
        "`nosniff` stops browsers from guessing a script out of an upload",
    ),
    (
        "x-frame-options",
        "stops other sites from framing the app (clickjacking); or CSP frame-ancestors",
    ),
    (
        "referrer-policy",
        "keeps URLs (with tokens in them) from leaking to other sites",
    ),
];

pub fn check_site(state: &mut State) {
    let ok = |p: &&Page| p.is_html() && (200..300).contains(&p.status);
    let Some(page) = state
        .fetched
        .iter()
        .filter(ok)
        .find(|p| p.url == state.base)
        .or_else(|| state.fetched.iter().find(ok))
        .cloned()
    else {
        return;
    };
    let csp = page
        .header("content-security-policy")
        .unwrap_or("")
        .to_string();
    let mut missing: Vec<(&str, &str)> = HEADERS
        .iter()
        .filter(|(h, _)| page.header(h).is_none())
        .filter(|(h, _)| !(*h == "x-frame-options" && csp.contains("frame-ancestors")))
        .copied()
        .collect();
    if page.url.scheme() == "https" && page.header("strict-transport-security").is_none() {
        missing.push((
            "strict-transport-security",
            "tells browsers to use https only",
        ));
    }
    for (h, why) in missing {
        state.add_finding(rules::web_header_missing::RULE.finding(
            format!("Missing security header: {h}"),
            state.target(),
            h,
            Evidence {
                request: Some(format!("GET {} HTTP/1.1", page.url.path())),
                response: Some(head_excerpt(&page)),
                notes: vec![format!("{h} {why}")],
            },
        ));
    }
}

/// The status and headers of an answer, for evidence.
pub fn head_excerpt(page: &Page) -> String {
    let mut s = format!("HTTP {}", page.status);
    for (k, v) in page.headers.iter() {
        s.push_str(&format!(" | {}: {}", k, v.to_str().unwrap_or("?")));
    }
    crate::excerpt(&s, 400)
}

pub fn check_page(state: &mut State, page: &Page) {
    super::session_key::check(state, page);
    // Version disclosure: a version number in Server or X-Powered-By.
    for h in ["server", "x-powered-by", "x-aspnet-version", "x-generator"] {
        if let Some(v) = page.header(h) {
            if v.chars().any(|c| c.is_ascii_digit()) || h == "x-powered-by" {
                state.add_finding(rules::web_version_disclosure::RULE.finding(
                    format!("Software version disclosed in {h}: {v}"),
                    state.target(),
                    h,
                    Evidence {
                        request: Some(format!("GET {} HTTP/1.1", page.url.path())),
                        response: Some(format!("HTTP {} | {h}: {v}", page.status)),
                        notes: Vec::new(),
                    },
                ));
            }
        }
    }
    // Cookie flags.
    for c in page.header_all("set-cookie") {
        let name = c.split('=').next().unwrap_or("").trim().to_string();
        let lower = c.to_ascii_lowercase();
        let attrs: Vec<&str> = lower.split(';').skip(1).map(str::trim).collect();
        let has = |a: &str| {
            attrs
                .iter()
                .any(|x| x == &a || x.starts_with(&format!("{a}=")))
        };
        let mut missing = Vec::new();
        if !has("httponly") {
            missing.push("HttpOnly");
        }
        if !has("secure") {
            missing.push("Secure");
        }
        if !has("samesite") {
            missing.push("SameSite");
        }
        if !missing.is_empty() {
            state.add_finding(rules::web_cookie_flags::RULE.finding(
                format!("Cookie {name} set without {}", missing.join(", ")),
                state.target(),
                &name,
                Evidence {
                    request: Some(format!("{} HTTP/1.1", page.url.path())),
                    response: Some(format!("Set-Cookie: {}", mask_cookie(&c))),
                    notes: Vec::new(),
                },
            ));
        }
    }
    // Directory listing.
    if let Some(kind) = directory_listing(page) {
        state.add_finding(rules::web_directory_listing::RULE.finding(
            format!("Directory listing at {} ({kind})", page.url.path()),
            page.url.to_string(),
            page.url.path(),
            Evidence::exchange(
                format!("GET {} HTTP/1.1", page.url.path()),
                page.excerpt_around("Index of", 240),
            ),
        ));
    }
}

/// Cookie values are secrets: keep the name and attributes only.
fn mask_cookie(c: &str) -> String {
    let (first, rest) = c.split_once(';').unwrap_or((c, ""));
    let name = first.split('=').next().unwrap_or("");
    format!("{name}=<masked>;{rest}")
}

fn directory_listing(page: &Page) -> Option<&'static str> {
    if !(200..300).contains(&page.status) || !page.is_html() {
        return None;
    }
    let b = &page.body;
    let title = crate::ports::html_title(b).unwrap_or_default();
    if title.starts_with("Index of /")
        && (b.contains("<a href=\"../\">") || b.contains("Parent Directory"))
    {
        return Some(if b.contains("Parent Directory") {
            "Apache autoindex"
        } else {
            "nginx autoindex"
        });
    }
    if title.starts_with("Directory listing for /") {
        return Some("Python http.server");
    }
    None
}

/// Names a leaked file from its content (not its name alone, so soft-404 pages never count).
pub fn sensitive_content(word: &str, page: &Page) -> Option<&'static str> {
    if !(200..300).contains(&page.status) {
        return None;
    }
    let b = page.body.as_str();
    let lines = || {
        b.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
    };
    match word {
        ".git/config" if b.contains("[core]") => Some("git repository configuration"),
        ".git/HEAD" if b.starts_with("ref: refs/") => Some("git HEAD"),
        ".env" | ".env.local" | ".env.production"
            if !b.trim_start().starts_with('<')
                && lines().count() > 0
                && lines().all(|l| {
                    l.split_once('=').is_some_and(|(k, _)| {
                        !k.is_empty()
                            && k.trim_start_matches("export ")
                                .chars()
                                .all(|c| c.is_ascii_alphanumeric() || c == '_')
                    })
                }) =>
        {
            Some("environment file with settings, often secrets")
        }
        "backup.sql" | "dump.sql" | "db.sql" | "database.sql"
            if b.contains("CREATE TABLE") || b.contains("INSERT INTO") =>
        {
            Some("SQL dump")
        }
        ".htpasswd" if lines().any(|l| l.contains(":$") || l.contains(":{SHA}")) => {
            Some("password hashes")
        }
        ".svn/entries" if b.starts_with("10") || b.starts_with("12") || b.contains("dir") => {
            Some("Subversion metadata")
        }
        "server-status" if b.contains("Apache Server Status") => Some("Apache server status"),
        "nginx_status" | "stub_status" if b.starts_with("Active connections:") => {
            Some("nginx stub_status")
        }
        "phpinfo.php" | "info.php" if b.contains("phpinfo()") || b.contains("PHP Version") => {
            Some("phpinfo() output")
        }
        "actuator/env" if b.contains("propertySources") => Some("Spring actuator environment"),
        _ => None,
    }
}

/// An excerpt of a leaked file with the secrets in it masked: `.env` values, password hashes.
pub fn masked_excerpt(word: &str, body: &str) -> String {
    let masked: Vec<String> = body
        .lines()
        .take(8)
        .map(|l| {
            if word.starts_with(".env") {
                match l.split_once('=') {
                    Some((k, _)) => format!("{k}=<masked>"),
                    None => l.to_string(),
                }
            } else if word == ".htpasswd" {
                match l.split_once(':') {
                    Some((u, _)) => format!("{u}:<masked>"),
                    None => l.to_string(),
                }
            } else {
                l.to_string()
            }
        })
        .collect();
    crate::excerpt(&masked.join(" \\n "), 240)
}

/// Names that CSRF tokens go by in the frameworks people use.
pub fn looks_like_csrf_token(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "csrf",
        "xsrf",
        "token",
        "nonce",
        "authenticity",
        "__requestverification",
        "_wpnonce",
    ]
    .iter()
    .any(|t| n.contains(t))
}

/// State-changing (POST) forms without a token-like hidden field.
pub fn check_forms(state: &mut State) {
    let mut out = Vec::new();
    for ep in &state.endpoints {
        let Some(form) = &ep.form else { continue };
        if ep.method != http::Method::POST {
            continue;
        }
        let has_token = form
            .fields
            .iter()
            .any(|f| f.kind == "hidden" && looks_like_csrf_token(&f.name) && f.value.len() >= 8);
        if !has_token {
            let fields: Vec<&str> = form.fields.iter().map(|f| f.name.as_str()).collect();
            out.push(rules::web_csrf_missing::RULE.finding(
                format!("Form posting to {} has no CSRF token", ep.url.path()),
                ep.url.to_string(),
                &format!("{} on {}", ep.url.path(), ep.found_on.path()),
                Evidence {
                    request: Some(format!("GET {} HTTP/1.1", ep.found_on.path())),
                    response: Some(format!(
                        "<form method=\"post\" action=\"{}\"> fields: {}",
                        form.action.as_deref().unwrap_or(""),
                        fields.join(", ")
                    )),
                    notes: Vec::new(),
                },
            ));
        }
    }
    for f in out {
        state.add_finding(f);
    }
}
