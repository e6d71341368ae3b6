//! Several agents (one per region) write to one database; the report groups by agent.
//! On PostgreSQL when RAMPART_TEST_POSTGRES_URL is set (scripts/test starts one), else on one
//! shared SQLite file written by both processes at once.

#[path = "../../rampart-sla/tests/common/mod.rs"]
mod common;

use std::path::Path;
use std::process::Command;

fn rampart(dir: &Path, db: &str, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rampart"));
    c.args(["--database", db])
        .args(args)
        .current_dir(dir)
        .env_remove("RAMPART_PROJECT")
        .env_remove("RAMPART_DATABASE")
        .env("RAMPART_LOG", "error");
    c
}

#[test]
fn two_agents_one_database_report_by_agent() {
    let Some(nginx) = common::Nginx::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let name = format!(
        "agents-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_micros()
    );
    std::fs::write(
        dir.path().join("rampart.toml"),
        format!(
            "[project]\nname = \"agents\"\n[scope]\nhosts = [\"127.0.0.1\"]\n\
             [[monitors]]\nname = \"{name}\"\nurl = \"http://127.0.0.1:{}/\"\ninterval = \"500ms\"\ntimeout = \"500ms\"\n",
            nginx.port
        ),
    )
    .unwrap();
    let db = std::env::var("RAMPART_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| format!("sqlite://{}", dir.path().join("shared.db").display()));
    let mut eu = rampart(
        dir.path(),
        &db,
        &["monitor", "-q", "--agent", "eu-west", "--duration", "3s"],
    )
    .spawn()
    .unwrap();
    let mut us = rampart(
        dir.path(),
        &db,
        &["monitor", "-q", "--agent", "us-east", "--duration", "3s"],
    )
    .spawn()
    .unwrap();
    assert!(eu.wait().unwrap().success());
    assert!(us.wait().unwrap().success());

    let out = rampart(
        dir.path(),
        &db,
        &[
            "sla",
            "report",
            "--by-agent",
            "--monitor",
            &name,
            "--format",
            "json",
        ],
    )
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let agents: Vec<&str> = r["monitors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["agent"].as_str().unwrap())
        .collect();
    assert_eq!(agents, ["eu-west", "us-east"]);
    for m in r["monitors"].as_array().unwrap() {
        // At most 6 ticks fit in 3 s at 500 ms (fewer if a tick had to be skipped on a busy machine).
        let n = m["probes"].as_u64().unwrap();
        assert!((1..=6).contains(&n), "{m}");
        assert_eq!(m["failed"], 0);
    }
    // Clauses are evaluated per agent too.
    assert!(r["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["agent"] == "us-east"));
}
