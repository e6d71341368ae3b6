//! How alike two answers are, for soft-404 detection and boolean-based SQL injection: a ratio
//! over the multiset of words and tag names (like difflib's quick_ratio, but on tokens), so that
//! a changed number or a reflected value moves it a little and a different page moves it a lot.

use std::collections::HashMap;

fn tokens(s: &str) -> HashMap<&str, usize> {
    let mut m = HashMap::new();
    for t in s.split(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\'' | '=')) {
        if !t.is_empty() {
            *m.entry(t).or_insert(0) += 1;
        }
    }
    m
}

/// 1.0 = same tokens, 0.0 = nothing in common.
pub fn ratio(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let (ta, tb) = (tokens(a), tokens(b));
    let total: usize = ta.values().sum::<usize>() + tb.values().sum::<usize>();
    if total == 0 {
        return 1.0;
    }
    let common: usize = ta
        .iter()
        .map(|(k, n)| (*n).min(tb.get(k).copied().unwrap_or(0)))
        .sum();
    2.0 * common as f64 / total as f64
}

/// Removes every form of `value` an app may echo back (raw, HTML-escaped, URL-encoded), so that
/// a reflected payload does not count as a difference.
pub fn strip_reflection(body: &str, value: &str) -> String {
    if value.is_empty() {
        return body.to_string();
    }
    let escaped = value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;");
    let escaped2 = escaped
        .replace("&quot;", "&#34;")
        .replace("&#39;", "&#x27;");
    let encoded: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
    let mut out = body.replace(value, "");
    for v in [escaped, escaped2, encoded] {
        if !v.is_empty() {
            out = out.replace(&v, "");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios() {
        assert_eq!(ratio("a b c", "a b c"), 1.0);
        assert!(ratio("<td>1</td><td>luther</td>", "no results found") < 0.3);
        assert!(ratio("x y z w v u 1", "x y z w v u 2") > 0.8);
        assert_eq!(
            strip_reflection("you searched for: 1 AND 1=2", "1 AND 1=2"),
            "you searched for: "
        );
        assert_eq!(strip_reflection("q=&lt;b&gt;", "<b>"), "q=");
    }
}
