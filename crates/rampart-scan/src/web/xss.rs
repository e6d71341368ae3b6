//! Reflected XSS: a unique marker per parameter finds where a value comes back; a second request
//! then tries to leave every context it could be in (attribute, textarea/title, script, comment)
//! and plant an event handler. It is reported only when the answer, parsed as HTML, really holds
//! an element or attribute carrying that handler — so escaped reflections stay quiet.

use super::client::Page;
use super::crawl::Endpoint;
use super::html::{segments, Segment};
use super::State;
use crate::rules;
use rampart_model::Evidence;
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

/// Where the handler landed, if it is live markup.
pub fn executable(body: &str, m: &str) -> Option<&'static str> {
    let call = format!("{m}()");
    for seg in segments(body) {
        if let Segment::Tag {
            name,
            attrs,
            end: false,
            ..
        } = seg
        {
            for (k, v) in &attrs {
                if v == &call && k == "onerror" && name == "img" {
                    return Some("new <img onerror> element (HTML injection)");
                }
                if v == &call && k == "onmouseover" {
                    return Some("event-handler attribute (attribute breakout)");
                }
            }
        }
    }
    None
}

pub async fn check(state: &mut State, _concurrency: usize) -> Result<(), NetError> {
    let endpoints: Vec<Endpoint> = state.endpoints.clone();
    for ep in &endpoints {
        let names: Vec<String> = ep.fuzzable().map(|(k, _)| k.clone()).collect();
        for name in names {
            let m = marker();
            let probe = ep.request_with(&name, &m);
            let page = match state.client.send(&probe).await {
                Ok(p) => p,
                Err(e @ NetError::BudgetExhausted(_)) => return Err(e),
                Err(_) => continue,
            };
            if !page.is_html() || !page.body.contains(&m) {
                continue;
            }
            let attack = ep.request_with(&name, &payload(&m));
            let page: Page = match state.client.send(&attack).await {
                Ok(p) => p,
                Err(e @ NetError::BudgetExhausted(_)) => return Err(e),
                Err(_) => continue,
            };
            if !page.is_html() {
                continue;
            }
            if let Some(how) = executable(&page.body, &m) {
                state.add_finding(rules::web_xss_reflected::RULE.finding(
                    format!(
                        "Reflected XSS in parameter {name} of {} {}",
                        ep.method,
                        ep.url.path()
                    ),
                    ep.url.to_string(),
                    &ep.key(&name),
                    Evidence {
                        request: Some(attack.describe()),
                        response: Some(page.excerpt_around(&format!("onerror={m}"), 240)),
                        notes: vec![format!("the value came back unescaped as an {how}")],
                    },
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
