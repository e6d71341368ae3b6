//! The combined assessment through the real binary, against the demo service: `demo` (which runs
//! `assess` and writes the report), `report` in every format, `check` with JUnit, the SARIF schema,
//! and the HTML report opened in headless Chromium.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

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

/// One demo run shared by the tests of this file (it takes a few seconds).
fn demo_dir() -> &'static Path {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DIR.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let out = rampart(tmp.path(), &["demo", "--dir", "d", "--duration", "3s"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        let dir = tmp.path().join("d");
        let report = dir.join("report.html").canonicalize().unwrap();
        assert!(
            text(&out).contains(&format!("report: {}", report.display())),
            "the demo names its report: {}",
            text(&out)
        );
        (tmp, dir)
    })
    .1
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

#[test]
fn demo_report_shows_every_pillar_and_the_contradicted_mitigations() {
    let dir = demo_dir();
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    for needle in [
        "id=\"sla\"",
        "RA-PORT-UNEXPECTED",
        "RA-WEB-SQLI",
        "RA-WEB-XSS-REFLECTED",
        "RA-WEB-EXPOSED-PATH",
        "RA-WEB-LOGIN-RATE-LIMIT",
        "id=\"logs\"",
        "Claimed mitigations, checked live",
        "contradicted",
        "aria-label=\"risk heat map\"",
        "id=\"risk-evidence\"",
    ] {
        assert!(html.contains(needle), "report.html lacks {needle}");
    }
    // A contradicted claim links to the finding that contradicts it.
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    let contradicted: Vec<&serde_json::Value> = v["mitigations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["overall"] == "contradicted")
        .collect();
    assert!(
        contradicted
            .iter()
            .any(|m| m["checks"][0]["check"] == "RA-WEB-SQLI"),
        "{contradicted:#?}"
    );
    let fp = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "RA-WEB-SQLI")
        .unwrap()["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        html.contains(&format!("href=\"#f-{fp}\"")),
        "the claim links to its evidence"
    );
    // The TLS claim cannot be checked: no TLS scan ran.
    assert!(v["mitigations"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["overall"] == "unverified"));
}

#[test]
fn check_fails_on_the_contradicted_mitigation_and_writes_junit() {
    let dir = demo_dir();
    let out = rampart(dir, &["check", "--junit", "junit.xml"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(t.contains("FAIL no contradicted mitigation"), "{t}");
    assert!(t.contains("is claimed mitigated, but RA-WEB-SQLI"), "{t}");
    let junit = std::fs::read_to_string(dir.join("junit.xml")).unwrap();
    assert!(
        junit.contains(
            "<testcase classname=\"rampart.policy\" name=\"no contradicted mitigation\">"
        ),
        "{junit}"
    );
    assert!(junit.contains("<failure message="));

    // A baseline of today's findings: nothing is new, that rule passes.
    assert_eq!(
        rampart(dir, &["check", "--write-baseline", "baseline.json"])
            .status
            .code(),
        Some(0)
    );
    let out = rampart(dir, &["check", "--baseline", "baseline.json"]);
    assert!(
        text(&out).contains("pass nothing new since the baseline"),
        "{}",
        text(&out)
    );
}

#[test]
fn check_passes_when_nothing_contradicts_the_policy() {
    let root = repo_root();
    let out = rampart(
        &root,
        &[
            "--database",
            "sqlite::memory:",
            "check",
            "-p",
            "examples/minitwit/rampart.toml",
        ],
    );
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(t.contains("policy passed"), "{t}");
}

#[test]
fn report_formats() {
    let dir = demo_dir();
    for (format, needle) in [
        ("md", "## Findings"),
        ("text", "## Findings"),
        ("json", "\"findings\""),
        ("sarif", "\"version\": \"2.1.0\""),
    ] {
        let out = rampart(dir, &["report", "--format", format]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(needle),
            "{format}"
        );
    }
    let out = rampart(dir, &["report", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let schema = repo_root().join("target/test-data/sarif-schema-2.1.0.json");
    let python = std::env::var("RAMPART_TEST_VENV").map(|v| PathBuf::from(v).join("bin/python"));
    let (Ok(python), true) = (python, schema.exists()) else {
        assert!(
            std::env::var("RAMPART_REQUIRE_POSTGRES").is_err(),
            "scripts/test sets up the schema and the validator"
        );
        eprintln!("SKIP: SARIF schema or validator missing (scripts/test installs them)");
        return;
    };
    let sarif = demo_dir().join("report.sarif");
    let check = |file: &Path| {
        Command::new(&python)
            .args(["-c", "import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))"])
            .arg(&schema)
            .arg(file)
            .output()
            .unwrap()
    };
    let out = check(&sarif);
    assert!(out.status.success(), "{}", text(&out));
    // The validator can fail: a log with a wrong version is rejected.
    let bad = demo_dir().join("bad.sarif");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    v["version"] = "2.0.0".into();
    std::fs::write(&bad, v.to_string()).unwrap();
    assert!(!check(&bad).status.success());
}

/// Console messages Chromium logged while rendering `page`, and a screenshot.
fn render_in_chromium(page: &Path, png: &Path) -> Option<(String, bool)> {
    let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| Path::new(p).exists())?;
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            // Nothing may leave the machine even if the page tried.
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1280,2400",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .ok()?;
    let log = String::from_utf8_lossy(&out.stderr).to_string();
    Some((
        log,
        png.exists()
            && std::fs::metadata(png)
                .map(|m| m.len() > 10_000)
                .unwrap_or(false),
    ))
}

fn console_problems(log: &str) -> Vec<String> {
    log.lines()
        .filter(|l| {
            l.contains("CONSOLE")
                || l.contains("Refused to")
                || l.contains("Uncaught")
                || l.contains("net::ERR")
        })
        .map(str::to_string)
        .collect()
}

#[test]
fn html_report_renders_in_headless_chromium_without_errors_or_requests() {
    let dir = demo_dir();
    let page = dir.join("report.html");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("url(http"),
        "no external assets"
    );
    let Some((log, shot)) = render_in_chromium(&page, &dir.join("report.png")) else {
        assert!(
            std::env::var("RAMPART_REQUIRE_POSTGRES").is_err(),
            "scripts/test installs chromium"
        );
        eprintln!("SKIP: chromium not installed (scripts/test installs it as root)");
        return;
    };
    assert!(shot, "a screenshot was taken: {log}");
    let problems = console_problems(&log);
    assert!(
        problems.is_empty(),
        "console errors or blocked requests: {problems:#?}"
    );

    // The check can fail: a page with a script error and an external image is caught.
    let bad = dir.join("bad.html");
    std::fs::write(&bad, "<html><body><img src=\"http://example.invalid/x.png\"><script>undefinedFunction()</script></body></html>").unwrap();
    let (log, _) = render_in_chromium(&bad, &dir.join("bad.png")).unwrap();
    assert!(
        !console_problems(&log).is_empty(),
        "the negative control must be caught: {log}"
    );
}
