//! rampart's reading of log lines against labels it did not write: fail2ban's own test logs for
//! its `sshd`, nginx and Apache filters (`fail2ban/tests/files/logs/`), real lines from many versions
//! and systems, each labelled by fail2ban's maintainers with whether it is a failure and from
//! which host. The file is GPL-licensed, so it is not copied here: it is read from fail2ban's
//! Debian package, unpacked (not installed) by `scripts/setup-log-corpora.sh` — pinned to the
//! version these labels were read from (an installed fail2ban of another version is not used).
//!
//! Only the labels of fail2ban's normal mode are used (its `ddos`, `extra` and `aggressive`
//! modes also ban port scanners and failed key exchanges, which are not login attempts). Every
//! line labelled a failure from a host must be read as an attempt, or a line about one, from
//! that exact host — except the forms listed in `NOT_READ`, which are not login attempts in
//! rampart's sense and are said so in `docs/logs.md`.

use rampart_logs::{FormatSpec, LineReader};
use std::path::PathBuf;

/// Forms fail2ban's normal mode counts that rampart leaves alone, with why.
const NOT_READ: &[(&str, &str)] = &[(
    "refused connect from ",
    "tcpd's refusal of a connection: no login was tried",
)];

fn fail2ban_logs() -> Option<PathBuf> {
    let rel = "fail2ban/tests/files/logs";
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut candidates = Vec::new();
    if let Some(dir) = std::env::var_os("RAMPART_FAIL2BAN_TESTS") {
        candidates.push(PathBuf::from(dir));
    }
    candidates.push(
        here.join("../../target/third-party/fail2ban/usr/lib/python3/dist-packages")
            .join(rel),
    );
    let found = candidates.into_iter().find(|p| p.join("sshd").is_file());
    if found.is_none() {
        // Third-party material fetched from Debian's archive: like `../shared`, its absence
        // is a visible skip, never a failure (an archive that cannot be reached must not turn
        // every other check red).
        println!(
            "SKIP: fail2ban's test logs are absent (run scripts/setup-log-corpora.sh, or set \
             RAMPART_FAIL2BAN_TESTS)"
        );
    }
    found
}

/// A reader of one format, for lines without a file around them.
fn reader(format: &str) -> LineReader {
    let spec = FormatSpec {
        format: format.into(),
        syslog_year: Some(2005),
        ..Default::default()
    };
    LineReader::new(&spec, b"").expect("a format rampart knows")
}

/// Whether options of a `# filterOptions:` line include fail2ban's normal mode of `sshd`.
fn includes_normal_mode(options: &serde_json::Value) -> bool {
    let list = match options {
        serde_json::Value::Array(a) => a.clone(),
        o => vec![o.clone()],
    };
    list.iter().any(|o| {
        let mode = o.get("mode").and_then(|m| m.as_str()).unwrap_or("normal");
        let cond = o
            .get("test.condition")
            .and_then(|c| c.as_str())
            .unwrap_or("");
        mode == "normal" && (cond.is_empty() || cond.replace(' ', "") == "name=='sshd'")
    })
}

/// Whether a label's `constraint` holds for the `sshd` filter in normal mode.
fn holds_in_normal_mode(constraint: &str) -> bool {
    let c = constraint.replace(' ', "");
    if c.contains("name=='sshd-journal'") {
        return false;
    }
    !(c.contains("=='aggressive'") || c.contains("=='ddos'") || c.contains("=='extra'"))
}

struct Label {
    line_no: usize,
    line: String,
    failure: bool,
    host: Option<String>,
}

fn labels(text: &str) -> Vec<Label> {
    let mut out = Vec::new();
    let mut normal = true;
    let mut pending: Option<serde_json::Value> = None;
    for (i, line) in text.lines().enumerate() {
        if let Some(o) = line.strip_prefix("# filterOptions:") {
            normal =
                includes_normal_mode(&serde_json::from_str(o.trim()).expect("filterOptions JSON"));
        } else if let Some(j) = line.strip_prefix("# failJSON:") {
            pending = Some(serde_json::from_str(j.trim()).expect("failJSON"));
        } else if line.starts_with('#') || line.trim().is_empty() {
            continue;
        } else if let Some(label) = pending.take() {
            let constraint = label
                .get("constraint")
                .and_then(|c| c.as_str())
                .unwrap_or("");
            if !normal || !holds_in_normal_mode(constraint) {
                continue;
            }
            out.push(Label {
                line_no: i + 1,
                line: line.to_string(),
                failure: label["match"].as_bool().unwrap_or(false),
                host: label
                    .get("host")
                    .and_then(|h| h.as_str())
                    .map(str::to_string),
            });
        }
    }
    out
}

