//! Findings over time against a real web application — the demo service, whose SQL injection can
//! be fixed and brought back while it runs — through the real binary, on SQLite and PostgreSQL:
//!
//! 1. assess → the SQL injection is `new`, `check` fails on it, the claim "Mitigated by
//!    RA-WEB-SQLI" is contradicted;
//! 2. the service is fixed, but the assessment is `--passive` or has a tiny `--budget`: nothing is
//!    marked fixed, no claim is verified, the report lists what was partial or not run;
//! 3. a full assessment → the finding is `fixed`, `check` no longer fails on it, the report says
//!    "1 fixed", the claim is verified, SARIF says which results are new (and validates);
//! 4. an accepted finding stops failing `check` until its date, then fails it again;
//! 5. the vulnerability comes back → `reopened`.

use rampart_demo::{Demo, DemoConfig};
use rampart_threat::{RuleSet, State, Triage};
use serde_json::Value;
use std::path::{Path, PathBuf};
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

/// Runs rampart and expects exit code `code`; returns stdout+stderr.
fn expect(dir: &Path, args: &[&str], code: i32) -> String {
    let out = rampart(dir, args);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(code), "rampart {args:?}:\n{t}");
    t
}

fn json(dir: &Path, args: &[&str]) -> Value {
    let out = rampart(dir, args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "rampart {args:?}:\n{}",
        text(&out)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

fn skip(test: &str, why: &str) {
    if std::env::var("RAMPART_REQUIRE_SERVERS").is_ok_and(|v| v == "1") {
        panic!("{test}: {why}, but RAMPART_REQUIRE_SERVERS=1 says it must be there");
    }
    eprintln!("SKIP: {test}: {why}");
}

/// The demo service on 127.0.0.1, stopped when dropped (also when the test fails).
struct Service {
    rt: tokio::runtime::Runtime,
    demo: Option<Demo>,
}

impl Service {
    fn start() -> Service {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let demo = rt
            .block_on(Demo::start(DemoConfig::default()))
            .expect("start the demo service");
        Service {
            rt,
            demo: Some(demo),
        }
    }

    fn demo(&self) -> &Demo {
        self.demo.as_ref().unwrap()
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if let Some(d) = self.demo.take() {
            self.rt.block_on(d.stop());
        }
    }
}

const DFD: &str = r#"[meta]
name = "lifecycle"
[[element]]
id = "browser"
name = "Browser"
kind = "browser"
[[element]]
id = "app"
name = "Web app"
kind = "web-application"
[[element]]
id = "db"
name = "Database"
kind = "sql-database"
[[flow]]
id = "req"
name = "HTTP request"
source = "browser"
target = "app"
[[flow]]
id = "sql-query"
name = "SQL query"
source = "app"
target = "db"
"#;

/// A triage claiming the SQL-injection threat mitigated, backed by RA-WEB-SQLI; every other
/// threat not applicable (so the gate is about the scans). Returns the claimed threat's id.
fn write_threats(dir: &Path) -> String {
    std::fs::write(dir.join("dfd.toml"), DFD).unwrap();
    let rules = RuleSet::builtin().unwrap();
    let dfd = rampart_threat::load_dfd(&dir.join("dfd.toml"), rules.kb()).unwrap();
    let threats = rules.generate(&dfd).unwrap();
    let mut triage = Triage::from_threats(&threats);
    let mut claimed = None;
    for e in &mut triage.entries {
        if claimed.is_none() && (e.rule == "T7" || e.rule == "T8") {
            e.state = State::Mitigated;
            e.justification = "All queries use prepared statements.".into();
            e.checks = vec!["RA-WEB-SQLI".into()];
            claimed = Some(e.id.clone());
        } else {
            e.state = State::NotApplicable;
            e.justification = "not in this test".into();
        }
    }
    std::fs::write(dir.join("triage.toml"), triage.to_toml()).unwrap();
    claimed.expect("the built-in rules have a SQL-injection threat on the SQL query flow")
}

fn write_project(dir: &Path, base: &str, database: Option<&str>) {
    let db = database
        .map(|u| format!("database = \"{u}\"\n"))
        .unwrap_or_default();
    std::fs::write(
        dir.join("rampart.toml"),
        format!(
            r#"[project]
name = "lifecycle"
{db}
[scope]
hosts = ["127.0.0.1"]

[[web]]
url = "{base}"

[threats]
model = "dfd.toml"
triage = "triage.toml"

[[threats.map]]
element = "app"
targets = ["{base}"]

[policy]
max_finding_severity = "medium"
no_contradicted_mitigation = true
"#
        ),
    )
    .unwrap();
}

fn findings(dir: &Path) -> Vec<Value> {
    json(dir, &["findings", "list", "--format", "json"])["findings"]
        .as_array()
        .unwrap()
        .clone()
}

fn sqli(dir: &Path) -> Value {
    let all = findings(dir);
    let hits: Vec<&Value> = all.iter().filter(|f| f["rule"] == "RA-WEB-SQLI").collect();
    assert_eq!(hits.len(), 1, "one SQL injection finding: {all:#?}");
    hits[0].clone()
}

fn claim(dir: &Path, threat: &str) -> Value {
    let report = json(dir, &["report", "--format", "json"]);
    report["mitigations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["threat"] == threat)
        .cloned()
        .unwrap_or_else(|| panic!("no claim {threat}: {:#}", report["mitigations"]))
}

fn assess(dir: &Path, extra: &[&str]) -> String {
    let mut args = vec!["assess", "--duration", "1s"];
    args.extend_from_slice(extra);
    expect(dir, &args, 0)
}

/// A day counted from the day this test began (read once: a run that crosses midnight UTC must
/// not move the dates it already wrote).
fn day(offset: i64) -> String {
    static TODAY: std::sync::OnceLock<chrono::NaiveDate> = std::sync::OnceLock::new();
    (*TODAY.get_or_init(|| chrono::Utc::now().date_naive()) + chrono::Duration::days(offset))
        .format("%Y-%m-%d")
        .to_string()
}

fn story(dir: &Path, database: Option<&str>) {
    let service = Service::start();
    let base = service.demo().base_url();
    let threat = write_threats(dir);
    write_project(dir, &base, database);

    // 1. Vulnerable: new, the gate fails on it, the claim is contradicted.
    assess(dir, &[]);
    let f = sqli(dir);
    assert_eq!(f["state"], "new", "{f:#}");
    for key in [
        "fingerprint",
        "rule",
        "severity",
        "target",
        "state",
        "first_seen",
        "last_seen",
        "fixed_at",
        "triage",
    ] {
        assert!(
            f.get(key).is_some(),
            "findings list --format json lacks {key}: {f:#}"
        );
    }
    assert!(f["fixed_at"].is_null() && f["triage"].is_null(), "{f:#}");
    let fp = f["fingerprint"].as_str().unwrap().to_string();
    let check = expect(dir, &["check"], 1);
    assert!(check.contains("RA-WEB-SQLI"), "{check}");
    assert_eq!(claim(dir, &threat)["overall"], "contradicted");

    // Everything else the scan finds above medium is accepted until tomorrow, so the gate is
    // about the SQL injection alone.
    let others: Vec<String> = findings(dir)
        .iter()
        .filter(|f| f["rule"] != "RA-WEB-SQLI")
        .filter(|f| matches!(f["severity"].as_str(), Some("high" | "critical")))
        .map(|f| f["fingerprint"].as_str().unwrap().to_string())
        .collect();
    assert!(!others.is_empty(), "the demo also has reflected XSS");
    for o in &others {
        expect(
            dir,
            &[
                "findings",
                "accept",
                o,
                "--until",
                &day(1),
                "--why",
                "WAF rule in front until the fix ships",
                "--by",
                "alice",
            ],
            0,
        );
    }

    // 2. The service is fixed, but these assessments cannot tell: nothing fixed, no claim verified.
    service.demo().set_sql_injection_fixed(true);
    for (extra, why) in [
        (&["--passive"][..], "passive mode"),
        (&["--budget", "5"][..], "request budget exhausted"),
    ] {
        let out = assess(dir, extra);
        assert!(out.contains("0 fixed"), "{extra:?}: {out}");
        let f = sqli(dir);
        assert_eq!(f["state"], "open", "{extra:?} must not fix anything: {f:#}");
        let c = claim(dir, &threat);
        assert_ne!(c["overall"], "verified", "{extra:?}: {c:#}");
        let md = expect(dir, &["report", "--format", "md"], 0);
        assert!(md.contains("What this assessment covered"), "{md}");
        let gaps = &md[md
            .find("Partial or not run")
            .unwrap_or_else(|| panic!("{extra:?}: no gaps listed:\n{md}"))..];
        assert!(
            gaps.contains("RA-WEB-SQLI") && gaps.contains(why),
            "{extra:?}: {gaps}"
        );
        let report = json(dir, &["report", "--format", "json"]);
        let cov = report["history"]["latest"]["coverage"].as_array().unwrap();
        let sqli_cov = cov.iter().find(|c| c["rule"] == "RA-WEB-SQLI").unwrap();
        assert_ne!(sqli_cov["status"], "complete", "{sqli_cov:#}");
    }
    let check = expect(dir, &["check"], 1);
    assert!(check.contains("RA-WEB-SQLI"), "still failing: {check}");

    // 3. A complete assessment of the fixed service: fixed, the gate passes, the claim is verified.
    let out = assess(dir, &[]);
    assert!(out.contains("1 fixed"), "{out}");
    let f = sqli(dir);
    assert_eq!(f["state"], "fixed", "{f:#}");
    assert!(f["fixed_at"].is_string(), "{f:#}");
    let check = expect(dir, &["check"], 0);
    assert!(!check.contains("RA-WEB-SQLI"), "{check}");
    let md = expect(dir, &["report", "--format", "md"], 0);
    assert!(
        md.contains("since the previous assessment: 0 new, 1 fixed, 0 reopened"),
        "{md}"
    );
    let html = expect(dir, &["report", "--format", "html"], 0);
    assert!(
        html.contains("1 fixed") && html.contains("aria-label=\"live findings over the last"),
        "trend chart"
    );
    let c = claim(dir, &threat);
    assert_eq!(c["overall"], "verified", "{c:#}");
    let shown = expect(dir, &["findings", "show", &fp], 0);
    assert!(
        shown.contains("state:       fixed") && shown.contains(" fixed (assessment "),
        "{shown}"
    );

    // SARIF: every result says whether it is new, and when it was first detected.
    let sarif = json(dir, &["report", "--format", "sarif"]);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        assert!(
            matches!(r["baselineState"].as_str(), Some("new" | "unchanged")),
            "{r:#}"
        );
        assert!(
            r["provenance"]["firstDetectionTimeUtc"]
                .as_str()
                .is_some_and(|t| t.ends_with('Z')),
            "{r:#}"
        );
    }
    std::fs::write(dir.join("lifecycle.sarif"), sarif.to_string()).unwrap();

    // 4. Acceptances hold until their date, then the findings count again.
    let later = expect(dir, &["check", "--on", &day(2)], 1);
    assert!(
        later.contains("RA-WEB-XSS-REFLECTED") && !later.contains("RA-WEB-SQLI"),
        "the expired acceptance counts again: {later}"
    );
    expect(dir, &["check", "--on", &day(1)], 0);

    // The decisions round-trip through a reviewable file.
    expect(dir, &["findings", "export", "triage-findings.toml"], 0);
    let exported = std::fs::read_to_string(dir.join("triage-findings.toml")).unwrap();
    assert!(
        exported.contains("status = \"accepted\"") && exported.contains(&day(1)),
        "{exported}"
    );

    let imported = expect(dir, &["findings", "import", "triage-findings.toml"], 0);
    assert!(
        imported.contains(&format!("imported {} triage decision(s)", others.len())),
        "{imported}"
    );
    std::fs::write(
        dir.join("bad.toml"),
        "[[finding]]\nfingerprint = \"x\"\nstatus = \"accepted\"\njustification = \"j\"\nby = \"b\"\n",
    )
    .unwrap();
    let bad = expect(dir, &["findings", "import", "bad.toml"], 2);
    assert!(
        bad.contains("bad.toml:2: finding x: an accepted finding needs until"),
        "{bad}"
    );

    // 5. The vulnerability comes back: reopened, and the gate fails again.
    service.demo().set_sql_injection_fixed(false);
    let out = assess(dir, &[]);
    assert!(out.contains("1 reopened"), "{out}");
    assert_eq!(sqli(dir)["state"], "reopened");
    let check = expect(dir, &["check"], 1);
    assert!(check.contains("RA-WEB-SQLI"), "{check}");
    let md = expect(dir, &["report", "--format", "md"], 0);
    assert!(md.contains("0 fixed, 1 reopened"), "{md}");
}

#[test]
fn sql_injection_lifecycle_on_sqlite() {
    let tmp = tempfile::tempdir().unwrap();
    story(tmp.path(), None);
    assert!(tmp.path().join("rampart.db").exists());
    validate_sarif(&tmp.path().join("lifecycle.sarif"));
}

#[test]
fn sql_injection_lifecycle_on_postgres() {
    let test = "sql_injection_lifecycle_on_postgres";
    let Ok(admin) = std::env::var("RAMPART_TEST_POSTGRES_URL") else {
        skip(
            test,
            "RAMPART_TEST_POSTGRES_URL is not set (no PostgreSQL; scripts/pg-test-server start)",
        );
        return;
    };
    let Some(url) = fresh_database(&admin) else {
        skip(test, "psql is not installed");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    story(tmp.path(), Some(&url));
    assert!(
        !tmp.path().join("rampart.db").exists(),
        "nothing went to SQLite"
    );
}

/// A database of its own on the test server, so no other test sees these rows.
fn fresh_database(admin: &str) -> Option<String> {
    let psql = psql()?;
    let name = format!(
        "rampart_lifecycle_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_micros()
    );
    let created = Command::new(&psql)
        .arg(admin)
        .args([
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            &format!("CREATE DATABASE {name}"),
        ])
        .output()
        .unwrap();
    assert!(created.status.success(), "{}", text(&created));
    Some(format!("{}/{name}", admin.rsplit_once('/').unwrap().0))
}

fn psql() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("psql"))
            .find(|p| p.exists())
    });
    on_path.or_else(|| {
        let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .flatten()
            .map(|e| e.path().join("bin/psql"))
            .filter(|p| p.exists())
            .collect();
        found.sort();
        found.pop()
    })
}

