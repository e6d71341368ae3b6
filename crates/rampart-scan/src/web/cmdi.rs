//! OS command injection. Output-based: a shell separator, then `echo` of a marker glued to an
//! arithmetic expansion; only a shell turns `RMPxxxx$((a*b))` into `RMPxxxx<product>`, so the
//! product next to the marker cannot be a reflection. Confirmed with a second pair of numbers.
//! Time-based (bounded, only when no output came back): `sleep d` delays the answer twice and
//! `sleep 0` does not.

use super::client::Page;
use super::probe::{marker, rand_in, try_send, Target};
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
    let d = delay.as_secs().clamp(1, 2);
    let slow = |p: &Page| p.elapsed >= base.elapsed + Duration::from_secs(d).mul_f64(0.9);
    for shape in ["{v};{c}"] {
        let p = fill(shape, t.orig, &format!("sleep {d}"));
        let Some(first) = try_send(state, &t.req(&p)).await? else {
            continue;
        };
        if !slow(&first) {
            continue;
        }
        let zero = fill(shape, t.orig, "sleep 0");
        let (Some(z), Some(again)) = (
            try_send(state, &t.req(&zero)).await?,
            try_send(state, &t.req(&p)).await?,
        ) else {
            continue;
        };
        if slow(&again) && !slow(&z) {
            return Ok(Some(t.finding(
                rules::web_command_injection::RULE,
                "time-based",
                Evidence {
                    request: Some(t.req(&p).describe()),
                    response: Some(format!(
                        "answered after {:.2} s and {:.2} s; with sleep 0 after {:.2} s; original {:.2} s",
                        first.elapsed.as_secs_f64(),
                        again.elapsed.as_secs_f64(),
                        z.elapsed.as_secs_f64(),
                        base.elapsed.as_secs_f64()
                    )),
                    notes: Vec::new(),
                },
            )));
        }
    }
    Ok(None)
}
