//! Identities of clients, users, paths, endpoints and user agents as 64-bit hashes, keyed with
//! a secret chosen at random for each run (foldhash, seeded once per process), so a log's
//! author cannot craft two clients or two paths that collide: an unkeyed hash (the FxHash this
//! replaced) let an attacker hide among an ordinary client's traffic or split one client in two.
//! The hash only places an identity: the detectors compare the bytes themselves
//! ([`crate::identity`]), and so does the scanner-signature cache of user agents. And a
//! pass-through hasher for maps keyed by hashes.

use std::hash::{BuildHasher, BuildHasherDefault, Hasher};
use std::sync::LazyLock;

const K: u64 = 0x517c_c1b7_2722_0a95;

/// One random key for the whole process: every worker thread must hash alike.
static KEYED: LazyLock<foldhash::fast::RandomState> = LazyLock::new(Default::default);

/// Keyed hash of bytes (the length is part of it).
#[inline]
pub fn hash_bytes(b: &[u8]) -> u64 {
    let mut h = KEYED.build_hasher();
    h.write(b);
    h.finish()
}

pub fn mix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h
}

pub fn combine(a: u64, b: u64) -> u64 {
    mix(a ^ b.rotate_left(17).wrapping_mul(K))
}

/// An endpoint's identity, appended to `out`: the method byte and the path with every digit run
/// collapsed to `#`, so `/api/msgs/user212` and `/api/msgs/user7` are one endpoint. A path
/// longer than 255 bytes is kept whole (method byte, raw path: 257 bytes or more, so it never
/// equals a collapsed one, which has at most 256). The detectors compare endpoints by these
/// bytes; [`hash_bytes`] of them places them.
pub fn endpoint_key(method: u8, path: &[u8], out: &mut Vec<u8>) {
    out.push(method);
    if path.len() > 255 {
        out.extend_from_slice(path);
        return;
    }
    // This runs once per log line: the runs without digits (most of a path) are found eight
    // bytes at a time and appended a word at a time (a copy per run cost a `memcpy` call).
    let n = path.len();
    out.reserve(n);
    let mut i = 0;
    while i < n {
        while i + 8 <= n {
            let w: [u8; 8] = path[i..i + 8].try_into().expect("8");
            if has_digit(u64::from_le_bytes(w)) {
                break;
            }
            out.extend_from_slice(&w);
            i += 8;
        }
        while i < n && !path[i].is_ascii_digit() {
            out.push(path[i]);
            i += 1;
        }
        if i < n {
            out.push(b'#');
            while i < n && path[i].is_ascii_digit() {
                i += 1;
            }
        }
    }
}

/// True when one of the word's bytes is an ASCII digit: the bytes XOR `0x30` are then below 10
/// (the "has a byte less than n" test; exact for whether any byte is).
#[inline]
fn has_digit(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let x = w ^ (0x30 * ONES);
    x.wrapping_sub(10 * ONES) & !x & HIGH != 0
}

/// Where a user agent sits in a worker's scanner cache: its length and first and last 16
/// bytes, mixed — cheap, since it runs for every line. Only a slot index: the cache compares
/// the whole agent before it trusts a slot, so agents that share one (by chance or by design)
/// only evict each other and are matched afresh.
pub fn agent_slot(a: &[u8]) -> u64 {
    let n = a.len();
    if n <= 32 {
        return hash_bytes(a);
    }
    let w = |i: usize| u64::from_le_bytes(a[i..i + 8].try_into().expect("8 bytes"));
    mix(w(0)
        ^ w(8).rotate_left(17)
        ^ w(n - 16).rotate_left(31)
        ^ w(n - 8).rotate_left(47)
        ^ (n as u64).wrapping_mul(K))
}

/// The display form of an endpoint path: digit runs shown as `{n}`.
pub fn endpoint_display(path: &[u8]) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_digits = false;
    for ch in String::from_utf8_lossy(path).chars() {
        if ch.is_ascii_digit() {
            if !in_digits {
                out.push_str("{n}");
            }
            in_digits = true;
        } else {
            in_digits = false;
            out.push(ch);
        }
    }
    out
}

