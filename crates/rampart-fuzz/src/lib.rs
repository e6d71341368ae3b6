//! The parsers of untrusted bytes, one function each, taking arbitrary bytes. A function must
//! return for every input: a panic, an abort or a hang is the bug a fuzzer looks for. The
//! cargo-fuzz targets in `fuzz/` call these (on nightly, with libFuzzer), and
//! `tests/corpus.rs` replays the seed corpus in `fuzz/corpus/<target>/` plus bounded random
//! mutations of it on stable, in the normal test suite.

use std::path::Path;
use std::sync::OnceLock;

/// A fuzz target: its name (the folder of its corpus) and its body.
pub type Target = (&'static str, fn(&[u8]));

/// Every target, by the name of its corpus folder and its `fuzz/fuzz_targets/<name>.rs`.
pub const TARGETS: &[Target] = &[
    ("project_file", project_file),
    ("probe_csv", probe_csv),
    ("log_combined", log_combined),
    ("log_nginx", log_nginx),
    ("log_json", log_json),
    ("log_regex", log_regex),
    ("log_sshd", log_sshd),
    ("log_nginx_error", log_nginx_error),
    ("log_apache_error", log_apache_error),
    ("log_w3c", log_w3c),
    ("tm7", tm7),
    ("tb7", tb7),
    ("tb7_filter", tb7_filter),
    ("threat_dragon", threat_dragon),
    ("ssh_wire", ssh_wire),
    ("tls_server_hello", tls_server_hello),
    ("x509", x509),
    ("pem", pem),
    ("html", html),
    ("http_banner", http_banner),
];

/// Text from bytes the way rampart reads files it did not write: lossily.
fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// `rampart.toml`: TOML, then every section's checks.
pub fn project_file(data: &[u8]) {
    let _ = rampart_config::load_str(&text(data), Path::new("rampart.toml"));
}

/// The probe CSV of `rampart sla import`.
pub fn probe_csv(data: &[u8]) {
    let _ = rampart_sla::csv::parse(
        &text(data),
        Path::new("probes.csv"),
        &rampart_sla::csv::ImportOptions::default(),
    );
}

fn log(format: &str, data: &[u8], f: impl FnOnce(&mut rampart_logs::FormatSpec)) {
    let mut spec = rampart_logs::FormatSpec {
        format: format.into(),
        ..Default::default()
    };
    f(&mut spec);
    rampart_logs::parse_sample(&spec, data).expect("the format itself compiles");
}

/// nginx/Apache `combined` (and `common`) access logs.
pub fn log_combined(data: &[u8]) {
    log("combined", data, |_| {});
}

/// Lines in an nginx `log_format` (a custom one with quoted and bare fields).
pub fn log_nginx(data: &[u8]) {
    log("nginx", data, |s| {
        s.log_format = Some(
            r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" rt=$request_time"#
                .into(),
        );
    });
}

/// JSON lines with the default field mapping.
pub fn log_json(data: &[u8]) {
    log("json", data, |_| {});
}

/// An application log read through a regex with named groups.
pub fn log_regex(data: &[u8]) {
    log("regex", data, |s| {
        s.regex = Some(
            r"^(?P<time>\S+) (?P<level>\w+) (?P<ip>[0-9a-f.:]+) (?P<method>[A-Z]+) (?P<path>\S+) (?P<status>\d{3})"
                .into(),
        );
    });
}

/// OpenSSH syslog lines.
pub fn log_sshd(data: &[u8]) {
    log("sshd", data, |_| {});
}

/// nginx's error log.
pub fn log_nginx_error(data: &[u8]) {
    log("nginx_error", data, |_| {});
}

/// Apache's error log.
pub fn log_apache_error(data: &[u8]) {
    log("apache_error", data, |_| {});
}

/// W3C extended logs (IIS, CloudFront), columns from the sample's `#Fields:`.
pub fn log_w3c(data: &[u8]) {
    log("w3c", data, |_| {});
}

/// A `.tm7` model (TMT's XML).
pub fn tm7(data: &[u8]) {
    let _ = rampart_threat::parse_tm7(&text(data), Path::new("model.tm7"));
}

/// A `.tb7` template, and its generation filters compiled.
pub fn tb7(data: &[u8]) {
    if let Ok(kb) = rampart_threat::kb::parse_template(&text(data), Path::new("t.tb7")) {
        let _ = rampart_threat::RuleSet::new(kb);
    }
}

fn builtin_kb() -> &'static rampart_threat::KnowledgeBase {
    static KB: OnceLock<rampart_threat::KnowledgeBase> = OnceLock::new();
    KB.get_or_init(rampart_threat::KnowledgeBase::builtin)
}

/// One generation filter of a template (`source is 'GE.P' and not (...)`).
pub fn tb7_filter(data: &[u8]) {
    let _ = rampart_threat::filter::compile(&text(data), builtin_kb(), false);
}

/// An OWASP Threat Dragon v2 JSON model.
pub fn threat_dragon(data: &[u8]) {
    let _ = rampart_threat::dragon::parse_dragon(&text(data), Path::new("td.json"), builtin_kb());
}

/// What an SSH server sends before encryption: packets, and the KEXINIT among them.
pub fn ssh_wire(data: &[u8]) {
    let _ = rampart_scan::ssh::read_plain_packets(data);
    let _ = rampart_scan::ssh::parse_kexinit(data);
}

/// A TLS server's first records (ServerHello, alerts) after a ClientHello.
pub fn tls_server_hello(data: &[u8]) {
    let _ = rampart_net::tls_probe::parse_reply(data);
}

/// A DER certificate, read by the TLS check and by the certificate monitor.
pub fn x509(data: &[u8]) {
    if let Some(c) = rampart_scan::tls::parse_certificate(data) {
        let _ = rampart_scan::tls::matches_host(&c, "www.example.org");
    }
    let _ = rampart_sla::probe::cert::validity(data);
}

/// A PEM file of certificates (`--ca-file`).
pub fn pem(data: &[u8]) {
    for der in rampart_scan::tls::pem::certificates(&text(data)) {
        let _ = rampart_scan::tls::parse_certificate(&der);
    }
}

/// A page the web scan crawls: tokenizer, links and forms, entities.
pub fn html(data: &[u8]) {
    let t = text(data);
    let _ = rampart_scan::web::html::segments(&t);
    let _ = rampart_scan::web::html::extract(&t);
    let _ = rampart_scan::web::html::decode_entities(&t);
}

/// What a port answers: greetings (SSH, SMTP, Redis, ...) and HTTP heads with their title.
pub fn http_banner(data: &[u8]) {
    let _ = rampart_scan::ports::from_greeting(data);
    if let Some(head) = rampart_scan::ports::parse_http(data) {
        let _ = head;
    }
    let _ = rampart_scan::ports::html_title(&text(data));
}
