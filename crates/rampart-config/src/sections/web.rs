use serde::{Deserialize, Serialize};

/// `[[web]]`: a web application to check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebTargetSection {
    pub url: url::Url,
    /// Path of the login form, when rampart should test its rate limiting.
    #[serde(default)]
    pub login_path: Option<String>,
}

impl crate::sections::Check for WebTargetSection {
    fn check(&self, path: &str, problems: &mut crate::load::Problems) {
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
