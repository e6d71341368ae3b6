//! Exact identities for the detectors' state: maps and small sets keyed by the bytes of a
//! client, user, endpoint or path. The keyed 64-bit hash the parse workers computed only picks
//! the bucket; two identities are the same only when their bytes are. So two clients whose
//! hashes collide (by chance, or by a log's author who learned the key) stay two clients, and
//! the hash is never computed twice for a line. The bytes live with the entry, so memory is
//! bounded by the detectors' caps (`max_keys`) like the entries themselves.

use hashbrown::HashTable;

/// A key as the detectors see it: where it sits (`h`, the workers' keyed hash of it) and what
/// it is (its bytes, in one part, or two for a pair such as client × endpoint).
#[derive(Debug, Clone, Copy)]
pub struct Key<'a> {
    pub h: u64,
    pub a: &'a [u8],
    pub b: &'a [u8],
    /// `a` (at most 16 bytes, `b` empty) as two words, zero-padded: compared without reading
    /// `a` (see [`words`]).
    pub w: Option<[u64; 2]>,
}

impl<'a> Key<'a> {
    pub fn new(h: u64, a: &'a [u8]) -> Key<'a> {
        Key {
            h,
            a,
            b: &[],
            w: None,
        }
    }

    /// A key of at most 16 bytes with its [`words`], which the parse workers computed: the
    /// detector thread compares a client on every line without reading its bytes.
    pub fn short(h: u64, a: &'a [u8], w: [u64; 2]) -> Key<'a> {
        debug_assert!(a.len() <= 16 && words(a) == Some(w));
        Key {
            h,
            a,
            b: &[],
            w: Some(w),
        }
    }

    /// Two identities as one key (the parts' lengths are part of it: `ab`+`c` is not `a`+`bc`).
    pub fn pair(h: u64, a: &'a [u8], b: &'a [u8]) -> Key<'a> {
        Key { h, a, b, w: None }
    }

    /// A key whose hash is computed here (for the few keys the workers did not hash).
    pub fn of(a: &'a [u8]) -> Key<'a> {
        Key::new(crate::hash::hash_bytes(a), a)
    }
}

/// Up to 16 bytes as two little-endian words, zero-padded (the bytes and their length, which
/// is compared apart, give back the same words, and different bytes of one length differ).
pub fn words(a: &[u8]) -> Option<[u64; 2]> {
    // Runs for every line's client: word loads, not a copy of `a.len()` bytes (a `memcpy`).
    let n = a.len();
    let word = |i: usize| u64::from_le_bytes(a[i..i + 8].try_into().expect("8 bytes"));
    match n {
        0..=7 => {
            let mut w = 0u64;
            for (i, &c) in a.iter().enumerate() {
                w |= (c as u64) << (8 * i);
            }
            Some([w, 0])
        }
        8 => Some([word(0), 0]),
        // The last eight bytes, shifted down past those the first word holds.
        9..=16 => Some([word(0), word(n - 8) >> (8 * (16 - n))]),
        _ => None,
    }
}

/// Keys up to this many bytes (an IPv6 address, most endpoints) are kept in the entry itself:
/// a lookup then reads no memory but the table's, where a boxed key cost a cache miss per line.
const INLINE: usize = 22;
const _: () = assert!(INLINE >= 16, "short keys are compared as two inline words");

enum Stored {
    Inline(u8, [u8; INLINE]),
    Heap(Box<[u8]>),
}

impl Stored {
    fn new(a: &[u8], b: &[u8]) -> Stored {
        let n = a.len() + b.len();
        if n <= INLINE {
            let mut buf = [0u8; INLINE];
            buf[..a.len()].copy_from_slice(a);
            buf[a.len()..n].copy_from_slice(b);
            Stored::Inline(n as u8, buf)
        } else {
            let mut v = Vec::with_capacity(n);
            v.extend_from_slice(a);
            v.extend_from_slice(b);
            Stored::Heap(v.into_boxed_slice())
        }
    }

    #[inline]
    fn bytes(&self) -> &[u8] {
        match self {
            Stored::Inline(n, buf) => &buf[..*n as usize],
            Stored::Heap(b) => b,
        }
    }
}

struct Entry<V> {
    h: u64,
    /// Where the first part ends in `bytes`.
    split: u32,
    bytes: Stored,
    val: V,
}

impl<V> Entry<V> {
    #[inline(always)]
    fn is(&self, k: &Key) -> bool {
        let split = self.split as usize;
        if self.h != k.h || split != k.a.len() {
            return false;
        }
        if let (Some(w), Stored::Inline(n, buf)) = (k.w, &self.bytes) {
            // Inline bytes are zero-padded like the key's words: two word comparisons.
            let word = |i: usize| u64::from_le_bytes(buf[i..i + 8].try_into().expect("8 bytes"));
            return *n as usize == split && word(0) == w[0] && word(8) == w[1];
        }
        let bytes = self.bytes.bytes();
        bytes.len() == split + k.b.len() && same(&bytes[..split], k.a) && same(&bytes[split..], k.b)
    }
}

/// Byte equality of two slices of the same length without a `memcmp` call for the short ones
/// (an address, an endpoint): glibc's masked vector load for them stalled the detector thread
/// on every line.
#[inline(always)]
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], i: usize| u64::from_le_bytes(s[i..i + 8].try_into().expect("8 bytes"));
    if n >= 8 {
        let mut i = 0;
        while i + 8 < n {
            if word(a, i) != word(b, i) {
                return false;
            }
            i += 8;
        }
        // The last 8 bytes (overlapping the previous word when n is not a multiple of 8).
        word(a, n - 8) == word(b, n - 8)
    } else {
        a.iter().zip(b).all(|(x, y)| x == y)
    }
}

