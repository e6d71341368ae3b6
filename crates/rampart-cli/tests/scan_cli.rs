//! `rampart scan ports` end to end: the JSON interface (a `ports` array with port/state/service/
//! banner, a `findings` array with rule/severity/title/target/evidence/remediation), SARIF, the
//! exit codes, and the scope guard.

use std::io::Write;
use std::process::Command;

fn project(dir: &std::path::Path, expected: &[u16]) -> std::path::PathBuf {
    let p = dir.join("rampart.toml");
    let mut f = std::fs::File::create(&p).unwrap();
    writeln!(
        f,
        "[project]\nname = \"t\"\n[scope]\nhosts = [\"127.0.0.1\"]\n[[hosts]]\naddress = \"127.0.0.1\"\nports = {expected:?}"
    )
    .unwrap();
    p
}

#[test]
fn scan_ports_json_sarif_and_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // A server that speaks first, like SSH, so the banner is known.
    std::thread::spawn(move || {
        for s in listener.incoming().flatten() {
            let mut s = s;
            let _ = s.write_all(b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
        }
    });
    let proj = project(dir.path(), &[]);
    let bin = env!("CARGO_BIN_EXE_rampart");
    let out = Command::new(bin)
        .args(["-p", proj.to_str().unwrap(), "scan", "ports", "127.0.0.1"])
        .args(["--ports", &format!("{port}"), "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ports = v["ports"].as_array().unwrap();
    assert_eq!(ports.len(), 1);
    assert_eq!(ports[0]["port"].as_u64(), Some(port as u64));
    assert_eq!(ports[0]["state"], "open");
    assert_eq!(ports[0]["service"], "ssh");
    assert!(ports[0]["banner"]
        .as_str()
        .unwrap()
        .starts_with("SSH-2.0-OpenSSH"));
    let f = &v["findings"].as_array().unwrap()[0];
    for k in [
        "rule",
        "severity",
        "title",
        "target",
        "evidence",
        "remediation",
    ] {
        assert!(f.get(k).is_some(), "finding lacks {k}");
    }
    assert_eq!(f["rule"], "RA-PORT-UNEXPECTED");

    // SARIF, and --fail-on turns the medium finding into exit code 1.
    let out = Command::new(bin)
        .args(["-p", proj.to_str().unwrap(), "scan", "ports", "127.0.0.1"])
        .args([
            "--ports",
            &format!("{port}"),
            "--format",
            "sarif",
            "--fail-on",
            "medium",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(
        sarif["runs"][0]["results"][0]["ruleId"],
        "RA-PORT-UNEXPECTED"
    );

    // Out of scope: refused before anything is sent, exit code 2.
    let out = Command::new(bin)
        .args([
            "-p",
            proj.to_str().unwrap(),
            "scan",
            "ports",
            "127.0.0.2",
            "--ports",
            "80",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not in the project's scope"));
    // A bad port list is a usage error naming the input.
    let out = Command::new(bin)
        .args([
            "-p",
            proj.to_str().unwrap(),
            "scan",
            "ports",
            "127.0.0.1",
            "--ports",
            "90-80",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("90-80"));
}

#[test]
fn scan_ports_budget_stops_the_scan_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let listeners: Vec<std::net::TcpListener> = (0..10)
        .map(|_| std::net::TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    let list = listeners
        .iter()
        .map(|l| l.local_addr().unwrap().port().to_string())
        .collect::<Vec<_>>()
        .join(",");
    let proj = project(dir.path(), &[]);
    let bin = env!("CARGO_BIN_EXE_rampart");
    let run = |format: &str| {
        Command::new(bin)
            .args([
                "-v",
                "-p",
                proj.to_str().unwrap(),
                "scan",
                "ports",
                "127.0.0.1",
            ])
            .args(["--ports", &list, "--no-banners", "--budget", "4"])
            .args(["--format", format])
            .output()
            .unwrap()
    };
    let out = run("json");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["budget_exhausted"], true);
    assert_eq!(v["not_scanned"], 6);
    assert_eq!(v["open"], 4);
    // -v shows what the scan did, including the spent budget.
    assert!(stderr.contains("port scan starts"), "{stderr}");
    assert!(stderr.contains("budget exhausted"), "{stderr}");
    let out = run("text");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("REQUEST BUDGET EXHAUSTED") && text.contains("6 ports not scanned"),
        "{text}"
    );
}

#[test]
fn every_scan_takes_rate_and_budget() {
    let bin = env!("CARGO_BIN_EXE_rampart");
    for scan in ["ports", "web", "ssh", "tls", "smtp"] {
        let out = Command::new(bin)
            .args(["scan", scan, "--help"])
            .output()
            .unwrap();
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(
            help.contains("--rate") && help.contains("--budget"),
            "scan {scan}: {help}"
        );
        assert!(
            help.contains("[default: "),
            "scan {scan} shows its defaults"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let proj = project(dir.path(), &[]);
    let out = Command::new(bin)
        .args(["-p", proj.to_str().unwrap(), "scan", "ssh", "127.0.0.1"])
        .args(["--rate=-1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("requests per second"), "{stderr}");
}

/// With only 40 file descriptors (`ulimit -n 40` sets the soft and the hard limit, so rampart
/// cannot raise it), the scan narrows its window of connects in flight to fit instead of failing
/// on EMFILE or calling ports it never managed to try "filtered".
#[test]
fn scan_fits_its_window_to_a_low_file_descriptor_limit() {
    let dir = tempfile::tempdir().unwrap();
    // A loopback address of its own: 2,001 ports on 127.0.0.1 would knock on the servers of the
    // tests running beside this one (some of which check that nobody called them).
    const HOST: &str = "127.0.0.66";
    let listener = std::net::TcpListener::bind((HOST, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let (lo, hi) = (port.saturating_sub(1000).max(1), port.saturating_add(1000));
    let proj = dir.path().join("rampart.toml");
    std::fs::write(
        &proj,
        format!("[project]\nname = \"t\"\n[scope]\nhosts = [\"{HOST}\"]\n"),
    )
    .unwrap();
    let bin = env!("CARGO_BIN_EXE_rampart");
    let scan = |limit: &str| {
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "{limit} exec \"$0\" -p \"$1\" scan ports {HOST} --ports {lo}-{hi} --no-banners --format json"
            ))
            .arg(bin)
            .arg(&proj)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let low = scan("ulimit -n 40 &&");
    let normal = scan("");
    let window = low["concurrency"].as_u64().unwrap();
    assert!(
        (1..40).contains(&window),
        "window {window} must fit under 40 descriptors"
    );
    assert!(normal["concurrency"].as_u64().unwrap() > window);
    for v in [&low, &normal] {
        assert_eq!(v["scanned"].as_u64(), Some((hi - lo + 1) as u64));
        assert_eq!(v["filtered"].as_u64(), Some(0), "{v}");
        assert_eq!(v["not_scanned"].as_u64(), Some(0));
        assert!(v["ports"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["port"].as_u64() == Some(port as u64) && p["state"] == "open"));
    }
    drop(listener);
}
