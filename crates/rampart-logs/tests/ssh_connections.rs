//! sshd writes several lines for one try and sometimes none that says "failed": a try is
//! counted once per connection (sshd's process id), whatever mix of lines it left, and a
//! connection that only connected is no try.

mod common;

use common::Log;

/// `Mmm dd hh:mm:ss` for second `t` of 2024-03-01.
fn at(t: i64) -> String {
    format!("Mar  1 10:{:02}:{:02}", t / 60, t % 60)
}

fn line(log: &mut Log, t: i64, prog: &str, pid: u64, msg: &str) {
    log.raw(t, format!("{} web {prog}[{pid}]: {msg}", at(t)));
}

fn brute_forces(log: &Log) -> Vec<(Vec<String>, u64)> {
    let a = log.analyze();
    a.of_kind("ssh_brute_force")
        .into_iter()
        .map(|i| (i.clients.clone(), i.count))
        .collect()
}

#[test]
fn a_password_try_counts_once_however_many_lines_it_wrote() {
    let mut log = Log::default();
    for k in 0..6u64 {
        let (t, pid, port) = (k as i64 * 20, 4000 + k, 50000 + k);
        let h = "203.0.113.7";
        line(
            &mut log,
            t,
            "sshd",
            pid,
            &format!("Invalid user admin from {h} port {port}"),
        );
        line(
            &mut log,
            t + 1,
            "sshd",
            pid,
            "input_userauth_request: invalid user admin [preauth]",
        );
        line(&mut log, t + 2, "sshd", pid, &format!("pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={h}"));
        line(
            &mut log,
            t + 3,
            "sshd",
            pid,
            &format!("Failed password for invalid user admin from {h} port {port} ssh2"),
        );
        line(
            &mut log,
            t + 4,
            "sshd",
            pid,
            &format!("Connection closed by invalid user admin {h} port {port} [preauth]"),
        );
    }
    assert_eq!(
        brute_forces(&log),
        vec![(vec!["203.0.113.7".to_string()], 6)]
    );
}

#[test]
fn a_key_only_server_still_shows_the_guessing() {
    // OpenSSH 9.8+ (`sshd-session`): bots offered no key the server takes and left.
    let mut log = Log::default();
    for k in 0..6u64 {
        line(
            &mut log,
            k as i64 * 15,
            "sshd-session",
            7000 + k,
            &format!(
                "Connection closed by authenticating user root 198.51.100.4 port {} [preauth]",
                40000 + k
            ),
        );
    }
    // An older sshd, an account refused without an address: the connection's last line gives it.
    for k in 0..6u64 {
        let (t, pid) = (1800 + k as i64 * 15, 8000 + k);
        line(
            &mut log,
            t,
            "sshd",
            pid,
            "User root not allowed because account is locked",
        );
        line(
            &mut log,
            t + 1,
            "sshd",
            pid,
            "Received disconnect from 192.0.2.66 port 51000:11: Bye Bye [preauth]",
        );
    }
    let mut found = brute_forces(&log);
    found.sort();
    assert_eq!(
        found,
        vec![
            (vec!["192.0.2.66".to_string()], 6),
            (vec!["198.51.100.4".to_string()], 6)
        ]
    );
}

#[test]
fn connecting_and_trying_ones_own_keys_is_no_attack() {
    let mut log = Log::default();
    for k in 0..10u64 {
        let (t, pid) = (k as i64 * 10, 9000 + k);
        // A scanner that only connects.
        line(
            &mut log,
            t,
            "sshd",
            pid,
            &format!(
                "Connection closed by 192.0.2.200 port {} [preauth]",
                30000 + k
            ),
        );
        line(
            &mut log,
            t,
            "sshd",
            pid + 100,
            "Received disconnect from 192.0.2.201 port 3000:11: Bye Bye [preauth]",
        );
        // A person whose agent holds several keys: the third is the right one.
        for key in ["RSA SHA256:aaaa", "ED25519 SHA256:bbbb"] {
            line(
                &mut log,
                t + 1,
                "sshd",
                pid + 200,
                &format!("Failed publickey for alice from 192.0.2.50 port 6000{k} ssh2: {key}"),
            );
        }
        line(
            &mut log,
            t + 2,
            "sshd",
            pid + 200,
            &format!(
                "Accepted publickey for alice from 192.0.2.50 port 6000{k} ssh2: ECDSA SHA256:cccc"
            ),
        );
    }
    assert_eq!(brute_forces(&log), vec![]);
}

