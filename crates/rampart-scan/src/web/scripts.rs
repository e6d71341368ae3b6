//! Requests the page's own inline scripts send: `fetch(url, {method, headers, body})` calls,
//! read without running JavaScript. They name endpoints no link or form shows — JSON and XML
//! APIs — with the content type and a sample body (the keys of `JSON.stringify({...})`, or a
//! string literal). External .js files are not fetched by the crawl, so only inline scripts count.

use url::Url;

/// One `fetch(...)` call seen in a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptCall {
    pub url: Url,
    pub method: String,
    pub content_type: Option<String>,
    /// The body as a string literal (e.g. an XML document).
    pub body: Option<String>,
    /// Keys and sample values of a `JSON.stringify({...})` body.
    pub json: Vec<(String, String)>,
}

impl ScriptCall {
    pub fn is_json(&self) -> bool {
        !self.json.is_empty()
    }

    pub fn is_xml(&self) -> bool {
        self.content_type
            .as_deref()
            .is_some_and(|c| c.to_ascii_lowercase().contains("xml"))
            || self
                .body
                .as_deref()
                .is_some_and(|b| b.trim_start().starts_with('<'))
    }
}

/// The string literal starting at `s` (after optional spaces), quotes removed.
fn literal(s: &str) -> Option<(String, usize)> {
    let t = s.trim_start();
    let skipped = s.len() - t.len();
    let q = t.chars().next().filter(|c| matches!(c, '"' | '\'' | '`'))?;
    let mut out = String::new();
    let mut esc = false;
    for (i, c) in t[1..].char_indices() {
        if esc {
            out.push(c);
            esc = false;
        } else if c == '\\' {
            esc = true;
        } else if c == q {
            return Some((out, skipped + 1 + i + 1));
        } else {
            out.push(c);
        }
    }
    None
}

/// The value after `key:` (quoted or not) in `window`.
fn option(window: &str, key: &str) -> Option<String> {
    let lower = window.to_ascii_lowercase();
    let at = lower.find(&key.to_ascii_lowercase())?;
    let rest = &window[at + key.len()..];
    let rest = rest.trim_start_matches(['"', '\'']).trim_start();
    let rest = rest.strip_prefix(':')?;
    literal(rest).map(|(v, _)| v)
}

/// `{a: 1, "b": 'x', c: v}` → [(a, 1), (b, x), (c, 1)].
fn object_keys(obj: &str) -> Vec<(String, String)> {
    obj.split(',')
        .filter_map(|kv| {
            let (k, v) = kv.split_once(':')?;
            let k = k.trim().trim_matches(['"', '\'']);
            if k.is_empty() || !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return None;
            }
            let v = v.trim();
            let value = match literal(v) {
                Some((s, _)) => s,
                None if !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()) => v.to_string(),
                None => "1".to_string(),
            };
            Some((k.to_string(), value))
        })
        .collect()
}

/// Every `fetch(...)` call of `body`'s inline scripts, URLs resolved against `page`.
pub fn fetch_calls(page: &Url, body: &str) -> Vec<ScriptCall> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(at) = rest.find("fetch(") {
        rest = &rest[at + "fetch(".len()..];
        let Some((target, used)) = literal(rest) else {
            continue;
        };
        // The options object: up to the next call, at most 600 bytes.
        let mut end = rest.find("fetch(").unwrap_or(rest.len()).min(600);
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        let window = &rest[used.min(end)..end];
        let Ok(url) = page.join(&target) else {
            continue;
        };
        let method = option(window, "method")
            .unwrap_or_else(|| "GET".into())
            .to_ascii_uppercase();
        let content_type = option(window, "content-type");
        let mut json = Vec::new();
        let mut literal_body = None;
        if let Some(i) = window.find("JSON.stringify(") {
            let obj = &window[i + "JSON.stringify(".len()..];
            if let (Some(open), Some(close)) = (obj.find('{'), obj.find('}')) {
                if open < close {
                    json = object_keys(&obj[open + 1..close]);
                }
            }
        } else {
            literal_body = option(window, "body");
        }
        out.push(ScriptCall {
            url,
            method,
            content_type,
            body: literal_body,
            json,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fetch_calls() {
        let page = Url::parse("http://127.0.0.1/orders").unwrap();
        let html = r#"<script>
          fetch("/api/order", {method: "POST", headers: {"Content-Type": "application/xml"},
                body: "<order><item>gnome</item></order>"});
          fetch('/api/cart', {method: 'post', headers: {'Content-Type': 'application/json'},
                body: JSON.stringify({item: "gnome", qty: 2, note: n})});
        </script>"#;
        let calls = fetch_calls(&page, html);
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].url.path(), "/api/order");
        assert_eq!(calls[0].method, "POST");
        assert!(calls[0].is_xml() && !calls[0].is_json());
        assert_eq!(
            calls[0].body.as_deref(),
            Some("<order><item>gnome</item></order>")
        );
        assert!(calls[1].is_json());
        assert_eq!(
            calls[1].json,
            vec![
                ("item".into(), "gnome".into()),
                ("qty".into(), "2".into()),
                ("note".into(), "1".into())
            ]
        );
    }
}
