//! `validate` finds, with file:line:column, everything that would otherwise fail later in a run
//! (issue 14): non-HTTP monitor URLs, targets outside the scope, bad regexes, missing files,
//! unknown severities, malformed hosts and ranges, impossible calendars, zero or absurd numbers.

use rampart_config::{load_file, validate_file, ConfigError};
use std::path::Path;

/// Writes `text` as rampart.toml in a fresh folder and loads it the way every command does.
fn errors_of(text: &str) -> Vec<ConfigError> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("rampart.toml");
    std::fs::write(&p, text).unwrap();
    match validate_file(&p) {
        Ok(_) => Vec::new(),
        Err(e) => e.0,
    }
}

/// The one error for `key`, asserting it is located at `line:column` and says `fragment`.
fn expect(errors: &[ConfigError], key: &str, line: usize, column: usize, fragment: &str) {
    let found: Vec<&ConfigError> = errors.iter().filter(|e| e.key == key).collect();
    let all: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(found.len(), 1, "one error for {key}: {all:#?}");
    let e = found[0];
    assert_eq!((e.line, e.column), (line, column), "{e}");
    assert!(e.message.contains(fragment), "{e}");
}

const HEAD: &str = "[project]\nname = \"t\"\n[scope]\nhosts = [\"127.0.0.1\"]\n";

#[test]
fn monitors_with_ftp_file_or_gopher_urls_are_located() {
    let text = format!(
        "{HEAD}[[monitors]]\nname = \"a\"\nurl = \"ftp://127.0.0.1/\"\n[[monitors]]\nname = \"b\"\nurl = \"file:///etc/passwd\"\n[[monitors]]\nname = \"c\"\nurl = \"gopher://127.0.0.1/\"\n"
    );
    let errs = errors_of(&text);
    expect(
        &errs,
        "monitors[0].url",
        7,
        7,
        "expected an http:// or https:// URL",
    );
    expect(
        &errs,
        "monitors[1].url",
        10,
        7,
        "expected an http:// or https:// URL",
    );
    expect(
        &errs,
        "monitors[2].url",
        13,
        7,
        "expected an http:// or https:// URL",
    );
}

#[test]
fn monitors_hosts_and_web_outside_the_scope_are_located() {
    let text = format!(
        "{HEAD}[[monitors]]\nname = \"a\"\nurl = \"http://127.0.0.2:8080/\"\n[[monitors]]\nname = \"b\"\nkind = \"tcp\"\ntarget = \"10.9.9.9:22\"\n[[monitors]]\nname = \"ok\"\nurl = \"http://127.0.0.1:8080/\"\n[[hosts]]\naddress = \"192.0.2.7\"\nports = [22]\n[[web]]\nurl = \"http://example.org/\"\n"
    );
    let errs = errors_of(&text);
    expect(&errs, "monitors[0].url", 7, 7, "outside the scope");
    expect(&errs, "monitors[1].target", 11, 10, "outside the scope");
    expect(&errs, "hosts[0].address", 16, 11, "outside the scope");
    expect(&errs, "web[0].url", 19, 7, "outside the scope");
    assert_eq!(errs.len(), 4, "{errs:#?}");
}

#[test]
fn a_name_that_dns_may_place_inside_a_range_is_left_to_the_run() {
    let text = "[project]\nname = \"t\"\n[scope]\ncidrs = [\"10.0.0.0/8\"]\n[[monitors]]\nname = \"a\"\nkind = \"tcp\"\ntarget = \"db.internal:5432\"\n";
    assert!(errors_of(text).is_empty());
}

#[test]
fn invalid_body_regex_and_log_regex_are_located() {
    let text = format!(
        "{HEAD}[[monitors]]\nname = \"a\"\nurl = \"http://127.0.0.1/\"\nbody_regex = \"(unclosed\"\n[logs]\nregex = \"(?P<time>[0-9]+\"\n"
    );
    let errs = errors_of(&text);
    expect(
        &errs,
        "monitors[0].body_regex",
        8,
        14,
        "not a valid regular expression",
    );
    expect(&errs, "logs.regex", 10, 9, "not a valid regular expression");
    let no_time = format!("{HEAD}[logs]\nregex = \"(?P<ip>\\\\S+)\"\n");
    expect(&errors_of(&no_time), "logs.regex", 6, 9, "(?P<time>");
}

#[test]
fn a_missing_log_file_or_threat_model_is_located() {
    let text = format!(
        "{HEAD}[[logs.sources]]\npath = \"no-such-access.log\"\n[threats]\nmodel = \"no-such-model.tm7\"\n"
    );
    let errs = errors_of(&text);
    expect(
        &errs,
        "logs.sources[0].path",
        6,
        8,
        "No such file or directory",
    );
    expect(&errs, "threats.model", 8, 9, "No such file or directory");
}

#[test]
fn an_unknown_risk_severity_is_located_and_reported_once() {
    let text = format!(
        "{HEAD}[[assets]]\nid = \"a\"\nname = \"A\"\n[[risks]]\nid = \"r\"\nasset = \"a\"\ntitle = \"t\"\nlikelihood = {{ percent = 10, horizon = \"1 year\" }}\nseverity = \"Catastrophic\"\n"
    );
    let errs = errors_of(&text);
    expect(
        &errs,
        "risks[0].severity",
        13,
        12,
        "Negligible, Marginal, Critical",
    );
    assert_eq!(errs.len(), 1, "{errs:#?}");
}

