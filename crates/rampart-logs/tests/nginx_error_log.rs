//! nginx's error log read with no format given: failed basic-auth logins are a brute force,
//! missing sensitive files are probing — the same detectors as the access log's.

mod common;
use common::Log;

fn at(t: i64) -> String {
    format!("2024/03/01 10:{:02}:{:02}", t / 60, t % 60)
}

#[test]
fn auth_failures_and_missing_files_are_incidents() {
    let mut log = Log::default();
    log.raw(0, format!("{} [notice] 1#1: start worker processes", at(0)));
    for k in 0..20i64 {
        log.raw(k * 5, format!(
            r#"{} [error] 2865#0: *{k} user "admin": password mismatch, client: 203.0.113.7, server: example.org, request: "GET /private/ HTTP/1.1", host: "example.org""#,
            at(k * 5)
        ));
    }
    for (k, p) in [
        "/.env",
        "/.git/config",
        "/wp-login.php",
        "/phpmyadmin/index.php",
        "/.aws/credentials",
        "/config.php.bak",
    ]
    .iter()
    .enumerate()
    {
        let t = 200 + k as i64 * 3;
        log.raw(t, format!(
            r#"{} [error] 2833#0: *9{k} open() "/var/www/site{p}" failed (2: No such file or directory), client: 198.51.100.9, server: example.org, request: "GET {p} HTTP/1.1", host: "example.org""#,
            at(t)
        ));
    }
    let a = log.analyze();
    assert_eq!(a.report.sources[0].format, "nginx_error");
    assert_eq!(a.report.sources[0].malformed, 0);
    assert!(a.has("brute_force", &["203.0.113.7"]), "{}", a.dump());
    assert!(a.has("path_probing", &["198.51.100.9"]), "{}", a.dump());
}

/// nginx's own faults (a worker crashing) recurring are a defect; an error about a request is
/// that request, not a fault of the server's own.
#[test]
fn a_crashing_worker_is_a_defect() {
    let mut log = Log::default();
    for k in 0..12i64 {
        log.raw(
            k * 30,
            format!(
                "{} [alert] 1#1: worker process {} exited on signal 11",
                at(k * 30),
                300 + k
            ),
        );
        log.raw(k * 30 + 1, format!(
            r#"{} [error] 2865#0: *{k} open() "/usr/share/nginx/html/x{k}.png" failed (2: No such file or directory), client: 203.0.113.9, server: example.org, request: "GET /x{k}.png HTTP/1.1", host: "example.org""#,
            at(k * 30 + 1)
        ));
    }
    let a = log.analyze();
    let faults = a.of_kind("server_log_errors");
    assert_eq!(faults.len(), 1, "{}", a.dump());
    assert_eq!(faults[0].count, 12);
    assert_eq!(
        faults[0].paths,
        vec!["worker process # exited on signal #".to_string()]
    );
}
