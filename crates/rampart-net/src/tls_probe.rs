//! Hand-built TLS ClientHello probes. rustls cannot speak TLS 1.0/1.1 (on purpose), so a scanner
//! that must find servers still *accepting* them sends its own ClientHello for one protocol
//! version and reads the first record of the answer: a ServerHello means accepted, an alert means
//! refused. No handshake is completed and no keys are made.

use crate::{ConnectProbe, Net, NetError};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
pub use tokio_rustls::client::TlsStream;

pub const SSL3: u16 = 0x0300;
pub const TLS10: u16 = 0x0301;
pub const TLS11: u16 = 0x0302;
pub const TLS12: u16 = 0x0303;
pub const TLS13: u16 = 0x0304;

/// `TLSv1.0`-style name of a protocol version number.
pub fn version_name(v: u16) -> String {
    match v {
        SSL3 => "SSLv3".into(),
        TLS10 => "TLSv1.0".into(),
        TLS11 => "TLSv1.1".into(),
        TLS12 => "TLSv1.2".into(),
        TLS13 => "TLSv1.3".into(),
        other => format!("0x{other:04x}"),
    }
}

/// Old and new suites alike, so that any server willing to speak `version` finds one it likes.
const SUITES: &[u16] = &[
    0xc02f, 0xc030, 0xc02b, 0xc02c, 0xcca8, 0xcca9, 0x009e, 0x009f, 0xc027, 0xc028, 0xc023, 0xc024,
    0xc013, 0xc014, 0xc009, 0xc00a, 0x0033, 0x0039, 0x009c, 0x009d, 0x003c, 0x003d, 0x002f, 0x0035,
    0x000a, 0x0005, 0x0004, 0x00ff,
];

/// A ClientHello offering exactly `version` (0x0300–0x0303), with SNI when `sni` is a name.
pub fn client_hello(version: u16, sni: Option<&str>) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&version.to_be_bytes());
    body.extend_from_slice(&pseudo_random());
    body.push(0); // no session id
    body.extend_from_slice(&((SUITES.len() * 2) as u16).to_be_bytes());
    for s in SUITES {
        body.extend_from_slice(&s.to_be_bytes());
    }
    body.extend_from_slice(&[1, 0]); // compression: null only
    let mut ext = Vec::new();
    if let Some(name) = sni.filter(|n| n.parse::<std::net::IpAddr>().is_err()) {
        let n = name.as_bytes();
        let mut list = vec![0u8];
        list.extend_from_slice(&(n.len() as u16).to_be_bytes());
        list.extend_from_slice(n);
        let mut data = (list.len() as u16).to_be_bytes().to_vec();
        data.extend_from_slice(&list);
        push_ext(&mut ext, 0, &data);
    }
    push_ext(&mut ext, 10, &[0, 6, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18]); // groups
    push_ext(&mut ext, 11, &[1, 0]); // point formats: uncompressed
    let sigs: &[u16] = &[
        0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0203, 0x0201,
    ];
    let mut data = ((sigs.len() * 2) as u16).to_be_bytes().to_vec();
    for s in sigs {
        data.extend_from_slice(&s.to_be_bytes());
    }
    push_ext(&mut ext, 13, &data);
    push_ext(&mut ext, 0xff01, &[0]); // renegotiation_info
    body.extend_from_slice(&(ext.len() as u16).to_be_bytes());
    body.extend_from_slice(&ext);

    let mut hs = vec![1u8]; // client_hello
    hs.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    hs.extend_from_slice(&body);
    // Record layer version: 1.0 for every probe, as real clients do.
    let mut rec = vec![0x16, 0x03, 0x01];
    rec.extend_from_slice(&(hs.len() as u16).to_be_bytes());
    rec.extend_from_slice(&hs);
    rec
}

fn push_ext(out: &mut Vec<u8>, kind: u16, data: &[u8]) {
    out.extend_from_slice(&kind.to_be_bytes());
    out.extend_from_slice(&(data.len() as u16).to_be_bytes());
    out.extend_from_slice(data);
}

fn pseudo_random() -> [u8; 32] {
    use std::hash::{BuildHasher, Hasher};
    let mut out = [0u8; 32];
    for chunk in out.chunks_mut(8) {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        chunk.copy_from_slice(&h.finish().to_be_bytes()[..chunk.len()]);
    }
    out
}

/// The first thing a server said after a ClientHello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelloReply {
    /// It accepted: the version and suite it chose.
    ServerHello { version: u16, cipher: u16 },
    /// It refused with a TLS alert (70 = protocol_version, 40 = handshake_failure, ...).
    Alert { level: u8, description: u8 },
    /// It answered something that is not TLS (first bytes kept).
    NotTls(Vec<u8>),
    /// It closed the connection or said nothing in time.
    Nothing,
}

