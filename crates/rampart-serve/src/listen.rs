//! The HTTP listener, plain or TLS (rustls): accepts connections until told to stop, passing each
//! request to the router with the client's address attached.

use anyhow::Context;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;

/// Reads a PEM certificate chain and private key into a server configuration.
pub fn tls_config(cert: &Path, key: &Path) -> anyhow::Result<Arc<rustls::ServerConfig>> {
    let certs = CertificateDer::pem_file_iter(cert)
        .with_context(|| format!("{}: cannot read the TLS certificate", cert.display()))?
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("{}: expected PEM certificates", cert.display()))?;
    if certs.is_empty() {
        anyhow::bail!(
            "{}: no certificate found; expected a PEM file with -----BEGIN CERTIFICATE-----",
            cert.display()
        );
    }
    let key = PrivateKeyDer::from_pem_file(key).with_context(|| {
        format!(
            "{}: cannot read the TLS private key (expected PEM)",
            key.display()
        )
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .context("the TLS certificate and key do not fit together")?;
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(cfg))
}

/// Binds `addr` and serves `app` on it in the background; returns the bound address.
pub async fn spawn(
    app: Router,
    addr: SocketAddr,
    tls: Option<Arc<rustls::ServerConfig>>,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    let acceptor = tls.map(TlsAcceptor::from);
    let handle = tokio::spawn(async move {
        loop {
            let (stream, peer) = tokio::select! {
                r = listener.accept() => match r {
                    Ok(x) => x,
                    Err(e) => {
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
                _ = stop.changed() => return,
            };
            let app = app.clone();
            let acceptor = acceptor.clone();
            let stop = stop.clone();
            tokio::spawn(async move {
                match acceptor {
                    Some(a) => {
                        // A client that never finishes its handshake is dropped.
                        match tokio::time::timeout(Duration::from_secs(10), a.accept(stream)).await
                        {
                            Ok(Ok(tls)) => serve_conn(TokioIo::new(tls), app, peer, stop).await,
                            Ok(Err(e)) => {
                                tracing::debug!(%peer, error = %e, "TLS handshake failed")
                            }
                            Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
                        }
                    }
                    None => serve_conn(TokioIo::new(stream), app, peer, stop).await,
                }
            });
        }
    });
    Ok((local, handle))
}

async fn serve_conn<I>(io: I, app: Router, peer: SocketAddr, mut stop: watch::Receiver<bool>)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let svc = hyper::service::service_fn(move |mut req: http::Request<hyper::body::Incoming>| {
        req.extensions_mut().insert(ConnectInfo(peer));
        let mut app = app.clone();
        tower_service::Service::call(&mut app, req)
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        // Slow clients cannot hold a connection open by dribbling headers.
        .header_read_timeout(Duration::from_secs(10))
        .serve_connection(io, svc);
    tokio::pin!(conn);
    tokio::select! {
        r = conn.as_mut() => {
            if let Err(e) = r {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
        }
        _ = stop.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(Duration::from_secs(2), conn).await;
        }
    }
}
