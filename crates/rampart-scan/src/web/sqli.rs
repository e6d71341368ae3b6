//! SQL injection, reported only when confirmed:
//! - error-based: a quote makes a database error appear (SQLite, MySQL/MariaDB, PostgreSQL
//!   signatures absent from the baseline) and a syntactically repaired value makes it go away;
//! - boolean-based: on a stable page, an always-true condition answers like the original and an
//!   always-false one differently (token similarity, reflections removed), twice, with two pairs;
//! - UNION-based: `UNION SELECT a*b, …` with 1–6 columns makes the product (computed by the
//!   database only) appear in the answer, twice with new numbers;
//! - time-based: a bounded sleep (≤ 2 s) delays the answer by that much, twice, and a zero sleep
//!   does not; also concatenated into a string (`'||…||'`, which keeps an INSERT whole); for
//!   SQLite, which cannot sleep, a heavy recursive query slow twice, fast for one row and slower
//!   for twice the rows.

use super::client::{Client, Page, Req};
use super::crawl::Endpoint;
use super::probe::{each_in_order, failed_is_none, rand_in};
use super::similarity::{ratio, strip_reflection};
use super::{Found, State, WebOptions};
use crate::rules;
use rampart_model::Evidence;
use rampart_net::NetError;

const SIGNATURES: &[(&str, &str)] = &[
    ("SQLite", "sqlite3.OperationalError"),
    ("SQLite", "SQLite3::"),
    ("SQLite", "SQLITE_ERROR"),
    ("SQLite", "SQLiteException"),
    ("SQLite", "unrecognized token:"),
    ("SQLite", "\": syntax error"),
    ("MySQL", "You have an error in your SQL syntax"),
    ("MySQL", "check the manual that corresponds to your MySQL"),
    ("MySQL", "check the manual that corresponds to your MariaDB"),
    ("MySQL", "Warning: mysql_"),
    ("MySQL", "mysql_fetch_array()"),
    ("MySQL", "MySqlException"),
    ("MySQL", "MySQLSyntaxErrorException"),
    ("MySQL", "com.mysql.jdbc"),
    ("PostgreSQL", "PG::SyntaxError"),
    ("PostgreSQL", "pg_query()"),
    ("PostgreSQL", "PSQLException"),
    ("PostgreSQL", "org.postgresql.util"),
    ("PostgreSQL", "unterminated quoted string at or near"),
    ("PostgreSQL", "syntax error at or near"),
    ("PostgreSQL", "psycopg2.errors"),
];

/// The database whose error message appears in `body`, and the matched text.
pub fn db_error(body: &str) -> Option<(&'static str, &'static str)> {
    SIGNATURES.iter().find(|(_, s)| body.contains(s)).copied()
}

#[derive(Default)]
pub(crate) enum Outcome {
    Found {
        how: String,
        evidence: Evidence,
    },
    #[default]
    None,
}

pub async fn check(state: &State, opts: &WebOptions) -> Result<Found, NetError> {
    let mut out = Found::default();
    let mut places: Vec<(&Endpoint, String, String)> = Vec::new();
    for ep in &state.endpoints {
        if opts.safe && ep.method == http::Method::POST || super::probe::is_logout(&ep.url) {
            continue;
        }
        let params: Vec<(String, String)> = ep.fuzzable().cloned().collect();
        if ep.method == http::Method::POST && !params.is_empty() {
            out.data_changing(format!(
                "POST {}: injection probes submitted",
                ep.url.path()
            ));
        }
        for (name, value) in params {
            let v = if value.is_empty() {
                "1".to_string()
            } else {
                value
            };
            places.push((ep, name, v));
        }
    }
    // Several parameters at a time, in order (see `inject::check`): a parameter whose answers
    // are slow (a delay asked for, a tarpit) does not hold up the others.
    let outcomes: Vec<Outcome> = each_in_order(
        places.iter(),
        opts.concurrency,
        |(ep, name, v)| async move {
            let mk = |value: &str| ep.request_with(name, value);
            probe_param(state, &mk, v, opts, Techniques { time_based: true }).await
        },
    )
    .await?;
    for ((ep, name, _), outcome) in places.iter().zip(outcomes) {
        let Outcome::Found { how, mut evidence } = outcome else {
            continue;
        };
        if how.contains("concatenated") {
            // The statement ran whole with the probe's value in it: if it writes (an INSERT
            // or UPDATE, which a cut-off comment would have broken), each probe stored a row.
            evidence.notes.push(
                "the probes ran the whole statement with their value in it: where it writes (INSERT/UPDATE), each stored a row"
                    .into(),
            );
            out.data_changing(format!(
                "{} {} [{name}]: SQL probes concatenated into a statement that may write (INSERT/UPDATE)",
                ep.method,
                ep.url.path()
            ));
        }
        out.finding(rules::web_sqli::RULE.finding(
            format!(
                "SQL injection in parameter {name} of {} {} ({how})",
                ep.method,
                ep.url.path()
            ),
            ep.url.to_string(),
            &ep.key(name),
            evidence,
        ));
    }
    Ok(out)
}