#[test]
fn sshd_lines_read_as_fail2ban_labels_them() {
    let Some(dir) = fail2ban_logs() else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("sshd")).expect("fail2ban's sshd test log");
    let mut sshd = reader("sshd");
    // No line, nor any cut of one (a log truncated mid-line), makes the reader panic.
    for line in text.lines() {
        for end in (0..=line.len()).filter(|&e| line.is_char_boundary(e)) {
            sshd.read(&line[..end]);
        }
    }
    let labels = labels(&text);
    assert!(labels.len() > 100, "only {} labels read", labels.len());

    let (mut failures, mut read, mut by_connection, mut not_read) = (0, 0, 0, 0);
    let (mut others, mut counted_others, mut closed_others) = (0, Vec::new(), Vec::new());
    let (mut missed, mut wrong_host) = (Vec::new(), Vec::new());
    for l in &labels {
        let r = sshd.read(&l.line);
        let reading = r.as_ref().map_or("unreadable", |r| r.reading);
        match (&l.host, l.failure) {
            (Some(host), true) => {
                failures += 1;
                let r = r.as_ref();
                if matches!(reading, "failure" | "pam failure" | "noted" | "closed")
                    && r.is_some_and(|r| !r.client.is_empty())
                {
                    if r.is_some_and(|r| &r.client == host) {
                        read += 1;
                    } else {
                        wrong_host.push(l);
                    }
                } else if (reading == "ended" && r.is_some_and(|r| &r.client == host))
                    || (reading == "closed" && r.is_some_and(|r| r.client.is_empty()))
                {
                    // fail2ban counts this line for its connection's earlier lines (or gives it
                    // the address of the connection's last line); so does rampart, through
                    // sshd's process id.
                    by_connection += 1;
                } else if reading == "accepted" && r.is_some_and(|r| &r.client == host) {
                    // fail2ban judges this connection by the other users it tried before
                    // logging in; rampart reads the login and reports it after failures.
                    by_connection += 1;
                } else if NOT_READ.iter().any(|(form, _)| l.line.contains(form)) {
                    not_read += 1;
                } else {
                    missed.push((l, reading));
                }
            }
            (_, false) => {
                others += 1;
                if reading == "failure" || reading == "pam failure" {
                    counted_others.push(l);
                }
                if reading == "closed" {
                    // Counted once for its connection if nothing else was (fail2ban counts
                    // these only in its aggressive mode).
                    closed_others.push(l);
                }
            }
            (None, true) => {}
        }
    }
    println!(
        "fail2ban sshd labels (normal mode): {failures} failure lines with a host: {read} read \
         with the same host, {by_connection} judged by their connection, {not_read} \
         forms rampart does not read, {} missed, {} with another host; {others} non-failure \
         lines, {} of them counted as a failure, {} read as a session closed before \
         authenticating",
        missed.len(),
        wrong_host.len(),
        counted_others.len(),
        closed_others.len()
    );
    for l in &closed_others {
        println!(
            "  closed, labelled no failure (line {}): {}",
            l.line_no, l.line
        );
    }
    for (l, reading) in &missed {
        println!(
            "  missed (line {}, read as {reading}): {}",
            l.line_no, l.line
        );
    }
    for l in &wrong_host {
        println!("  other host (line {}): {}", l.line_no, l.line);
    }
    for l in &counted_others {
        println!(
            "  counted, labelled no failure (line {}): {}",
            l.line_no, l.line
        );
    }
    assert!(missed.is_empty(), "failure lines rampart does not read");
    // One line is textually the same as a user-name injection: an SSH-1 client's auth info
    // (`ssh1: ruser … from X`) after an invalid user. rampart takes the last address there, so
    // that a user name like `x from 6.6.6.6 port 1 ssh2: y` can never frame another address.
    assert!(
        wrong_host
            .iter()
            .all(|l| l.line.contains("invalid user") && l.line.contains(" ssh2: from ")),
        "an address taken from the wrong place"
    );
    assert!(wrong_host.len() <= 1);
    assert!(
        counted_others.is_empty(),
        "lines counted as failures that are none"
    );
}

