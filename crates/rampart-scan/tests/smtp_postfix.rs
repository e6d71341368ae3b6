//! Debian's Postfix on 127.0.0.1: configured as an open relay without STARTTLS → both found;
//! configured properly (loopback not trusted, STARTTLS with a certificate) → no finding.
//! Only envelope commands are sent; no message. And with Cyrus SASL on and no TLS, AUTH is
//! offered in clear text → RA-SMTP-AUTH-PLAINTEXT.
mod common;

use common::*;
use rampart_scan::{scan_smtp, SmtpOptions};
use std::path::Path;
use std::process::Command;

const MASTER: &str = "/usr/lib/postfix/sbin/master";

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// Relays for everyone, no STARTTLS.
    OpenRelay,
    /// Loopback not trusted, STARTTLS with a certificate, AUTH only after TLS.
    Proper,
    /// No relay, but SASL AUTH offered on the plain connection (and no TLS at all).
    AuthBeforeTls,
}

/// A private Postfix instance: its own config and queue folders, `master -d` in the foreground.
fn start_postfix(d: &Path, port: u16, mode: Mode) -> Proc {
    let q = d.join("queue");
    for sub in [
        "incoming", "active", "deferred", "corrupt", "hold", "bounce", "defer", "trace", "flush",
        "saved", "pid", "private", "public", "maildrop",
    ] {
        std::fs::create_dir_all(q.join(sub)).unwrap();
    }
    std::fs::create_dir_all(d.join("conf")).unwrap();
    std::fs::create_dir_all(d.join("data")).unwrap();
    let chown = |args: &[&str]| {
        assert!(Command::new("chown").args(args).status().unwrap().success());
    };
    chown(&[
        "-R",
        "postfix:postfix",
        &q.display().to_string(),
        &d.join("data").display().to_string(),
    ]);
    chown(&[
        "root",
        &q.display().to_string(),
        &q.join("pid").display().to_string(),
    ]);
    let mut main = format!(
        "compatibility_level = 3.6\nqueue_directory = {q}\ndata_directory = {data}\nmail_owner = postfix\n\
         inet_interfaces = 127.0.0.1\ninet_protocols = ipv4\nmyhostname = rampart-test.localdomain\n\
         mydestination =\nalias_maps =\nalias_database =\nlocal_recipient_maps =\nsmtputf8_enable = no\n\
         maillog_file = /dev/stdout\n",
        q = q.display(),
        data = d.join("data").display()
    );
    if mode == Mode::Proper {
        let key = d.join("smtp.key");
        let cert = d.join("smtp.pem");
        assert!(Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "30",
                "-subj",
                "/CN=localhost"
            ])
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .output()
            .unwrap()
            .status
            .success());
        main.push_str(&format!(
            "mynetworks = 192.0.2.1/32\nsmtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination\n\
             smtpd_tls_cert_file = {}\nsmtpd_tls_key_file = {}\nsmtpd_tls_security_level = may\nsmtpd_tls_auth_only = yes\n",
            cert.display(),
            key.display()
        ));
    } else if mode == Mode::AuthBeforeTls {
        let sasl = d.join("sasl");
        std::fs::create_dir_all(&sasl).unwrap();
        std::fs::write(
            sasl.join("smtpd.conf"),
            format!(
                "pwcheck_method: auxprop\nauxprop_plugin: sasldb\nmech_list: PLAIN LOGIN\nsasldb_path: {}\n",
                d.join("sasldb2").display()
            ),
        )
        .unwrap();
        main.push_str(&format!(
            "mynetworks = 192.0.2.1/32\nsmtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination\n\
             smtpd_tls_security_level = none\nsmtpd_sasl_auth_enable = yes\nsmtpd_sasl_type = cyrus\n\
             smtpd_sasl_path = smtpd\ncyrus_sasl_config_path = {}\n",
            sasl.display()
        ));
    } else {
        main.push_str("mynetworks = 0.0.0.0/0\nsmtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination\nsmtpd_tls_security_level = none\n");
    }
    std::fs::write(d.join("conf/main.cf"), main).unwrap();
    std::fs::write(
        d.join("conf/master.cf"),
        format!(
            "127.0.0.1:{port} inet n - n - - smtpd\ncleanup unix n - n - 0 cleanup\n\
             rewrite unix - - n - - trivial-rewrite\nanvil unix - - n - 1 anvil\n\
             proxymap unix - - n - - proxymap\ntlsmgr unix - - n 1000? 1 tlsmgr\nscache unix - - n - 1 scache\n"
        ),
    )
    .unwrap();
    let log = std::fs::File::create(d.join("postfix.log")).unwrap();
    let p = Proc(
        group_leader(&mut Command::new(MASTER))
            .args(["-c", &d.join("conf").display().to_string(), "-d"])
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap(),
    );
    assert!(
        wait_port(port, std::time::Duration::from_secs(30)),
        "postfix did not start: {}",
        std::fs::read_to_string(d.join("postfix.log")).unwrap_or_default()
    );
    p
}