/// A map from exact keys to values.
pub struct ExactMap<V> {
    table: HashTable<Entry<V>>,
}

impl<V> Default for ExactMap<V> {
    fn default() -> Self {
        ExactMap {
            table: HashTable::new(),
        }
    }
}

impl<V> ExactMap<V> {
    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn clear(&mut self) {
        self.table.clear();
    }

    pub fn contains(&self, k: Key) -> bool {
        self.table.find(k.h, |e| e.is(&k)).is_some()
    }

    pub fn get(&self, k: Key) -> Option<&V> {
        self.table.find(k.h, |e| e.is(&k)).map(|e| &e.val)
    }

    pub fn get_mut(&mut self, k: Key) -> Option<&mut V> {
        self.table.find_mut(k.h, |e| e.is(&k)).map(|e| &mut e.val)
    }

    /// The key's value, made by `make` (and the key's bytes copied) when it is new.
    pub fn get_or_insert_with(&mut self, k: Key, make: impl FnOnce() -> V) -> &mut V {
        // A lookup first: `entry` would reserve room on every call, and nearly every call
        // finds its key.
        match self.table.find_entry(k.h, |e| e.is(&k)) {
            Ok(o) => &mut o.into_mut().val,
            Err(absent) => {
                let e = Entry {
                    h: k.h,
                    split: k.a.len() as u32,
                    bytes: Stored::new(k.a, k.b),
                    val: make(),
                };
                &mut absent
                    .into_table()
                    .insert_unique(k.h, e, |e| e.h)
                    .into_mut()
                    .val
            }
        }
    }

    /// Keeps the entries for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&mut V) -> bool) {
        self.table.retain(|e| keep(&mut e.val));
    }

    /// Every entry's hash and value.
    pub fn iter(&self) -> impl Iterator<Item = (u64, &V)> {
        self.table.iter().map(|e| (e.h, &e.val))
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.table.iter().map(|e| &e.val)
    }

    /// Empties the map, yielding the values.
    pub fn drain(&mut self) -> impl Iterator<Item = V> + '_ {
        self.table.drain().map(|e| e.val)
    }
}

/// A small set of distinct values (paths, clients, users of one episode), exact up to
/// [`Distinct::CAP`] values or [`Distinct::BYTES`] bytes of them; beyond, every new value is
/// assumed distinct (an over-count only on episodes already far past any threshold).
#[derive(Debug, Clone, Default)]
pub struct Distinct {
    /// The values kept, one record each: hash (8 bytes), length (4), bytes. One allocation per
    /// set: most sets (one episode's clients, users, paths) hold one or two values.
    data: Vec<u8>,
    /// Each kept value's hash and where its record starts, once the set holds more than
    /// [`Distinct::INDEX_FROM`] values: a busy episode's set (a client's paths, the clients
    /// cleared on a login path) is then searched by hash, not by walking the records.
    index: HashTable<(u64, u32)>,
    kept: u32,
    pub count: u64,
}

impl Distinct {
    const CAP: u32 = 256;
    const BYTES: usize = 64 << 10;
    const INDEX_FROM: u32 = 8;

    /// True when `v` (whose keyed hash is `h`) is in the set.
    pub fn contains(&self, h: u64, v: &[u8]) -> bool {
        let d = &self.data[..];
        if !self.index.is_empty() {
            return self
                .index
                .find(h, |&(x, at)| {
                    x == h && {
                        let (n, bytes) = Self::record(d, at as usize);
                        n == v.len() && same(bytes, v)
                    }
                })
                .is_some();
        }
        let mut at = 0;
        while at + 12 <= d.len() {
            let (n, bytes) = Self::record(d, at);
            if n == v.len() && Self::hash_at(d, at) == h && same(bytes, v) {
                return true;
            }
            at += 12 + n;
        }
        false
    }

