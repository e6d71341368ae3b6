//! One verdict per clause: the measured value, the formula in words, what was left out.

use super::build::{measure_of, Group};
use super::model::*;
use crate::clause::{period_name, Clause, ClauseSource, Obligation};
use crate::math::budget::{budget, max_burn, periods};
use crate::math::calendar::Calendar;
use crate::math::exclusions::Exclusions;
use crate::math::incidents::{outages, Outage};
use crate::math::latency::{Reading, Sorted};
use crate::math::timeline::{segments, split};
use crate::math::{fmt_secs, round};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use rampart_config::{LatencyMeasure, MttrReading};
use rampart_model::{Observation, Outcome};

fn secs(d: Duration) -> f64 {
    d.num_milliseconds() as f64 / 1000.0
}

fn base(c: &Clause, monitor: &str, agent: &str) -> ClauseResult {
    ClauseResult {
        name: c.name.clone(),
        monitor: monitor.to_string(),
        agent: agent.to_string(),
        source: match c.source {
            ClauseSource::Project => "project".into(),
            ClauseSource::Flag => "flag".into(),
            ClauseSource::Default => "default".into(),
        },
        kind: c.obligation.kind().into(),
        verdict: Verdict::NoData,
        ambiguous: false,
        measured: String::new(),
        value: None,
        formula: String::new(),
        exclusions: Vec::new(),
        notes: Vec::new(),
        readings: Vec::new(),
        periods: Vec::new(),
        incidents: Vec::new(),
    }
}

pub(crate) fn no_data(c: &Clause, monitor: &str) -> ClauseResult {
    let mut r = base(c, monitor, "all");
    r.measured = "no observations for this monitor in the window".into();
    r
}

fn describe_exclusions(c: &Clause, ex: &Exclusions, left_out_probes: u64) -> Vec<String> {
    let mut out = Vec::new();
    for (s, e) in ex.intervals() {
        out.push(format!(
            "maintenance {} – {} ({})",
            s.to_rfc3339(),
            e.to_rfc3339(),
            fmt_secs(secs(*e - *s))
        ));
    }
    if left_out_probes > 0 {
        out.push(format!(
            "{left_out_probes} probe(s) inside maintenance left out"
        ));
    }
    if let Some(cal) = &c.calendar {
        out.push(format!(
            "time outside business hours ({}) left out",
            cal.describe()
        ));
    }
    out
}

pub(crate) fn evaluate(
    c: &Clause,
    g: &Group<'_>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> ClauseResult {
    let mut r = base(c, &g.monitor, &g.agent);
    let ex = Exclusions::from_sections(&c.maintenance, from, to);
    let counted: Vec<&Observation> = g
        .obs
        .iter()
        .copied()
        .filter(|o| !ex.contains(o.started_at))
        .filter(|o| {
            c.calendar
                .as_ref()
                .is_none_or(|cal| cal.is_open(o.started_at))
        })
        .collect();
    r.exclusions = describe_exclusions(c, &ex, (g.obs.len() - counted.len()) as u64);
    if counted.is_empty() {
        r.measured = "no observations inside the clause's time in the window".into();
        return r;
    }
    if c.source == ClauseSource::Default {
        r.notes.push(
            "default clause: no [[sla]] in a project file and no --latency-threshold / \
             --uptime-target flag, so the common defaults were applied"
                .into(),
        );
    }
    match &c.obligation {
        Obligation::Uptime {
            target_percent,
            per,
        } => uptime(&mut r, c, g, &ex, from, to, *target_percent, *per),
        Obligation::Latency {
            threshold_ms,
            reading,
            measure,
        } => latency(&mut r, &counted, *threshold_ms, *reading, *measure),
        Obligation::RespondWithin(d) | Obligation::RestoreWithin(d) => {
            let respond = matches!(c.obligation, Obligation::RespondWithin(_));
            within(&mut r, c, g, &ex, to, *d, respond)
        }
        Obligation::Mttr { max, reading } => mttr(&mut r, c, g, &ex, *max, *reading),
    }
    r
}

