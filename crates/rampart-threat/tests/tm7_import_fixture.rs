//! The importer on a small hand-written .tm7: names, kinds, attributes, border and line boundaries
//! decided from the drawing, threat instances with state, priority and justification.

use rampart_threat::{load_tm7, Priority, RuleSet, State, TitleSource};
use std::path::PathBuf;

fn fixture() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/two-zones.tm7"
    ))
}

#[test]
fn imports_elements_boundaries_and_threats() {
    let m = load_tm7(&fixture()).unwrap();
    assert_eq!(m.dfd.meta.name, "Two zones");
    let names: Vec<(&str, &str, &str)> = m
        .dfd
        .elements
        .iter()
        .map(|e| (e.id.as_str(), e.name.as_str(), e.kind.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            (
                "visitor-browser",
                "Visitor & browser",
                "SE.EI.TMCore.Browser"
            ),
            ("web-app", "Web App", "SE.P.TMCore.WebApp"),
            ("sessions", "Sessions", "SE.DS.TMCore.Cache"),
        ]
    );
    assert_eq!(
        m.dfd.elements[0]
            .attributes
            .get("authenticatesItself")
            .map(String::as_str),
        Some("No")
    );
    assert_eq!(
        m.dfd.elements[2]
            .attributes
            .get("storesLogData")
            .map(String::as_str),
        Some("Yes")
    );
    let zone = m
        .dfd
        .boundaries
        .iter()
        .find(|b| b.name == "Server zone")
        .unwrap();
    assert_eq!(zone.contains, ["web-app"]);
    let line = m
        .dfd
        .boundaries
        .iter()
        .find(|b| b.name == "Machine line")
        .unwrap();
    assert_eq!(line.kind, "SE.TB.L.TMCore.Machine");
    assert_eq!(line.crossed_by, ["session-write"]);

    assert_eq!(m.threats.len(), 2);
    let t = &m.threats[0];
    assert_eq!(
        (t.rule.as_str(), t.state, t.priority),
        ("I6", State::NeedsInvestigation, Priority::Medium)
    );
    assert_eq!(t.justification, "Moving to HTTPS <next sprint>.");

    // Regeneration: the stored threats match generated ones; the renamed title stays stored.
    let rules = RuleSet::builtin().unwrap();
    let mut threats = rules.generate(&m.dfd).unwrap();
    let out = m.triage(&threats).apply(&mut threats);
    assert!(out.unmatched.is_empty(), "{:?}", out.unmatched);
    let d4 = threats
        .iter()
        .find(|t| t.rule == "D4" && t.flow_id == "session-write")
        .unwrap();
    assert_eq!(d4.state, State::NotApplicable);
    assert_eq!(d4.title_source, TitleSource::Stored);
    assert_eq!(d4.title, "Data Flow Old Name Is Potentially Interrupted");
    assert_eq!(
        d4.generated_title,
        "Data Flow Session write Is Potentially Interrupted"
    );
    // Crossing the Machine line boundary from a process to a data store gives I25.
    assert!(threats
        .iter()
        .any(|t| t.rule == "I25" && t.flow_id == "session-write"));
    // Browser → web app over HTTP across the CorpNet border: sniffing, and no CSRF (CorpNet excludes it).
    assert!(threats
        .iter()
        .any(|t| t.rule == "I6" && t.flow_id == "page-request"));
    assert!(!threats
        .iter()
        .any(|t| t.rule.starts_with("8404") && t.flow_id == "page-request"));
}

#[test]
fn rejects_what_is_not_a_model() {
    let err =
        rampart_threat::parse_tm7("<KnowledgeBase/>", std::path::Path::new("x.tm7")).unwrap_err();
    assert!(err.to_string().contains("expected <ThreatModel>"), "{err}");
    let err =
        rampart_threat::parse_tm7("<ThreatModel><a>", std::path::Path::new("x.tm7")).unwrap_err();
    assert!(err.to_string().contains("x.tm7"), "{err}");
}
