//! nginx serving what should not be served: /.git/config, /.env, an autoindex folder, an SQL
//! dump, stub_status and a forgotten /test/ page are found; an auth_basic area (401) and the
//! unknown paths are not findings.
mod common;

use common::*;
use rampart_scan::{scan_web, WebOptions};
use std::fs;

#[test]
fn nginx_leaks_are_found() {
    if !have("nginx") {
        skip("nginx not installed");
        return;
    }
    let dir = tempdir();
    let d = dir.path();
    let root = d.join("www");
    for sub in [".git", "files", "test", "admin"] {
        fs::create_dir_all(root.join(sub)).unwrap();
    }
    fs::write(
        root.join("index.html"),
        "<html><head><title>Shop</title></head><body><a href='/about.html'>about</a></body></html>",
    )
    .unwrap();
    fs::write(
        root.join("about.html"),
        "<html><head><title>About</title></head><body>about us</body></html>",
    )
    .unwrap();
    fs::write(root.join(".git/config"), "[core]\n\trepositoryformatversion = 0\n\tbare = false\n[remote \"origin\"]\n\turl = git@example.invalid:shop.git\n").unwrap();
    fs::write(
        root.join(".env"),
        "DATABASE_URL=postgres://shop:hunter2@db/shop\nSECRET_KEY=abc123\n",
    )
    .unwrap();
    fs::write(
        root.join("backup.sql"),
        "CREATE TABLE users (id int, name text);\nINSERT INTO users VALUES (1, 'a');\n",
    )
    .unwrap();
    fs::write(root.join("files/report.pdf"), "%PDF-1.4").unwrap();
    fs::write(
        root.join("test/index.html"),
        "<html><head><title>old test page</title></head><body>test build 2019</body></html>",
    )
    .unwrap();
    fs::write(root.join("admin/index.html"), "secret").unwrap();
    fs::write(d.join("htpasswd"), "admin:$apr1$abc$def\n").unwrap();
    let _ = std::process::Command::new("chmod")
        .args(["-R", "a+rX", &d.display().to_string()])
        .status();
    let port = free_port();
    let conf = nginx_conf(
        d,
        &format!(
            "  server_tokens on;\n  server {{\n    listen 127.0.0.1:{port};\n    root {root};\n    \
             location /files/ {{ autoindex on; }}\n    \
             location /admin/ {{ auth_basic \"admin\"; auth_basic_user_file {d}/htpasswd; }}\n    \
             location = /nginx_status {{ stub_status; }}\n  }}",
            root = root.display(),
            d = d.display()
        ),
    );
    let log = d.join("nginx.out");
    let _nginx = start_nginx(&conf, d);
    assert!(
        wait_port(port, std::time::Duration::from_secs(30)),
        "nginx did not start: {}",
        fs::read_to_string(&log).unwrap_or_default()
    );
    let base = format!("http://127.0.0.1:{port}/");
    let report = tokio::runtime::Runtime::new().unwrap().block_on(async {
        scan_web(&polite_net(), &base, &WebOptions::default())
            .await
            .expect("scan")
    });
    for f in &report.findings {
        println!(
            "{:<26} {:<8} {} @ {}",
            f.rule, f.severity, f.title, f.target
        );
    }
    let has = |rule: &str, path: &str| {
        report
            .findings
            .iter()
            .any(|f| f.rule == rule && (f.target.ends_with(path) || f.title.contains(path)))
    };
    assert!(has("RA-WEB-SENSITIVE-FILE", "/.git/config"));
    assert!(has("RA-WEB-SENSITIVE-FILE", "/.env"));
    assert!(has("RA-WEB-SENSITIVE-FILE", "/backup.sql"));
    assert!(has("RA-WEB-SENSITIVE-FILE", "/nginx_status"));
    assert!(has("RA-WEB-DIRECTORY-LISTING", "/files/"));
    assert!(has("RA-WEB-EXPOSED-PATH", "/test/"));
    assert!(report
        .findings
        .iter()
        .any(|f| f.rule == "RA-WEB-VERSION-DISCLOSURE" && f.title.contains("nginx/")));
    // 401 behind auth_basic is a protected page, not a finding.
    assert!(
        !report.findings.iter().any(|f| f.target.contains("/admin")),
        "401 is not a finding"
    );
    // Secrets never reach the report.
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains("hunter2"), "secrets are masked in evidence");
    assert!(json.contains("DATABASE_URL=<masked>"));
}
