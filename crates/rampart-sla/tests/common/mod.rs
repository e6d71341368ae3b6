//! Test helpers: a real nginx on 127.0.0.1, started and stopped by the test.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const NGINX: &str = "/usr/sbin/nginx";

/// A test cannot run because a server or tool is missing: prints SKIP and returns, unless
/// `RAMPART_REQUIRE_SERVERS=1` (scripts/test sets it when it runs as root and has installed every
/// package), where a missing server is a failure.
pub fn skip(why: &str) {
    if std::env::var("RAMPART_REQUIRE_SERVERS").is_ok_and(|v| v == "1") {
        panic!("RAMPART_REQUIRE_SERVERS=1 but {why}");
    }
    println!("SKIP: {why}");
}

/// Whether `program` runs (`program ARG` starts at all); `skip`s with a message when it does not.
pub fn have_tool(program: &str, arg: &str, package: &str) -> bool {
    match std::process::Command::new(program)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
    {
        Ok(_) => true,
        Err(e) => {
            skip(&format!(
                "{program} not runnable ({e}; Debian package {package})"
            ));
            false
        }
    }
}

pub use rampart_testkit::free_port;

/// nginx with a private prefix and config in a temp dir, answering `ok` on every path.
pub struct Nginx {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

impl Nginx {
    /// `None` (after printing SKIP) when nginx is not installed; a panic instead with
    /// `RAMPART_REQUIRE_SERVERS=1`.
    pub fn start() -> Option<Nginx> {
        Nginx::start_with("")
    }

    /// Like `start`, with extra `server` blocks (`{dir}` is replaced by the temp dir).
    pub fn start_with(extra_servers: &str) -> Option<Nginx> {
        if !Path::new(NGINX).exists() {
            skip(&format!(
                "nginx not installed ({NGINX}; Debian package nginx-light)"
            ));
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let d = dir.path().display();
        std::fs::create_dir_all(dir.path().join("tmp")).unwrap();
        std::fs::write(
            dir.path().join("nginx.conf"),
            format!(
                "worker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
                 events {{ worker_connections 4096; }}\n\
                 http {{\n  access_log off;\n  client_body_temp_path {d}/tmp;\n  proxy_temp_path {d}/tmp;\n\
                 fastcgi_temp_path {d}/tmp;\n  uwsgi_temp_path {d}/tmp;\n  scgi_temp_path {d}/tmp;\n\
                 server {{\n    listen 127.0.0.1:{port} reuseport;\n    location / {{ return 200 \"ok\\n\"; }}\n    location /json {{ default_type application/json; return 200 '{{\"latest\": 42}}'; }}\n  }}\n{extra}\n}}\n",
                extra = extra_servers.replace("{dir}", &d.to_string())
            ),
        )
        .unwrap();
        let mut n = Nginx {
            port,
            dir,
            child: None,
        };
        n.up();
        Some(n)
    }

    pub fn prefix(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    /// Starts nginx and waits until it accepts connections.
    pub fn up(&mut self) {
        let d = self.dir.path();
        let child = Command::new(NGINX)
            .arg("-p")
            .arg(d)
            .arg("-c")
            .arg(d.join("nginx.conf"))
            .arg("-e")
            .arg(d.join("error.log"))
            .arg("-g")
            .arg("daemon off;")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nginx starts");
        self.child = Some(child);
        // Generous: a loaded CI machine can take seconds to start a process; a config nginx
        // refuses ends the wait at once (the master exits).
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            let exited = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten());
            assert!(
                Instant::now() < deadline && exited.is_none(),
                "nginx did not start ({exited:?}): {}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Stops nginx (SIGTERM) and waits for it to exit.
    pub fn down(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(c.id().to_string())
                .status();
            let _ = c.wait();
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGTERM, not SIGKILL: a killed master leaves its worker holding the port.
        self.down();
    }
}
