//! Escaping, one function per sink. Every renderer calls these on every piece of data; nothing
//! else in rampart escapes output.

use std::borrow::Cow;

/// Text for HTML element content and attribute values (also SVG, which is XML).
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // CR LF (Windows line ends, as TMT stores text) is a line break: the LF is kept.
            '\r' if chars.peek() == Some(&'\n') => {}
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than tab and newline are not allowed in XML; show them.
            c if c.is_control() && c != '\n' && c != '\t' => out.push_str(&visible(c)),
            _ => out.push(c),
        }
    }
    out
}

/// How a control character is shown: `\x1b`, `\x07`, `\u{9b}`.
fn visible(c: char) -> String {
    let n = c as u32;
    if n < 0x80 {
        format!("\\x{n:02x}")
    } else {
        format!("\\u{{{n:x}}}")
    }
}

/// Text for a terminal: control characters (ESC, BEL, a lone CR, C1 controls, DEL) are shown
/// as `\x1b` and the like, so data cannot move the cursor, retitle or clear the terminal.
/// Newlines and tabs stay, they cannot do harm; CR LF is a line break (an LF).
pub fn text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            continue;
        }
        if c.is_control() && c != '\n' && c != '\t' {
            out.push_str(&visible(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Serialized JSON made safe for a terminal without changing its data: DEL and the C1 controls
/// (which serde leaves raw; C0 controls it already escapes) become `\u007f`…`\u009f`. They can
/// only occur inside strings, where the escape means the same character.
pub fn json(serialized: &str) -> Cow<'_, str> {
    if !serialized
        .chars()
        .any(|c| ('\u{7f}'..='\u{9f}').contains(&c))
    {
        return Cow::Borrowed(serialized);
    }
    let mut out = String::with_capacity(serialized.len() + 16);
    for c in serialized.chars() {
        if ('\u{7f}'..='\u{9f}').contains(&c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text for one line of Markdown (a paragraph, list item, heading or table cell): every
/// character Markdown or its HTML passthrough gives meaning to is backslash-escaped, line breaks
/// (LF, CR LF) become spaces and control characters (a lone CR among them) are shown. The
/// result renders as the literal text on GitHub, GitLab and CommonMark wikis: no raw HTML, no
/// links, no emphasis.
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\t' => out.push(' '),
            c if c.is_control() => out.push_str(&markdown(&visible(c))),
            _ => out.push(c),
        }
    }
    // A line that starts with a list, quote, heading or thematic-break marker is escaped too.
    if let Some(first) = out.chars().next() {
        if matches!(first, '-' | '+' | '=' | '.') {
            out.insert(0, '\\');
        }
    }
    out
}

/// Markdown inline code: the content is literal; the fence is longer than any backtick run in it.
pub fn markdown_code(s: &str) -> String {
    let s = text(s).replace('\n', " ");
    let longest = longest_run(&s, '`');
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// A fenced Markdown code block whose fence no line of `s` can close.
pub fn markdown_block(s: &str) -> String {
    let s = text(s);
    let fence = "`".repeat(longest_run(&s, '`').max(2) + 1);
    format!("{fence}text\n{s}\n{fence}")
}

fn longest_run(s: &str, c: char) -> usize {
    let (mut best, mut cur) = (0, 0);
    for x in s.chars() {
        if x == c {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

/// A link target that is safe in HTML and Markdown: in-page anchors (`#id`) and http(s) URLs.
/// Anything else (`javascript:`, `data:`, `vbscript:`, relative paths) gives `None` and the
/// renderers show the link's text only.
pub fn safe_href(href: &str) -> Option<&str> {
    let ok_anchor = href.strip_prefix('#').is_some_and(|id| {
        !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c))
    });
    let lower = href.to_ascii_lowercase();
    let ok_url = (lower.starts_with("https://") || lower.starts_with("http://"))
        && !href
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || "<>\"'`()".contains(c));
    (ok_anchor || ok_url).then_some(href)
}

/// One CSV field (RFC 4180): quoted when needed, and a leading formula trigger (`= + - @`, tab,
/// carriage return) neutralised with a `'` so spreadsheets show it as text, not run it.
/// Control characters are shown as in [`text`], so a CSV printed to a terminal is inert too.
pub fn csv_field(s: &str) -> String {
    let s = text(s);
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.into_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_sink_gets_its_escaping() {
        assert_eq!(
            html("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(text("a\x1b]0;x\x07b\x1b[2J"), "a\\x1b]0;x\\x07b\\x1b[2J");
        assert_eq!(text("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(
            markdown("[x](javascript:alert(1)) <img onerror=y>"),
            "\\[x\\](javascript:alert(1)) \\<img onerror=y\\>"
        );
        assert_eq!(markdown("- item"), "\\- item");
        assert_eq!(markdown_code("a`b"), "``a`b``");
        assert_eq!(safe_href("javascript:alert(1)"), None);
        assert_eq!(safe_href(" javascript:x"), None);
        assert_eq!(safe_href("#f-abc"), Some("#f-abc"));
        assert_eq!(
            safe_href("https://example.org/x"),
            Some("https://example.org/x")
        );
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("plain"), "plain");
        // CR LF is a line break in every sink; a lone CR stays visible.
        assert_eq!(text("a\r\nb\rc"), "a\nb\\x0dc");
        assert_eq!(html("a\r\nb\rc"), "a\nb\\x0dc");
        assert_eq!(markdown("a\r\nb\rc"), "a b\\\\x0dc");
        assert_eq!(markdown_code("a\r\nb"), "`a b`");
        assert_eq!(markdown_block("a\r\nb"), "```text\na\nb\n```");
        assert_eq!(csv_field("a\r\nb"), "\"a\nb\"");
        assert_eq!(csv_field("\rx"), "\\x0dx");
        let j = serde_json::to_string("a\u{9b}b\x1b").unwrap();
        assert_eq!(json(&j), "\"a\\u009bb\\u001b\"");
        assert_eq!(
            serde_json::from_str::<String>(&json(&j)).unwrap(),
            "a\u{9b}b\x1b"
        );
    }
}
