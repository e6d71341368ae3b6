//! The one door through which rampart touches the network.
//!
//! Every TCP connect, TLS handshake and HTTP request of every pillar goes through [`Net`], which
//! checks the target against the project's [`Scope`] *before* anything is sent, identifies rampart
//! with its User-Agent, bounds the request rate and the request budget, and times each phase of an
//! HTTP exchange (DNS, connect, TLS, first byte, total) with an instrumented connector.

mod error;
pub mod fault;
mod http_client;
mod limit;
mod probe;
mod scope;
mod session;
mod tls;
pub mod tls_probe;

pub use error::NetError;
pub use http_client::{HttpRequest, HttpResponse, TlsInfo};
pub use limit::{
    Limits, Politeness, PORT_SCAN_BUDGET, PORT_SCAN_RATE, PROTOCOL_SCAN_BUDGET, PROTOCOL_SCAN_RATE,
    WEB_SCAN_BUDGET, WEB_SCAN_RATE,
};
pub use probe::ConnectProbe;
pub use scope::Scope;
pub use session::HttpSession;
pub use tls::{tls_config, TlsVerify};

use limit::Limiter;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;

/// A connected TCP stream and what it took to get it.
#[derive(Debug)]
pub struct Connected {
    pub stream: TcpStream,
    pub peer: SocketAddr,
    /// Name resolution time; `None` for IP literals.
    pub dns: Option<Duration>,
    pub connect: Duration,
    /// When the politeness limiter let this connection go. Times measured from here are the
    /// network's and the server's, not the wait for a slot (which grows with the number of
    /// requests in flight and would pass for a slow server).
    pub granted: Instant,
}

/// The client factory: cheap to clone, shared by every task of a run.
#[derive(Clone)]
pub struct Net {
    scope: Arc<Scope>,
    /// HTTP requests and [`Net::connect`].
    pub(crate) limiter: Arc<Limiter>,
    /// Raw connect probes ([`Net::probe_connect`] and what is built on it); the same limiter as
    /// `limiter` unless [`Politeness::probes`] gives them their own.
    pub(crate) probe_limiter: Arc<Limiter>,
    user_agent: Arc<str>,
}

impl Net {
    pub fn new(scope: Scope) -> Self {
        Net::with_politeness(scope, Politeness::default())
    }