/// The SARIF with `baselineState` and `provenance` validates against the 2.1.0 schema.
fn validate_sarif(sarif: &Path) {
    let test = "sql_injection_lifecycle_on_sqlite (SARIF schema)";
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let schema = root.join("target/test-data/sarif-schema-2.1.0.json");
    let python = std::env::var("RAMPART_TEST_VENV").map(|v| PathBuf::from(v).join("bin/python"));
    let (Ok(python), true) = (python, schema.exists()) else {
        skip(
            test,
            "the SARIF schema or the validator (RAMPART_TEST_VENV) is missing",
        );
        return;
    };
    let check = |file: &Path| {
        Command::new(&python)
            .args(["-c", "import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))"])
            .arg(&schema)
            .arg(file)
            .output()
            .unwrap()
    };
    let out = check(sarif);
    assert!(out.status.success(), "{}", text(&out));
    // The schema does constrain baselineState: a value outside the enum is rejected.
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(sarif).unwrap()).unwrap();
    v["runs"][0]["results"][0]["baselineState"] = "gone".into();
    let bad = sarif.with_extension("bad.sarif");
    std::fs::write(&bad, v.to_string()).unwrap();
    assert!(
        !check(&bad).status.success(),
        "an invalid baselineState must be rejected"
    );
}

