//! CSV (RFC 4180, CRLF line ends): written with formula triggers neutralised
//! ([`escape::csv_field`]), and read one line at a time ([`split_line`]).

use crate::escape;

/// A CSV document: the header, then one line per row.
pub fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut s = String::new();
    let line = |s: &mut String, cells: &mut dyn Iterator<Item = String>| {
        let cells: Vec<String> = cells.collect();
        s.push_str(&cells.join(","));
        s.push_str("\r\n");
    };
    line(&mut s, &mut header.iter().map(|h| escape::csv_field(h)));
    for r in rows {
        line(&mut s, &mut r.iter().map(|c| escape::csv_field(c)));
    }
    s
}

/// Splits one CSV line, honouring double quotes (`"a, b"` and `""` inside quotes).
pub fn split_line(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}
