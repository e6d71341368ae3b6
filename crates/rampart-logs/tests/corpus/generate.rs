//! The labelled corpus: deterministic generated logs with their expected episodes.
//!
//! Every log is six hours of ordinary traffic of a MiniTwit-like service — 40 visitors
//! browsing (with favicon and robots.txt 404s, typos and the odd failed login), and a heavy
//! API client driving most of the traffic (a request every 2 s, about 1 % answered 400/404 on
//! distinct paths) — plus planted attack episodes of one family: single and distributed, fast
//! and low-and-slow (as slow as the defaults are built to catch; `docs/logs.md` gives the
//! paces). The ordinary log also has a deploy's 5xx blip, an episode of its own (a defect).
//!
//! Used by `tests/labelled_corpus.rs` and by `examples/gen_corpus.rs` (which writes the files
//! for `bench/logs-corpus.sh` and fail2ban). No file is committed: generating takes
//! milliseconds and the same seed gives the same bytes.

#![allow(dead_code)]

use std::fmt::Write;

/// 2024-03-04 08:00:00 UTC.
pub const BASE: i64 = 1_709_539_200;
pub const HOURS: i64 = 6;
pub const API_CLIENT: &str = "10.0.0.5";
const FF: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0";
const API_UA: &str = "python-requests/2.31.0";

/// One planted episode: its main kind, its clients (empty: the service's own, like a 5xx
/// onset) and its window.
#[derive(Debug, Clone)]
pub struct Expected {
    pub name: &'static str,
    pub kind: &'static str,
    pub clients: Vec<String>,
    pub from: i64,
    pub to: i64,
}

pub struct CorpusLog {
    pub name: &'static str,
    pub text: String,
    pub expected: Vec<Expected>,
    /// Clients of the ordinary traffic: none of them may be accused of an attack.
    pub ordinary: Vec<String>,
}

/// A small deterministic generator (xorshift64*): the corpus is the same on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Lines with their time, sorted at the end (stable for equal seconds).
#[derive(Default)]
pub struct Lines(Vec<(i64, usize, String)>);

impl Lines {
    fn push(&mut self, ts: i64, line: String) {
        let n = self.0.len();
        self.0.push((ts, n, line));
    }

    #[allow(clippy::too_many_arguments)]
    pub fn req(&mut self, ts: i64, ip: &str, req: &str, status: u16, size: u64, ua: &str) {
        let t = chrono::DateTime::from_timestamp(ts, 0).expect("valid time");
        self.push(
            ts,
            format!(
                "{ip} - - [{}] \"{req} HTTP/1.1\" {status} {size} \"-\" \"{ua}\"",
                t.format("%d/%b/%Y:%H:%M:%S +0000")
            ),
        );
    }

    pub fn sshd(&mut self, ts: i64, pid: u32, msg: &str) {
        let t = chrono::DateTime::from_timestamp(ts, 0).expect("valid time");
        self.push(
            ts,
            format!("{} web1 sshd[{pid}]: {msg}", t.format("%b %e %H:%M:%S")),
        );
    }

    pub fn text(mut self) -> String {
        self.0.sort_by_key(|(t, n, _)| (*t, *n));
        let mut s = String::new();
        for (_, _, l) in self.0 {
            let _ = writeln!(s, "{l}");
        }
        s
    }
}

fn visitor(v: u64) -> String {
    format!("198.51.100.{}", v + 1)
}

