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

/// True when a real listener was contacted.
fn contacted(listener: &std::net::TcpListener) -> bool {
    listener.set_nonblocking(true).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(50));
    listener.accept().is_ok()
}

#[test]
fn scans_and_probes_of_undeclared_hosts_are_refused_before_any_connection() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    // 127.0.0.1 is not declared: only 127.0.0.2 is.
    std::fs::write(
        dir.path().join("rampart.toml"),
        "[project]\nname = \"x\"\n[scope]\nhosts = [\"127.0.0.2\"]\n",
    )
    .unwrap();
    let p = port.to_string();
    let url = format!("http://127.0.0.1:{port}/");
    let hostport = format!("127.0.0.1:{port}");
    for args in [
        vec!["scan", "ports", "127.0.0.1", "--ports", p.as_str()],
        vec!["scan", "web", url.as_str()],
        vec!["scan", "tls", hostport.as_str()],
        vec!["scan", "ssh", hostport.as_str()],
    ] {
        let out = rampart(dir.path(), &args);
        let t = text(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {t}");
        assert!(t.contains("not in the project's scope"), "{args:?}: {t}");
    }
    // A monitor of an undeclared target is a located error before anything runs (it used to be
    // run and stored as downtime that counted against the SLA); nothing is sent.
    std::fs::write(
        dir.path().join("rampart.toml"),
        format!("[project]\nname = \"x\"\n[scope]\nhosts = [\"127.0.0.2\"]\n[[monitors]]\nname = \"m\"\nurl = \"http://127.0.0.1:{port}/\"\ninterval = \"1s\"\ntimeout = \"500ms\"\n"),
    )
    .unwrap();
    for args in [vec!["validate"], vec!["monitor", "--duration", "2s"]] {
        let out = rampart(dir.path(), &args);
        let t = text(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {t}");
        assert!(
            t.contains("rampart.toml:7:7:") && t.contains("outside the scope"),
            "{args:?}: {t}"
        );
    }
    assert!(!contacted(&listener), "the undeclared host was contacted");
}

#[test]
fn database_precedence_is_default_then_file_then_environment_then_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let run = |extra_env: Option<&str>, flag: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rampart"));
        cmd.current_dir(d)
            .env_remove("RAMPART_PROJECT")
            .env_remove("RAMPART_DATABASE");
        if let Some(e) = extra_env {
            cmd.env("RAMPART_DATABASE", e);
        }
        if let Some(f) = flag {
            cmd.args(["--database", f]);
        }
        let out = cmd.args(["report", "--format", "json"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    };
    std::fs::write(d.join("rampart.toml"), "[project]\nname = \"x\"\n").unwrap();
    run(None, None);
    assert!(
        d.join("rampart.db").exists(),
        "default: rampart.db next to the project file"
    );
    std::fs::write(
        d.join("rampart.toml"),
        "[project]\nname = \"x\"\ndatabase = \"file.db\"\n",
    )
    .unwrap();
    run(None, None);
    assert!(
        d.join("file.db").exists(),
        "the project file wins over the default"
    );
    run(
        Some(&format!("sqlite://{}", d.join("env.db").display())),
        None,
    );
    assert!(
        d.join("env.db").exists(),
        "the environment wins over the project file"
    );
    run(
        Some(&format!("sqlite://{}", d.join("env2.db").display())),
        Some(&format!("sqlite://{}", d.join("flag.db").display())),
    );
    assert!(
        d.join("flag.db").exists() && !d.join("env2.db").exists(),
        "the command line wins over the environment"
    );
}
