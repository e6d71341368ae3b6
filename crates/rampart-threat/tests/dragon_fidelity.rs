//! Threat Dragon import and export keep what a Threat Dragon user wrote: their own threats with
//! states and severities, two-way flows, names that live only in labels, descriptions and
//! out-of-scope reasons, box membership per diagram, legacy v1 files; and a flow attached to
//! nothing is refused unless the caller asks to skip it, with a warning naming what is dropped.

use rampart_threat::dragon::{self, DragonImport, ImportOptions};
use rampart_threat::{Origin, Priority, RuleSet, State, ThreatError, Triage};
use serde_json::Value;
use std::path::Path;

fn fixture(name: &str) -> String {
    let p = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(p).unwrap()
}

fn import_with(name: &str, skip_dangling: bool) -> Result<DragonImport, ThreatError> {
    let rules = RuleSet::builtin().unwrap();
    dragon::parse_dragon_with(
        &fixture(name),
        Path::new(name),
        rules.kb(),
        ImportOptions { skip_dangling },
    )
}

fn import(name: &str) -> DragonImport {
    import_with(name, false).unwrap()
}

fn entry<'a>(t: &'a Triage, id: &str) -> &'a rampart_threat::TriageEntry {
    t.entries.iter().find(|e| e.id == id).unwrap()
}

#[test]
fn hand_written_threats_become_model_threats_with_their_states() {
    let i = import("td-v2-shop.json");
    let ids: Vec<&str> = i.dfd.threats.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids.len(), 4, "{ids:?}");
    let linkable = i.dfd.threats.iter().find(|t| t.on == "web-app").unwrap();
    assert_eq!(linkable.category, "Linkability");
    assert_eq!(linkable.model_type, "LINDDUN");
    assert_eq!(
        linkable.severity, "TBD",
        "the severity text is kept as written"
    );
    let t = &i.triage;
    assert_eq!(
        entry(t, "6b2c7a1e-0001-4000-8000-000000000001").state,
        State::Mitigated
    );
    assert_eq!(
        entry(t, "6b2c7a1e-0004-4000-8000-000000000004").state,
        State::NotApplicable
    );
    assert_eq!(
        entry(t, "6b2c7a1e-0004-4000-8000-000000000004").priority,
        Priority::Low
    );
    // Critical and TBD map to High by the stated rule.
    assert_eq!(
        entry(t, "6b2c7a1e-0003-4000-8000-000000000003").priority,
        Priority::High
    );
}

#[test]
fn an_unknown_status_is_a_warning_naming_the_threat() {
    let i = import("td-v2-shop.json");
    let w: Vec<&String> = i
        .warnings
        .iter()
        .filter(|w| w.contains("Accepted"))
        .collect();
    assert_eq!(w.len(), 1, "{:?}", i.warnings);
    assert!(w[0].contains("6b2c7a1e-0003-4000-8000-000000000003"));
    assert!(w[0].contains("Order replayed"));
    assert!(w[0].contains("td-v2-shop.json"));
}

#[test]
fn model_threats_are_reported_and_triaged_like_generated_ones() {
    let rules = RuleSet::builtin().unwrap();
    let i = import("td-v2-shop.json");
    let mut threats = rules.generate(&i.dfd).unwrap();
    let outcome = i.triage.apply(&mut threats);
    assert!(outcome.unmatched.is_empty(), "{:?}", outcome.unmatched);
    let spoofed = threats
        .iter()
        .find(|t| t.id == "6b2c7a1e-0001-4000-8000-000000000001")
        .unwrap();
    assert_eq!(spoofed.origin, Origin::Model);
    assert_eq!(spoofed.state, State::Mitigated);
    assert_eq!(spoofed.category_id, "S");
    assert!(threats.iter().any(|t| t.origin == Origin::Rule));
    let sarif = rampart_threat::render::sarif::render(&threats);
    assert!(sarif.contains("Orders linkable to people"));
    assert!(sarif.contains("dfd:element/web-app"));
}

#[test]
fn names_descriptions_and_reasons_are_kept() {
    let d = import("td-v2-shop.json").dfd;
    assert_eq!(
        d.boundaries[0].name, "Data centre",
        "name from attrs.label.text"
    );
    let store = d.flows.iter().find(|f| f.id == "store-order").unwrap();
    assert_eq!(store.name, "Store order", "name from the label object");
    let order = d.flows.iter().find(|f| f.name == "Order").unwrap();
    assert!(order.bidirectional);
    assert_eq!(order.protocol, "gRPC");
    assert_eq!(order.description, "Customer places an order");
    let db = d.element("orders-db").unwrap();
    assert_eq!(db.description, "PostgreSQL 16");
    let backups = d.element("backups").unwrap();
    assert!(backups.out_of_scope);
    assert_eq!(backups.reason_out_of_scope, "Run by the hosting company");
}