/// Builds the request that puts a value into the place under test (a parameter, a header, a
/// cookie or a JSON field).
pub type MakeReq<'a> = &'a (dyn Fn(&str) -> Req + Sync);

/// Which techniques to try; header and cookie probes skip the time-based one (bounded cost).
#[derive(Clone, Copy)]
pub struct Techniques {
    pub time_based: bool,
}

pub(crate) async fn send(
    client: &Client,
    mk: MakeReq<'_>,
    value: &str,
) -> Result<Option<Page>, NetError> {
    failed_is_none(client.send(&mk(value)).await)
}

pub(crate) async fn probe_param(
    state: &State,
    mk: MakeReq<'_>,
    v: &str,
    opts: &WebOptions,
    tech: Techniques,
) -> Result<Outcome, NetError> {
    // The original answer may be one already received. The two quoted values go out at once
    // (unless the original answer already shows a database error). Where both answer like the
    // original — same status, same text once the value shown back is taken out, no database
    // error — three answers at two moments agree: the page is stable and the quotes reach no
    // query, and no second original is needed. Otherwise a second original answer tells
    // whether the page changes by itself.
    let Some(o1) = super::probe::try_send_original(state, &mk(v)).await? else {
        return Ok(Outcome::None);
    };
    let breaks: &[&str] = if db_error(&o1.body).is_none() {
        &["'", "\""]
    } else {
        &[]
    };
    let broken: Vec<(Option<Page>, String)> =
        futures_util::future::join_all(breaks.iter().map(|brk| {
            let bad = format!("{v}{brk}");
            async move { send(&state.client, mk, &bad).await.map(|r| (r, bad)) }
        }))
        .await
        .into_iter()
        .collect::<Result<_, _>>()?;
    let like_original = |r: &Page, bad: &str| {
        r.status == o1.status
            && db_error(&r.body).is_none()
            && ratio(
                &strip_reflection(&o1.body, v),
                &strip_reflection(&strip_reflection(&r.body, bad), v),
            ) >= 0.98
    };
    let all_alike = !broken.is_empty()
        && broken
            .iter()
            .all(|(r, bad)| r.as_ref().is_some_and(|r| like_original(r, bad)));
    let o2 = if all_alike {
        None
    } else {
        match send(&state.client, mk, v).await? {
            Some(o2) => Some(o2),
            None => return Ok(Outcome::None),
        }
    };
    let baseline_error = db_error(&o1.body).or(o2.as_ref().and_then(|o| db_error(&o.body)));
    // The time-based technique's baseline: the fastest of the answers that match the original
    // (one slowed by a busy moment must not hide a real delay).
    let base_t = match &o2 {
        Some(o2) => o1.elapsed.min(o2.elapsed),
        None => broken
            .iter()
            .filter_map(|(r, _)| r.as_ref().map(|r| r.elapsed))
            .fold(o1.elapsed, std::time::Duration::min),
    };

    // Error-based. Also notes whether a quote changes the answer at all: where neither does on
    // a stable page, the value reaches no query and the UNION probes are spared.
    let stable = o2
        .as_ref()
        .is_none_or(|o2| ratio(&o1.body, &o2.body) >= 0.98 && o1.status == o2.status);
    let mut quotes_ignored = stable && baseline_error.is_none();
    if baseline_error.is_none() {
        for (brk, (r, bad)) in breaks.iter().zip(broken) {
            let Some(r) = r else {
                quotes_ignored = false;
                continue;
            };
            // The original value shown back is not a difference either.
            quotes_ignored &= r.status == o1.status
                && ratio(
                    &strip_reflection(&o1.body, v),
                    &strip_reflection(&strip_reflection(&r.body, &bad), v),
                ) >= 0.98;
            let Some((db, sig)) = db_error(&r.body) else {
                continue;
            };
            for fixed in [
                format!("{v} AND 1=1"),
                format!("{v}{brk} AND {brk}1{brk}={brk}1"),
                format!("{v}{brk}{brk}"),
            ] {
                let Some(ok) = send(&state.client, mk, &fixed).await? else {
                    continue;
                };
                if db_error(&ok.body).is_none() && ok.status < 500 {
                    let req = mk(&bad).describe();
                    return Ok(Outcome::Found {
                        how: format!("error-based, {db}"),
                        evidence: Evidence {
                            request: Some(req),
                            response: Some(r.excerpt_around(sig, 240)),
                            notes: vec![format!(
                                "the error disappears with the repaired value {fixed:?} (HTTP {})",
                                ok.status
                            )],
                        },
                    });
                }
            }
        }
    }

    // Boolean-based, only on pages that answer the same twice. Also notes, per shape, whether
    // its always-true condition gave the original page back: where it did not, the value
    // spliced that way is no valid query, and the UNION of the same shape cannot be either.
    let mut true_kept: [Option<bool>; 4] = [None; 4];
    if stable {
        let shapes: [(&str, &str); 4] = [
            ("{v} AND {a}={a}", "{v} AND {a}={b}"),
            ("{v}' AND '{a}'='{a}", "{v}' AND '{a}'='{b}"),
            ("{v}\" AND \"{a}\"=\"{a}", "{v}\" AND \"{a}\"=\"{b}"),
            ("{v}' AND {a}={a}-- -", "{v}' AND {a}={b}-- -"),
        ];
        for (i, (t, f)) in shapes.into_iter().enumerate() {
            // A quote that changes nothing cannot close a string either: only the numeric
            // shape is left to try.
            if quotes_ignored && i > 0 {
                break;
            }
            if i == 0 && !is_number(v) {
                continue;
            }
            let mut confirmed = Vec::new();
            for (a, b) in [("1", "2"), ("7", "8")] {
                let fill = |s: &str| s.replace("{v}", v).replace("{a}", a).replace("{b}", b);
                let (tv, fv) = (fill(t), fill(f));
                let (Some(tp), Some(fp)) = (
                    send(&state.client, mk, &tv).await?,
                    send(&state.client, mk, &fv).await?,
                ) else {
                    break;
                };
                let base = &o1.body;
                let tb = strip_reflection(&tp.body, &tv);
                let fb = strip_reflection(&fp.body, &fv);
                let (rt, rf, rtf) = (ratio(base, &tb), ratio(base, &fb), ratio(&tb, &fb));
                let true_like = rt >= 0.95 && tp.status == o1.status;
                if a == "1" {
                    let same = ratio(&strip_reflection(base, v), &strip_reflection(&tb, v)) >= 0.95;
                    true_kept[i] = Some(same && tp.status == o1.status);
                }
                // A large difference, or — when the true condition gives the original page back
                // exactly — a small one (a numeric id whose "not found" page shares the layout)
                // or another status. The second pair must agree, so noise does not pass.
                let exact_true = rt >= 0.995;
                let false_differs = (rf <= 0.9 && rtf <= 0.9)
                    || (exact_true && (rf <= 0.97 || fp.status != tp.status));
                if !(true_like && false_differs) {
                    break;
                }
                confirmed.push((tv, fv, rt, rf, tp.status, fp.status));
            }
            if confirmed.len() == 2 {
                let (tv, fv, rt, rf, ts, fs) = confirmed.remove(0);
                return Ok(Outcome::Found {
                    how: "boolean-based".into(),
                    evidence: Evidence {
                        request: Some(format!(
                            "{} vs {}",
                            mk(&tv).describe(),
                            mk(&fv).describe()
                        )),
                        response: Some(format!(
                            "true condition: HTTP {ts}, similarity to the original {rt:.2}; false condition: HTTP {fs}, similarity {rf:.2}"
                        )),
                        notes: vec!["confirmed with a second pair of conditions".into()],
                    },
                });
            }
        }
    }

    // UNION-based.
    if baseline_error.is_some() || !quotes_ignored {
        let shapes_open = [
            true_kept[0] != Some(false),
            !(true_kept[1] == Some(false) && true_kept[3] == Some(false)),
        ];
        if let Some(found) = union_based(state, mk, v, &o1, shapes_open).await? {
            return Ok(found);
        }
    }

    // Time-based, bounded.
    if !tech.time_based {
        return Ok(Outcome::None);
    }
    super::sqli_time::time_based(&state.client, mk, v, base_t, opts).await
}

