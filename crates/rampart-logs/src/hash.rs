//! A small, fast, non-cryptographic hash for keys that are already attacker-independent enough
//! (clients, paths) and a pass-through hasher for maps keyed by such hashes.

use std::hash::{BuildHasherDefault, Hasher};

const K: u64 = 0x517c_c1b7_2722_0a95;

/// FxHash-style hash of bytes, 8 at a time, finished with a mix so low bits are usable.
pub fn hash_bytes(b: &[u8]) -> u64 {
    let mut h: u64 = b.len() as u64;
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let v = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        h = (h.rotate_left(5) ^ v).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        h = (h.rotate_left(5) ^ tail_word(b, rest.len())).wrapping_mul(K);
    }
    mix(h)
}

/// The last `n` (1..=7) bytes of `b` as a little-endian word, zero-padded: when `b` holds 8
/// bytes or more, its last 8 shifted down (no variable-length copy, which is a `memcpy` call
/// per hash); a byte loop for the rest.
#[inline]
fn tail_word(b: &[u8], n: usize) -> u64 {
    if b.len() >= 8 {
        let last: [u8; 8] = b[b.len() - 8..].try_into().expect("8 bytes");
        u64::from_le_bytes(last) >> (8 * (8 - n))
    } else {
        b[b.len() - n..]
            .iter()
            .rev()
            .fold(0u64, |w, &c| (w << 8) | c as u64)
    }
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

/// Hash of method + path with every digit run collapsed, so `/api/msgs/user212` and
/// `/api/msgs/user7` are one endpoint.
pub fn endpoint_hash(method: u8, path: &[u8]) -> u64 {
    // Most paths are short: a small buffer is cheaper to zero than the long one (a `memset`
    // call per line). Both give the same hash.
    if path.len() < 64 {
        collapsed_hash::<72>(method, path)
    } else {
        collapsed_hash::<264>(method, path)
    }
}

/// [`endpoint_hash`] with a buffer of `N` bytes, at least 8 more than the method byte and the
/// path's first 255 bytes need.
fn collapsed_hash<const N: usize>(method: u8, path: &[u8]) -> u64 {
    // The method byte, then the path with digit runs collapsed to `#`, into a stack buffer
    // (no allocation) by a loop without branches; then hashed 8 bytes at a time. This runs
    // once per log line. 8 spare bytes so the last, partial word is read whole and masked (a
    // digit run may leave a stray `#` just past the end).
    let mut seq = [0u8; N];
    seq[0] = method;
    let mut n = 1;
    let mut in_digits = false;
    for &c in path.iter().take(255) {
        let digit = c.is_ascii_digit();
        // A digit after a digit is written and then overwritten: `n` does not move.
        seq[n] = if digit { b'#' } else { c };
        n += usize::from(!(digit && in_digits));
        in_digits = digit;
    }
    let mut h: u64 = 0;
    let mut words = seq[..n].chunks_exact(8);
    for w in &mut words {
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w.try_into().expect("8 bytes"))).wrapping_mul(K);
    }
    let rest = words.remainder().len();
    if rest > 0 {
        let at = n - rest;
        let w = u64::from_le_bytes(seq[at..at + 8].try_into().expect("8 bytes"));
        h = (h.rotate_left(5) ^ (w & ((1u64 << (8 * rest)) - 1))).wrapping_mul(K);
    }
    let h = mix(h ^ (n as u64).wrapping_mul(K));
    if path.len() > 255 {
        combine(h, hash_bytes(path))
    } else {
        h
    }
}

/// A cheap identity for a user agent (for the per-worker scanner cache): its length, head and
/// tail, where scanners name themselves.
pub fn agent_hash(a: &[u8]) -> u64 {
    if a.len() <= 64 {
        return hash_bytes(a);
    }
    combine(
        hash_bytes(&a[..48]),
        hash_bytes(&a[a.len() - 16..]) ^ a.len() as u64,
    )
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
    /// The word-at-a-time loop above, as it was first written: byte by byte.
    fn endpoint_hash_reference(method: u8, path: &[u8]) -> u64 {
        // Collapse digit runs while packing bytes into 8-byte words, hashed as they fill: no buffer
        // to clear per line (this runs once per log line).
        let mut h: u64 = 0;
        let mut word: u64 = method as u64;
        let mut filled = 1u32;
        let mut total = 1u64;
        let mut in_digits = false;
        for &c in path.iter().take(255) {
            let b = if c.is_ascii_digit() {
                if in_digits {
                    continue;
                }
                in_digits = true;
                b'#'
            } else {
                in_digits = false;
                c
            };
            word |= (b as u64) << (8 * filled);
            filled += 1;
            total += 1;
            if filled == 8 {
                h = (h.rotate_left(5) ^ word).wrapping_mul(K);
                word = 0;
                filled = 0;
            }
        }
        if filled > 0 {
            h = (h.rotate_left(5) ^ word).wrapping_mul(K);
        }
        let h = mix(h ^ total.wrapping_mul(K));
        if path.len() > 255 {
            combine(h, hash_bytes(path))
        } else {
            h
        }
    }

    #[test]
    fn endpoint_hash_matches_the_byte_loop() {
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
                assert_eq!(endpoint_hash(m, p), endpoint_hash_reference(m, p), "{p:?}");
            }
        }
    }

    /// `hash_bytes` as first written: the remainder copied into a zeroed word.
    fn hash_bytes_reference(b: &[u8]) -> u64 {
        let mut h: u64 = b.len() as u64;
        let mut chunks = b.chunks_exact(8);
        for c in &mut chunks {
            let v = u64::from_le_bytes(c.try_into().expect("8 bytes"));
            h = (h.rotate_left(5) ^ v).wrapping_mul(K);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(buf)).wrapping_mul(K);
        }
        mix(h)
    }

    #[test]
    fn hash_bytes_matches_the_copying_version() {
        let all: Vec<u8> = (0..200u32).map(|i| (i * 37 + 11) as u8).collect();
        for len in 0..all.len() {
            for start in [0, 1, 5] {
                let b = &all[start..(start + len).min(all.len())];
                assert_eq!(hash_bytes(b), hash_bytes_reference(b), "{len} {start}");
            }
        }
    }

    #[test]
    fn endpoints_collapse_digits() {
        assert_eq!(
            endpoint_hash(1, b"/api/msgs/user212"),
            endpoint_hash(1, b"/api/msgs/user7")
        );
        assert_ne!(endpoint_hash(1, b"/a"), endpoint_hash(2, b"/a"));
        assert_eq!(endpoint_display(b"/u/user212/x1"), "/u/user{n}/x{n}");
        assert_ne!(hash_bytes(b"abc"), hash_bytes(b"abd"));
    }
}
