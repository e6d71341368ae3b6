//! Must show: generating with TMT's own default template (`--template default.tb7`) gives the
//! same threats as the built-in rule set, on every fixture.

mod common;

use common::{repo_root, shared_tmt};
use rampart_threat::{kb::KnowledgeBase, load_dfd, load_tm7, Dfd, RuleSet};

fn fixtures() -> Vec<(String, Dfd)> {
    let kb = KnowledgeBase::builtin();
    let mut out = vec![(
        "examples/misp".to_string(),
        load_dfd(&repo_root().join("examples/misp/dfd.toml"), &kb).unwrap(),
    )];
    let dir = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data"));
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    names.sort();
    for p in names {
        match p.extension().and_then(|e| e.to_str()) {
            Some("toml") if p.to_string_lossy().ends_with(".dfd.toml") => {
                out.push((p.display().to_string(), load_dfd(&p, &kb).unwrap()))
            }
            Some("tm7") => out.push((p.display().to_string(), load_tm7(&p).unwrap().dfd)),
            _ => {}
        }
    }
    if let Some(p) = shared_tmt("misp-level1.tm7") {
        out.push(("misp-level1.tm7".into(), load_tm7(&p).unwrap().dfd));
    }
    out
}

#[test]
fn default_tb7_equals_builtin_on_every_fixture() {
    let Some(tb7) = shared_tmt("default.tb7") else {
        return;
    };
    let builtin = RuleSet::builtin().unwrap();
    let template = RuleSet::from_template(&tb7).unwrap();
    assert_eq!(template.kb().rules.len(), builtin.kb().rules.len());
    // Same ids, categories, titles and (whitespace aside) filters.
    for (a, b) in builtin.kb().rules.iter().zip(&template.kb().rules) {
        assert_eq!(
            (&a.id, &a.category, &a.title),
            (&b.id, &b.category, &b.title)
        );
        let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(a.include, norm(&b.include), "{}", a.id);
        assert_eq!(a.exclude, norm(&b.exclude), "{}", a.id);
    }
    assert_eq!(builtin.kb().types, template.kb().types);
    let fx = fixtures();
    assert!(fx.len() >= 4, "{}", fx.len());
    let mut total = 0;
    for (name, dfd) in fx {
        let key = |t: &rampart_threat::Threat| {
            (
                t.id.clone(),
                t.rule.clone(),
                t.category.clone(),
                t.title.clone(),
                t.interaction.clone(),
            )
        };
        let a: Vec<_> = builtin.generate(&dfd).unwrap().iter().map(key).collect();
        let b: Vec<_> = template.generate(&dfd).unwrap().iter().map(key).collect();
        assert_eq!(a, b, "{name}");
        total += a.len();
    }
    assert!(total > 100, "fixtures exercise many rules: {total}");
}