/// Whether `v` can stand unquoted in SQL as a number. Only then are the unquoted (numeric
/// context) shapes tried: a word in that place is already a broken query, whatever follows it.
pub(crate) fn is_number(v: &str) -> bool {
    let t = v.trim();
    !t.is_empty() && t.parse::<f64>().is_ok_and(f64::is_finite)
}

/// Most columns a UNION probe tries.
const UNION_MAX_COLUMNS: usize = 6;

/// UNION-based: `UNION SELECT a*b, a*b, …` with 1 to [`UNION_MAX_COLUMNS`] columns (numeric and
/// quoted contexts); the product — which only the database computes, the payload holding `a*b` —
/// must come back, be absent from the original answer, and come back again with new numbers at
/// the same column count. 6 requests per shape (sent at once), 2 × 6 when nothing comes back.
async fn union_based(
    state: &State,
    mk: MakeReq<'_>,
    v: &str,
    base: &Page,
    shapes_open: [bool; 2],
) -> Result<Option<Outcome>, NetError> {
    let shapes = ["{v} UNION SELECT {c}", "{v}' UNION SELECT {c}-- -"];
    for (i, shape) in shapes.into_iter().enumerate() {
        if i == 0 && !is_number(v) || !shapes_open[i] {
            continue;
        }
        // Every column count at once (one after the other they would make a long chain for
        // this one parameter); the smallest count whose product came back is confirmed.
        let tries: Vec<(usize, String, String)> = (1..=UNION_MAX_COLUMNS)
            .map(|n| {
                let (a, b) = (rand_in(1000, 9999), rand_in(1000, 9999));
                let product = (u64::from(a) * u64::from(b)).to_string();
                (n, union_payload(shape, v, n, a, b), product)
            })
            .collect();
        let answers = futures_util::future::join_all(
            tries.iter().map(|(_, p, _)| send(&state.client, mk, p)),
        )
        .await;
        for ((n, payload, product), r) in tries.into_iter().zip(answers) {
            let Some(r) = r? else {
                continue;
            };
            if !r.body.contains(&product) || base.body.contains(&product) {
                continue;
            }
            let (a2, b2) = (rand_in(1000, 9999), rand_in(1000, 9999));
            let again = (u64::from(a2) * u64::from(b2)).to_string();
            let payload2 = union_payload(shape, v, n, a2, b2);
            let Some(r2) = send(&state.client, mk, &payload2).await? else {
                continue;
            };
            if !r2.body.contains(&again) || base.body.contains(&again) {
                continue;
            }
            return Ok(Some(Outcome::Found {
                how: format!("UNION-based, {n} column{}", if n == 1 { "" } else { "s" }),
                evidence: Evidence {
                    request: Some(mk(&payload2).describe()),
                    response: Some(r2.excerpt_around(&again, 200)),
                    notes: vec![format!(
                        "the database computed {again} for {a2}*{b2} in a row added by UNION SELECT with {n} columns; first seen as {product} in the answer to {}",
                        mk(&payload).describe()
                    )],
                },
            }));
        }
    }
    Ok(None)
}

fn union_payload(shape: &str, v: &str, n: usize, a: u32, b: u32) -> String {
    let cols = vec![format!("{a}*{b}"); n].join(",");
    shape.replace("{v}", v).replace("{c}", &cols)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures() {
        assert_eq!(
            db_error("sqlite3.OperationalError: unrecognized token: \"'\"")
                .unwrap()
                .0,
            "SQLite"
        );
        assert_eq!(
            db_error("Warning: mysql_fetch_array(): supplied argument")
                .unwrap()
                .0,
            "MySQL"
        );
        assert_eq!(
            db_error("ERROR:  syntax error at or near \"'\"").unwrap().0,
            "PostgreSQL"
        );
        assert!(db_error("<p>no results</p>").is_none());
    }
}
