use rampart_model::ErrorClass;

/// Why a network action did not happen or did not complete.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum NetError {
    #[error("refused: {target} is not in the project's scope; nothing was sent (hint: {hint})")]
    OutOfScope { target: String, hint: String },
    #[error("name resolution failed: {0}")]
    Dns(String),
    #[error("connection refused: {0}")]
    Refused(String),
    #[error("timed out: {0}")]
    Timeout(String),
    #[error("TLS failed: {0}")]
    Tls(String),
    #[error("protocol error: {0}")]
    Protocol(String),
    #[error("request budget exhausted after {0} requests")]
    BudgetExhausted(u64),
    #[error("I/O error: {0}")]
    Io(String),
    #[error("invalid request: {0}")]
    Invalid(String),
    /// A classified network fault: `reason` is the same text every time (see `fault.rs`), the
    /// OS's or library's own words are in `detail`.
    #[error("{reason}")]
    Fault {
        class: ErrorClass,
        reason: String,
        detail: String,
    },
}

impl NetError {
    pub fn out_of_scope(target: impl Into<String>) -> Self {
        NetError::OutOfScope {
            target: target.into(),
            hint: "add the host, its address range or a URL prefix to [scope] in rampart.toml"
                .into(),
        }
    }

    /// The fixed error class recorded with an observation.
    pub fn class(&self) -> ErrorClass {
        match self {
            NetError::OutOfScope { .. } => ErrorClass::OutOfScope,
            NetError::Dns(_) => ErrorClass::Dns,
            NetError::Refused(_) => ErrorClass::Refused,
            NetError::Timeout(_) => ErrorClass::Timeout,
            NetError::Tls(_) => ErrorClass::Tls,
            NetError::Protocol(_) => ErrorClass::Protocol,
            NetError::BudgetExhausted(_) | NetError::Io(_) | NetError::Invalid(_) => {
                ErrorClass::Other
            }
            NetError::Fault { class, .. } => *class,
        }
    }

    /// The OS's or library's own words for a classified fault (errno, verification time, ...):
    /// kept apart from the stable text so the text can be counted.
    pub fn detail(&self) -> Option<&str> {
        match self {
            NetError::Fault { detail, .. } => Some(detail),
            _ => None,
        }
    }
}
