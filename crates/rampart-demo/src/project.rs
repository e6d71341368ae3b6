//! The demo's project: its data-flow diagram and its project file, kept as files of this crate
//! (`project/`) so they read and diff as what they are.

/// The data-flow diagram: a browser talking to the web app across the server boundary, the app
/// talking to its database.
pub const DFD: &str = include_str!("../project/dfd.toml");

/// The project file template; `@NAME@` markers are filled in by [`project_toml`].
const PROJECT: &str = include_str!("../project/rampart.toml");

/// The project file for a running demo: its base URL (ending in `/`), web port, access log, and
/// the id of the threat the leak risk cites (when the model generates one).
pub fn project_toml(
    base_url: &str,
    web_port: u16,
    access_log: &str,
    cited: Option<&str>,
) -> String {
    let threats = cited
        .map(|id| format!("threats = [\"{id}\"]"))
        .unwrap_or_default();
    PROJECT
        .replace("@BASE_URL@", base_url)
        .replace("@WEB_PORT@", &web_port.to_string())
        .replace(
            "@ACCESS_LOG@",
            &access_log.replace('\\', "\\\\").replace('"', "\\\""),
        )
        .replace("@CITED_THREATS@", &threats)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_marker_is_filled_in() {
        let p = super::project_toml("http://127.0.0.1:1/", 1, "/tmp/a.log", Some("abc"));
        assert!(!p.contains("@BASE_URL@") && !p.contains("@WEB_PORT@"));
        assert!(!p.contains("@ACCESS_LOG@") && !p.contains("@CITED_THREATS@"));
        assert!(p.contains("threats = [\"abc\"]") && p.contains("ports = [1]"));
    }
}