/// Six hours of ordinary traffic; `status` may rewrite a status (a deploy's blip).
fn background(l: &mut Lines, rng: &mut Rng, status: &dyn Fn(i64, u16) -> u16) -> Vec<String> {
    let end = BASE + HOURS * 3600;
    // The heavy API client: every 2 s, about 1 % 400/404 on distinct paths.
    let mut t = BASE;
    while t < end {
        let u = rng.below(500);
        let (req, st) = match rng.below(100) {
            0 => (
                format!("GET /api/msgs/user{}", 1000 + rng.below(900_000)),
                404,
            ),
            1 if rng.chance(50) => ("POST /api/register".to_string(), 400),
            2..=40 => (format!("POST /api/msgs/user{u}"), 204),
            41..=70 => (format!("GET /api/msgs/user{u}?no=100"), 200),
            71..=73 => ("POST /api/register".to_string(), 204),
            _ => ("GET /api/latest".to_string(), 200),
        };
        l.req(t, API_CLIENT, &req, status(t, st), 312, API_UA);
        t += 2;
    }
    // Visitors: a session about every 20 minutes each.
    for v in 0..40u64 {
        let ip = visitor(v);
        let mut t = BASE + rng.below(1200) as i64;
        while t < end {
            let pages = ["/", "/public", "/user/alice", "/user/bob", "/about"];
            l.req(t, &ip, "GET /", status(t, 200), 5120, FF);
            l.req(
                t + 1,
                &ip,
                "GET /static/style.css",
                status(t + 1, 200),
                900,
                FF,
            );
            l.req(
                t + 1,
                &ip,
                "GET /static/app.js",
                status(t + 1, 200),
                1800,
                FF,
            );
            if rng.chance(30) {
                l.req(t + 1, &ip, "GET /favicon.ico", 404, 150, FF);
            }
            if rng.chance(3) {
                l.req(t + 2, &ip, "GET /robots.txt", 404, 150, FF);
            }
            let mut s = t + 5;
            for _ in 0..rng.below(5) + 1 {
                let p = pages[rng.below(pages.len() as u64) as usize];
                l.req(s, &ip, &format!("GET {p}"), status(s, 200), 4000, FF);
                s += 5 + rng.below(40) as i64;
            }
            if rng.chance(5) {
                // A typo, then the right page.
                l.req(s, &ip, "GET /pubilc", 404, 150, FF);
                l.req(s + 4, &ip, "GET /public", status(s + 4, 200), 4000, FF);
                s += 8;
            }
            if rng.chance(25) {
                if rng.chance(15) {
                    // A mistyped password: the form again, then in.
                    l.req(s, &ip, "POST /login", 200, 1834, FF);
                    s += 20 + rng.below(30) as i64;
                }
                l.req(s, &ip, "POST /login", status(s, 302), 0, FF);
            }
            t += 900 + rng.below(900) as i64;
        }
    }
    let mut ordinary: Vec<String> = (0..40).map(visitor).collect();
    ordinary.push(API_CLIENT.to_string());
    ordinary
}

fn ips(prefix: &str, from: u64, n: u64) -> Vec<String> {
    (from..from + n).map(|i| format!("{prefix}{i}")).collect()
}

fn ep(
    name: &'static str,
    kind: &'static str,
    clients: Vec<String>,
    from: i64,
    to: i64,
) -> Expected {
    Expected {
        name,
        kind,
        clients,
        from,
        to,
    }
}

fn ordinary_log() -> CorpusLog {
    let mut rng = Rng(0x1234_5678);
    let mut l = Lines::default();
    // A deploy at 11:00: for 90 s about 60 % of the answers are 502.
    let (d0, d1) = (BASE + 3 * 3600, BASE + 3 * 3600 + 90);
    let blip = move |t: i64, s: u16| {
        if (d0..d1).contains(&t) && (t % 5) < 3 {
            502
        } else {
            s
        }
    };
    let ordinary = background(&mut l, &mut rng, &blip);
    // A password-reset link with its token in the query string: a secret in the log.
    let t = BASE + 4 * 3600 + 17;
    l.req(
        t,
        &visitor(6),
        "GET /reset-password?token=9f8e7d6c5b4a",
        200,
        2100,
        FF,
    );
    CorpusLog {
        name: "ordinary",
        text: l.text(),
        expected: vec![
            ep("deploy 5xx blip", "server_errors", vec![], d0, d1),
            ep("reset token in a URL", "secret_in_log", vec![], t, t),
        ],
        ordinary,
    }
}

