//! `rampart scan web` end to end, regressions of issue 14: credentials in the start URL are
//! printed nowhere (text, JSON, stderr), and a server whose answers cannot be read yields a
//! reported finding, not a silent "0 findings".

use std::io::{Read, Write};
use std::process::Command;

fn project(dir: &std::path::Path) -> std::path::PathBuf {
    let p = dir.join("rampart.toml");
    std::fs::write(
        &p,
        "[project]\nname = \"t\"\n[scope]\nhosts = [\"127.0.0.1\"]\n",
    )
    .unwrap();
    p
}

/// Answers every connection with `answer` (a bounded number of connections).
fn serve(answer: &'static [u8]) -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in l.incoming().take(200).flatten() {
            let mut s = s;
            let _ = s.set_read_timeout(Some(std::time::Duration::from_secs(2)));
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let _ = s.write_all(answer);
        }
    });
    port
}

fn scan(dir: &std::path::Path, url: &str, format: &str) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(["-p", project(dir).to_str().unwrap(), "scan", "web", url])
        .args(["--no-discovery", "--login-burst", "0", "--format", format])
        .output()
        .unwrap();
    (
        out.status.code() == Some(0) || out.status.code() == Some(1),
        format!(
            "{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn credentials_in_the_url_are_never_printed() {
    let dir = tempfile::tempdir().unwrap();
    let port = serve(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 12\r\nConnection: close\r\n\r\n<p>hello</p>",
    );
    for format in ["text", "json"] {
        let (ran, out) = scan(
            dir.path(),
            &format!("http://scanuser:Sup3rSecretPw@127.0.0.1:{port}/"),
            format,
        );
        assert!(ran, "{out}");
        assert!(!out.contains("Sup3rSecretPw"), "{format}: {out}");
        assert!(!out.contains("scanuser:"), "{format}: {out}");
    }
}

#[test]
fn an_unreadable_answer_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let port = serve(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Bad: a\x01b\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
    );
    let (_, out) = scan(dir.path(), &format!("http://127.0.0.1:{port}/"), "text");
    assert!(out.contains("RA-WEB-UNREADABLE-RESPONSE"), "{out}");
}

/// A crawl that stops at --max-pages with links left says so: a warning on stderr, the count in
/// the JSON report and the text summary.
#[test]
fn a_crawl_cut_short_by_max_pages_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let body =
        "<a href=\"/a1\">1</a><a href=\"/a2\">2</a><a href=\"/a3\">3</a><a href=\"/a4\">4</a>";
    let answer = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let port = serve(Box::leak(answer.into_bytes().into_boxed_slice()));
    let run = |format: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_rampart"))
            .args(["-p", project(dir.path()).to_str().unwrap(), "scan", "web"])
            .arg(format!("http://127.0.0.1:{port}/"))
            .args(["--no-discovery", "--passive", "--login-burst", "0"])
            .args(["--max-pages", "2", "--format", format])
            .output()
            .unwrap();
        assert!(out.status.code() == Some(0), "{out:?}");
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (json, err) = run("json");
    assert!(err.contains("raise --max-pages"), "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["crawl_left"], 3, "{json}");
    let (text, _) = run("text");
    assert!(
        text.contains("CRAWL STOPPED at 2 pages with 3 links found but not fetched"),
        "{text}"
    );
}