    #[inline(always)]
    fn hash_at(d: &[u8], at: usize) -> u64 {
        u64::from_le_bytes(d[at..at + 8].try_into().expect("8 bytes"))
    }

    /// The length and bytes of the record at `at`.
    #[inline(always)]
    fn record(d: &[u8], at: usize) -> (usize, &[u8]) {
        let n = u32::from_le_bytes(d[at + 8..at + 12].try_into().expect("4 bytes")) as usize;
        (n, &d[at + 12..(at + 12 + n).min(d.len())])
    }

    /// Empties the set, keeping its buffers.
    pub fn clear(&mut self) {
        self.data.clear();
        self.index.clear();
        self.kept = 0;
        self.count = 0;
    }

    /// True when the set's buffers are small (worth keeping for reuse).
    pub fn small(&self) -> bool {
        self.data.capacity() <= 4096 && self.index.capacity() == 0
    }

    /// True when the set keeps no more values: an insert can then only add to `count`.
    pub fn is_full(&self) -> bool {
        self.kept >= Self::CAP
    }

    /// True when `v` is new.
    pub fn insert(&mut self, h: u64, v: &[u8]) -> bool {
        if self.contains(h, v) {
            return false;
        }
        if self.kept < Self::CAP && self.data.len() + v.len() <= Self::BYTES {
            let at = self.data.len() as u32;
            // One growth for the whole record (a new set's first value allocated three times),
            // and room for a few more values at the first (most sets stay that small).
            let need = 12 + v.len();
            if self.data.capacity() - self.data.len() < need {
                self.data.reserve(need.max(112));
            }
            self.data.extend_from_slice(&h.to_le_bytes());
            self.data.extend_from_slice(&(v.len() as u32).to_le_bytes());
            self.data.extend_from_slice(v);
            self.kept += 1;
            if !self.index.is_empty() {
                self.index.insert_unique(h, (h, at), |e| e.0);
            } else if self.kept > Self::INDEX_FROM {
                let mut at = 0;
                while at + 12 <= self.data.len() {
                    let h = Self::hash_at(&self.data, at);
                    self.index.insert_unique(h, (h, at as u32), |e| e.0);
                    at += 12 + Self::record(&self.data, at).0;
                }
            }
        }
        self.count += 1;
        true
    }

