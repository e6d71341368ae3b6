//! A small, forgiving HTML scanner: enough to find links and forms, and to tell in which context
//! (text, tag, script, comment, ...) a reflected string landed. Not a full HTML5 parser, on
//! purpose: it costs nothing to build and never fails on broken markup.

use std::ops::Range;

/// A stretch of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Character data between tags (where `<x>` becomes an element).
    Text(Range<usize>),
    /// A start or end tag with its attributes, `<` to `>`.
    Tag {
        range: Range<usize>,
        name: String,
        attrs: Vec<(String, String)>,
        end: bool,
    },
    Comment(Range<usize>),
    /// Contents of script/style/textarea/title/xmp: markup inside is not parsed there.
    RawText {
        range: Range<usize>,
        parent: String,
    },
}

const RAW: &[&str] = &["script", "style", "textarea", "title", "xmp", "noscript"];

/// Splits `html` into segments, in document order.
pub fn segments(html: &str) -> Vec<Segment> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut text_start = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        if html[i..].starts_with("<!--") {
            push_text(&mut out, text_start, i);
            let end = html[i + 4..]
                .find("-->")
                .map(|e| i + 4 + e + 3)
                .unwrap_or(b.len());
            out.push(Segment::Comment(i..end));
            i = end;
            text_start = i;
            continue;
        }
        let is_end = b.get(i + 1) == Some(&b'/');
        let name_start = if is_end { i + 2 } else { i + 1 };
        if !b.get(name_start).is_some_and(|c| c.is_ascii_alphabetic()) {
            // `<!DOCTYPE`, `<?xml`, a stray `<`: not an element start.
            if matches!(b.get(i + 1), Some(b'!') | Some(b'?')) {
                push_text(&mut out, text_start, i);
                let end = html[i..].find('>').map(|e| i + e + 1).unwrap_or(b.len());
                out.push(Segment::Comment(i..end));
                i = end;
                text_start = i;
            } else {
                i += 1;
            }
            continue;
        }
        push_text(&mut out, text_start, i);
        let (end, name, attrs) = parse_tag(html, name_start);
        out.push(Segment::Tag {
            range: i..end,
            name: name.clone(),
            attrs,
            end: is_end,
        });
        i = end;
        text_start = i;
        if !is_end && RAW.contains(&name.as_str()) {
            let close = format!("</{name}");
            let lower = html[i..].to_ascii_lowercase();
            let stop = lower.find(&close).map(|e| i + e).unwrap_or(b.len());
            out.push(Segment::RawText {
                range: i..stop,
                parent: name,
            });
            i = stop;
            text_start = i;
        }
    }
    push_text(&mut out, text_start, b.len());
    out
}

fn push_text(out: &mut Vec<Segment>, start: usize, end: usize) {
    if end > start {
        out.push(Segment::Text(start..end));
    }
}

/// Parses a tag from its name to its `>`; returns the end offset, the lowercase name and the
/// attributes (lowercase names, raw values).
fn parse_tag(html: &str, name_start: usize) -> (usize, String, Vec<(String, String)>) {
    let b = html.as_bytes();
    let mut i = name_start;
    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
        i += 1;
    }
    let name = html[name_start..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() {
            return (b.len(), name, attrs);
        }
        if b[i] == b'>' {
            return (i + 1, name, attrs);
        }
        let a_start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let a_name = html[a_start..i].to_ascii_lowercase();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let v_start = i + 1;
                let v_end = html[v_start..]
                    .bytes()
                    .position(|c| c == q)
                    .map(|p| v_start + p)
                    .unwrap_or(b.len());
                value = html[v_start..v_end].to_string();
                i = (v_end + 1).min(b.len());
            } else {
                let v_start = i;
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                    i += 1;
                }
                value = html[v_start..i].to_string();
            }
        }
        if !a_name.is_empty() {
            attrs.push((a_name, decode_entities(&value)));
        }
    }
}

/// Decodes the entities that matter in URLs and attribute values.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// One input of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    /// `text`, `hidden`, `password`, `submit`, `textarea`, `select`, ...
    pub kind: String,
    pub value: String,
}

