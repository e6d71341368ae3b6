use crate::{Net, NetError};
use std::io::ErrorKind;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;

/// What one TCP connect attempt of a port scan saw. Unlike [`Net::connect_addr`] this keeps the
/// kinds of failure apart, because a scanner treats each differently.
#[derive(Debug)]
pub enum ConnectProbe {
    /// The handshake completed (self-connects are already discarded as `Closed`).
    Open { stream: TcpStream, rtt: Duration },
    /// An RST came back: nothing listens. Also a discarded loopback self-connect.
    Closed { rtt: Duration, self_connect: bool },
    /// No answer within the timeout (dropped by a firewall, or lost).
    Timeout,
    /// An ICMP error said the host or port is unreachable (a rejecting firewall).
    Unreachable(String),
    /// A local resource ran out (file descriptors, ephemeral ports, buffers): try again later.
    LocalLimit(String),
    /// Anything else.
    Error(String),
}

impl Net {
    /// One scope-checked connect attempt for a port scan (or a banner, TLS, SSH or SMTP probe).
    /// Takes one request from the politeness budget and waits for its rate-limit slot before
    /// the connect starts, so `timeout` and the measured round trip are the connect's own; a
    /// spent budget is [`NetError::BudgetExhausted`] and nothing is sent.
    pub async fn probe_connect(
        &self,
        addr: SocketAddr,
        timeout: Duration,
    ) -> Result<ConnectProbe, NetError> {
        self.check_addr(addr)?;
        self.probe_limiter.acquire().await?;
        let started = Instant::now();
        let r = tokio::time::timeout(timeout, TcpStream::connect(addr)).await;
        let rtt = started.elapsed();
        Ok(match r {
            Err(_) => ConnectProbe::Timeout,
            Ok(Ok(stream)) => match (stream.local_addr(), stream.peer_addr()) {
                // On loopback a connect to an ephemeral port can be given that same port as its
                // source and "connect to itself" (simultaneous open): nothing listens there.
                (Ok(l), Ok(p)) if l == p => ConnectProbe::Closed {
                    rtt,
                    self_connect: true,
                },
                _ => ConnectProbe::Open { stream, rtt },
            },
            Ok(Err(e)) => classify(e, rtt),
        })
    }
}

fn classify(e: std::io::Error, rtt: Duration) -> ConnectProbe {
    match e.kind() {
        ErrorKind::ConnectionRefused => ConnectProbe::Closed {
            rtt,
            self_connect: false,
        },
        ErrorKind::TimedOut => ConnectProbe::Timeout,
        ErrorKind::HostUnreachable | ErrorKind::NetworkUnreachable => {
            ConnectProbe::Unreachable(e.to_string())
        }
        ErrorKind::AddrNotAvailable | ErrorKind::OutOfMemory => {
            ConnectProbe::LocalLimit(e.to_string())
        }
        _ => match e.raw_os_error() {
            // EMFILE, ENFILE, ENOBUFS, EAGAIN (no free ephemeral port on Linux)
            Some(24) | Some(23) | Some(105) | Some(11) => ConnectProbe::LocalLimit(e.to_string()),
            // EHOSTUNREACH, ENETUNREACH, EACCES/EPERM from a local firewall
            Some(113) | Some(101) | Some(13) | Some(1) => ConnectProbe::Unreachable(e.to_string()),
            _ => ConnectProbe::Error(e.to_string()),
        },
    }
}
