//! `rampart monitor`: runs every monitor at its cadence until stopped or for a duration, with
//! bounded concurrency, and writes each observation to the store in batches (at least every
//! 500 ms, one transaction per batch), so a killed process loses at most the last half second.

pub mod live;

use crate::metrics::Metrics;
use crate::probe::{Probe, ProbeError};
use crate::schedule::{Clock, Schedule};
pub use live::{Live, LiveRow};
use rampart_config::MonitorSection;
use rampart_model::Observation;
use rampart_net::Net;
use rampart_store::Store;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch, Semaphore};
use tokio::time::Instant;

/// A monitor ready to run.
#[derive(Debug, Clone)]
pub struct MonitorSpec {
    pub name: String,
    pub probe: Arc<Probe>,
    pub interval: Duration,
}

impl MonitorSpec {
    pub fn from_section(m: &MonitorSection) -> Result<Self, ProbeError> {
        Ok(MonitorSpec {
            name: m.name.clone(),
            probe: Arc::new(Probe::from_monitor(m)?),
            interval: m.interval.std(),
        })
    }
}

#[derive(Debug, Clone)]
pub struct RunOptions {
    pub agent: String,
    /// Probes in flight at once, across all monitors.
    pub concurrency: usize,
    /// Stop after this long (`None`: until the stop signal).
    pub duration: Option<Duration>,
    /// How often buffered observations are written.
    pub flush_every: Duration,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            agent: "local".into(),
            concurrency: 256,
            duration: None,
            flush_every: Duration::from_millis(500),
        }
    }
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunSummary {
    pub probes: u64,
    pub skipped: u64,
    pub written: u64,
    pub write_errors: u64,
}

/// Runs the monitors until `stop` turns true or the duration ends; then waits for probes in
/// flight and writes the last batch. `store` may be `None` (metrics and live view only).
pub async fn run(
    net: Net,
    monitors: Vec<MonitorSpec>,
    opts: RunOptions,
    store: Option<Store>,
    live: Arc<Live>,
    metrics: Option<Arc<Metrics>>,
    stop: watch::Receiver<bool>,
) -> RunSummary {
    // Logged before the clock starts, so logging never makes the first ticks late.
    tracing::info!(
        monitors = monitors.len(),
        agent = %opts.agent,
        concurrency = opts.concurrency,
        duration = ?opts.duration,
        store = store.as_ref().map(|s| s.url()).unwrap_or("none"),
        "monitor run starting"
    );
    for m in &monitors {
        tracing::debug!(monitor = %m.name, target = %m.probe.target(), interval = ?m.interval, "monitor scheduled");
    }
    let clock = Clock::now();
    let start = Instant::now();
    let end = opts.duration.map(|d| start + d);
    let sem = Arc::new(Semaphore::new(opts.concurrency.max(1)));
    let (tx, rx) = mpsc::unbounded_channel::<Observation>();
    let writer = tokio::spawn(writer(
        rx,
        store,
        live.clone(),
        metrics.clone(),
        opts.flush_every,
    ));
    let count = monitors.len().max(1) as u32;
    let mut tasks = Vec::new();
    for (i, m) in monitors.into_iter().enumerate() {
        // Spread the monitors over the first interval so they do not all fire at one instant.
        let offset = m.interval / count * i as u32;
        let sched = Schedule::new(start + offset, m.interval);
        tasks.push(tokio::spawn(monitor_loop(
            m,
            sched,
            clock,
            end,
            net.clone(),
            sem.clone(),
            tx.clone(),
            opts.agent.clone(),
            live.clone(),
            metrics.clone(),
            stop.clone(),
        )));
    }
    drop(tx);
    let mut summary = RunSummary::default();
    for t in tasks {
        if let Ok((probes, skipped)) = t.await {
            summary.probes += probes;
            summary.skipped += skipped;
        }
    }
    if let Ok((written, errors)) = writer.await {
        summary.written = written;
        summary.write_errors = errors;
    }
    tracing::info!(
        probes = summary.probes,
        written = summary.written,
        skipped = summary.skipped,
        write_errors = summary.write_errors,
        "monitor run finished"
    );
    summary
}

