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
        let mut buf = [0u8; 8];
        buf[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(buf)).wrapping_mul(K);
    }
    mix(h)
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
