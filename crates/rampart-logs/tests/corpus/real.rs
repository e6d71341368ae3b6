//! The real and seed logs of the corpus, with their expected episodes.
//!
//! - `seed-register-burst` (generated for rampart, in `tests/data`): one episode, the
//!   Wednesday-evening burst of 400s on `/register`.
//! - `OpenSSH_2k` (loghub, third-party, read from `../shared` and skipped when absent): the
//!   sources that fail 5 or more times within 10 minutes (fail2ban's sshd jail), labelled by
//!   counting the log's `Failed …` lines per source (52.80.34.196's five failures over three
//!   hours are not such a run). One episode per source: concurrent sources that rampart
//!   reports as one incident each count as found.

#![allow(dead_code)]

use super::generate::{CorpusLog, Expected};
use std::path::PathBuf;

pub const SSH_SOURCES: [&str; 11] = [
    "183.62.140.253",
    "187.141.143.180",
    "103.99.0.122",
    "112.95.230.3",
    "5.188.10.180",
    "185.190.58.151",
    "123.235.32.19",
    "5.36.59.76",
    "106.5.5.195",
    "119.4.203.64",
    "60.2.12.12",
];

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// The loghub sample in the nearest `shared/fixtures/logs` above the crate (`../shared` of the
/// repository checkout, wherever the worktree sits).
pub fn shared_openssh() -> PathBuf {
    let rel = "shared/fixtures/logs/OpenSSH_2k.log";
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .map(|a| a.join(rel))
        .find(|p| p.exists())
        .unwrap_or_else(|| here.join("../../..").join(rel))
}

/// The seed log and, when present, the OpenSSH sample.
pub fn all() -> Vec<CorpusLog> {
    let mut out = Vec::new();
    let seed = std::fs::read_to_string(data("seed-register-burst.access.log")).expect("seed log");
    let exp: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(data("seed-register-burst.expected.json")).expect("expected"),
    )
    .expect("expected json");
    let e = &exp["incidents"][0];
    let ts = |v: &serde_json::Value| {
        chrono::DateTime::parse_from_rfc3339(v.as_str().expect("time"))
            .expect("rfc3339")
            .timestamp()
    };
    out.push(CorpusLog {
        name: "seed-register-burst",
        text: seed,
        expected: vec![Expected {
            name: "register burst",
            kind: "error_burst",
            clients: vec![e["ip"].as_str().expect("ip").to_string()],
            from: ts(&e["from"]),
            to: ts(&e["to"]),
        }],
        // The seed's ordinary clients: everyone but the burst's.
        ordinary: Vec::new(),
    });
    if let Ok(text) = std::fs::read_to_string(shared_openssh()) {
        out.push(CorpusLog {
            name: "OpenSSH_2k",
            text,
            expected: SSH_SOURCES
                .iter()
                .map(|ip| Expected {
                    name: "ssh source",
                    kind: "ssh_brute_force",
                    clients: vec![ip.to_string()],
                    // The sample is one morning; its year is the configured syslog_year.
                    from: 1_733_788_800,
                    to: 1_733_875_200,
                })
                .collect(),
            ordinary: Vec::new(),
        });
    } else {
        eprintln!(
            "SKIP: {} not present (third-party fixture lives in ../shared)",
            shared_openssh().display()
        );
    }
    out
}
