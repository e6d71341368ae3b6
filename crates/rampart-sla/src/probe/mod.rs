//! Probes: one HTTP(S) request, TCP connect or TLS handshake, through `rampart_net::Net` (scope
//! guard, timing phases). A probe's failure is data (an outcome with an error class), never an
//! `Err`.

pub mod cert;
pub mod conditions;

use chrono::Utc;
use conditions::{Answer, ConditionError, Conditions};
use rampart_config::{MonitorKind, MonitorSection};
use rampart_model::{ErrorClass, Outcome, Phases};
use rampart_net::{HttpRequest, HttpSession, Net, NetError, TlsVerify};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Idle keep-alive connections of one monitor (used only with `keep_alive = true`). A probe takes
/// one (or opens one) and puts it back, so overlapping probes never share a connection.
#[derive(Default)]
pub struct SessionPool(Mutex<Vec<HttpSession>>);

impl std::fmt::Debug for SessionPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionPool")
    }
}

impl SessionPool {
    fn take(&self, net: &Net) -> HttpSession {
        let mut v = self.0.lock().unwrap_or_else(|p| p.into_inner());
        v.pop().unwrap_or_else(|| net.session())
    }

    fn give_back(&self, s: HttpSession) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push(s);
    }
}

/// What one probe saw.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeResult {
    pub outcome: Outcome,
    pub status: Option<u16>,
    pub phases: Phases,
    pub error_class: Option<ErrorClass>,
    /// The same text every time the same fault happens (so incidents can count causes).
    pub error: Option<String>,
    /// What varies between occurrences of that fault: the OS's words, errno, days left, ...
    pub detail: Option<String>,
}

impl ProbeResult {
    fn failed(class: ErrorClass, error: String, phases: Phases) -> Self {
        ProbeResult {
            outcome: Outcome::Down,
            status: None,
            phases,
            error_class: Some(class),
            error: Some(error),
            detail: None,
        }
    }

