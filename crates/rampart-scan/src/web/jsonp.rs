//! JSONP callbacks that accept script: a parameter whose value comes back as the function name
//! at the start of a JavaScript answer is sent a callback with a statement in it
//! (`RMPxxxx();RMPxxxx`); when the answer starts with that text unchanged, any site can make the
//! endpoint run its script in this origin's name (and read the data it wraps).

use super::client::Page;
use super::probe::{marker, try_send, Target};
use super::State;
use crate::rules;
use rampart_model::{Evidence, Finding};
use rampart_net::NetError;

fn is_script(p: &Page) -> bool {
    p.header("content-type")
        .is_some_and(|c| c.contains("javascript") || c.contains("json"))
}

fn wraps(p: &Page, callback: &str) -> bool {
    let body = p.body.trim_start().trim_start_matches("/**/").trim_start();
    body.starts_with(&format!("{callback}(")) || body.starts_with(&format!("typeof {callback}"))
}

pub async fn probe(
    state: &State,
    t: &Target<'_>,
    base: &Page,
) -> Result<Option<Finding>, NetError> {
    if t.orig.is_empty() || !is_script(base) || !wraps(base, t.orig) {
        return Ok(None);
    }
    let m = marker();
    let cb = format!("{m}();{m}");
    let Some(r) = try_send(state, &t.req(&cb)).await? else {
        return Ok(None);
    };
    if !is_script(&r)
        || !r
            .body
            .trim_start()
            .trim_start_matches("/**/")
            .starts_with(&cb)
    {
        return Ok(None);
    }
    Ok(Some(t.finding(
        rules::web_jsonp::RULE,
        "",
        Evidence {
            request: Some(t.req(&cb).describe()),
            response: Some(r.excerpt_around(&cb, 160)),
            notes: vec![format!(
                "the callback {cb:?} came back unfiltered at the start of a {} answer",
                r.header("content-type").unwrap_or("script")
            )],
        },
    )))
}
