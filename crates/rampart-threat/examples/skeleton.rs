fn main() {
    let kb = rampart_threat::KnowledgeBase::builtin();
    let d = rampart_threat::load_dfd(std::path::Path::new(&std::env::args().nth(1).unwrap()), &kb)
        .unwrap();
    let t = rampart_threat::RuleSet::builtin()
        .unwrap()
        .generate(&d)
        .unwrap();
    print!("{}", rampart_threat::Triage::from_threats(&t).to_toml());
}