    fn from_net(e: NetError, started: Instant) -> Self {
        let phases = Phases {
            total_ms: Some(ms(started.elapsed())),
            ..Phases::default()
        };
        ProbeResult {
            detail: e.detail().map(str::to_string),
            ..ProbeResult::failed(e.class(), e.to_string(), phases)
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error(transparent)]
    Condition(#[from] ConditionError),
    #[error("monitor \"{0}\": {1}")]
    Invalid(String, String),
}

/// A monitor ready to probe: request and conditions built once.
#[derive(Debug, Clone)]
pub enum Probe {
    Http {
        request: HttpRequest,
        conditions: Box<Conditions>,
        /// `Some` when the monitor keeps connections alive between probes.
        keep_alive: Option<Arc<SessionPool>>,
    },
    Tcp {
        host: String,
        port: u16,
        timeout: Duration,
    },
    Tls {
        host: String,
        port: u16,
        timeout: Duration,
        verify: TlsVerify,
        min_days_left: u32,
    },
}

fn host_port(name: &str, target: &str) -> Result<(String, u16), ProbeError> {
    let (h, p) = target.rsplit_once(':').ok_or_else(|| {
        ProbeError::Invalid(name.into(), format!("target \"{target}\" is not host:port"))
    })?;
    let port = p.parse().map_err(|_| {
        ProbeError::Invalid(
            name.into(),
            format!("target \"{target}\": bad port \"{p}\""),
        )
    })?;
    Ok((
        h.trim_start_matches('[').trim_end_matches(']').to_string(),
        port,
    ))
}

impl Probe {
    pub fn from_monitor(m: &MonitorSection) -> Result<Self, ProbeError> {
        let timeout = m.timeout().std();
        let verify = if m.insecure {
            TlsVerify::Inspect
        } else {
            TlsVerify::Verify
        };
        match m.kind {
            MonitorKind::Http => {
                let url = m.url.clone().ok_or_else(|| {
                    ProbeError::Invalid(m.name.clone(), "an http monitor needs a url".into())
                })?;
                let mut request = HttpRequest::get(url).timeout(timeout);
                request.method = m.method.parse().map_err(|_| {
                    ProbeError::Invalid(m.name.clone(), format!("method \"{}\"", m.method))
                })?;
                request.tls = verify;
                // A probe keeps enough of the body for its conditions and drops the rest (read to
                // the end, so the total time includes the transfer).
                request.max_body = 256 * 1024;
                Ok(Probe::Http {
                    request,
                    conditions: Box::new(Conditions::from_monitor(m)?),
                    keep_alive: m.keep_alive.then(|| Arc::new(SessionPool::default())),
                })
            }
            MonitorKind::Tcp | MonitorKind::Tls => {
                let target = m.target.as_deref().ok_or_else(|| {
                    ProbeError::Invalid(m.name.clone(), "needs target = \"host:port\"".into())
                })?;
                let (host, port) = host_port(&m.name, target)?;
                Ok(if m.kind == MonitorKind::Tcp {
                    Probe::Tcp {
                        host,
                        port,
                        timeout,
                    }
                } else {
                    Probe::Tls {
                        host,
                        port,
                        timeout,
                        verify,
                        min_days_left: m.min_days_left,
                    }
                })
            }
        }
    }

    /// The URL or `host:port` probed.
    pub fn target(&self) -> String {
        match self {
            Probe::Http { request, .. } => request.url.to_string(),
            Probe::Tcp { host, port, .. } | Probe::Tls { host, port, .. } => {
                format!("{host}:{port}")
            }
        }
    }

    /// Runs the probe once. Never fails: a failure is a `Down` result with its class.
    pub async fn run(&self, net: &Net) -> ProbeResult {
        let started = Instant::now();
        match self {
            Probe::Http {
                request,
                conditions,
                keep_alive,
            } => match send(net, request, keep_alive.as_deref()).await {
                Err(e) => ProbeResult::from_net(e, started),
                Ok(resp) => {
                    let latency = resp.phases.total_ms.unwrap_or(0.0);
                    let header = |n: &str| resp.header(n).map(str::to_string);
                    let failed = conditions.check(&Answer {
                        status: resp.status,
                        latency_ms: latency,
                        body: &resp.body,
                        header: &header,
                    });
                    ProbeResult {
                        outcome: if failed.is_empty() {
                            Outcome::Up
                        } else {
                            Outcome::Down
                        },
                        status: Some(resp.status),
                        phases: resp.phases,
                        error_class: (!failed.is_empty()).then_some(ErrorClass::Condition),
                        error: (!failed.is_empty()).then(|| failed.join("; ")),
                        detail: None,
                    }
                }
            },
            Probe::Tcp {
                host,
                port,
                timeout,
            } => match net.connect(host, *port, *timeout).await {
                Err(e) => ProbeResult::from_net(e, started),
                Ok(c) => ProbeResult {
                    outcome: Outcome::Up,
                    status: None,
                    phases: Phases {
                        dns_ms: c.dns.map(ms),
                        connect_ms: Some(ms(c.connect)),
                        total_ms: Some(ms(started.elapsed())),
                        ..Phases::default()
                    },
                    error_class: None,
                    error: None,
                    detail: None,
                },
            },
            Probe::Tls {
                host,
                port,
                timeout,
                verify,
                min_days_left,
            } => {
                let fut = tls_probe(net, host, *port, *timeout, *verify, *min_days_left, started);
                match tokio::time::timeout(*timeout, fut).await {
                    Ok(r) => r,
                    Err(_) => ProbeResult::from_net(
                        NetError::Timeout(format!("TLS handshake with {host}:{port}")),
                        started,
                    ),
                }
            }
        }
    }
}

async fn send(
    net: &Net,
    request: &HttpRequest,
    pool: Option<&SessionPool>,
) -> Result<rampart_net::HttpResponse, NetError> {
    match pool {
        None => net.http(request).await,
        Some(pool) => {
            let mut s = pool.take(net);
            let r = s.send(request).await;
            if r.is_ok() && s.is_open() {
                pool.give_back(s);
            }
            r
        }
    }
}

async fn tls_probe(
    net: &Net,
    host: &str,
    port: u16,
    timeout: Duration,
    verify: TlsVerify,
    min_days_left: u32,
    started: Instant,
) -> ProbeResult {
    let conn = match net.connect(host, port, timeout).await {
        Ok(c) => c,
        Err(e) => return ProbeResult::from_net(e, started),
    };
    let mut phases = Phases {
        dns_ms: conn.dns.map(ms),
        connect_ms: Some(ms(conn.connect)),
        ..Phases::default()
    };
    let name = match rustls::pki_types::ServerName::try_from(host.to_string()) {
        Ok(n) => n,
        Err(e) => return ProbeResult::failed(ErrorClass::Other, format!("{host}: {e}"), phases),
    };
    let tls_started = Instant::now();
    let connector = tokio_rustls::TlsConnector::from(rampart_net::tls_config(verify));
    let tls = match connector.connect(name, conn.stream).await {
        Ok(t) => t,
        Err(e) => {
            phases.total_ms = Some(ms(started.elapsed()));
            let e = rampart_net::fault::from_io(&format!("TLS handshake with {host}:{port}"), &e);
            return ProbeResult {
                phases,
                ..ProbeResult::from_net(e, started)
            };
        }
    };
    phases.tls_ms = Some(ms(tls_started.elapsed()));
    phases.total_ms = Some(ms(started.elapsed()));
    let leaf = tls
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|c| c.first().map(|c| c.to_vec()));
    let Some((_, not_after)) = leaf.as_deref().and_then(cert::validity) else {
        return ProbeResult::failed(ErrorClass::Tls, "no readable certificate".into(), phases);
    };
    let days = (not_after - Utc::now()).num_seconds() as f64 / 86_400.0;
    if days < min_days_left as f64 {
        return ProbeResult {
            outcome: Outcome::Down,
            status: None,
            phases,
            error_class: Some(ErrorClass::Condition),
            // The certificate's end date, not the days left: the text must not change with the
            // time of the probe (days left are in the detail).
            error: Some(format!(
                "[CERTIFICATE_EXPIRATION] (until {}) >= {min_days_left} days",
                not_after.to_rfc3339()
            )),
            detail: Some(format!("{days:.1} days left")),
        };
    }
    ProbeResult {
        outcome: Outcome::Up,
        status: None,
        phases,
        error_class: None,
        error: None,
        detail: None,
    }
}
