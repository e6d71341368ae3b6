//! The compact record every parser produces: spans into the chunk's bytes instead of owned
//! strings, so parsing a line allocates nothing.

/// A byte range into a chunk: `buf` when `start < buf.len()`, else the chunk's arena (for values a
/// parser had to unescape, e.g. JSON strings).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Span {
    pub start: u32,
    pub len: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            len: (end - start) as u32,
        }
    }
    pub fn is_empty(self) -> bool {
        self.len == 0
    }
}

/// HTTP method, as far as the detectors care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Method {
    #[default]
    None,
    Get,
    Head,
    Post,
    Put,
    Patch,
    Delete,
    Other,
}

impl Method {
    pub fn parse(b: &[u8]) -> Method {
        match b {
            b"GET" => Method::Get,
            b"HEAD" => Method::Head,
            b"POST" => Method::Post,
            b"PUT" => Method::Put,
            b"PATCH" => Method::Patch,
            b"DELETE" => Method::Delete,
            [] | b"-" => Method::None,
            _ => Method::Other,
        }
    }
    pub fn changes_state(self) -> bool {
        matches!(
            self,
            Method::Post | Method::Put | Method::Patch | Method::Delete
        )
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Method::None => "-",
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Other => "OTHER",
        }
    }
}

/// What a line is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EvKind {
    /// An HTTP request (access log, or an application log line with a path).
    #[default]
    Http,
    /// An application log line without a request (may still carry a user, an auth outcome, a
    /// secret).
    App,
    /// sshd: failed authentication (`count` attempts, >1 for "message repeated").
    SshFail,
    /// sshd: a line about a try that is counted elsewhere, so only noted (user, evidence):
    /// `Invalid user X from IP`, PAM's and `pam_unix`'s failure lines, `User X from IP not
    /// allowed`, a real account's failed public key (a client trying its keys).
    SshNoted,
    /// sshd: old Linux's `sshd(pam_unix)[pid]: authentication failure; … rhost=HOST`, often
    /// all the log says about a try. One try — and the connection's next `Failed …` line, when
    /// sshd writes one, is that same try, not another.
    SshPamFail,
    /// sshd: a session that ended before it authenticated (`Connection closed by
    /// authenticating user …  [preauth]`, `maximum authentication attempts exceeded …`): one
    /// attempt when its connection logged no counted failure.
    SshClosed,
    /// sshd: a connection's last line before authentication, with only its address
    /// (`Received disconnect from IP …: 11: Bye Bye [preauth]`, `Connection closed by IP
    /// [preauth]`): a try when an earlier line of the connection noted one.
    SshEnded,
    /// sshd: `Accepted <method> for X from IP`.
    SshAccept,
}

impl EvKind {
    /// One of sshd's lines (read by the SSH detector).
    pub fn is_ssh(self) -> bool {
        !matches!(self, EvKind::Http | EvKind::App)
    }
}

/// Flags the parse workers compute so the in-order detector thread does not have to scan bytes.
pub mod flag {
    pub const STATIC: u32 = 1 << 0;
    pub const API: u32 = 1 << 1;
    pub const LOGIN: u32 = 1 << 2;
    pub const SENSITIVE: u32 = 1 << 3;
    pub const SCANNER_UA: u32 = 1 << 4;
    pub const SQLI: u32 = 1 << 5;
    pub const XSS: u32 = 1 << 6;
    pub const TRAVERSAL: u32 = 1 << 7;
    pub const CMDI: u32 = 1 << 8;
    pub const SECRET: u32 = 1 << 9;
    /// The secret is a password (coverage: "never the password").
    pub const PASSWORD: u32 = 1 << 10;
    /// An application log says this is a failed authentication.
    pub const AUTH_FAIL: u32 = 1 << 11;
    pub const AUTH_OK: u32 = 1 << 12;
    /// The line carries the API marker ("API endpoint …") or a channel=api field.
    pub const API_MARKER: u32 = 1 << 13;
    /// An error log's line at level error or worse (`error`, `crit`, `alert`, `emerg`) that is
    /// about no request: the server's own fault.
    pub const SERVER_ERROR: u32 = 1 << 14;
    pub const INJECTION: u32 = SQLI | XSS | TRAVERSAL | CMDI;
}

/// One parsed line.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ev {
    /// 0-based index of the line within its chunk.
    pub line: u32,
    /// Unix seconds from the line's own timestamp; `i64::MIN` when the line has none.
    pub ts: i64,
    /// UTC offset of the timestamp, seconds (for display in the log's own zone).
    pub tz: i32,
    pub kind: EvKind,
    pub client: Span,
    pub client_h: u64,
    /// The client's bytes as two words ([`crate::identity::words`]) when it has 1 to 16 (an
    /// IPv4 address), else zero: the detector thread compares clients by these, without
    /// reading the bytes.
    pub client_w: [u64; 2],
    pub method: Method,
    pub path: Span,
    pub query: Span,
    /// The endpoint: method + path with digit runs collapsed ([`crate::hash::endpoint_key`]),
    /// in the chunk's arena, and its keyed hash.
    pub endpoint: Span,
    pub endpoint_h: u64,
    pub status: u16,
    /// The response's size; for an sshd line, its connection (sshd's process id, 0 when the
    /// line has none).
    pub bytes: u64,
    pub user: Span,
    pub user_h: u64,
    pub agent: Span,
    pub flags: u32,
    /// Free text of an application log line (message, event name), scanned for auth outcomes,
    /// secrets and the API marker.
    pub msg: Span,
    /// The whole line, for evidence.
    pub raw: Span,
    /// sshd "message repeated N times".
    pub repeat: u16,
}

impl Ev {
    pub fn has(&self, f: u32) -> bool {
        self.flags & f != 0
    }

    /// An error for the error-burst detector: a 4xx other than 404 (probing's), a login's
    /// failure (brute force's) or a static file's.
    pub fn is_error(&self) -> bool {
        (400..500).contains(&self.status)
            && self.status != 404
            && !(self.has(flag::LOGIN) && self.method == Method::Post)
            && !self.has(flag::STATIC)
    }
}

/// One endpoint's requests and errors ([`Ev::is_error`]) in a chunk, counted by the parse
/// worker (sums do not depend on line order), so the detector thread adds them up once per
/// endpoint and chunk instead of once per line. In the order the endpoints first appear.
#[derive(Debug, Clone, Copy)]
pub struct EndpointCount {
    /// The endpoint's bytes (in the arena) and their hash.
    pub endpoint: Span,
    pub h: u64,
    /// The first line's method and path, for the endpoint's name.
    pub method: Method,
    pub path: Span,
    pub requests: u64,
    pub errors: u64,
}
