//! `rampart check` policies, `rampart risks` with the matrix presets and measured likelihoods,
//! threats cited by risks, and the time bound of `rampart assess` — through the real binary, on
//! 127.0.0.1 only and with no service to start: threats come from a data-flow diagram, SLA
//! observations from `rampart sla import`.

use std::path::Path;
use std::process::{Command, Output};

fn rampart(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(args)
        .current_dir(dir)
        .env_remove("RAMPART_PROJECT")
        .env_remove("RAMPART_DATABASE")
        .env_remove("RAMPART_LOG")
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

/// `rampart` with an in-memory database: nothing assessed, the project file alone.
fn in_memory(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["--database", "sqlite::memory:"];
    all.extend_from_slice(args);
    rampart(dir, &all)
}

fn ok(o: Output) -> Output {
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    o
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(o)))
}

const DFD: &str = r#"[meta]
name = "policy test"

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
id = "query"
name = "SQL query"
source = "app"
target = "db"

[[boundary]]
id = "server"
name = "Server"
contains = ["app", "db"]
"#;

/// A project with a monitor, an uptime clause, the threat model, one HIGH risk and `policy`.
fn project(triage: &str, risks: &str, policy: &str) -> String {
    format!(
        r#"[project]
name = "policy-test"

[scope]
hosts = ["127.0.0.1"]

[[monitors]]
name = "api"
url = "http://127.0.0.1:9/api"
interval = "1m"

# Over the observed window: an hour's outage within an incomplete month would still meet a
# monthly budget.
[[sla]]
name = "uptime"
monitor = "api"
uptime_percent = 99
per = "window"

[threats]
model = "dfd.toml"
triage = "{triage}"

[[assets]]
id = "data"
name = "User data"

{risks}

[policy]
{policy}
"#
    )
}

const HIGH_RISK: &str = r#"[[risks]]
id = "leak"
asset = "data"
title = "Leaking user data"
likelihood = { percent = 90, horizon = "1 year" }
severity = "Critical"
"#;

/// The same project without monitors and SLA, for `rampart assess` (nothing to probe).
fn assess_project() -> String {
    "[project]\nname = \"policy-test\"\n[scope]\nhosts = [\"127.0.0.1\"]\n[threats]\nmodel = \"dfd.toml\"\ntriage = \"none.toml\"\n".into()
}

/// An hour of one-minute probes; `down` of them (from minute 20 on) answer 500.
fn probes(down: usize) -> String {
    let mut s = String::from("timestamp,url,status,latency_ms,error\n");
    for i in 0..60 {
        let status = if (20..20 + down).contains(&i) {
            500
        } else {
            200
        };
        s.push_str(&format!(
            "2026-01-01T10:{i:02}:00Z,http://127.0.0.1:9/api,{status},{}.5,\n",
            20 + i % 7
        ));
    }
    s
}

/// A folder with the DFD, both probe files and a database per outcome (`good.db`, `bad.db`),
/// each holding the threat findings of one `rampart assess` and imported probes.
fn policy_dir() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("dfd.toml"), DFD).unwrap();
    std::fs::write(d.join("assess.toml"), assess_project()).unwrap();
    std::fs::write(d.join("good.csv"), probes(0)).unwrap();
    std::fs::write(d.join("bad.csv"), probes(10)).unwrap();
    std::fs::write(d.join("import.toml"), project("none.toml", "", "")).unwrap();
    for (db, csv) in [("good.db", "good.csv"), ("bad.db", "bad.csv")] {
        let url = format!("sqlite://{}", d.join(db).display());
        ok(rampart(
            d,
            &[
                "-p",
                "assess.toml",
                "--database",
                &url,
                "assess",
                "--duration",
                "1s",
            ],
        ));
        ok(rampart(
            d,
            &[
                "-p",
                "import.toml",
                "--database",
                &url,
                "sla",
                "import",
                csv,
                "--monitor",
                "api",
            ],
        ));
    }
    tmp
}

const SEVERITIES: [&str; 5] = ["info", "low", "medium", "high", "critical"];

