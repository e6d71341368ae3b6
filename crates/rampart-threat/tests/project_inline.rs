//! A DFD written inline in the project file's [threats] section, validated with line and column.

use rampart_threat::{load_project, ThreatError};

const PROJECT: &str = r#"[project]
name = "inline"

[threats]
triage = "triage.toml"

[[threats.element]]
id = "users"
kind = "external-entity"

[[threats.element]]
id = "app"
kind = "web-application"

[[threats.flow]]
id = "req"
source = "users"
target = "app"
kind = "https"

[[threats.boundary]]
id = "srv"
contains = ["app"]
"#;

#[test]
fn inline_dfd_generates_and_errors_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rampart.toml");
    std::fs::write(&path, PROJECT).unwrap();
    std::fs::write(dir.path().join("triage.toml"), "").unwrap();
    let project = rampart_config::load_file(&path).unwrap();
    let pt = load_project(&project).unwrap();
    assert!(pt.threats.iter().any(|t| t.rule == "T13.1"));
    assert!(
        !pt.threats.iter().any(|t| t.rule == "I6"),
        "HTTPS is not sniffable"
    );

    std::fs::write(
        &path,
        PROJECT.replace("target = \"app\"", "target = \"ap\""),
    )
    .unwrap();
    let project = rampart_config::load_file(&path).unwrap();
    let err = load_project(&project).unwrap_err();
    let ThreatError::Invalid(list) = &err else {
        panic!("{err}")
    };
    assert_eq!((list[0].line, list[0].column), (18, 10), "{err}");
}
