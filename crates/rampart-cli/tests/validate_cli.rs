//! A project file `validate` refuses is refused by every command before it sends anything.

use std::process::Command;

#[test]
fn ftp_file_and_gopher_monitors_are_refused_before_any_connection() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    for scheme in ["ftp", "gopher", "ws"] {
        std::fs::write(
            dir.path().join("rampart.toml"),
            format!("[project]\nname = \"x\"\n[scope]\nhosts = [\"127.0.0.1\"]\n[[monitors]]\nname = \"m\"\nurl = \"{scheme}://127.0.0.1:{port}/\"\ninterval = \"200ms\"\ntimeout = \"100ms\"\n"),
        )
        .unwrap();
        for args in [vec!["validate"], vec!["monitor", "--duration", "2s"]] {
            let out = Command::new(env!("CARGO_BIN_EXE_rampart"))
                .args(&args)
                .current_dir(dir.path())
                .env_remove("RAMPART_PROJECT")
                .env_remove("RAMPART_DATABASE")
                .output()
                .unwrap();
            let t = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{scheme} {args:?}: {t}");
            assert!(
                t.contains("rampart.toml:7:7:")
                    && t.contains("expected an http:// or https:// URL"),
                "{scheme} {args:?}: {t}"
            );
        }
    }
    std::thread::sleep(std::time::Duration::from_millis(50));
    assert!(
        listener.accept().is_err(),
        "a non-HTTP monitor made a TCP connection"
    );
}