/// Keys are already hashes: pass them through.
#[derive(Default, Clone, Copy)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = hash_bytes(bytes);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

pub type IdMap<V> = std::collections::HashMap<u64, V, BuildHasherDefault<IdHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    fn key(method: u8, path: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        endpoint_key(method, path, &mut out);
        out
    }

    /// The branch-free collapse, as the plain definition: digit runs become one `#`; a path
    /// over 255 bytes is kept whole.
    fn endpoint_key_reference(method: u8, path: &[u8]) -> Vec<u8> {
        let mut seq = vec![method];
        if path.len() > 255 {
            seq.extend_from_slice(path);
            return seq;
        }
        let mut in_digits = false;
        for &c in path {
            if c.is_ascii_digit() {
                if !in_digits {
                    seq.push(b'#');
                }
                in_digits = true;
            } else {
                in_digits = false;
                seq.push(c);
            }
        }
        seq
    }

    #[test]
    fn endpoint_key_matches_the_plain_collapse() {
        let mut paths: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            b"/".to_vec(),
            b"/api/msgs".to_vec(),
            b"/api/msgs/user212".to_vec(),
            b"/1234567".to_vec(),
            b"/a1b22c333d4444e55555".to_vec(),
            b"12345678901234567890".to_vec(),
        ];
        for len in 0..300 {
            paths.push(
                (0..len)
                    .map(|i| [b'a', b'7', b'/', b'9', b'x'][(i * 7 + len) % 5])
                    .collect(),
            );
        }
        for p in &paths {
            for m in [0u8, 1, 7] {
                assert_eq!(key(m, p), endpoint_key_reference(m, p), "{p:?}");
            }
        }
    }

    /// The word test agrees with the byte test on every byte value in every position.
    #[test]
    fn has_digit_is_exact() {
        for b in 0..=255u8 {
            for pos in 0..8 {
                for fill in [b'a', b'/', 0u8, 0xff, b':', b'/' ^ 0x80] {
                    let mut w = [fill; 8];
                    w[pos] = b;
                    assert_eq!(
                        has_digit(u64::from_le_bytes(w)),
                        w.iter().any(|c| c.is_ascii_digit()),
                        "{w:?}"
                    );
                }
            }
        }
        // Mixed words (a borrow from one byte must not fake a digit in the next).
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Bytes drawn near the digits, so words with and without one both come up.
            let w = (x & 0x0707_0707_0707_0707) + 0x2d2d_2d2d_2d2d_2d2d;
            let bytes = w.to_le_bytes();
            assert_eq!(
                has_digit(w),
                bytes.iter().any(|c| c.is_ascii_digit()),
                "{bytes:?}"
            );
        }
    }

    #[test]
    fn endpoints_collapse_digits() {
        assert_eq!(key(1, b"/api/msgs/user212"), key(1, b"/api/msgs/user7"));
        assert_ne!(key(1, b"/a"), key(2, b"/a"));
        // Long paths are whole: digits there tell endpoints apart.
        let long = |d: &str| format!("/{}{d}", "x".repeat(300));
        assert_ne!(key(1, long("1").as_bytes()), key(1, long("2").as_bytes()));
        assert_eq!(endpoint_display(b"/u/user212/x1"), "/u/user{n}/x{n}");
        assert_ne!(hash_bytes(b"abc"), hash_bytes(b"abd"));
    }

    /// The unkeyed FxHash this replaced collided whenever two same-length inputs differed in
    /// the top bit of one 8-byte word and in a matching bit of the next: a client could be made
    /// to share another's identity. With the keyed hash those pairs differ.
    #[test]
    fn fx_style_collision_pairs_do_not_collide() {
        let a = *b"10.0.0.1xxxxxxxx";
        let mut b = a;
        b[7] ^= 0x80;
        // rot5 of bit 63 is bit 4 of the next word's first byte.
        b[8] ^= 0x10;
        assert_ne!(hash_bytes(&a), hash_bytes(&b));
        assert_ne!(hash_bytes(b"10.0.0.1"), hash_bytes(b"10.0.0.1\0"));
    }
}