#[allow(clippy::too_many_arguments)]
fn uptime(
    r: &mut ClauseResult,
    c: &Clause,
    g: &Group<'_>,
    _ex: &Exclusions,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    target: f64,
    per: rampart_config::SlaPeriod,
) {
    let zone = c.calendar.as_ref().map(|cal| cal.zone).unwrap_or(Tz::UTC);
    let interval = Duration::milliseconds((g.interval_secs * 1000.0) as i64);
    let cal = c.calendar.as_ref();
    let (mut up_all, mut down_all, mut ok_all, mut n_all) = (0.0, 0.0, 0u64, 0u64);
    for (ps, pe) in periods(per, zone, from, to) {
        let (os, oe) = (ps.max(from), pe.min(to));
        let ex = Exclusions::from_sections(&c.maintenance, ps, pe);
        let in_period: Vec<&Observation> = g
            .obs
            .iter()
            .copied()
            .filter(|o| o.started_at >= os && o.started_at < oe && !ex.contains(o.started_at))
            .collect();
        let points: Vec<_> = in_period
            .iter()
            .map(|o| (o.started_at, o.outcome))
            .collect();
        let time = split(&segments(&points, interval, os, oe), &ex, cal);
        let probes: Vec<&&Observation> = in_period
            .iter()
            .filter(|o| cal.is_none_or(|k| k.is_open(o.started_at)))
            .collect();
        let ok = probes.iter().filter(|o| o.outcome == Outcome::Up).count() as u64;
        let full = match cal {
            Some(k) => secs(k.open_duration(ps, pe)),
            None => secs(pe - ps),
        };
        let period_secs = full - secs(ex.overlap(ps, pe));
        let b = budget(target, period_secs, time.up_secs, time.down_secs);
        let observed = time.up_secs + time.down_secs;
        let complete = os == ps && oe == pe && time.unknown_secs <= g.interval_secs * 2.0;
        let verdict = if time.down_secs > b.allowed_down_secs {
            Verdict::Breached
        } else if observed > 0.0 {
            Verdict::Met
        } else {
            Verdict::NoData
        };
        up_all += time.up_secs;
        down_all += time.down_secs;
        ok_all += ok;
        n_all += probes.len() as u64;
        r.periods.push(PeriodResult {
            start: ps,
            end: pe,
            complete,
            observed_secs: round(observed, 3),
            by_probes_percent: (!probes.is_empty())
                .then(|| round(ok as f64 * 100.0 / probes.len() as f64, 4)),
            by_time_percent: time.known_percent().map(|p| round(p, 4)),
            time,
            budget: b,
            max_burn_1h: max_burn(
                &probes
                    .iter()
                    .map(|o| (o.started_at, o.outcome == Outcome::Down))
                    .collect::<Vec<_>>(),
                Duration::hours(1),
                target,
            )
            .map(|x| round(x, 2)),
            verdict,
        });
    }
    r.verdict = if r.periods.iter().any(|p| p.verdict == Verdict::Breached) {
        Verdict::Breached
    } else if r.periods.iter().any(|p| p.verdict == Verdict::Met) {
        Verdict::Met
    } else {
        Verdict::NoData
    };
    let by_time = (up_all + down_all > 0.0).then(|| up_all * 100.0 / (up_all + down_all));
    let by_probes = (n_all > 0).then(|| ok_all as f64 * 100.0 / n_all as f64);
    r.value = by_time.map(|v| round(v, 4));
    r.measured = format!(
        "{} by time, {} by probes ({} of {} probes good)",
        pct(by_time),
        pct(by_probes),
        crate::math::fmt_count(ok_all),
        crate::math::fmt_count(n_all)
    );
    r.formula = format!(
        "per {}: up time ÷ (up + down time) ≥ {target} %; downtime from the first failed probe to \
         the first good one; allowed downtime = (1 − {target} %) × the period's countable time; \
         burn rate = error rate ÷ (1 − {target} %)",
        period_name(per)
    );
    if r.periods.iter().any(|p| !p.complete) {
        r.notes.push(format!(
            "probes cover only part of the {}: the verdict holds for the observed part; a period \
             is breached for certain once its downtime exceeds the allowed downtime",
            period_name(per)
        ));
    }
}

