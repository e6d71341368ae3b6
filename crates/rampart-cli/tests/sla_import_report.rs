//! Must-show: `rampart sla import FILE` then `rampart sla report --format json` in the same
//! folder gives the seed's figures and the truths its spreadsheet hid.

#[path = "../../rampart-sla/tests/common/mod.rs"]
mod common;

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

    // The seed's spreadsheet says its probes cover 24 hours.
    let out = rampart(
        dir.path(),
        &[
            "sla",
            "report",
            "--format",
            "json",
            "--claimed-duration",
            "24h",
        ],
    );
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

/// A small probe CSV with one outage (12:05:00 – 12:08:00) in an hour of probes every 10 s.
fn csv_with_an_outage(path: &Path) {
    let mut csv = String::from("timestamp,url,status,latency_ms,error\n");
    for i in 0..360 {
        let (m, s) = (i * 10 / 60, i * 10 % 60);
        let down = (30..48).contains(&i);
        if down {
            csv.push_str(&format!(
                "2024-05-01T12:{m:02}:{s:02}Z,http://api.example/,,,connection refused\n"
            ));
        } else {
            csv.push_str(&format!(
                "2024-05-01T12:{m:02}:{s:02}Z,http://api.example/,200,{}.5,\n",
                100 + (i % 9) * 50
            ));
        }
    }
    std::fs::write(path, csv).unwrap();
}

#[test]
fn graph_shades_the_incident_and_png_is_written_on_request() {
    let dir = tempfile::tempdir().unwrap();
    csv_with_an_outage(&dir.path().join("probes.csv"));
    let out = rampart(dir.path(), &["sla", "import", "probes.csv"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("imported 360 observation(s) (18 failed)"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // SVG: the incident is shaded, in the file and in the HTML report.
    let out = rampart(
        dir.path(),
        &[
            "sla", "report", "-f", "html", "-o", "sla.html", "--graph", "g.svg",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let svg = std::fs::read_to_string(dir.path().join("g.svg")).unwrap();
    assert_eq!(svg.matches("<title>incident ").count(), 1, "{svg}");
    assert!(
        svg.contains("class=\"rc-band\""),
        "the incident is shaded: {svg}"
    );
    let html = std::fs::read_to_string(dir.path().join("sla.html")).unwrap();
    assert!(
        html.contains("<title>incident "),
        "the HTML embeds the shaded graph"
    );

    // PNG on request (rsvg-convert, Debian librsvg2-bin): a real PNG file.
    if !common::have_tool("rsvg-convert", "--version", "librsvg2-bin") {
        return;
    }
    let out = rampart(
        dir.path(),
        &[
            "sla",
            "report",
            "-f",
            "html",
            "-o",
            "sla2.html",
            "--graph",
            "g.png",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = std::fs::read(dir.path().join("g.png")).unwrap();
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n"),
        "not a PNG: {:?}",
        &png[..png.len().min(16)]
    );
    // IHDR: the graph's 900 × 320 pixels.
    assert_eq!(&png[12..16], b"IHDR");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((width, height), (900, 320));
    assert!(dir.path().join("sla2.html").exists());
}
