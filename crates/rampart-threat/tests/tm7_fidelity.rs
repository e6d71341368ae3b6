//! What a `.tm7` holds reaches the model as TMT meant it, and what cannot is said: boundaries
//! stay within their diagram, unknown states and priorities and unattached connectors are
//! warned about, the out-of-scope reason is kept, a threat on a missing flow can be skipped,
//! kinds of another template are named, attributes the template does not know are dropped.

use rampart_threat::tm7::priority_of;
use rampart_threat::{
    dfd_to_toml, import_model, parse_dfd, parse_tm7, parse_tm7_with, ImportOptions, Located,
    Priority, RuleSet, State, ThreatError,
};
use std::path::Path;

fn data(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn problems(r: Result<impl std::fmt::Debug, ThreatError>) -> Vec<Located> {
    match r {
        Err(ThreatError::Invalid(v)) => v,
        other => panic!("expected located problems, got {other:?}"),
    }
}

const SKIP: ImportOptions = ImportOptions {
    skip_dangling: true,
};

/// The diagram of two-zones.tm7, copied with new GUIDs and its server box grown over the
/// whole canvas (so in the copy no flow crosses it).
fn copied_surface(text: &str) -> String {
    let start = text.find("<DrawingSurfaceModel").unwrap();
    let end = text.find("</DrawingSurfaceModel>").unwrap() + "</DrawingSurfaceModel>".len();
    let copy = text[start..end].replace("0000-0000000000", "0000-0000000001");
    let mut copy = copy;
    for (from, to) in [
        (">300</Height>", ">1000</Height>"),
        (">300</Left>", ">0</Left>"),
        (">20</Top>", ">0</Top>"),
        (">300</Width>", ">1000</Width>"),
    ] {
        assert_eq!(copy.matches(from).count(), 1, "{from}");
        copy = copy.replace(from, to);
    }
    copy
}

fn without_threats(text: &str) -> String {
    let start = text.find("<ThreatInstances").unwrap();
    let end = text.find("</ThreatInstances>").unwrap() + "</ThreatInstances>".len();
    format!("{}<ThreatInstances/>{}", &text[..start], &text[end..])
}

#[test]
fn boundaries_stay_within_their_diagram() {
    let one = data("two-zones.tm7");
    let copy = copied_surface(&one);
    let two = one.replacen(
        "</DrawingSurfaceList>",
        &format!("{copy}</DrawingSurfaceList>"),
        1,
    );
    let start = one.find("<DrawingSurfaceModel").unwrap();
    let end = one.find("</DrawingSurfaceModel>").unwrap() + "</DrawingSurfaceModel>".len();
    let copy_alone = without_threats(&format!("{}{copy}{}", &one[..start], &one[end..]));

    let m = parse_tm7(&two, Path::new("two.tm7")).unwrap();
    let b = |id: &str| m.dfd.boundary(id).unwrap();
    // Diagram 1's box holds its web app only; the copy's box holds the copy's three elements
    // and none of diagram 1's, drawn at the same coordinates.
    assert_eq!(b("server-zone").contains, ["web-app"]);
    let mut inside = b("server-zone-2").contains.clone();
    inside.sort();
    assert_eq!(inside, ["sessions-2", "visitor-browser-2", "web-app-2"]);
    assert_eq!(b("machine-line").crossed_by, ["session-write"]);
    assert_eq!(b("machine-line-2").crossed_by, ["session-write-2"]);

    // So the two diagrams together generate what each does alone: no phantom threats.
    let rules = RuleSet::builtin().unwrap();
    let count = |text: &str| {
        let m = parse_tm7(text, Path::new("m.tm7")).unwrap();
        rules.generate(&m.dfd).unwrap().len()
    };
    assert_eq!(count(&two), count(&one) + count(&copy_alone));
}

#[test]
fn unknown_states_and_priorities_are_mapped_by_rule_and_warned() {
    let text = data("two-zones.tm7")
        .replacen("<b:Priority>Medium<", "<b:Priority>Low-Medium<", 1)
        .replacen("<b:State>NotApplicable<", "<b:State>Waived<", 1);
    let m = parse_tm7(&text, Path::new("m.tm7")).unwrap();
    let t3 = m.threats.iter().find(|t| t.tmt_id == 3).unwrap();
    let t9 = m.threats.iter().find(|t| t.tmt_id == 9).unwrap();
    assert_eq!(t3.priority, Priority::Medium);
    assert_eq!(t9.state, State::NotStarted);
    assert_eq!(m.warnings.len(), 2, "{:?}", m.warnings);
    let w = m.warnings.join("\n");
    assert!(
        w.contains("threat instance 3 (\"Data Flow Sniffing\")") && w.contains("\"Low-Medium\""),
        "{w}"
    );
    assert!(
        w.contains("threat instance 9 (\"Data Flow Old Name Is Potentially Interrupted\")")
            && w.contains("\"Waived\""),
        "{w}"
    );
    // The rule: "med" → Medium, else "low" → Low, else High; TMT's own three are known.
    assert_eq!(priority_of("Low-Medium"), (Priority::Medium, false));
    assert_eq!(priority_of("Very low"), (Priority::Low, false));
    assert_eq!(priority_of("Critical"), (Priority::High, false));
    assert_eq!(priority_of("low"), (Priority::Low, true));
    assert_eq!(priority_of(""), (Priority::High, true));
    // The fixture as is warns about nothing.
    let clean = parse_tm7(&data("two-zones.tm7"), Path::new("m.tm7")).unwrap();
    assert!(clean.warnings.is_empty(), "{:?}", clean.warnings);
}

#[test]
fn the_out_of_scope_reason_is_kept() {
    let reason = "<a:anyType i:type=\"b:StringDisplayAttribute\" xmlns:b=\"http://schemas.datacontract.org/2004/07/ThreatModeling.KnowledgeBase\"><b:DisplayName>Reason For Out Of Scope</b:DisplayName><b:Name>752473b6-52d4-4776-9a24-202153f7d579</b:Name><b:Value i:type=\"c:string\" xmlns:c=\"http://www.w3.org/2001/XMLSchema\">Vendor's push service</b:Value></a:anyType></Properties><TypeId xmlns=\"http://schemas.datacontract.org/2004/07/ThreatModeling.KnowledgeBase\">GE.DF</TypeId><HandleX>250</HandleX><HandleY>90</HandleY>";
    let text = data("mobile-https.tm7");
    let marker = "</Properties><TypeId xmlns=\"http://schemas.datacontract.org/2004/07/ThreatModeling.KnowledgeBase\">GE.DF</TypeId><HandleX>250</HandleX><HandleY>90</HandleY>";
    assert_eq!(text.matches(marker).count(), 1);
    let text = text.replacen(marker, reason, 1);
    let m = parse_tm7(&text, Path::new("m.tm7")).unwrap();
    let f = m.dfd.flow("push-notification").unwrap();
    assert!(f.out_of_scope);
    assert_eq!(f.reason_out_of_scope, "Vendor's push service");
    let kb = rampart_threat::KnowledgeBase::builtin();
    let toml = dfd_to_toml(&m.dfd, &kb);
    let back = parse_dfd(&toml, Path::new("m.dfd.toml"), &kb).unwrap();
    assert_eq!(
        back.flow("push-notification").unwrap().reason_out_of_scope,
        "Vendor's push service"
    );
}

#[test]
fn unattached_connectors_are_warned_and_take_no_id() {
    // "Place order" (…11) loses its target; "Unfinished" (…13) is renamed "Place order" and
    // attached: the flow that is kept gets the plain id.
    let text = data("mobile-https.tm7")
        .replacen(
            "<TargetGuid>00000000-0000-0000-0000-000000000002</TargetGuid><TargetX>400</TargetX><TargetY>50</TargetY>",
            "<TargetGuid>00000000-0000-0000-0000-000000000000</TargetGuid><TargetX>400</TargetX><TargetY>50</TargetY>",
            1,
        )
        .replacen(">Unfinished<", ">Place order<", 1)
        .replacen(
            "<TargetGuid>00000000-0000-0000-0000-000000000000</TargetGuid><TargetX>450</TargetX>",
            "<TargetGuid>00000000-0000-0000-0000-000000000001</TargetGuid><TargetX>450</TargetX>",
            1,
        );
    let m = parse_tm7(&text, Path::new("m.tm7")).unwrap();
    let ids: Vec<&str> = m.dfd.flows.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["push-notification", "place-order"]);
    assert_eq!(m.warnings.len(), 1, "{:?}", m.warnings);
    let w = &m.warnings[0];
    assert!(
        w.starts_with("m.tm7: connector \"Place order\"")
            && w.contains("000000000011")
            && w.contains("no target"),
        "{w}"
    );
    // The fixture's own unfinished connector is named too.
    let m = parse_tm7(&data("mobile-https.tm7"), Path::new("m.tm7")).unwrap();
    assert_eq!(m.warnings.len(), 1, "{:?}", m.warnings);
    assert!(m.warnings[0].contains("\"Unfinished\""), "{:?}", m.warnings);
}

