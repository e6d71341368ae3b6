//! The TOML DFD format: every unknown element, dangling flow and unknown attribute value is
//! reported with its line and column; a written model reads back identical.

use rampart_threat::{dfd_to_toml, kb::KnowledgeBase, parse_dfd, ThreatError};
use std::path::Path;

const BAD: &str = r#"[[element]]
id = "web"
kind = "web-aplication"

[[element]]
id = "db"
kind = "sql-database"
attributes = { storesLogData = "Maybe", storeType = "Cache" }

[[flow]]
id = "q"
source = "web"
target = "dbx"
kind = "https"
attributes = { providesConfidentiality = "No" }

[[boundary]]
id = "zone"
contains = ["web", "ghost"]
"#;

#[test]
fn every_problem_is_located() {
    let kb = KnowledgeBase::builtin();
    let err = parse_dfd(BAD, Path::new("dfd.toml"), &kb).unwrap_err();
    let ThreatError::Invalid(list) = err else {
        panic!("{err}")
    };
    let text: Vec<String> = list.iter().map(|l| l.to_string()).collect();
    assert_eq!(list.len(), 6, "{text:#?}");
    assert!(
        text[0].starts_with("dfd.toml:3:8: unknown kind \"web-aplication\""),
        "{}",
        text[0]
    );
    assert!(
        text[1].starts_with(
            "dfd.toml:8:32: element \"db\": unknown value \"Maybe\" for attribute `storesLogData`"
        ),
        "{}",
        text[1]
    );
    assert!(text[2].starts_with("dfd.toml:8:53: element \"db\": attribute `storeType` is fixed to \"SQL Relational Database\""), "{}", text[2]);
    assert!(
        text[3].starts_with(
            "dfd.toml:13:10: flow \"q\": target \"dbx\" names no element (dangling flow)"
        ),
        "{}",
        text[3]
    );
    assert!(
        text[4].contains(
            "dfd.toml:15:42: flow \"q\": attribute `providesConfidentiality` is fixed to \"Yes\""
        ),
        "{}",
        text[4]
    );
    assert!(
        text[5].starts_with("dfd.toml:19:20: boundary \"zone\": \"ghost\" names no element"),
        "{}",
        text[5]
    );
}

#[test]
fn unknown_keys_and_types_are_located() {
    let kb = KnowledgeBase::builtin();
    let err = parse_dfd(
        "[[element]]\nid = \"a\"\nkind = \"process\"\ncolour = \"red\"\n",
        Path::new("m.toml"),
        &kb,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("m.toml:4:1") && err.contains("unknown field `colour`"),
        "{err}"
    );
}

#[test]
fn written_model_reads_back_identical() {
    let kb = KnowledgeBase::builtin();
    let path = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/webshop.dfd.toml"
    ));
    let text = std::fs::read_to_string(path).unwrap();
    let dfd = parse_dfd(&text, path, &kb).unwrap();
    let written = dfd_to_toml(&dfd, &kb);
    let back = parse_dfd(&written, Path::new("written.toml"), &kb).unwrap();
    assert_eq!(dfd, back);
    let tm7 = rampart_threat::load_tm7(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/two-zones.tm7"
    )))
    .unwrap();
    let written = dfd_to_toml(&tm7.dfd, &kb);
    assert_eq!(
        parse_dfd(&written, Path::new("w.toml"), &kb).unwrap(),
        tm7.dfd
    );
}
