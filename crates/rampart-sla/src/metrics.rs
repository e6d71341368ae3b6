//! Prometheus metrics of a running monitor (prometheus-client), served on their own listener.
//! Labels come from fixed sets (monitor names from the project file, phases, error classes),
//! never from raw URLs or error text.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use rampart_model::{Observation, Outcome};
use std::net::SocketAddr;
use std::sync::Arc;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct MonitorLabel {
    monitor: String,
    agent: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabel {
    monitor: String,
    agent: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ErrorLabel {
    monitor: String,
    agent: String,
    class: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PhaseLabel {
    monitor: String,
    agent: String,
    phase: String,
}

fn phase_histogram() -> Histogram {
    // 0.25 ms … ~8 s.
    Histogram::new(exponential_buckets(0.000_25, 2.0, 16))
}

fn lateness_histogram() -> Histogram {
    // 0.1 ms … ~3 s.
    Histogram::new(exponential_buckets(0.000_1, 2.0, 16))
}

/// The metric families; cheap to share.
pub struct Metrics {
    registry: Registry,
    success: Family<MonitorLabel, Gauge>,
    probes: Family<OutcomeLabel, Counter>,
    errors: Family<ErrorLabel, Counter>,
    skipped: Family<MonitorLabel, Counter>,
    phases: Family<PhaseLabel, Histogram, fn() -> Histogram>,
    lateness: Family<MonitorLabel, Histogram, fn() -> Histogram>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("rampart");
        let success = Family::<MonitorLabel, Gauge>::default();
        let probes = Family::<OutcomeLabel, Counter>::default();
        let errors = Family::<ErrorLabel, Counter>::default();
        let skipped = Family::<MonitorLabel, Counter>::default();
        let phases = Family::<PhaseLabel, Histogram, fn() -> Histogram>::new_with_constructor(
            phase_histogram,
        );
        let lateness = Family::<MonitorLabel, Histogram, fn() -> Histogram>::new_with_constructor(
            lateness_histogram,
        );
        registry.register(
            "probe_success",
            "1 if the last probe succeeded, else 0",
            success.clone(),
        );
        registry.register("probes", "Probes taken, by outcome", probes.clone());
        registry.register(
            "probe_errors",
            "Failed probes, by error class",
            errors.clone(),
        );
        registry.register(
            "probes_skipped",
            "Scheduled probes skipped because the prober was more than one interval behind",
            skipped.clone(),
        );
        registry.register(
            "probe_phase_duration_seconds",
            "Duration of each probe phase (dns, connect, tls, ttfb, total)",
            phases.clone(),
        );
        registry.register(
            "probe_lateness_seconds",
            "Actual start minus scheduled start of each probe",
            lateness.clone(),
        );
        Metrics {
            registry,
            success,
            probes,
            errors,
            skipped,
            phases,
            lateness,
        }
    }

    pub fn observe(&self, o: &Observation) {
        let m = MonitorLabel {
            monitor: o.monitor.clone(),
            agent: o.agent.clone(),
        };
        let up = o.outcome == Outcome::Up;
        self.success.get_or_create(&m).set(i64::from(up));
        self.probes
            .get_or_create(&OutcomeLabel {
                monitor: o.monitor.clone(),
                agent: o.agent.clone(),
                outcome: if up { "up" } else { "down" }.into(),
            })
            .inc();
        if let Some(c) = o.error_class {
            self.errors
                .get_or_create(&ErrorLabel {
                    monitor: o.monitor.clone(),
                    agent: o.agent.clone(),
                    class: c.as_str().into(),
                })
                .inc();
        }
        let p = &o.phases;
        for (phase, v) in [
            ("dns", p.dns_ms),
            ("connect", p.connect_ms),
            ("tls", p.tls_ms),
            ("ttfb", p.ttfb_ms),
            ("total", p.total_ms),
        ] {
            if let Some(v) = v {
                self.phases
                    .get_or_create(&PhaseLabel {
                        monitor: o.monitor.clone(),
                        agent: o.agent.clone(),
                        phase: phase.into(),
                    })
                    .observe(v / 1000.0);
            }
        }
        self.lateness
            .get_or_create(&m)
            .observe(o.lateness_ms() / 1000.0);
    }

    pub fn skipped(&self, monitor: &str, agent: &str, n: u64) {
        self.skipped
            .get_or_create(&MonitorLabel {
                monitor: monitor.into(),
                agent: agent.into(),
            })
            .inc_by(n);
    }

    /// The text exposition format.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// The metrics router: `GET /metrics`.
pub fn router(metrics: Arc<Metrics>) -> axum::Router {
    use axum::routing::get;
    axum::Router::new().route(
        "/metrics",
        get(move || {
            let m = metrics.clone();
            async move {
                (
                    [(
                        http::header::CONTENT_TYPE,
                        "application/openmetrics-text; version=1.0.0; charset=utf-8",
                    )],
                    m.encode(),
                )
            }
        }),
    )
}

/// Binds `addr` and serves the metrics until the task is dropped; returns the bound address.
pub async fn serve(
    metrics: Arc<Metrics>,
    addr: SocketAddr,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let app = router(metrics);
    let handle = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((local, handle))
}
