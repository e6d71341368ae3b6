//! Byte-level matching: substring search for short needles, the branch-free trigger scan,
//! path prefixes compared as words, spans of a chunk, and where a secret's value sits. No
//! allocation here: this runs for every line.

use super::tables::TRIGGER;
use crate::event::Span;

/// Substring search for short needles without building a searcher (one-shot `memmem::find`
/// costs more than it saves on short lines).
#[inline]
pub(super) fn find_bytes(h: &[u8], n: &[u8]) -> Option<usize> {
    let first = *n.first()?;
    memchr::memchr_iter(first, h).find(|&i| h[i..].starts_with(n))
}

/// Byte classes for [`triggers`]: a `TRIGGER` byte, `.`, `/`, `e`.
const T_TRIGGER: u8 = 1;
const T_DOT: u8 = 2;
const T_SLASH: u8 = 4;
const T_E: u8 = 8;
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = if TRIGGER[i] { T_TRIGGER } else { 0 };
        i += 1;
    }
    t[b'.' as usize] |= T_DOT;
    t[b'/' as usize] |= T_SLASH;
    t[b'e' as usize] |= T_E;
    t
};

/// Whether a path (or, with `query`, a query string) is worth decoding and scanning for
/// payloads: a `TRIGGER` byte, `..`, or (in a query) `/e`. One pass without a branch per
/// byte: almost every path and query is clean, so the whole (short) field is read anyway.
#[inline]
pub(super) fn triggers(b: &[u8], query: bool) -> bool {
    let slash_e = if query { T_E } else { 0 };
    let (mut hit, mut prev) = (0u8, 0u8);
    for &c in b {
        let k = CLASS[c as usize];
        hit |= k & T_TRIGGER;
        // `..`: a dot after a dot; `/e` (queries only): an `e` after a slash.
        hit |= (prev & k & T_DOT) | ((prev << 1) & k & slash_e);
        prev = k;
    }
    hit != 0
}

/// A configured path prefix, with its first 8 bytes as a word: most paths are told apart from
/// every prefix by one masked comparison, with no `memcmp` call.
pub(super) struct Prefix {
    pub(super) bytes: Vec<u8>,
    word: u64,
    mask: u64,
}

impl Prefix {
    pub(super) fn new(p: &[u8]) -> Prefix {
        let n = p.len().min(8);
        Prefix {
            bytes: p.to_vec(),
            word: head_word(p),
            mask: if n == 8 {
                u64::MAX
            } else {
                (1u64 << (8 * n)) - 1
            },
        }
    }

    /// `path.starts_with(&self.bytes)`; `head` is `head_word(path)`.
    #[inline]
    pub(super) fn is_prefix_of(&self, path: &[u8], head: u64) -> bool {
        let n = self.bytes.len();
        path.len() >= n
            && head & self.mask == self.word
            && (n <= 8 || path[8..n] == self.bytes[8..])
    }
}

/// The first 8 bytes of `b` as a little-endian word, zero-padded.
#[inline]
pub(super) fn head_word(b: &[u8]) -> u64 {
    match b.first_chunk::<8>() {
        Some(w) => u64::from_le_bytes(*w),
        // Short: a byte loop, not a variable-length copy (a `memcpy` call per path).
        None => b.iter().rev().fold(0u64, |w, &c| (w << 8) | c as u64),
    }
}
#[inline]
pub fn span_bytes<'a>(buf: &'a [u8], arena: &'a [u8], s: Span) -> &'a [u8] {
    let (st, len) = (s.start as usize, s.len as usize);
    if len == 0 {
        return &[];
    }
    if st < buf.len() {
        &buf[st..(st + len).min(buf.len())]
    } else {
        let a = st - buf.len();
        &arena[a.min(arena.len())..(a + len).min(arena.len())]
    }
}

/// Where the value of `name` starts and ends in lowercase text: `name=v`, `name: v`,
/// `"name":"v"`, `bearer v`. The name must not be the tail of a longer word.
pub(super) fn secret_value_at(s: &[u8], name: &[u8]) -> Option<(usize, usize)> {
    // Cheap rejection before any search: a secret needs a separator after its name.
    if memchr::memchr3(b'=', b':', b' ', s).is_none() || s.len() < name.len() {
        return None;
    }
    let mut from = 0;
    while let Some(i) = find_bytes(&s[from..], name).map(|i| i + from) {
        from = i + name.len();
        if i > 0 && (s[i - 1].is_ascii_alphanumeric() || s[i - 1] == b'_') {
            continue;
        }
        let mut j = i + name.len();
        if j < s.len() && s[j] == b'"' {
            j += 1;
        }
        let sep = if name == b"bearer" { b' ' } else { *s.get(j)? };
        if !(sep == b'=' || sep == b':' || (name == b"bearer" && s.get(j) == Some(&b' '))) {
            continue;
        }
        j += 1;
        while j < s.len() && (s[j] == b' ' || s[j] == b'"' || s[j] == b'\'') {
            j += 1;
        }
        let e = s[j..]
            .iter()
            .position(|c| b" \"'&,;}\t".contains(c))
            .map_or(s.len(), |k| k + j);
        if e > j {
            return Some((j, e));
        }
    }
    None
}

pub(super) fn is_masked(v: &[u8]) -> bool {
    v.iter().all(|&c| c == b'*' || c == b'x')
        || v == b"[redacted]"
        || v == b"[filtered]"
        || v == b"redacted"
        || v == b"null"
        || v == b"-"
}