#[test]
fn threats_on_missing_or_unattached_flows_refuse_the_file_or_are_skipped() {
    // Threat 9 sits on "Session write", whose target is detached; threat 3 on a flow deleted
    // from the drawing.
    let text = data("two-zones.tm7")
        .replacen(
            "<TargetGuid>00000000-0000-0000-0000-0000000000a3</TargetGuid><TargetX>",
            "<TargetGuid>00000000-0000-0000-0000-000000000000</TargetGuid><TargetX>",
            1,
        )
        .replacen(
            "<b:FlowGuid>00000000-0000-0000-0000-0000000000c1<",
            "<b:FlowGuid>00000000-0000-0000-0000-0000000000c9<",
            1,
        );
    let p = problems(parse_tm7(&text, Path::new("m.tm7")));
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(p
        .iter()
        .all(|l| l.line > 0 && l.message.contains("--skip-dangling")));
    assert!(p.iter().any(|l| l.message.contains("threat instance 3")
        && l.message.contains("00000000-0000-0000-0000-0000000000c9")));
    assert!(p.iter().any(|l| l.message.contains("threat instance 9")
        && l.message.contains("\"Session write\" is not attached")));

    let m = parse_tm7_with(&text, Path::new("m.tm7"), SKIP).unwrap();
    assert!(m.threats.is_empty());
    let w = m.warnings.join("\n");
    assert_eq!(m.warnings.len(), 3, "{w}");
    assert!(w.contains("connector \"Session write\""), "{w}");
    assert!(
        w.contains("threat instance 3 (\"Data Flow Sniffing\") dropped"),
        "{w}"
    );
    assert!(w.contains("threat instance 9 ("), "{w}");

    // A flow whose end names no stencil is dropped too with the option.
    let text = data("two-zones.tm7").replacen(
        "<TargetGuid>00000000-0000-0000-0000-0000000000a3<",
        "<TargetGuid>00000000-0000-0000-0000-0000000000f9<",
        1,
    );
    let m = parse_tm7_with(&text, Path::new("m.tm7"), SKIP).unwrap();
    assert!(m.dfd.flow("session-write").is_none());
    assert_eq!(m.threats.len(), 1);
    assert!(
        m.warnings[0].contains("flow \"Session write\""),
        "{:?}",
        m.warnings
    );
}