#[test]
fn boxes_hold_only_elements_of_their_own_diagram() {
    let d = import("td-v2-shop.json").dfd;
    let mut members = d.boundaries[0].contains.clone();
    members.sort();
    // Admin is drawn inside the box's rectangle, but on the other diagram.
    assert_eq!(members, ["orders-db", "web-app"]);
}

#[test]
fn a_two_way_flow_generates_threats_for_both_directions() {
    let rules = RuleSet::builtin().unwrap();
    let d = import("td-v2-shop.json").dfd;
    let threats = rules.generate(&d).unwrap();
    let on_order = |s: &str, t: &str| {
        threats
            .iter()
            .filter(|x| x.flow_id == "order" && x.source_id == s && x.target_id == t)
            .map(|x| x.id.clone())
            .collect::<Vec<_>>()
    };
    let forward = on_order("customer", "web-app");
    let back = on_order("web-app", "customer");
    assert!(!forward.is_empty() && !back.is_empty());
    assert!(forward.iter().all(|id| !back.contains(id)), "distinct ids");
}

#[test]
fn export_then_import_keeps_the_model() {
    let rules = RuleSet::builtin().unwrap();
    let i = import("td-v2-shop.json");
    let mut threats = rules.generate(&i.dfd).unwrap();
    i.triage.apply(&mut threats);
    let doc = dragon::export(&i.dfd, &threats, rules.kb());
    // Threat Dragon finds threats by `id` and knows three statuses.
    let cells = doc["detail"]["diagrams"][0]["cells"].as_array().unwrap();
    let all: Vec<&Value> = cells
        .iter()
        .flat_map(|c| c["data"]["threats"].as_array().into_iter().flatten())
        .collect();
    assert!(all.iter().all(|t| t["id"].is_string()));
    assert!(all
        .iter()
        .all(|t| ["Open", "Mitigated", "NotApplicable"].contains(&t["status"].as_str().unwrap())));
    let linkable = all
        .iter()
        .find(|t| t["id"] == "6b2c7a1e-0002-4000-8000-000000000002")
        .unwrap();
    assert_eq!(linkable["type"], "Linkability");
    assert_eq!(linkable["severity"], "TBD");
    assert_eq!(linkable["modelType"], "LINDDUN");

    let back = dragon::parse_dragon_with(
        &doc.to_string(),
        Path::new("export.json"),
        rules.kb(),
        ImportOptions::default(),
    )
    .unwrap();
    let (a, b) = (&i.dfd, &back.dfd);
    assert_eq!(a.elements.len(), b.elements.len());
    for (x, y) in a.elements.iter().zip(&b.elements) {
        assert_eq!(
            (
                &x.id,
                &x.name,
                &x.kind,
                &x.description,
                x.out_of_scope,
                &x.reason_out_of_scope
            ),
            (
                &y.id,
                &y.name,
                &y.kind,
                &y.description,
                y.out_of_scope,
                &y.reason_out_of_scope
            )
        );
    }
    assert_eq!(a.flows, b.flows, "flows incl. two-way, protocol, reasons");
    assert_eq!(a.threats, b.threats, "hand-written threats, every field");
    for (x, y) in a.boundaries.iter().zip(&b.boundaries) {
        assert_eq!((&x.id, &x.name, &x.contains), (&y.id, &y.name, &y.contains));
    }
    for m in &a.threats {
        let (e, f) = (entry(&i.triage, &m.id), entry(&back.triage, &m.id));
        assert_eq!((e.state, e.priority), (f.state, f.priority), "{}", m.id);
    }
    // The generated threats come back as triage, every one matching.
    let mut again = rules.generate(b).unwrap();
    assert!(back.triage.apply(&mut again).unmatched.is_empty());
    assert_eq!(again.len(), threats.len());
}