/// A form as written in the page (action not yet resolved).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub action: Option<String>,
    pub method: String,
    pub fields: Vec<Field>,
}

impl Form {
    pub fn has_password(&self) -> bool {
        self.fields.iter().any(|f| f.kind == "password")
    }
}

/// Everything a page points to, and its forms.
#[derive(Debug, Clone, Default)]
pub struct Extracted {
    pub links: Vec<String>,
    pub forms: Vec<Form>,
    /// `src` of `<script>` elements: the scripts may name endpoints (see `js_files`).
    pub scripts: Vec<String>,
}

pub fn extract(html: &str) -> Extracted {
    let mut ex = Extracted::default();
    let mut current: Option<Form> = None;
    let attr = |attrs: &[(String, String)], n: &str| {
        attrs.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone())
    };
    for seg in segments(html) {
        let Segment::Tag {
            name, attrs, end, ..
        } = seg
        else {
            continue;
        };
        if end {
            if name == "form" {
                if let Some(f) = current.take() {
                    ex.forms.push(f);
                }
            }
            continue;
        }
        match name.as_str() {
            "a" | "area" | "link" => {
                if let Some(h) = attr(&attrs, "href") {
                    ex.links.push(h);
                }
            }
            "script" => {
                if let Some(h) = attr(&attrs, "src") {
                    ex.scripts.push(h);
                }
            }
            "iframe" | "frame" => {
                if let Some(h) = attr(&attrs, "src") {
                    ex.links.push(h);
                }
            }
            "form" => {
                if let Some(f) = current.take() {
                    ex.forms.push(f);
                }
                current = Some(Form {
                    action: attr(&attrs, "action"),
                    method: attr(&attrs, "method")
                        .unwrap_or_else(|| "get".into())
                        .to_ascii_lowercase(),
                    fields: Vec::new(),
                });
            }
            "input" | "textarea" | "select" | "button" => {
                let (Some(form), Some(fname)) = (current.as_mut(), attr(&attrs, "name")) else {
                    continue;
                };
                let kind = if name == "input" {
                    attr(&attrs, "type")
                        .unwrap_or_else(|| "text".into())
                        .to_ascii_lowercase()
                } else {
                    name.clone()
                };
                form.fields.push(Field {
                    name: fname,
                    kind,
                    value: attr(&attrs, "value").unwrap_or_default(),
                });
            }
            _ => {}
        }
    }
    if let Some(f) = current {
        ex.forms.push(f);
    }
    ex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_links_and_forms() {
        let html = "<!DOCTYPE html><html><head><title>t <a href='/no'></title>\
            <script>var x='<a href=\"/nope\">';</script></head><body>\
            <a href='/?id=1'>link</a><A HREF=\"/public\">p</A><!-- <a href='/hidden'> -->\
            <form method='post' action=\"/login\">U: <input type=text name=username>\
            <input type='password' name='password'><input type=hidden name=csrf value='t&amp;1'>\
            <textarea name=text></textarea><input type=submit value=Go></form>\
            <form><input name=q></form></body></html>";
        let ex = extract(html);
        assert_eq!(ex.links, vec!["/?id=1", "/public"]);
        assert_eq!(ex.forms.len(), 2);
        let f = &ex.forms[0];
        assert_eq!(
            (f.method.as_str(), f.action.as_deref()),
            ("post", Some("/login"))
        );
        assert!(f.has_password());
        let names: Vec<&str> = f.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, vec!["username", "password", "csrf", "text"]);
        assert_eq!(f.fields[2].value, "t&1");
        assert_eq!(ex.forms[1].method, "get");
    }

    #[test]
    fn raw_text_and_comments_are_segments() {
        let segs = segments("<p>a</p><script>if (a<b) x()</script><!-- c -->d");
        assert!(segs
            .iter()
            .any(|s| matches!(s, Segment::RawText { parent, .. } if parent == "script")));
        assert!(segs.iter().any(|s| matches!(s, Segment::Comment(_))));
    }
}
