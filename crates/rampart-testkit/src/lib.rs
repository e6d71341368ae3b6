//! Test support shared by rampart's integration tests.
//!
//! The tests start real servers (nginx, sshd, Python apps, rampart itself) on 127.0.0.1, many at
//! once: nextest runs every test in its own process, in parallel. A port found by binding port 0
//! and closing the socket is free only for a moment: the kernel may hand it to the next `bind(0)`
//! in this process or another, or use it as the local port of an outgoing connection, before
//! the server the test starts binds it. On a busy CI machine that happened (two nginx server
//! blocks on one port; a test talking to another test's server).
//!
//! [`free_port`] removes both races: it hands out ports *below* the kernel's ephemeral range
//! (`/proc/sys/net/ipv4/ip_local_port_range`), which the kernel never picks by itself, and
//! reserves each with an exclusive lock on a file in the temp dir, held until the test process
//! exits — so no other test process takes it either, and a crashed test leaves no stale claim.

use std::fs::{File, OpenOptions};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Mutex;

/// How many ports below the ephemeral range the tests may use.
const SPAN: u16 = 8000;

/// The lock files of the ports this process holds (dropping one would release its port).
static HELD: Mutex<Vec<File>> = Mutex::new(Vec::new());

/// A port on 127.0.0.1 that nothing listens on now and that nothing else will be given while this
/// test process runs: not by the kernel, not to another test. Panics (the test's setup failed)
/// only when every port of the span is taken.
pub fn free_port() -> u16 {
    let (low, high) = span();
    // Start at a different place in every process, so parallel tests rarely try the same ports.
    let n = u32::from(high - low) + 1;
    let start = (std::process::id().wrapping_mul(2_654_435_761) ^ nanos()) % n;
    reserve(low, high, low + start as u16).unwrap_or_else(|| {
        panic!("no free test port in {low}-{high}: every one is in use or reserved")
    })
}

/// The first port of `low..=high`, trying from `first` and wrapping around, that no test process
/// holds and nothing on the host listens on; held by this process from then on.
fn reserve(low: u16, high: u16, first: u16) -> Option<u16> {
    let dir = lock_dir();
    let n = u32::from(high - low) + 1;
    let mut held = HELD.lock().unwrap_or_else(|e| e.into_inner());
    for i in 0..n {
        let port = (u32::from(low) + (u32::from(first - low) + i) % n) as u16;
        if in_top_ports(port) {
            continue;
        }
        let Ok(file) = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(format!("{port}.lock")))
        else {
            continue;
        };
        // flock(2) locks belong to the open file: this fails for a port another test process
        // holds, and for one this process holds already (its lock is on another open file).
        if file.try_lock().is_err() {
            continue;
        }
        // Reserved among the tests; also free on the host (no daemon of the machine uses it)?
        if TcpListener::bind(("127.0.0.1", port)).is_err() {
            continue;
        }
        held.push(file);
        return Some(port);
    }
    None
}

/// The ports `rampart demo` and `--ports top:N` scan on 127.0.0.1: a test server there would be
/// reported as an unexpected open port by a demo running beside it.
fn in_top_ports(port: u16) -> bool {
    const TOP_PORTS: &str = include_str!("../../rampart-scan/src/ports/top_ports.txt");
    TOP_PORTS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(str::split_whitespace)
        .any(|p| p.parse() == Ok(port))
}

/// A port nothing listens on, kept that way for the rest of the test (see [`free_port`]).
pub fn closed_port() -> u16 {
    free_port()
}

/// The ports to hand out: the `SPAN` ports just below the ephemeral range, never below 10000.
fn span() -> (u16, u16) {
    let ephemeral_low = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u16>().ok())
        .unwrap_or(32768);
    let high = ephemeral_low.saturating_sub(1).max(10_000 + SPAN);
    (high - SPAN + 1, high)
}

fn lock_dir() -> PathBuf {
    let dir = std::env::temp_dir().join("rampart-test-ports");
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// The live processes of process group `pgid`, read from /proc: what a test that started a
/// server as a group leader must have stopped. A zombie (state `Z`) has exited and only waits to
/// be reaped, so it does not count.
pub fn group_members(pgid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return out;
    };
    for e in dir.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // `pid (comm) state ppid pgrp …`: comm may hold spaces and parentheses, so read the
        // fields after the last ')'.
        let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
        let f: Vec<&str> = rest.split_whitespace().collect();
        if f.len() > 2 && f[0] != "Z" && f[2].parse::<u32>().ok() == Some(pgid) {
            out.push(pid);
        }
    }
    out
}

fn nanos() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_lists_its_live_members() {
        let me = std::process::id();
        // This test process is in some group; a group id no process has lists nobody.
        let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
        let pgid: u32 = stat
            .rsplit_once(')')
            .unwrap()
            .1
            .split_whitespace()
            .nth(2)
            .unwrap()
            .parse()
            .unwrap();
        assert!(group_members(pgid).contains(&me));
        assert!(group_members(u32::MAX).is_empty());
    }

    #[test]
    fn top_ports_are_never_handed_out() {
        assert!(in_top_ports(22) && in_top_ports(31337));
        assert!(!in_top_ports(24999));
        let (low, high) = span();
        let top = (low..=high)
            .find(|p| in_top_ports(*p))
            .expect("a top port in the span");
        assert_ne!(reserve(top, top, top), Some(top));
    }

    #[test]
    fn ports_are_distinct_below_the_ephemeral_range_and_bindable() {
        let (low, high) = span();
        let ports: Vec<u16> = (0..50).map(|_| free_port()).collect();
        let mut unique = ports.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), ports.len(), "a port was handed out twice");
        for p in ports {
            assert!((low..=high).contains(&p), "{p} outside {low}-{high}");
            TcpListener::bind(("127.0.0.1", p)).expect("the port is free");
        }
    }

    #[test]
    fn a_port_held_by_another_process_is_not_handed_out() {
        // Another process (flock(1) in a child) holds one port's lock: this process must skip it.
        let Ok(flock) = which("flock") else {
            eprintln!("SKIP: flock(1) not installed (util-linux)");
            return;
        };
        let taken = free_port();
        let next = free_port();
        // Give `taken` up here and let the child hold it instead.
        HELD.lock().unwrap().clear();
        let file = lock_dir().join(format!("{taken}.lock"));
        // One process that takes the lock and keeps it (flock FILE CMD would fork CMD).
        let mut child = std::process::Command::new("sh")
            .arg("-c")
            .arg("exec 9>\"$1\" && \"$0\" 9 && exec sleep 30")
            .arg(flock)
            .arg(&file)
            .spawn()
            .unwrap();
        let probe = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&file)
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while probe.try_lock().is_ok() {
            probe.unlock().unwrap();
            assert!(
                std::time::Instant::now() < deadline,
                "flock never took the lock"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let (low, high) = (taken.min(next), taken.max(next));
        let got = reserve(low, high, taken);
        let _ = child.kill();
        let _ = child.wait();
        assert_ne!(
            got,
            Some(taken),
            "a port another process holds was handed out"
        );
    }

    fn which(name: &str) -> Result<PathBuf, ()> {
        std::env::var_os("PATH")
            .and_then(|p| {
                std::env::split_paths(&p)
                    .map(|d| d.join(name))
                    .find(|f| f.is_file())
            })
            .ok_or(())
    }
}
