//! SLA monitoring: probes that keep their cadence, and SLA reports that tell the truth.
//!
//! - [`math`] is pure (no clock, no I/O): coverage, uptime by probes and by time, incidents,
//!   MTTR/MTBF, business-hours calendars, exact latency readings, error budget and burn rate.
//! - [`probe`] runs HTTP(S), TCP and TLS-certificate probes through `rampart_net::Net`, which
//!   times every phase on a fresh connection.
//! - [`schedule`] keeps a fixed cadence (absolute deadlines; late ticks skipped and counted);
//!   [`monitor`] runs the monitors with bounded concurrency and writes batches to the store.
//! - [`metrics`] exposes Prometheus metrics; [`csv`] imports and exports the probe CSV format.
//! - [`report`] turns observations and [`clause::Clause`]s into a verdict per clause and renders
//!   it (text, Markdown, HTML with an SVG graph, JSON).

pub mod clause;
pub mod csv;
pub mod math;
pub mod metrics;
pub mod monitor;
pub mod probe;
pub mod report;
pub mod schedule;
