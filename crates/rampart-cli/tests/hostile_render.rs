//! Hostile strings through every command and every format. Names, log lines, banners, URLs and
//! an imported model's owner and reviewer carry script tags, `onerror` attributes, Markdown links
//! to `javascript:`, terminal escapes (`\x1b]0;…\x07`, `\x1b[2J`), a spreadsheet formula and a
//! very long word. Whatever comes out: nothing executable in HTML or in Markdown as GitHub renders
//! it, no raw control byte on the terminal, no live formula in CSV — and the hostile data is still
//! there, shown as text. Only 127.0.0.1 is contacted (two small servers this test runs).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Script, event handler, link to `javascript:`, OSC title + BEL, clear screen, CSI 31m.
const EVIL: &str = "<script>alert(1)</script><img src=x onerror=alert(2)> [click](javascript:alert(3)) \x1b]0;pwned\x07\x1b[2J\u{9b}31m";
/// A formula a spreadsheet would run if a cell started with it.
const FORMULA: &str = "=HYPERLINK(\"http://evil.invalid/\",\"open\")";

fn long_word() -> String {
    "Supercalifragilistic".repeat(20)
}

fn rampart(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(args)
        .current_dir(dir)
        .env_remove("RAMPART_PROJECT")
        .env_remove("RAMPART_DATABASE")
        .env_remove("RAMPART_LOG")
        .output()
        .expect("run rampart")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Runs and returns stdout; the command may report a failed policy (exit 1) but must run, and
/// neither stream may carry a control byte.
fn run(dir: &Path, args: &[&str]) -> String {
    let o = rampart(dir, args);
    assert!(
        matches!(o.status.code(), Some(0..=1)),
        "{args:?}: {}",
        text(&o)
    );
    no_control_bytes(
        &format!("{args:?} stderr"),
        &String::from_utf8_lossy(&o.stderr),
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A string for a TOML basic string: quotes, backslashes and control characters escaped.
fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn no_control_bytes(what: &str, s: &str) {
    let bad: Vec<(usize, char)> = s
        .char_indices()
        .filter(|(_, c)| c.is_control() && *c != '\n' && *c != '\t' && *c != '\r')
        .take(3)
        .collect();
    assert!(bad.is_empty(), "{what}: raw control characters {bad:?}");
    // A lone CR (not the CSV line end) could overwrite a line on the terminal.
    assert!(
        !s.contains("\r") || s.split("\r\n").all(|p| !p.contains('\r')),
        "{what}: a bare carriage return"
    );
}

/// HTML (a page, or what Markdown renders to): no script, no element from the data, no
/// `javascript:` link, no control byte.
fn safe_html(what: &str, html: &str) {
    let lower = html.to_ascii_lowercase();
    for bad in [
        "<script",
        "<img",
        "href=\"javascript",
        "href='javascript",
        "<svg/",
    ] {
        assert!(!lower.contains(bad), "{what}: {bad} in\n{html}");
    }
    assert!(
        !lower.contains(" onerror=") || !lower.contains("<img"),
        "{what}: an event handler in an element"
    );
    no_control_bytes(what, html);
}

fn check_html(what: &str, page: &str) {
    safe_html(what, page);
    assert!(
        page.contains("Content-Security-Policy") && page.contains("default-src 'none'"),
        "{what}: the page has the strict CSP"
    );
    assert!(
        page.contains("&lt;script&gt;alert(1)"),
        "{what}: the hostile text is shown, escaped"
    );
}

/// Markdown is checked as GitHub would show it: rendered to HTML with raw HTML passed through.
fn check_md(what: &str, md: &str) {
    no_control_bytes(what, md);
    let mut html = String::new();
    let opts =
        pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_STRIKETHROUGH;
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(md, opts));
    safe_html(&format!("{what} (rendered)"), &html);
    assert!(
        html.contains("&lt;script&gt;alert(1)"),
        "{what}: the hostile text is shown as text:\n{md}"
    );
}

fn check_text(what: &str, t: &str) {
    no_control_bytes(what, t);
    // Shown visibly: `\x1b]0;pwned` (Markdown-flavoured text escapes the brackets too).
    assert!(
        t.contains("x1b]0;pwned") || t.contains("x1b\\]0;pwned"),
        "{what}: the escape is shown visibly:\n{t}"
    );
}

fn check_csv(what: &str, csv: &str) {
    no_control_bytes(what, csv);
    // No field of the export spans lines, so each line is one record.
    let fields: Vec<String> = csv
        .lines()
        .flat_map(rampart_report::csv::split_line)
        .collect();
    for f in &fields {
        assert!(
            !f.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "{what}: live formula {f:?}"
        );
    }
    assert!(
        fields.iter().any(|f| f.starts_with("'=HYPERLINK")),
        "{what}: the formula is kept, neutralised:\n{csv}"
    );
}

fn check_json(what: &str, s: &str) -> serde_json::Value {
    no_control_bytes(what, s);
    let v: serde_json::Value =
        serde_json::from_str(s).unwrap_or_else(|e| panic!("{what}: {e}\n{s}"));
    assert!(
        v.to_string().contains("<script>alert(1)"),
        "{what}: JSON keeps the data as it is"
    );
    v
}

/// Every report format of a command that has them all.
fn every_format(dir: &Path, what: &str, args: &[&str], formats: &[&str]) {
    for f in formats {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--format", f]);
        let out = run(dir, &all);
        let label = format!("{what} --format {f}");
        match *f {
            "text" => check_text(&label, &out),
            "md" => check_md(&label, &out),
            "html" => check_html(&label, &out),
            "json" => {
                check_json(&label, &out);
            }
            "sarif" => {
                let v: serde_json::Value = serde_json::from_str(&out).unwrap();
                assert_eq!(v["version"], "2.1.0", "{label}");
                no_control_bytes(&label, &out);
            }
            "csv" => check_csv(&label, &out),
            other => unreachable!("{other}"),
        }
    }
}

/// Two servers on 127.0.0.1: one greets with a hostile banner (like SSH or SMTP), one answers
/// HTTP with a hostile title and Server header. Stopped when dropped.
struct Servers {
    banner: u16,
    http: u16,
    stop: Arc<AtomicBool>,
}

impl Servers {
    fn start() -> Servers {
        let stop = Arc::new(AtomicBool::new(false));
        let serve = |reply: Box<dyn Fn(&mut std::net::TcpStream) + Send>| {
            let l = TcpListener::bind("127.0.0.1:0").unwrap();
            l.set_nonblocking(true).unwrap();
            let port = l.local_addr().unwrap().port();
            let stop = stop.clone();
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match l.accept() {
                        Ok((mut s, _)) => {
                            let _ = s.set_nonblocking(false);
                            let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
                            reply(&mut s);
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(10)),
                    }
                }
            });
            port
        };
        let banner = serve(Box::new(|s| {
            let _ = s.write_all(format!("SSH-2.0-OpenSSH_9.9 {EVIL}\r\n").as_bytes());
            let mut buf = [0u8; 256];
            let _ = s.read(&mut buf);
        }));
        let http = serve(Box::new(|s| {
            let mut buf = [0u8; 2048];
            let _ = s.read(&mut buf);
            let body = format!("<html><head><title>{EVIL}</title></head><body>hi</body></html>");
            let _ = s.write_all(
                format!(
                    "HTTP/1.1 200 OK\r\nServer: evil/1.0 {}\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    EVIL.replace(['\r', '\n'], ""),
                    body.len()
                )
                .as_bytes(),
            );
        }));
        Servers { banner, http, stop }
    }
}

