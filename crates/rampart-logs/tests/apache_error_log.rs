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
