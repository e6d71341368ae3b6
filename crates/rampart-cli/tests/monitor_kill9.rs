//! Must-show: kill -9 of a running `rampart monitor`, restart, report: nothing recorded before
//! the last second is lost, and the time the monitor was dead shows as a coverage gap.

#[path = "../../rampart-sla/tests/common/mod.rs"]
mod common;

use chrono::{DateTime, Utc};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

fn project(dir: &Path, port: u16) {
    std::fs::write(
        dir.join("rampart.toml"),
        format!(
            "[project]\nname = \"kill9\"\n[scope]\nhosts = [\"127.0.0.1\"]\n\
             [[monitors]]\nname = \"nginx\"\nurl = \"http://127.0.0.1:{port}/\"\ninterval = \"500ms\"\ntimeout = \"500ms\"\n"
        ),
    )
    .unwrap();
}

fn monitor(dir: &Path, extra: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(["monitor", "-q"])
        .args(extra)
        .current_dir(dir)
        .env_remove("RAMPART_PROJECT")
        .env_remove("RAMPART_DATABASE")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn kill_9_loses_nothing_older_than_one_second() {
    let Some(nginx) = common::Nginx::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), nginx.port);

    let mut child = monitor(dir.path(), &[]);
    std::thread::sleep(Duration::from_secs(6));
    let killed_at: DateTime<Utc> = Utc::now();
    child.kill().unwrap(); // SIGKILL: no chance to flush
    child.wait().unwrap();

    let out = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(["sla", "export"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = String::from_utf8_lossy(&out.stdout);
    let times: Vec<DateTime<Utc>> = csv
        .lines()
        .skip(1)
        .map(|l| {
            DateTime::parse_from_rfc3339(l.split(',').next().unwrap())
                .unwrap()
                .with_timezone(&Utc)
        })
        .collect();
    assert!(!times.is_empty());

    // The monitor's own record: every tick at t0 + n·500 ms up to one second before the kill.
    // (500 ms, not faster: a prober that wakes a whole interval late skips a tick by design, and
    // on a busy CI machine a 200 ms cadence sometimes does; that is not a lost observation.)
    let obs = {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let store = rampart_store::Store::open(&format!(
                "sqlite://{}",
                dir.path().join("rampart.db").display()
            ))
            .await
            .unwrap();
            store.observations(&Default::default()).await.unwrap()
        })
    };
    let t0 = obs[0].scheduled_at;
    let step = chrono::Duration::milliseconds(500);
    let cutoff = killed_at - chrono::Duration::seconds(1);
    let expected = ((cutoff - t0).num_milliseconds() / 500 + 1) as usize;
    let kept_before_cutoff = obs.iter().filter(|o| o.started_at < cutoff).count();
    assert!(
        kept_before_cutoff >= expected - 1,
        "expected every tick before {cutoff}: {kept_before_cutoff} of {expected}"
    );
    for (n, o) in obs.iter().enumerate() {
        assert_eq!(
            o.scheduled_at,
            t0 + step * n as i32,
            "tick {n} missing or out of order"
        );
    }

    // Restart, then report: the dead time is a gap, not uptime.
    std::thread::sleep(Duration::from_secs(2));
    let status = monitor(dir.path(), &["--duration", "3s"]).wait().unwrap();
    assert!(status.success());
    let out = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(["sla", "report", "--format", "json"])
        .current_dir(dir.path())
        .env("RAMPART_LOG", "error")
        .output()
        .unwrap();
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let m = &r["monitors"][0];
    assert_eq!(m["failed"], 0);
    assert_eq!(
        m["coverage"]["gaps"].as_array().unwrap().len(),
        1,
        "{}",
        m["coverage"]
    );
    assert!(m["uptime"]["worst_case_percent"].as_f64().unwrap() < 100.0);
    drop(nginx);
}
