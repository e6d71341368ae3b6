//! Helpers for tests against real servers: network namespaces, processes started in them, and
//! running async code inside a namespace.
#![allow(dead_code)]

use rampart_config::ScopeSection;
use rampart_net::{Net, Politeness, Scope};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Whether a missing server, tool or privilege must fail the test instead of skipping it:
/// `RAMPART_REQUIRE_SERVERS=1`, which scripts/test sets when it runs as root (and so has
/// installed everything the tests need).
pub fn servers_required() -> bool {
    std::env::var("RAMPART_REQUIRE_SERVERS").is_ok_and(|v| v == "1")
}

/// Skips a test whose server, tool or privilege is missing: prints `SKIP: why`, or panics when
/// [`servers_required`].
#[track_caller]
pub fn skip(why: &str) {
    if servers_required() {
        panic!("RAMPART_REQUIRE_SERVERS=1, but this test would skip: {why}");
    }
    println!("SKIP: {why}");
}

pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

pub fn have(bin: &str) -> bool {
    find_bin(bin).is_some()
}

pub fn find_bin(bin: &str) -> Option<PathBuf> {
    if bin.contains('/') {
        return Path::new(bin).exists().then(|| PathBuf::from(bin));
    }
    let path = std::env::var("PATH").unwrap_or_default();
    let found = path
        .split(':')
        .chain(["/usr/sbin", "/sbin", "/usr/bin"])
        .map(|d| Path::new(d).join(bin))
        .find(|p| p.exists());
    found
}

/// A network namespace with its own loopback, deleted on drop.
pub struct NetNs {
    pub name: String,
}

impl NetNs {
    /// `None` (after printing why) when namespaces cannot be made here.
    pub fn new(tag: &str) -> Option<NetNs> {
        if !is_root() {
            skip("network namespaces need root");
            return None;
        }
        let name = format!("rampart-{tag}-{}", std::process::id());
        let ok = Command::new("ip")
            .args(["netns", "add", &name])
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            skip("`ip netns add` failed");
            return None;
        }
        let ns = NetNs { name };
        ns.exec(&["ip", "link", "set", "lo", "up"]);
        Some(ns)
    }

    /// Runs a command inside the namespace and waits for it.
    pub fn exec(&self, args: &[&str]) -> bool {
        Command::new("ip")
            .args(["netns", "exec", &self.name])
            .args(args)
            .status()
            .is_ok_and(|s| s.success())
    }

    /// Starts a long-running command inside the namespace.
    pub fn spawn(&self, args: &[&str], log: &Path) -> Proc {
        let out = std::fs::File::create(log).expect("log file");
        let child = group_leader(&mut Command::new("ip"))
            .args(["netns", "exec", &self.name])
            .args(args)
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("dup"))
            .stderr(out)
            .spawn()
            .expect("spawn in namespace");
        Proc(child)
    }

    /// Runs `f` on a thread that has entered this namespace, with its own tokio runtime: every
    /// socket it opens lives in the namespace.
    pub fn run<F, Fut, T>(&self, f: F) -> T
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: std::future::Future<Output = T>,
        T: Send + 'static,
    {
        let path = format!("/var/run/netns/{}", self.name);
        std::thread::spawn(move || {
            enter(&path);
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime")
                .block_on(f())
        })
        .join()
        .expect("namespace thread")
    }

    /// Binds std listeners on 127.0.0.1 inside the namespace; they live as long as the result.
    pub fn listeners(&self, ports: &[u16]) -> Vec<std::net::TcpListener> {
        let path = format!("/var/run/netns/{}", self.name);
        let ports = ports.to_vec();
        std::thread::spawn(move || {
            enter(&path);
            ports
                .iter()
                .map(|p| std::net::TcpListener::bind(("127.0.0.1", *p)).expect("bind"))
                .collect()
        })
        .join()
        .expect("listener thread")
    }

    /// Waits until 127.0.0.1:port accepts inside the namespace.
    pub fn wait_port(&self, port: u16, max: Duration) -> bool {
        let path = format!("/var/run/netns/{}", self.name);
        std::thread::spawn(move || {
            enter(&path);
            wait_port(port, max)
        })
        .join()
        .unwrap_or(false)
    }
}

