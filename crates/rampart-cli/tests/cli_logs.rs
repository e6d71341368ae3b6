//! `rampart logs analyze` through the real binary: the seed fixture, stdin, the store, --follow.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../rampart-logs/tests/data/seed-register-burst.access.log")
}

fn rampart(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rampart"));
    c.current_dir(dir)
        .env_remove("RAMPART_PROJECT")
        .env_remove("RAMPART_DATABASE");
    c
}

#[test]
fn seed_fixture_gives_one_incident_in_json_and_saves_findings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("rampart.toml"),
        format!(
            "[project]\nname = \"minitwit\"\n\n[logs]\nsources = [{{ path = \"{}\" }}]\n",
            fixture().display()
        ),
    )
    .unwrap();
    let out = rampart(dir.path())
        .args(["logs", "analyze", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let inc = v["incidents"].as_array().unwrap();
    assert_eq!(inc.len(), 1);
    for key in [
        "kind", "clients", "paths", "from", "to", "count", "verdict", "why", "evidence",
    ] {
        assert!(inc[0].get(key).is_some(), "missing {key}");
    }
    assert_eq!(inc[0]["clients"][0], "83.92.14.201");
    assert_eq!(inc[0]["count"], 140);
    assert!(inc[0]["evidence"][0]["line"].as_u64().unwrap() > 0);
    // Saved for the combined report: read back through the store's own interface.
    let db = dir.path().join("rampart.db");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (findings, incidents) = rt.block_on(async {
        let store = rampart_store::Store::open(&format!("sqlite://{}", db.display()))
            .await
            .unwrap();
        let f = store.tracked_findings(Some("logs")).await.unwrap();
        let i = store.incidents(None).await.unwrap();
        store.close().await;
        (f, i)
    });
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let f = &findings[0];
    assert_eq!(f.source, "logs");
    assert_eq!(f.finding.rule, "RA-LOG-ERROR-BURST");
    assert_eq!(f.finding.target, fixture().display().to_string());
    assert!(
        f.finding.title.contains("83.92.14.201"),
        "{}",
        f.finding.title
    );
    assert!(
        f.finding.evidence.notes[0].starts_with(&format!(
            "line {}: 83.92.14.201",
            inc[0]["evidence"][0]["line"]
        )),
        "{:?}",
        f.finding.evidence.notes
    );
    assert_eq!(incidents.len(), 1, "{incidents:#?}");
    let i = &incidents[0];
    assert_eq!(i.kind, rampart_model::IncidentKind::ErrorBurst);
    assert_eq!(i.target, fixture().display().to_string());
    // 18:24:02 +02:00 is 16:24:02 UTC; the window is the JSON's.
    assert_eq!(
        i.started_at.timestamp(),
        inc[0]["from_ts"].as_i64().unwrap()
    );
    assert_eq!(i.ended_at.map(|t| t.timestamp()), inc[0]["to_ts"].as_i64());
    assert_eq!(i.started_at.to_rfc3339(), "2020-04-15T16:24:02+00:00");
    assert_eq!(i.details["clients"][0], "83.92.14.201");
    assert_eq!(i.details["count"], 140);
    assert_eq!(i.details["verdict"], inc[0]["verdict"]);

    // Running again refreshes the finding (same fingerprint), it does not add one.
    let out = rampart(dir.path())
        .args(["logs", "analyze", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let again = rt.block_on(async {
        let store = rampart_store::Store::open(&format!("sqlite://{}", db.display()))
            .await
            .unwrap();
        let f = store.tracked_findings(Some("logs")).await.unwrap();
        store.close().await;
        f
    });
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].first_seen, f.first_seen);

    // --no-store leaves the database as it was.
    let out = rampart(dir.path())
        .args(["logs", "analyze", "--no-store", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let n = rt.block_on(async {
        let store = rampart_store::Store::open(&format!("sqlite://{}", db.display()))
            .await
            .unwrap();
        let n = store.incidents(None).await.unwrap().len();
        store.close().await;
        n
    });
    assert_eq!(
        n, 2,
        "the second run added its incident, the --no-store run none"
    );
}

/// The log lines without terminal colours (field names may be styled).
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn verbose_shows_what_was_read() {
    let dir = tempfile::tempdir().unwrap();
    let out = rampart(dir.path())
        .args(["-v", "logs", "analyze", "--format", "json"])
        .arg(fixture())
        .env_remove("RAMPART_LOG")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = strip_ansi(&String::from_utf8_lossy(&out.stderr));
    assert!(err.contains("log opened"), "{err}");
    assert!(
        err.contains("format=\"combined\"") || err.contains("format=combined"),
        "{err}"
    );
    assert!(err.contains("lines=43434"), "{err}");
    assert!(err.contains("incidents=1"), "{err}");
    // stdout is still exactly the JSON.
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["incidents"].as_array().unwrap().len(), 1);
}

#[test]
fn stdin_and_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = rampart(dir.path())
        .args(["logs", "analyze", "-", "--format", "md"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let data = std::fs::read(fixture()).unwrap();
    child.stdin.take().unwrap().write_all(&data).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("## Incidents (1)"), "{md}");
    let out = rampart(dir.path())
        .args(["logs", "analyze", "no-such.log"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such.log"));
}

/// A format named wrongly reads nothing: that is an error naming the format the lines look
/// like, not a quiet report of zero incidents.
#[test]
fn a_log_in_another_format_is_an_error_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let out = rampart(dir.path())
        .arg("logs")
        .arg("analyze")
        .arg(fixture())
        .args(["--log-format", "sshd", "--format", "json"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("is in the sshd format") && err.contains("try --log-format combined"),
        "{err}"
    );
    // The report is still written, with the error on its source.
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["sources"][0]["parsed"], 0);
    assert!(v["sources"][0]["error"]
        .as_str()
        .unwrap()
        .contains("combined"));
}

#[test]
fn follow_reports_incidents_as_the_file_grows() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("access.log");
    let text = std::fs::read_to_string(fixture()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // Start with the quiet first day; the burst is appended while rampart follows the file.
    let split = lines
        .iter()
        .position(|l| l.contains("15/Apr/2020:18:00"))
        .unwrap();
    std::fs::write(&log, lines[..split].join("\n") + "\n").unwrap();
    let child = rampart(dir.path())
        .args(["logs", "analyze", "--follow", "--format", "json"])
        .arg(&log)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let mut f = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    f.write_all((lines[split..].join("\n") + "\n").as_bytes())
        .unwrap();
    drop(f);
    // Wait (at most 60 s) for the incident line on stderr while following, then stop with
    // SIGINT as a user would with Ctrl-C.
    let mut child = child;
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("Error burst from 83.92.14.201") {
                let _ = tx.send(());
            }
            seen.push(line);
        }
        seen
    });
    let live = rx.recv_timeout(Duration::from_secs(60)).is_ok();
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let err = reader.join().unwrap().join("\n");
    assert!(live, "no incident reported while following: {err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(
        err.matches("Error burst").count(),
        1,
        "reported once: {err}"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["incidents"].as_array().unwrap().len(), 1);
    assert_eq!(v["sources"][0]["lines"], 43434);
}