fn pct(v: Option<f64>) -> String {
    match v {
        Some(v) => format!("{} %", round(v, 3)),
        None => "n/a".into(),
    }
}

fn latency(
    r: &mut ClauseResult,
    counted: &[&Observation],
    t: f64,
    reading: Option<Reading>,
    measure: LatencyMeasure,
) {
    let vals = Sorted::new(
        counted
            .iter()
            .filter_map(|o| measure_of(o, measure))
            .collect(),
    );
    if vals.is_empty() {
        r.measured = "no answered probes to measure".into();
        return;
    }
    let readings = match reading {
        Some(rd) => vec![rd],
        None => Reading::all(),
    };
    for rd in &readings {
        let v = rd.value(&vals);
        r.readings.push(ReadingResult {
            reading: rd.name(),
            value_ms: v.map(|x| round(x, 3)),
            verdict: if v.is_some_and(|x| x <= t) {
                Verdict::Met
            } else {
                Verdict::Breached
            },
            formula: rd.formula(t),
        });
    }
    let above = vals.above(t);
    let n = vals.len() as f64;
    let what = match measure {
        LatencyMeasure::Total => "probe start to last byte, new connection per probe",
        LatencyMeasure::Ttfb => "request sent to first byte of the answer",
    };
    r.measured = format!(
        "{} of {} requests strictly above {t} ms ({} %); mean {} ms; max {} ms",
        crate::math::fmt_count(above),
        crate::math::fmt_count(vals.len() as u64),
        round(above as f64 * 100.0 / n, 2),
        round(vals.mean().unwrap_or(0.0), 2),
        round(vals.values().last().copied().unwrap_or(0.0), 3)
    );
    r.value = Some(round(above as f64 * 100.0 / n, 3));
    r.ambiguous = reading.is_none();
    let verdicts: Vec<Verdict> = r.readings.iter().map(|x| x.verdict).collect();
    r.verdict = if verdicts.iter().all(|v| *v == verdicts[0]) {
        verdicts[0]
    } else {
        Verdict::Ambiguous
    };
    r.formula = match reading {
        Some(rd) => format!("{} ({what})", rd.formula(t)),
        None => format!(
            "the clause does not say how {t} ms is read; every reading is given: every request, \
             mean, p50, p90, p95, p98, p99 ({what})"
        ),
    };
    r.notes.push(format!(
        "failed or timed-out probes are left out of latency; latency SLI: {} % of requests at or \
         under {t} ms",
        round(100.0 - above as f64 * 100.0 / n, 3)
    ));
    if r.ambiguous {
        r.notes.push("ambiguous: state the reading (`reading = \"every\"`, `\"mean\"`, `\"p95\"`…) to get one verdict".into());
    }
}

fn clause_outages(g: &Group<'_>, ex: &Exclusions) -> Vec<Outage> {
    let owned: Vec<Observation> = g.obs.iter().map(|o| (*o).clone()).collect();
    outages(&owned, ex)
}

fn always() -> Calendar {
    Calendar::always()
}

