//! Real servers in a private network namespace: exactly their ports are found open, each is
//! named from its banner, and a Prometheus left on its port is an unexpected-port finding.
mod common;

use common::*;
use rampart_scan::{scan_ports, PortOptions, PortSpec, PortState};
use std::time::Duration;

#[test]
fn known_listeners_are_exactly_the_open_ports_and_are_named() {
    let Some(ns) = NetNs::new("ports") else {
        return;
    };
    let dir = tempdir();
    let d = dir.path();
    let mut procs = Vec::new();
    let mut expect_open: Vec<u16> = vec![40001, 8081];
    let _plain = ns.listeners(&[40001, 8081]);

    if have("nginx") {
        let conf = nginx_conf(
            d,
            "  server_tokens on;\n  server { listen 127.0.0.1:80; location / { return 200 '<html><title>Welcome to nginx!</title></html>'; } }",
        );
        procs.push(ns.spawn(
            &[
                "nginx",
                "-c",
                &conf.display().to_string(),
                "-g",
                "daemon off;",
            ],
            &d.join("nginx.out"),
        ));
        expect_open.push(80);
    } else {
        skip("nginx not installed (part of this test)");
    }
    let have_prom = have("prometheus");
    if have_prom {
        let data = d.join("prom-data");
        std::fs::create_dir_all(&data).unwrap();
        let _ = std::process::Command::new("chmod")
            .args(["777", &data.display().to_string()])
            .status();
        std::fs::write(d.join("prom.yml"), "global:\n  scrape_interval: 1m\n").unwrap();
        procs.push(ns.spawn(
            &[
                "setpriv",
                "--reuid=nobody",
                "--regid=nogroup",
                "--clear-groups",
                "prometheus",
                &format!("--config.file={}", d.join("prom.yml").display()),
                &format!("--storage.tsdb.path={}", data.display()),
                "--web.listen-address=127.0.0.1:9090",
            ],
            &d.join("prom.out"),
        ));
        expect_open.push(9090);
    } else {
        skip("prometheus not installed (part of this test)");
    }
    if have("sshd") {
        let key = d.join("hostkey");
        assert!(std::process::Command::new("ssh-keygen")
            .args([
                "-q",
                "-t",
                "ed25519",
                "-N",
                "",
                "-f",
                &key.display().to_string()
            ])
            .status()
            .unwrap()
            .success());
        std::fs::create_dir_all("/run/sshd").unwrap();
        let conf = d.join("sshd_config");
        std::fs::write(
            &conf,
            format!(
                "ListenAddress 127.0.0.1\nPort 22\nHostKey {}\nPidFile {}/sshd.pid\nUsePAM no\n\
                 KbdInteractiveAuthentication no\nPasswordAuthentication no\n",
                key.display(),
                d.display()
            ),
        )
        .unwrap();
        procs.push(ns.spawn(
            &[
                "/usr/sbin/sshd",
                "-D",
                "-e",
                "-f",
                &conf.display().to_string(),
            ],
            &d.join("sshd.out"),
        ));
        expect_open.push(22);
    } else {
        skip("sshd not installed (part of this test)");
    }
    if have("redis-server") {
        procs.push(ns.spawn(
            &[
                "setpriv",
                "--reuid=nobody",
                "--regid=nogroup",
                "--clear-groups",
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                "6379",
                "--save",
                "",
                "--dir",
                "/tmp",
            ],
            &d.join("redis.out"),
        ));
        expect_open.push(6379);
    } else {
        skip("redis-server not installed (part of this test)");
    }
    for p in &expect_open {
        assert!(
            ns.wait_port(*p, Duration::from_secs(30)),
            "port {p} never came up"
        );
    }
    expect_open.sort_unstable();

    let mut opts = PortOptions::new(PortSpec::all());
    // The project says: ssh, web, and the two plain listeners. Prometheus and Redis are not.
    opts.expected = Some(vec![22, 80, 8081, 40001]);
    let report = ns.run(move || async move {
        let net = loopback_net();
        scan_ports(&net, "127.0.0.1", &opts).await.expect("scan")
    });
    println!("{}", serde_json::to_string_pretty(&report).unwrap());

    assert_eq!(report.open_ports(), expect_open);
    assert_eq!(report.filtered, 0);
    assert_eq!(report.closed, 65535 - expect_open.len());
    let port = |n: u16| report.ports.iter().find(|p| p.port == n).unwrap();
    if expect_open.contains(&80) {
        let p = port(80);
        assert_eq!(p.service, "http");
        assert_eq!(p.product.as_deref(), Some("nginx"));
        assert!(
            p.version.as_deref().is_some_and(|v| v.starts_with('1')),
            "{p:?}"
        );
        assert_eq!(p.title.as_deref(), Some("Welcome to nginx!"));
    }
    if expect_open.contains(&22) {
        assert_eq!(port(22).service, "ssh");
        assert_eq!(port(22).product.as_deref(), Some("OpenSSH"));
        assert!(port(22)
            .banner
            .as_deref()
            .unwrap()
            .starts_with("SSH-2.0-OpenSSH"));
    }
    if have_prom {
        let p = port(9090);
        assert_eq!(p.service, "http");
        assert_eq!(p.product.as_deref(), Some("Prometheus"), "{p:?}");
        let f = report
            .findings
            .iter()
            .find(|f| f.rule == "RA-PORT-UNEXPECTED" && f.target == "127.0.0.1:9090")
            .expect("Prometheus on 9090 is unexpected");
        assert!(f.title.contains("Prometheus"), "{}", f.title);
    }
    if expect_open.contains(&6379) {
        assert_eq!(port(6379).service, "redis");
        assert!(report
            .findings
            .iter()
            .any(|f| f.rule == "RA-PORT-DATASTORE"));
    }
    for plain in [8081, 40001] {
        assert_eq!(port(plain).state, PortState::Open);
        assert_eq!(port(plain).service, "unknown");
    }
    // Expected ports that are open are not findings; nothing else is unexpected.
    let unexpected: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.rule == "RA-PORT-UNEXPECTED")
        .map(|f| f.target.as_str())
        .collect();
    let mut want: Vec<String> = expect_open
        .iter()
        .filter(|p| ![22, 80, 8081, 40001].contains(*p))
        .map(|p| format!("127.0.0.1:{p}"))
        .collect();
    want.sort();
    let mut got: Vec<String> = unexpected.iter().map(|s| s.to_string()).collect();
    got.sort();
    assert_eq!(got, want);
    drop(procs);
}
