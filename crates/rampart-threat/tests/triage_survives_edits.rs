//! Triage hangs on stable ids: renaming elements and flows keeps it; changing an id or removing a
//! flow leaves the entry unmatched, and that is reported.

use rampart_threat::{kb::KnowledgeBase, parse_dfd, RuleSet, State, Triage};
use std::path::Path;

fn model(apache_name: &str, flow_id: &str) -> String {
    format!(
        r#"[[element]]
id = "users"
name = "Users"
kind = "external-entity"

[[element]]
id = "apache"
name = "{apache_name}"
kind = "process"

[[flow]]
id = "{flow_id}"
name = "Request"
source = "users"
target = "apache"

[[boundary]]
id = "srv"
contains = ["apache"]
"#
    )
}

const TRIAGE_FOR: &str = "S2";

#[test]
fn rename_keeps_triage_and_stale_entries_are_reported() {
    let kb = KnowledgeBase::builtin();
    let rules = RuleSet::builtin().unwrap();
    let v1 = parse_dfd(&model("Apache", "req"), Path::new("v1.toml"), &kb).unwrap();
    let mut t1 = rules.generate(&v1).unwrap();
    let s2 = t1.iter_mut().find(|t| t.rule == TRIAGE_FOR).unwrap();
    s2.state = State::Mitigated;
    s2.justification = "mutual TLS".into();
    s2.groups = vec!["apache-config".into()];
    s2.owner = "ops".into();
    let text = Triage::from_threats(&t1).to_toml();
    let triage = Triage::parse(&text, Path::new("triage.toml")).unwrap();
    assert_eq!(triage.to_toml(), text, "the triage file round-trips");

    // Renamed process: same ids, triage applies, the title follows the new name.
    let v2 = parse_dfd(&model("Apache httpd 2.4", "req"), Path::new("v2.toml"), &kb).unwrap();
    let mut t2 = rules.generate(&v2).unwrap();
    let out = triage.apply(&mut t2);
    assert!(out.unmatched.is_empty());
    let s2 = t2.iter().find(|t| t.rule == TRIAGE_FOR).unwrap();
    assert_eq!(s2.state, State::Mitigated);
    assert_eq!(s2.justification, "mutual TLS");
    assert_eq!(s2.groups, ["apache-config"]);
    assert_eq!(s2.title, "Spoofing the Apache httpd 2.4 Process");

    // New flow id: every entry is stale and reported with its line.
    let v3 = parse_dfd(&model("Apache", "request"), Path::new("v3.toml"), &kb).unwrap();
    let mut t3 = rules.generate(&v3).unwrap();
    let out = triage.apply(&mut t3);
    assert_eq!(out.unmatched.len(), t1.len());
    assert!(out.unmatched.iter().all(|e| e.line > 0));
    assert!(t3.iter().all(|t| t.state == State::NotStarted));
}

#[test]
fn bad_state_is_located() {
    let err = Triage::parse(
        "[[threat]]\nid = \"x\"\nstate = \"done\"\n",
        Path::new("t.toml"),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("t.toml:3:9") && err.contains("expected one of not-started"),
        "{err}"
    );
}