/// The most severe finding in a database, by `rampart report --format json`.
fn max_severity(d: &Path, db: &str) -> usize {
    let url = format!("sqlite://{}", d.join(db).display());
    let v = json(&ok(rampart(
        d,
        &[
            "-p",
            "import.toml",
            "--database",
            &url,
            "report",
            "--format",
            "json",
        ],
    )));
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = f["severity"].as_str().unwrap().to_ascii_lowercase();
            SEVERITIES.iter().position(|x| *x == s).unwrap()
        })
        .max()
        .expect("open threats are findings")
}

fn check(d: &Path, db: &str, project_file: &str, extra: &[&str]) -> Output {
    let url = format!("sqlite://{}", d.join(db).display());
    let mut args = vec!["-p", project_file, "--database", url.as_str(), "check"];
    args.extend_from_slice(extra);
    rampart(d, &args)
}

#[test]
fn each_policy_fails_on_the_wrong_input_and_passes_on_the_right_one_with_junit() {
    let tmp = policy_dir();
    let d = tmp.path();
    let top = max_severity(d, "bad.db");
    assert!(top > 0, "the threat findings have a severity above info");

    // Every rule fails: a finding above the limit, a HIGH risk, a breached SLA, threats untriaged.
    let failing = format!(
        "max_finding_severity = \"{}\"\nmax_risk_level = \"MEDIUM\"\nsla_met = true\nno_threat_not_started = true\n",
        SEVERITIES[top - 1]
    );
    std::fs::write(
        d.join("fail.toml"),
        project("none.toml", HIGH_RISK, &failing),
    )
    .unwrap();
    let out = check(d, "bad.db", "fail.toml", &["--junit", "fail.xml"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    for line in [
        format!("FAIL no finding above {}", SEVERITIES[top - 1]),
        "FAIL no risk above MEDIUM: 1 risk(s) above MEDIUM".to_string(),
        "leak: Leaking user data is HIGH".to_string(),
        "FAIL SLA met: 1 SLA clause(s) breached".to_string(),
        "uptime on api: breached".to_string(),
        "FAIL no threat Not Started".to_string(),
        "pass no contradicted mitigation".to_string(),
        "policy failed: 4 of 5 rule(s)".to_string(),
    ] {
        assert!(t.contains(&line), "lacks {line:?}:\n{t}");
    }
    let junit = std::fs::read_to_string(d.join("fail.xml")).unwrap();
    assert!(
        junit.contains("tests=\"5\" failures=\"4\""),
        "one test case per policy: {junit}"
    );
    for name in [
        format!("no finding above {}", SEVERITIES[top - 1]),
        "no risk above MEDIUM".into(),
        "SLA met".into(),
        "no threat Not Started".into(),
    ] {
        assert!(
            junit.contains(&format!(
                "<testcase classname=\"rampart.policy\" name=\"{name}\">\n    <failure message="
            )),
            "{name} is a failed test case: {junit}"
        );
    }
    assert!(
        junit.contains(
            "<testcase classname=\"rampart.policy\" name=\"no contradicted mitigation\"/>"
        ),
        "{junit}"
    );

    // Every rule passes: the limit at the worst finding, HIGH allowed, SLA met, threats triaged.
    let url = format!("sqlite://{}", d.join("good.db").display());
    ok(rampart(
        d,
        &[
            "-p",
            "fail.toml",
            "--database",
            &url,
            "threats",
            "triage",
            "-o",
            "triaged.toml",
        ],
    ));
    let triage = std::fs::read_to_string(d.join("triaged.toml")).unwrap();
    assert!(triage.contains("state = \"not-started\""), "{triage}");
    std::fs::write(
        d.join("triaged.toml"),
        triage.replace("state = \"not-started\"", "state = \"needs-investigation\""),
    )
    .unwrap();
    let passing = format!(
        "max_finding_severity = \"{}\"\nmax_risk_level = \"high\"\nsla_met = true\nno_threat_not_started = true\n",
        SEVERITIES[top]
    );
    std::fs::write(
        d.join("pass.toml"),
        project("triaged.toml", HIGH_RISK, &passing),
    )
    .unwrap();
    let out = check(d, "good.db", "pass.toml", &["--junit", "pass.xml"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    for line in [
        format!(
            "pass no finding above {}: no finding is more severe than {}",
            SEVERITIES[top], SEVERITIES[top]
        ),
        "pass no risk above high: every risk is at most high".to_string(),
        "pass SLA met: 1 clause(s), none breached".to_string(),
        "pass no threat Not Started: every threat has been triaged".to_string(),
        "policy passed: 5 rule(s)".to_string(),
    ] {
        assert!(t.contains(&line), "lacks {line:?}:\n{t}");
    }
    let junit = std::fs::read_to_string(d.join("pass.xml")).unwrap();
    assert!(junit.contains("tests=\"5\" failures=\"0\""), "{junit}");
    assert!(!junit.contains("<failure"), "{junit}");

    // Each rule on its own: the good data fails only the rule whose input is wrong.
    for (policy, rule) in [
        (
            format!(
                "max_finding_severity = \"{}\"\nsla_met = false",
                SEVERITIES[top - 1]
            ),
            "FAIL no finding above",
        ),
        (
            "max_risk_level = \"MEDIUM\"\nsla_met = false".to_string(),
            "FAIL no risk above MEDIUM",
        ),
        (
            "no_threat_not_started = true\nsla_met = false".to_string(),
            "FAIL no threat Not Started",
        ),
    ] {
        std::fs::write(d.join("one.toml"), project("none.toml", HIGH_RISK, &policy)).unwrap();
        let out = check(d, "good.db", "one.toml", &[]);
        let t = text(&out);
        assert_eq!(out.status.code(), Some(1), "{policy}: {t}");
        assert!(
            t.contains(rule) && t.contains("policy failed: 1 of 2 rule(s)"),
            "{policy}: {t}"
        );
    }
    // The SLA rule alone: met on good probes, breached on bad ones.
    std::fs::write(
        d.join("sla.toml"),
        project("none.toml", "", "sla_met = true"),
    )
    .unwrap();
    assert_eq!(check(d, "good.db", "sla.toml", &[]).status.code(), Some(0));
    let out = check(d, "bad.db", "sla.toml", &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
}

#[test]
fn check_writes_json_and_markdown_to_stdout_or_a_file() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("dfd.toml"), DFD).unwrap();
    std::fs::write(
        d.join("rampart.toml"),
        project("none.toml", HIGH_RISK, "max_risk_level = \"MEDIUM\""),
    )
    .unwrap();
    let out = in_memory(d, &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let v = json(&out);
    assert_eq!(v["passed"], false);
    assert_eq!(v["failed"], 1);
    let rules: Vec<&str> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"no risk above MEDIUM"), "{rules:?}");
    assert_eq!(
        v["results"][rules
            .iter()
            .position(|r| *r == "no risk above MEDIUM")
            .unwrap()]["details"][0],
        "leak: Leaking user data is HIGH"
    );

    let out = in_memory(d, &["check", "--format", "md", "--output", "check.md"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the exit code does not depend on the format"
    );
    assert!(out.stdout.is_empty(), "the report went to the file");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("policy failed: 1 of"),
        "{}",
        text(&out)
    );
    let md = std::fs::read_to_string(d.join("check.md")).unwrap();
    assert!(md.starts_with("# rampart check: policy-test"), "{md}");
    assert!(md.contains("| FAIL | no risk above MEDIUM |"), "{md}");
    assert!(md.contains("## FAIL: no risk above MEDIUM"), "{md}");

    let out = in_memory(d, &["check", "--format", "html"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("expected one of text, json, md"),
        "{}",
        text(&out)
    );
}

fn risks_project(matrix: &str, risks: &[(&str, f64, &str)]) -> String {
    let mut s = format!(
        "[project]\nname = \"presets\"\n[risk_matrix]\npreset = \"{matrix}\"\n[[assets]]\nid = \"a\"\nname = \"Asset\"\n"
    );
    for (id, percent, severity) in risks {
        s.push_str(&format!(
            "[[risks]]\nid = \"{id}\"\nasset = \"a\"\ntitle = \"Risk {id}\"\nlikelihood = {{ percent = {percent}, horizon = \"1 year\" }}\nseverity = \"{severity}\"\n"
        ));
    }
    s
}

/// id, likelihood percent, severity, expected band, expected level.
type Case = (&'static str, f64, &'static str, &'static str, &'static str);

#[test]
fn risks_use_the_nist_and_owasp_presets_from_the_project_file() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let cases: [(&str, Vec<Case>); 2] = [
        (
            "nist-800-30",
            vec![
                ("r1", 90.0, "Very High", "High (80–95)", "Very High"),
                ("r2", 10.0, "Moderate", "Low (5–20)", "Low"),
                ("r3", 50.0, "High", "Moderate (21–79)", "Moderate"),
                ("r4", 2.0, "Very High", "Very Low (0–4)", "Low"),
            ],
        ),
        (
            "owasp",
            vec![
                ("r1", 90.0, "Very High", "Very High (80–100)", "Critical"),
                ("r2", 10.0, "Very Low", "Very Low (0–19)", "Note"),
                ("r3", 50.0, "Medium", "Medium (40–59)", "Medium"),
                ("r4", 65.0, "Low", "High (60–79)", "Medium"),
            ],
        ),
    ];
    for (preset, risks) in cases {
        let file = format!("{preset}.toml");
        let stated: Vec<(&str, f64, &str)> = risks.iter().map(|r| (r.0, r.1, r.2)).collect();
        std::fs::write(d.join(&file), risks_project(preset, &stated)).unwrap();
        let v = json(&ok(rampart(d, &["-p", &file, "risks", "--format", "json"])));
        assert_eq!(v["matrix"]["name"], preset);
        assert_eq!(v["matrix"]["bands"].as_array().unwrap().len(), 5);
        assert_eq!(v["matrix"]["severities"].as_array().unwrap().len(), 5);
        for (id, _, severity, band, level) in &risks {
            let r = v["risks"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["id"] == *id)
                .unwrap();
            assert_eq!(r["severity"], *severity, "{preset} {id}");
            assert_eq!(r["likelihood"]["band"], *band, "{preset} {id}");
            assert_eq!(r["level"], *level, "{preset} {id}: {r:#}");
        }
        // The other formats say the same, and -o writes a file.
        let out = ok(rampart(d, &["-p", &file, "risks"]));
        let t = String::from_utf8_lossy(&out.stdout);
        assert!(
            t.contains(&format!("Risk register ({preset} matrix)")),
            "{t}"
        );
        assert!(
            t.contains(&format!("r1 [Asset] Risk r1 — {}", risks[0].4)),
            "{t}"
        );
        ok(rampart(
            d,
            &["-p", &file, "risks", "--format", "html", "-o", "risks.html"],
        ));
        let html = std::fs::read_to_string(d.join("risks.html")).unwrap();
        assert!(html.contains("aria-label=\"risk heat map\"") && html.contains(preset));
    }
    // A severity the preset does not have is an input error, not a silent default: located,
    // and said once.
    std::fs::write(
        d.join("bad.toml"),
        risks_project("owasp", &[("r1", 50.0, "Critical")]),
    )
    .unwrap();
    let out = rampart(d, &["-p", "bad.toml", "risks"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(
        t.contains("bad.toml:13:12: `risks[0].severity`: found \"Critical\"")
            && t.contains("expected one of Very Low, Low, Medium, High, Very High"),
        "{t}"
    );
    assert_eq!(t.matches("Critical").count(), 1, "{t}");
}

#[test]
fn a_likelihood_measured_by_a_monitor_is_derived_from_its_observations() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("dfd.toml"), DFD).unwrap();
    let risk = r#"[[risks]]
id = "down"
asset = "data"
title = "Service unavailable"
likelihood = { measured_by = "api", horizon = "1 month", event = "outage-within-horizon" }
severity = "Marginal"
monitors = ["api"]
"#;
    std::fs::write(
        d.join("rampart.toml"),
        project("none.toml", risk, "sla_met = false"),
    )
    .unwrap();
    // No observations yet: a clear input error, not a made-up number.
    let out = rampart(d, &["risks"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("no observations of that monitor"),
        "{}",
        text(&out)
    );

    // 50 of 60 one-minute probes up, one 10-minute outage: uptime 83.3 %, MTTR 10 min.
    std::fs::write(d.join("bad.csv"), probes(10)).unwrap();
    ok(rampart(
        d,
        &["sla", "import", "bad.csv", "--monitor", "api"],
    ));
    let v = json(&ok(rampart(d, &["risks", "--format", "json"])));
    let r = &v["risks"][0];
    let steps: Vec<&str> = r["likelihood"]["derivation"]["steps"]
        .as_array()
        .unwrap_or_else(|| panic!("a derivation: {r:#}"))
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(
        steps[0].starts_with("availability measured by monitor \"api\""),
        "{steps:#?}"
    );
    let p = r["likelihood"]["derivation"]["percent"].as_f64().unwrap();
    assert_eq!(p, r["likelihood"]["percent"].as_f64().unwrap());
    assert!(
        steps
            .iter()
            .any(|s| s.starts_with("P(at least one outage)")),
        "{steps:#?}"
    );
    // A month at 83 % uptime with 10-minute outages: an outage is all but certain.
    assert!(p > 99.0, "{r:#}");
    assert_eq!(r["likelihood"]["band"], "76 % – 100 %");
    assert_eq!(r["level"], "HIGH");
    // The other reading (down at a random moment) is shown beside it.
    let alt = &r["alternative"][0];
    assert!(
        (alt["percent"].as_f64().unwrap() - 100.0 / 6.0).abs() < 2.0,
        "down about a sixth of the time: {alt:#}"
    );
    // The text output shows the derivation.
    let out = ok(rampart(d, &["risks"]));
    let t = String::from_utf8_lossy(&out.stdout);
    assert!(t.contains("measured by monitor \"api\""), "{t}");
    assert!(t.contains("expected outages ="), "{t}");
}

/// The id of the first generated threat of the project in `d`.
fn a_threat_id(d: &Path, project_file: &str) -> (String, String) {
    let v = json(&ok(rampart(
        d,
        &["-p", project_file, "threats", "report", "--format", "json"],
    )));
    let t = &v["threats"][0];
    (
        t["id"].as_str().unwrap().to_string(),
        t["title"].as_str().unwrap().to_string(),
    )
}

#[test]
fn threats_cited_by_risks_are_resolved_linked_and_unknown_ids_flagged() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("dfd.toml"), DFD).unwrap();
    std::fs::write(d.join("plain.toml"), project("none.toml", "", "")).unwrap();
    let (id, title) = a_threat_id(d, "plain.toml");
    let risk = format!(
        "[[risks]]\nid = \"leak\"\nasset = \"data\"\ntitle = \"Leaking user data\"\nlikelihood = {{ percent = 10, horizon = \"1 year\" }}\nseverity = \"Critical\"\nthreats = [\"{id}\", \"deadbeef0000\"]\n"
    );
    std::fs::write(d.join("rampart.toml"), project("none.toml", &risk, "")).unwrap();

    let out = ok(in_memory(d, &["report", "--format", "json"]));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("warning: risk \"leak\" cites threat \"deadbeef0000\", but no generated threat has that id"),
        "{}",
        text(&out)
    );
    let v = json(&out);
    let cited = v["cited_threats"].as_array().unwrap();
    assert_eq!(cited.len(), 2, "{cited:#?}");
    assert_eq!(cited[0]["threat"], id.as_str());
    assert_eq!(cited[0]["status"], "found");
    assert_eq!(cited[0]["state"], "Not Started");
    assert_eq!(cited[0]["title"], title.as_str());
    assert_eq!(cited[1]["threat"], "deadbeef0000");
    assert_eq!(cited[1]["status"], "unknown");
    assert_eq!(v["warnings"].as_array().unwrap().len(), 1);

    let out = ok(in_memory(d, &["report", "--format", "html"]));
    let html = String::from_utf8_lossy(&out.stdout);
    assert!(
        html.contains(&format!("<tr id=\"t-{id}\">")),
        "the threat has an anchor"
    );
    let evidence = &html[html.find("id=\"risk-evidence\"").expect("risk evidence")..];
    assert!(
        evidence.contains(&format!("<a href=\"#t-{id}\">")),
        "the cited threat links to it"
    );
    assert!(evidence.contains("state Not Started"), "its state is shown");
    assert!(
        evidence.contains("deadbeef0000")
            && evidence.contains("<span class=\"bad\">unknown threat</span>"),
        "an unknown id is marked, not dropped"
    );
    assert!(
        html.contains("id=\"warnings\""),
        "and warned about in the summary"
    );

    let out = ok(in_memory(d, &["report", "--format", "md"]));
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("## Threats cited by risks"), "{md}");
    assert!(
        md.contains("unknown threat: no generated threat has this id"),
        "{md}"
    );

    // `rampart check` and `rampart risks` warn too.
    let out = ok(in_memory(d, &["check"]));
    assert!(
        text(&out).contains("warning: risk \"leak\" cites threat \"deadbeef0000\""),
        "{}",
        text(&out)
    );
    let out = ok(rampart(d, &["risks"]));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cites threat \"deadbeef0000\""),
        "{}",
        text(&out)
    );
}

