//! nginx `log_format` strings set in the project file's TOML (loaded by rampart-config, as the
//! CLI does), the section-wide one and a per-source override, with no nginx needed.

use rampart_config::load_file;
use std::fmt::Write;

const EDGE_FORMAT: &str = r#"$remote_addr [$time_iso8601] "$request_method $request_uri" $status $body_bytes_sent rt=$request_time ua="$http_user_agent" user=$remote_user"#;
const PROXY_FORMAT: &str =
    "$http_x_forwarded_for | $time_local | $request | $status | $body_bytes_sent | $http_user_agent";
const T0: i64 = 1_586_944_800;
const FF: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

fn iso(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .unwrap()
        .to_rfc3339()
}

fn clf(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .unwrap()
        .format("%d/%b/%Y:%H:%M:%S +0000")
        .to_string()
}

fn project(dir: &std::path::Path, proxy_format: &str) -> std::path::PathBuf {
    let toml = format!(
        r#"[project]
name = "shop"

[logs]
log_format = '{EDGE_FORMAT}'

[[logs.sources]]
path = "edge.log"
format = "nginx"

[[logs.sources]]
path = "proxy.log"
format = "nginx"
log_format = '{proxy_format}'
"#
    );
    let p = dir.join("rampart.toml");
    std::fs::write(&p, toml).unwrap();
    p
}

fn write_logs(dir: &std::path::Path) -> (String, String) {
    let mut edge = String::new();
    for k in 0..120i64 {
        let ip = format!("198.51.100.{}", k % 12 + 1);
        let (path, st) = match k % 4 {
            0 => ("/", 200),
            1 => ("/style.css", 200),
            2 => ("/products?page=2", 200),
            _ => ("/cart", 200),
        };
        let _ = writeln!(
            edge,
            r#"{ip} [{}] "GET {path}" {st} 512 rt=0.004 ua="{FF}" user=-"#,
            iso(T0 + k * 30)
        );
    }
    // A line in another format: counted malformed, not fatal.
    let _ = writeln!(
        edge,
        r#"198.51.100.1 - - [{}] "GET / HTTP/1.1" 200 512 "-" "{FF}""#,
        clf(T0 + 3600)
    );
    for (k, p) in [
        "/.env",
        "/.git/config",
        "/wp-login.php",
        "/backup.zip",
        "/admin.php",
    ]
    .iter()
    .enumerate()
    {
        let _ = writeln!(
            edge,
            r#"192.0.2.66 [{}] "GET {p}" 404 0 rt=0.001 ua="{FF}" user=-"#,
            iso(T0 + 3700 + k as i64)
        );
    }
    let mut proxy = String::new();
    for k in 0..60i64 {
        let _ = writeln!(
            proxy,
            "203.0.113.9, 10.0.0.1 | {} | POST /login HTTP/1.1 | 200 | 1834 | {FF}",
            clf(T0 + k * 2)
        );
    }
    std::fs::write(dir.join("edge.log"), &edge).unwrap();
    std::fs::write(dir.join("proxy.log"), &proxy).unwrap();
    (edge, proxy)
}

#[test]
fn log_formats_from_the_project_file_toml() {
    let dir = tempfile::tempdir().unwrap();
    let (edge, _) = write_logs(dir.path());
    let project = load_file(&project(dir.path(), PROXY_FORMAT)).unwrap();
    let logs = &project.file.logs;
    assert_eq!(logs.log_format.as_deref(), Some(EDGE_FORMAT));
    assert_eq!(logs.sources[1].log_format.as_deref(), Some(PROXY_FORMAT));
    let paths: Vec<_> = logs
        .sources
        .iter()
        .map(|s| project.resolve(&s.path))
        .collect();
    let r = rampart_logs::analyze(&paths, logs).unwrap();
    let dump = serde_json::to_string_pretty(&r.incidents).unwrap();

    let (e, p) = (&r.sources[0], &r.sources[1]);
    assert_eq!((e.format.as_str(), p.format.as_str()), ("nginx", "nginx"));
    assert_eq!((e.parsed, e.malformed), (125, 1), "{e:?}");
    assert_eq!(e.malformed_samples[0].line, 121);
    assert_eq!(
        e.malformed_samples[0].text,
        edge.lines().nth(120).unwrap(),
        "the sample is the line itself"
    );
    assert_eq!((p.parsed, p.malformed), (60, 0), "{p:?}");

    assert_eq!(r.incidents.len(), 2, "{dump}");
    let bf = &r.incidents[0];
    assert_eq!(bf.kind_str(), "brute_force");
    assert!(bf.source.ends_with("proxy.log"));
    // The client is X-Forwarded-For's first address, not the proxy's.
    assert_eq!(bf.clients, vec!["203.0.113.9".to_string()]);
    assert_eq!(bf.count, 60);
    assert_eq!((bf.from_ts, bf.to_ts), (T0, T0 + 118));
    let probe = &r.incidents[1];
    assert_eq!(probe.kind_str(), "path_probing");
    assert!(probe.source.ends_with("edge.log"));
    assert_eq!(probe.clients, vec!["192.0.2.66".to_string()]);
    assert_eq!(probe.from, "2020-04-15T11:01:40+00:00");
    assert!(probe.why.contains("sensitive"), "{}", probe.why);
}

#[test]
fn a_bad_log_format_in_the_toml_is_an_error_that_says_why() {
    let dir = tempfile::tempdir().unwrap();
    write_logs(dir.path());
    let project = load_file(&project(dir.path(), "$remote_addr$status")).unwrap();
    let logs = &project.file.logs;
    let paths: Vec<_> = logs
        .sources
        .iter()
        .map(|s| project.resolve(&s.path))
        .collect();
    let err = rampart_logs::analyze(&paths, logs).unwrap_err().to_string();
    assert!(err.contains("$remote_addr$status"), "{err}");
    assert!(err.contains("nothing between them"), "{err}");
}
