//! Test helpers: a real nginx on 127.0.0.1, started and stopped by the test.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const NGINX: &str = "/usr/sbin/nginx";

/// A free port on 127.0.0.1 (bound and released).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// nginx with a private prefix and config in a temp dir, answering `ok` on every path.
pub struct Nginx {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

impl Nginx {
    /// `None` (after printing SKIP) when nginx is not installed.
    pub fn start() -> Option<Nginx> {
        Nginx::start_with("")
    }

    /// Like `start`, with extra `server` blocks (`{dir}` is replaced by the temp dir).
    pub fn start_with(extra_servers: &str) -> Option<Nginx> {
        if !Path::new(NGINX).exists() {
            println!("SKIP: nginx not installed ({NGINX})");
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
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "nginx did not start: {}",
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
