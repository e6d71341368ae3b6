//! `rampart threats` through the real binary: import, report, check, draw, diff, Threat Dragon
//! export and import, exit codes.

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

fn repo() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn shared_tmt(name: &str) -> Option<PathBuf> {
    let base = std::env::var_os("RAMPART_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared"));
    let p = base.join("reference/tmt").join(name);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("SKIP: {} not present (../shared is absent)", p.display());
        None
    }
}

#[test]
fn import_misp_then_report_gives_the_35_mitigated_threats() {
    let Some(tm7) = shared_tmt("misp-level1.tm7") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = rampart(dir.path(), &["threats", "import", tm7.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(dir.path().join("misp-level1.dfd.toml").exists());
    let out = rampart(
        dir.path(),
        &[
            "threats",
            "report",
            "--model",
            "misp-level1.dfd.toml",
            "--triage",
            "misp-level1.triage.toml",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let threats = v["threats"].as_array().unwrap();
    assert_eq!(threats.len(), 35);
    let count = |name: &str| threats.iter().filter(|t| t["interaction"] == name).count();
    assert_eq!(
        [
            count("HTTP REST request"),
            count("HTTP REST response"),
            count("SQL query"),
            count("Result Set"),
            count("SMTP")
        ],
        [11, 4, 8, 9, 3]
    );
    assert!(threats
        .iter()
        .all(|t| t["state"] == "Mitigated" && t["justification"] != ""));
    // Same with TMT's own template.
    let Some(tb7) = shared_tmt("default.tb7") else {
        return;
    };
    let out2 = rampart(
        dir.path(),
        &[
            "threats",
            "report",
            "--model",
            "misp-level1.dfd.toml",
            "--triage",
            "misp-level1.triage.toml",
            "--template",
            tb7.to_str().unwrap(),
            "-f",
            "csv",
        ],
    );
    assert_eq!(out2.status.code(), Some(0), "{}", text(&out2));
    assert_eq!(String::from_utf8_lossy(&out2.stdout).lines().count(), 36);
}

#[test]
fn example_project_report_check_draw_and_exit_codes() {
    let ex = repo().join("examples/misp/rampart.toml");
    let p = ex.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = rampart(dir.path(), &["-p", p, "threats", "check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("35 threats (0 open)"), "{}", text(&out));
    let out = rampart(
        dir.path(),
        &[
            "-p",
            p,
            "threats",
            "report",
            "--group-by",
            "group",
            "--fail-on-open",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("Group: firewall"));
    let out = rampart(dir.path(), &["-p", p, "threats", "draw", "-f", "mermaid"]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("flowchart LR"));
    let out = rampart(dir.path(), &["-p", p, "threats", "draw", "-o", "dfd.svg"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(std::fs::read_to_string(dir.path().join("dfd.svg"))
        .unwrap()
        .starts_with("<svg"));

    // A model with an open threat fails --fail-on-open; a stale triage entry fails check.
    std::fs::write(
        dir.path().join("m.toml"),
        "[[element]]\nid = \"u\"\nkind = \"external-entity\"\n[[element]]\nid = \"p\"\nkind = \"process\"\n[[flow]]\nid = \"f\"\nsource = \"u\"\ntarget = \"p\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("t.toml"),
        "[[threat]]\nid = \"ffffffffffff\"\nstate = \"mitigated\"\n",
    )
    .unwrap();
    let out = rampart(
        dir.path(),
        &["threats", "report", "--model", "m.toml", "--fail-on-open"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let out = rampart(
        dir.path(),
        &[
            "threats", "check", "--model", "m.toml", "--triage", "t.toml",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("t.toml:1: triage entry ffffffffffff"),
        "{}",
        text(&out)
    );
    // A bad model is an input error with its location.
    std::fs::write(
        dir.path().join("bad.toml"),
        "[[flow]]\nid = \"f\"\nsource = \"a\"\ntarget = \"b\"\n",
    )
    .unwrap();
    let out = rampart(dir.path(), &["threats", "report", "--model", "bad.toml"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("bad.toml:3:10"), "{}", text(&out));
}

#[test]
fn diff_between_two_model_versions() {
    let dir = tempfile::tempdir().unwrap();
    let v1 = "[[element]]\nid = \"u\"\nname = \"User\"\nkind = \"external-entity\"\n[[element]]\nid = \"p\"\nname = \"App\"\nkind = \"process\"\n[[flow]]\nid = \"f\"\nname = \"Req\"\nsource = \"u\"\ntarget = \"p\"\n";
    let v2 = format!(
        "{}[[boundary]]\nid = \"b\"\ncontains = [\"p\"]\n",
        v1.replace("name = \"App\"", "name = \"App v2\"")
    );
    std::fs::write(dir.path().join("v1.toml"), v1).unwrap();
    std::fs::write(dir.path().join("v2.toml"), v2).unwrap();
    let out = rampart(dir.path(), &["threats", "diff", "v1.toml", "v2.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let t = text(&out);
    assert!(
        t.contains("added") && t.contains("+ ") && t.contains("~ "),
        "{t}"
    );
    assert!(t.contains("Elevation Using Impersonation"), "{t}");
    let out = rampart(
        dir.path(),
        &[
            "threats",
            "diff",
            "v1.toml",
            "v2.toml",
            "-f",
            "json",
            "--fail-on-change",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!v["added"].as_array().unwrap().is_empty());
}

#[test]
fn threat_dragon_export_then_import_gives_the_same_threats() {
    let ex = repo().join("examples/misp/rampart.toml");
    let p = ex.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let report = |args: &[&str]| -> Vec<serde_json::Value> {
        let out = rampart(dir.path(), args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", text(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["threats"].as_array().unwrap().clone()
    };
    let before = report(&["-p", p, "threats", "report", "-f", "json"]);
    assert_eq!(before.len(), 35);

    // Export: a Threat Dragon v2 document with every threat on its flow.
    let out = rampart(
        dir.path(),
        &["-p", p, "threats", "export", "-o", "misp.json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("misp.json")).unwrap())
            .unwrap();
    assert!(
        doc["version"].as_str().unwrap().starts_with("2."),
        "{}",
        doc["version"]
    );
    assert!(doc["summary"]["title"].is_string());
    let diagrams = doc["detail"]["diagrams"].as_array().unwrap();
    assert_eq!(diagrams.len(), 1);
    assert_eq!(diagrams[0]["diagramType"], "STRIDE");
    let cells = diagrams[0]["cells"].as_array().unwrap();
    let shapes: std::collections::BTreeSet<&str> =
        cells.iter().filter_map(|c| c["shape"].as_str()).collect();
    assert!(
        shapes.contains("flow") && shapes.contains("process"),
        "{shapes:?}"
    );
    let on_flows: Vec<&serde_json::Value> = cells
        .iter()
        .filter(|c| c["data"]["type"] == "tm.Flow")
        .flat_map(|c| c["data"]["threats"].as_array().unwrap())
        .collect();
    assert_eq!(on_flows.len(), 35);
    for t in &on_flows {
        assert_eq!(t["status"], "Mitigated", "{t}");
        // Threat Dragon looks threats up by `id`.
        assert!(t["id"].is_string() && t["title"].is_string() && t["type"].is_string());
    }

    // Import: the model and triage files, which report the same threats.
    let out = rampart(
        dir.path(),
        &["threats", "import", "misp.json", "--out-dir", "back"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("35 threats generated"),
        "{}",
        text(&out)
    );
    let after = report(&[
        "threats",
        "report",
        "--model",
        "back/misp.dfd.toml",
        "--triage",
        "back/misp.triage.toml",
        "-f",
        "json",
    ]);
    assert_eq!(
        after, before,
        "threats changed through Threat Dragon and back"
    );
    // The .json is also a model in its own right (its threats are its triage).
    let direct = report(&["threats", "report", "--model", "misp.json", "-f", "json"]);
    assert_eq!(direct, before);
}

#[test]
fn threat_dragon_dangling_flow_is_refused_then_skipped_with_the_flag() {
    let fixture = repo().join("crates/rampart-threat/tests/data/td-v2-dangling.json");
    let f = fixture.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = rampart(dir.path(), &["threats", "import", f]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("td-v2-dangling.json:"),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("--skip-dangling"), "{}", text(&out));
    assert!(!dir.path().join("td-v2-dangling.dfd.toml").exists());

    let out = rampart(dir.path(), &["threats", "import", f, "--skip-dangling"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning:") && err.contains("f-loose") && err.contains("Use HTTPS"),
        "{err}"
    );
    assert!(dir.path().join("td-v2-dangling.dfd.toml").exists());
}

#[test]
fn threat_dragon_hand_written_threats_are_reported_and_not_stale() {
    let fixture = repo().join("crates/rampart-threat/tests/data/td-v2-shop.json");
    let dir = tempfile::tempdir().unwrap();
    let out = rampart(
        dir.path(),
        &["threats", "import", fixture.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("unknown status \"Accepted\""),
        "{}",
        text(&out)
    );
    let model = [
        "--model",
        "td-v2-shop.dfd.toml",
        "--triage",
        "td-v2-shop.triage.toml",
    ];
    let mut check = vec!["threats", "check"];
    check.extend(model);
    let out = rampart(dir.path(), &check);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let mut report = vec!["threats", "report", "-f", "json"];
    report.extend(model);
    let out = rampart(dir.path(), &report);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mine: Vec<&serde_json::Value> = v["threats"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["origin"] == "model")
        .collect();
    assert_eq!(mine.len(), 4);
    assert!(mine
        .iter()
        .any(|t| t["title"] == "Customer spoofed" && t["state"] == "Mitigated"));
}

#[test]
fn tm7_threat_on_a_deleted_flow_is_refused_then_skipped_with_the_flag() {
    // Threat 3 of the fixture moved onto a flow that is no longer in the drawing.
    let fixture = repo().join("crates/rampart-threat/tests/data/two-zones.tm7");
    let model = std::fs::read_to_string(fixture).unwrap().replacen(
        "<b:FlowGuid>00000000-0000-0000-0000-0000000000c1<",
        "<b:FlowGuid>00000000-0000-0000-0000-0000000000c9<",
        1,
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("orphan.tm7"), model).unwrap();
    let out = rampart(dir.path(), &["threats", "import", "orphan.tm7"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("orphan.tm7:"), "{}", text(&out));
    assert!(text(&out).contains("--skip-dangling"), "{}", text(&out));
    assert!(!dir.path().join("orphan.dfd.toml").exists());

    let out = rampart(
        dir.path(),
        &["threats", "import", "orphan.tm7", "--skip-dangling"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning: orphan.tm7: threat instance 3 (\"Data Flow Sniffing\") dropped"),
        "{err}"
    );
    // What import wrote loads again.
    let out = rampart(
        dir.path(),
        &[
            "threats",
            "check",
            "--model",
            "orphan.dfd.toml",
            "--triage",
            "orphan.triage.toml",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn tm7_warnings_reach_the_user_on_import_and_report() {
    let fixture = repo().join("crates/rampart-threat/tests/data/two-zones.tm7");
    let model = std::fs::read_to_string(fixture)
        .unwrap()
        .replacen("<b:Priority>Medium<", "<b:Priority>low-medium<", 1)
        .replacen(
            "<b:Name>storesLogData<",
            "<b:Name>5e1f0c3a-custom-attribute<",
            1,
        );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("m.tm7"), model).unwrap();
    for args in [
        &["threats", "import", "m.tm7"][..],
        &["threats", "report", "--model", "m.tm7", "-f", "json"][..],
    ] {
        let out = rampart(dir.path(), args);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("unknown priority \"low-medium\"; read as Medium"),
            "{err}"
        );
        assert!(err.contains("`5e1f0c3a-custom-attribute`"), "{err}");
    }
    // The written model is one the TOML loader accepts.
    let out = rampart(
        dir.path(),
        &[
            "threats",
            "check",
            "--model",
            "m.dfd.toml",
            "--triage",
            "m.triage.toml",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}