    /// The values kept, with their hashes.
    pub fn iter(&self) -> impl Iterator<Item = (u64, &[u8])> {
        let mut at = 0;
        std::iter::from_fn(move || {
            let d = &self.data;
            if at + 12 > d.len() {
                return None;
            }
            let h = Self::hash_at(d, at);
            let (n, v) = Self::record(d, at);
            at += 12 + n;
            Some((h, v))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two different identities forced onto one 64-bit hash stay two, in the map and in the
    /// set; the same bytes under the same hash are one.
    #[test]
    fn colliding_hashes_keep_identities_apart() {
        let mut m: ExactMap<u32> = ExactMap::default();
        for (i, c) in [&b"10.0.0.1"[..], b"10.0.0.2", b"10.0.0.1\0", b""]
            .iter()
            .enumerate()
        {
            *m.get_or_insert_with(Key::new(7, c), || 0) += i as u32 + 1;
        }
        *m.get_or_insert_with(Key::new(7, b"10.0.0.1"), || 0) += 10;
        assert_eq!(m.len(), 4);
        assert_eq!(m.get(Key::new(7, b"10.0.0.1")), Some(&11));
        assert_eq!(m.get(Key::new(7, b"10.0.0.2")), Some(&2));
        assert_eq!(m.get(Key::new(7, b"10.0.0.1\0")), Some(&3));
        assert_eq!(m.get(Key::new(7, b"")), Some(&4));
        assert!(!m.contains(Key::new(7, b"10.0.0.3")));
        // Same bytes under another hash: another bucket, not found (hashes come from the
        // bytes, so this only checks that the hash is part of the comparison).
        assert!(!m.contains(Key::new(8, b"10.0.0.1")));

        let mut s = Distinct::default();
        assert!(s.insert(7, b"/a"));
        assert!(s.insert(7, b"/b"));
        assert!(!s.insert(7, b"/a"));
        assert!(s.contains(7, b"/b") && !s.contains(7, b"/c"));
        assert_eq!(s.count, 2);
        assert_eq!(
            s.iter().map(|(_, v)| v.to_vec()).collect::<Vec<_>>(),
            [b"/a", b"/b"]
        );
    }

    /// A set past its index threshold finds what it holds, by bytes under a colliding hash,
    /// and keeps its insertion order.
    #[test]
    fn indexed_sets_stay_exact() {
        let mut s = Distinct::default();
        let vals: Vec<Vec<u8>> = (0..300).map(|i| format!("/p/{i}").into_bytes()).collect();
        for (i, v) in vals.iter().enumerate() {
            // Every third value shares hash 7 with the others of its kind.
            let h = if i % 3 == 0 { 7 } else { i as u64 };
            assert!(s.insert(h, v), "{i}");
            // Past the cap a value is counted, not kept (and counts again).
            if i < 256 {
                assert!(!s.insert(h, v), "{i} again");
            }
        }
        assert_eq!(s.count, 300);
        for (i, v) in vals.iter().enumerate().take(256) {
            let h = if i % 3 == 0 { 7 } else { i as u64 };
            assert!(s.contains(h, v), "{i}");
            assert!(!s.contains(h, b"/p/x"), "{i}");
        }
        let kept: Vec<Vec<u8>> = s.iter().map(|(_, v)| v.to_vec()).collect();
        assert_eq!(kept, vals[..256].to_vec());
        // Past the cap, new values count as distinct without being kept.
        assert!(!s.contains(7, &vals[270]));
    }

    /// Keys too long to keep inline are compared as exactly.
    #[test]
    fn long_keys_are_exact() {
        let long = |c: u8| {
            let mut v = vec![b'x'; 300];
            v[150] = c;
            v
        };
        let (a, b) = (long(b'a'), long(b'b'));
        let mut m: ExactMap<u8> = ExactMap::default();
        m.get_or_insert_with(Key::new(7, &a), || 1);
        m.get_or_insert_with(Key::pair(7, &a[..INLINE], &a[INLINE..]), || 2);
        m.get_or_insert_with(Key::new(7, &b), || 3);
        assert_eq!(m.len(), 3);
        assert_eq!(m.get(Key::new(7, &b)), Some(&3));
        assert_eq!(m.get(Key::new(7, &a[..INLINE])), None);
    }

    /// Short keys compared by their words find what their bytes find, and nothing else.
    #[test]
    fn short_keys_by_words_are_exact() {
        let mut m: ExactMap<u8> = ExactMap::default();
        let keys: [&[u8]; 6] = [
            b"10.0.0.1",
            b"10.0.0.1\0",
            b"",
            b"\0",
            b"255.255.255.255",
            b"1234567890abcdef",
        ];
        for (i, k) in keys.iter().enumerate() {
            m.get_or_insert_with(Key::new(7, k), || i as u8);
        }
        for (i, k) in keys.iter().enumerate() {
            let w = words(k).expect("short");
            assert_eq!(m.get(Key::short(7, k, w)), Some(&(i as u8)), "{k:?}");
        }
        assert_eq!(
            m.get(Key::short(7, b"10.0.0.2", words(b"10.0.0.2").unwrap())),
            None
        );
        assert_eq!(words(&[0u8; 17]), None);
    }

    /// The words of up to 16 bytes are the bytes, zero-padded, read as two little-endian words.
    #[test]
    fn words_are_the_padded_bytes() {
        let src: Vec<u8> = (1..=17u8).map(|i| i.wrapping_mul(37) | 0x80).collect();
        for n in 0..=17 {
            let a = &src[..n];
            let expected = (n <= 16).then(|| {
                let mut b = [0u8; 16];
                b[..n].copy_from_slice(a);
                [
                    u64::from_le_bytes(b[..8].try_into().unwrap()),
                    u64::from_le_bytes(b[8..].try_into().unwrap()),
                ]
            });
            assert_eq!(words(a), expected, "{n} bytes");
        }
    }

    /// A pair key is its two parts, not their concatenation.
    #[test]
    fn pair_keys_keep_their_split() {
        let mut m: ExactMap<u8> = ExactMap::default();
        m.get_or_insert_with(Key::pair(1, b"ab", b"c"), || 1);
        m.get_or_insert_with(Key::pair(1, b"a", b"bc"), || 2);
        m.get_or_insert_with(Key::new(1, b"abc"), || 3);
        assert_eq!(m.len(), 3);
        assert_eq!(m.get(Key::pair(1, b"a", b"bc")), Some(&2));
        m.retain(|v| *v != 2);
        assert_eq!(m.len(), 2);
        assert_eq!(m.drain().count(), 2);
        assert_eq!(m.len(), 0);
    }
}