impl Drop for Servers {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn dfd() -> String {
    format!(
        r#"[meta]
name = {name}
owner = {evil}
reviewer = {evil}

[[element]]
id = "browser"
name = {formula}
kind = "browser"

[[element]]
id = "app"
name = {evil}
kind = "web-application"

[[element]]
id = "db"
name = {long}
kind = "sql-database"

[[flow]]
id = "req"
name = {evil}
source = "browser"
target = "app"

[[flow]]
id = "query"
name = "SQL query"
source = "app"
target = "db"

[[boundary]]
id = "server"
name = {evil}
contains = ["app", "db"]
"#,
        name = toml_str(&format!("model {EVIL}")),
        evil = toml_str(EVIL),
        formula = toml_str(FORMULA),
        long = toml_str(&long_word()),
    )
}

fn project(http: u16) -> String {
    format!(
        r#"[project]
name = {name}

[scope]
hosts = ["127.0.0.1"]

[[monitors]]
name = "api"
url = "http://127.0.0.1:{http}/"
interval = "1m"

[[sla]]
name = {evil}
monitor = "api"
uptime_percent = 99
per = "window"

[threats]
model = "dfd.toml"

[[assets]]
id = "data"
name = {evil}

[[risks]]
id = "leak"
asset = "data"
title = {evil}
owner = {formula}
treatment = "modify"
severity_rationale = {long}
likelihood = {{ percent = 50, horizon = "1 year", rationale = {evil} }}
severity = "Critical"
"#,
        name = toml_str(&format!("shop {EVIL}")),
        evil = toml_str(EVIL),
        formula = toml_str(FORMULA),
        long = toml_str(&long_word()),
    )
}

/// An hour of probes of "api", ten failing with a hostile error.
fn probes(http: u16) -> String {
    let mut s = String::from("timestamp,url,status,latency_ms,error\n");
    let err = EVIL.replace(['"', ',', '\n', '\r'], " ");
    for i in 0..60 {
        let (status, e) = if (20..30).contains(&i) {
            (500, err.as_str())
        } else {
            (200, "")
        };
        s.push_str(&format!(
            "2026-03-01T10:{i:02}:00Z,http://127.0.0.1:{http}/<script>alert(1)</script>,{status},{},{e}\n",
            40 + i
        ));
    }
    s
}

/// An access log: a burst of probing with hostile paths and user agents, and malformed lines.
fn access_log() -> String {
    let mut s = String::new();
    let ua = EVIL.replace('"', "'");
    for i in 0..400 {
        let (m, sec) = (i / 60, i % 60);
        s.push_str(&format!(
            "203.0.113.7 - - [01/Mar/2026:10:{m:02}:{sec:02} +0000] \"GET /search?q=<script>alert(1)</script>&n={i}' OR 1=1-- HTTP/1.1\" 500 512 \"-\" \"{ua}\"\n"
        ));
    }
    s.push_str(&format!("not a log line {EVIL}\n"));
    s.push_str(&format!("{FORMULA} \x1b[2J also not a log line\n"));
    s
}

fn hostile_tm7(fixture: &Path) -> String {
    let tm7 = std::fs::read_to_string(fixture).unwrap();
    let xml = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    // Control characters are not allowed in XML 1.0: the owner carries them as text a TMT file
    // could hold (`&#x1b;` is rejected by strict parsers), so only markup and links here.
    let evil = xml(EVIL.split('\x1b').next().unwrap());
    let out = tm7
        .replace(
            "<Owner>rampart</Owner><Reviewer/>",
            &format!("<Owner>{evil}</Owner><Reviewer>{evil}</Reviewer>"),
        )
        .replace(
            "<ThreatModelName>Two zones</ThreatModelName>",
            &format!("<ThreatModelName>{evil}</ThreatModelName>"),
        );
    assert_ne!(out, tm7, "the fixture's owner and reviewer were replaced");
    out
}

#[test]
fn hostile_strings_are_inert_in_every_command_and_format() {
    let servers = Servers::start();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("rampart.toml"), project(servers.http)).unwrap();
    std::fs::write(d.join("dfd.toml"), dfd()).unwrap();
    std::fs::write(d.join("probes.csv"), probes(servers.http)).unwrap();
    std::fs::write(d.join("access.log"), access_log()).unwrap();

