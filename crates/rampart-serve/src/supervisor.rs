//! The long-running part: opens the store, binds the listeners, runs the monitors with the same
//! engine as `rampart monitor`, and reloads the project file on SIGHUP or when it changes. An
//! invalid file keeps the running configuration, says why in the log and in the audit log.
//! SIGTERM (or Ctrl-C) stops the monitors, which write every observation still buffered, and
//! then the rollups catch up before the process exits.

use crate::audit::{self, Actor};
use crate::state::{Options, ServeState};
use anyhow::Context;
use rampart_config::Project;
use rampart_net::{Net, Scope};
use rampart_sla::metrics::Metrics;
use rampart_sla::monitor::{run as run_monitors, Live, MonitorSpec, RunOptions};
use rampart_store::Store;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::sync::{broadcast, watch};

pub async fn run(opts: Options) -> anyhow::Result<()> {
    let project =
        rampart_config::load_file(&opts.project_path).map_err(|e| anyhow::anyhow!("{e}"))?;
    let url = opts
        .database
        .clone()
        .unwrap_or_else(|| project.database_url());
    let store = Store::open(&url).await?;
    let tls = match (&opts.tls_cert, &opts.tls_key) {
        (Some(c), Some(k)) => Some(crate::listen::tls_config(c, k)?),
        (None, None) => None,
        _ => anyhow::bail!("--tls-cert and --tls-key go together; give both or neither"),
    };
    let (events, _) = broadcast::channel(64);
    let state = Arc::new(ServeState {
        store: store.clone(),
        project: RwLock::new(Arc::new(project.clone())),
        live: Arc::new(Live::default()),
        throttle: Default::default(),
        tls: tls.is_some(),
        events,
        status: Default::default(),
    });
    // Observations written before a crash are folded in before the first page is served, and
    // the status history is in memory before the first request.
    crate::rollup::catch_up(&state).await;
    crate::rollup::load_history(&state).await;

    let (stop_tx, stop_rx) = watch::channel(false);
    let app = crate::http::router(state.clone());
    let (bound, server) = crate::listen::spawn(app, opts.listen, tls, stop_rx.clone()).await?;
    let metrics = Arc::new(Metrics::new());
    let metrics_addr = match opts.metrics {
        Some(addr) => {
            let (b, _h) = rampart_sla::metrics::serve(metrics.clone(), addr)
                .await
                .with_context(|| format!("cannot listen on {addr} for --metrics"))?;
            Some(b)
        }
        None => None,
    };
    let scheme = if state.tls { "https" } else { "http" };
    tracing::info!(%bound, store = store.url(), "rampart serve listening");
    if opts.announce {
        let mut out = std::io::stdout();
        let _ = writeln!(out, "rampart serve listening on {scheme}://{bound}/");
        if let Some(m) = metrics_addr {
            let _ = writeln!(out, "metrics on http://{m}/metrics");
        }
        let _ = out.flush();
    }

    let rollups = tokio::spawn(crate::rollup::run(state.clone(), stop_rx.clone()));
    let scheduler = tokio::spawn(crate::schedule::run(
        state.clone(),
        opts.clone(),
        stop_rx.clone(),
    ));
    let (reload_tx, mut reload_rx) = tokio::sync::mpsc::channel::<&'static str>(4);
    tokio::spawn(watch_file(
        opts.project_path.clone(),
        reload_tx.clone(),
        stop_rx.clone(),
    ));
    tokio::spawn(watch_hup(reload_tx));
    let mut terminate = std::pin::pin!(wait_for_terminate());

    let mut current = project;
    'outer: loop {
        let specs = specs(&current, &state.live);
        let agent = opts
            .agent
            .clone()
            .or_else(|| current.file.project.agent.clone())
            .unwrap_or_else(|| "local".into());
        let net = Net::new(Scope::from_section(&current.file.scope));
        let (mon_stop_tx, mon_stop_rx) = watch::channel(false);
        let monitors = tokio::spawn(run_monitors(
            net,
            specs,
            RunOptions {
                agent,
                concurrency: opts.concurrency,
                duration: None,
                // Flushed often, so a kill -9 loses well under a second of observations.
                flush_every: Duration::from_millis(250),
            },
            Some(store.clone()),
            state.live.clone(),
            Some(metrics.clone()),
            mon_stop_rx,
        ));
        loop {
            tokio::select! {
                _ = &mut terminate => {
                    tracing::info!("stopping: writing the observations still buffered");
                    let _ = mon_stop_tx.send(true);
                    let _ = monitors.await;
                    break 'outer;
                }
                Some(why) = reload_rx.recv() => {
                    match reload(&state, &current, why).await {
                        Some(next) => {
                            let _ = mon_stop_tx.send(true);
                            let _ = monitors.await;
                            current = next;
                            continue 'outer;
                        }
                        None => continue,
                    }
                }
            }
        }
    }
    let _ = stop_tx.send(true);
    let _ = rollups.await;
    scheduler.abort();
    let _ = tokio::time::timeout(Duration::from_secs(3), server).await;
    store.close().await;
    tracing::info!("rampart serve stopped");
    Ok(())
}

