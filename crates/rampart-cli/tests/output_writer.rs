//! Every command's output, through the real binary: `-o FILE` is all there or not there, devices
//! stay devices, a full disk is exit 2 naming the path, a closed pipe ends quietly.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn rampart() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rampart"));
    c.env_remove("RAMPART_PROJECT")
        .env_remove("RAMPART_DATABASE");
    c
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A valid project file; `validate -o FILE` then writes a one-line verdict to FILE.
fn project(dir: &Path) -> PathBuf {
    let p = dir.join("rampart.toml");
    std::fs::write(
        &p,
        "[project]\nname = \"x\"\n[scope]\nhosts = [\"127.0.0.1\"]\n",
    )
    .unwrap();
    p
}

fn validate_to(project: &Path, out: &Path) -> Output {
    rampart()
        .arg("validate")
        .arg(project)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap()
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("rampart-tmp"))
        .collect()
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn skip(why: &str) {
    if std::env::var("RAMPART_REQUIRE_SERVERS").as_deref() == Ok("1") {
        panic!("{why}, and RAMPART_REQUIRE_SERVERS=1");
    }
    eprintln!("SKIP: {why}");
}

#[test]
fn a_closed_pipe_ends_quietly_without_a_panic() {
    // `rampart threats rules | head -1`: the reader is gone before rampart writes. Once for a
    // command that prints line by line, once for a report written whole.
    let dir = tempfile::tempdir().unwrap();
    let model = big_model(dir.path());
    let model = model.to_str().unwrap();
    for args in [
        vec!["threats", "rules", "--kinds"],
        vec!["threats", "report", "-f", "json", "--model", model],
    ] {
        let mut child = rampart()
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "{args:?}: {err}");
        assert!(
            err.is_empty(),
            "{args:?}: a closed pipe should end quietly: {err}"
        );
    }
}

#[test]
fn a_full_stdout_is_exit_2_naming_stdout() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let o = rampart()
        .args(["threats", "rules"])
        .stdout(full)
        .output()
        .unwrap();
    let t = text(&o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    assert!(
        t.contains("cannot write stdout: No space left on device"),
        "{t}"
    );
    assert!(!t.contains("panicked"), "{t}");
}

#[test]
fn dev_null_stays_a_device_and_dev_full_is_exit_2() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let p = project(dir.path());
    let o = validate_to(&p, Path::new("/dev/null"));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(std::fs::metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());
    let o = validate_to(&p, Path::new("/dev/full"));
    let t = text(&o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    assert!(
        t.contains("cannot write /dev/full: No space left on device"),
        "{t}"
    );
    assert!(std::fs::metadata("/dev/full")
        .unwrap()
        .file_type()
        .is_char_device());
}

#[test]
fn a_symlink_is_written_through_and_a_missing_folder_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = project(dir.path());
    let real = dir.path().join("real.txt");
    std::fs::write(&real, "old").unwrap();
    let link = dir.path().join("link.txt");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let o = validate_to(&p, &link);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(&real).unwrap().contains("valid"));

    let missing = dir.path().join("no/such/folder/out.txt");
    let o = validate_to(&p, &missing);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    assert!(
        t.contains(&missing.display().to_string()) && t.contains("does not exist"),
        "{t}"
    );
    assert!(!dir.path().join("no").exists(), "the folder was created");
}

