//! nginx with an expired RSA-1024/SHA-1 certificate and TLS 1.0 enabled → those are found; nginx
//! with a correct certificate (from a CA the test makes and passes as trusted), TLS 1.2/1.3 and
//! HSTS → no finding at all.
mod common;

use common::*;
use rampart_scan::{scan_tls, TlsOptions};
use std::path::Path;
use std::process::Command;

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA, a good leaf (RSA-2048, SHA-256, a year, SAN 127.0.0.1) and a bad one (RSA-1024, SHA-1,
/// valid 2020-2021: `openssl ca` can back-date, `req`/`x509` cannot).
fn make_certs(d: &Path) {
    std::fs::write(
        d.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n",
    )
    .unwrap();
    make_ca(d);
    make_leaf(d, "good", "localhost", "ext.cnf");
    openssl(
        d,
        &[
            "req",
            "-newkey",
            "rsa:1024",
            "-nodes",
            "-keyout",
            "bad.key",
            "-out",
            "bad.csr",
            "-subj",
            "/CN=localhost",
        ],
    );
    std::fs::create_dir_all(d.join("newcerts")).unwrap();
    std::fs::write(d.join("index.txt"), "").unwrap();
    std::fs::write(d.join("serial"), "1000\n").unwrap();
    std::fs::write(
        d.join("ca.cnf"),
        format!(
            "[ca]\ndefault_ca = c\n[c]\ndir = {d}\ndatabase = {d}/index.txt\nnew_certs_dir = {d}/newcerts\n\
             serial = {d}/serial\npolicy = p\ndefault_md = sha1\n[p]\ncommonName = supplied\n",
            d = d.display()
        ),
    )
    .unwrap();
    openssl(
        d,
        &[
            "ca",
            "-batch",
            "-config",
            "ca.cnf",
            "-cert",
            "ca.pem",
            "-keyfile",
            "ca.key",
            "-in",
            "bad.csr",
            "-out",
            "bad.pem",
            "-startdate",
            "20200101000000Z",
            "-enddate",
            "20210101000000Z",
            "-md",
            "sha1",
            "-extfile",
            "ext.cnf",
            "-notext",
        ],
    );
}

#[test]
fn bad_tls_is_found_and_good_tls_is_clean() {
    if !have("nginx") || !have("openssl") {
        skip("nginx or openssl not installed");
        return;
    }
    let dir = tempdir();
    let d = dir.path();
    make_certs(d);
    let (bad, good) = (free_port(), free_port());
    let conf = nginx_conf(
        d,
        &format!(
            "  server {{ listen 127.0.0.1:{bad} ssl; ssl_certificate {d}/bad.pem; ssl_certificate_key {d}/bad.key;\n    \
             ssl_protocols TLSv1 TLSv1.1 TLSv1.2; ssl_ciphers \"ALL:@SECLEVEL=0\"; location / {{ return 200 'bad'; }} }}\n  \
             server {{ listen 127.0.0.1:{good} ssl; ssl_certificate {d}/good.pem; ssl_certificate_key {d}/good.key;\n    \
             ssl_protocols TLSv1.2 TLSv1.3; add_header Strict-Transport-Security \"max-age=31536000\" always;\n    \
             location / {{ return 200 'good'; }} }}",
            d = d.display()
        ),
    );
    let _ = Command::new("chmod")
        .args(["-R", "a+rX", &d.display().to_string()])
        .status();
    let _nginx = start_nginx(&conf, d);
    assert!(
        wait_port(good, std::time::Duration::from_secs(30)),
        "nginx did not start: {}",
        std::fs::read_to_string(d.join("nginx.out")).unwrap_or_default()
    );
    let ca =
        rampart_scan::tls::pem::certificates(&std::fs::read_to_string(d.join("ca.pem")).unwrap())
            .remove(0);
    let opts = TlsOptions {
        extra_roots: vec![ca],
        ..Default::default()
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let net = loopback_net();
    let r = rt
        .block_on(scan_tls(&net, &format!("127.0.0.1:{bad}"), &opts))
        .expect("scan bad");
    println!("{}", serde_json::to_string_pretty(&r).unwrap());
    let rules: Vec<&str> = r.findings.iter().map(|f| f.rule.as_str()).collect();
    for want in [
        "RA-TLS-EXPIRED",
        "RA-TLS-OLD-PROTOCOL",
        "RA-TLS-WEAK-KEY",
        "RA-TLS-WEAK-SIGNATURE",
        "RA-TLS-HSTS-MISSING",
    ] {
        assert!(rules.contains(&want), "{want} missing from {rules:?}");
    }
    assert!(!rules.contains(&"RA-TLS-HOSTNAME"));
    let tls10 = r.protocols.iter().find(|p| p.version == "TLSv1.0").unwrap();
    assert_eq!(tls10.accepted, Some(true));
    assert!(r.days_left.unwrap() < 0);

    let r = rt
        .block_on(scan_tls(&net, &format!("127.0.0.1:{good}"), &opts))
        .expect("scan good");
    println!("{}", serde_json::to_string_pretty(&r).unwrap());
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    assert!(r.trusted && r.hostname_match);
    assert_eq!(r.chain[0].key_bits, 2048);
    assert!(r.days_left.unwrap() > 300);
    let accepted: Vec<&str> = r
        .protocols
        .iter()
        .filter(|p| p.accepted == Some(true))
        .map(|p| p.version.as_str())
        .collect();
    assert_eq!(accepted, vec!["TLSv1.2", "TLSv1.3"]);
}

/// A CA and a leaf certificate for `other.example` only (RSA-2048, SHA-256, a year).
fn make_other_name_cert(d: &Path) {
    std::fs::write(d.join("other.cnf"), "subjectAltName=DNS:other.example\n").unwrap();
    make_ca(d);
    make_leaf(d, "other", "other.example", "other.cnf");
}

/// A self-signed test CA: `ca.key`, `ca.pem`.
fn make_ca(d: &Path) {
    openssl(
        d,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "3650",
            "-subj",
            "/CN=rampart test CA",
            "-sha256",
        ],
    );
}

/// A leaf `NAME.key`/`NAME.pem` signed by the test CA: RSA-2048, SHA-256, a year, the
/// subjectAltName of `ext`.
fn make_leaf(d: &Path, name: &str, cn: &str, ext: &str) {
    let (key, csr, pem, subj) = (
        format!("{name}.key"),
        format!("{name}.csr"),
        format!("{name}.pem"),
        format!("/CN={cn}"),
    );
    openssl(
        d,
        &[
            "req", "-newkey", "rsa:2048", "-nodes", "-keyout", &key, "-out", &csr, "-subj", &subj,
        ],
    );
    openssl(
        d,
        &[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            &pem,
            "-days",
            "365",
            "-sha256",
            "-extfile",
            ext,
        ],
    );
}

#[test]
fn certificate_for_another_name_is_a_hostname_finding() {
    if !have("nginx") || !have("openssl") {
        skip("nginx or openssl not installed");
        return;
    }
    let dir = tempdir();
    let d = dir.path();
    make_other_name_cert(d);
    let port = free_port();
    let conf = nginx_conf(
        d,
        &format!(
            "  server {{ listen 127.0.0.1:{port} ssl; ssl_certificate {d}/other.pem; ssl_certificate_key {d}/other.key;\n    \
             ssl_protocols TLSv1.2 TLSv1.3; add_header Strict-Transport-Security \"max-age=31536000\" always;\n    \
             location / {{ return 200 'other'; }} }}",
            d = d.display()
        ),
    );
    let _ = Command::new("chmod")
        .args(["-R", "a+rX", &d.display().to_string()])
        .status();
    let _nginx = start_nginx(&conf, d);
    assert!(
        wait_port(port, std::time::Duration::from_secs(30)),
        "nginx did not start: {}",
        std::fs::read_to_string(d.join("nginx.out")).unwrap_or_default()
    );
    let ca =
        rampart_scan::tls::pem::certificates(&std::fs::read_to_string(d.join("ca.pem")).unwrap())
            .remove(0);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let net = loopback_net();
    let target = format!("127.0.0.1:{port}");
    // Reached as 127.0.0.1: the certificate names only other.example.
    let opts = TlsOptions {
        extra_roots: vec![ca.clone()],
        ..Default::default()
    };
    let r = rt.block_on(scan_tls(&net, &target, &opts)).expect("scan");
    println!("{}", serde_json::to_string_pretty(&r).unwrap());
    let rules: Vec<&str> = r.findings.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(rules, vec!["RA-TLS-HOSTNAME"], "{:?}", r.findings);
    assert!(!r.hostname_match);
    assert!(r.trusted, "the chain itself is fine: {:?}", r.trust_error);
    assert!(
        r.findings[0].title.contains("other.example"),
        "{}",
        r.findings[0].title
    );
    // Asked for by the name it was issued for, the same server is clean.
    let opts = TlsOptions {
        server_name: Some("other.example".into()),
        extra_roots: vec![ca],
        ..Default::default()
    };
    let r = rt.block_on(scan_tls(&net, &target, &opts)).expect("scan");
    assert!(r.hostname_match);
    assert!(r.findings.is_empty(), "{:?}", r.findings);
}