fn write_tm7(dir: &Path, text: &str) -> std::path::PathBuf {
    let p = dir.join("m.tm7");
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn kinds_of_another_template_are_all_named_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let text = data("two-zones.tm7")
        .replacen(
            ">SE.P.TMCore.WebApp<",
            ">0b6f1f7e-0000-4000-8000-00000000aaaa<",
            1,
        )
        .replacen(
            ">SE.DF.TMCore.HTTP<",
            ">0b6f1f7e-0000-4000-8000-00000000bbbb<",
            1,
        );
    let rules = RuleSet::builtin().unwrap();
    let err = import_model(
        &write_tm7(dir.path(), &text),
        &rules,
        ImportOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("m.tm7"), "{err}");
    assert!(err.contains("2 kinds are not in the template"), "{err}");
    assert!(
        err.contains("0b6f1f7e-0000-4000-8000-00000000aaaa (element \"Web App\")"),
        "{err}"
    );
    assert!(
        err.contains("0b6f1f7e-0000-4000-8000-00000000bbbb (flow \"Page request\")"),
        "{err}"
    );
    assert!(err.contains("--template FILE.tb7"), "{err}");
}

#[test]
fn attributes_the_template_does_not_know_are_dropped_so_the_written_model_loads() {
    let dir = tempfile::tempdir().unwrap();
    let text = data("two-zones.tm7").replacen(
        "<b:Name>storesLogData<",
        "<b:Name>5e1f0c3a-custom-attribute<",
        1,
    );
    let rules = RuleSet::builtin().unwrap();
    let i = import_model(
        &write_tm7(dir.path(), &text),
        &rules,
        ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(i.warnings.len(), 1, "{:?}", i.warnings);
    assert!(
        i.warnings[0].contains("`5e1f0c3a-custom-attribute`")
            && i.warnings[0].contains("element \"Sessions\"")
            && i.warnings[0].contains("dropped"),
        "{:?}",
        i.warnings
    );
    let toml = dfd_to_toml(&i.dfd, rules.kb());
    parse_dfd(&toml, Path::new("m.dfd.toml"), rules.kb()).unwrap();
}