impl HelloReply {
    /// True when the answer was a TLS record of any kind: the port speaks TLS.
    pub fn is_tls(&self) -> bool {
        matches!(
            self,
            HelloReply::ServerHello { .. } | HelloReply::Alert { .. }
        )
    }
}

/// Parses the first record a server sent back.
pub fn parse_reply(buf: &[u8]) -> HelloReply {
    if buf.is_empty() {
        return HelloReply::Nothing;
    }
    if buf.len() < 5 || buf[1] != 0x03 || !matches!(buf[0], 0x15 | 0x16) {
        return HelloReply::NotTls(buf[..buf.len().min(64)].to_vec());
    }
    let body = &buf[5..];
    if buf[0] == 0x15 {
        return match body {
            [level, description, ..] => HelloReply::Alert {
                level: *level,
                description: *description,
            },
            _ => HelloReply::Nothing,
        };
    }
    // Handshake: type 2 = ServerHello.
    if body.len() < 4 + 2 + 32 + 1 || body[0] != 2 {
        return HelloReply::NotTls(buf[..buf.len().min(64)].to_vec());
    }
    let hs = &body[4..];
    let mut version = u16::from_be_bytes([hs[0], hs[1]]);
    let sid_len = hs[34] as usize;
    let at = 35 + sid_len;
    let Some(c) = hs.get(at..at + 2) else {
        return HelloReply::NotTls(buf[..buf.len().min(64)].to_vec());
    };
    let cipher = u16::from_be_bytes([c[0], c[1]]);
    // TLS 1.3 hides its version in the supported_versions extension.
    let mut p = at + 3;
    if let Some(l) = hs.get(p..p + 2) {
        let end = (p + 2 + u16::from_be_bytes([l[0], l[1]]) as usize).min(hs.len());
        p += 2;
        while p + 4 <= end {
            let kind = u16::from_be_bytes([hs[p], hs[p + 1]]);
            let len = u16::from_be_bytes([hs[p + 2], hs[p + 3]]) as usize;
            if kind == 43 && len == 2 && p + 6 <= end {
                version = u16::from_be_bytes([hs[p + 4], hs[p + 5]]);
            }
            p += 4 + len;
        }
    }
    HelloReply::ServerHello { version, cipher }
}

impl Net {
    /// Sends a ClientHello for `version` to `addr` and reads the first record of the answer.
    /// Scope-checked; counts as one request against the politeness budget.
    pub async fn tls_hello(
        &self,
        addr: SocketAddr,
        version: u16,
        sni: Option<&str>,
        timeout: Duration,
    ) -> Result<HelloReply, NetError> {
        let mut stream = match self.probe_connect(addr, timeout).await? {
            ConnectProbe::Open { stream, .. } => stream,
            ConnectProbe::Timeout => return Err(NetError::Timeout(format!("connect to {addr}"))),
            other => return Err(NetError::Refused(format!("{addr}: {other:?}"))),
        };
        let hello = client_hello(version, sni);
        let io = async {
            stream.write_all(&hello).await?;
            let mut buf = Vec::with_capacity(1024);
            let mut chunk = [0u8; 4096];
            loop {
                let n = stream.read(&mut chunk).await?;
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
                if buf.len() >= 5 {
                    let want = 5 + u16::from_be_bytes([buf[3], buf[4]]) as usize;
                    if buf.len() >= want.min(16 * 1024) || !matches!(buf[0], 0x15 | 0x16) {
                        break;
                    }
                }
            }
            Ok::<_, std::io::Error>(buf)
        };
        match tokio::time::timeout(timeout, io).await {
            Err(_) => Ok(HelloReply::Nothing),
            Ok(Err(_)) => Ok(HelloReply::Nothing),
            Ok(Ok(buf)) => Ok(parse_reply(&buf)),
        }
    }
}

impl Net {
    /// A full TLS handshake (rustls, TLS 1.2/1.3, any certificate and signature accepted) to read
    /// what the server presents: version, suite and certificate chain. Scope-checked.
    pub async fn tls_handshake(
        &self,
        addr: SocketAddr,
        server_name: &str,
        timeout: Duration,
    ) -> Result<crate::TlsInfo, NetError> {
        self.tls_stream(addr, server_name, timeout)
            .await
            .map(|(_, i)| i)
    }

