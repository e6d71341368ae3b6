//! IIS's W3C log read with no format given: its directives are lines, not events, and a
//! scanner's missing sensitive paths are probing; a project file may name the format.

mod common;
use common::Log;

#[test]
fn an_iis_log_is_recognised_and_read() {
    let mut log = Log::default();
    log.raw(
        0,
        "#Software: Microsoft Internet Information Services 10.0".into(),
    );
    log.raw(0, "#Version: 1.0".into());
    log.raw(0, "#Date: 2024-03-01 10:00:00".into());
    log.raw(0, "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken".into());
    for k in 0..40i64 {
        log.raw(1 + k, format!(
            "2024-03-01 10:00:{:02} 10.0.0.4 GET /page{} - 443 - 203.0.113.{} Mozilla/5.0+(Windows+NT+10.0) - 200 0 0 12",
            1 + k, k % 5, k % 20 + 1
        ));
    }
    for (k, p) in [
        "/.env",
        "/.git/config",
        "/wp-login.php",
        "/phpmyadmin/",
        "/.aws/credentials",
        "/web.config.bak",
    ]
    .iter()
    .enumerate()
    {
        log.raw(
            50 + k as i64,
            format!(
                "2024-03-01 10:00:{:02} 10.0.0.4 GET {p} - 443 - 198.51.100.9 curl/8.0 - 404 0 2 1",
                50 + k
            ),
        );
    }
    let a = log.analyze();
    assert_eq!(a.report.sources[0].format, "w3c");
    assert_eq!(a.report.sources[0].malformed, 0);
    assert!(a.has("path_probing", &["198.51.100.9"]), "{}", a.dump());
    assert!(
        a.report
            .incidents
            .iter()
            .all(|i| !i.clients.iter().any(|c| c.starts_with("203.0.113."))),
        "{}",
        a.dump()
    );
}
