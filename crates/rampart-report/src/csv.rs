//! CSV (RFC 4180, CRLF line ends) with formula triggers neutralised ([`escape::csv_field`]).

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
