//! A self-contained HTML page: inline CSS, no scripts from elsewhere, no fonts, no images fetched.

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1c2330; background: #f6f7f9; }
header { background: #1c2b45; color: #fff; padding: 18px 32px; }
header h1 { margin: 0; font-size: 22px; }
header p { margin: 4px 0 0; opacity: .8; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 32px 48px; }
section { background: #fff; border: 1px solid #dde1e7; border-radius: 8px; padding: 16px 20px; margin: 0 0 20px; }
h2 { font-size: 18px; margin: 0 0 12px; }
h3 { font-size: 15px; margin: 16px 0 8px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 14px; }
th, td { border-bottom: 1px solid #e6e9ee; padding: 6px 8px; text-align: left; vertical-align: top; overflow-wrap: anywhere; white-space: pre-line; }
table { table-layout: auto; }
th { background: #f0f2f5; font-weight: 600; }
/* Headers and first cells (verdicts, rule ids, names) are short words: never split them. */
th, td:first-child { overflow-wrap: normal; }
code, pre { font: 13px/1.4 ui-monospace, "SFMono-Regular", Menlo, monospace; }
pre { background: #f3f4f6; padding: 8px; overflow-x: auto; white-space: pre-wrap; }
.sev-critical, .sev-high, .bad { color: #b42318; font-weight: 600; }
.sev-medium, .warn { color: #b54708; font-weight: 600; }
.sev-low, .sev-info, .good { color: #067647; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; background: #eef2f6; }
svg { max-width: 100%; height: auto; }
"#;

/// Wraps rendered sections into one page. `body` is trusted HTML built by the caller with
/// [`escape`] applied to every piece of data.
pub fn page(title: &str, subtitle: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
<title>{t}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header><h1>{t}</h1><p>{s}</p></header>\n<main>\n{body}\n</main>\n</body>\n</html>\n",
        t = escape(title),
        s = escape(subtitle),
    )
}

/// An HTML table from a header and rows (cells are escaped).
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::from("<table><thead><tr>");
    for h in header {
        out.push_str(&format!("<th>{}</th>", escape(h)));
    }
    out.push_str("</tr></thead><tbody>");
    for r in rows {
        out.push_str("<tr>");
        for c in r {
            out.push_str(&format!("<td>{}</td>", escape(c)));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn escapes_and_wraps() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        let p = page("T<1>", "s", "<p>x</p>");
        assert!(p.contains("<title>T&lt;1&gt;</title>"));
        assert!(
            !p.contains("http://") && !p.contains("https://"),
            "no external references"
        );
    }
}
