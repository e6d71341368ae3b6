//! `rampart logs analyze` on hostile flags and damaged inputs (issue 14): bounded thread counts,
//! a truncated `.gz` among intact files.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

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

/// `--threads` beyond the bound (or zero) is a usage error naming the range: no panic (u64::MAX
/// used to overflow), no allocation abort (10^12), no 100,000 threads.
#[test]
fn absurd_thread_counts_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("a.log");
    std::fs::write(
        &log,
        "1.2.3.4 - - [15/Apr/2020:18:24:02 +0200] \"GET / HTTP/1.1\" 200 5 \"-\" \"x\"\n",
    )
    .unwrap();
    for bad in [
        "18446744073709551615",
        "1000000000000",
        "100000",
        "257",
        "0",
    ] {
        let out = rampart(dir.path())
            .args(["logs", "analyze", "--no-store", "--threads", bad])
            .arg(&log)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "--threads {bad}: {err}");
        assert!(
            err.contains("--threads") && err.contains("1..=256"),
            "{bad}: {err}"
        );
    }
    let out = rampart(dir.path())
        .args([
            "logs",
            "analyze",
            "--no-store",
            "--threads",
            "256",
            "--format",
            "json",
        ])
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A truncated `.gz` among intact files: the intact files are analysed and reported, the
/// truncated one is named as a partial source with its error, and the exit code is 2.
#[test]
fn truncated_gzip_does_not_hide_the_intact_files() {
    let dir = tempfile::tempdir().unwrap();
    let seed = std::fs::read(fixture()).unwrap();
    let gz_path = dir.path().join("broken.log.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(&seed).unwrap();
    let gz = enc.finish().unwrap();
    std::fs::write(&gz_path, &gz[..gz.len() / 2]).unwrap();
    let out = rampart(dir.path())
        .args(["logs", "analyze", "--no-store", "--format", "json"])
        .arg(&gz_path)
        .arg(fixture())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("broken.log.gz"), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    let sources = v["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 2, "{v}");
    assert!(sources[0]["name"]
        .as_str()
        .unwrap()
        .ends_with("broken.log.gz"));
    assert!(
        sources[0]["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{}",
        sources[0]
    );
    assert!(
        sources[0]["lines"].as_u64().unwrap() > 0,
        "what was readable counts"
    );
    assert!(sources[1]["error"].is_null(), "{}", sources[1]);
    let intact = fixture().display().to_string();
    assert!(
        v["incidents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["source"] == intact.as_str() && i["clients"][0] == "83.92.14.201"),
        "the intact file's incident is reported: {v}"
    );
}
