//! `rampart scan ports`: a TCP connect scan with banner grabbing, service naming and a comparison
//! against the ports the project file says a host should expose.

mod engine;
mod identify;
mod naming;
mod spec;

pub use engine::concurrency_from_fd_limit;
pub use naming::{from_greeting, html_title, parse_http, HttpHead, ServiceInfo};
pub use spec::{top_ports, PortSpec};

use crate::rules;
use crate::ScanError;
use engine::{EngineConfig, Verdict};
use rampart_model::{Evidence, Finding};
use rampart_net::Net;
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

/// How a port answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PortState {
    Open,
    Closed,
    /// No answer after every try (dropped), or an ICMP unreachable.
    Filtered,
}

/// Knobs of a port scan; [`PortOptions::new`] gives the defaults.
#[derive(Debug, Clone)]
pub struct PortOptions {
    pub ports: PortSpec,
    /// Longest wait for one connect; the engine waits less once it has measured round trips.
    pub timeout: Duration,
    /// Shortest wait for one connect, however fast the answered ports were.
    pub min_timeout: Duration,
    /// Extra tries for ports that did not answer at all.
    pub retries: u32,
    /// Connects in flight; `None` = derived from the file-descriptor limit.
    pub concurrency: Option<usize>,
    /// Grab banners and name services on open ports.
    pub identify: bool,
    /// Wait for each banner probe.
    pub probe_timeout: Duration,
    /// Ports the host should expose (from `[[hosts]]`); `None` = no comparison.
    pub expected: Option<Vec<u16>>,
    /// Called with the number of ports that have a verdict (for a progress bar).
    pub progress: Option<crate::Progress>,
}

impl PortOptions {
    pub fn new(ports: PortSpec) -> Self {
        PortOptions {
            ports,
            timeout: Duration::from_millis(1000),
            min_timeout: Duration::from_millis(250),
            retries: 1,
            concurrency: None,
            identify: true,
            probe_timeout: Duration::from_millis(1500),
            expected: None,
            progress: None,
        }
    }
}

/// One port that answered (open) or stayed silent (filtered). Closed ports are only counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortResult {
    pub port: u16,
    pub state: PortState,
    /// nmap-compatible service name (`ssh`, `http`, `https`, `postgresql`, ...), `unknown` when
    /// unnamed or not identified.
    pub service: String,
    /// What the service said first (or the HTTP status line and Server header); `null` if none.
    pub banner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_server: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Connect round-trip time of an open port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rtt_ms: Option<f64>,
    /// Why a filtered port is filtered: `no answer` (after `tries`) or `unreachable`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Whether the project file lists this port for this host (`null` without a host entry).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<bool>,
}

impl PortResult {
    fn info(&self) -> ServiceInfo {
        ServiceInfo {
            service: self.service.clone(),
            product: self.product.clone(),
            version: self.version.clone(),
            banner: self.banner.clone(),
            http_status: self.http_status,
            http_server: self.http_server.clone(),
            title: self.title.clone(),
        }
    }
}

/// The outcome of a port scan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortReport {
    pub host: String,
    pub address: IpAddr,
    pub scanned: usize,
    pub open: usize,
    pub closed: usize,
    pub filtered: usize,
    /// Loopback connects that met themselves (source port == destination port), discarded.
    pub self_connects_discarded: usize,
    pub concurrency: usize,
    pub duration_ms: f64,
    /// The request budget ran out before every port was tried: the scan is incomplete.
    pub budget_exhausted: bool,
    /// Ports never tried because the budget ran out (0 when it did not).
    pub not_scanned: usize,
    /// Open and filtered ports, ascending.
    pub ports: Vec<PortResult>,
    pub findings: Vec<Finding>,
}

impl PortReport {
    pub fn open_ports(&self) -> Vec<u16> {
        self.ports
            .iter()
            .filter(|p| p.state == PortState::Open)
            .map(|p| p.port)
            .collect()
    }

