//! Path traversal and local file inclusion, confirmed by a system file's signature: the answer
//! to a traversal value holds an /etc/passwd line (or win.ini's sections), the original answer
//! does not, and the same value naming a file that does not exist makes it disappear again.
//! A value that already returns such a file (the crawler saw it) is confirmed the same way.

use super::client::Page;
use super::probe::{rand_in, try_send, Target};
use super::State;
use crate::rules;
use rampart_model::{Evidence, Finding};
use rampart_net::NetError;

/// The signature of a system file in `body`.
pub fn file_signature(body: &str) -> Option<&'static str> {
    for s in ["root:x:0:0:", "root:*:0:0:", "root::0:0:"] {
        if body.contains(s) {
            return Some(s);
        }
    }
    (body.contains("[fonts]") && body.contains("[extensions]")).then_some("[fonts]")
}

/// A system file found in an answer: its signature and the text around it.
struct Leak {
    signature: &'static str,
    excerpt: String,
    /// Found in base64 the answer carries (a `data:` URI, a JSON field), not in its text.
    encoded: bool,
}

/// A system file in `page`'s text, or in a run of base64 in it: applications that serve files
/// as `data:` URIs or inside JSON encode them, and the encoded file shows no signature.
fn leak(page: &Page) -> Option<Leak> {
    if let Some(signature) = file_signature(&page.body) {
        return Some(Leak {
            signature,
            excerpt: page.excerpt_around(signature, 240),
            encoded: false,
        });
    }
    base64_runs(&page.body).find_map(|text| {
        let signature = file_signature(&text)?;
        let at = text.find(signature).unwrap_or(0);
        Some(Leak {
            signature,
            excerpt: crate::excerpt(&text[at..], 240),
            encoded: true,
        })
    })
}

/// The text of each run of standard base64 in `body` long enough to hold a file's line (at
/// least 24 characters), decoded; runs that do not decode are skipped.
fn base64_runs(body: &str) -> impl Iterator<Item = String> + '_ {
    use base64::Engine;
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    body.split(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '/'))
        .filter(|run| run.len() >= 24)
        .filter_map(move |run| {
            // Padding is not part of the run (`=` ends it); a run that the page's text cut one
            // character into a group of four cannot be base64 as it is.
            let run = match run.len() % 4 {
                1 => &run[..run.len() - 1],
                _ => run,
            };
            engine.decode(run).ok()
        })
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
}

impl Leak {
    /// The evidence text: the answer around the signature, or the decoded file around it.
    fn shown(&self) -> String {
        match self.encoded {
            true => format!(
                "base64 in the answer decodes to a system file ({}): {}",
                self.signature, self.excerpt
            ),
            false => self.excerpt.clone(),
        }
    }
}

fn payloads(orig: &str) -> Vec<String> {
    let up = "../".repeat(10);
    let mut v = vec![format!("{up}etc/passwd"), "/etc/passwd".to_string()];
    if let Some((dir, _)) = orig.rsplit_once('/') {
        if !dir.is_empty() && !dir.starts_with('/') {
            v.push(format!("{dir}/{up}etc/passwd"));
        }
    }
    v.push(format!("{}etc/passwd", "....//".repeat(10)));
    // A NUL ends the path in C and in old runtimes, cutting off an appended extension.
    if let Some((_, ext)) = orig.rsplit_once('.') {
        if ext.len() <= 5 && ext.chars().all(|c| c.is_ascii_alphanumeric()) {
            v.push(format!("{up}etc/passwd\0.{ext}"));
        }
    }
    v
}

pub async fn probe(
    state: &State,
    t: &Target<'_>,
    base: &Page,
) -> Result<Option<Finding>, NetError> {
    let absent = format!("rampart-none-{}", rand_in(100000, 999999));
    if let Some(found) = leak(base) {
        // The application's own value already names a system file.
        if !t.orig.contains('/') && !t.orig.contains('\\') {
            return Ok(None);
        }
        let ctrl = match t.orig.rsplit_once('/') {
            Some((dir, _)) => format!("{dir}/{absent}"),
            None => absent.clone(),
        };
        let Some(c) = try_send(state, &t.req(&ctrl)).await? else {
            return Ok(None);
        };
        if leak(&c).is_some() {
            return Ok(None);
        }
        return Ok(Some(t.finding(
            rules::web_path_traversal::RULE,
            "file named by the value",
            Evidence {
                request: Some(t.req(t.orig).describe()),
                response: Some(found.shown()),
                notes: vec![
                    "the value the application itself links to already returns a system file".into(),
                    format!(
                        "with {ctrl:?} (a file that does not exist) the signature is gone (HTTP {})",
                        c.status
                    ),
                ],
            },
        )));
    }
    // Values that look like file names get every variant; others the relative one only: ten
    // `../` reach `/` from any directory, so the absolute path adds nothing but a way past a
    // filter of `..`, which is worth a request where the value names a file.
    let file_like = t.orig.contains('.') || t.orig.contains('/');
    for p in payloads(t.orig)
        .into_iter()
        .take(if file_like { 8 } else { 1 })
    {
        let Some(r) = try_send(state, &t.req(&p)).await? else {
            continue;
        };
        let Some(found) = leak(&r) else {
            continue;
        };
        let ctrl = p.replace("passwd", &absent);
        let Some(c) = try_send(state, &t.req(&ctrl)).await? else {
            continue;
        };
        if leak(&c).is_some() {
            continue;
        }
        return Ok(Some(t.finding(
            rules::web_path_traversal::RULE,
            if found.encoded { "base64-encoded" } else { "" },
            Evidence {
                request: Some(t.req(&p).describe()),
                response: Some(found.shown()),
                notes: vec![format!(
                    "the original value's answer has no such line; {ctrl:?} (no such file) has none either (HTTP {})",
                    c.status
                )],
            },
        )));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_and_payloads() {
        assert_eq!(
            file_signature("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1"),
            Some("root:x:0:0:")
        );
        assert_eq!(file_signature("the root of the matter"), None);
        // A file served as a data: URI (base64 of "root:x:0:0:root:/root:/bin/bash\n").
        let page = |body: &str| Page {
            url: url::Url::parse("http://127.0.0.1/cover").unwrap(),
            status: 200,
            body: body.into(),
            headers: http::HeaderMap::new(),
            elapsed: std::time::Duration::ZERO,
            setup: std::time::Duration::ZERO,
        };
        let found = leak(&page(
            "data:image/png;base64,cm9vdDp4OjA6MDpyb290Oi9yb290Oi9iaW4vYmFzaAo=",
        ))
        .expect("decoded");
        assert!(found.encoded && found.signature == "root:x:0:0:");
        assert!(found.shown().contains("/bin/bash"), "{}", found.shown());
        // Base64 of something else, and text that only looks like base64, are no file.
        assert!(leak(&page(
            "data:image/png;base64,aGVsbG8gd29ybGQsIGhlbGxvIHdvcmxkIQ=="
        ))
        .is_none());
        assert!(leak(&page("AbcdefghijklmnopqrstuvwxyzABCDEFG")).is_none());
        let p = payloads("docs/readme.txt");
        assert!(p.iter().any(|v| v.starts_with("docs/../")));
        assert!(p.iter().any(|v| v.ends_with("\0.txt")));
    }
}
