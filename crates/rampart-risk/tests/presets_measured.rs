//! The 5×5 presets chosen in a project file, and likelihoods measured by a monitor.

use rampart_risk::{evaluate, MeasuredAvailability};
use std::collections::BTreeMap;
use std::path::Path;

fn register(
    text: &str,
    measured: &BTreeMap<String, MeasuredAvailability>,
) -> rampart_risk::Register {
    let file =
        rampart_config::load_str(text, Path::new("p.toml")).unwrap_or_else(|e| panic!("{e}"));
    evaluate(&file, measured).unwrap()
}

fn risks(preset: &str, risks: &[(&str, f64, &str)]) -> String {
    let mut s = format!(
        "[project]\nname = \"p\"\n[risk_matrix]\npreset = \"{preset}\"\n[[assets]]\nid = \"a\"\nname = \"A\"\n"
    );
    for (id, p, sev) in risks {
        s.push_str(&format!("[[risks]]\nid = \"{id}\"\nasset = \"a\"\ntitle = \"{id}\"\nlikelihood = {{ percent = {p}, horizon = \"1 year\" }}\nseverity = \"{sev}\"\n"));
    }
    s
}

fn levels(reg: &rampart_risk::Register) -> Vec<(&str, &str)> {
    reg.risks
        .iter()
        .map(|r| (r.likelihood.band.as_str(), r.level.as_str()))
        .collect()
}

#[test]
fn nist_and_owasp_presets_from_the_project_file() {
    let reg = register(
        &risks(
            "nist-800-30",
            &[
                ("a", 90.0, "very high"),
                ("b", 10.0, "Moderate"),
                ("c", 2.0, "Very High"),
            ],
        ),
        &BTreeMap::new(),
    );
    assert_eq!(reg.matrix.name, "nist-800-30");
    assert_eq!(
        levels(&reg),
        [
            ("High (80–95)", "Very High"),
            ("Low (5–20)", "Low"),
            ("Very Low (0–4)", "Low")
        ]
    );
    assert_eq!(reg.risks[0].severity, "Very High", "the matrix's spelling");

    let reg = register(
        &risks(
            "owasp",
            &[
                ("a", 90.0, "Very High"),
                ("b", 10.0, "Very Low"),
                ("c", 65.0, "Low"),
            ],
        ),
        &BTreeMap::new(),
    );
    assert_eq!(reg.matrix.name, "owasp");
    assert_eq!(
        levels(&reg),
        [
            ("Very High (80–100)", "Critical"),
            ("Very Low (0–19)", "Note"),
            ("High (60–79)", "Medium")
        ]
    );
}

#[test]
fn a_measured_likelihood_shows_the_monitor_and_its_derivation() {
    let text = "[project]\nname = \"p\"\n[[assets]]\nid = \"a\"\nname = \"A\"\n[[risks]]\nid = \"down\"\nasset = \"a\"\ntitle = \"Down\"\nlikelihood = { measured_by = \"api\", mttr = \"2h\", horizon = \"1 month\", event = \"down-at-random-moment\" }\nseverity = \"Marginal\"\n";
    let file = rampart_config::load_str(text, Path::new("p.toml")).unwrap();
    // Nothing measured: an error naming the monitor, not a made-up number.
    let err = evaluate(&file, &BTreeMap::new()).unwrap_err().to_string();
    assert!(
        err.contains("measured_by = \"api\"") && err.contains("no observations"),
        "{err}"
    );

    // Measured: 99 % uptime; MTTR from the incidents (here none, so the stated 2 h).
    let measured = BTreeMap::from([(
        "api".to_string(),
        MeasuredAvailability {
            uptime_percent: 99.0,
            mttr_hours: None,
            window: "720.0 h".into(),
        },
    )]);
    let reg = evaluate(&file, &measured).unwrap();
    let r = &reg.risks[0];
    assert!((r.likelihood.percent - 1.0).abs() < 1e-9);
    assert_eq!(r.level, "LOW");
    let d = r.likelihood.derivation.as_ref().unwrap();
    assert!(
        d.steps[0].starts_with(
            "availability measured by monitor \"api\" over 720.0 h: uptime 99 %, MTTR 2 h"
        ),
        "{:#?}",
        d.steps
    );
    // The other reading: at least one outage in the month.
    let (alt, level) = r.alternative.as_ref().unwrap();
    assert!((alt.percent - 97.27).abs() < 0.01, "{}", alt.percent);
    assert_eq!(level, "HIGH");

    // A measured MTTR wins over the stated one: 30-minute outages are more frequent.
    let measured = BTreeMap::from([(
        "api".to_string(),
        MeasuredAvailability {
            uptime_percent: 99.0,
            mttr_hours: Some(0.5),
            window: "720.0 h".into(),
        },
    )]);
    let reg = evaluate(&file, &measured).unwrap();
    let (alt, _) = reg.risks[0].alternative.as_ref().unwrap();
    assert!(alt.percent > 99.9, "{}", alt.percent);
    assert!(alt
        .derivation
        .as_ref()
        .unwrap()
        .steps
        .iter()
        .any(|s| s.contains("÷ MTTR 0.5 h")));
}
