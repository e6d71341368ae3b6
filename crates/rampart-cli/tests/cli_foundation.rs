//! The foundation's promises, through the real binary: exit codes, located errors, init, demo.

use std::path::Path;
use std::process::{Command, Output};

fn rampart(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(args)
        .current_dir(dir)
        .env_remove("RAMPART_PROJECT")
        .env_remove("RAMPART_DATABASE")
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

#[test]
fn validate_reports_every_error_with_line_and_column_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("rampart.toml"),
        "[project]\nname = \"x\"\n\n[scope]\nhosts = [\"127.0.0.1\"]\n\n[[monitors]]\nname = \"api\"\nurl = \"http://127.0.0.1/\"\nintervall = \"5s\"\n\n[[hosts]]\naddress = \"127.0.0.1\"\nports = \"22\"\n\n[[risks]]\nid = \"r1\"\nasset = \"a\"\ntitle = \"t\"\nseverity = \"Critical\"\nlikelihood = { percent = 140.0, horizon = \"1 year\" }\n",
    )
    .unwrap();
    let out = rampart(dir.path(), &["validate"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(
        t.contains("rampart.toml:10:1:")
            && t.contains("unknown field `intervall`")
            && t.contains("did you mean `interval`"),
        "{t}"
    );
    assert!(
        t.contains("rampart.toml:14:9:") && t.contains("hosts[0].ports"),
        "{t}"
    );
    assert!(
        t.contains("rampart.toml:21:26:") && t.contains("between 0 and 100"),
        "{t}"
    );
    assert!(t.contains("3 errors"), "{t}");

    let json = rampart(dir.path(), &["validate", "--format", "json"]);
    assert_eq!(json.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["errors"].as_array().unwrap().len(), 3);
    assert_eq!(v["errors"][0]["line"], 10);
}

#[test]
fn init_writes_a_valid_scoped_starter_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let out = rampart(
        dir.path(),
        &[
            "init",
            "--scope",
            "127.0.0.1",
            "--scope",
            "http://127.0.0.1:8080/",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let file = std::fs::read_to_string(dir.path().join("rampart.toml")).unwrap();
    assert!(file.contains("hosts = [\"127.0.0.1\"]"));
    assert!(file.contains("[[monitors]]") && file.contains("url = \"http://127.0.0.1:8080/\""));
    assert_eq!(rampart(dir.path(), &["validate"]).status.code(), Some(0));
    let again = rampart(dir.path(), &["init"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again).contains("already exists"));
    let bad = rampart(dir.path(), &["init", "--force", "--scope", "10.0.0.0/99"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad).contains("not a valid CIDR"), "{}", text(&bad));
}

#[test]
fn usage_errors_exit_2_and_missing_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        rampart(dir.path(), &["no-such-command"]).status.code(),
        Some(2)
    );
    let out = rampart(dir.path(), &["validate", "missing.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("missing.toml") && text(&out).contains("cannot read"),
        "{}",
        text(&out)
    );
    let out = rampart(dir.path(), &["validate", "--format", "pdf", "x.toml"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn demo_runs_and_names_its_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = rampart(dir.path(), &["demo", "--dir", "d", "--duration", "3s"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    let report = dir.path().join("d/report.html");
    assert!(
        t.contains(&report.canonicalize().unwrap().display().to_string()),
        "{t}"
    );
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(
        html.contains("api-latest") && html.contains("RA-PORT-UNEXPECTED"),
        "the admin port is found"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("d/report.json")).unwrap())
            .unwrap();
    assert!(json["probes_sent"].as_u64().unwrap() >= 4);
    assert_eq!(
        rampart(&dir.path().join("d"), &["validate"]).status.code(),
        Some(0)
    );
}
