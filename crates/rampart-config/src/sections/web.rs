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
