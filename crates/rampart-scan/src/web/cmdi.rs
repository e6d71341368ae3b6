//! OS command injection. Output-based: a shell separator, then `echo` of a marker glued to an
//! arithmetic expansion; only a shell turns `RMPxxxx$((a*b))` into `RMPxxxx<product>`, so the
//! product next to the marker cannot be a reflection. Confirmed with a second pair of numbers.
//! Time-based (bounded, only when no output came back): `sleep d` delays the answer twice and
//! `sleep 0` does not.
//!
//! One value covers the three places a value can stand in a shell command line: unquoted,
//! inside single quotes and inside double quotes. It holds the command three times, after a
//! separator, after `';` and after `";`, each followed by ` #`: with `;`, in each place exactly
//! one copy runs and the comment swallows the rest (the quote left open included, which would
//! otherwise be a syntax error); a newline ends a comment, so there one to three copies run. Three values are sent: with `;`, with a newline (where `;` is filtered
//! out) and as a `$( )` substitution (where both are).

use super::client::Page;
use super::probe::{marker, rand_in, time_confirmed, try_send, Target};
use super::State;
use crate::rules;
use rampart_model::{Evidence, Finding};
use rampart_net::NetError;
use std::time::Duration;

/// `cmd` run once whether the value stands unquoted, in single quotes or in double quotes, after
/// `sep` (`;` or a newline).
fn polyglot(v: &str, sep: &str, cmd: &str) -> String {
    format!("{v}{sep}{cmd} #'{sep}{cmd} #\"{sep}{cmd} #")
}

/// How many values are sent (see [`shape`]).
const SHAPES: usize = 3;

/// The `i`th value sent, holding `cmd`.
fn shape(i: usize, v: &str, cmd: &str) -> String {
    match i {
        0 => polyglot(v, ";", cmd),
        1 => polyglot(v, "\n", cmd),
        _ => format!("{v}$({cmd})"),
    }
}

pub async fn probe(
    state: &State,
    t: &Target<'_>,
    base: &Page,
    delay: Duration,
) -> Result<Option<Finding>, NetError> {
    let m = marker();
    for i in 0..SHAPES {
        let mut proofs = Vec::new();
        for _ in 0..2 {
            let (a, b) = (rand_in(100, 999), rand_in(100, 999));
            let expect = format!("{m}{}", a * b);
            let p = shape(i, t.orig, &format!("echo {m}$(({a}*{b}))"));
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
    // Time-based, bounded: one value (sleeping once wherever it stands), at most three requests.
    let d = super::probe::delay_secs(delay);
    let p = shape(0, t.orig, &format!("sleep {d}"));
    let zero = shape(0, t.orig, "sleep 0");
    if let Some(m) = time_confirmed(state, t, base, &p, &zero, Duration::from_secs(d)).await? {
        return Ok(Some(m.finding(
            t,
            rules::web_command_injection::RULE,
            "time-based",
            "sleep 0",
            base,
            Vec::new(),
        )));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `line` with `sh -c` and returns its output.
    fn sh(line: &str) -> String {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(line)
            .output()
            .expect("sh runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Each value runs its command unquoted, in single and in double quotes (a real shell is the
    /// judge; `$( )` stays literal in single quotes, which the polyglots cover), and the
    /// output-based command's product comes back.
    #[test]
    fn every_shape_runs_once_in_each_place() {
        let dir = std::env::temp_dir().join(format!("rampart-cmdi-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("ran");
        for i in 0..SHAPES {
            for (n, wrap) in ["echo start {}", "echo start '{}'", "echo start \"{}\""]
                .iter()
                .enumerate()
            {
                if i == 2 && n == 1 {
                    continue;
                }
                let _ = std::fs::remove_file(&log);
                let v = shape(i, "x", &format!("echo ran >>{}", log.display()));
                sh(&wrap.replace("{}", &v));
                let ran = std::fs::read_to_string(&log).unwrap_or_default();
                // The `;` value (the time-based one: a sleep must not triple) runs exactly once;
                // a newline ends a comment, so the newline value may run more often.
                let runs = ran.lines().count();
                assert!(
                    runs == 1 || i == 1 && runs >= 1,
                    "shape {i}, place {n}: {runs} runs of {v:?}"
                );
                let out = sh(&wrap.replace("{}", &shape(i, "x", "echo RMPabc$((6*7))")));
                assert!(out.contains("RMPabc42"), "shape {i}, place {n}: {out:?}");
            }
        }
        // A value the application quotes properly runs nothing.
        let _ = std::fs::remove_file(&log);
        let v = shape(0, "x", &format!("echo ran >>{}", log.display()));
        sh(&format!("echo start '{}'", v.replace('\'', "'\"'\"'")));
        assert!(!log.exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
