//! Code injection (Python `eval`/`exec` of a parameter), time-based: one value that sleeps when
//! it runs as code, with the same value sleeping zero seconds as the control (see
//! [`super::probe::time_confirmed`]). The call is written without quotes
//! (`__import__(chr(116)+chr(105)+chr(109)+chr(101))` is `__import__('time')`) and repeated after
//! a comment sign and after each kind of quote, so the one value runs once whether it is
//! evaluated alone (`eval(v)`, `exec(v)`, `eval("1+" + v)`) or spliced into a single- or
//! double-quoted string literal (`eval("'" + v + "'")`). One request when nothing is slow.

use super::client::Page;
use super::probe::{delay_secs, time_confirmed, Target};
use super::State;
use crate::rules;
use rampart_model::Finding;
use rampart_net::NetError;
use std::time::Duration;

/// `time.sleep(d)` as a Python expression without quotes.
fn sleep_call(d: u64) -> String {
    format!("__import__(chr(116)+chr(105)+chr(109)+chr(101)).sleep({d})")
}

/// The value: the call alone, then (after `#`, which ends it as code) the call spliced out of a
/// single-quoted and out of a double-quoted string.
pub fn payload(d: u64) -> String {
    let c = sleep_call(d);
    format!("{c}#'+{c}+'#\"+{c}+\"")
}

pub async fn probe(
    state: &State,
    t: &Target<'_>,
    base: &Page,
    delay: Duration,
) -> Result<Option<Finding>, NetError> {
    let d = delay_secs(delay);
    let (p, zero) = (payload(d), payload(0));
    let Some(m) = time_confirmed(state, t, base, &p, &zero, Duration::from_secs(d)).await? else {
        return Ok(None);
    };
    Ok(Some(m.finding(
        t,
        rules::web_code_injection::RULE,
        "time-based",
        "sleep(0)",
        base,
        vec![format!(
            "the value calls time.sleep({d}) when it runs as Python code; the same value with sleep(0) is the control"
        )],
    )))
}

#[cfg(test)]
mod tests {
    /// The payload sleeps exactly once as code and inside either kind of string literal.
    #[test]
    fn payload_runs_once_in_each_context() {
        let p = super::payload(2);
        let calls = p.matches(".sleep(2)").count();
        assert_eq!(calls, 3);
        assert!(!p.contains("'time'") && !p.contains("\"time\""));
        assert!(p.starts_with("__import__(") && p.contains("#'+") && p.contains("#\"+"));
    }
}
