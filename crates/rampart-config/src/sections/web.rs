use serde::{Deserialize, Serialize};

/// `[[web]]`: a web application to check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebTargetSection {
    pub url: url::Url,
    /// Path of the login form, when rampart should test its rate limiting.
    #[serde(default)]
    pub login_path: Option<String>,
    /// Extra entry points not linked from any page (paths or URLs), e.g. `"/api/msgs?user=alice"`.
    #[serde(default)]
    pub seeds: Vec<String>,
    /// Pages the crawler fetches at most.
    #[serde(default)]
    pub max_pages: Option<usize>,
    /// Scan as this user: rampart logs in at `login_path` first (needs a password).
    #[serde(default)]
    pub username: Option<String>,
    /// The test user's password. Never written back out; prefer `password_env`.
    #[serde(default, skip_serializing)]
    pub password: Option<String>,
    /// Name of an environment variable holding the test user's password.
    #[serde(default)]
    pub password_env: Option<String>,
    /// Path of a registration form: rampart creates the test user there before logging in.
    #[serde(default)]
    pub register_path: Option<String>,
    /// Send nothing that could change the application's data (no POST probes, no stored-XSS
    /// markers), like `scan web --safe`.
    #[serde(default)]
    pub safe: bool,
}

impl crate::sections::Check for WebTargetSection {
    fn check(&self, path: &str, problems: &mut crate::load::Problems) {
        if let Some(n) = self.max_pages.filter(|n| !(1..=1_000_000).contains(n)) {
            problems.push(
                format!("{path}.max_pages"),
                format!("found {n}; expected 1 to 1000000 pages (as `scan web --max-pages`)"),
            );
        }
        for (i, s) in self.seeds.iter().enumerate() {
            if self.url.join(s).is_err() {
                problems.push(
                    format!("{path}.seeds[{i}]"),
                    format!(
                        "found \"{s}\"; expected a path like \"/api/msgs?user=alice\" or a URL"
                    ),
                );
            }
        }
        if self.username.is_some() {
            if self.password.is_none() && self.password_env.is_none() {
                problems.push(
                    format!("{path}.username"),
                    "found a username without a password; expected password or password_env too",
                );
            }
            if self.login_path.is_none() {
                problems.push(
                    format!("{path}.username"),
                    "found a username without a login_path; expected the login form's path, e.g. \"/login\"",
                );
            }
        } else if self.password.is_some()
            || self.password_env.is_some()
            || self.register_path.is_some()
        {
            problems.push(
                format!("{path}.username"),
                "found password/register_path without a username; expected username too",
            );
        }
        for (key, v) in [
            ("login_path", &self.login_path),
            ("register_path", &self.register_path),
        ] {
            if let Some(v) = v {
                if self.url.join(v).is_err() {
                    problems.push(
                        format!("{path}.{key}"),
                        format!("found \"{v}\"; expected a path like \"/login\""),
                    );
                }
            }
        }
        if !self.url.username().is_empty() || self.url.password().is_some() {
            problems.push(
                format!("{path}.url"),
                "found a user name or password in the URL; expected them in username and password_env (they are never sent from the URL)",
            );
        }
        if !matches!(self.url.scheme(), "http" | "https") {
            problems.push(
                format!("{path}.url"),
                format!(
                    "found \"{}\"; expected an http:// or https:// URL",
                    self.url
                ),
            );
        }
    }
}