#[test]
fn validate_reports_claims_no_declared_target_can_ever_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("dfd.toml"), DFD).unwrap();
    let rules = RuleSet::builtin().unwrap();
    let dfd = rampart_threat::load_dfd(&dir.join("dfd.toml"), rules.kb()).unwrap();
    let threats = rules.generate(&dfd).unwrap();
    let mut triage = Triage::from_threats(&threats);
    // The SQL-injection claim is checkable on the mapped URL; a TLS claim on a plain-http app
    // never is; a claim about an element with no target is not either.
    let (mut sql, mut tls, mut unmapped) = (None, None, None);
    for e in &mut triage.entries {
        let t = threats.iter().find(|t| t.id == e.id).unwrap();
        let checks = if sql.is_none() && (e.rule == "T7" || e.rule == "T8") {
            sql = Some(e.id.clone());
            "RA-WEB-SQLI"
        } else if tls.is_none() && t.flow_id == "req" {
            tls = Some(e.id.clone());
            "RA-TLS-*"
        } else if unmapped.is_none() && t.flow_id == "req" {
            unmapped = Some(e.id.clone());
            "RA-SSH-PASSWORD"
        } else {
            continue;
        };
        e.state = State::Mitigated;
        e.justification = "claimed".into();
        e.checks = vec![checks.into()];
    }
    std::fs::write(dir.join("triage.toml"), triage.to_toml()).unwrap();
    write_project(dir, "http://127.0.0.1:9/", None);
    let out = rampart(dir, &["validate"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "warnings, not errors: {t}");
    let warnings: Vec<&str> = t.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(warnings.len(), 2, "{t}");
    assert!(
        warnings[0].contains(tls.as_deref().unwrap())
            || warnings[1].contains(tls.as_deref().unwrap()),
        "the TLS claim on a plain-http app: {t}"
    );
    assert!(
        t.contains("RA-TLS-* is a tls check") && t.contains("RA-SSH-PASSWORD is a ssh check"),
        "{t}"
    );
    assert!(
        !t.contains(sql.as_deref().unwrap()),
        "the SQL claim is checkable: {t}"
    );
    let v = json(dir, &["validate", "--format", "json"]);
    assert_eq!(v["valid"], true);
    assert_eq!(v["warnings"].as_array().unwrap().len(), 2, "{v:#}");
}

