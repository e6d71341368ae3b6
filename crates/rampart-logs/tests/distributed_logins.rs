//! Brute force and credential stuffing spread over MANY clients, each of which stays under
//! the per-client bucket: found per login path and per username, with the attack's window —
//! and the background's ordinary failed logins raise nothing.

mod common;
use common::*;
use rampart_logs::Verdict;
use std::fmt::Write;

#[test]
fn many_clients_on_the_login_path_without_usernames_is_a_brute_force() {
    let mut log = Log::default();
    // 40 visitors who each fail a login about once an hour (the form again, 200).
    ordinary(&mut log, 120);
    // 150 addresses, two tries each, one try a second over five minutes.
    let start = BASE + 3600;
    for c in 0..150i64 {
        let ip = format!("203.0.113.{}", c + 1);
        for j in 0..2 {
            log.req(start + c * 2 + j, &ip, "POST /login", 200, 1834, "-");
        }
    }
    let a = log.analyze();
    let i = a.only();
    assert_eq!(i.kind_str(), "brute_force", "{}", a.dump());
    assert_eq!(i.paths, vec!["/login".to_string()]);
    // The window is the attack's (the background's failures an hour earlier are not in it).
    assert_eq!((i.from_ts, i.to_ts), (start, start + 299), "{}", a.dump());
    // 300 tries, and the 4 ordinary failures that fell inside the attack.
    assert_eq!(i.count, 304);
    assert!(i.why.contains("from 154 clients"), "{}", i.why);
    assert!(i.why.contains("no client more than 2"), "{}", i.why);
    assert_eq!(i.verdict, Verdict::Attack);
    // Every attacking address (JSON lists them all), not the visitors whose odd failure fell
    // inside the window.
    assert_eq!(i.clients.len(), 150);
    assert!(
        i.clients.iter().all(|c| c.starts_with("203.0.113.")),
        "{:?}",
        i.clients
    );
    assert!(i.users.is_empty());
    a.assert_evidence_is_real(i);
}

fn iso(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .unwrap()
        .to_rfc3339()
}

fn json_login(s: &mut String, ts: i64, ip: &str, user: &str, ok: bool) {
    let _ = writeln!(
        s,
        r#"{{"time":"{}","ip":"{ip}","method":"POST","path":"/login","status":{},"user":"{user}","event":"{}"}}"#,
        iso(ts),
        if ok { 302 } else { 401 },
        if ok {
            "authn_login_success"
        } else {
            "authn_login_fail"
        }
    );
}

#[test]
fn credential_stuffing_across_many_clients_and_one_account_from_many() {
    let t0 = BASE;
    let mut lines: Vec<(i64, String)> = Vec::new();
    let mut push = |ts: i64, ip: &str, user: &str, ok: bool| {
        let mut s = String::new();
        json_login(&mut s, ts, ip, user, ok);
        lines.push((ts, s));
    };
    // Background: 20 people log in every ten minutes for two hours; a few mistype first.
    for p in 0..20i64 {
        let ip = format!("198.51.100.{}", p + 1);
        let user = format!("person{p}@example.org");
        for k in 0..12i64 {
            let ts = t0 + p * 7 + k * 600;
            if (p + k) % 9 == 0 {
                push(ts, &ip, &user, false);
                push(ts + 40, &ip, &user, true);
            } else {
                push(ts, &ip, &user, true);
            }
        }
    }
    // Stuffing: 120 clients, three different leaked accounts each, one try a second (between
    // two rounds of the background's logins).
    let stuff = t0 + 3200;
    for c in 0..120i64 {
        let ip = format!("203.0.113.{}", c + 1);
        for j in 0..3 {
            push(
                stuff + c * 3 + j,
                &ip,
                &format!("leak{c}-{j}@mail.example"),
                false,
            );
        }
    }
    // One account ("admin") from 40 clients, one try every 2 s.
    let admin = t0 + 6000;
    for c in 0..40i64 {
        push(admin + c * 2, &format!("192.0.2.{}", c + 1), "admin", false);
    }
    lines.sort_by_key(|(t, _)| *t);
    let text: String = lines.into_iter().map(|(_, l)| l).collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.jsonl");
    std::fs::write(&path, &text).unwrap();
    let r = rampart_logs::analyze(&[&path], &defaults()).unwrap();
    let dump = serde_json::to_string_pretty(&r.incidents).unwrap();
    assert_eq!(r.sources[0].format, "json");
    assert_eq!(r.sources[0].malformed, 0);
    assert_eq!(r.incidents.len(), 2, "{dump}");

    let s = &r.incidents[0];
    assert_eq!(s.kind_str(), "credential_stuffing", "{dump}");
    assert_eq!(s.rule(), "RA-LOG-CREDENTIAL-STUFFING");
    assert_eq!((s.from_ts, s.to_ts), (stuff, stuff + 359), "{dump}");
    assert_eq!(s.count, 360);
    assert!(s.why.contains("from 120 clients"), "{}", s.why);
    assert_eq!(s.verdict, Verdict::Attack);
    assert!(s.clients.iter().all(|c| c.starts_with("203.0.113.")));
    assert_eq!(s.users.len(), 20, "usernames shown, capped");
    assert!(
        s.users.iter().all(|u| u.starts_with("leak")),
        "{:?}",
        s.users
    );

    let a = &r.incidents[1];
    assert_eq!(a.kind_str(), "brute_force", "{dump}");
    assert_eq!(a.users, vec!["admin".to_string()]);
    assert_eq!((a.from_ts, a.to_ts), (admin, admin + 78), "{dump}");
    assert_eq!(a.count, 40);
    assert!(a.why.contains("one username from 40 clients"), "{}", a.why);
    assert_eq!(a.verdict, Verdict::Attack);
    assert!(a.clients.iter().all(|c| c.starts_with("192.0.2.")));
    // Nobody from the background.
    assert!(!dump.contains("person"), "{dump}");
}
