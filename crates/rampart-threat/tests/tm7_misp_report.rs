//! Must show: importing TMT's MISP model and generating with the built-in rules gives exactly the
//! 35 threats of TMT's own HTML report: same titles, same interactions, Mitigated, same
//! justifications. Reads ../shared (not shipped with the repo) and skips when it is absent.

mod common;

use common::{parse_tmt_report, shared_tmt, ReportThreat};
use rampart_threat::{load_tm7, RuleSet, State, TitleSource};

#[test]
fn misp_tm7_regenerates_the_35_threats_of_the_tmt_report() {
    let (Some(tm7), Some(htm)) = (
        shared_tmt("misp-level1.tm7"),
        shared_tmt("misp-level1.report.htm"),
    ) else {
        return;
    };
    let model = load_tm7(&tm7).unwrap();
    assert_eq!(model.dfd.elements.len(), 4);
    assert_eq!(model.dfd.flows.len(), 5);
    assert_eq!(model.dfd.boundaries.len(), 1);
    assert_eq!(model.threats.len(), 35);

    let rules = RuleSet::builtin().unwrap();
    let mut threats = rules.generate(&model.dfd).unwrap();
    let triage = model.triage(&threats);
    let outcome = triage.apply(&mut threats);
    assert!(outcome.unmatched.is_empty(), "{:#?}", outcome.unmatched);
    assert_eq!(threats.len(), 35);

    let html = std::fs::read_to_string(&htm).unwrap();
    let mut expected = parse_tmt_report(&html);
    assert_eq!(expected.len(), 35);
    let mut got: Vec<ReportThreat> = threats
        .iter()
        .map(|t| {
            assert_eq!(t.state, State::Mitigated);
            ReportThreat {
                interaction: t.interaction.clone(),
                title: t.title.clone(),
                state: "Mitigation Implemented".into(),
                priority: t.priority.to_string(),
                justification: t.justification.clone(),
            }
        })
        .collect();
    expected.sort();
    got.sort();
    assert_eq!(got, expected);

    // Per-interaction counts, in the report's order.
    for (name, n) in [
        ("HTTP REST request", 11),
        ("HTTP REST response", 4),
        ("SQL query", 8),
        ("Result Set", 9),
        ("SMTP", 3),
    ] {
        assert_eq!(
            threats.iter().filter(|t| t.interaction == name).count(),
            n,
            "{name}"
        );
    }

    // The two titles TMT froze under old names are shown as stored; the rest are generated.
    let stored: Vec<(&str, &str)> = threats
        .iter()
        .filter(|t| t.title_source == TitleSource::Stored)
        .map(|t| (t.title.as_str(), t.generated_title.as_str()))
        .collect();
    assert_eq!(stored.len(), 2, "{stored:?}");
    assert!(stored.contains(&(
        "Data Flow Generic Data Flow Is Potentially Interrupted",
        "Data Flow Result Set Is Potentially Interrupted"
    )));
    assert!(stored.contains(&(
        "Potential Excessive Resource Consumption for MISP Apache Process or MySQL database",
        "Potential Excessive Resource Consumption for 1.0 MISP Apache Process or MySQL database"
    )));
}