/// Accepts connections on 127.0.0.1 and never answers.
fn tarpit() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in l.incoming().flatten() {
            held.push(s);
        }
    });
    port
}

#[test]
fn assess_stops_steps_at_the_time_bound_and_reports_them_timed_out() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("dfd.toml"), DFD).unwrap();

    // A web application that accepts and never answers: the web scan is still running at the
    // bound; the threat model, due after it, never starts.
    let port = tarpit();
    std::fs::write(
        d.join("web.toml"),
        format!("[project]\nname = \"bound\"\n[scope]\nhosts = [\"127.0.0.1\"]\n[[web]]\nurl = \"http://127.0.0.1:{port}/\"\n[threats]\nmodel = \"dfd.toml\"\n"),
    )
    .unwrap();
    let out = ok(rampart(
        d,
        &[
            "-v",
            "-p",
            "web.toml",
            "assess",
            "--duration",
            "1s",
            "--timeout",
            "2s",
        ],
    ));
    let t = text(&out);
    assert!(
        t.contains(&format!(
            "timed out: web scan of http://127.0.0.1:{port}/: stopped at the 2s time bound"
        )),
        "{t}"
    );
    assert!(
        t.contains("timed out: threat model: not started, the 2s time bound was reached"),
        "{t}"
    );
    assert!(t.contains(", 2 timed out;"), "the summary counts them: {t}");
    // `-v` shows the steps through tracing.
    assert!(t.contains("assess: step started"), "{t}");
    assert!(t.contains("assess: step timed out"), "{t}");
    // A stopped scan did not run: it backs no claim and is not listed as a check that ran.
    let v = json(&ok(rampart(
        d,
        &["-p", "web.toml", "report", "--format", "json"],
    )));
    assert!(
        v["runs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["kind"] != "web"),
        "{:#}",
        v["runs"]
    );

    // Log analysis of a source that never ends (a FIFO nobody writes to) is stopped too.
    let fifo = d.join("never.log");
    let made = Command::new("mkfifo").arg(&fifo).status();
    assert!(made.map(|s| s.success()).unwrap_or(false), "mkfifo");
    std::fs::write(
        d.join("logs.toml"),
        "[project]\nname = \"bound\"\n[scope]\nhosts = [\"127.0.0.1\"]\n[logs]\nsources = [{ path = \"never.log\", format = \"combined\" }]\n",
    )
    .unwrap();
    let out = ok(rampart(
        d,
        &[
            "-p",
            "logs.toml",
            "assess",
            "--duration",
            "1s",
            "--timeout",
            "1s",
        ],
    ));
    let t = text(&out);
    assert!(
        t.contains("timed out: log analysis: stopped at the 1s time bound"),
        "{t}"
    );
    assert!(
        t.contains("  timed out: log analysis (stopped at the 1s time bound)"),
        "{t}"
    );
}