#[allow(clippy::too_many_arguments)]
async fn monitor_loop(
    m: MonitorSpec,
    mut sched: Schedule,
    clock: Clock,
    end: Option<Instant>,
    net: Net,
    sem: Arc<Semaphore>,
    tx: mpsc::UnboundedSender<Observation>,
    agent: String,
    live: Arc<Live>,
    metrics: Option<Arc<Metrics>>,
    mut stop: watch::Receiver<bool>,
) -> (u64, u64) {
    let target = m.probe.target();
    let mut probes = 0;
    let mut in_flight = Vec::new();
    loop {
        let due = sched.peek().due;
        if end.is_some_and(|e| due >= e) || *stop.borrow() {
            break;
        }
        tokio::select! {
            _ = tokio::time::sleep_until(due) => {}
            _ = stop.changed() => break,
        }
        let skipped_before = sched.skipped;
        let tick = sched.fire(Instant::now());
        if sched.skipped > skipped_before {
            let n = sched.skipped - skipped_before;
            tracing::warn!(
                monitor = %m.name,
                skipped = n,
                total_skipped = sched.skipped,
                interval = ?m.interval,
                "prober more than one interval behind: ticks skipped (they show as missing probes)"
            );
            live.skipped(&m.name, n);
            if let Some(mx) = &metrics {
                mx.skipped(&m.name, &agent, n);
            }
        }
        // Bounded concurrency: waiting for a slot shows up as lateness, as it should.
        let Ok(permit) = sem.clone().acquire_owned().await else {
            break;
        };
        let scheduled_at = clock.wall(tick.due);
        let (probe, net, tx, monitor, agent, target) = (
            m.probe.clone(),
            net.clone(),
            tx.clone(),
            m.name.clone(),
            agent.clone(),
            target.clone(),
        );
        probes += 1;
        in_flight.retain(|h: &tokio::task::JoinHandle<()>| !h.is_finished());
        in_flight.push(tokio::spawn(async move {
            let started_at = clock.wall(Instant::now());
            let r = probe.run(&net).await;
            drop(permit);
            if let Some(detail) = &r.detail {
                // The store keeps the stable text; the words that vary go to the log.
                tracing::debug!(monitor = %monitor, error = ?r.error, %detail, "probe failed");
            }
            let _ = tx.send(Observation {
                monitor,
                agent,
                target,
                scheduled_at,
                started_at,
                outcome: r.outcome,
                status: r.status,
                phases: r.phases,
                error_class: r.error_class,
                error: r.error,
            });
        }));
    }
    for h in in_flight {
        let _ = h.await;
    }
    (probes, sched.skipped)
}

/// Collects observations and writes them in batches; a failed write keeps the batch for the
/// next attempt (bounded, so a dead database cannot eat all memory).
async fn writer(
    mut rx: mpsc::UnboundedReceiver<Observation>,
    store: Option<Store>,
    live: Arc<Live>,
    metrics: Option<Arc<Metrics>>,
    every: Duration,
) -> (u64, u64) {
    const MAX_BUFFER: usize = 1_000_000;
    let mut buf: Vec<Observation> = Vec::new();
    let mut written = 0u64;
    let mut errors = 0u64;
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            o = rx.recv() => match o {
                Some(o) => {
                    live.observe(&o);
                    if let Some(m) = &metrics {
                        m.observe(&o);
                    }
                    buf.push(o);
                }
                None => break,
            },
            _ = tick.tick() => {
                if !buf.is_empty() {
                    let batch = std::mem::take(&mut buf);
                    if let Err(mut back) = write_batch(&store, &live, batch, &mut written).await {
                        errors += 1;
                        back.truncate(MAX_BUFFER);
                        buf = back;
                    }
                }
            }
        }
    }
    if !buf.is_empty() && write_batch(&store, &live, buf, &mut written).await.is_err() {
        errors += 1;
    }
    (written, errors)
}

/// Writes one batch in one transaction; gives the batch back when the write failed.
async fn write_batch(
    store: &Option<Store>,
    live: &Live,
    batch: Vec<Observation>,
    written: &mut u64,
) -> Result<(), Vec<Observation>> {
    if let Some(store) = store {
        let started = std::time::Instant::now();
        if let Err(e) = store.insert_observations(&batch).await {
            tracing::warn!(rows = batch.len(), error = %e, "batch write failed; retrying with the next batch");
            live.store_error(e.to_string());
            return Err(batch);
        }
        tracing::debug!(
            rows = batch.len(),
            ms = started.elapsed().as_secs_f64() * 1000.0,
            "batch flushed"
        );
    }
    *written += batch.len() as u64;
    Ok(())
}
