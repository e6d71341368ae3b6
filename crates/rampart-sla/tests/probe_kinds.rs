//! Probes against a real nginx: HTTP conditions (status, body, JSON pointer, header), keep-alive
//! reuse, refused connections, TCP connects and TLS certificate expiry.

mod common;

use rampart_config::{MonitorSection, ScopeSection};
use rampart_model::{ErrorClass, Outcome};
use rampart_net::{Net, Scope};
use rampart_sla::probe::Probe;
use std::process::Command;

fn net() -> Net {
    Net::new(Scope::from_section(&ScopeSection {
        hosts: vec!["127.0.0.1".into()],
        ..Default::default()
    }))
}

fn monitor(body: &str) -> MonitorSection {
    let toml = format!(
        "[project]\nname = \"t\"\n[scope]\nhosts = [\"127.0.0.1\"]\n[[monitors]]\nname = \"m\"\n{body}\n"
    );
    rampart_config::load_str(&toml, std::path::Path::new("rampart.toml"))
        .unwrap()
        .monitors
        .remove(0)
}

#[tokio::test]
async fn http_conditions_keep_alive_tcp_and_refused() {
    let Some(nginx) = common::Nginx::start() else {
        return;
    };
    let net = net();
    let p = nginx.port;

    let ok = Probe::from_monitor(&monitor(&format!(
        "url = \"http://127.0.0.1:{p}/json\"\nstatus = [200]\nbody_regex = '\"latest\":\\s*\\d+'\n\
         json = {{ \"/latest\" = \"42\" }}\nheaders = {{ \"Content-Type\" = \"application/json\" }}"
    )))
    .unwrap();
    let r = ok.run(&net).await;
    assert_eq!(r.outcome, Outcome::Up, "{r:?}");
    assert_eq!(r.status, Some(200));
    assert!(
        r.phases.connect_ms.is_some() && r.phases.ttfb_ms.is_some() && r.phases.total_ms.is_some()
    );
    assert!(r.phases.dns_ms.is_none(), "an IP literal needs no DNS");

    let bad = Probe::from_monitor(&monitor(&format!(
        "url = \"http://127.0.0.1:{p}/json\"\nstatus = [201]\njson = {{ \"/latest\" = \"41\" }}"
    )))
    .unwrap();
    let r = bad.run(&net).await;
    assert_eq!(
        (r.outcome, r.error_class),
        (Outcome::Down, Some(ErrorClass::Condition))
    );
    let e = r.error.unwrap();
    assert!(
        e.contains("[STATUS] (200) in [201]") && e.contains("[BODY]/latest (42) == \"41\""),
        "{e}"
    );

    // Keep-alive: the first probe connects, the next ones reuse the connection.
    let ka = Probe::from_monitor(&monitor(&format!(
        "url = \"http://127.0.0.1:{p}/\"\nkeep_alive = true"
    )))
    .unwrap();
    let first = ka.run(&net).await;
    let second = ka.run(&net).await;
    let third = ka.run(&net).await;
    assert_eq!(first.outcome, Outcome::Up);
    assert!(first.phases.connect_ms.is_some());
    assert!(
        second.phases.connect_ms.is_none() && third.phases.connect_ms.is_none(),
        "{second:?}"
    );
    assert_eq!(third.outcome, Outcome::Up);

    let tcp = Probe::from_monitor(&monitor(&format!(
        "kind = \"tcp\"\ntarget = \"127.0.0.1:{p}\""
    )))
    .unwrap();
    assert_eq!(tcp.run(&net).await.outcome, Outcome::Up);

    let closed = common::free_port();
    let refused =
        Probe::from_monitor(&monitor(&format!("url = \"http://127.0.0.1:{closed}/\""))).unwrap();
    let r = refused.run(&net).await;
    assert_eq!(
        (r.outcome, r.error_class),
        (Outcome::Down, Some(ErrorClass::Refused))
    );

    // Out of scope: refused before anything is sent.
    let other = Probe::from_monitor(&monitor("url = \"http://127.0.0.2:80/\"")).unwrap();
    assert_eq!(
        other.run(&net).await.error_class,
        Some(ErrorClass::OutOfScope)
    );
}

#[tokio::test]
async fn failed_body_conditions_carry_the_value_that_failed() {
    let Some(nginx) = common::Nginx::start() else {
        return;
    };
    let net = net();
    let p = nginx.port;
    let probe = Probe::from_monitor(&monitor(&format!(
        "url = \"http://127.0.0.1:{p}/json\"\nbody_regex = '\"latest\":\\s*\"x\"'\n\
         body_contains = \"oldest\"\njson = {{ \"/latest\" = \"41\", \"/missing\" = \"1\" }}"
    )))
    .unwrap();
    let r = probe.run(&net).await;
    assert_eq!(
        (r.outcome, r.error_class, r.status),
        (Outcome::Down, Some(ErrorClass::Condition), Some(200)),
        "{r:?}"
    );
    let e = r.error.unwrap();
    for want in [
        r#"[BODY] ({"latest": 42}) matches /"latest":\s*"x"/"#,
        r#"[BODY] ({"latest": 42}) contains "oldest""#,
        r#"[BODY]/latest (42) == "41""#,
        r#"[BODY]/missing (missing) == "1""#,
    ] {
        assert!(e.contains(want), "{want} not in {e}");
    }
    // Not JSON at all: the parse error is the value.
    let text = Probe::from_monitor(&monitor(&format!(
        "url = \"http://127.0.0.1:{p}/\"\njson = {{ \"/latest\" = \"42\" }}"
    )))
    .unwrap();
    let e = text.run(&net).await.error.unwrap();
    assert!(e.starts_with("[BODY] is JSON ("), "{e}");
}

