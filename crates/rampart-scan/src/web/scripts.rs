//! Requests a site's own scripts send: `fetch(url, {method, headers, body})` calls and
//! `XMLHttpRequest` `open(method, url)` … `send(body)` pairs, read without running JavaScript.
//! They name endpoints no link or form shows — JSON and XML APIs — with the content type and a
//! sample body (the keys of `JSON.stringify({...})`, or a string literal). Inline scripts and
//! same-origin external ones (see [`super::js_files`]) are read alike. A URL built by
//! concatenation keeps its literal head (`'/api/items?id=' + id` → `/api/items?id=`).

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

/// Every request `body`'s scripts send (fetch and XHR), URLs resolved against `page`.
pub fn script_calls(page: &Url, body: &str) -> Vec<ScriptCall> {
    let mut out = fetch_calls(page, body);
    out.extend(xhr_calls(page, body));
    out
}

/// At most this much text after a call is read for its options.
const WINDOW: usize = 600;

/// `rest[..n]` with `n` the next start of `stop` (or `WINDOW`), cut at a char boundary.
fn window<'a>(rest: &'a str, stop: &str) -> &'a str {
    let mut end = rest.find(stop).unwrap_or(rest.len()).min(WINDOW);
    while !rest.is_char_boundary(end) {
        end -= 1;
    }
    &rest[..end]
}

/// The keys of the object literal in `JSON.stringify({...})` inside `window`, if any.
fn stringified(window: &str) -> Vec<(String, String)> {
    let Some(i) = window.find("JSON.stringify(") else {
        return Vec::new();
    };
    let obj = &window[i + "JSON.stringify(".len()..];
    match (obj.find('{'), obj.find('}')) {
        (Some(open), Some(close)) if open < close => object_keys(&obj[open + 1..close]),
        _ => Vec::new(),
    }
}

/// `x.open("POST", "/api/x")` … `x.setRequestHeader("Content-Type", "…")` … `x.send(body)`.
pub fn xhr_calls(page: &Url, body: &str) -> Vec<ScriptCall> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(at) = rest.find(".open(") {
        rest = &rest[at + ".open(".len()..];
        let Some((method, used)) = literal(rest) else {
            continue;
        };
        let method = method.to_ascii_uppercase();
        if !matches!(
            method.as_str(),
            "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD"
        ) {
            continue;
        }
        let Some(after) = rest[used..].trim_start().strip_prefix(',') else {
            continue;
        };
        let Some((target, _)) = literal(after) else {
            continue;
        };
        let Ok(url) = page.join(&target) else {
            continue;
        };
        let w = window(rest, ".open(");
        let content_type = w
            .find("setRequestHeader(")
            .map(|i| &w[i + "setRequestHeader(".len()..])
            .and_then(|h| {
                let (name, used) = literal(h)?;
                let v = h[used..].trim_start().strip_prefix(',')?;
                name.eq_ignore_ascii_case("content-type")
                    .then(|| literal(v).map(|(v, _)| v))
                    .flatten()
            });
        let send = w.find(".send(").map(|i| &w[i + ".send(".len()..]);
        let json = send.map(stringified).unwrap_or_default();
        let literal_body = send
            .filter(|_| json.is_empty())
            .and_then(|s| literal(s).map(|(v, _)| v));
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

/// Every `fetch(...)` call of `body`'s scripts, URLs resolved against `page`.
pub fn fetch_calls(page: &Url, body: &str) -> Vec<ScriptCall> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(at) = rest.find("fetch(") {
        rest = &rest[at + "fetch(".len()..];
        let Some((target, used)) = literal(rest) else {
            continue;
        };
        // The options object: up to the next call, at most WINDOW bytes.
        let w = window(rest, "fetch(");
        let window = &w[used.min(w.len())..];
        let Ok(url) = page.join(&target) else {
            continue;
        };
        let method = option(window, "method")
            .unwrap_or_else(|| "GET".into())
            .to_ascii_uppercase();
        let content_type = option(window, "content-type");
        let json = stringified(window);
        let literal_body = if window.contains("JSON.stringify(") {
            None
        } else {
            option(window, "body")
        };
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

    #[test]
    fn reads_xhr_calls_and_concatenated_urls() {
        let page = Url::parse("http://127.0.0.1/shop").unwrap();
        let js = r#"
          function item(id) { return fetch('/api/items?id=' + id).then(r => r.json()); }
          var x = new XMLHttpRequest();
          x.open('post', "/api/note");
          x.setRequestHeader('Content-Type', 'application/json');
          x.send(JSON.stringify({text: t, id: 3}));
          var y = new XMLHttpRequest(); y.open('GET', '/api/tags?name=garden'); y.send();
          window.open('/help');
        "#;
        let calls = script_calls(&page, js);
        let shown: Vec<String> = calls
            .iter()
            .map(|c| format!("{} {}", c.method, c.url))
            .collect();
        assert_eq!(
            shown,
            [
                "GET http://127.0.0.1/api/items?id=",
                "POST http://127.0.0.1/api/note",
                "GET http://127.0.0.1/api/tags?name=garden"
            ]
        );
        assert_eq!(calls[1].content_type.as_deref(), Some("application/json"));
        assert_eq!(
            calls[1].json,
            vec![("text".into(), "1".into()), ("id".into(), "3".into())]
        );
    }
}