fn probing_log() -> CorpusLog {
    let mut rng = Rng(0x2222);
    let mut l = Lines::default();
    let ordinary = background(&mut l, &mut rng, &|_, s| s);
    let mut expected = Vec::new();
    // Fast, one client: 40 missing paths in a minute, sensitive ones among them.
    let t = BASE + 1800;
    let c = "203.0.113.10";
    let mut paths: Vec<String> = [
        "/.bash_history",
        "/.env",
        "/.git/HEAD",
        "/admin/",
        "/backup.zip",
        "/phpmyadmin/",
        "/config.php",
        "/server-status",
        "/db.sql",
        "/old/",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for k in 0..30 {
        paths.push(format!("/dir{k}/"));
    }
    for (k, p) in paths.iter().enumerate() {
        l.req(t + k as i64 * 3 / 2, c, &format!("GET {p}"), 404, 150, FF);
    }
    expected.push(ep("fast probe", "path_probing", vec![c.into()], t, t + 60));
    // Low and slow, one client: 36 distinct missing paths, one every 6 minutes (3.5 h).
    let (t, c) = (BASE + 3600, "203.0.113.20");
    for k in 0..36 {
        l.req(
            t + k * 360,
            c,
            &format!("GET /old/page-{k}.php"),
            404,
            150,
            FF,
        );
    }
    expected.push(ep(
        "low-and-slow probe",
        "path_probing",
        vec![c.into()],
        t,
        t + 35 * 360,
    ));
    // Distributed, fast: 25 clients, three sensitive paths each, within two minutes.
    let t = BASE + 2 * 3600;
    let bots = ips("192.0.2.", 1, 25);
    for (k, b) in bots.iter().enumerate() {
        for (j, p) in ["/.env", "/.git/config", "/wp-login.php"]
            .iter()
            .enumerate()
        {
            l.req(
                t + k as i64 * 4 + j as i64,
                b,
                &format!("GET {p}"),
                404,
                150,
                FF,
            );
        }
    }
    expected.push(ep(
        "distributed fast probe",
        "path_probing",
        bots,
        t,
        t + 110,
    ));
    // Distributed, low and slow: 12 clients, a quick look at three paths each, one client
    // every 20 minutes for four hours.
    let t = BASE + 5400;
    let bots = ips("192.0.2.", 101, 12);
    for (k, b) in bots.iter().enumerate() {
        let s = t + k as i64 * 1200;
        for (j, p) in ["/.aws/credentials", "/phpinfo.php", "/.env.bak"]
            .iter()
            .enumerate()
        {
            l.req(s + j as i64 * 2, b, &format!("GET {p}"), 404, 150, FF);
        }
    }
    expected.push(ep(
        "distributed low-and-slow probe",
        "path_probing",
        bots,
        t,
        t + 11 * 1200 + 4,
    ));
    CorpusLog {
        name: "probing",
        text: l.text(),
        expected,
        ordinary,
    }
}

fn injection_log() -> CorpusLog {
    let mut rng = Rng(0x3333);
    let mut l = Lines::default();
    let ordinary = background(&mut l, &mut rng, &|_, s| s);
    let mut expected = Vec::new();
    // sqlmap: 150 payloads in three minutes, some answered 500.
    let (t, c) = (BASE + 1800, "203.0.113.30");
    let sqlmap = "sqlmap/1.7.2#stable (https://sqlmap.org)";
    for k in 0..150 {
        let q = match k % 3 {
            0 => format!("q=1%27%20OR%20%27{k}%27%3D%27{k}"),
            1 => format!("q=1%20UNION%20SELECT%20NULL%2C{k}--"),
            _ => format!("q=1%27%20AND%20SLEEP({})--", k % 5),
        };
        let st = if k % 7 == 0 { 500 } else { 200 };
        l.req(
            t + k * 6 / 5,
            c,
            &format!("GET /search?{q}"),
            st,
            2000,
            sqlmap,
        );
    }
    expected.push(ep("sqlmap run", "injection", vec![c.into()], t, t + 180));
    // Low and slow: one XSS payload every 25 minutes for five hours.
    let (t, c) = (BASE + 2400, "203.0.113.40");
    for k in 0..12 {
        l.req(
            t + k * 1500,
            c,
            &format!("GET /comment?text=%3Cscript%3Ealert({k})%3C/script%3E"),
            200,
            900,
            FF,
        );
    }
    expected.push(ep(
        "slow XSS",
        "injection",
        vec![c.into()],
        t,
        t + 11 * 1500,
    ));
    // Distributed, fast: 15 clients, two traversal attempts each, within two minutes.
    let t = BASE + 3 * 3600;
    let bots = ips("192.0.2.", 150, 15);
    for (k, b) in bots.iter().enumerate() {
        for j in 0..2 {
            l.req(
                t + k as i64 * 7 + j,
                b,
                "GET /download?file=..%2F..%2F..%2Fetc%2Fpasswd",
                400,
                150,
                FF,
            );
        }
    }
    expected.push(ep("distributed traversal", "injection", bots, t, t + 110));
    // Distributed, low and slow: 8 clients, one SQL payload each, 25 minutes apart.
    let t = BASE + 3600 + 600;
    let bots = ips("192.0.2.", 200, 8);
    for (k, b) in bots.iter().enumerate() {
        l.req(
            t + k as i64 * 1500,
            b,
            "GET /products?id=1%27%20OR%20%271%27%3D%271",
            200,
            3000,
            FF,
        );
    }
    expected.push(ep(
        "distributed slow SQLi",
        "injection",
        bots,
        t,
        t + 7 * 1500,
    ));
    CorpusLog {
        name: "injection",
        text: l.text(),
        expected,
        ordinary,
    }
}

fn logins_log() -> CorpusLog {
    let mut rng = Rng(0x4444);
    let mut l = Lines::default();
    let ordinary = background(&mut l, &mut rng, &|_, s| s);
    let mut expected = Vec::new();
    // Hydra: 200 tries in four minutes, the form again each time.
    let (t, c) = (BASE + 1800, "203.0.113.50");
    for k in 0..200 {
        l.req(
            t + k * 6 / 5,
            c,
            "POST /login",
            200,
            1834,
            "Mozilla/4.0 (Hydra)",
        );
    }
    expected.push(ep("hydra", "brute_force", vec![c.into()], t, t + 240));
    // Slower, one client: a try every 25 s for 70 minutes.
    let (t, c) = (BASE + 3600 + 1800, "203.0.113.60");
    for k in 0..168 {
        l.req(t + k * 25, c, "POST /login", 200, 1834, FF);
    }
    expected.push(ep(
        "slow brute force",
        "brute_force",
        vec![c.into()],
        t,
        t + 167 * 25,
    ));
    // Distributed: 150 clients, two tries each, one a second for five minutes.
    let t = BASE + 3 * 3600 + 1800;
    let bots = ips("192.0.2.", 1, 150);
    for (k, b) in bots.iter().enumerate() {
        for j in 0..2 {
            l.req(t + k as i64 * 2 + j, b, "POST /login", 200, 1834, FF);
        }
    }
    expected.push(ep(
        "distributed brute force",
        "brute_force",
        bots,
        t,
        t + 300,
    ));
    // Distributed and paced: 300 clients, one try each, one every 2 s for ten minutes.
    let t = BASE + 5 * 3600;
    let bots = ips("10.77.1.", 1, 250)
        .into_iter()
        .chain(ips("10.77.2.", 1, 50))
        .collect::<Vec<_>>();
    for (k, b) in bots.iter().enumerate() {
        l.req(t + k as i64 * 2, b, "POST /login", 200, 1834, FF);
    }
    expected.push(ep(
        "paced distributed brute force",
        "brute_force",
        bots,
        t,
        t + 600,
    ));
    CorpusLog {
        name: "logins",
        text: l.text(),
        expected,
        ordinary,
    }
}

fn floods_log() -> CorpusLog {
    let mut rng = Rng(0x5555);
    let mut l = Lines::default();
    // The service answers 503 to about half the requests while the two big floods last.
    let f1 = BASE + 3600;
    let f2 = BASE + 3 * 3600;
    let overload = move |t: i64, s: u16| {
        let hot = (f1..f1 + 120).contains(&t) || (f2..f2 + 180).contains(&t);
        if hot && t % 2 == 0 {
            503
        } else {
            s
        }
    };
    let ordinary = background(&mut l, &mut rng, &overload);
    let mut expected = Vec::new();
    // One client, 25 requests a second for two minutes; the service falters.
    let c = "203.0.113.70";
    for k in 0..120 * 25 {
        let ts = f1 + k / 25;
        l.req(ts, c, "GET /public", overload(ts, 200), 4000, FF);
    }
    expected.push(ep(
        "client flood with 5xx",
        "flood",
        vec![c.into()],
        f1,
        f1 + 120,
    ));
    // Eight clients, 12 requests a second each for three minutes; the service falters.
    let bots = ips("192.0.2.", 220, 8);
    for b in &bots {
        for k in 0..180 * 12 {
            let ts = f2 + k / 12;
            l.req(ts, b, "GET /", overload(ts, 200), 5120, FF);
        }
    }
    expected.push(ep(
        "distributed flood with 5xx",
        "flood",
        bots,
        f2,
        f2 + 180,
    ));
    // A surge from 300 clients, 10 requests a minute each, for three minutes: the total.
    let t = BASE + 4 * 3600 + 1800;
    let bots: Vec<String> = ips("10.66.1.", 1, 250)
        .into_iter()
        .chain(ips("10.66.2.", 1, 50))
        .collect();
    for (c, b) in bots.iter().enumerate() {
        for j in 0..30i64 {
            l.req(t + j * 6 + c as i64 % 6, b, "GET /public", 200, 4000, FF);
        }
    }
    expected.push(ep("distributed surge", "flood", bots, t, t + 180));
    // Slow: one client a little above the sustained rate allowed (7/s) for 20 minutes.
    let (t, c) = (BASE + 2 * 3600, "203.0.113.75");
    for k in 0..1200 * 7 {
        l.req(t + k / 7, c, "GET /api/latest", 200, 300, API_UA);
    }
    expected.push(ep(
        "sustained client flood",
        "flood",
        vec![c.into()],
        t,
        t + 1200,
    ));
    CorpusLog {
        name: "floods",
        text: l.text(),
        expected,
        ordinary,
    }
}

fn errors_log() -> CorpusLog {
    let mut rng = Rng(0x6666);
    let mut l = Lines::default();
    let ordinary = background(&mut l, &mut rng, &|_, s| s);
    let mut expected = Vec::new();
    // The seed's kind: 140 rejected sign-ups in nine minutes.
    let (t, c) = (BASE + 1800, "203.0.113.80");
    for k in 0..140 {
        l.req(t + k * 4, c, "POST /register", 400, 1200, FF);
    }
    expected.push(ep(
        "register burst",
        "error_burst",
        vec![c.into()],
        t,
        t + 139 * 4,
    ));
    // Slower: a rejected API post every 20 s for an hour.
    let (t, c) = (BASE + 2 * 3600, "203.0.113.90");
    for k in 0..180 {
        l.req(
            t + k * 20,
            c,
            &format!("POST /api/msgs/user{}", k % 7),
            400,
            120,
            API_UA,
        );
    }
    expected.push(ep(
        "slow API error burst",
        "error_burst",
        vec![c.into()],
        t,
        t + 179 * 20,
    ));
    // Distributed: 20 integrators, 12 rejected registrations each, every 15 s. (Fewer
    // errors than the endpoint's ordinary requests in the log: a burst bigger than all of its
    // endpoint's other traffic is taken for an endpoint that always fails — docs/logs.md.)
    let t = BASE + 4 * 3600;
    let bots = ips("192.0.2.", 1, 20);
    for (c, b) in bots.iter().enumerate() {
        for j in 0..12i64 {
            l.req(
                t + j * 15 + c as i64 % 15,
                b,
                "POST /api/register",
                400,
                120,
                API_UA,
            );
        }
    }
    expected.push(ep(
        "endpoint-wide error burst",
        "error_burst",
        bots,
        t,
        t + 11 * 15 + 14,
    ));
    CorpusLog {
        name: "errors",
        text: l.text(),
        expected,
        ordinary,
    }
}

fn ssh_log() -> CorpusLog {
    let mut rng = Rng(0x7777);
    let mut l = Lines::default();
    let end = BASE + HOURS * 3600;
    // Ten admins log in with keys now and then; now and then one mistypes a password first.
    let admins = ips("198.51.100.", 200, 10);
    for (k, a) in admins.iter().enumerate() {
        let mut t = BASE + rng.below(1800) as i64;
        while t < end {
            let pid = 1000 + rng.below(30000) as u32;
            if rng.chance(10) {
                l.sshd(
                    t,
                    pid,
                    &format!("Failed password for admin{k} from {a} port 50022 ssh2"),
                );
                l.sshd(
                    t + 8,
                    pid,
                    &format!("Accepted password for admin{k} from {a} port 50022 ssh2"),
                );
            } else {
                l.sshd(t, pid, &format!("Accepted publickey for admin{k} from {a} port 50022 ssh2: RSA SHA256:abc{k}"));
            }
            t += 1800 + rng.below(3600) as i64;
        }
    }
    let mut expected = Vec::new();
    let fail = |l: &mut Lines, t: i64, c: &str, user: &str| {
        l.sshd(t, 4242, &format!("Invalid user {user} from {c} port 41000"));
        l.sshd(
            t,
            4242,
            &format!("Failed password for invalid user {user} from {c} port 41000 ssh2"),
        );
    };
    // Fast: 60 failures in three minutes.
    let (t, c) = (BASE + 1800, "203.0.113.100");
    for k in 0..60 {
        fail(
            &mut l,
            t + k * 3,
            c,
            ["root", "admin", "test", "oracle"][k as usize % 4],
        );
    }
    expected.push(ep(
        "fast ssh brute force",
        "ssh_brute_force",
        vec![c.into()],
        t,
        t + 177,
    ));
    // Slow: a failure every 90 s for an hour.
    let (t, c) = (BASE + 3600 + 1800, "203.0.113.110");
    for k in 0..40 {
        fail(&mut l, t + k * 90, c, "root");
    }
    expected.push(ep(
        "slow ssh brute force",
        "ssh_brute_force",
        vec![c.into()],
        t,
        t + 39 * 90,
    ));
    // Distributed: 20 sources, six failures each, within five minutes.
    let t = BASE + 4 * 3600;
    let bots = ips("192.0.2.", 60, 20);
    for (k, b) in bots.iter().enumerate() {
        for j in 0..6 {
            fail(&mut l, t + k as i64 * 10 + j * 12, b, "ubuntu");
        }
    }
    expected.push(ep(
        "distributed ssh brute force",
        "ssh_brute_force",
        bots,
        t,
        t + 19 * 10 + 60,
    ));
    CorpusLog {
        name: "ssh",
        text: l.text(),
        expected,
        ordinary: admins,
    }
}

/// Every generated log of the corpus.
pub fn all() -> Vec<CorpusLog> {
    vec![
        ordinary_log(),
        probing_log(),
        injection_log(),
        logins_log(),
        floods_log(),
        errors_log(),
        ssh_log(),
    ]
}
