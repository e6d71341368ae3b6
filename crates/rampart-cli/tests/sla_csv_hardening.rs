//! `rampart sla import` rejects malformed rows with their line (exit 2, nothing written), counts a
//! repeated row once, and reads back what `rampart sla export` writes, line breaks and all.

use std::path::Path;
use std::process::{Command, Output};

fn rampart(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(args)
        .current_dir(dir)
        .env_remove("RAMPART_PROJECT")
        .env_remove("RAMPART_DATABASE")
        .env("RAMPART_LOG", "error")
        .output()
        .expect("run rampart")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn bad_rows_exit_2_with_their_line_and_nothing_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        // a two-column row
        ("short.csv", "timestamp,url,status,latency_ms\n2024-05-01T12:00:00Z,http://a/,200,1\n2024-05-01T12:00:01Z,http://a/\n", "short.csv:3: 2 field(s)"),
        // an unbalanced quote swallowing the next line
        ("quote.csv", "timestamp,url,status,latency_ms,error\n2024-05-01T12:00:00Z,\"http://a/,200,1,\n2024-05-01T12:00:01Z,http://a/,200,1,\n", "quote.csv:2: "),
        // a bad value
        ("value.csv", "timestamp,url,status,latency_ms\n2024-05-01T12:00:00Z,http://a/,200,1\n2024-05-01T12:00:01Z,http://a/,abc,1\n", "value.csv:3: status \"abc\""),
    ];
    for (name, text, expected) in cases {
        std::fs::write(dir.path().join(name), text).unwrap();
        let out = rampart(dir.path(), &["sla", "import", name, "--database", "t.db"]);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
        assert!(stderr(&out).contains(expected), "{name}: {}", stderr(&out));
    }
    // Nothing was half-imported: the store holds no observations.
    let out = rampart(dir.path(), &["sla", "export", "--database", "t.db"]);
    let csv = String::from_utf8_lossy(&out.stdout);
    assert_eq!(csv.lines().count(), 1, "{csv}{}", stderr(&out));
}

#[test]
fn duplicate_rows_count_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("timestamp,url,status,latency_ms\n");
    for i in 0..60 {
        csv.push_str(&format!("2024-05-01T12:00:{i:02}Z,http://a/,200,1\n"));
    }
    // The same minute again: a copy-paste that used to count every probe twice (coverage 200 %).
    let again = csv.lines().skip(1).collect::<Vec<_>>().join("\n");
    csv.push_str(&again);
    csv.push('\n');
    std::fs::write(dir.path().join("p.csv"), csv).unwrap();
    let out = rampart(dir.path(), &["sla", "import", "p.csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("imported 60 observation(s) (0 failed, 60 duplicate row(s) skipped)"),
        "{stdout}"
    );
    let out = rampart(dir.path(), &["sla", "report", "--format", "json"]);
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["monitors"][0]["probes"], 60);
    assert_eq!(r["monitors"][0]["coverage"]["coverage_percent"], 100.0);
}

#[test]
fn export_then_import_round_trips_line_breaks_and_quotes() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "timestamp,url,status,latency_ms,error\n\
        2024-05-01T12:00:00Z,http://a/,200,1.5,\n\
        2024-05-01T12:00:01Z,http://a/,,,\"reset by peer\nsecond line, \"\"quoted\"\"\"\n\
        2024-05-01T12:00:02Z,http://a/,500,3,\n";
    std::fs::write(dir.path().join("in.csv"), csv).unwrap();
    let out = rampart(
        dir.path(),
        &["sla", "import", "in.csv", "--database", "a.db"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = rampart(
        dir.path(),
        &["sla", "export", "--database", "a.db", "-o", "out.csv"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let exported = std::fs::read_to_string(dir.path().join("out.csv")).unwrap();
    assert!(
        exported.contains("\"reset by peer\nsecond line, \"\"quoted\"\"\""),
        "{exported}"
    );
    let out = rampart(
        dir.path(),
        &["sla", "import", "out.csv", "--database", "b.db"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("imported 3 observation(s) (2 failed)"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = rampart(dir.path(), &["sla", "export", "--database", "b.db"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), exported);
}
