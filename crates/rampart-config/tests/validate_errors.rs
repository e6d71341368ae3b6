use rampart_config::{load_str, starter_file};
use std::path::Path;

const BAD: &str = r#"[project]
name = "minitwit"

[scope]
hosts = ["127.0.0.1"]

[[monitors]]
name = "api"
url = "http://127.0.0.1:8080/api/latest"
intervall = "5s"

[[monitors]]
name = "web"
url = "http://127.0.0.1:8080/"
timeout = 5

[[sla]]
name = "uptime"
monitor = "api"
uptime_percent = 150.0
"#;

#[test]
fn typo_wrong_type_and_out_of_range_give_three_located_errors() {
    let errs = load_str(BAD, Path::new("rampart.toml")).unwrap_err().0;
    let text: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
    assert_eq!(errs.len(), 3, "{text:#?}");

    assert_eq!((errs[0].line, errs[0].column), (10, 1), "{}", text[0]);
    assert!(text[0].contains("unknown field `intervall`"), "{}", text[0]);
    assert!(text[0].contains("did you mean `interval`"), "{}", text[0]);

    assert_eq!((errs[1].line, errs[1].column), (15, 11), "{}", text[1]);
    assert!(text[1].contains("monitors[1].timeout"), "{}", text[1]);
    assert!(text[1].contains("found integer"), "{}", text[1]);

    assert_eq!((errs[2].line, errs[2].column), (20, 18), "{}", text[2]);
    assert!(text[2].contains("150"), "{}", text[2]);
    assert!(text[2].contains("between 0 and 100"), "{}", text[2]);
    assert!(
        text[2].starts_with("rampart.toml:20:18: `sla[0].uptime_percent`"),
        "{}",
        text[2]
    );
}

#[test]
fn syntax_errors_are_located() {
    let errs = load_str("[project]\nname = \"x\nfoo", Path::new("p.toml"))
        .unwrap_err()
        .0;
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].line, 2, "{}", errs[0]);
    assert!(errs[0].message.starts_with("invalid TOML"));
}

#[test]
fn missing_project_section_is_reported() {
    let errs = load_str("[scope]\nhosts = []\n", Path::new("p.toml"))
        .unwrap_err()
        .0;
    assert!(
        errs[0].message.contains("missing field `project`"),
        "{}",
        errs[0]
    );
}

#[test]
fn unknown_key_inside_a_later_array_entry_keeps_its_place() {
    let text = "[project]\nname = \"x\"\n[[hosts]]\naddress = \"a\"\n[[hosts]]\naddres = \"b\"\nports = [0]\n";
    let errs = load_str(text, Path::new("p.toml")).unwrap_err().0;
    let text: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
    assert!(
        text.iter()
            .any(|t| t.contains("p.toml:6:1") && t.contains("addres")),
        "{text:#?}"
    );
    // `address` is then missing: that is a consequence of the typo and is reported once, not as noise.
    assert!(errs.len() <= 2, "{text:#?}");
}

#[test]
fn starter_file_is_valid_and_scopes_its_targets() {
    let text = starter_file(
        "svc",
        &[
            "127.0.0.1".into(),
            "10.0.0.0/24".into(),
            "http://127.0.0.1:8080/".into(),
        ],
    );
    let pf = load_str(&text, Path::new("rampart.toml")).expect(&text);
    assert_eq!(pf.scope.hosts, vec!["127.0.0.1"]);
    assert_eq!(pf.scope.cidrs.len(), 1);
    assert_eq!(pf.monitors.len(), 1);
    assert_eq!(
        pf.monitors[0].url.as_ref().unwrap().as_str(),
        "http://127.0.0.1:8080/"
    );
}

#[test]
fn logs_section_thresholds_are_range_checked() {
    let text = "[project]\nname = \"x\"\n\n[logs]\nlogin_paths = [\"login\"]\n\n[logs.detectors.error_burst]\ncapacity = 0\nmin_ratio = 1.5\n\n[[logs.sources]]\npath = \"a.log\"\nformat = \"nginx\"\n";
    let errs = load_str(text, Path::new("rampart.toml")).unwrap_err().0;
    let all: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
    assert_eq!(errs.len(), 4, "{all:#?}");
    assert!(all.iter().any(|e| e.contains("logs.login_paths[0]")));
    assert!(all
        .iter()
        .any(|e| e.contains("logs.detectors.error_burst.capacity")));
    assert!(all.iter().any(|e| e.contains("min_ratio")));
    assert!(all.iter().any(|e| e.contains("needs `log_format`")));
    let ok = load_str(
        "[project]\nname = \"x\"\n[logs.detectors.ssh]\ncapacity = 3\nleak = \"1m\"\n",
        Path::new("rampart.toml"),
    )
    .unwrap();
    assert_eq!(ok.logs.detectors.ssh.capacity, 3);
    assert_eq!(
        ok.logs.detectors.probing.capacity, 10,
        "defaults fill the rest"
    );
}

#[test]
fn threat_element_targets_are_checked_and_located() {
    let text = "[project]\nname = \"p\"\n[threats]\nmodel = \"dfd.toml\"\n\n[[threats.map]]\nelement = \"app\"\ntargets = [\"http://127.0.0.1:8080/\", \"127.0.0.1:22\"]\n\n[[threats.map]]\nelement = \"db\"\ntargets = [\"ftp://127.0.0.1/\"]\n\n[[threats.map]]\nelement = \"\"\ntargets = []\n";
    let errs = load_str(text, Path::new("rampart.toml")).unwrap_err().0;
    let shown: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
    assert_eq!(errs.len(), 3, "{shown:#?}");
    assert!(
        shown[0].starts_with("rampart.toml:12:")
            && shown[0].contains("threats.map[1].targets[0]")
            && shown[0].contains("expected an http:// or https:// URL"),
        "{}",
        shown[0]
    );
    assert!(
        shown[1].starts_with("rampart.toml:15:") && shown[1].contains("empty element id"),
        "{}",
        shown[1]
    );
    assert!(
        shown[2].starts_with("rampart.toml:16:") && shown[2].contains("found no targets"),
        "{}",
        shown[2]
    );

    let good = "[project]\nname = \"p\"\n[threats]\nmodel = \"dfd.toml\"\n[[threats.map]]\nelement = \"app\"\ntargets = [\"http://127.0.0.1:8080/\", \"127.0.0.1:22\", \"db.internal\"]\n";
    let p = load_str(good, Path::new("rampart.toml")).unwrap();
    assert_eq!(p.threats.unwrap().targets_of("app").len(), 3);
}
