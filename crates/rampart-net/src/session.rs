//! Keep-alive: one HTTP/1.1 connection reused across requests (opt-in; the default is a fresh
//! connection per request so connect and TLS are measured every time). The first request on a
//! connection has DNS/connect/TLS phases; later ones only first byte and total.

use crate::http_client::{build_request, ms, read_body, tls_handshake};
use crate::{HttpRequest, HttpResponse, Net, NetError, TlsInfo};
use bytes::Bytes;
use http_body_util::Full;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use rampart_model::Phases;
use std::net::SocketAddr;
use std::time::Instant;

struct Open {
    key: (String, String, u16),
    sender: SendRequest<Full<Bytes>>,
    driver: tokio::task::JoinHandle<()>,
    peer: SocketAddr,
    tls: Option<TlsInfo>,
}

impl Drop for Open {
    fn drop(&mut self) {
        self.driver.abort();
    }
}

/// A connection kept open between requests to one origin (reopened when the server closes it
/// or the origin changes). One request at a time: `send` takes `&mut self`.
pub struct HttpSession {
    net: Net,
    open: Option<Open>,
}

impl Net {
    /// A keep-alive session; every request still passes the scope guard and the rate limit.
    pub fn session(&self) -> HttpSession {
        HttpSession {
            net: self.clone(),
            open: None,
        }
    }
}

impl HttpSession {
    /// Whether a connection is open (for tests and the live view).
    pub fn is_open(&self) -> bool {
        self.open.as_ref().is_some_and(|o| !o.sender.is_closed())
    }

    pub async fn send(&mut self, req: &HttpRequest) -> Result<HttpResponse, NetError> {
        self.net.check_url(&req.url)?;
        match tokio::time::timeout(req.timeout, self.inner(req)).await {
            Ok(r) => {
                if r.is_err() {
                    // A failed exchange leaves the connection in an unknown state.
                    self.open = None;
                }
                r
            }
            Err(_) => {
                self.open = None;
                Err(NetError::Timeout(format!(
                    "{} {} after {:?}",
                    req.method, req.url, req.timeout
                )))
            }
        }
    }

    async fn inner(&mut self, req: &HttpRequest) -> Result<HttpResponse, NetError> {
        let url = &req.url;
        let host = url
            .host_str()
            .ok_or_else(|| NetError::Invalid(format!("{url} has no host")))?
            .to_string();
        let port = url
            .port_or_known_default()
            .ok_or_else(|| NetError::Invalid(format!("{url} has no port")))?;
        let key = (url.scheme().to_string(), host.clone(), port);
        let started = Instant::now();
        let mut phases = Phases::default();
        let reusable = self
            .open
            .as_ref()
            .is_some_and(|o| o.key == key && !o.sender.is_closed());
        if reusable {
            self.net.limiter.acquire().await?;
        } else {
            self.open = None;
            let conn = self.net.connect(&host, port, req.timeout).await?;
            phases.dns_ms = conn.dns.map(ms);
            phases.connect_ms = Some(ms(conn.connect));
            let peer = conn.peer;
            let _ = conn.stream.set_nodelay(true);
            let (sender, driver, tls) = match url.scheme() {
                "http" => {
                    let (s, d) = handshake(conn.stream).await?;
                    (s, d, None)
                }
                "https" => {
                    let t = Instant::now();
                    let (stream, info) = tls_handshake(conn.stream, &host, port, req.tls).await?;
                    phases.tls_ms = Some(ms(t.elapsed()));
                    let (s, d) = handshake(stream).await?;
                    (s, d, Some(info))
                }
                other => return Err(NetError::Invalid(format!("unsupported scheme {other}"))),
            };
            self.open = Some(Open {
                key,
                sender,
                driver,
                peer,
                tls,
            });
        }
        let open = self.open.as_mut().expect("opened above");
        open.sender
            .ready()
            .await
            .map_err(|e| crate::fault::from_hyper(&format!("HTTP with {host}:{port}"), &e))?;
        let request = build_request(req, &host, port, true)?;
        let sent = Instant::now();
        let response = open
            .sender
            .send_request(request)
            .await
            .map_err(|e| crate::fault::from_hyper(&format!("HTTP with {host}:{port}"), &e))?;
        phases.ttfb_ms = Some(ms(sent.elapsed()));
        let (status, headers, kept, truncated) = read_body(response, req).await?;
        phases.total_ms = Some(ms(started.elapsed()));
        let (peer, tls) = (open.peer, open.tls.clone());
        let server_closes = headers
            .get(http::header::CONNECTION)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        if server_closes {
            self.open = None;
        }
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
}

async fn handshake<S>(
    stream: S,
) -> Result<(SendRequest<Full<Bytes>>, tokio::task::JoinHandle<()>), NetError>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| crate::fault::from_hyper("HTTP handshake", &e))?;
    let driver = tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok((sender, driver))
}
