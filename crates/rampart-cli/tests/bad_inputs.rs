//! The bad-input corpus (`tests/bad-inputs/manifest.toml` at the workspace root), run through the
//! real binary: no case may panic, abort or hang, and each with an expectation must end with its
//! exit code and say its message fragments (for project files: `file:line:column`).

use serde::Deserialize;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Deserialize)]
struct Manifest {
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    input: Option<String>,
    args: Vec<String>,
    exit: Option<i32>,
    #[serde(default)]
    expect: Vec<String>,
    pending: Option<String>,
    disabled: Option<String>,
}

/// Past this a case is a hang.
const LIMIT: Duration = Duration::from_secs(60);

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/bad-inputs")
}

struct Ran {
    code: Option<i32>,
    text: String,
    hung: bool,
}

fn run(case: &Case, root: &Path) -> Ran {
    let dir = tempfile::tempdir().unwrap();
    let input = case.input.as_ref().map(|i| {
        root.join(i)
            .canonicalize()
            .unwrap_or_else(|e| panic!("{i}: {e}"))
    });
    let args: Vec<String> = case
        .args
        .iter()
        .map(|a| {
            let a = a.replace("{dir}", &dir.path().display().to_string());
            match &input {
                Some(i) => a.replace("{input}", &i.display().to_string()),
                None => a,
            }
        })
        .collect();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(&args)
        .current_dir(dir.path())
        .env_remove("RAMPART_PROJECT")
        .env_remove("RAMPART_DATABASE")
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Drain both pipes on threads so a chatty case cannot block on a full pipe.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let started = Instant::now();
    let mut hung = false;
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > LIMIT {
            hung = true;
            let _ = child.kill();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&t_out.join().unwrap()),
        String::from_utf8_lossy(&t_err.join().unwrap())
    );
    Ran {
        code: status.code(),
        text,
        hung,
    }
}

#[test]
fn no_bad_input_panics_aborts_or_hangs_and_each_says_what_is_wrong() {
    let root = corpus();
    let manifest: Manifest =
        toml_edit::de::from_str(&std::fs::read_to_string(root.join("manifest.toml")).unwrap())
            .unwrap_or_else(|e| panic!("manifest.toml: {e}"));
    let mut failures = Vec::new();
    let mut pending = 0;
    let mut disabled = 0;
    for case in &manifest.case {
        if let Some(why) = &case.disabled {
            disabled += 1;
            eprintln!("SKIP: bad input \"{}\" not run: {why}", case.name);
            continue;
        }
        let r = run(case, &root);
        let name = &case.name;
        if r.hung {
            failures.push(format!("{name}: no answer within {LIMIT:?}"));
            continue;
        }
        // 101: a Rust panic; no code: killed by a signal (abort, stack overflow, SIGBUS).
        if r.code.is_none() || r.code == Some(101) || r.text.contains("panicked at") {
            failures.push(format!("{name}: crashed ({:?}): {}", r.code, r.text));
            continue;
        }
        if let Some(why) = &case.pending {
            pending += 1;
            eprintln!("pending: {name}: only no-panic asserted until {why}");
            continue;
        }
        if let Some(code) = case.exit {
            if r.code != Some(code) {
                failures.push(format!(
                    "{name}: exit {:?}, expected {code}: {}",
                    r.code, r.text
                ));
                continue;
            }
        }
        for frag in &case.expect {
            if !r.text.contains(frag.as_str()) {
                failures.push(format!("{name}: does not say \"{frag}\": {}", r.text));
            }
        }
        if case.exit == Some(2) && !r.text.contains("error") {
            failures.push(format!("{name}: exit 2 without an error message"));
        }
    }
    eprintln!(
        "{} bad inputs: {} with full expectations, {pending} no-panic only (pending), {disabled} disabled",
        manifest.case.len(),
        manifest.case.len() - pending - disabled
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
