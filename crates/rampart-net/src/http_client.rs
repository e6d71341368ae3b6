use crate::tls::{tls_config, TlsVerify};
use crate::{Net, NetError};
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use rampart_model::Phases;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite};
use url::Url;

/// One HTTP request, sent on a fresh connection.
#[derive(Debug, Clone)]
pub struct HttpRequest {
    pub method: Method,
    pub url: Url,
    pub headers: Vec<(String, String)>,
    pub body: Option<Bytes>,
    /// Whole exchange, connect to last byte.
    pub timeout: Duration,
    pub tls: TlsVerify,
    /// Bytes of body kept; the rest is read and dropped (so timing stays honest) unless
    /// `stop_at_cap` is set.
    pub max_body: usize,
    pub stop_at_cap: bool,
}

impl HttpRequest {
    pub fn get(url: Url) -> Self {
        HttpRequest {
            method: Method::GET,
            url,
            headers: Vec::new(),
            body: None,
            timeout: Duration::from_secs(10),
            tls: TlsVerify::Verify,
            max_body: 1 << 20,
            stop_at_cap: false,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }
}

/// What a TLS handshake settled on.
#[derive(Debug, Clone)]
pub struct TlsInfo {
    pub version: String,
    pub cipher: String,
    /// DER certificates, leaf first.
    pub peer_certificates: Vec<Vec<u8>>,
}

/// The answer, with the measured phases.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// True when the body was longer than `max_body`.
    pub truncated: bool,
    pub phases: Phases,
    pub peer: SocketAddr,
    pub tls: Option<TlsInfo>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

impl Net {
    /// Sends one request on a fresh connection, after the scope check, and times each phase.
    pub async fn http(&self, req: &HttpRequest) -> Result<HttpResponse, NetError> {
        self.check_url(&req.url)?;
        match tokio::time::timeout(req.timeout, self.http_inner(req)).await {
            Ok(r) => r,
            Err(_) => Err(NetError::Timeout(format!(
                "{} {} after {:?}",
                req.method, req.url, req.timeout
            ))),
        }
    }

    async fn http_inner(&self, req: &HttpRequest) -> Result<HttpResponse, NetError> {
        let url = &req.url;
        let host = url
            .host_str()
            .ok_or_else(|| NetError::Invalid(format!("{url} has no host")))?
            .to_string();
        let port = url
            .port_or_known_default()
            .ok_or_else(|| NetError::Invalid(format!("{url} has no port")))?;
        let conn = self.connect(&host, port, req.timeout).await?;
        // The total is name resolution plus everything after the limiter's slot: time spent
        // waiting for the rate limit is not the server's.
        let started = conn
            .granted
            .checked_sub(conn.dns.unwrap_or_default())
            .unwrap_or(conn.granted);
        let mut phases = Phases {
            dns_ms: conn.dns.map(ms),
            connect_ms: Some(ms(conn.connect)),
            ..Phases::default()
        };
        let peer = conn.peer;
        let _ = conn.stream.set_nodelay(true);
        match url.scheme() {
            "http" => exchange(conn.stream, req, &host, port, started, phases, peer, None).await,
            "https" => {
                let tls_started = Instant::now();
                let (tls, info) = tls_handshake(conn.stream, &host, port, req.tls).await?;
                phases.tls_ms = Some(ms(tls_started.elapsed()));
                exchange(tls, req, &host, port, started, phases, peer, Some(info)).await
            }
            other => Err(NetError::Invalid(format!("unsupported scheme {other}"))),
        }
    }
}

/// A TLS handshake on a connected stream, and what it settled on.
pub(crate) async fn tls_handshake(
    stream: tokio::net::TcpStream,
    host: &str,
    port: u16,
    verify: TlsVerify,
) -> Result<
    (
        tokio_rustls::client::TlsStream<tokio::net::TcpStream>,
        TlsInfo,
    ),
    NetError,
> {
    let name = rustls::pki_types::ServerName::try_from(
        host.trim_start_matches('[')
            .trim_end_matches(']')
            .to_string(),
    )
    .map_err(|e| NetError::Invalid(format!("{host}: {e}")))?;
    let connector = tokio_rustls::TlsConnector::from(tls_config(verify));
    let tls = connector
        .connect(name, stream)
        .await
        .map_err(|e| crate::fault::from_io(&format!("TLS handshake with {host}:{port}"), &e))?;
    let (_, session) = tls.get_ref();
    let info = TlsInfo {
        version: session
            .protocol_version()
            .map(|v| format!("{v:?}"))
            .unwrap_or_default(),
        cipher: session
            .negotiated_cipher_suite()
            .map(|c| format!("{:?}", c.suite()))
            .unwrap_or_default(),
        peer_certificates: session
            .peer_certificates()
            .map(|cs| cs.iter().map(|c| c.to_vec()).collect())
            .unwrap_or_default(),
    };
    Ok((tls, info))
}

#[allow(clippy::too_many_arguments)]
async fn exchange<S>(
    stream: S,
    req: &HttpRequest,
    host: &str,
    port: u16,
    started: Instant,
    mut phases: Phases,
    peer: SocketAddr,
    tls: Option<TlsInfo>,
) -> Result<HttpResponse, NetError>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| crate::fault::from_hyper(&format!("HTTP with {host}:{port}"), &e))?;
    let driver = tokio::spawn(async move {
        let _ = connection.await;
    });
    let request = build_request(req, host, port, false)?;
    let sent = Instant::now();
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| crate::fault::from_hyper(&format!("HTTP with {host}:{port}"), &e))?;
    phases.ttfb_ms = Some(ms(sent.elapsed()));
    let (status, headers, kept, truncated) = read_body(response, req).await?;
    phases.total_ms = Some(ms(started.elapsed()));
    driver.abort();
    Ok(HttpResponse {
        status,
        headers,
        body: Bytes::from(kept),
        truncated,
        phases,
        peer,
        tls,
    })
}

