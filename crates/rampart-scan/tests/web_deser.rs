//! Loading what the client sends (tests/targets/deserapp.py, PyYAML from the test venv): a YAML
//! document loaded with PyYAML's unsafe loader and a pickle, each in a form field the page leaves
//! empty (the crawler fills it in to submit the form), are found by timing; the same field loaded
//! with `yaml.safe_load` or `json.loads` is not reported.
mod common;

use common::*;

#[test]
fn yaml_and_pickle_in_empty_fields_found_safe_loaders_quiet() {
    // RAMPART_LOG=rampart_scan=trace shows each request and each timing verdict.
    if let Ok(filter) = tracing_subscriber::EnvFilter::try_from_env("RAMPART_LOG") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_test_writer()
            .try_init();
    }
    let dir = tempdir();
    let Some((_server, port)) = start_venv_target(dir.path(), "deserapp.py", "yaml") else {
        return;
    };
    let base = format!("http://127.0.0.1:{port}/");
    let opts = quiet_web_options();
    let report = scan_web_blocking(&base, &opts);
    for f in &report.findings {
        println!("{} {} | {}", f.rule, f.title, f.evidence.summary());
    }
    let found = |path: &str, how: &str| {
        report.findings.iter().any(|f| {
            f.rule == "RA-WEB-DESERIALIZATION"
                && f.title.contains(&format!("user_input of GET {path}"))
                && f.title.contains(how)
        })
    };
    assert!(found("/yaml/load", "YAML"), "YAML unsafe load found");
    assert!(
        found("/unpickle/load", "pickle, raw"),
        "pickle in an empty field found"
    );
    for f in &report.findings {
        assert!(
            !(f.severity >= rampart_model::Severity::High
                && (f.title.contains("/yaml-safe/") || f.title.contains("/json/"))),
            "reported on a safe loader: {} ({})",
            f.title,
            f.evidence.summary()
        );
    }
}
