//! `rampart monitor`: runs the project file's monitors until stopped (Ctrl-C, SIGTERM) or for
//! `--duration`, writing every observation to the store, with a live view on the terminal and
//! Prometheus metrics on `--metrics ADDR`.

use super::sla::{database_url, parse_duration};
use crate::exit::{CliResult, Outcome};
use crate::Global;
use rampart_config::Duration as CfgDuration;
use rampart_net::{Net, Scope};
use rampart_sla::metrics::{serve, Metrics};
use rampart_sla::monitor::{run as run_monitors, Live, MonitorSpec, RunOptions};
use rampart_store::Store;
use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Stop after this long (e.g. 24h); default: run until Ctrl-C or SIGTERM.
    #[arg(long, value_parser = parse_duration)]
    pub duration: Option<CfgDuration>,
    /// Serve Prometheus metrics on ADDR (e.g. 127.0.0.1:9464) at /metrics.
    #[arg(long, value_name = "ADDR")]
    pub metrics: Option<SocketAddr>,
    /// This agent's name (one per region when several agents write to one PostgreSQL);
    /// default: the project's `agent`, else `local`.
    #[arg(long)]
    pub agent: Option<String>,
    /// Probes in flight at once, across all monitors.
    #[arg(long, default_value_t = 256)]
    pub concurrency: usize,
    /// Only these monitors (repeatable); default: all.
    #[arg(long = "monitor", value_name = "NAME")]
    pub monitors: Vec<String>,
    /// No live view (one summary line at the end only).
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

pub fn run(global: &Global, args: Args) -> CliResult {
    let project = rampart_config::load_file(&global.project).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut specs = Vec::new();
    for m in &project.file.monitors {
        if args.monitors.is_empty() || args.monitors.contains(&m.name) {
            specs.push(MonitorSpec::from_section(m)?);
        }
    }
    if specs.is_empty() {
        anyhow::bail!(
            "{}: no monitor to run (hint: add [[monitors]] entries, or check --monitor names)",
            global.project.display()
        );
    }
    let agent = args
        .agent
        .clone()
        .or_else(|| project.file.project.agent.clone())
        .unwrap_or_else(|| "local".into());
    let url = database_url(global, Some(&project));
    let net = Net::new(Scope::from_section(&project.file.scope));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let store = Store::open(&url).await?;
        let live = Arc::new(Live::default());
        let metrics = Arc::new(Metrics::new());
        if let Some(addr) = args.metrics {
            let (bound, _server) = serve(metrics.clone(), addr)
                .await
                .map_err(|e| anyhow::anyhow!("cannot listen on {addr} for --metrics: {e}"))?;
            crate::say_err!("metrics on http://{bound}/metrics");
        }
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            wait_for_signal().await;
            let _ = stop_tx.send(true);
        });
        let n = specs.len();
        crate::say_err!(
            "monitoring {n} monitor(s) as agent \"{agent}\" into {}{}",
            store.url(),
            args.duration
                .map(|d| format!(" for {d}"))
                .unwrap_or_else(|| " until Ctrl-C".into())
        );
        let draw = !args.quiet && std::io::stderr().is_terminal();
        // Lines drawn last time, so each redraw (and the final one) overwrites the table.
        let drawn = Arc::new(AtomicUsize::new(0));
        let view = {
            let (live, drawn) = (live.clone(), drawn.clone());
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(Duration::from_secs(1));
                loop {
                    tick.tick().await;
                    if draw {
                        let n = draw_live(&live, drawn.load(Ordering::Relaxed));
                        drawn.store(n, Ordering::Relaxed);
                    }
                }
            })
        };
        let summary = run_monitors(
            net,
            specs,
            RunOptions {
                agent,
                concurrency: args.concurrency,
                duration: args.duration.map(|d| d.std()),
                ..RunOptions::default()
            },
            Some(store.clone()),
            live.clone(),
            Some(metrics),
            stop_rx,
        )
        .await;
        view.abort();
        if draw {
            draw_live(&live, drawn.load(Ordering::Relaxed));
        }
        let (errors, last) = live.store_errors();
        crate::say_err!(
            "{} probe(s), {} written to {}, {} skipped (prober behind){}",
            summary.probes,
            summary.written,
            store.url(),
            summary.skipped,
            if errors > 0 {
                format!(
                    "; {errors} failed write(s), last: {}",
                    last.unwrap_or_default()
                )
            } else {
                String::new()
            }
        );
        store.close().await;
        Ok(Outcome::Ok)
    })
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = match signal(SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Redraws the live table in place (moving up over the previous one); returns the line count.
fn draw_live(live: &Live, previous: usize) -> usize {
    let rows = live.snapshot();
    let mut out = String::new();
    if previous > 0 {
        out.push_str(&format!("\x1b[{previous}A"));
    }
    let ms = |v: Option<f64>| v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "-".into());
    out.push_str(&format!(
        "\x1b[2K{:<20} {:<5} {:>8} {:>8} {:>8} {:>9} {:>9} {:>9} {:>10}\n",
        "monitor", "state", "up", "down", "skipped", "p50 ms", "p95 ms", "p99 ms", "late max"
    ));
    for r in rows.iter().take(40) {
        out.push_str(&format!(
            "\x1b[2K{:<20} {:<5} {:>8} {:>8} {:>8} {:>9} {:>9} {:>9} {:>10.1}{}\n",
            r.monitor.chars().take(20).collect::<String>(),
            r.status,
            r.up,
            r.down,
            r.skipped,
            ms(r.p50_ms),
            ms(r.p95_ms),
            ms(r.p99_ms),
            r.max_lateness_ms,
            r.last_error
                .as_deref()
                .map(|e| format!("  {}", e.chars().take(60).collect::<String>()))
                .unwrap_or_default()
        ));
    }
    let mut err = std::io::stderr();
    let _ = err.write_all(out.as_bytes());
    let _ = err.flush();
    rows.len().min(40) + 1
}
