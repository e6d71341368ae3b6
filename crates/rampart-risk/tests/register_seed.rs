//! The seed team's three risk assessments, reproduced from the example project in the repo.

use rampart_risk::evaluate;
use std::collections::BTreeMap;
use std::path::Path;

#[test]
fn the_seed_assessments_are_reproduced() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/minitwit/rampart.toml");
    let project = rampart_config::load_file(&path).unwrap_or_else(|e| panic!("{e}"));
    let register = evaluate(&project.file, &BTreeMap::new()).unwrap();
    assert_eq!(register.matrix.name, "seed");
    let level = |id: &str| {
        register
            .risks
            .iter()
            .find(|r| r.id == id)
            .unwrap()
            .level
            .clone()
    };
    assert_eq!(level("leak-user-info"), "MEDIUM");
    assert_eq!(level("lose-user-info"), "HIGH");
    assert_eq!(level("unavailable"), "LOW");

    // The horizon matters: the same availability is a 1 % chance of being down at a random
    // moment (lowest band, LOW) and a near-certain chance of at least one outage in a month.
    let u = register
        .risks
        .iter()
        .find(|r| r.id == "unavailable")
        .unwrap();
    assert!((u.likelihood.percent - 1.0).abs() < 1e-9);
    assert_eq!(u.likelihood.band, "0 % – 25 %");
    let (alt, alt_level) = u.alternative.as_ref().unwrap();
    assert!(alt.percent > 97.0 && alt.percent < 97.5, "{}", alt.percent);
    assert_eq!(alt.band, "76 % – 100 %");
    assert_eq!(alt_level, "HIGH");
    assert!(alt
        .derivation
        .as_ref()
        .unwrap()
        .steps
        .iter()
        .any(|s| s.contains("1 − e^(−3.60)")));

    let lose = register
        .risks
        .iter()
        .find(|r| r.id == "lose-user-info")
        .unwrap();
    let (_, sev, residual) = lose.residual.as_ref().unwrap();
    assert_eq!((sev.as_str(), residual.as_str()), ("Marginal", "LOW"));
}

#[test]
fn matrices_with_gaps_overlaps_or_missing_cells_are_rejected() {
    let base = "[project]\nname = \"x\"\n[risk_matrix]\nseverities = [\"Low\", \"High\"]\nlevels = [\"LOW\", \"HIGH\"]\n";
    let gap = format!("{base}[[risk_matrix.bands]]\nfrom = 0\nto = 40\ncells = [\"LOW\", \"HIGH\"]\n[[risk_matrix.bands]]\nfrom = 50\nto = 100\ncells = [\"HIGH\", \"HIGH\"]\n");
    let overlap = format!("{base}[[risk_matrix.bands]]\nfrom = 0\nto = 60\ncells = [\"LOW\", \"HIGH\"]\n[[risk_matrix.bands]]\nfrom = 50\nto = 100\ncells = [\"HIGH\", \"HIGH\"]\n");
    let missing = format!("{base}[[risk_matrix.bands]]\nfrom = 0\nto = 50\ncells = [\"LOW\"]\n[[risk_matrix.bands]]\nfrom = 51\nto = 100\ncells = [\"HIGH\", \"MAYBE\"]\n");
    let ok = format!("{base}[[risk_matrix.bands]]\nfrom = 0\nto = 50\ncells = [\"LOW\", \"HIGH\"]\n[[risk_matrix.bands]]\nfrom = 51\nto = 100\ncells = [\"HIGH\", \"HIGH\"]\n");
    let errs = |t: &str| {
        rampart_config::load_str(t, Path::new("m.toml"))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    assert!(
        errs(&gap).contains("gap between 40 and 50"),
        "{}",
        errs(&gap)
    );
    assert!(errs(&overlap).contains("overlapping"), "{}", errs(&overlap));
    let m = errs(&missing);
    assert!(
        m.contains("found 1 cells; expected one per severity (2)") && m.contains("\"MAYBE\""),
        "{m}"
    );
    assert!(
        m.contains("m.toml:9:9:") && m.contains("m.toml:13:18:"),
        "located: {m}"
    );
    assert_eq!(errs(&ok), "");
}
