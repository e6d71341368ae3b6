//! Debian's sshd with PasswordAuthentication yes → RA-SSH-PASSWORD; with no (and modern
//! algorithms only) → no finding at all. Methods are asked with a "none" request: no guessing.
mod common;

use common::*;
use rampart_scan::{scan_ssh, SshOptions};
use std::path::Path;

fn start_sshd(dir: &Path, password: bool, modern_only: bool) -> (Proc, u16) {
    let key = dir.join(format!("hostkey-{password}"));
    let _ = std::fs::remove_file(&key);
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
    let port = free_port();
    let mut conf = format!(
        "ListenAddress 127.0.0.1\nPort {port}\nHostKey {}\nPidFile {}/sshd-{password}.pid\nUsePAM no\n\
         KbdInteractiveAuthentication no\nPasswordAuthentication {}\n",
        key.display(),
        dir.display(),
        if password { "yes" } else { "no" }
    );
    if modern_only {
        conf.push_str(
            "KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org\n\
             Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com\n\
             MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com\n",
        );
    }
    let path = dir.join(format!("sshd_config-{password}"));
    std::fs::write(&path, conf).unwrap();
    let out = std::fs::File::create(dir.join(format!("sshd-{password}.log"))).unwrap();
    let child = group_leader(&mut std::process::Command::new("/usr/sbin/sshd"))
        .args(["-D", "-e", "-f", &path.display().to_string()])
        .stdout(out.try_clone().unwrap())
        .stderr(out)
        .spawn()
        .unwrap();
    let p = Proc(child);
    assert!(
        wait_port(port, std::time::Duration::from_secs(30)),
        "sshd did not start"
    );
    (p, port)
}

#[test]
fn password_auth_is_a_finding_and_key_only_is_not() {
    if !have("/usr/sbin/sshd") || !have("ssh-keygen") {
        skip("openssh-server not installed");
        return;
    }
    if !is_root() {
        skip("sshd needs root to start");
        return;
    }
    let dir = tempdir();
    let (_yes, port_yes) = start_sshd(dir.path(), true, false);
    let (_no, port_no) = start_sshd(dir.path(), false, true);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let net = loopback_net();
    let yes = rt
        .block_on(scan_ssh(
            &net,
            &format!("127.0.0.1:{port_yes}"),
            &SshOptions::default(),
        ))
        .expect("scan");
    println!("{}", serde_json::to_string_pretty(&yes).unwrap());
    assert!(yes.banner.starts_with("SSH-2.0-OpenSSH"));
    assert_eq!(
        yes.auth_methods.as_deref(),
        Some(&["publickey".to_string(), "password".to_string()][..])
    );
    assert!(yes.findings.iter().any(|f| f.rule == "RA-SSH-PASSWORD"));

    let no = rt
        .block_on(scan_ssh(
            &net,
            &format!("127.0.0.1:{port_no}"),
            &SshOptions::default(),
        ))
        .expect("scan");
    println!("{}", serde_json::to_string_pretty(&no).unwrap());
    assert_eq!(
        no.auth_methods.as_deref(),
        Some(&["publickey".to_string()][..])
    );
    assert!(no.findings.is_empty(), "{:?}", no.findings);

    // Debian's default algorithm set still offers SHA-1 MACs: a low finding on the first server.
    assert!(yes.findings.iter().any(|f| f.rule == "RA-SSH-WEAK-MAC"));
}
