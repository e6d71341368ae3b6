//! Open redirect: an absolute or scheme-relative URL of a host that cannot exist
//! (`rampart-redirect.invalid`) comes back as the Location of a 3xx. The redirect is never
//! followed: the client follows no redirects, and the host is outside every scope.

use super::client::Page;
use super::probe::{try_send, Target};
use super::State;
use crate::rules;
use rampart_model::{Evidence, Finding};
use rampart_net::NetError;

pub const HOST: &str = "rampart-redirect.invalid";

/// Whether `page` redirects to [`HOST`].
pub fn redirects_out(page: &Page) -> Option<String> {
    if !(300..400).contains(&page.status) {
        return None;
    }
    let loc = page.header("location")?;
    let to = page.url.join(loc.trim()).ok()?;
    (to.host_str() == Some(HOST)).then(|| loc.to_string())
}

/// Parameters worth a redirect probe: the original answer redirects, the value looks like a
/// URL or path, or the name says where to go.
fn candidate(t: &Target<'_>, base: &Page) -> bool {
    let n = t.name.to_ascii_lowercase();
    (300..400).contains(&base.status)
        || t.orig.starts_with('/')
        || t.orig.starts_with("http")
        || [
            "url", "uri", "next", "redir", "return", "goto", "dest", "target", "continue", "back",
            "link", "to",
        ]
        .iter()
        .any(|w| n == *w || n.contains(w) && w.len() > 2)
}

pub async fn probe(
    state: &State,
    t: &Target<'_>,
    base: &Page,
) -> Result<Option<Finding>, NetError> {
    if !candidate(t, base) {
        return Ok(None);
    }
    for p in [format!("https://{HOST}/"), format!("//{HOST}/")] {
        let Some(r) = try_send(state, &t.req(&p)).await? else {
            continue;
        };
        if let Some(loc) = redirects_out(&r) {
            return Ok(Some(t.finding(
                rules::web_open_redirect::RULE,
                "",
                Evidence {
                    request: Some(t.req(&p).describe()),
                    response: Some(format!("HTTP {} | Location: {loc}", r.status)),
                    notes: vec!["the redirect was not followed".into()],
                },
            )));
        }
    }
    Ok(None)
}
