//! Decoding and masking of output: URL decoding (for the payload scan) and secrets replaced by
//! `***` in every line rampart shows.

use super::matching::secret_value_at;
use super::tables::SECRET_NAMES;

#[inline]
pub(super) fn decode_lower(b: &[u8], out: &mut Vec<u8>) {
    let hex = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    let mut i = 0;
    while i < b.len() && out.len() < 4096 {
        let c = b[i];
        if c == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l).to_ascii_lowercase());
                i += 3;
                continue;
            }
        }
        out.push(if c == b'+' {
            b' '
        } else {
            c.to_ascii_lowercase()
        });
        i += 1;
    }
}

/// A log line with every secret value replaced by `***`, for evidence: rampart never repeats a
/// secret it found.
pub fn mask_secrets(line: &str) -> String {
    let lower = line.to_ascii_lowercase();
    let lb = lower.as_bytes();
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    for name in SECRET_NAMES {
        let mut from = 0;
        while from < lb.len() {
            match secret_value_at(&lb[from..], name.as_bytes()) {
                Some((s, e)) => {
                    cuts.push((s + from, e + from));
                    from += e;
                }
                None => break,
            }
        }
    }
    if cuts.is_empty() {
        return line.to_string();
    }
    cuts.sort();
    let mut out = String::with_capacity(line.len());
    let mut pos = 0;
    for (s, e) in cuts {
        if s < pos || !line.is_char_boundary(s) || !line.is_char_boundary(e) {
            continue;
        }
        out.push_str(&line[pos..s]);
        out.push_str("***");
        pos = e;
    }
    out.push_str(&line[pos..]);
    out
}