/// A port finding is only fixed by a scan whose port set contained that port: a scan of other
/// ports of the same host says nothing about it.
#[test]
fn a_port_finding_is_fixed_only_by_a_scan_of_that_port() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // Reserved ports: once this test closes the listener, nothing else may open that port.
    let port = rampart_testkit::free_port();
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    let closed = rampart_testkit::closed_port();
    std::fs::write(
        dir.join("rampart.toml"),
        "[project]\nname = \"ports\"\n[scope]\nhosts = [\"127.0.0.1\"]\n[[hosts]]\naddress = \"127.0.0.1\"\nports = []\n",
    )
    .unwrap();
    let unexpected = |dir: &Path| -> Value {
        findings(dir)
            .into_iter()
            .find(|f| {
                f["rule"] == "RA-PORT-UNEXPECTED" && f["target"] == format!("127.0.0.1:{port}")
            })
            .unwrap_or_else(|| panic!("no finding on port {port}: {:#?}", findings(dir)))
    };
    assess(dir, &["--ports", &port.to_string()]);
    assert_eq!(unexpected(dir)["state"], "new");

    // Another port of the same host, scanned completely: the open port was not looked at.
    let out = assess(dir, &["--ports", &closed.to_string()]);
    assert!(out.contains("0 fixed"), "{out}");
    assert_eq!(unexpected(dir)["state"], "open");
    let report = json(dir, &["report", "--format", "json"]);
    let cov = report["history"]["latest"]["coverage"].as_array().unwrap();
    assert!(
        cov.iter()
            .any(|c| c["target"] == format!("127.0.0.1:{port}") && c["status"] == "not_run"),
        "{cov:#?}"
    );

    // The port is closed and scanned again: fixed.
    drop(listener);
    let out = assess(dir, &["--ports", &port.to_string()]);
    assert!(out.contains("1 fixed"), "{out}");
    assert_eq!(unexpected(dir)["state"], "fixed");
}

