//! OS command injection. Output-based: a shell separator, then `echo` of a marker glued to an
//! arithmetic expansion; only a shell turns `RMPxxxx$((a*b))` into `RMPxxxx<product>`, so the
//! product next to the marker cannot be a reflection. Confirmed with a second pair of numbers.
//! Time-based (bounded, only when no output came back): `sleep d` delays the answer twice and
//! `sleep 0` does not.

use super::client::Page;
use super::probe::{marker, rand_in, time_confirmed, try_send, Target};
use super::State;
use crate::rules;
use rampart_model::{Evidence, Finding};
use rampart_net::NetError;
use std::time::Duration;

/// Payload shapes; `{c}` is the command. `;` also covers `&&` and `||` contexts, `$()` covers
/// backticks; the quoted shape leaves a single-quoted argument.
const SHAPES: &[&str] = &[
    "{v};{c}",
    "{v}|{c}",
    "{v}$({c})",
    "{v}\n{c}\n",
    "{v}';{c};'",
];

fn fill(shape: &str, v: &str, cmd: &str) -> String {
    shape.replace("{v}", v).replace("{c}", cmd)
}

pub async fn probe(
    state: &State,
    t: &Target<'_>,
    base: &Page,
    delay: Duration,
) -> Result<Option<Finding>, NetError> {
    let m = marker();
    for shape in SHAPES {
        let mut proofs = Vec::new();
        for _ in 0..2 {
            let (a, b) = (rand_in(100, 999), rand_in(100, 999));
            let expect = format!("{m}{}", a * b);
            let p = fill(shape, t.orig, &format!("echo {m}$(({a}*{b}))"));
            let Some(r) = try_send(state, &t.req(&p)).await? else {
                break;
            };
            if !r.body.contains(&expect) || base.body.contains(&expect) {
                break;
            }
            proofs.push((p, r, expect));
        }
        if proofs.len() == 2 {
            let (p, r, expect) = proofs.remove(0);
            return Ok(Some(t.finding(
                rules::web_command_injection::RULE,
                "output-based",
                Evidence {
                    request: Some(t.req(&p).describe()),
                    response: Some(r.excerpt_around(&expect, 200)),
                    notes: vec![format!(
                        "the shell computed {expect}; confirmed with a second pair of numbers ({})",
                        proofs[0].2
                    )],
                },
            )));
        }
    }
    // Time-based, bounded: one shape, at most three requests.
    let d = super::probe::delay_secs(delay);
    let p = fill("{v};{c}", t.orig, &format!("sleep {d}"));
    let zero = fill("{v};{c}", t.orig, "sleep 0");
    if let Some(m) = time_confirmed(state, t, base, &p, &zero, Duration::from_secs(d)).await? {
        return Ok(Some(t.finding(
            rules::web_command_injection::RULE,
            "time-based",
            Evidence {
                request: Some(t.req(&p).describe()),
                response: Some(m.describe("sleep 0", base)),
                notes: Vec::new(),
            },
        )));
    }
    Ok(None)
}
