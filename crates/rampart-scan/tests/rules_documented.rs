//! Every rule has an id, docs in its file, and a section in docs/scan.md.
#[test]
fn every_rule_is_in_the_docs() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/scan.md"))
        .expect("docs/scan.md");
    for r in rampart_scan::rules::all() {
        assert!(
            doc.contains(&format!("### {} ", r.id)),
            "{} missing from docs/scan.md",
            r.id
        );
        assert_eq!(rampart_scan::rules::by_id(r.id), Some(r));
    }
}