/// A log finding is fixed only by an analysis that read its source: a log none of whose lines
/// is in the source's format (rotated to another format, or the wrong file) covers nothing.
#[test]
fn a_log_finding_is_not_fixed_by_a_log_nobody_could_read() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let seed = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../rampart-logs/tests/data/seed-register-burst.access.log");
    let log = dir.join("access.log");
    std::fs::copy(&seed, &log).unwrap();
    std::fs::write(
        dir.join("rampart.toml"),
        "[project]\nname = \"logs\"\n[logs]\nsources = [{ path = \"access.log\", format = \"combined\" }]\n",
    )
    .unwrap();
    let burst = |dir: &Path| -> Value {
        findings(dir)
            .into_iter()
            .find(|f| f["rule"] == "RA-LOG-ERROR-BURST")
            .unwrap_or_else(|| panic!("no error burst: {:#?}", findings(dir)))
    };
    assess(dir, &[]);
    assert_eq!(burst(dir)["state"], "new");

    std::fs::write(&log, "garbage line 1\ngarbage line 2\n").unwrap();
    let out = assess(dir, &[]);
    assert!(out.contains("0 fixed"), "{out}");
    assert_eq!(burst(dir)["state"], "open");
    let report = json(dir, &["report", "--format", "json"]);
    let cov = &report["history"]["latest"]["coverage"];
    assert!(
        cov.as_array().unwrap().iter().any(|c| c["kind"] == "logs"
            && c["status"] == "partial"
            && c["reason"]
                .as_str()
                .is_some_and(|r| r.contains("none of its 2 lines"))),
        "{cov:#}"
    );

    // A log that was read and holds no burst: fixed.
    let quiet: String = std::fs::read_to_string(&seed)
        .unwrap()
        .lines()
        .filter(|l| !l.contains("\" 4"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&log, quiet).unwrap();
    let out = assess(dir, &[]);
    assert!(out.contains("1 fixed"), "{out}");
    assert_eq!(burst(dir)["state"], "fixed");
}