#[test]
fn journal_and_rfc5424_headers_are_recognised_without_a_format() {
    // rsyslog's RFC 3339 timestamps with OpenSSH 9.8's `sshd-session`, and RFC 5424.
    let mut log = Log::default();
    for k in 0..6i64 {
        log.raw(k, format!(
            "2024-03-01T10:00:{k:02}.123456+01:00 web sshd-session[{}]: Failed password for root from 192.0.2.70 port {} ssh2",
            600 + k, 41000 + k
        ));
    }
    for k in 0..6i64 {
        log.raw(100 + k, format!(
            "<38>1 2024-03-01T10:01:{k:02}.5+01:00 web sshd {} - - Failed password for invalid user a{k} from 192.0.2.71 port {} ssh2",
            700 + k, 42000 + k
        ));
    }
    let a = log.analyze();
    assert_eq!(a.report.sources[0].format, "sshd");
    assert_eq!(a.report.sources[0].malformed, 0);
    let mut found: Vec<_> = a
        .of_kind("ssh_brute_force")
        .into_iter()
        .flat_map(|i| i.clients.clone())
        .collect();
    found.sort();
    assert_eq!(found, vec!["192.0.2.70", "192.0.2.71"], "{}", a.dump());
}

/// Old Linux (PAM speaking as `sshd(pam_unix)`): PAM's failure line is often all the log says
/// about a try, and names no user for an account that does not exist. Twelve such tries in a
/// minute are a brute force, and with no username at all they cannot make "a person" either.
/// When sshd also writes `Failed password` for the same connection, that is the same try.
#[test]
fn old_pam_failure_lines_are_tries_counted_once() {
    let mut log = Log::default();
    for k in 0..12u64 {
        let t = k as i64 * 5;
        let pid = 19000 + k;
        line(
            &mut log,
            t,
            "sshd(pam_unix)",
            pid,
            "check pass; user unknown",
        );
        line(
            &mut log,
            t,
            "sshd(pam_unix)",
            pid,
            "authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=bot.example.net ",
        );
        if k % 2 == 0 {
            line(
                &mut log,
                t + 1,
                "sshd",
                pid,
                &format!(
                    "Failed password for illegal user u{k} from 198.51.100.4 port 4{k:04} ssh2"
                ),
            );
        }
    }
    // A pause of a minute, then six more from the same host: one episode, eighteen tries.
    for k in 0..6u64 {
        let t = 120 + k as i64 * 5;
        line(
            &mut log,
            t,
            "sshd(pam_unix)",
            30000 + k,
            "authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=bot.example.net  user=root",
        );
    }
    let a = log.analyze();
    let ssh = a.of_kind("ssh_brute_force");
    assert_eq!(ssh.len(), 1, "{}", a.dump());
    let i = ssh[0];
    assert_eq!(i.clients, vec!["bot.example.net".to_string()]);
    assert_eq!(i.count, 18, "one try per connection: {}", i.why);
    assert_ne!(i.verdict, rampart_logs::Verdict::Person, "{}", i.why);
    // The coverage counts the same tries.
    let c = a
        .report
        .coverage
        .iter()
        .find(|c| c.id == "auth-failure-user")
        .unwrap();
    assert!(c.detail.contains("18"), "{}", c.detail);
}
