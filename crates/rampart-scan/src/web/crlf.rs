//! CRLF / response header injection: a value carrying a line break and a header of rampart's
//! own comes back with that header as a real header of the answer.

use super::probe::{marker, try_send, Target};
use super::State;
use crate::rules;
use rampart_model::{Evidence, Finding};
use rampart_net::NetError;

pub async fn probe(
    state: &State,
    t: &Target<'_>,
    base: &super::client::Page,
) -> Result<Option<Finding>, NetError> {
    // Only a value that comes back in a header can split one.
    let in_header = !t.orig.is_empty()
        && base
            .headers
            .values()
            .any(|v| String::from_utf8_lossy(v.as_bytes()).contains(t.orig));
    if !in_header {
        return Ok(None);
    }
    let header = format!("X-Rampart-{}", marker());
    for brk in ["\r\n", "\n"] {
        let p = format!("{}{brk}{header}: injected", t.orig);
        let Some(r) = try_send(state, &t.req(&p)).await? else {
            continue;
        };
        if r.header(&header.to_ascii_lowercase()) == Some("injected") {
            return Ok(Some(t.finding(
                rules::web_crlf_injection::RULE,
                "",
                Evidence {
                    request: Some(t.req(&p).describe()),
                    response: Some(super::passive::head_excerpt(&r)),
                    notes: vec![format!(
                        "{header}: injected came back as a header of its own"
                    )],
                },
            )));
        }
    }
    Ok(None)
}