#[test]
fn hosts_with_ports_wildcards_or_impossible_addresses_are_located() {
    let text = "[project]\nname = \"t\"\n[scope]\nhosts = [\"127.0.0.1:8080\", \"*\", \"999.1.1.1\", \"ok.example.org\", \"::1\"]\n";
    let errs = errors_of(text);
    expect(&errs, "scope.hosts[0]", 4, 10, "a host with a port");
    expect(&errs, "scope.hosts[1]", 4, 28, "wildcard");
    expect(&errs, "scope.hosts[2]", 4, 33, "not an IPv4 address");
    assert_eq!(errs.len(), 3, "{errs:#?}");
}

#[test]
fn a_prefix_length_over_32_says_so() {
    let text = "[project]\nname = \"t\"\n[scope]\ncidrs = [\"10.0.0.0/33\"]\n";
    let errs = errors_of(text);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    let e = &errs[0];
    assert_eq!(
        (e.line, e.column, e.key.as_str()),
        (4, 9, "scope.cidrs"),
        "{e}"
    );
    assert!(
        e.message.contains("prefix length 33 is longer than 32"),
        "{e}"
    );
    assert!(!e.message.contains("invalid IP address syntax"), "{e}");
}

#[test]
fn monkey_is_no_weekday_and_zero_restore_time_is_refused() {
    let text = format!(
        "{HEAD}[[monitors]]\nname = \"api\"\nurl = \"http://127.0.0.1/\"\n[[sla]]\nname = \"respond\"\nmonitor = \"api\"\nrespond_within = \"30m\"\nbusiness_hours = {{ days = [\"monkey\", \"monday\"] }}\n[[sla]]\nname = \"restore\"\nmonitor = \"api\"\nrestore_within = \"0s\"\n"
    );
    let errs = errors_of(&text);
    expect(
        &errs,
        "sla[0].business_hours.days[0]",
        12,
        28,
        "found \"monkey\"",
    );
    expect(
        &errs,
        "sla[1].restore_within",
        16,
        18,
        "expected a positive duration",
    );
    assert_eq!(errs.len(), 2, "{errs:#?}");
}

#[test]
fn absurd_syslog_year_evidence_lines_and_durations_are_refused() {
    let text = format!(
        "{HEAD}[logs]\nsyslog_year = 99999\n[logs.detectors]\nevidence_lines = 100000000\n[logs.detectors.flood]\ntotal_factor = nan\n[[monitors]]\nname = \"a\"\nurl = \"http://127.0.0.1/\"\ninterval = \"500000 years\"\n"
    );
    let errs = errors_of(&text);
    expect(&errs, "logs.syslog_year", 6, 15, "between 1970 and 2200");
    expect(
        &errs,
        "logs.detectors.evidence_lines",
        8,
        18,
        "at most 1000",
    );
    expect(
        &errs,
        "logs.detectors.flood.total_factor",
        10,
        16,
        "factor above 0",
    );
    expect(&errs, "monitors[0].interval", 14, 12, "at most 10 years");
}

#[test]
fn invalid_utf8_is_located_by_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("rampart.toml");
    std::fs::write(&p, b"[project]\nname = \"caf\xc3\xa9 \xff\"\n").unwrap();
    let e = load_file(&p).unwrap_err().0;
    assert_eq!(e.len(), 1);
    assert_eq!((e[0].line, e[0].column), (2, 14), "{}", e[0]);
    assert!(e[0].message.contains("invalid UTF-8"), "{}", e[0]);
}

#[test]
fn many_errors_in_a_large_file_are_all_reported_in_order() {
    // 2,000 entries with an error in every tenth: each is found, in file order, once.
    let mut text = String::from(HEAD);
    for i in 0..2000 {
        let key = if i % 10 == 0 { "intervall" } else { "interval" };
        text.push_str(&format!(
            "[[monitors]]\nname = \"m{i}\"\nurl = \"http://127.0.0.1/{i}\"\n{key} = \"30s\"\n"
        ));
    }
    let errs = errors_of(&text);
    assert_eq!(errs.len(), 200);
    for (n, e) in errs.iter().enumerate() {
        assert_eq!(e.key, format!("monitors[{}].intervall", n * 10));
        assert_eq!(e.line, 4 + n * 10 * 4 + 4, "{e}");
    }
}

#[test]
fn a_valid_project_still_loads() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("access.log"), "").unwrap();
    let p = dir.path().join("rampart.toml");
    std::fs::write(
        &p,
        format!("{HEAD}cidrs = [\"10.0.0.0/8\", \"::1/128\"]\nurls = [\"https://api.example.org/v1/\"]\n[[monitors]]\nname = \"a\"\nurl = \"https://api.example.org/v1/health\"\nbody_regex = \"ok|up\"\n[[monitors]]\nname = \"b\"\nkind = \"tcp\"\ntarget = \"10.1.2.3:22\"\n[[hosts]]\naddress = \"127.0.0.1\"\nports = [22]\n[[logs.sources]]\npath = \"access.log\"\n"),
    )
    .unwrap();
    validate_file(Path::new(&p)).unwrap_or_else(|e| panic!("{e}"));
}