#[test]
fn open_relay_without_starttls_is_found_and_proper_config_is_clean() {
    if !have(MASTER) || !have("openssl") {
        skip("postfix not installed");
        return;
    }
    if !is_root() {
        skip("postfix's master needs root");
        return;
    }
    let (open_dir, proper_dir) = (tempdir(), tempdir());
    let (p_open, p_proper) = (free_port(), free_port());
    let _open = start_postfix(open_dir.path(), p_open, Mode::OpenRelay);
    let _proper = start_postfix(proper_dir.path(), p_proper, Mode::Proper);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let net = loopback_net();
    let r = rt
        .block_on(scan_smtp(
            &net,
            &format!("127.0.0.1:{p_open}"),
            &SmtpOptions::default(),
        ))
        .expect("scan open relay");
    println!("{}", serde_json::to_string_pretty(&r).unwrap());
    assert!(
        r.banner.contains("ESMTP") || r.banner.contains("Postfix"),
        "{}",
        r.banner
    );
    assert_eq!(r.open_relay, Some(true));
    assert!(!r.starttls_offered);
    let rules: Vec<&str> = r.findings.iter().map(|f| f.rule.as_str()).collect();
    assert!(
        rules.contains(&"RA-SMTP-OPEN-RELAY") && rules.contains(&"RA-SMTP-NO-STARTTLS"),
        "{rules:?}"
    );

    let r = rt
        .block_on(scan_smtp(
            &net,
            &format!("127.0.0.1:{p_proper}"),
            &SmtpOptions::default(),
        ))
        .expect("scan proper");
    println!("{}", serde_json::to_string_pretty(&r).unwrap());
    assert_eq!(r.open_relay, Some(false));
    assert!(r.starttls_offered);
    assert_eq!(r.starttls_works, Some(true));
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    // Nothing was queued: no DATA was ever sent.
    let queued = std::fs::read_dir(open_dir.path().join("queue/incoming"))
        .unwrap()
        .count()
        + std::fs::read_dir(open_dir.path().join("queue/active"))
            .unwrap()
            .count();
    assert_eq!(queued, 0);
}

#[test]
fn auth_offered_before_tls_is_found() {
    if !have(MASTER) {
        skip("postfix not installed");
        return;
    }
    if !is_root() {
        skip("postfix's master needs root");
        return;
    }
    let dir = tempdir();
    let port = free_port();
    let _postfix = start_postfix(dir.path(), port, Mode::AuthBeforeTls);
    let r = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(scan_smtp(
            &loopback_net(),
            &format!("127.0.0.1:{port}"),
            &SmtpOptions::default(),
        ))
        .expect("scan");
    println!("{}", serde_json::to_string_pretty(&r).unwrap());
    assert!(
        r.auth_before_tls
            .iter()
            .any(|m| m == "PLAIN" || m == "LOGIN"),
        "{:?}",
        r.auth_before_tls
    );
    assert_eq!(r.open_relay, Some(false));
    let rules: Vec<&str> = r.findings.iter().map(|f| f.rule.as_str()).collect();
    assert!(rules.contains(&"RA-SMTP-AUTH-PLAINTEXT"), "{rules:?}");
    assert!(!rules.contains(&"RA-SMTP-OPEN-RELAY"), "{rules:?}");
}