    pub fn filtered_ports(&self) -> Vec<u16> {
        self.ports
            .iter()
            .filter(|p| p.state == PortState::Filtered)
            .map(|p| p.port)
            .collect()
    }
}

/// Resolves `host` (name or address) to one in-scope address, IPv4 first.
pub(crate) async fn resolve_one(net: &Net, host: &str, port: u16) -> Result<IpAddr, ScanError> {
    let (addrs, _) = net.resolve(host, port).await?;
    addrs
        .iter()
        .find(|a| a.is_ipv4())
        .or(addrs.first())
        .map(|a| a.ip())
        .ok_or_else(|| ScanError::Target {
            input: host.to_string(),
            reason: "resolves to no address".into(),
        })
}

/// Resolves `host` through a port the scope allows: a URL-prefix scope allows one port of its
/// host, which need not be the lowest one asked for. When no port is allowed the first refusal is
/// returned (the engine would name every port; here nothing is resolved or sent either way).
async fn resolve_in_scope(net: &Net, host: &str, ports: &[u16]) -> Result<IpAddr, ScanError> {
    let mut first_refusal = None;
    for &port in ports.iter().chain(ports.is_empty().then_some(&1)) {
        match resolve_one(net, host, port).await {
            Err(ScanError::Net(e @ rampart_net::NetError::OutOfScope { .. })) => {
                first_refusal.get_or_insert(e);
            }
            other => return other,
        }
    }
    Err(ScanError::Net(
        first_refusal.expect("at least one port was tried"),
    ))
}

/// Scans `host`. Out-of-scope hosts are refused before any packet is sent.
pub async fn scan_ports(
    net: &Net,
    host: &str,
    opts: &PortOptions,
) -> Result<PortReport, ScanError> {
    let started = Instant::now();
    let ip = resolve_in_scope(net, host, opts.ports.ports()).await?;
    let concurrency = opts
        .concurrency
        .unwrap_or_else(concurrency_from_fd_limit)
        .max(1);
    let cfg = EngineConfig {
        concurrency,
        min_timeout: opts.min_timeout.min(opts.timeout),
        max_timeout: opts.timeout,
        retries: opts.retries,
        progress: opts.progress.clone(),
    };
    tracing::info!(
        host,
        address = %ip,
        ports = opts.ports.len(),
        concurrency,
        timeout_ms = opts.timeout.as_millis() as u64,
        retries = opts.retries,
        budget_left = ?net.probe_budget_left(),
        "port scan starts"
    );
    let outcome = engine::connect_scan(net, ip, opts.ports.ports(), cfg).await?;
    let (mut closed, mut self_connects) = (0, 0);
    let mut ports = Vec::new();
    for (port, v) in outcome.verdicts {
        let (state, rtt_ms, reason) = match v {
            Verdict::Open(rtt) => (PortState::Open, Some(rtt.as_secs_f64() * 1000.0), None),
            Verdict::Closed { self_connect } => {
                closed += 1;
                self_connects += usize::from(self_connect);
                continue;
            }
            Verdict::Filtered { tries, reason } => (
                PortState::Filtered,
                None,
                Some(format!("{reason} after {tries} tries")),
            ),
        };
        ports.push(PortResult {
            port,
            state,
            service: "unknown".into(),
            banner: None,
            product: None,
            version: None,
            http_status: None,
            http_server: None,
            title: None,
            rtt_ms,
            reason,
            expected: opts.expected.as_ref().map(|e| e.contains(&port)),
        });
    }
    ports.sort_by_key(|p| p.port);
    let open = ports.iter().filter(|p| p.state == PortState::Open).count();
    tracing::info!(
        open,
        closed,
        filtered = ports.len() - open,
        not_scanned = outcome.not_scanned.len(),
        self_connects_discarded = self_connects,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "connect scan done"
    );
    if opts.identify && open > 0 {
        tracing::debug!(open, "naming the services of the open ports");
        identify_all(net, ip, &mut ports, opts.probe_timeout).await;
    }
    let findings = findings(
        host,
        ip,
        &ports,
        opts.expected.as_deref(),
        &opts.ports,
        &outcome.not_scanned,
    );
    Ok(PortReport {
        host: host.to_string(),
        address: ip,
        scanned: opts.ports.len(),
        open,
        closed,
        filtered: ports.len() - open,
        self_connects_discarded: self_connects,
        concurrency,
        duration_ms: started.elapsed().as_secs_f64() * 1000.0,
        budget_exhausted: outcome.budget_exhausted,
        not_scanned: outcome.not_scanned.len(),
        ports,
        findings,
    })
}

