//! A real nginx on 127.0.0.1, driven by a bounded, scripted mix of ordinary visitors and one
//! probing burst; the burst is found from the access log nginx wrote, read through the nginx
//! `log_format` the project file (TOML, loaded by rampart-config) declares.
//!
//! Skipped when nginx is not installed, unless `RAMPART_REQUIRE_SERVERS=1` (scripts/test sets
//! it when it can install the servers): then a missing nginx fails the test.

use rampart_testkit::group_members;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const NGINX: &str = "/usr/sbin/nginx";
/// The client address comes from X-Forwarded-For, so one test machine can play many visitors.
const LOG_FORMAT: &str = r#"$http_x_forwarded_for - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent""#;

/// A running nginx, started in a process group of its own: dropping it ends the master AND its
/// workers (SIGTERM to the group, then SIGKILL for anything left), even when the test panics.
/// Killing only the master left the workers (owned by `nobody`) running after the suite.
struct Nginx(Child);

impl Nginx {
    fn start(cmd: &mut Command) -> Nginx {
        use std::os::unix::process::CommandExt;
        Nginx(cmd.process_group(0).spawn().unwrap())
    }

    fn pgid(&self) -> u32 {
        self.0.id()
    }
}

fn signal_group(pgid: u32, sig: &str) {
    let _ = Command::new("kill")
        .args([sig, "--", &format!("-{pgid}")])
        .stderr(Stdio::null())
        .status();
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let pgid = self.pgid();
        // A fast shutdown: the master stops its workers and exits.
        signal_group(pgid, "-TERM");
        for _ in 0..100 {
            if group_members(pgid).is_empty() {
                break;
            }
            let _ = self.0.try_wait();
            std::thread::sleep(Duration::from_millis(20));
        }
        if !group_members(pgid).is_empty() {
            signal_group(pgid, "-KILL");
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

use rampart_testkit::free_port;

fn request(port: u16, method: &str, path: &str, client: &str, agent: &str) -> u16 {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let body = if method == "POST" { "user=alice" } else { "" };
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: shop.test\r\nX-Forwarded-For: {client}\r\nUser-Agent: {agent}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0)
}

fn start_nginx(d: &Path) -> Nginx {
    Nginx::start(
        Command::new(NGINX)
            .args(["-p", &d.display().to_string(), "-c"])
            .arg(d.join("nginx.conf"))
            .args(["-g", "daemon off;"])
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )
}

fn nginx_missing() -> bool {
    if Path::new(NGINX).exists() {
        return false;
    }
    if std::env::var("RAMPART_REQUIRE_SERVERS").as_deref() == Ok("1") {
        panic!("{NGINX} not found and RAMPART_REQUIRE_SERVERS=1: install nginx");
    }
    eprintln!("SKIP: nginx not installed");
    true
}

/// Dropping the guard leaves no nginx process behind: not the master, not its workers.
#[test]
fn nginx_guard_stops_master_and_workers() {
    if nginx_missing() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let port = free_port();
    std::fs::write(
        d.join("nginx.conf"),
        format!(
            "worker_processes 2;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\nevents {{ worker_connections 16; }}\nhttp {{ access_log off; client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fcgi; uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi; server {{ listen 127.0.0.1:{port}; return 204; }} }}\n",
            d = d.display()
        ),
    )
    .unwrap();
    let nginx = start_nginx(d);
    let pgid = nginx.pgid();
    let mut members = Vec::new();
    for _ in 0..600 {
        members = group_members(pgid);
        if members.len() >= 3 {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(members.len() >= 3, "master and two workers: {members:?}");
    drop(nginx);
    let left: Vec<u32> = members
        .iter()
        .copied()
        .filter(|p| {
            std::fs::read_to_string(format!("/proc/{p}/stat"))
                .is_ok_and(|s| !s[s.rfind(')').map_or(0, |i| i + 2)..].starts_with('Z'))
        })
        .collect();
    assert!(left.is_empty(), "nginx processes left running: {left:?}");
}

#[test]
fn probing_burst_is_found_in_the_log_nginx_wrote() {
    if nginx_missing() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // nginx's workers run as nobody: they must be able to read the site.
    std::fs::set_permissions(d, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let www = d.join("www");
    std::fs::create_dir(&www).unwrap();
    std::fs::write(www.join("index.html"), "<h1>shop</h1>").unwrap();
    std::fs::write(www.join("style.css"), "body{}").unwrap();
    std::fs::write(www.join("app.js"), "1").unwrap();
    let port = free_port();
    let log = d.join("access.log");
    let conf = format!(
        r#"worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log;
events {{ worker_connections 64; }}
http {{
  log_format rampart '{LOG_FORMAT}';
  access_log {log} rampart;
  client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fcgi;
  uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
  server {{
    listen 127.0.0.1:{port};
    root {www};
    location = /login {{ return 200 "login form"; }}
    location / {{ try_files $uri $uri/ =404; }}
  }}
}}
"#,
        d = d.display(),
        log = log.display(),
        www = www.display(),
    );
    std::fs::write(d.join("nginx.conf"), conf).unwrap();
    let _nginx = start_nginx(d);
    let mut up = false;
    for _ in 0..600 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            up = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        up,
        "nginx did not start: {:?}",
        std::fs::read_to_string(d.join("error.log"))
    );

    let browser = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
    // Ordinary visitors: pages, assets, a login, and the odd mistyped URL.
    for v in 1..=12 {
        let ip = format!("198.51.100.{v}");
        for p in ["/", "/style.css", "/app.js", "/index.html"] {
            assert_eq!(request(port, "GET", p, &ip, browser), 200);
        }
        assert_eq!(request(port, "POST", "/login", &ip, browser), 200);
        if v % 4 == 0 {
            assert_eq!(request(port, "GET", "/indx.html", &ip, browser), 404);
        }
    }
    // One scanner: 40 paths that do not exist, sensitive ones among them.
    let scanner = "203.0.113.66";
    let probes = [
        "/.env",
        "/.git/config",
        "/wp-admin/",
        "/wp-login.php",
        "/phpmyadmin/",
        "/admin.php",
        "/backup.zip",
        "/config.php",
        "/server-status",
        "/.aws/credentials",
        "/db.sql",
        "/old/",
        "/test/",
        "/dev/",
        "/api/v1/",
        "/console",
        "/debug",
        "/shell.php",
        "/info.php",
        "/.svn/entries",
    ];
    for (k, p) in probes.iter().chain(probes.iter()).enumerate() {
        let path = if k < probes.len() {
            p.to_string()
        } else {
            format!("{p}x{k}")
        };
        request(port, "GET", &path, scanner, browser);
    }
    drop(_nginx);

    // The same log_format, declared in the project file as a user would.
    let toml = format!(
        "[project]\nname = \"shop\"\n\n[logs]\nlog_format = '{LOG_FORMAT}'\n\n[[logs.sources]]\npath = \"access.log\"\nformat = \"nginx\"\n"
    );
    std::fs::write(d.join("rampart.toml"), toml).unwrap();
    let project = rampart_config::load_file(&d.join("rampart.toml")).unwrap();
    let cfg = &project.file.logs;
    assert_eq!(cfg.log_format.as_deref(), Some(LOG_FORMAT));
    let path = project.resolve(&cfg.sources[0].path);
    assert_eq!(path, log);
    let report = rampart_logs::analyze(&[&path], cfg).unwrap();
    let dump = serde_json::to_string_pretty(&report.incidents).unwrap();
    assert_eq!(report.sources[0].format, "nginx");
    assert_eq!(report.sources[0].malformed, 0, "{:?}", report.sources[0]);
    assert_eq!(report.sources[0].parsed, 12 * 5 + 3 + 40);
    assert_eq!(report.incidents.len(), 1, "{dump}");
    let i = &report.incidents[0];
    assert_eq!(i.kind_str(), "path_probing");
    assert_eq!(i.clients, vec![scanner.to_string()]);
    assert_eq!(i.count, 40);
    assert!(i.why.contains("sensitive"), "{}", i.why);
    assert!(i.evidence.iter().any(|e| e.text.contains("/.env")));
}
