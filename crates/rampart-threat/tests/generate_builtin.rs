//! The built-in rules on small hand-built diagrams: counts per interaction, pins, crossings.

use rampart_threat::{Boundary, Dfd, Element, Flow, RuleSet};
use std::collections::BTreeMap;

fn el(id: &str, name: &str, kind: &str) -> Element {
    Element {
        id: id.into(),
        name: name.into(),
        kind: kind.into(),
        attributes: BTreeMap::new(),
        out_of_scope: false,
        tmt_guid: None,
        layout: None,
        ..Default::default()
    }
}

fn flow(id: &str, name: &str, s: &str, t: &str, kind: &str, attrs: &[(&str, &str)]) -> Flow {
    Flow {
        id: id.into(),
        name: name.into(),
        source: s.into(),
        target: t.into(),
        kind: kind.into(),
        attributes: attrs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        out_of_scope: false,
        tmt_guid: None,
        ..Default::default()
    }
}

fn misp(rest_kind: &str) -> Dfd {
    Dfd {
        elements: vec![
            el("apache", "1.0 MISP Apache Process", "GE.P"),
            el("users", "REST API Users", "GE.EI"),
            el("mysql", "MySQL database", "GE.DS"),
            el("smtp", "Email servers", "GE.EI"),
        ],
        flows: vec![
            flow(
                "req",
                "HTTP REST request",
                "users",
                "apache",
                rest_kind,
                &[("authenticatesSource", "Yes")],
            ),
            flow(
                "resp",
                "HTTP REST response",
                "apache",
                "users",
                "GE.DF",
                &[("authenticatesSource", "Yes"), ("REST", "Yes")],
            ),
            flow("sql", "SQL query", "apache", "mysql", "GE.DF", &[]),
            flow("rs", "Result Set", "mysql", "apache", "GE.DF", &[]),
            flow("mail", "SMTP", "apache", "smtp", "GE.DF", &[]),
        ],
        boundaries: vec![Boundary {
            id: "tb".into(),
            name: "Trust Boundary".into(),
            kind: "GE.TB.B".into(),
            contains: vec!["apache".into()],
            crossed_by: vec![],
            tmt_guid: None,
            layout: None,
            ..Default::default()
        }],
        ..Dfd::default()
    }
}

fn counts(threats: &[rampart_threat::Threat]) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    for t in threats {
        match out.iter_mut().find(|(n, _)| *n == t.interaction) {
            Some(e) => e.1 += 1,
            None => out.push((t.interaction.clone(), 1)),
        }
    }
    out
}

#[test]
fn misp_gives_tmt_counts_per_interaction() {
    let rs = RuleSet::builtin().unwrap();
    let threats = rs.generate(&misp("GE.DF")).unwrap();
    let c = counts(&threats);
    assert_eq!(
        c,
        vec![
            ("HTTP REST request".to_string(), 11),
            ("HTTP REST response".to_string(), 4),
            ("SQL query".to_string(), 8),
            ("Result Set".to_string(), 9),
            ("SMTP".to_string(), 3),
        ]
    );
    assert!(threats
        .iter()
        .any(|t| t.title == "Spoofing the 1.0 MISP Apache Process Process" && t.rule == "S2"));
    // Ids are stable and unique.
    let mut ids: Vec<&str> = threats.iter().map(|t| t.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 35);
}

#[test]
fn https_pins_escape_sniffing_and_input_validation() {
    let rs = RuleSet::builtin().unwrap();
    let threats = rs.generate(&misp("SE.DF.TMCore.HTTPS")).unwrap();
    let req: Vec<&str> = threats
        .iter()
        .filter(|t| t.flow_id == "req")
        .map(|t| t.rule.as_str())
        .collect();
    assert!(!req.contains(&"I6"), "{req:?}");
    assert!(!req.contains(&"T1"), "{req:?}");
    assert!(!req.contains(&"S2"), "{req:?}");
}

#[test]
fn no_boundary_means_no_crossing_threats() {
    let rs = RuleSet::builtin().unwrap();
    let mut d = misp("GE.DF");
    d.boundaries.clear();
    let threats = rs.generate(&d).unwrap();
    assert!(threats.iter().all(|t| t.rule != "D4"));
}
