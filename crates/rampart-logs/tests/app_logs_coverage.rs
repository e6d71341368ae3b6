//! Application logs (JSON lines with a field mapping, and a regex with named groups): attack or
//! confused user from the usernames, and logging coverage as evidence for repudiation threats.

use rampart_config::{LogSourceSection, LogsSection};
use rampart_logs::{analyze, Answer, Verdict};
use std::fmt::Write;

fn iso(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .unwrap()
        .to_rfc3339()
}

#[test]
fn json_lines_tell_a_person_from_credential_stuffing() {
    let t0 = 1_586_944_800;
    let mut s = String::new();
    // Alice forgets her password: six tries with pauses, then gets it right.
    for k in 0..6 {
        let _ = writeln!(
            s,
            r#"{{"when":"{}","remote":"198.51.100.4","evt":"authn_login_fail","account":"alice","path":"/login","method":"POST","code":401}}"#,
            iso(t0 + k * 35)
        );
    }
    let _ = writeln!(
        s,
        r#"{{"when":"{}","remote":"198.51.100.4","evt":"authn_login_success","account":"alice","path":"/login","method":"POST","code":302}}"#,
        iso(t0 + 6 * 35)
    );
    // One client, thirty usernames in thirty seconds.
    for k in 0..30 {
        let _ = writeln!(
            s,
            r#"{{"when":"{}","remote":"192.0.2.50","evt":"authn_login_fail","account":"user{k}@example.org","path":"/login","method":"POST","code":401}}"#,
            iso(t0 + 1000 + k)
        );
    }
    // A developer's debug line with a password in it.
    let _ = writeln!(
        s,
        r#"{{"when":"{}","remote":"198.51.100.5","evt":"debug","msg":"login attempt password=Winter2024!","path":"/login","method":"POST","code":401,"account":"bob"}}"#,
        iso(t0 + 2000)
    );
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.jsonl");
    std::fs::write(&log, s).unwrap();

    let mut cfg: LogsSection = serde_json::from_str("{}").unwrap();
    // The project file maps this service's own field names, and makes the brute-force bucket
    // leak slowly enough that a patient person fills it too (the defaults would stay quiet).
    let mut src = LogSourceSection {
        path: log.clone(),
        format: "json".into(),
        log_format: None,
        regex: None,
        fields: Default::default(),
    };
    for (k, v) in [
        ("time", "when"),
        ("client", "remote"),
        ("event", "evt"),
        ("user", "account"),
        ("status", "code"),
    ] {
        src.fields.insert(k.into(), v.into());
    }
    cfg.sources.push(src);
    cfg.detectors.brute_force.capacity = 4;
    cfg.detectors.brute_force.leak = rampart_config::Duration::from_secs(300);
    let r = analyze(&[&log], &cfg).unwrap();
    let all = serde_json::to_string_pretty(&r).unwrap();
    assert_eq!(r.sources[0].format, "json");
    assert_eq!(r.sources[0].malformed, 0);

    let alice = r
        .incidents
        .iter()
        .find(|i| i.clients == ["198.51.100.4"])
        .expect("alice's burst is reported");
    assert_eq!(alice.verdict, Verdict::Person, "{}", alice.why);
    assert!(alice.why.contains("success"), "{}", alice.why);

    let stuffing = r
        .incidents
        .iter()
        .find(|i| i.clients == ["192.0.2.50"])
        .unwrap();
    assert_eq!(stuffing.kind_str(), "credential_stuffing");
    assert_eq!(stuffing.verdict, Verdict::Attack);
    assert!(
        stuffing.why.contains("30 distinct usernames"),
        "{}",
        stuffing.why
    );

    let cov = |id: &str| r.coverage.iter().find(|c| c.id == id).unwrap();
    assert_eq!(cov("auth-failure-user").answer, Answer::Yes);
    assert_eq!(cov("no-passwords").answer, Answer::No);
    assert!(
        !all.contains("Winter2024"),
        "password leaked into the report"
    );
}

#[test]
fn regex_app_log_with_the_api_marker() {
    let mut s = String::new();
    let t0 = 1_586_967_840;
    for k in 0..10 {
        let _ = writeln!(
            s,
            "{} WARN 10.0.0.5 API endpoint /api/register: 400 invalid email",
            iso(t0 + k * 60)
        );
        let _ = writeln!(
            s,
            "{} WARN 83.92.14.201 /register: 400 invalid email",
            iso(t0 + k * 60 + 5)
        );
    }
    s.push_str("garbage that the regex does not match\n");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    std::fs::write(&log, s).unwrap();
    let mut cfg: LogsSection = serde_json::from_str("{}").unwrap();
    cfg.regex = Some(
        r"^(?P<time>\S+) (?P<level>\w+) (?P<client>\S+) (?:API endpoint )?(?P<path>/\S*): (?P<status>\d{3}) (?P<message>.*)$".into(),
    );
    let r = rampart_logs::analyze_inputs(
        &[rampart_logs::Input::File(log)],
        &cfg,
        rampart_logs::Options {
            format: "regex".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(r.sources[0].format, "regex");
    assert_eq!(r.sources[0].parsed, 20);
    assert_eq!(r.sources[0].malformed, 1);
    let api = r.coverage.iter().find(|c| c.id == "api-vs-web").unwrap();
    assert_eq!(api.answer, Answer::Yes, "{}", api.detail);
    assert!(
        api.detail
            .contains("10 line(s) use the \"API endpoint\" marker"),
        "{}",
        api.detail
    );
    // Ten 400s spread over ten minutes from each client are ordinary: nothing raised.
    assert!(r.incidents.is_empty(), "{:#?}", r.incidents);
}