#[test]
fn proc_version_gives_the_real_cause_once() {
    let dir = tempfile::tempdir().unwrap();
    let p = project(dir.path());
    let o = validate_to(&p, Path::new("/proc/version"));
    let t = text(&o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    assert!(t.contains("cannot write /proc/version"), "{t}");
    assert!(t.contains("proc pseudo-filesystem"), "{t}");
    assert!(!t.contains("No such file"), "{t}");
}

#[test]
fn a_cannot_read_message_says_its_cause_once() {
    let o = rampart()
        .args(["threats", "check", "--model", "/nonexistent/model.tm7"])
        .output()
        .unwrap();
    let t = text(&o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    assert_eq!(t.matches("No such file or directory").count(), 1, "{t}");
}

/// A tiny tmpfs, unmounted on drop (even when the test fails).
struct Tmpfs(PathBuf);

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_is_exit_2_naming_the_path_and_keeps_the_old_file() {
    if !is_root() {
        skip("a_full_disk_is_exit_2_naming_the_path_and_keeps_the_old_file: mounting a 64 KiB tmpfs needs root");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let p = project(dir.path());
    let mnt = dir.path().join("tiny");
    std::fs::create_dir(&mnt).unwrap();
    let ok = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&mnt)
        .status()
        .unwrap()
        .success();
    if !ok {
        skip("a_full_disk_is_exit_2_naming_the_path_and_keeps_the_old_file: mount -t tmpfs failed (no CAP_SYS_ADMIN?)");
        return;
    }
    let _guard = Tmpfs(mnt.clone());
    let target = mnt.join("report.txt");
    std::fs::write(&target, "old report").unwrap();
    // Fill the disk to the last byte.
    {
        use std::io::Write;
        let mut f = std::fs::File::create(mnt.join("filler")).unwrap();
        let block = [b'x'; 4096];
        while f.write_all(&block).is_ok() {}
        while f.write_all(b"x").is_ok() {}
    }
    let o = validate_to(&p, &target);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    assert!(
        t.contains(&format!("cannot write {}", target.display()))
            && t.contains("No space left on device"),
        "{t}"
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "old report");
    assert!(leftovers(&mnt).is_empty(), "{:?}", leftovers(&mnt));

    // Standard output redirected to the full disk: exit 2 as well, no panic.
    let out = std::fs::File::create(mnt.join("stdout.txt")).unwrap();
    let o = rampart()
        .args(["threats", "rules"])
        .stdout(out)
        .output()
        .unwrap();
    let t = text(&o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    assert!(
        t.contains("cannot write stdout: No space left on device"),
        "{t}"
    );
}

/// A data-flow diagram with many flows, so the JSON report takes a few megabytes to write.
fn big_model(dir: &Path) -> PathBuf {
    let mut s = String::from(
        "[meta]\nname = \"big\"\n[[element]]\nid = \"app\"\nname = \"A\"\nkind = \"web-application\"\n[[element]]\nid = \"db\"\nname = \"D\"\nkind = \"sql-database\"\n",
    );
    for i in 0..1000 {
        s.push_str(&format!(
            "[[flow]]\nid = \"f{i}\"\nname = \"F{i}\"\nsource = \"app\"\ntarget = \"db\"\n"
        ));
    }
    let p = dir.join("big.toml");
    std::fs::write(&p, s).unwrap();
    p
}

#[test]
fn kill_9_at_any_moment_leaves_the_old_report_or_the_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let model = big_model(dir.path());
    let target = dir.path().join("report.json");
    // The complete new report, for comparison, and how long one run takes here.
    let started = std::time::Instant::now();
    let o = rampart()
        .args(["threats", "report", "-f", "json", "--model"])
        .arg(&model)
        .arg("-o")
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let run = started.elapsed();
    let complete = std::fs::read(&target).unwrap();
    assert!(complete.len() > 1_000_000);
    // Kill at staggered moments from start-up to past the end of a run (rendering, writing,
    // renaming), so both outcomes are exercised.
    let mut saw_old = 0;
    let mut saw_new = 0;
    for i in 0..12u32 {
        std::fs::write(&target, "OLD").unwrap();
        let mut child = rampart()
            .args(["threats", "report", "-f", "json", "--model"])
            .arg(&model)
            .arg("-o")
            .arg(&target)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(run * i / 8);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let now = std::fs::read(&target).unwrap();
        if now == b"OLD" {
            saw_old += 1;
        } else {
            assert!(
                now == complete,
                "a half-written report ({} bytes)",
                now.len()
            );
            saw_new += 1;
        }
    }
    eprintln!("kill -9: {saw_old} times the old report, {saw_new} times the new one, never half");
    // Stray temporary files are allowed (a killed process cannot clean up) but never the target.
    for n in leftovers(dir.path()) {
        assert!(
            n.starts_with(".report.json.") && n.ends_with(".rampart-tmp"),
            "{n}"
        );
    }
}