/// The request as sent: Host, rampart's User-Agent, `Connection: close` unless the connection is
/// to be kept, then the caller's headers.
pub(crate) fn build_request(
    req: &HttpRequest,
    host: &str,
    port: u16,
    keep_alive: bool,
) -> Result<http::Request<Full<Bytes>>, NetError> {
    let path = match req.url.query() {
        Some(q) => format!("{}?{q}", req.url.path()),
        None => req.url.path().to_string(),
    };
    let default_port = matches!((req.url.scheme(), port), ("http", 80) | ("https", 443));
    let host_header = if default_port {
        host.to_string()
    } else {
        format!("{host}:{port}")
    };
    let mut builder = http::Request::builder()
        .method(req.method.clone())
        .uri(path);
    let headers = builder.headers_mut().expect("fresh builder");
    headers.insert(http::header::HOST, value(&host_header)?);
    headers.insert(
        http::header::USER_AGENT,
        HeaderValue::from_static(rampart_model::USER_AGENT),
    );
    if !keep_alive {
        headers.insert(http::header::CONNECTION, HeaderValue::from_static("close"));
    }
    for (k, v) in &req.headers {
        let name = http::HeaderName::from_bytes(k.as_bytes())
            .map_err(|e| NetError::Invalid(format!("header {k}: {e}")))?;
        headers.insert(name, value(v)?);
    }
    builder
        .body(Full::new(req.body.clone().unwrap_or_default()))
        .map_err(|e| NetError::Invalid(e.to_string()))
}

/// Reads the body to the end (or to the cap with `stop_at_cap`), keeping `max_body` bytes.
pub(crate) async fn read_body(
    response: http::Response<hyper::body::Incoming>,
    req: &HttpRequest,
) -> Result<(u16, HeaderMap, Vec<u8>, bool), NetError> {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let mut body = response.into_body();
    let mut kept = Vec::new();
    let mut truncated = false;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| crate::fault::from_hyper("reading the answer", &e))?;
        if let Some(data) = frame.data_ref() {
            let room = req.max_body.saturating_sub(kept.len());
            if data.len() > room {
                truncated = true;
                kept.extend_from_slice(&data[..room]);
                if req.stop_at_cap {
                    break;
                }
            } else {
                kept.extend_from_slice(data);
            }
        }
    }
    Ok((status, headers, kept, truncated))
}

pub(crate) fn value(v: &str) -> Result<HeaderValue, NetError> {
    HeaderValue::from_str(v).map_err(|e| NetError::Invalid(format!("header value {v:?}: {e}")))
}