fn within(
    r: &mut ClauseResult,
    c: &Clause,
    g: &Group<'_>,
    ex: &Exclusions,
    to: DateTime<Utc>,
    d: Duration,
    respond: bool,
) {
    let all = always();
    let cal = c.calendar.as_ref().unwrap_or(&all);
    let incidents: Vec<Outage> = clause_outages(g, ex)
        .into_iter()
        .filter(|o| {
            secs(cal.open_duration(o.start, o.end.unwrap_or(to))) > 0.0 || cal.is_open(o.start)
        })
        .collect();
    let mut late = 0;
    let mut unknown = 0;
    for o in &incidents {
        let deadline = cal.add_open_time(o.start, d);
        let restored_in_time = match (o.end, deadline) {
            (Some(e), Some(dl)) => Some(e <= dl),
            (None, Some(dl)) if dl < to => Some(false),
            _ => None,
        };
        match restored_in_time {
            Some(false) => late += 1,
            None => unknown += 1,
            _ => {}
        }
        r.incidents.push(IncidentCheck {
            start: o.start,
            end: o.end,
            deadline,
            restore_secs: o.duration_secs,
            restore_business_secs: o.end.map(|e| secs(cal.open_duration(o.start, e))),
            restored_in_time,
        });
    }
    let n = incidents.len();
    let hours = c
        .calendar
        .as_ref()
        .map(|k| k.describe())
        .unwrap_or_else(|| "around the clock".into());
    r.measured = format!(
        "{} of {n} incident(s) restored within {} of calendar time ({hours}){}",
        n - late - unknown,
        fmt_secs(secs(d)),
        if unknown > 0 {
            format!("; {unknown} still open")
        } else {
            String::new()
        }
    );
    r.value = Some(late as f64);
    r.formula = format!(
        "per incident: deadline = start + {} counted only while the calendar is open ({hours}), \
         pausing over nights, weekends and holidays; restored in time if the first good probe \
         came before the deadline",
        fmt_secs(secs(d))
    );
    if respond {
        r.verdict = Verdict::NotVerifiable;
        r.notes.push(
            "a response (acknowledgment) cannot be seen from outside; only recovery can. The \
             restoration times above are shown as evidence: a restoration within the deadline \
             bounds the response time only if someone responded to restore it"
                .into(),
        );
    } else {
        r.verdict = if late > 0 {
            Verdict::Breached
        } else {
            Verdict::Met
        };
        if n == 0 {
            r.notes
                .push("no incident in the clause's time: nothing to restore".into());
        }
    }
}

fn mttr(
    r: &mut ClauseResult,
    c: &Clause,
    g: &Group<'_>,
    ex: &Exclusions,
    max: Duration,
    reading: Option<MttrReading>,
) {
    let incidents = clause_outages(g, ex);
    let cal = c.calendar.as_ref();
    let durs: Vec<f64> = incidents
        .iter()
        .filter_map(|o| {
            let e = o.end?;
            Some(match cal {
                Some(k) => secs(k.open_duration(o.start, e)),
                None => secs(e - o.start),
            })
        })
        .collect();
    let cap = secs(max);
    let mean = (!durs.is_empty()).then(|| durs.iter().sum::<f64>() / durs.len() as f64);
    let worst = durs.iter().cloned().reduce(f64::max);
    let mean_ok = mean.is_none_or(|m| m <= cap);
    let each_ok = worst.is_none_or(|w| w <= cap);
    let v = |ok: bool| if ok { Verdict::Met } else { Verdict::Breached };
    r.readings.push(ReadingResult {
        reading: "mean".into(),
        value_ms: mean.map(|m| m * 1000.0),
        verdict: v(mean_ok),
        formula: format!(
            "mean time to restore over resolved incidents ≤ {}",
            fmt_secs(cap)
        ),
    });
    r.readings.push(ReadingResult {
        reading: "each".into(),
        value_ms: worst.map(|m| m * 1000.0),
        verdict: v(each_ok),
        formula: format!("every incident restored within {}", fmt_secs(cap)),
    });
    if let Some(rd) = reading {
        r.readings.retain(|x| {
            x.reading
                == if rd == MttrReading::Mean {
                    "mean"
                } else {
                    "each"
                }
        });
    }
    r.ambiguous = reading.is_none();
    let verdicts: Vec<Verdict> = r.readings.iter().map(|x| x.verdict).collect();
    r.verdict = if verdicts.iter().all(|x| *x == verdicts[0]) {
        verdicts[0]
    } else {
        Verdict::Ambiguous
    };
    r.value = mean;
    r.measured = format!(
        "{} resolved incident(s); MTTR {}; longest {}{}",
        durs.len(),
        mean.map(fmt_secs).unwrap_or_else(|| "n/a".into()),
        worst.map(fmt_secs).unwrap_or_else(|| "n/a".into()),
        if cal.is_some() {
            " (business-hours time)"
        } else {
            " (wall-clock time)"
        }
    );
    r.formula = "R = restore: first good probe − first failed probe, as seen from outside; \
                 \"MTTR\" read as a mean over incidents and as a cap on each incident"
        .into();
    if durs.is_empty() {
        r.notes
            .push("no resolved incident in the window: MTTR is vacuously met".into());
    }
}
