//! Faults in imported models are reported, each at its line and column, instead of being
//! dropped or accepted: dangling references, duplicate GUIDs, bytes outside the root element,
//! malformed XML, and nesting deep enough to exhaust the stack.

use rampart_threat::{kb, parse_tm7, KnowledgeBase, Located, RuleSet, ThreatError};
use std::path::Path;

fn two_zones() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/two-zones.tm7"
    ))
    .unwrap()
}

/// The located problems of a failed import.
fn problems(r: Result<impl std::fmt::Debug, ThreatError>) -> Vec<Located> {
    match r {
        Err(ThreatError::Invalid(v)) => v,
        other => panic!("expected located problems, got {other:?}"),
    }
}

/// 1-based line and column of the first occurrence of `needle` in `text`.
fn line_col_of(text: &str, needle: &str) -> (usize, usize) {
    let off = text.find(needle).unwrap();
    let before = &text[..off];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap().chars().count() + 1;
    (line, col)
}

#[test]
fn tm7_flow_to_a_missing_element_is_an_error_at_its_place() {
    let text = two_zones().replacen(
        "<TargetGuid>00000000-0000-0000-0000-0000000000a2<",
        "\n  <TargetGuid>00000000-0000-0000-0000-0000000000f9<",
        1,
    );
    let p = problems(parse_tm7(&text, Path::new("m.tm7")));
    assert_eq!(p.len(), 1, "{p:?}");
    let (line, column) = line_col_of(&text, "<TargetGuid>00000000-0000-0000-0000-0000000000f9");
    assert_eq!((p[0].line, p[0].column), (line, column), "{p:?}");
    assert!(
        p[0].message
            .contains("TargetGuid 00000000-0000-0000-0000-0000000000f9 names no stencil"),
        "{p:?}"
    );
    assert!(p[0]
        .to_string()
        .starts_with(&format!("m.tm7:{line}:{column}: ")));
}

#[test]
fn tm7_duplicate_guid_is_an_error_naming_both_places() {
    // The web app (a2) takes the browser's GUID (a1): flows would be rewired silently.
    let text = two_zones().replacen(
        "KnowledgeBase\">00000000-0000-0000-0000-0000000000a2<",
        "KnowledgeBase\">00000000-0000-0000-0000-0000000000a1<",
        1,
    );
    assert_ne!(text, two_zones());
    let p = problems(parse_tm7(&text, Path::new("m.tm7")));
    assert!(
        p.iter().any(|l| l.message.starts_with(
            "duplicate Guid 00000000-0000-0000-0000-0000000000a1 (first declared at 1:"
        ) && l.line > 0),
        "{p:?}"
    );
}

#[test]
fn tm7_bytes_before_the_root_element_are_an_error() {
    let text = format!("junk\n{}", two_zones());
    let p = problems(parse_tm7(&text, Path::new("m.tm7")));
    assert_eq!((p[0].line, p[0].column), (1, 1), "{p:?}");
    assert!(
        p[0].message.contains("text before the root element"),
        "{p:?}"
    );
    let text = format!("{}\ntrailing", two_zones());
    let p = problems(parse_tm7(&text, Path::new("m.tm7")));
    assert!(
        p[0].message.contains("text after the root element"),
        "{p:?}"
    );
}

#[test]
fn xml_errors_read_as_line_and_column() {
    // An unknown entity on line 3: quick-xml says "at 1..2"; rampart must say where in the file.
    let text = "<ThreatModel>\n<DrawingSurfaceList>\n  <X>a &nbsp; b</X>\n</DrawingSurfaceList></ThreatModel>";
    let p = problems(parse_tm7(text, Path::new("m.tm7")));
    assert_eq!((p[0].line, p[0].column), (3, 8), "{p:?}");
    assert!(p[0].message.contains("unknown entity `&nbsp;`"), "{p:?}");
    assert!(!p[0].message.contains(".."), "{p:?}");
    // A missing end tag: located at the end, naming the open element.
    let p = problems(parse_tm7("<ThreatModel>\n<A>", Path::new("m.tm7")));
    assert!(p[0].line >= 1 && p[0].message.contains("<A>"), "{p:?}");
}

#[test]
fn deeply_nested_xml_is_an_error_not_a_crash() {
    let text = format!("{}{}", "<a>".repeat(100_000), "</a>".repeat(100_000));
    let p = problems(parse_tm7(&text, Path::new("deep.tm7")));
    assert!(p[0].message.contains("nested more than 256 deep"), "{p:?}");
    assert_eq!(p[0].line, 1);
}

