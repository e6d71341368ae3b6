//! Must show: the MISP system written by hand in rampart's TOML format (examples/misp) gives the
//! same 35 threats as TMT's report (titles and interactions), all Mitigated.

mod common;

use common::{parse_tmt_report, repo_root, shared_tmt};
use rampart_threat::{load_project, State};

#[test]
fn hand_written_misp_gives_the_35_threats() {
    let project =
        rampart_config::load_file(&repo_root().join("examples/misp/rampart.toml")).unwrap();
    let pt = load_project(&project).unwrap();
    assert!(pt.unmatched_triage.is_empty(), "{:#?}", pt.unmatched_triage);
    assert_eq!(pt.threats.len(), 35);
    assert!(pt
        .threats
        .iter()
        .all(|t| t.state == State::Mitigated && !t.justification.is_empty()));
    let groups: std::collections::BTreeSet<&str> = pt
        .threats
        .iter()
        .flat_map(|t| t.groups.iter().map(String::as_str))
        .collect();
    assert_eq!(
        groups.into_iter().collect::<Vec<_>>(),
        ["apache-config", "firewall", "smtp"]
    );

    let Some(htm) = shared_tmt("misp-level1.report.htm") else {
        return;
    };
    let html = std::fs::read_to_string(htm).unwrap();
    let mut expected: Vec<(String, String)> = parse_tmt_report(&html)
        .into_iter()
        .map(|t| (t.interaction, t.title))
        .collect();
    let mut got: Vec<(String, String)> = pt
        .threats
        .iter()
        .map(|t| (t.interaction.clone(), t.title.clone()))
        .collect();
    expected.sort();
    got.sort();
    assert_eq!(got, expected);
}

#[test]
fn svg_draws_every_element_and_the_boundary() {
    let project =
        rampart_config::load_file(&repo_root().join("examples/misp/rampart.toml")).unwrap();
    let pt = load_project(&project).unwrap();
    let svg = pt.svg();
    assert!(svg.starts_with("<svg"));
    for name in [
        "1.0 MISP Apache Process",
        "REST API Users",
        "MySQL database",
        "Email servers",
        "Trust Boundary",
        "SQL query",
    ] {
        assert!(svg.contains(name), "{name}");
    }
    assert!(pt.findings().is_empty(), "all MISP threats are mitigated");
}