#[test]
fn legacy_v1_files_are_imported() {
    let i = import("td-v1-legacy.json");
    let d = &i.dfd;
    assert_eq!(d.meta.name, "Legacy model");
    let names: Vec<&str> = d.elements.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["Operator", "Scheduler", "Job queue"]);
    assert_eq!(
        d.element("job-queue").unwrap().attributes["storesLogData"],
        "Yes"
    );
    let flows: Vec<(&str, &str, &str)> = d
        .flows
        .iter()
        .map(|f| (f.name.as_str(), f.source.as_str(), f.target.as_str()))
        .collect();
    assert_eq!(
        flows,
        [
            ("Submit job", "operator", "scheduler"),
            ("Enqueue", "scheduler", "job-queue")
        ]
    );
    assert_eq!(d.boundaries.len(), 1);
    assert_eq!(d.boundaries[0].name, "Office network");
    assert_eq!(d.boundaries[0].crossed_by, ["submit-job"]);
    assert_eq!(d.threats.len(), 2);
    let tampered = d
        .threats
        .iter()
        .find(|t| t.title == "Job tampered")
        .unwrap();
    assert_eq!(entry(&i.triage, &tampered.id).state, State::Mitigated);
    assert_eq!(
        tampered.model_type, "STRIDE",
        "v1 knew STRIDE categories only"
    );
    // v1 threats have no id: one is derived, the same on every import.
    assert_eq!(import("td-v1-legacy.json").dfd.threats, d.threats);
}

#[test]
fn a_flow_attached_to_nothing_is_refused_by_default() {
    match import_with("td-v2-dangling.json", false) {
        Err(ThreatError::Invalid(p)) => {
            assert_eq!(p.len(), 1);
            assert!(p[0].line > 0);
            assert!(p[0].message.contains("f-loose"), "{}", p[0].message);
            assert!(p[0].message.contains("--skip-dangling"), "{}", p[0].message);
        }
        other => panic!("expected a located error, got {other:?}"),
    }
}

#[test]
fn a_flow_attached_to_nothing_is_skipped_on_request_with_a_warning() {
    let i = import_with("td-v2-dangling.json", true).unwrap();
    assert!(i.dfd.flows.is_empty());
    assert!(i.dfd.threats.is_empty());
    assert_eq!(i.warnings.len(), 1);
    let w = &i.warnings[0];
    assert!(w.contains("f-loose") && w.contains("Web request") && w.contains("Use HTTPS"));
}

#[test]
fn a_model_threat_on_nothing_is_a_located_error_in_toml() {
    let rules = RuleSet::builtin().unwrap();
    let text = "[[element]]\nid = \"a\"\nkind = \"process\"\n\n[[model_threat]]\nid = \"t1\"\ntitle = \"x\"\non = \"nope\"\n";
    match rampart_threat::parse_dfd(text, Path::new("m.dfd.toml"), rules.kb()) {
        Err(ThreatError::Invalid(p)) => {
            assert_eq!((p[0].line, p[0].column), (8, 6));
            assert!(p[0].message.contains("names no element, flow or boundary"));
        }
        other => panic!("expected a located error, got {other:?}"),
    }
}

#[test]
fn the_toml_text_keeps_everything_imported() {
    let rules = RuleSet::builtin().unwrap();
    let i = import("td-v2-shop.json");
    let text = rampart_threat::dfd_to_toml(&i.dfd, rules.kb());
    assert!(text.contains("[[model_threat]]"));
    let back = rampart_threat::parse_dfd(&text, Path::new("m.dfd.toml"), rules.kb()).unwrap();
    assert_eq!(back.flows, i.dfd.flows);
    assert_eq!(back.threats, i.dfd.threats);
    assert_eq!(back.boundaries, i.dfd.boundaries);
}

#[test]
fn a_tm7_threat_no_rule_generates_is_kept_as_a_model_threat() {
    // TMT threats added by hand carry a type id of their own; here I6 becomes "CUSTOM1".
    let tm7 = fixture("two-zones.tm7").replace("<b:TypeId>I6<", "<b:TypeId>CUSTOM1<");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two.tm7");
    std::fs::write(&path, tm7).unwrap();
    let rules = RuleSet::builtin().unwrap();
    let (dfd, triage) = rampart_threat::load_model(&path, &rules).unwrap();
    assert_eq!(dfd.threats.len(), 1, "{:?}", dfd.threats);
    assert_eq!(dfd.threats[0].title, "Data Flow Sniffing");
    assert_eq!(dfd.threats[0].on, "page-request");
    let mut threats = rules.generate(&dfd).unwrap();
    let out = triage.unwrap().apply(&mut threats);
    assert!(out.unmatched.is_empty(), "{:?}", out.unmatched);
    let custom = threats.iter().find(|t| t.origin == Origin::Model).unwrap();
    assert_eq!(custom.state, State::NeedsInvestigation);
    assert_eq!(custom.justification, "Moving to HTTPS <next sprint>.");
}