async fn identify_all(net: &Net, ip: IpAddr, ports: &mut [PortResult], timeout: Duration) {
    let mut set = JoinSet::new();
    let open: Vec<(usize, u16)> = ports
        .iter()
        .enumerate()
        .filter(|(_, p)| p.state == PortState::Open)
        .map(|(i, p)| (i, p.port))
        .collect();
    for (i, port) in open {
        // A few open ports at a time: each probe round opens two connections.
        while set.len() >= 32 {
            if let Some(Ok((i, info))) = set.join_next().await {
                apply(&mut ports[i], info);
            }
        }
        let net = net.clone();
        let addr = SocketAddr::new(ip, port);
        set.spawn(async move { (i, identify::identify(&net, addr, timeout).await) });
    }
    while let Some(joined) = set.join_next().await {
        if let Ok((i, info)) = joined {
            apply(&mut ports[i], info);
        }
    }
}

fn apply(p: &mut PortResult, info: ServiceInfo) {
    p.service = info.service;
    p.banner = info.banner;
    p.product = info.product;
    p.version = info.version;
    p.http_status = info.http_status;
    p.http_server = info.http_server;
    p.title = info.title;
}

fn findings(
    host: &str,
    ip: IpAddr,
    ports: &[PortResult],
    expected: Option<&[u16]>,
    scanned: &PortSpec,
    not_scanned: &[u16],
) -> Vec<Finding> {
    let mut out = Vec::new();
    let target = |port: u16| format!("{host}:{port}");
    for p in ports.iter().filter(|p| p.state == PortState::Open) {
        let info = p.info();
        let evidence = Evidence {
            request: Some(format!("TCP connect {}", SocketAddr::new(ip, p.port))),
            response: p
                .banner
                .clone()
                .or_else(|| Some("(connected; no banner)".into())),
            notes: match expected {
                Some(e) => vec![format!("expected ports: {e:?}")],
                None => Vec::new(),
            },
        };
        let expected_here = expected.map(|e| e.contains(&p.port));
        if expected_here == Some(false) {
            out.push(rules::port_unexpected::RULE.finding(
                format!("Unexpected open port {}: {}", p.port, info.describe()),
                target(p.port),
                &p.port.to_string(),
                evidence.clone(),
            ));
        }
        if info.is_datastore() && expected_here != Some(true) {
            out.push(rules::port_datastore_exposed::RULE.finding(
                format!("{} reachable on port {}", info.describe(), p.port),
                target(p.port),
                &p.port.to_string(),
                evidence,
            ));
        }
    }
    if let Some(expected) = expected {
        // Only ports this scan looked at: a port outside --ports says nothing.
        for port in expected.iter().filter(|p| {
            scanned.ports().binary_search(p).is_ok() && not_scanned.binary_search(p).is_err()
        }) {
            let state = ports.iter().find(|p| p.port == *port).map(|p| p.state);
            if state != Some(PortState::Open) {
                let seen = match state {
                    Some(PortState::Filtered) => "filtered (no answer)",
                    _ => "closed (connection refused)",
                };
                out.push(rules::port_expected_closed::RULE.finding(
                    format!("Expected port {port} is not open"),
                    target(*port),
                    &port.to_string(),
                    Evidence::note(format!("port {port}: {seen}")),
                ));
            }
        }
    }
    out
}