    pub fn with_politeness(scope: Scope, politeness: Politeness) -> Self {
        let limiter = Arc::new(Limiter::new(
            "requests",
            politeness.max_rate,
            politeness.budget,
        ));
        let probe_limiter = match politeness.probes {
            Some(p) => Arc::new(Limiter::new("connect probes", p.max_rate, p.budget)),
            None => limiter.clone(),
        };
        Net {
            scope: Arc::new(scope),
            limiter,
            probe_limiter,
            user_agent: Arc::from(rampart_model::USER_AGENT),
        }
    }

    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }

    /// The least time between two HTTP requests (or [`Net::connect`]s) of this run: the rate
    /// limit's interval, `None` when the rate is not capped. A caller with its own queue of
    /// requests paces them by it (and the limit still holds them to it).
    pub fn request_interval(&self) -> Option<Duration> {
        self.limiter.interval()
    }

    /// Requests left in this run's budget (`None` when unbounded).
    pub fn budget_left(&self) -> Option<u64> {
        self.limiter.budget_left()
    }

    /// Connect probes left in this run's budget (the same as [`Net::budget_left`] unless
    /// probes have limits of their own).
    pub fn probe_budget_left(&self) -> Option<u64> {
        self.probe_limiter.budget_left()
    }

    /// Requests and connect probes taken from the budget so far in this run (one count when
    /// they share a limiter).
    pub fn requests_used(&self) -> u64 {
        if Arc::ptr_eq(&self.limiter, &self.probe_limiter) {
            self.limiter.used()
        } else {
            self.limiter.used() + self.probe_limiter.used()
        }
    }

    /// Resolves `host` and keeps only in-scope addresses. A host declared by name may resolve to
    /// anything; an undeclared name is allowed only when every address it resolves to is in scope.
    pub async fn resolve(
        &self,
        host: &str,
        port: u16,
    ) -> Result<(Vec<SocketAddr>, Option<Duration>), NetError> {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = host.parse::<std::net::IpAddr>() {
            let addr = SocketAddr::new(ip, port);
            self.check_addr(addr)?;
            return Ok((vec![addr], None));
        }
        let declared =
            self.scope.host_declared(host) || self.scope.url_host_port_declared(host, port);
        if !declared && !self.scope.has_address_ranges() {
            return Err(refused(NetError::out_of_scope(format!("{host}:{port}"))));
        }
        let started = Instant::now();
        let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| NetError::Dns(format!("{host}: {e}")))?
            .collect();
        let dns = started.elapsed();
        if addrs.is_empty() {
            return Err(NetError::Dns(format!("{host}: no addresses")));
        }
        if !declared {
            for a in &addrs {
                self.scope.check_addr(*a).map_err(|_| {
                    refused(NetError::out_of_scope(format!(
                        "{host}:{port} (resolves to {}, outside the scope)",
                        a.ip()
                    )))
                })?;
            }
        }
        Ok((addrs, Some(dns)))
    }

    /// Connects to `host:port` (first address that answers), after the scope check.
    pub async fn connect(
        &self,
        host: &str,
        port: u16,
        timeout: Duration,
    ) -> Result<Connected, NetError> {
        // Scope first: a refused target costs nothing from the budget and waits for no slot.
        let (addrs, dns) = self.resolve(host, port).await?;
        self.limiter.acquire().await?;
        let granted = Instant::now();
        let mut last = NetError::Refused(format!("{host}:{port}"));
        for addr in addrs {
            let started = Instant::now();
            match connect_raw(addr, timeout).await {
                Ok(stream) => {
                    return Ok(Connected {
                        stream,
                        peer: addr,
                        dns,
                        connect: started.elapsed(),
                        granted,
                    })
                }
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    /// Connects to one address, after the scope check; counts as a connect probe against the
    /// politeness limits.
    pub async fn connect_addr(
        &self,
        addr: SocketAddr,
        timeout: Duration,
    ) -> Result<TcpStream, NetError> {
        self.check_addr(addr)?;
        self.probe_limiter.acquire().await?;
        connect_raw(addr, timeout).await
    }

    /// Checks an address against the scope without connecting (for planning a scan).
    pub fn check_addr(&self, addr: SocketAddr) -> Result<(), NetError> {
        self.scope.check_addr(addr).map_err(refused)
    }

    /// Checks a URL against the scope without sending anything.
    pub(crate) fn check_url(&self, url: &url::Url) -> Result<(), NetError> {
        self.scope.check_url(url).map_err(refused)
    }
}

/// Logs a scope refusal (nothing was sent) and passes the error on.
fn refused(e: NetError) -> NetError {
    if let NetError::OutOfScope { target, .. } = &e {
        tracing::info!(refused = %target, "refused by the scope guard: not in [scope], nothing sent");
    }
    e
}

async fn connect_raw(addr: SocketAddr, timeout: Duration) -> Result<TcpStream, NetError> {
    match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
        Err(_) => Err(NetError::Timeout(format!("connect to {addr}"))),
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            Err(NetError::Refused(addr.to_string()))
        }
        Ok(Err(e)) => Err(fault::from_io(&format!("connect to {addr}"), &e)),
        Ok(Ok(s)) => {
            // On loopback a connect to an ephemeral port can be given that same port as its source
            // and "connect to itself" (TCP simultaneous open). Nothing is listening there.
            if let (Ok(local), Ok(peer)) = (s.local_addr(), s.peer_addr()) {
                if local == peer {
                    return Err(NetError::Refused(format!(
                        "{addr} (self-connect discarded)"
                    )));
                }
            }
            Ok(s)
        }
    }
}
