//! Regression (issue 14): one run of scripts/test left nginx workers running, their master gone.
//! Every server a test starts is now the leader of its own process group and the guard stops the
//! whole group — also when the test fails (the guard is dropped while the panic unwinds).
mod common;

use common::*;
use rampart_testkit::group_members;
use std::time::Duration;

#[test]
fn nginx_workers_are_stopped_even_when_the_test_fails() {
    if !have("nginx") {
        skip("nginx not installed");
        return;
    }
    if !is_root() {
        skip("nginx with `user nobody` needs root");
        return;
    }
    let dir = tempdir();
    let d = dir.path().to_path_buf();
    let port = free_port();
    let conf = nginx_conf(
        &d,
        &format!("  server {{ listen 127.0.0.1:{port}; location / {{ return 200 'ok'; }} }}")
            .replace("worker_processes 1;", ""),
    );
    // Two workers, so that a master-only kill would leave some behind.
    let text = std::fs::read_to_string(&conf)
        .unwrap()
        .replace("worker_processes 1;", "worker_processes 2;");
    std::fs::write(&conf, text).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let failed = std::panic::catch_unwind(move || {
        let nginx = start_nginx(&conf, &d);
        assert!(
            wait_port(port, Duration::from_secs(30)),
            "nginx did not start"
        );
        let pgid = nginx.0.id();
        // Wait until the master has forked both workers.
        for _ in 0..100 {
            if group_members(pgid).len() >= 3 {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        tx.send((pgid, group_members(pgid))).unwrap();
        panic!("a failing test: the guard must still stop nginx and its workers");
    });
    assert!(failed.is_err());
    let (pgid, members) = rx.recv().unwrap();
    assert!(members.len() >= 3, "master and two workers: {members:?}");
    let left = group_members(pgid);
    assert!(left.is_empty(), "processes left running: {left:?}");
}