    // validate: the project name is printed back.
    let out = run(d, &["validate"]);
    no_control_bytes("validate", &out);
    assert!(out.contains("\\x1b]0;pwned"), "{out}");
    // A broken project file: the error quotes the hostile key, escaped.
    std::fs::write(
        d.join("bad.toml"),
        format!("[project]\nname = \"x\"\n{} = 1\n", toml_str(EVIL)),
    )
    .unwrap();
    let o = rampart(d, &["-p", "bad.toml", "validate"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    no_control_bytes("validate bad.toml", &text(&o));

    // SLA: a hostile monitor name, URL and error.
    run(
        d,
        &[
            "sla",
            "import",
            "probes.csv",
            "--monitor",
            &format!("api {EVIL}"),
        ],
    );
    run(d, &["sla", "import", "probes.csv"]);
    let formats = ["text", "md", "html", "json"];
    every_format(
        d,
        "sla report",
        &["sla", "report", "--latency-threshold", "500ms"],
        &formats,
    );

    // Threats: the project's hostile model, and an imported .tm7 with a hostile owner/reviewer.
    let all = ["text", "md", "html", "json", "csv"];
    every_format(d, "threats report", &["threats", "report"], &all);
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../rampart-threat/tests/data/two-zones.tm7");
    std::fs::write(d.join("imported.tm7"), hostile_tm7(&fixture)).unwrap();
    run(
        d,
        &["threats", "import", "imported.tm7", "--out-dir", "imported"],
    );
    for f in ["text", "md", "html"] {
        let out = run(
            d,
            &[
                "threats",
                "report",
                "--model",
                "imported/imported.dfd.toml",
                "--format",
                f,
            ],
        );
        let label = format!("imported threats report --format {f}");
        no_control_bytes(&label, &out);
        match f {
            "md" => check_md(&label, &out),
            "html" => check_html(&label, &out),
            _ => assert!(
                out.contains("<script>alert(1)"),
                "{label}: the owner is shown"
            ),
        }
    }
    // Log lines (here INFO, with -v) carry no colour codes when stderr is not a terminal.
    let o = rampart(d, &["-v", "threats", "report"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("INFO") && err.contains("threats generated"),
        "{err}"
    );
    no_control_bytes("threats report -v stderr", &err);
    let csv = run(d, &["threats", "report", "--format", "csv"]);
    check_csv("threats csv", &csv);

    // Logs: hostile paths, user agents and malformed lines; the incidents go to the store.
    let json = check_json(
        "logs analyze --format json",
        &run(
            d,
            &[
                "logs",
                "analyze",
                "access.log",
                "--format",
                "json",
                "--no-store",
            ],
        ),
    );
    assert!(
        !json["incidents"].as_array().unwrap().is_empty(),
        "the burst is an incident, so its evidence is rendered"
    );
    every_format(
        d,
        "logs analyze",
        &["logs", "analyze", "access.log", "--no-store"],
        &["text", "md", "html"],
    );
    run(d, &["logs", "analyze", "access.log", "--format", "json"]);

    // Scans: a hostile banner and a hostile web page.
    let ports = format!("{},{}", servers.banner, servers.http);
    every_format(
        d,
        "scan ports",
        &["scan", "ports", "127.0.0.1", "--ports", &ports],
        &["text", "md", "html", "json", "sarif"],
    );
    // The SSH scan reads the hostile banner, then the server hangs up: an error that quotes it.
    let o = rampart(
        d,
        &["scan", "ssh", &format!("127.0.0.1:{}", servers.banner)],
    );
    no_control_bytes("scan ssh", &text(&o));

    // Risks and the combined report, with the hostile project name.
    every_format(d, "risks", &["risks"], &formats);
    every_format(
        d,
        "report",
        &["report"],
        &["text", "md", "html", "json", "sarif"],
    );
    let check = run(d, &["check", "--format", "md"]);
    no_control_bytes("check --format md", &check);
    drop(servers);
}
