//! The `[[sla]]` section: clauses state one obligation each; calendars, readings and maintenance
//! windows are checked with located errors.

use rampart_config::{load_str, LatencyMeasure, SlaPeriod};
use std::path::Path;

const HEAD: &str =
    "[project]\nname = \"t\"\n[[monitors]]\nname = \"api\"\nurl = \"http://127.0.0.1/\"\n";

#[test]
fn a_full_sla_section_loads() {
    let text = format!(
        "{HEAD}\
[[sla]]
name = \"uptime\"
monitor = \"api\"
uptime_percent = 99.5
per = \"month\"
maintenance = [{{ start = \"2024-05-04T22:00:00Z\", end = \"2024-05-04T23:00:00Z\" }}, {{ weekly = \"sun 02:00-04:00\", zone = \"Europe/Copenhagen\" }}]
[[sla]]
name = \"latency\"
monitor = \"api\"
latency = \"500ms\"
reading = \"p99.9\"
measure = \"ttfb\"
[[sla]]
name = \"respond\"
monitor = \"api\"
respond_within = \"30m\"
business_hours = {{ zone = \"Europe/Copenhagen\", days = [\"mon\", \"fri\"], hours = \"09:00-18:00\", holidays = [\"2024-12-25\"] }}
"
    );
    let pf = load_str(&text, Path::new("rampart.toml")).unwrap();
    assert_eq!(pf.sla.len(), 3);
    assert_eq!(pf.sla[0].per, Some(SlaPeriod::Month));
    assert_eq!(pf.sla[0].maintenance.len(), 2);
    assert_eq!(pf.sla[1].measure, Some(LatencyMeasure::Ttfb));
    assert_eq!(pf.sla[2].business_hours.as_ref().unwrap().holidays.len(), 1);
}

#[test]
fn bad_clauses_give_located_errors() {
    let text = format!(
        "{HEAD}\
[[sla]]
name = \"two things\"
monitor = \"api\"
uptime_percent = 99.5
latency = \"500ms\"
[[sla]]
name = \"bad calendar\"
monitor = \"api\"
restore_within = \"30m\"
reading = \"p100\"
business_hours = {{ zone = \"Mars/Olympus\", days = [\"funday\"], hours = \"18:00-09:00\" }}
maintenance = [{{ start = \"2024-05-04T23:00:00Z\", end = \"2024-05-04T22:00:00Z\" }}, {{ weekly = \"someday\" }}]
"
    );
    let errs = load_str(&text, Path::new("rampart.toml")).unwrap_err().0;
    let all: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
    let has = |s: &str| all.iter().any(|e| e.contains(s));
    assert!(has("states 2 obligations"), "{all:#?}");
    assert!(has("`sla[1].reading`") && has("p100"), "{all:#?}");
    assert!(
        has("`sla[1].business_hours.zone`") && has("Mars/Olympus"),
        "{all:#?}"
    );
    assert!(has("`sla[1].business_hours.days[0]`"), "{all:#?}");
    assert!(has("`sla[1].business_hours.hours`"), "{all:#?}");
    assert!(has("`sla[1].maintenance[0].end`"), "{all:#?}");
    assert!(has("`sla[1].maintenance[1].weekly`"), "{all:#?}");
    // Every error is located in the file.
    assert!(errs.iter().all(|e| e.line > 5), "{all:#?}");
}
