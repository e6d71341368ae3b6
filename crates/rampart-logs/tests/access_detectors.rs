//! Each access-log detector on a small scripted log: ordinary visitors stay quiet, each attack
//! is one incident with the right client, verdict and masked evidence.

use rampart_logs::{analyze, LogIncident, Verdict};
use std::fmt::Write;

const BASE: i64 = 1_586_944_800; // 2020-04-15 10:00 UTC

fn clf(ts: i64) -> String {
    let t = chrono::DateTime::from_timestamp(ts, 0).unwrap();
    t.format("%d/%b/%Y:%H:%M:%S +0000").to_string()
}

fn line(
    out: &mut Vec<(i64, String)>,
    ts: i64,
    ip: &str,
    req: &str,
    status: u16,
    size: u64,
    ua: &str,
) {
    out.push((
        ts,
        format!(
            "{ip} - - [{}] \"{req} HTTP/1.1\" {status} {size} \"-\" \"{ua}\"",
            clf(ts)
        ),
    ));
}

const FF: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

fn scripted() -> String {
    let mut v = Vec::new();
    // 30 ordinary visitors over four hours, each with a typo and one failed login.
    for c in 0..30i64 {
        let ip = format!("198.51.100.{}", c + 1);
        for k in 0..40i64 {
            let t = BASE + c * 17 + k * 360;
            let (req, st) = match k % 5 {
                0 => ("GET /".to_string(), 200),
                1 => ("GET /static/app.css".to_string(), 200),
                2 => (format!("GET /api/items?page={k}"), 200),
                3 => ("POST /login".to_string(), if k == 3 { 200 } else { 302 }),
                _ => ("GET /item/42".to_string(), if k == 4 { 404 } else { 200 }),
            };
            line(&mut v, t, &ip, &req, st, 1000 + k as u64, FF);
        }
    }
    // Brute force whose failures answer 200 with the same page size.
    for k in 0..60 {
        line(
            &mut v,
            BASE + 3600 + k * 2,
            "192.0.2.10",
            "POST /login",
            200,
            1834,
            FF,
        );
    }
    // Injection: SQLi answered 500, XSS answered 200.
    line(
        &mut v,
        BASE + 5000,
        "192.0.2.20",
        "GET /search?q=1%27%20OR%201=1--",
        500,
        90,
        "curl/8.5",
    );
    line(
        &mut v,
        BASE + 5003,
        "192.0.2.20",
        "GET /search?q=%3Cscript%3Ealert(1)%3C/script%3E",
        200,
        900,
        "curl/8.5",
    );
    // Secrets in query strings.
    line(
        &mut v,
        BASE + 6000,
        "198.51.100.7",
        "GET /reset?token=abc123secret&password=hunter2",
        200,
        10,
        FF,
    );
    // Low and slow probing: 40 distinct missing paths, one every 5 minutes.
    for k in 0..40 {
        line(
            &mut v,
            BASE + 200 + k * 300,
            "192.0.2.77",
            &format!("GET /old-page-{k}.html"),
            404,
            0,
            FF,
        );
    }
    // A scanner that says so.
    line(
        &mut v,
        BASE + 7000,
        "192.0.2.99",
        "GET /",
        200,
        500,
        "Mozilla/5.00 (Nikto/2.1.6)",
    );
    v.sort_by_key(|(t, _)| *t);
    let mut s = String::new();
    for (_, l) in v {
        let _ = writeln!(s, "{l}");
    }
    s
}

fn only<'a>(r: &'a [LogIncident], kind: &str, client: &str) -> &'a LogIncident {
    let found: Vec<_> = r
        .iter()
        .filter(|i| i.kind_str() == kind && i.clients.first().map(String::as_str) == Some(client))
        .collect();
    assert_eq!(found.len(), 1, "{kind} {client}: {r:#?}");
    assert_eq!(found[0].clients, vec![client.to_string()], "{kind}");
    found[0]
}

#[test]
fn every_detector_finds_its_attack_and_only_it() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("access.log");
    std::fs::write(&log, scripted()).unwrap();
    let cfg = serde_json::from_str("{}").unwrap();
    let r = analyze(&[&log], &cfg).unwrap();
    let all = serde_json::to_string_pretty(&r.incidents).unwrap();
    assert!(
        r.incidents.iter().all(|i| i
            .clients
            .iter()
            .all(|c| !c.starts_with("198.51.100.") || i.kind_str() == "secret_in_log")),
        "ordinary visitors raised something: {all}"
    );

    let bf = only(&r.incidents, "brute_force", "192.0.2.10");
    assert_eq!(bf.count, 60);
    assert!(bf.why.contains("answered 200"), "{}", bf.why);
    assert_eq!(bf.verdict, Verdict::LikelyAttack);

    let inj = only(&r.incidents, "injection", "192.0.2.20");
    assert_eq!(inj.count, 2);
    assert!(inj.why.contains("SQL injection") && inj.why.contains("cross-site scripting"));
    assert!(inj.why.contains("5xx"), "{}", inj.why);

    let sec = only(&r.incidents, "secret_in_log", "198.51.100.7");
    let ev = &sec.evidence[0].text;
    assert!(
        !ev.contains("hunter2") && !ev.contains("abc123secret"),
        "{ev}"
    );
    assert!(ev.contains("password=***"), "{ev}");
    assert!(
        !all.contains("hunter2"),
        "the secret appears somewhere in the JSON"
    );

    let slow = only(&r.incidents, "path_probing", "192.0.2.77");
    assert!(slow.why.contains("low-and-slow"), "{}", slow.why);
    assert_eq!(slow.count, 40);

    let nikto = r
        .incidents
        .iter()
        .find(|i| i.clients == ["192.0.2.99"])
        .expect("scanner user agent");
    assert!(nikto.why.contains("scanner"), "{}", nikto.why);

    // Evidence carries real line numbers.
    let text = std::fs::read_to_string(&log).unwrap();
    let first = &bf.evidence[0];
    assert_eq!(
        text.lines().nth(first.line as usize - 1).unwrap(),
        first.text
    );
    assert!(r.incidents.len() <= 6, "{all}");
}

#[test]
fn gzip_and_malformed_lines_are_read_not_fatal() {
    use flate2::{write::GzEncoder, Compression};
    use std::io::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("access.log.gz");
    let mut gz = GzEncoder::new(std::fs::File::create(&log).unwrap(), Compression::fast());
    let mut body = scripted();
    body.insert_str(0, "this is not a log line\n\u{0}\u{1}binary junk\n");
    gz.write_all(body.as_bytes()).unwrap();
    gz.finish().unwrap();
    let r = analyze(&[&log], &serde_json::from_str("{}").unwrap()).unwrap();
    assert_eq!(r.sources[0].malformed, 2);
    assert_eq!(r.sources[0].malformed_samples[0].line, 1);
    assert!(r.incidents.iter().any(|i| i.kind_str() == "brute_force"));
}