fn template_with_include(include: &str) -> String {
    format!(
        r#"<KnowledgeBase><Manifest name="t" version="1"/>
<GenericElements><ElementType><ID>GE.P</ID><Name>Process</Name><ParentElement>ROOT</ParentElement></ElementType></GenericElements>
<ThreatTypes><ThreatType><Id>T1</Id><Category>S</Category><ShortTitle>t</ShortTitle>
<GenerationFilters><Include>{include}</Include><Exclude></Exclude></GenerationFilters></ThreatType></ThreatTypes>
</KnowledgeBase>"#
    )
}

#[test]
fn tb7_filter_with_20000_parentheses_is_a_located_error() {
    let deep = format!(
        "{}source is 'GE.P'{}",
        "(".repeat(20_000),
        ")".repeat(20_000)
    );
    let kb: KnowledgeBase =
        kb::parse_template(&template_with_include(&deep), Path::new("t.tb7")).unwrap();
    let e = RuleSet::new(kb).err().expect("a nesting error");
    let msg = e.to_string();
    assert!(
        msg.contains("rule T1")
            && msg.contains("at character 100")
            && msg.contains("nested more than 100 deep"),
        "{msg}"
    );
    // A sane template still loads.
    let kb = kb::parse_template(
        &template_with_include("(source is 'GE.P')"),
        Path::new("t.tb7"),
    )
    .unwrap();
    assert!(RuleSet::new(kb).is_ok());
}

/// A Threat Dragon document exported from the webshop example, as JSON text.
fn dragon_doc() -> (serde_json::Value, RuleSet) {
    let rules = RuleSet::builtin().unwrap();
    let dfd = rampart_threat::load_dfd(
        Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/webshop.dfd.toml"
        )),
        rules.kb(),
    )
    .unwrap();
    let threats = rules.generate(&dfd).unwrap();
    (
        rampart_threat::dragon::export(&dfd, &threats, rules.kb()),
        rules,
    )
}

fn cells(doc: &mut serde_json::Value) -> &mut Vec<serde_json::Value> {
    doc["detail"]["diagrams"][0]["cells"]
        .as_array_mut()
        .unwrap()
}

#[test]
fn dragon_flow_to_a_missing_cell_is_an_error_at_its_place() {
    let (mut doc, rules) = dragon_doc();
    let flow = cells(&mut doc)
        .iter_mut()
        .find(|c| c["shape"] == "flow")
        .unwrap();
    flow["target"]["cell"] = "nowhere".into();
    let text = serde_json::to_string_pretty(&doc).unwrap();
    let p = problems(rampart_threat::dragon::parse_dragon(
        &text,
        Path::new("td.json"),
        rules.kb(),
    ));
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].message.contains("target cell \"nowhere\""), "{p:?}");
    let (line, column) = line_col_of(&text, "\"cell\": \"nowhere\"");
    assert_eq!((p[0].line, p[0].column), (line, column));
}

#[test]
fn dragon_duplicate_cell_id_is_an_error() {
    let (mut doc, rules) = dragon_doc();
    let ids: Vec<usize> = cells(&mut doc)
        .iter()
        .enumerate()
        .filter(|(_, c)| c["shape"] == "process" || c["shape"] == "actor")
        .map(|(i, _)| i)
        .collect();
    let first = cells(&mut doc)[ids[0]]["id"].clone();
    cells(&mut doc)[ids[1]]["id"] = first.clone();
    let text = serde_json::to_string_pretty(&doc).unwrap();
    let p = problems(rampart_threat::dragon::parse_dragon(
        &text,
        Path::new("td.json"),
        rules.kb(),
    ));
    assert!(
        p.iter()
            .any(|l| l.message.starts_with(&format!("duplicate cell id {first}")) && l.line > 0),
        "{p:?}"
    );
}

#[test]
fn dragon_bad_json_is_located() {
    let (_, rules) = dragon_doc();
    let p = problems(rampart_threat::dragon::parse_dragon(
        "{\n  \"detail\": [1,\n}",
        Path::new("td.json"),
        rules.kb(),
    ));
    assert_eq!(p[0].line, 3, "{p:?}");
    assert!(p[0].message.starts_with("not valid JSON: "), "{p:?}");
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let p = problems(rampart_threat::dragon::parse_dragon(
        &deep,
        Path::new("td.json"),
        rules.kb(),
    ));
    assert!(p[0].message.contains("recursion limit"), "{p:?}");
}
