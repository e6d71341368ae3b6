//! A search engine's crawler walking a site's dead links is no prober: many missing pages,
//! slowly, among its successes — but ordinary pages, none sensitive. It is reported as the
//! site's defect (dead links), low. The same agent asking for `/.env` and friends is judged by
//! what it asks for: its user agent is its own text.

mod common;
use common::*;
use rampart_logs::Verdict;

const GOOGLEBOT: &str = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

fn crawl(log: &mut Log, ip: &str, missing: impl Fn(i64) -> String) {
    for k in 0..120i64 {
        let ts = BASE + k * 15;
        let (path, status) = if k % 2 == 0 {
            (missing(k), 404)
        } else {
            (format!("/blog/post-{k}"), 200)
        };
        log.raw(
            ts,
            format!(
                "{ip} - - [{}] \"GET {path} HTTP/1.1\" {status} 512 \"-\" \"{GOOGLEBOT}\"",
                clf(ts)
            ),
        );
    }
}

#[test]
fn a_crawler_on_dead_links_is_a_defect_not_an_attack() {
    let mut log = Log::default();
    ordinary(&mut log, 40);
    crawl(&mut log, "66.249.66.1", |k| {
        format!("/blog/2019/old-post-{k}")
    });
    let a = log.analyze();
    let crawler: Vec<_> = a
        .report
        .incidents
        .iter()
        .filter(|i| i.clients.iter().any(|c| c == "66.249.66.1"))
        .collect();
    assert_eq!(crawler.len(), 1, "{}", a.dump());
    let i = crawler[0];
    assert_eq!(i.verdict, Verdict::Defect, "{}", i.why);
    assert_eq!(i.severity.as_str(), "low");
    assert!(
        i.why.contains("not verified") && i.why.contains("dead links"),
        "{}",
        i.why
    );
    assert!(
        i.title().starts_with("Dead links followed by a crawler"),
        "{}",
        i.title()
    );
    assert!(!i.to_finding().remediation.contains("block the client"));
    assert!(
        a.report
            .incidents
            .iter()
            .all(|i| i.verdict != Verdict::Attack),
        "{}",
        a.dump()
    );
}

#[test]
fn a_crawler_asking_for_secrets_is_judged_by_what_it_asks() {
    const SENSITIVE: [&str; 6] = [
        "/.env",
        "/.git/config",
        "/wp-login.php",
        "/phpmyadmin/",
        "/config.php.bak",
        "/.aws/credentials",
    ];
    let mut log = Log::default();
    ordinary(&mut log, 40);
    crawl(&mut log, "203.0.113.66", |k| {
        format!("{}{}", SENSITIVE[(k / 2) as usize % SENSITIVE.len()], k)
    });
    let a = log.analyze();
    let i = a
        .report
        .incidents
        .iter()
        .find(|i| i.clients.iter().any(|c| c == "203.0.113.66"))
        .unwrap_or_else(|| panic!("{}", a.dump()));
    assert_eq!(i.verdict, Verdict::Attack, "{}", i.why);
}