/// nginx's error log (and the access lines among them) against fail2ban's `nginx-http-auth`,
/// `nginx-limit-req` and `nginx-botsearch` labels: each line labelled a failure from a host is
/// read as a request from that host, with the status the detectors need (401 and a failed
/// login, 503 for a rejected request, 404 for a missing path).
#[test]
fn nginx_lines_read_as_fail2ban_labels_them() {
    let Some(dir) = fail2ban_logs() else {
        return;
    };
    let (mut combined, mut nginx_error) = (reader("combined"), reader("nginx_error"));
    let mut table = Vec::new();
    for (file, want) in [
        ("nginx-http-auth", 401u16),
        ("nginx-limit-req", 503),
        ("nginx-botsearch", 404),
    ] {
        let text = std::fs::read_to_string(dir.join(file)).expect("fail2ban's test log");
        let (mut labelled, mut read, mut unnamed, mut missed) = (0, 0, 0, Vec::new());
        for l in labels(&text).iter().filter(|l| l.failure) {
            let Some(host) = &l.host else { continue };
            labelled += 1;
            let format = if l.line.contains("] \"") {
                &mut combined
            } else {
                &mut nginx_error
            };
            let r = format.read(&l.line).unwrap_or_default();
            let auth_ok = want != 401 || (r.auth_failure && !r.user.is_empty());
            if &r.client == host && r.status == want && auth_ok {
                read += 1;
            } else if r.client.is_empty() && r.status == want {
                // A user name that forges nginx's fields: read as nobody's, never another's.
                unnamed += 1;
            } else {
                missed.push((l.line_no, r, l.line.clone()));
            }
        }
        println!(
            "fail2ban {file} (normal mode): {labelled} failure lines with a host, {read} read from that host with status {want}, {unnamed} read as nobody's, {} missed",
            missed.len()
        );
        for (n, r, line) in &missed {
            println!("  missed (line {n}, read {r:?}): {line}");
        }
        table.push((file, labelled, read, unnamed, missed.len()));
    }
    for (file, labelled, read, unnamed, missed) in table {
        assert_eq!(missed, 0, "{file}: lines not read as labelled");
        assert!(read + unnamed == labelled && read > 0, "{file}");
        assert!(
            unnamed <= 1,
            "{file}: only the user-name injection is nobody's"
        );
    }
}

/// Apache's error log against fail2ban's `apache-auth`, `apache-noscript`, `apache-botsearch`
/// and `apache-overflows` labels: each line labelled a failure from a host is read as a
/// request from that host answered with a 4xx (401 and a failed login for a wrong user or
/// password, 403 for a denied path, 404 for a missing file or script, 400/414 for an invalid
/// or overlong request line).
#[test]
fn apache_lines_read_as_fail2ban_labels_them() {
    let Some(dir) = fail2ban_logs() else {
        return;
    };
    let mut apache = reader("apache_error");
    let mut all_missed = Vec::new();
    for file in [
        "apache-auth",
        "apache-noscript",
        "apache-botsearch",
        "apache-overflows",
    ] {
        let text = std::fs::read_to_string(dir.join(file)).expect("fail2ban's test log");
        let (mut labelled, mut read) = (0, 0);
        let mut statuses = std::collections::BTreeMap::new();
        for l in labels(&text).iter().filter(|l| l.failure) {
            let Some(host) = &l.host else { continue };
            labelled += 1;
            let r = apache.read(&l.line).unwrap_or_default();
            if &r.client == host && (400..500).contains(&r.status) {
                read += 1;
                *statuses.entry(r.status).or_insert(0) += 1;
            } else {
                all_missed.push((file, l.line_no, r, l.line.clone()));
            }
        }
        println!(
            "fail2ban {file} (normal mode): {labelled} failure lines with a host, {read} read from that host as a 4xx {statuses:?}"
        );
    }
    for (file, n, r, line) in &all_missed {
        println!("  missed ({file} line {n}, read {r:?}): {line}");
    }
    assert!(all_missed.is_empty(), "lines not read as labelled");
}