/// The monitors of a project, skipping (and logging) any that cannot be built.
fn specs(project: &Project, live: &Live) -> Vec<MonitorSpec> {
    let mut out = Vec::new();
    for m in &project.file.monitors {
        match MonitorSpec::from_section(m) {
            Ok(s) => out.push(s),
            Err(e) => {
                tracing::warn!(monitor = %m.name, error = %e, "monitor cannot run; skipped");
                live.store_error(format!("monitor {}: {e}", m.name));
            }
        }
    }
    out
}

/// Loads the project file again. Valid: audited and returned. Invalid: the old one stays, the
/// reason is logged and audited.
async fn reload(state: &ServeState, current: &Project, why: &str) -> Option<Project> {
    let before = describe(current);
    match rampart_config::load_file(&current.path) {
        Ok(next) => {
            let after = describe(&next);
            tracing::info!(trigger = why, %before, %after, "project file reloaded");
            audit::record(
                state,
                &Actor::system(why),
                "config.reload",
                &current.path.display().to_string(),
                Some(before),
                Some(after),
            )
            .await;
            state.set_project(next.clone());
            state.notify("reload");
            Some(next)
        }
        Err(e) => {
            let reason = e.to_string();
            tracing::error!(trigger = why, error = %reason, "project file is invalid; keeping the running configuration");
            audit::record(
                state,
                &Actor::system(why),
                "config.reload_rejected",
                &current.path.display().to_string(),
                Some(before),
                Some(format!("rejected: {reason}")),
            )
            .await;
            None
        }
    }
}

/// A short description of a project for the audit log: its file's hash and what it runs.
fn describe(p: &Project) -> String {
    let text = std::fs::read(&p.path).unwrap_or_default();
    let hash = Sha256::digest(&text);
    format!(
        "sha256:{} ({} monitor(s))",
        hash.iter()
            .take(6)
            .map(|b| format!("{b:02x}"))
            .collect::<String>(),
        p.file.monitors.len()
    )
}

/// Polls the project file once a second; a change of its content triggers a reload.
async fn watch_file(
    path: std::path::PathBuf,
    tx: tokio::sync::mpsc::Sender<&'static str>,
    mut stop: watch::Receiver<bool>,
) {
    let mut last = fingerprint(&path);
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => return,
        }
        let now = fingerprint(&path);
        if now != last {
            last = now;
            let _ = tx.send("file-change").await;
        }
    }
}

fn fingerprint(path: &Path) -> Option<[u8; 32]> {
    std::fs::read(path).ok().map(|b| Sha256::digest(&b).into())
}

async fn watch_hup(tx: tokio::sync::mpsc::Sender<&'static str>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut hup) = signal(SignalKind::hangup()) else {
            return;
        };
        while hup.recv().await.is_some() {
            let _ = tx.send("SIGHUP").await;
        }
    }
    #[cfg(not(unix))]
    drop(tx);
}

async fn wait_for_terminate() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
