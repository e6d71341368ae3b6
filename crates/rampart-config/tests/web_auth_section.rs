//! `[[web]]` credentials for authenticated scans: accepted when complete, each gap located.
use rampart_config::load_str;
use std::path::Path;

const HEAD: &str = "[project]\nname = \"x\"\n[scope]\nhosts = [\"127.0.0.1\"]\n";

#[test]
fn complete_credentials_are_accepted_and_the_password_is_never_written_back() {
    let text = format!(
        "{HEAD}[[web]]\nurl = \"http://127.0.0.1:5000/\"\nlogin_path = \"/login\"\n\
         register_path = \"/register\"\nusername = \"scan\"\npassword = \"pw-in-file\"\nsafe = true\n"
    );
    let p = load_str(&text, Path::new("rampart.toml")).expect("valid");
    let w = &p.web[0];
    assert_eq!(w.username.as_deref(), Some("scan"));
    assert_eq!(w.register_path.as_deref(), Some("/register"));
    assert!(w.safe);
    let back = serde_json::to_string(&p.web[0]).unwrap();
    assert!(!back.contains("pw-in-file"), "{back}");
}

#[test]
fn a_username_without_password_or_login_path_is_located() {
    let text = format!("{HEAD}[[web]]\nurl = \"http://127.0.0.1:5000/\"\nusername = \"scan\"\n");
    let errs = load_str(&text, Path::new("rampart.toml")).unwrap_err().0;
    let all: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
    assert!(
        all.iter()
            .any(|e| e.contains("web[0].username") && e.contains("password")),
        "{all:#?}"
    );
    assert!(all.iter().any(|e| e.contains("login_path")), "{all:#?}");
    assert!(errs.iter().all(|e| e.line > 0), "{all:#?}");
}

#[test]
fn credentials_in_the_url_are_refused() {
    let text = format!("{HEAD}[[web]]\nurl = \"http://u:secret@127.0.0.1:5000/\"\n");
    let errs = load_str(&text, Path::new("rampart.toml")).unwrap_err().0;
    let all: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
    assert!(
        all.iter()
            .any(|e| e.contains("web[0].url") && e.contains("user name or password")),
        "{all:#?}"
    );
}