/// A server that accepts connections and never answers: the probe gives up at its timeout and
/// records the failure as a timeout (not refused, not an error of the prober).
#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let server = {
        let accepted = accepted.clone();
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((conn, _)) = listener.accept().await {
                accepted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                held.push(conn); // keep it open, say nothing
            }
        })
    };
    let net = net();
    let m = monitor(&format!(
        "url = \"http://127.0.0.1:{port}/slow\"\ninterval = \"5s\"\ntimeout = \"300ms\""
    ));
    let probe = Probe::from_monitor(&m).unwrap();
    let r = probe.run(&net).await;
    assert_eq!(r.outcome, Outcome::Down, "{r:?}");
    assert_eq!(r.error_class, Some(ErrorClass::Timeout), "{r:?}");
    assert_eq!(ErrorClass::Timeout.as_str(), "timeout");
    assert!(r.error.as_deref().unwrap().contains("timed out"), "{r:?}");
    assert_eq!(r.status, None);
    // It waited (at least) the configured timeout; no upper bound on a shared machine.
    assert!(r.phases.total_ms.unwrap() >= 300.0 - 1.0, "{r:?}");
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 1);

    // Through the monitor loop: the stored observation says timeout.
    let spec = rampart_sla::monitor::MonitorSpec::from_section(&m).unwrap();
    let (_stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let dir = tempfile::tempdir().unwrap();
    let store =
        rampart_store::Store::open(&format!("sqlite://{}", dir.path().join("t.db").display()))
            .await
            .unwrap();
    let summary = rampart_sla::monitor::run(
        net,
        vec![spec],
        rampart_sla::monitor::RunOptions {
            duration: Some(std::time::Duration::from_millis(500)),
            ..Default::default()
        },
        Some(store.clone()),
        std::sync::Arc::new(rampart_sla::monitor::Live::default()),
        None,
        stop_rx,
    )
    .await;
    assert_eq!(summary.probes, 1, "{summary:?}");
    let obs = store.observations(&Default::default()).await.unwrap();
    assert_eq!(obs.len(), 1);
    assert_eq!(
        obs[0].error_class,
        Some(ErrorClass::Timeout),
        "{:?}",
        obs[0]
    );
    assert_eq!(obs[0].outcome, Outcome::Down);
    server.abort();
}

#[tokio::test]
async fn tls_monitor_reads_days_left() {
    if !common::have_tool("openssl", "version", "openssl") {
        return;
    }
    let certs = tempfile::tempdir().unwrap();
    let d = certs.path();
    let ok = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "30",
            "-subj",
            "/CN=127.0.0.1",
        ])
        .arg("-keyout")
        .arg(d.join("key.pem"))
        .arg("-out")
        .arg(d.join("cert.pem"))
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let tls_port = common::free_port();
    let server = format!(
        "server {{ listen 127.0.0.1:{tls_port} ssl; ssl_certificate {c}; ssl_certificate_key {k}; location / {{ return 200 \"ok\"; }} }}",
        c = d.join("cert.pem").display(),
        k = d.join("key.pem").display()
    );
    let Some(_nginx) = common::Nginx::start_with(&server) else {
        return;
    };
    let net = net();
    let fresh = Probe::from_monitor(&monitor(&format!(
        "kind = \"tls\"\ntarget = \"127.0.0.1:{tls_port}\"\ninsecure = true\nmin_days_left = 14"
    )))
    .unwrap();
    let r = fresh.run(&net).await;
    assert_eq!(r.outcome, Outcome::Up, "{r:?}");
    assert!(r.phases.tls_ms.is_some());
    let strict = Probe::from_monitor(&monitor(&format!(
        "kind = \"tls\"\ntarget = \"127.0.0.1:{tls_port}\"\ninsecure = true\nmin_days_left = 60"
    )))
    .unwrap();
    let r = strict.run(&net).await;
    assert_eq!(r.outcome, Outcome::Down);
    // The text names the certificate's end date, the same on every probe; the days left (which
    // change with the time of the probe) are in the detail.
    let e = r.error.clone().unwrap();
    assert!(
        e.starts_with("[CERTIFICATE_EXPIRATION] (until ") && e.ends_with(") >= 60 days"),
        "{e}"
    );
    let detail = r.detail.clone().unwrap();
    let days: f64 = detail
        .strip_suffix(" days left")
        .and_then(|d| d.parse().ok())
        .unwrap_or_else(|| panic!("{detail}"));
    assert!(
        (29.0..=30.0).contains(&days),
        "a 30-day certificate: {detail}"
    );
    assert_eq!(strict.run(&net).await.error, r.error, "one fault, one text");
    // Verification on: a self-signed certificate fails the handshake.
    let verified = Probe::from_monitor(&monitor(&format!(
        "kind = \"tls\"\ntarget = \"127.0.0.1:{tls_port}\""
    )))
    .unwrap();
    let r = verified.run(&net).await;
    assert_eq!(r.error_class, Some(ErrorClass::Tls));
    assert_eq!(
        r.error.as_deref(),
        Some(format!("TLS handshake with 127.0.0.1:{tls_port}: certificate rejected").as_str()),
        "{r:?}"
    );
    // HTTPS with phases.
    let https = Probe::from_monitor(&monitor(&format!(
        "url = \"https://127.0.0.1:{tls_port}/\"\ninsecure = true"
    )))
    .unwrap();
    let r = https.run(&net).await;
    assert_eq!(r.outcome, Outcome::Up, "{r:?}");
    assert!(r.phases.tls_ms.is_some());
}
