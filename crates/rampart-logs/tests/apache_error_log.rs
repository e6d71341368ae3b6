//! Apache's error log read with no format given (2.2 and 2.4 lines, module notices between
//! them, as in loghub's Apache sample): missing sensitive files are probing, failed basic-auth
//! logins a brute force — the same detectors as the access log's.

mod common;
use common::Log;

fn at(t: i64, micros: bool) -> String {
    let frac = if micros { ".123456" } else { "" };
    format!("[Fri Mar 01 10:{:02}:{:02}{frac} 2024]", t / 60, t % 60)
}

#[test]
fn missing_files_and_auth_failures_are_incidents() {
    let mut log = Log::default();
    log.raw(
        0,
        format!(
            "{} [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties",
            at(0, false)
        ),
    );
    log.raw(
        1,
        format!(
            "{} [error] mod_jk child workerEnv in error state 6",
            at(1, false)
        ),
    );
    for (k, p) in [
        ".env",
        ".git/config",
        "wp-login.php",
        "phpmyadmin/index.php",
        ".aws/credentials",
        "config.php.bak",
    ]
    .iter()
    .enumerate()
    {
        let t = 10 + k as i64 * 3;
        log.raw(t, format!(
            "{} [core:info] [pid 35708:tid 4328636416] [client 198.51.100.9:53372] AH00128: File does not exist: /var/www/html/{p}",
            at(t, true)
        ));
    }
    for k in 0..20i64 {
        let t = 100 + k * 5;
        log.raw(t, format!(
            "{} [auth_basic:error] [pid 1:tid 2] [client 203.0.113.7:{}] AH01617: user admin: authentication failure for \"/private\": Password Mismatch",
            at(t, true),
            40000 + k
        ));
    }
    let a = log.analyze();
    assert_eq!(a.report.sources[0].format, "apache_error");
    assert_eq!(a.report.sources[0].malformed, 0);
    assert!(a.has("brute_force", &["203.0.113.7"]), "{}", a.dump());
    assert!(a.has("path_probing", &["198.51.100.9"]), "{}", a.dump());
}

/// The server's own faults: one message (digits aside) at level error, about no request, over
/// and over is a defect of the service. Notices, a few errors, and errors about a client's
/// request (a missing file is probing's) are not.
#[test]
fn a_recurring_server_fault_is_a_defect() {
    let mut log = Log::default();
    for k in 0..14i64 {
        let t = k * 40;
        log.raw(
            t,
            format!(
                "{} [notice] jk2_init() Found child {} in scoreboard slot 7",
                at(t, false),
                6700 + k
            ),
        );
        log.raw(
            t + 1,
            format!(
                "{} [error] mod_jk child workerEnv in error state {}",
                at(t + 1, false),
                6 + k % 3
            ),
        );
    }
    // 2.4's `[module:level]`: three of another fault, too few to be more than noise.
    for k in 0..3i64 {
        log.raw(
            700 + k,
            format!(
                "{} [proxy:error] [pid 42:tid 7] AH00940: HTTP: disabled connection for (backend)",
                at(700 + k, true)
            ),
        );
    }
    log.raw(
        710,
        format!(
            "{} [error] [client 192.0.2.4] File does not exist: /var/www/html/favicon.ico",
            at(710, false)
        ),
    );
    let a = log.analyze();
    let faults = a.of_kind("server_log_errors");
    assert_eq!(faults.len(), 1, "{}", a.dump());
    let i = faults[0];
    assert_eq!(i.count, 14);
    assert_eq!(i.verdict, rampart_logs::Verdict::Defect);
    assert_eq!(
        i.paths,
        vec!["mod_jk child workerEnv in error state #".to_string()]
    );
    assert!(i.clients.is_empty(), "{:?}", i.clients);
    assert!(i.why.contains("fault of its own"), "{}", i.why);
    a.assert_evidence_is_real(i);
}
