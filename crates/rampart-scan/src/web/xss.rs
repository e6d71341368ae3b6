//! Reflected XSS: a unique marker per parameter finds where a value comes back; a second request
//! then tries to leave every context it could be in (attribute, textarea/title, script, comment)
//! and plant an event handler. It is reported only when the answer, parsed as HTML, really holds
//! an element or attribute carrying that handler — so escaped reflections stay quiet.

use super::client::Page;
use super::crawl::Endpoint;
use super::html::{segments, Segment};
use super::probe::{each_in_order, try_send};
use super::{Found, State, WebOptions};
use crate::rules;
use rampart_model::{Evidence, Finding};
use rampart_net::NetError;

pub fn marker() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u8(1);
    format!("rmp{:08x}", h.finish() as u32)
}

/// The breakout payload for marker `m`: closes a quoted attribute (either quote), raw-text
/// elements and comments, then adds an `<img>` with an `onerror` handler.
pub fn payload(m: &str) -> String {
    format!(
        "{m}\"' onmouseover={m}() x=\"></textarea></title></script>--><img src=x onerror={m}()>"
    )
}

/// Where the handler landed, if it is live markup: an event-handler attribute calling the
/// marker on a real element, a `javascript:` URL calling it, or a statement calling it inside a
/// script block after the injected quote closed the string.
pub fn executable(body: &str, m: &str) -> Option<&'static str> {
    let call = format!("{m}()");
    for seg in segments(body) {
        match seg {
            Segment::Tag {
                name,
                attrs,
                end: false,
                ..
            } => {
                for (k, v) in &attrs {
                    if v == &call && k == "onerror" && name == "img" {
                        return Some("new <img onerror> element (HTML injection)");
                    }
                    if v == &call && k.starts_with("on") && name == "svg" {
                        return Some("new <svg onload> element (HTML injection)");
                    }
                    if v == &call && k.starts_with("on") {
                        return Some("event-handler attribute (attribute breakout)");
                    }
                    if matches!(k.as_str(), "href" | "src" | "action" | "formaction")
                        && v.trim().to_ascii_lowercase().starts_with("javascript:")
                        && v.contains(&call)
                    {
                        return Some("javascript: URL (URL context)");
                    }
                }
            }
            Segment::RawText { range, parent } if parent == "script" => {
                let text = &body[range];
                for q in ['\'', '"'] {
                    let stmt = format!("{q};{call};//");
                    if let Some(i) = text.find(&stmt) {
                        if !text[..i].ends_with('\\') {
                            return Some("statement in a script block (script context)");
                        }
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// Payloads tried when the first one does not come back live (or breaks the page), one per
/// context: plain markup, attribute breakouts, leaving a script, a URL, a JavaScript string.
pub fn variants(m: &str) -> Vec<String> {
    vec![
        format!("<svg onload={m}()>"),
        format!("\"><svg onload={m}()>"),
        format!("'><svg onload={m}()>"),
        format!("</script><svg onload={m}()>"),
        format!("javascript:{m}()"),
        format!("';{m}();//"),
        format!("\";{m}();//"),
    ]
}

/// What the answers so far allow: a variant is sent only where its characters and context can
/// still make markup. Judged from the plain marker's answer (where it landed) and the first
/// payload's (which characters came back raw); when that payload broke the page or was not
/// shown at all, nothing is ruled out.
struct Leeway {
    raw_lt: bool,
    raw_quote: bool,
    in_script: bool,
    in_url: bool,
}

impl Leeway {
    fn judge(marker_page: &Page, first: Option<&Page>, m: &str) -> Leeway {
        let mut in_script = false;
        let mut in_url = false;
        for seg in segments(&marker_page.body) {
            match seg {
                Segment::RawText { range, parent } if parent == "script" => {
                    in_script |= marker_page.body[range].contains(m);
                }
                Segment::Tag { attrs, .. } => {
                    in_url |= attrs.iter().any(|(k, v)| {
                        matches!(k.as_str(), "href" | "src" | "action" | "formaction")
                            && v.contains(m)
                    });
                }
                _ => {}
            }
        }
        let judged = first.filter(|p| p.status < 500 && p.is_html() && p.body.contains(m));
        let Some(p) = judged else {
            return Leeway {
                raw_lt: true,
                raw_quote: true,
                in_script: true,
                in_url: true,
            };
        };
        Leeway {
            raw_lt: p.body.contains("<img src=x") || p.body.contains("</textarea></title>"),
            raw_quote: [format!("{m}\"'"), format!("{m}'"), format!("{m}\"")]
                .iter()
                .any(|q| p.body.contains(q.as_str())),
            in_script,
            in_url,
        }
    }

    /// Whether variant `i` of [`variants`] can still work.
    fn allows(&self, i: usize) -> bool {
        match i {
            0 => self.raw_lt,
            1 | 2 => self.raw_lt && self.raw_quote,
            3 => self.raw_lt && self.in_script,
            4 => self.in_url,
            _ => self.in_script,
        }
    }
}

pub async fn check(state: &State, opts: &WebOptions) -> Result<Found, NetError> {
    let mut out = Found::default();
    let mut places: Vec<(&Endpoint, String)> = Vec::new();
    for ep in &state.endpoints {
        if opts.safe && ep.method == http::Method::POST || super::probe::is_logout(&ep.url) {
            continue;
        }
        let names: Vec<String> = ep.fuzzable().map(|(k, _)| k.clone()).collect();
        if ep.method == http::Method::POST && !names.is_empty() {
            out.data_changing(format!(
                "POST {}: injection probes submitted",
                ep.url.path()
            ));
        }
        places.extend(names.into_iter().map(|n| (ep, n)));
    }
    // Several parameters at a time, in order (see `inject::check`).
    let found: Vec<Option<Finding>> =
        each_in_order(places.iter(), opts.concurrency, |(ep, name)| {
            probe(state, ep, name)
        })
        .await?;
    out.findings.extend(found.into_iter().flatten());
    Ok(out)
}

/// Reflected XSS in one parameter: a marker first; where it comes back in HTML, the all-contexts
/// payload, then one payload per context the reflection leaves open.
async fn probe(state: &State, ep: &Endpoint, name: &str) -> Result<Option<Finding>, NetError> {
    let m = marker();
    let Some(page) = try_send(state, &ep.request_with(name, &m)).await? else {
        return Ok(None);
    };
    if !page.is_html() || !page.body.contains(&m) {
        return Ok(None);
    }
    // The all-contexts payload first; when it does not come back live (escaped, or the page
    // failed on it — which proves nothing), one payload per context it leaves open.
    let mut found = None;
    let attack = ep.request_with(name, &payload(&m));
    let first = try_send(state, &attack).await?;
    if let Some(answer) = first.as_ref().filter(|a| a.is_html()) {
        if let Some(how) = executable(&answer.body, &m) {
            found = Some((attack, answer.clone(), how));
        }
    }
    let leeway = Leeway::judge(&page, first.as_ref(), &m);
    for (i, p) in variants(&m).into_iter().enumerate() {
        if found.is_some() {
            break;
        }
        if !leeway.allows(i) {
            continue;
        }
        let attack = ep.request_with(name, &p);
        let Some(answer) = try_send(state, &attack).await? else {
            continue;
        };
        if !answer.is_html() {
            continue;
        }
        if let Some(how) = executable(&answer.body, &m) {
            found = Some((attack, answer, how));
        }
    }
    let Some((attack, page, how)) = found else {
        return Ok(None);
    };
    let at = [format!("={m}()"), format!("{m}()")]
        .into_iter()
        .find(|n| page.body.contains(n.as_str()))
        .unwrap_or_default();
    Ok(Some(rules::web_xss_reflected::RULE.finding(
        format!(
            "Reflected XSS in parameter {name} of {} {}",
            ep.method,
            ep.url.path()
        ),
        ep.url.to_string(),
        &ep.key(name),
        Evidence {
            request: Some(attack.describe()),
            response: Some(page.excerpt_around(&at, 240)),
            notes: vec![format!("the value came back unescaped as an {how}")],
        },
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(body: &str, status: u16) -> Page {
        let mut headers = http::HeaderMap::new();
        headers.insert("content-type", "text/html".parse().unwrap());
        Page {
            url: url::Url::parse("http://127.0.0.1/find").unwrap(),
            status,
            headers,
            body: body.into(),
            elapsed: std::time::Duration::ZERO,
            setup: std::time::Duration::ZERO,
        }
    }

    #[test]
    fn variants_only_where_the_answers_leave_room() {
        let m = "rmp1234abcd";
        let marker_page = html(&format!("<p>Results for {m}</p>"), 200);
        // Everything escaped, text context: no variant can work.
        let escaped = html(
            &format!(
                "<p>Results for {}</p>",
                payload(m)
                    .replace('<', "&lt;")
                    .replace('"', "&quot;")
                    .replace('\'', "&#x27;")
            ),
            200,
        );
        let l = Leeway::judge(&marker_page, Some(&escaped), m);
        assert!((0..variants(m).len()).all(|i| !l.allows(i)));
        // The page broke on the payload: nothing is ruled out.
        let broken = html("<p>Internal error</p>", 500);
        let l = Leeway::judge(&marker_page, Some(&broken), m);
        assert!((0..variants(m).len()).all(|i| l.allows(i)));
        // Landed in a script block and in a link: those variants stay.
        let in_script = html(
            &format!("<script>var q='{m}';</script><a href=\"/x?{m}\">x</a>"),
            200,
        );
        let l = Leeway::judge(&in_script, Some(&escaped), m);
        assert!(l.allows(4) && l.allows(5) && l.allows(6) && !l.allows(0));
    }

    #[test]
    fn escaped_reflections_are_not_executable() {
        let m = "rmp1234abcd";
        let p = payload(m);
        assert_eq!(
            executable(&format!("<body>you searched for: {p}</body>"), m),
            Some("new <img onerror> element (HTML injection)")
        );
        let escaped = p
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&#34;")
            .replace('\'', "&#39;");
        assert_eq!(
            executable(
                &format!("<body>{escaped}<input value=\"{escaped}\"></body>"),
                m
            ),
            None
        );
        assert_eq!(
            executable(&format!("<input value=\"{p}\">"), m),
            Some("event-handler attribute (attribute breakout)")
        );
        // Inside a comment that the payload cannot close: quiet.
        assert_eq!(
            executable(&format!("<!-- {} -->", p.replace("-->", "")), m),
            None
        );
    }
}
