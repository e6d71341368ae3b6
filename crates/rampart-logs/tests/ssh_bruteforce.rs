//! The real OpenSSH sample from loghub (third-party, read from ../shared, skipped when absent):
//! the brute-forcing sources are found, the attack/person call is made per source.

use rampart_logs::{analyze, Verdict};
use std::path::Path;

/// The sample in the nearest `shared/fixtures/logs` above the crate (`../shared` of the
/// checkout, however deep the worktree sits).
fn shared_log() -> String {
    let rel = "shared/fixtures/logs/OpenSSH_2k.log";
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|a| a.join(rel))
        .find(|p| p.exists())
        .map_or_else(
            || "../shared/fixtures/logs/OpenSSH_2k.log".to_string(),
            |p| p.display().to_string(),
        )
}

#[test]
fn openssh_sample_brute_forcers_are_found() {
    let log = shared_log();
    if !Path::new(&log).exists() {
        eprintln!("SKIP: {log} not present (third-party fixture lives in ../shared)");
        return;
    }
    let cfg = serde_json::from_str("{}").unwrap();
    let report = analyze(&[&log], &cfg).unwrap();
    assert_eq!(report.sources[0].format, "sshd");
    assert_eq!(report.sources[0].malformed, 0);
    let ssh: Vec<_> = report
        .incidents
        .iter()
        .filter(|i| i.kind_str() == "ssh_brute_force")
        .collect();
    // Sources that brute-force at the same time are one episode: every source is listed.
    let sources: Vec<&str> = ssh
        .iter()
        .flat_map(|i| i.clients.iter().map(String::as_str))
        .collect();
    // The heaviest brute-forcers in the sample (counted with grep: 286, 80, 46, 26, 17, 17
    // failed passwords).
    for ip in [
        "183.62.140.253",
        "187.141.143.180",
        "103.99.0.122",
        "112.95.230.3",
        "5.188.10.180",
        "185.190.58.151",
    ] {
        assert!(sources.contains(&ip), "{ip} not found in {sources:?}");
    }
    let top = ssh
        .iter()
        .find(|i| i.clients.iter().any(|c| c == "183.62.140.253"))
        .unwrap();
    // The episode's explanation gives the whole first (the count the incident shows), each
    // source's share, then the largest source's own 286 failures.
    assert!(
        top.why
            .starts_with(&format!("{} in all from 2 client(s)", top.count)),
        "{}",
        top.why
    );
    assert!(
        top.why
            .contains("by client: 183.62.140.253 286, 103.99.0.122 16"),
        "{}",
        top.why
    );
    assert!(
        top.why
            .contains("the largest, from 183.62.140.253: 286 failed SSH logins"),
        "{}",
        top.why
    );
    assert!(top.count >= 286);
    assert_eq!(top.verdict, Verdict::Attack);
    assert!(top.users.len() >= 5, "{:?}", top.users);
    assert!(top.evidence.iter().all(|e| e.text.contains("sshd[")));
    // Many usernames from one source is called an attack, and says why.
    let many = ssh
        .iter()
        .find(|i| i.clients.iter().any(|c| c == "187.141.143.180"))
        .unwrap();
    assert!(many.why.contains("distinct usernames"), "{}", many.why);
    // Failed SSH logins name the user: coverage says so.
    let c = report
        .coverage
        .iter()
        .find(|c| c.id == "auth-failure-user")
        .unwrap();
    assert_eq!(c.answer, rampart_logs::Answer::Yes);
}