impl Drop for NetNs {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .status();
    }
}

fn enter(path: &str) {
    let f = std::fs::File::open(path).expect("open netns");
    use std::os::fd::AsRawFd;
    // SAFETY: setns on a valid namespace fd affects only the calling thread.
    let rc = unsafe { libc::setns(f.as_raw_fd(), libc::CLONE_NEWNET) };
    assert_eq!(rc, 0, "setns failed");
}

pub fn wait_port(port: u16, max: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < max {
        if TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_millis(200))
            .is_ok()
        {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// A child process started as the leader of its own process group (see [`group_leader`]);
/// on drop — also when the test panics — the whole group is stopped: nginx's workers, the
/// children of `setpriv` and `ip netns exec`, everything the test started through it.
pub struct Proc(pub Child);

/// Makes the command's process the leader of a new process group, so [`Proc`] can stop it and
/// every process it forks with one signal.
pub fn group_leader(cmd: &mut Command) -> &mut Command {
    use std::os::unix::process::CommandExt;
    // The kernel kills the child when the test's thread ends, however it ends: a test process
    // that aborts (a stack overflow) runs no Drop, and its servers would be left running.
    // SAFETY: prctl is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    cmd.process_group(0)
}

/// Whether any process of group `pgid` is alive (zombies of other parents included).
pub fn group_alive(pgid: i32) -> bool {
    // SAFETY: signal 0 only checks for existence and permission.
    unsafe { libc::kill(-pgid, 0) == 0 }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let pgid = self.0.id() as i32;
        // SAFETY: signals to our own child's process group (its id is the group id).
        unsafe { libc::kill(-pgid, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(3);
        loop {
            let _ = self.0.try_wait();
            if !group_alive(pgid) || Instant::now() > deadline {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        // SAFETY: as above; whatever ignored SIGTERM is killed.
        unsafe { libc::kill(-pgid, libc::SIGKILL) };
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn loopback_net() -> Net {
    Net::new(loopback_scope())
}

/// `rampart scan web` of `base` on loopback with `opts`, run to its end on a runtime of its own.
pub fn scan_web_blocking(base: &str, opts: &rampart_scan::WebOptions) -> rampart_scan::WebReport {
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        rampart_scan::scan_web(&loopback_net(), base, opts)
            .await
            .expect("scan")
    })
}

/// The web scan's options for a small target: no login burst and no path discovery (neither is
/// what such a test looks at).
pub fn quiet_web_options() -> rampart_scan::WebOptions {
    rampart_scan::WebOptions {
        login_burst: 0,
        discovery: false,
        ..rampart_scan::WebOptions::default()
    }
}

pub fn polite_net() -> Net {
    Net::with_politeness(loopback_scope(), Politeness::scan_defaults())
}

pub fn loopback_scope() -> Scope {
    Scope::from_section(&ScopeSection {
        hosts: vec!["127.0.0.1".into(), "localhost".into()],
        cidrs: vec![],
        urls: vec![],
    })
}

/// A private folder that nobody (the unprivileged user servers run as) can use.
pub fn tempdir() -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tempdir");
    let _ = Command::new("chmod")
        .args(["755", &d.path().display().to_string()])
        .status();
    d
}

/// Writes an nginx config running as nobody with everything under `dir`; `servers` is the
/// `server { ... }` blocks.
/// Starts nginx in the foreground on `conf`, its stdout and stderr in `dir/nginx.out` (which
/// the tests print when nginx does not come up).
pub fn start_nginx(conf: &Path, dir: &Path) -> Proc {
    let out = std::fs::File::create(dir.join("nginx.out")).unwrap();
    Proc(
        group_leader(&mut Command::new("nginx"))
            .args(["-c", &conf.display().to_string(), "-g", "daemon off;"])
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap(),
    )
}

pub fn nginx_conf(dir: &Path, servers: &str) -> PathBuf {
    let d = dir.display();
    let conf = format!(
        "worker_processes 1;\nuser nobody nogroup;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
         events {{ worker_connections 256; }}\nhttp {{\n  access_log {d}/access.log;\n  \
         client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fcgi;\n  \
         uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;\n  default_type text/html;\n{servers}\n}}\n"
    );
    let path = dir.join("nginx.conf");
    std::fs::write(&path, conf).expect("write nginx.conf");
    path
}

/// The Python venv with the PyPI test targets (scripts/setup-web-targets.sh makes it).
pub fn test_venv() -> Option<PathBuf> {
    let venv = std::env::var_os("RAMPART_TEST_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/test-venv"));
    venv.join("bin/python").exists().then_some(venv)
}

pub fn web_targets_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/web-targets")
}

pub use rampart_testkit::free_port;

/// Starts `args` as the unprivileged user `nobody` (when root), output to `log`.
pub fn spawn_as_nobody(args: &[&str], env: &[(&str, &str)], log: &Path) -> Proc {
    let out = std::fs::File::create(log).expect("log file");
    let mut cmd = if is_root() {
        let mut c = Command::new("setpriv");
        // setpriv's change of user clears the parent-death signal; `--pdeathsig` sets it again.
        c.args([
            "--reuid=nobody",
            "--regid=nogroup",
            "--clear-groups",
            "--pdeathsig=KILL",
        ]);
        c.args(args);
        c
    } else {
        let mut c = Command::new(args[0]);
        c.args(&args[1..]);
        c
    };
    group_leader(&mut cmd)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(out.try_clone().expect("dup"))
        .stderr(out);
    Proc(cmd.spawn().expect("spawn"))
}

/// Starts sqlmap's vulnserver.py on a free port; `None` (after a SKIP line) when not installed.
pub fn start_vulnserver(dir: &Path) -> Option<(Proc, u16)> {
    let Some(venv) = test_venv() else {
        skip("sqlmap venv missing (run scripts/setup-web-targets.sh)");
        return None;
    };
    let py = venv.join("bin/python");
    let Ok(out) = Command::new(&py)
        .args([
            "-c",
            "import sqlmap,os;print(os.path.dirname(sqlmap.__file__))",
        ])
        .output()
    else {
        skip(&format!("cannot run {}", py.display()));
        return None;
    };
    if !out.status.success() {
        skip(&format!(
            "sqlmap not installed in {} (run scripts/setup-web-targets.sh)",
            venv.display()
        ));
        return None;
    }
    let server = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
        .join("extra/vulnserver/vulnserver.py");
    let port = free_port();
    let p = spawn_as_nobody(
        &[
            &py.display().to_string(),
            &server.display().to_string(),
            "127.0.0.1",
            &port.to_string(),
        ],
        &[("TMPDIR", &dir.display().to_string())],
        &dir.join("vulnserver.log"),
    );
    assert!(
        wait_port(port, Duration::from_secs(30)),
        "vulnserver did not start"
    );
    Some((p, port))
}

/// Starts MiniTwit (Flask 0.12.5's example) on a free port with a private database.
pub fn start_minitwit(dir: &Path) -> Option<(Proc, u16)> {
    let root = web_targets_dir();
    let venv = root.join("minitwit-venv");
    if !root.join("minitwit/.installed").exists() {
        skip("MiniTwit not installed (run scripts/setup-web-targets.sh)");
        return None;
    }
    // MiniTwit reads DATABASE from its module; MINITWIT_SETTINGS points at an override file.
    let db = dir.join("minitwit.db");
    let settings = dir.join("settings.py");
    std::fs::write(
        &settings,
        format!("DATABASE = {:?}\n", db.display().to_string()),
    )
    .unwrap();
    let flask = venv.join("bin/flask").display().to_string();
    let env = [
        ("FLASK_APP", "minitwit.minitwit"),
        ("MINITWIT_SETTINGS", settings.to_str().unwrap()),
        ("LC_ALL", "C.UTF-8"),
        ("LANG", "C.UTF-8"),
    ];
    let _ = Command::new("chmod")
        .args(["777", &dir.display().to_string()])
        .status();
    let init = spawn_as_nobody(&[&flask, "initdb"], &env, &dir.join("initdb.log"));
    let mut init = init;
    let _ = init.0.wait();
    let port = free_port();
    let p = spawn_as_nobody(
        &[
            &flask,
            "run",
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
        ],
        &env,
        &dir.join("minitwit.log"),
    );
    assert!(
        wait_port(port, Duration::from_secs(30)),
        "MiniTwit did not start"
    );
    Some((p, port))
}

/// Starts rampart's own vulnerable test shop (tests/targets/vulnapp.py, Python stdlib only) on a
/// free port, as nobody when root; `None` (after a SKIP line) without /usr/bin/python3.
pub fn start_vulnapp(dir: &Path) -> Option<(Proc, u16)> {
    start_vulnapp_with(dir, &[])
}

/// [`start_vulnapp`] writing one line per request (`METHOD /path?query`) to `log`.
pub fn start_vulnapp_logging(dir: &Path, log: &Path) -> Option<(Proc, u16)> {
    std::fs::write(log, "").expect("request log");
    let _ = Command::new("chmod")
        .args(["666", &log.display().to_string()])
        .status();
    start_vulnapp_with(dir, &[("VULNAPP_LOG", log.to_str().expect("utf-8 path"))])
}

fn start_vulnapp_with(dir: &Path, env: &[(&str, &str)]) -> Option<(Proc, u16)> {
    start_target(dir, "vulnapp.py", env)
}

/// Starts `tests/targets/<script>` (a Python stdlib web app) as nobody on a free port.
pub fn start_target(dir: &Path, script: &str, env: &[(&str, &str)]) -> Option<(Proc, u16)> {
    let py = Path::new("/usr/bin/python3");
    if !py.exists() {
        skip("/usr/bin/python3 missing (Debian package python3)");
        return None;
    }
    start_target_with(dir, script, env, py)
}

/// [`start_target`] for a script that needs the test venv's PyPI packages
/// (scripts/packages/scan.pip); `None` (after a SKIP line) without them.
pub fn start_venv_target(dir: &Path, script: &str, needs: &str) -> Option<(Proc, u16)> {
    let Some(venv) = test_venv() else {
        skip("test venv missing (scripts/test makes it)");
        return None;
    };
    let py = venv.join("bin/python");
    let has = Command::new(&py)
        .args(["-c", &format!("import {needs}")])
        .status()
        .is_ok_and(|s| s.success());
    if !has {
        skip(&format!(
            "python module {needs} missing from the test venv (scripts/packages/scan.pip)"
        ));
        return None;
    }
    start_target_with(dir, script, &[], &py)
}

fn start_target_with(
    dir: &Path,
    script: &str,
    env: &[(&str, &str)],
    py: &Path,
) -> Option<(Proc, u16)> {
    let name = script;
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/targets")
        .join(name);
    let script = dir.join(name);
    std::fs::copy(&src, &script).expect("copy the test app");
    let _ = Command::new("chmod")
        .args(["755", &script.display().to_string()])
        .status();
    let port = free_port();
    let p = spawn_as_nobody(
        &[
            &py.display().to_string(),
            &script.display().to_string(),
            &port.to_string(),
        ],
        env,
        &dir.join(format!("{name}.log")),
    );
    assert!(
        wait_port(port, Duration::from_secs(30)),
        "{name} did not start: {}",
        std::fs::read_to_string(dir.join(format!("{name}.log"))).unwrap_or_default()
    );
    Some((p, port))
}
