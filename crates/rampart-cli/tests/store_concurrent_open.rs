//! Two rampart processes started at the same moment on a new SQLite file both open and migrate it
//! (today one often exits 2 with "table observations already exists" or "database is locked").

use std::process::{Command, Stdio};

#[test]
fn two_processes_on_a_new_database_both_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for round in 0..15 {
        let db = dir.path().join(format!("r{round}.db"));
        let children: Vec<_> = (0..2)
            .map(|_| {
                Command::new(env!("CARGO_BIN_EXE_rampart"))
                    .args(["sla", "export", "--database"])
                    .arg(&db)
                    .current_dir(dir.path())
                    .env_remove("RAMPART_PROJECT")
                    .env_remove("RAMPART_DATABASE")
                    .env("RAMPART_LOG", "error")
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("start rampart")
            })
            .collect();
        for c in children {
            let out = c.wait_with_output().unwrap();
            if !out.status.success() {
                failures.push(format!(
                    "round {round}: exit {:?}: {}",
                    out.status.code(),
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
