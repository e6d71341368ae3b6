//! One fault, one class, one wording. The text recorded with a failed probe must be the same every
//! time the same fault happens (an incident's "most frequent cause" counts texts), so it never
//! holds the OS's wording, an errno or the current time; those go to the fault's `detail`.

use crate::NetError;
use rampart_model::ErrorClass;
use std::io::ErrorKind;

/// A network fault with a stable class and reason, and the OS's or library's words kept apart.
pub(crate) fn fault(class: ErrorClass, reason: String, detail: String) -> NetError {
    NetError::Fault {
        class,
        reason,
        detail,
    }
}

/// An I/O error during `what` (e.g. `connect to 127.0.0.1:80`), classified by its kind.
pub fn from_io(what: &str, e: &std::io::Error) -> NetError {
    if let Some(tls) = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        return fault(
            ErrorClass::Tls,
            format!("{what}: {}", tls_reason(tls)),
            tls.to_string(),
        );
    }
    let (class, reason) = match e.kind() {
        ErrorKind::ConnectionRefused => (ErrorClass::Refused, "connection refused"),
        ErrorKind::TimedOut => (ErrorClass::Timeout, "timed out"),
        ErrorKind::ConnectionReset => (ErrorClass::Protocol, "connection reset by peer"),
        ErrorKind::ConnectionAborted => (ErrorClass::Protocol, "connection aborted"),
        ErrorKind::BrokenPipe => (ErrorClass::Protocol, "connection reset by peer"),
        ErrorKind::UnexpectedEof => (ErrorClass::Protocol, "connection closed early"),
        ErrorKind::HostUnreachable => (ErrorClass::Other, "host unreachable"),
        ErrorKind::NetworkUnreachable => (ErrorClass::Other, "network unreachable"),
        ErrorKind::AddrNotAvailable => (ErrorClass::Other, "address not available"),
        ErrorKind::PermissionDenied => (ErrorClass::Other, "permission denied"),
        _ => (ErrorClass::Other, "I/O error"),
    };
    fault(class, format!("{what}: {reason}"), e.to_string())
}

/// A hyper error: an I/O fault underneath is classified as one; the rest is a protocol fault
/// worded by hyper's own (fixed) description of its kind.
pub fn from_hyper(what: &str, e: &hyper::Error) -> NetError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            return from_io(what, io);
        }
        source = s.source();
    }
    let reason = if e.is_incomplete_message() {
        "connection closed before the answer was complete".to_string()
    } else if e.is_parse() {
        "the answer is not valid HTTP/1".to_string()
    } else if e.is_closed() || e.is_canceled() {
        "connection closed".to_string()
    } else if e.is_timeout() {
        return fault(
            ErrorClass::Timeout,
            format!("{what}: timed out"),
            e.to_string(),
        );
    } else {
        "HTTP error".to_string()
    };
    fault(
        ErrorClass::Protocol,
        format!("{what}: {reason}"),
        format!("{e:?}"),
    )
}

/// A stable wording of a TLS failure: the certificate problem by name, never the verification
/// time rustls puts in its own message.
pub fn tls_reason(e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            C::Expired | C::ExpiredContext { .. } => "certificate expired".into(),
            C::NotValidYet | C::NotValidYetContext { .. } => "certificate not valid yet".into(),
            C::UnknownIssuer => "certificate issuer unknown".into(),
            C::BadSignature => "certificate signature invalid".into(),
            C::NotValidForName | C::NotValidForNameContext { .. } => {
                "certificate not valid for the name".into()
            }
            C::Revoked => "certificate revoked".into(),
            C::BadEncoding => "certificate unreadable".into(),
            _ => "certificate rejected".into(),
        },
        rustls::Error::AlertReceived(a) => format!("the server sent the alert {a:?}"),
        rustls::Error::NoCertificatesPresented => "no certificate presented".into(),
        rustls::Error::PeerIncompatible(_) => "no protocol version or cipher in common".into(),
        rustls::Error::PeerMisbehaved(_) | rustls::Error::InvalidMessage(_) => {
            "the server broke the TLS protocol".into()
        }
        _ => "handshake failed".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reset_is_one_class_and_one_text_however_it_arrives() {
        let a = from_io(
            "connect to 127.0.0.1:1",
            &std::io::Error::from_raw_os_error(104),
        );
        let b = from_io(
            "connect to 127.0.0.1:1",
            &std::io::Error::new(ErrorKind::ConnectionReset, "something else entirely"),
        );
        assert_eq!(a.class(), ErrorClass::Protocol);
        assert_eq!(a.to_string(), b.to_string());
        assert_eq!(
            a.to_string(),
            "connect to 127.0.0.1:1: connection reset by peer"
        );
        assert!(a.detail().unwrap().contains("os error 104"));
    }

    #[test]
    fn an_expired_certificate_text_holds_no_time() {
        let now = rustls::pki_types::UnixTime::since_unix_epoch(std::time::Duration::from_secs(
            1_900_000_000,
        ));
        let e = rustls::Error::InvalidCertificate(rustls::CertificateError::ExpiredContext {
            time: now,
            not_after: rustls::pki_types::UnixTime::since_unix_epoch(
                std::time::Duration::from_secs(1_800_000_000),
            ),
        });
        assert!(e.to_string().contains("1900000000"), "{e}");
        let io = std::io::Error::new(ErrorKind::InvalidData, e);
        let f = from_io("TLS handshake with 127.0.0.1:443", &io);
        assert_eq!(f.class(), ErrorClass::Tls);
        assert_eq!(
            f.to_string(),
            "TLS handshake with 127.0.0.1:443: certificate expired"
        );
        assert!(f.detail().unwrap().contains("1900000000"));
    }
}
