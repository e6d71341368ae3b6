//! Must-show: `rampart sla import FILE` then `rampart sla report --format json` in the same
//! folder gives the seed's figures and the truths its spreadsheet hid.

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

fn fixture() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../rampart-sla/tests/data/seed-minitwit-probes.csv")
}

#[test]
fn import_then_report_gives_the_seed_figures() {
    let dir = tempfile::tempdir().unwrap();
    let csv = fixture();
    let out = rampart(dir.path(), &["sla", "import", csv.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("imported 22052 observation(s) (0 failed)")
    );
    assert!(
        dir.path().join("rampart.db").exists(),
        "store = rampart.db in the current folder"
    );

    let out = rampart(dir.path(), &["sla", "report", "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let m = &r["monitors"][0];
    assert_eq!(m["probes"], 22_052);
    assert_eq!(m["failed"], 0);
    assert_eq!(m["uptime"]["by_probes_percent"], 100.0);
    assert_eq!(m["latency"]["above"], 443);
    assert_eq!(m["latency"]["above_percent"], 2.01);
    assert_eq!(m["latency"]["at_threshold"], 3);
    assert_eq!(m["latency"]["stats"]["mean_ms"], 172.73);
    let cov = m["coverage"]["statement"].as_str().unwrap();
    assert!(
        cov.starts_with("22,052 probes at 5 s span 30.6 h, not 24 h"),
        "{cov}"
    );
    let lat = r["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "latency")
        .unwrap();
    assert_eq!(lat["ambiguous"], true);
    let verdict = |name: &str| {
        lat["readings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["reading"] == name)
            .unwrap()["verdict"]
            .clone()
    };
    assert_eq!(verdict("every_request"), "breached");
    assert_eq!(verdict("mean"), "met");

    // Importing the same file twice would count every probe twice: refused.
    let out = rampart(dir.path(), &["sla", "import", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already holds 22052"));

    // A stated reading gives one verdict; --fail-on-breach turns it into exit 1.
    let out = rampart(
        dir.path(),
        &[
            "sla",
            "report",
            "--latency-threshold",
            "500ms",
            "--latency-reading",
            "every",
            "--fail-on-breach",
            "-f",
            "md",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("### latency ≤ 500 ms — BREACHED"), "{md}");

    let out = rampart(
        dir.path(),
        &[
            "sla", "report", "-f", "html", "-o", "sla.html", "--graph", "g.svg",
        ],
    );
    assert!(out.status.success());
    let html = std::fs::read_to_string(dir.path().join("sla.html")).unwrap();
    assert!(html.contains("<svg") && html.contains("threshold 500 ms"));
    assert!(std::fs::read_to_string(dir.path().join("g.svg"))
        .unwrap()
        .starts_with("<svg"));
}
