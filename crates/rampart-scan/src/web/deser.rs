//! Unsafe deserialization (Python pickle and PyYAML's unsafe loader), time-based: a protocol-0
//! pickle whose only effect is `time.sleep(d)` — `ctime\nsleep\n(I{d}\ntR.` — sent raw and
//! base64-encoded, and the YAML tag `!!python/object/apply:time.sleep [d]`, each with the same
//! payload sleeping zero seconds as the control (see [`super::probe::time_confirmed`]). Only
//! where such an object may travel: an application that loads a parameter fails on any value
//! that is not one, so the value it gives the parameter itself tells (a form field's own value,
//! empty where the crawler filled one in) — the raw pickle and the YAML where that value is empty,
//! the raw pickle where it ends like a protocol-0 pickle (`.`), the YAML where it reads as a YAML
//! or JSON document, the base64 form where it is base64; all where the parameter's name says
//! objects travel in it. One request per form when nothing is slow.

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

/// The YAML that calls `time.sleep(d)` when loaded with PyYAML's unsafe loader (`yaml.load`
/// with `Loader`/`UnsafeLoader`, `yaml.unsafe_load`); `safe_load` refuses the tag.
pub fn yaml_sleep(d: u64) -> String {
    format!("!!python/object/apply:time.sleep [{d}]")
}

/// Standard base64 with padding (RFC 4648 §4), what `base64.b64decode` reads.
fn base64(data: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// Which forms may travel in a parameter, from its name and the value the application gives it.
#[derive(Debug, PartialEq, Eq)]
struct Carries {
    raw_pickle: bool,
    base64_pickle: bool,
    yaml: bool,
}

/// Raw pickles where the value is empty or ends like a protocol-0 pickle, base64 pickles where
/// it is base64 of some length (the whole alphabet, padded to a multiple of 4), YAML where it is
/// empty or reads as a YAML or JSON document; all where the name is one objects travel under.
fn may_carry(name: &str, value: &str) -> Carries {
    let v = value.trim();
    let base64_like = v.len() >= 8
        && v.len().is_multiple_of(4)
        && v.trim_end_matches('=')
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_'));
    let name = name.to_ascii_lowercase();
    let named = [
        "pickle", "serial", "b64", "base64", "state", "session", "object", "obj", "data",
        "payload", "blob", "token", "cookie", "cache", "dump", "yaml", "yml",
    ]
    .iter()
    .any(|w| name.contains(w));
    let raw_like = v.is_empty() || v.ends_with('.') && !v.contains(' ');
    let document_like = v.is_empty()
        || v.starts_with("---")
        || v.starts_with('{') && v.ends_with('}')
        || v.starts_with('[') && v.ends_with(']')
        || v.lines().count() > 1
            && v.lines()
                .any(|l| l.trim_end().ends_with(':') || l.contains(": "));
    Carries {
        raw_pickle: raw_like || named,
        base64_pickle: base64_like || named,
        yaml: document_like || named,
    }
}

pub async fn probe(
    state: &State,
    t: &Target<'_>,
    base: &Page,
    delay: Duration,
) -> Result<Option<Finding>, NetError> {
    let d = delay_secs(delay);
    let b64 = |s: String| base64(s.as_bytes());
    // A field the browser holds to a password, an address or a number carries no object.
    let constrained = t.field().is_some_and(|f| {
        matches!(
            f.kind.as_str(),
            "password" | "email" | "number" | "range" | "date" | "tel" | "checkbox" | "radio"
        )
    });
    if constrained {
        return Ok(None);
    }
    let can = may_carry(t.name, t.own_value());
    let forms = [
        ("pickle, raw", can.raw_pickle, pickle(d), pickle(0)),
        (
            "pickle, base64",
            can.base64_pickle,
            b64(pickle(d)),
            b64(pickle(0)),
        ),
        ("YAML", can.yaml, yaml_sleep(d), yaml_sleep(0)),
    ];
    for (how, may, p, zero) in forms {
        if !may {
            continue;
        }
        let Some(m) = time_confirmed(state, t, base, &p, &zero, Duration::from_secs(d)).await?
        else {
            continue;
        };
        let (what, control) = match how {
            "YAML" => ("a YAML document", "the same YAML calling time.sleep(0)"),
            _ => ("a pickle", "a pickle calling time.sleep(0)"),
        };
        return Ok(Some(m.finding(
            t,
            rules::web_deserialization::RULE,
            &format!("{how}, time-based"),
            control,
            base,
            vec![format!(
                "the value ({how}) is {what} whose only effect is time.sleep({d}): {p:?}"
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
    fn objects_only_where_one_may_travel() {
        let may = |n: &str, v: &str| {
            let c = super::may_carry(n, v);
            (c.raw_pickle, c.base64_pickle, c.yaml)
        };
        assert_eq!(
            may("q", "gASVCAAAAAAAAACMBGFiY2SULg=="),
            (false, true, false)
        );
        assert_eq!(may("q", "N."), (true, false, false));
        assert_eq!(may("q", "(dp0\nS'a'\np1\nI1\ns."), (true, false, false));
        assert_eq!(may("q", ""), (true, false, true));
        assert_eq!(may("state", "x"), (true, true, true));
        assert_eq!(may("user_data", "abc"), (true, true, true));
        assert_eq!(may("q", "gnome"), (false, false, false));
        assert_eq!(may("id", "12"), (false, false, false));
        assert_eq!(may("name", "hello world."), (false, false, false));
        assert_eq!(may("doc", "a: 1\nb: 2"), (false, false, true));
        assert_eq!(may("doc", "{\"a\": 1}"), (false, false, true));
        assert_eq!(may("config_yml", "x"), (true, true, true));
        assert_eq!(may("title", "Note: buy milk"), (false, false, false));
    }

    #[test]
    fn yaml_payload_names_only_a_sleep() {
        assert_eq!(super::yaml_sleep(2), "!!python/object/apply:time.sleep [2]");
    }
}