    /// Like [`Net::tls_handshake`], keeping the stream open, e.g. to read one HTTP answer's
    /// headers from a server whose certificate or key a verifying client would refuse.
    pub async fn tls_stream(
        &self,
        addr: SocketAddr,
        server_name: &str,
        timeout: Duration,
    ) -> Result<(TlsStream<tokio::net::TcpStream>, crate::TlsInfo), NetError> {
        let stream = match self.probe_connect(addr, timeout).await? {
            ConnectProbe::Open { stream, .. } => stream,
            ConnectProbe::Timeout => return Err(NetError::Timeout(format!("connect to {addr}"))),
            other => return Err(NetError::Refused(format!("{addr}: {other:?}"))),
        };
        self.tls_upgrade(stream, server_name, timeout).await
    }

    /// Starts TLS on a connection that is already open (SMTP STARTTLS), with the same read-only
    /// verification as [`Net::tls_stream`].
    pub async fn tls_upgrade(
        &self,
        stream: tokio::net::TcpStream,
        server_name: &str,
        timeout: Duration,
    ) -> Result<(TlsStream<tokio::net::TcpStream>, crate::TlsInfo), NetError> {
        let addr = stream
            .peer_addr()
            .map_err(|e| NetError::Io(e.to_string()))?;
        self.check_addr(addr)?;
        let name = rustls::pki_types::ServerName::try_from(
            server_name.trim_matches(['[', ']']).to_string(),
        )
        .map_err(|e| NetError::Invalid(format!("{server_name}: {e}")))?;
        let connector = tokio_rustls::TlsConnector::from(read_only_config());
        let tls = tokio::time::timeout(timeout, connector.connect(name, stream))
            .await
            .map_err(|_| NetError::Timeout(format!("TLS handshake with {addr}")))?
            .map_err(|e| crate::fault::from_io(&format!("TLS handshake with {addr}"), &e))?;
        let (_, session) = tls.get_ref();
        let info = crate::TlsInfo {
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
}

/// A client configuration that accepts any certificate *and any handshake signature* (e.g. made
/// with an RSA-1024 key, which ring refuses to verify): only for reading what a server presents,
/// never for sending data.
fn read_only_config() -> std::sync::Arc<rustls::ClientConfig> {
    use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
    #[derive(Debug)]
    struct ReadOnly(Vec<rustls::SignatureScheme>);
    impl ServerCertVerifier for ReadOnly {
        fn verify_server_cert(
            &self,
            _: &rustls::pki_types::CertificateDer<'_>,
            _: &[rustls::pki_types::CertificateDer<'_>],
            _: &rustls::pki_types::ServerName<'_>,
            _: &[u8],
            _: rustls::pki_types::UnixTime,
        ) -> Result<ServerCertVerified, rustls::Error> {
            Ok(ServerCertVerified::assertion())
        }
        fn verify_tls12_signature(
            &self,
            _: &[u8],
            _: &rustls::pki_types::CertificateDer<'_>,
            _: &rustls::DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            Ok(HandshakeSignatureValid::assertion())
        }
        fn verify_tls13_signature(
            &self,
            _: &[u8],
            _: &rustls::pki_types::CertificateDer<'_>,
            _: &rustls::DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            Ok(HandshakeSignatureValid::assertion())
        }
        fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
            self.0.clone()
        }
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let schemes = provider
        .signature_verification_algorithms
        .supported_schemes();
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions")
        .dangerous()
        .with_custom_certificate_verifier(std::sync::Arc::new(ReadOnly(schemes)))
        .with_no_client_auth();
    std::sync::Arc::new(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hello_is_well_formed() {
        let h = client_hello(TLS10, Some("example.org"));
        assert_eq!(&h[..3], &[0x16, 0x03, 0x01]);
        let rec_len = u16::from_be_bytes([h[3], h[4]]) as usize;
        assert_eq!(rec_len, h.len() - 5);
        assert_eq!(h[5], 1);
        let hs_len = u32::from_be_bytes([0, h[6], h[7], h[8]]) as usize;
        assert_eq!(hs_len, h.len() - 9);
        assert_eq!(&h[9..11], &[0x03, 0x01]);
    }

    #[test]
    fn parses_alerts_and_server_hellos() {
        assert_eq!(
            parse_reply(&[0x15, 0x03, 0x01, 0, 2, 2, 70]),
            HelloReply::Alert {
                level: 2,
                description: 70
            }
        );
        let mut sh = vec![0x16, 0x03, 0x01, 0, 0, 2, 0, 0, 0, 0x03, 0x01];
        sh.extend_from_slice(&[0u8; 32]);
        sh.push(0);
        sh.extend_from_slice(&[0xc0, 0x14, 0]);
        assert_eq!(
            parse_reply(&sh),
            HelloReply::ServerHello {
                version: TLS10,
                cipher: 0xc014
            }
        );
        assert!(matches!(
            parse_reply(b"HTTP/1.1 400 Bad Request"),
            HelloReply::NotTls(_)
        ));
    }
}
