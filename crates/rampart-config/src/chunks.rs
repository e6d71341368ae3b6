//! Cutting a project file into pieces that parse on their own, so loading never holds a parsed
//! document of the whole file (toml_edit's document costs about 26 bytes per byte of input).
//!
//! A piece starts at a top-level header line (`[name]` or `[[name]]`, a bare name with no dot) and
//! runs to a later one; pieces are about [`PIECE_BYTES`] long. Dotted headers (`[monitors.json]`)
//! never start a piece: they stay with the entry before them. The cut is only a proposal: the
//! loader checks that the pieces' top-level keys are disjoint (arrays of tables excepted, which
//! are joined in order) and that every piece parses, and otherwise reads the file whole, so a cut
//! in a wrong place can cost memory but never change the result.

use std::ops::Range;

/// Target length of one piece: its parsed document is about 26 times this.
pub(crate) const PIECE_BYTES: usize = 256 * 1024;

/// Byte ranges covering `text` in order, each starting at the start of the text or at a
/// top-level header line.
pub(crate) fn pieces(text: &str, piece_bytes: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for cut in header_starts(text.as_bytes()) {
        if cut > start && cut - start >= piece_bytes {
            out.push(start..cut);
            start = cut;
        }
    }
    out.push(start..text.len());
    out
}

/// Offsets of the lines that hold a top-level `[name]` or `[[name]]` header with a bare name:
/// lines that begin outside any string, array or inline table.
fn header_starts(b: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        // At the start of a line.
        let line = i;
        while i < b.len() && matches!(b[i], b' ' | b'\t') {
            i += 1;
        }
        if depth == 0 && i < b.len() && b[i] == b'[' {
            if simple_header(&b[i..]) {
                out.push(line);
            }
            i = next_line(b, i);
            continue;
        }
        // Scan the rest of the line, and on through multi-line strings.
        while i < b.len() && b[i] != b'\n' {
            match b[i] {
                b'#' => {
                    i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n);
                    continue;
                }
                b'"' if b[i..].starts_with(b"\"\"\"") => {
                    i = close_multi(b, i + 3, b'"', true);
                    continue;
                }
                b'\'' if b[i..].starts_with(b"'''") => {
                    i = close_multi(b, i + 3, b'\'', false);
                    continue;
                }
                b'"' => {
                    i += 1;
                    while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                        i += if b[i] == b'\\' { 2 } else { 1 };
                    }
                    if i < b.len() && b[i] == b'\n' {
                        continue;
                    }
                }
                b'\'' => {
                    i += 1;
                    while i < b.len() && b[i] != b'\'' && b[i] != b'\n' {
                        i += 1;
                    }
                    if i < b.len() && b[i] == b'\n' {
                        continue;
                    }
                }
                b'[' | b'{' => depth += 1,
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
            i += 1;
        }
        i += 1;
    }
    out
}

/// The offset after the end of the line holding `i` (past its newline).
fn next_line(b: &[u8], i: usize) -> usize {
    memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n + 1)
}

/// Past the closing triple quote of a multi-line string whose body starts at `i` (a closing
/// delimiter may be followed by up to two more quotes, which belong to the string).
fn close_multi(b: &[u8], mut i: usize, q: u8, escapes: bool) -> usize {
    while i < b.len() {
        if escapes && b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] == q && b[i..].starts_with(&[q, q, q]) {
            i += 3;
            let mut extra = 0;
            while extra < 2 && i < b.len() && b[i] == q {
                i += 1;
                extra += 1;
            }
            return i;
        }
        i += 1;
    }
    b.len()
}

/// `[name]` or `[[name]]` with a bare name (letters, digits, `-`, `_`), spaces allowed inside.
fn simple_header(b: &[u8]) -> bool {
    let double = b.starts_with(b"[[");
    let mut i = if double { 2 } else { 1 };
    let blank = |i: &mut usize| {
        while *i < b.len() && matches!(b[*i], b' ' | b'\t') {
            *i += 1;
        }
    };
    blank(&mut i);
    let name = i;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-' || b[i] == b'_') {
        i += 1;
    }
    if i == name {
        return false;
    }
    blank(&mut i);
    let close: &[u8] = if double { b"]]" } else { b"]" };
    b[i..].starts_with(close)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_inside_strings_and_arrays_are_not_cut_points() {
        let text = "a = \"\"\"\n[[x]]\n\"\"\"\"\"\nb = '''\n[y]\n'''\nc = [\n[1],\n]\n# [z]\n  [[m]] # c\n[m.sub]\n[ \"q\" ]\n[p]\n";
        let cuts = header_starts(text.as_bytes());
        let at: Vec<&str> = cuts
            .iter()
            .map(|&c| text[c..].lines().next().unwrap())
            .collect();
        assert_eq!(at, vec!["  [[m]] # c", "[p]"]);
    }

    #[test]
    fn pieces_cover_the_text_in_order() {
        let mut text = String::from("[project]\nname = \"x\"\n");
        for i in 0..40_000 {
            text.push_str(&format!("[[monitors]]\nname = \"m{i}\"\n"));
        }
        let p = pieces(&text, PIECE_BYTES);
        assert!(p.len() > 1);
        assert_eq!(p[0].start, 0);
        assert_eq!(p.last().unwrap().end, text.len());
        for w in p.windows(2) {
            assert_eq!(w[0].end, w[1].start);
            assert!(text[w[1].start..].starts_with("[[monitors]]"));
        }
    }
}
