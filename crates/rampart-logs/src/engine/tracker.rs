//! Bounded per-key state shared by the detectors: a leaky bucket (CrowdSec's model: `capacity`
//! events fit, one leaks every `leak` seconds, one more than fits overflows) and an episode
//! (the run of events with no quiet gap longer than `gap`), which becomes an incident when it
//! overflowed. Maps are capped: idle keys go first, then the least recently seen.

use crate::classify::{mask_secrets, span_bytes};
use crate::event::{Ev, Span};
pub use crate::identity::Distinct;
use crate::identity::{ExactMap, Key};

#[derive(Debug, Clone, Copy, Default)]
pub struct Bucket {
    pub level: f64,
    pub last: i64,
    /// When the bucket last started filling from empty, and the pours since: the current run.
    pub since: i64,
    pub run: u64,
}

impl Bucket {
    /// Pours `n` events at `ts`; true when the bucket overflows.
    pub fn pour(&mut self, ts: i64, n: f64, capacity: f64, leak_secs: f64) -> bool {
        // Out-of-order lines (several workers behind a proxy) do not refill the bucket.
        let dt = (ts - self.last).max(0) as f64;
        let drained = (self.level - dt / leak_secs).max(0.0);
        if drained < 1e-9 {
            self.since = ts;
            self.run = 0;
        }
        // What does not fit spills: the level never exceeds the capacity plus this pour, so an
        // overflow means "faster than the leak right now", not "was fast a while ago".
        self.level = (drained + n).min(capacity + n.max(1.0));
        self.run += 1;
        self.last = self.last.max(ts);
        self.level > capacity
    }

    /// True when the last pour started a new run (the bucket had drained empty).
    pub fn fresh(&self) -> bool {
        self.run == 1
    }
}

/// Where the current line came from, to copy evidence out of the chunk.
pub struct Ctx<'a> {
    pub buf: &'a [u8],
    pub arena: &'a [u8],
    pub line_base: u64,
    pub evidence_cap: usize,
}

impl Ctx<'_> {
    pub fn text(&self, s: Span) -> &[u8] {
        span_bytes(self.buf, self.arena, s)
    }
    pub fn string(&self, s: Span) -> String {
        String::from_utf8_lossy(self.text(s)).into_owned()
    }
    /// Hash of the raw path, for "distinct paths": computed here, for the few lines that
    /// need it, rather than by the workers for every line.
    pub fn path_h(&self, ev: &Ev) -> u64 {
        crate::hash::hash_bytes(self.text(ev.path))
    }

    /// The line's client as a key (`-` when it has none, as the workers hashed it).
    pub fn client<'a>(&'a self, ev: &Ev) -> Key<'a> {
        let c = self.text(ev.client);
        match c.len() {
            1..=16 => Key::short(ev.client_h, c, ev.client_w),
            0 => Key::new(ev.client_h, b"-"),
            _ => Key::new(ev.client_h, c),
        }
    }

    pub fn user<'a>(&'a self, ev: &Ev) -> Key<'a> {
        Key::new(ev.user_h, self.text(ev.user))
    }

    /// The line's endpoint (method + path, digit runs collapsed) as a key.
    pub fn endpoint<'a>(&'a self, ev: &Ev) -> Key<'a> {
        Key::new(ev.endpoint_h, self.text(ev.endpoint))
    }

    /// The line's client on its endpoint, as one key.
    pub fn client_endpoint<'a>(&'a self, ev: &Ev) -> Key<'a> {
        let (c, e) = (self.client(ev), self.endpoint(ev));
        Key::pair(crate::hash::combine(c.h, e.h), c.a, e.a)
    }

    pub fn line_no(&self, ev: &Ev) -> u64 {
        self.line_base + ev.line as u64 + 1
    }
}

/// A run of related events from one key.
#[derive(Debug, Clone, Default)]
pub struct Episode {
    pub first: i64,
    pub last: i64,
    pub tz: i32,
    /// Events of interest (errors, attempts, failures).
    pub count: u64,
    /// All requests of the key while the episode was open (for ratios).
    pub requests: u64,
    pub fired: bool,
    pub fired_at: i64,
    /// Every client of the episode (exact bytes) with its count: a firewall rule is built from
    /// this list, so it is not capped below `MAX_CLIENTS`.
    pub clients: Vec<(String, u64)>,
    /// Where each client sits in `clients`, by keyed hash (the bytes are compared as well).
    pub client_pos: crate::hash::IdMap<u32>,
    pub client_set: Distinct,
    /// Requests of the key while the episode was open that were answered 2xx/3xx (for the
    /// busy-client rule: failures against the client's own successes).
    pub ok: u64,
    /// All the key's requests are being counted (in `requests`, `ok`) since `count` was this:
    /// a detector watches only the episodes that may come to matter.
    pub watch: Option<u64>,
    pub paths: Vec<(String, u64)>,
    pub path_set: Distinct,
    pub users: Vec<String>,
    pub user_set: Distinct,
    pub statuses: Vec<(u16, u64)>,
    pub sizes: Vec<(u64, u64)>,
    pub sizes_overflow: bool,
    pub evidence: Vec<(u64, RawLine)>,
    pub agents: Vec<String>,
    /// Gap statistics between events of interest.
    pub pauses: u64,
    pub max_gap: i64,
    pub flags: u32,
    pub sensitive: Distinct,
    pub success_after: bool,
    /// Clients shown to be bystanders (a person who logged in during a distributed attack):
    /// not listed among the episode's clients.
    pub cleared: Distinct,
    /// Detector-specific tag (endpoint display, secret name, ...).
    pub label: String,
    /// The key's bytes, for a detector that looks its key up again when the episode closes
    /// (error bursts: the endpoint's baseline).
    pub key: Vec<u8>,
    /// The episode as it stood at its last overflowing event (see [`Episode::trim`]).
    pub over: Option<OverMark>,
}

/// Snapshot at the last event that overflowed the bucket.
#[derive(Debug, Clone, Copy, Default)]
pub struct OverMark {
    pub last: i64,
    pub count: u64,
    pub requests: u64,
    pub pauses: u64,
    pub max_gap: i64,
    pub clients: u64,
    pub paths: u64,
    pub users: u64,
}

/// An evidence line while its episode is open: the line's first bytes, copied out of the
/// chunk. Decoding and masking secrets wait until the episode becomes an incident, since most
/// episodes (one 404, one failed login) never do and masking is the costly part.
#[derive(Debug, Clone, Default)]
pub struct RawLine(Vec<u8>);

/// Evidence shows at most this many bytes of a line (then `…`).
const EVIDENCE_BYTES: usize = 500;

impl RawLine {
    /// Enough bytes to make the same text as the whole line: a UTF-8 sequence is decided by at
    /// most 4 bytes, so the decoded text agrees with the whole line's up to past
    /// `EVIDENCE_BYTES`, where it is cut anyway.
    const KEEP: usize = EVIDENCE_BYTES + 12;

    pub fn new(raw: &[u8]) -> RawLine {
        RawLine(raw[..raw.len().min(Self::KEEP)].to_vec())
    }

    /// The line as evidence: lossy UTF-8, cut at `EVIDENCE_BYTES` (on a char boundary, marked
    /// `…`), secrets masked.
    pub fn text(&self) -> String {
        let mut text = String::from_utf8_lossy(&self.0).into_owned();
        if text.len() > EVIDENCE_BYTES {
            let mut cut = EVIDENCE_BYTES;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
            text.push('…');
        }
        mask_secrets(&text)
    }
}

const SHOWN: usize = 10;

/// Episodes kept for reuse, per thread (each engine runs on one).
const SPARE_MAX: usize = 256;
thread_local! {
    #[allow(clippy::vec_box)] // the boxes are what is reused
    static SPARE: std::cell::RefCell<Vec<Box<Episode>>> = const { std::cell::RefCell::new(Vec::new()) };
}
/// A pause long enough to read an error message and think.
pub const PAUSE_SECS: i64 = 30;

impl Episode {
    pub fn new(ev: &Ev) -> Episode {
        Episode {
            first: ev.ts,
            last: ev.ts,
            tz: ev.tz,
            ..Episode::default()
        }
    }

    /// A new episode starting at `ev`, in a box (and buffers) left by an episode that ended
    /// without firing when there is one: most episodes (one 404, one failed login) end so,
    /// and allocating and freeing a dozen small buffers each cost the detector thread more
    /// than their contents.
    pub fn boxed(ev: &Ev) -> Box<Episode> {
        match SPARE.with(|s| s.borrow_mut().pop()) {
            Some(mut ep) => {
                ep.reset(ev);
                ep
            }
            None => Box::new(Episode::new(ev)),
        }
    }

    /// Gives an episode that is done with back for [`Episode::boxed`] (or frees it, when the
    /// spare list is full or its buffers grew large).
    pub fn recycle(ep: Box<Episode>) {
        if ep.small() {
            SPARE.with(|s| {
                let mut s = s.borrow_mut();
                if s.len() < SPARE_MAX {
                    s.push(ep);
                }
            });
        }
    }

    /// True when every buffer of the episode is small enough to keep in the spare list.
    fn small(&self) -> bool {
        const N: usize = 64;
        self.clients.capacity() <= N
            && self.client_pos.capacity() == 0
            && self.paths.capacity() <= N
            && self.users.capacity() <= N
            && self.statuses.capacity() <= N
            && self.sizes.capacity() <= N
            && self.evidence.capacity() <= N
            && self.agents.capacity() <= N
            && self.label.capacity() <= 256
            && self.key.capacity() <= 1024
            && [
                &self.client_set,
                &self.path_set,
                &self.user_set,
                &self.sensitive,
                &self.cleared,
            ]
            .iter()
            .all(|d| d.small())
    }

    /// Makes this episode the same as `Episode::new(ev)`, keeping its buffers' capacity. Every
    /// field is named, so a new field cannot be forgotten here.
    fn reset(&mut self, ev: &Ev) {
        let Episode {
            first,
            last,
            tz,
            count,
            requests,
            fired,
            fired_at,
            clients,
            client_pos,
            client_set,
            ok,
            watch,
            paths,
            path_set,
            users,
            user_set,
            statuses,
            sizes,
            sizes_overflow,
            evidence,
            agents,
            pauses,
            max_gap,
            flags,
            sensitive,
            success_after,
            cleared,
            label,
            key,
            over,
        } = self;
        (*first, *last, *tz) = (ev.ts, ev.ts, ev.tz);
        (*count, *requests, *fired, *fired_at, *ok, *watch) = (0, 0, false, 0, 0, None);
        clients.clear();
        client_pos.clear();
        paths.clear();
        users.clear();
        statuses.clear();
        sizes.clear();
        *sizes_overflow = false;
        evidence.clear();
        agents.clear();
        (*pauses, *max_gap, *flags, *success_after) = (0, 0, 0, false);
        for d in [client_set, path_set, user_set, sensitive, cleared] {
            d.clear();
        }
        label.clear();
        key.clear();
        *over = None;
    }

    /// Records one event of interest.
    pub fn add(&mut self, ev: &Ev, ctx: &Ctx, n: u64) {
        if self.count > 0 {
            let gap = ev.ts - self.last;
            if gap >= PAUSE_SECS {
                self.pauses += 1;
            }
            self.max_gap = self.max_gap.max(gap);
        } else {
            self.first = self.first.min(ev.ts);
        }
        self.last = self.last.max(ev.ts);
        self.count += n;
        self.flags |= ev.flags;
        if !ev.client.is_empty() {
            let client = ctx.text(ev.client);
            self.client_set.insert(ev.client_h, client);
            self.add_client(ev.client_h, client, 1);
        }
        if !ev.path.is_empty() {
            let path = ctx.text(ev.path);
            let new = self.path_set.insert(ctx.path_h(ev), path);
            bump(&mut self.paths, path, new);
        }
        if !ev.user.is_empty()
            && self.user_set.insert(ev.user_h, ctx.text(ev.user))
            && self.users.len() < 50
        {
            self.users.push(ctx.string(ev.user));
        }
        if ev.status != 0 {
            match self.statuses.iter_mut().find(|(s, _)| *s == ev.status) {
                Some(e) => e.1 += n,
                None => self.statuses.push((ev.status, n)),
            }
            if let Some(e) = self.sizes.iter_mut().find(|(s, _)| *s == ev.bytes) {
                e.1 += n;
            } else if self.sizes.len() < 8 {
                self.sizes.push((ev.bytes, n));
            } else {
                self.sizes_overflow = true;
            }
        }
        if self.agents.is_empty() && !ev.agent.is_empty() {
            self.agents.push(ctx.string(ev.agent));
        }
        self.evidence(ev, ctx);
    }

    /// Counts `n` events for a client, by its exact bytes (`h` is their keyed hash). Bytes
    /// that are not UTF-8 are shown (and compared) with `\xNN` escapes, never merged into one
    /// replacement character. A hash match whose text differs (a collision) falls back to a
    /// search of the list, so two clients are never counted as one.
    pub fn add_client(&mut self, h: u64, v: &[u8], n: u64) {
        match std::str::from_utf8(v) {
            Ok(text) => self.add_client_text(h, text, n),
            Err(_) => {
                let text = escape_invalid(v);
                self.add_client_text(crate::hash::hash_bytes(text.as_bytes()), &text, n)
            }
        }
    }

    /// [`Episode::add_client`] for a client already in its display form; `h` hashes that form.
    /// Most episodes have one client or a few: a short list is searched, and the index by hash
    /// is built only when the list grows past [`INDEX_FROM`] (no map allocated per episode).
    fn add_client_text(&mut self, h: u64, text: &str, n: u64) {
        if self.clients.len() <= INDEX_FROM {
            if let Some(e) = self.clients.iter_mut().find(|(c, _)| c == text) {
                e.1 += n;
                return;
            }
        } else if let Some(&i) = self.client_pos.get(&h) {
            let i = i as usize;
            if self.clients[i].0 == text {
                self.clients[i].1 += n;
                return;
            }
            // Same hash, other bytes (a collision): search the list.
            if let Some(e) = self.clients.iter_mut().find(|(c, _)| c == text) {
                e.1 += n;
                return;
            }
        }
        if self.clients.len() >= MAX_CLIENTS {
            return;
        }
        self.clients.push((text.to_string(), n));
        if self.clients.len() == INDEX_FROM + 1 {
            for (i, (c, _)) in self.clients.iter().enumerate() {
                let k = crate::hash::hash_bytes(c.as_bytes());
                self.client_pos.entry(k).or_insert(i as u32);
            }
        } else if self.clients.len() > INDEX_FROM + 1 {
            let i = self.clients.len() as u32 - 1;
            self.client_pos.entry(h).or_insert(i);
        }
    }

    /// Keeps the line as evidence while there is room (its text is made when the episode
    /// becomes an incident: [`RawLine::text`]).
    pub fn evidence(&mut self, ev: &Ev, ctx: &Ctx) {
        if self.evidence.len() < ctx.evidence_cap {
            let no = ctx.line_no(ev);
            if self.evidence.last().map(|e| e.0) != Some(no) {
                self.evidence.push((no, RawLine::new(ctx.text(ev.raw))));
            }
        }
    }

    /// Remembers this event as the latest one above the allowed rate.
    pub fn mark_over(&mut self) {
        self.over = Some(OverMark {
            last: self.last,
            count: self.count,
            requests: self.requests,
            pauses: self.pauses,
            max_gap: self.max_gap,
            clients: self.client_set.count,
            paths: self.path_set.count,
            users: self.user_set.count,
        });
    }

    /// Cuts the episode back to its last overflowing event: ordinary events that came after
    /// the burst (while the bucket drained, or within the quiet gap) do not widen its window
    /// or its counts.
    pub fn trim(&mut self) {
        if let Some(m) = self.over.take() {
            self.last = m.last;
            self.count = m.count;
            self.requests = m.requests;
            self.pauses = m.pauses;
            self.max_gap = m.max_gap;
            self.client_set.count = m.clients;
            self.path_set.count = m.paths;
            self.user_set.count = m.users;
        }
    }

    /// Adds another episode's clients, paths, statuses and evidence (minute-level episodes
    /// gather each flagged minute's lines this way).
    pub fn absorb(&mut self, o: &Episode, cap: usize) {
        for (v, n) in &o.clients {
            self.add_client_text(crate::hash::hash_bytes(v.as_bytes()), v, *n);
        }
        for (h, v) in o.client_set.iter() {
            self.client_set.insert(h, v);
        }
        for (v, n) in &o.paths {
            add_n(&mut self.paths, v, *n);
        }
        for (h, v) in o.path_set.iter() {
            self.path_set.insert(h, v);
        }
        for &(s, n) in &o.statuses {
            match self.statuses.iter_mut().find(|(x, _)| *x == s) {
                Some(e) => e.1 += n,
                None => self.statuses.push((s, n)),
            }
        }
        for e in &o.evidence {
            if self.evidence.len() < cap && !self.evidence.iter().any(|x| x.0 == e.0) {
                self.evidence.push(e.clone());
            }
        }
        if self.agents.is_empty() {
            self.agents.clone_from(&o.agents);
        }
        self.flags |= o.flags;
        if self.tz == 0 {
            self.tz = o.tz;
        }
    }

    pub fn span_secs(&self) -> i64 {
        self.last - self.first
    }

    /// Mean seconds between events of interest.
    pub fn mean_gap(&self) -> f64 {
        if self.count > 1 {
            self.span_secs() as f64 / (self.count - 1) as f64
        } else {
            0.0
        }
    }

    pub fn status_count(&self, pred: impl Fn(u16) -> bool) -> u64 {
        self.statuses
            .iter()
            .filter(|(s, _)| pred(*s))
            .map(|(_, n)| n)
            .sum()
    }

    pub fn top_client(&self) -> Option<&(String, u64)> {
        self.clients.iter().max_by_key(|(_, n)| *n)
    }
}

fn add_n(list: &mut Vec<(String, u64)>, v: &str, n: u64) {
    if let Some(e) = list.iter_mut().find(|(s, _)| s.as_str() == v) {
        e.1 += n;
    } else if list.len() < SHOWN * 4 {
        list.push((v.to_string(), n));
    }
}

/// Bytes as text, invalid UTF-8 sequences written `\xNN` (so different bytes stay different).
pub fn escape_invalid(v: &[u8]) -> String {
    let mut out = String::with_capacity(v.len() + 8);
    for chunk in v.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// Clients of an episode searched as a list up to this many; an index by hash beyond.
const INDEX_FROM: usize = 8;

/// The most clients one episode lists (a distributed event from a large botnet): bounds memory
/// like `max_keys` bounds the detectors' maps.
pub const MAX_CLIENTS: usize = 100_000;

fn bump(list: &mut Vec<(String, u64)>, v: &[u8], new: bool) {
    if let Some(e) = list.iter_mut().find(|(s, _)| s.as_bytes() == v) {
        e.1 += 1;
    } else if new && list.len() < SHOWN * 4 {
        list.push((String::from_utf8_lossy(v).into_owned(), 1));
    }
}

pub struct Slot {
    pub bucket: Bucket,
    pub ep: Option<Box<Episode>>,
    pub last: i64,
}

/// One detector's keyed state.
#[allow(clippy::vec_box)] // episodes move from the map's Box into this list without a copy
pub struct Tracker {
    pub capacity: f64,
    pub leak: f64,
    pub gap: i64,
    pub max_keys: usize,
    /// Keyed by the exact identity (client, user, endpoint, or a pair of them).
    pub map: ExactMap<Slot>,
    /// Episodes that ended (gap, eviction, end of input); the detector turns fired ones into
    /// incidents.
    pub closed: Vec<Box<Episode>>,
    /// A bitmap of keys that may have an open episode, so a detector can skip the map lookup
    /// for the (vast) majority of lines whose key has none.
    open_bits: Vec<u64>,
    /// An episode is a run of the bucket: when the bucket has drained empty, the next pour
    /// ends the key's episode (closed if it fired, dropped if not) and a new one can start.
    /// Keeps a burst's window and counts to the burst, not to the ordinary traffic around it.
    pub restart: bool,
    /// The bitmap marks only watched episodes ([`Episode::watch`]), not every open one.
    pub watched_bits: bool,
}

impl Tracker {
    pub fn new(capacity: f64, leak: f64, gap: i64, max_keys: usize) -> Tracker {
        Tracker {
            capacity,
            leak: leak.max(1e-3),
            gap,
            max_keys,
            map: ExactMap::default(),
            closed: Vec::new(),
            open_bits: vec![0; 1024],
            restart: false,
            watched_bits: false,
        }
    }

    /// Marks the key (by its hash) as one that may have an open episode.
    pub fn mark_open(&mut self, h: u64) {
        let b = (h & 0xffff) as usize;
        self.open_bits[b >> 6] |= 1 << (b & 63);
    }

    /// False when no key with this hash has an open episode (true may be a false alarm).
    pub fn maybe_open(&self, h: u64) -> bool {
        let b = (h & 0xffff) as usize;
        self.open_bits[b >> 6] & (1 << (b & 63)) != 0
    }

    fn rebuild_bits(&mut self) {
        self.open_bits.iter_mut().for_each(|w| *w = 0);
        let watched_only = self.watched_bits;
        let keys: Vec<u64> = self
            .map
            .iter()
            .filter(|(_, s)| {
                s.ep.as_ref()
                    .is_some_and(|e| !watched_only || e.watch.is_some())
            })
            .map(|(h, _)| h)
            .collect();
        for k in keys {
            self.mark_open(k);
        }
    }

    /// The key's slot, after closing an episode that has gone quiet for longer than the gap.
    pub fn slot(&mut self, key: Key, ts: i64) -> &mut Slot {
        if self.map.len() >= self.max_keys && !self.map.contains(key) {
            self.evict(ts);
        }
        slot_in(&mut self.map, &mut self.closed, self.gap, key, ts)
    }

    /// Pours into the key's bucket; returns (overflowed, slot).
    pub fn pour(&mut self, key: Key, ts: i64, n: f64) -> (bool, &mut Slot) {
        let (cap, leak, restart, gap) = (self.capacity, self.leak, self.restart, self.gap);
        if self.map.len() >= self.max_keys && !self.map.contains(key) {
            self.evict(ts);
        }
        let closed = &mut self.closed;
        let slot = slot_in(&mut self.map, closed, gap, key, ts);
        let over = slot.bucket.pour(ts, n, cap, leak);
        if restart && slot.bucket.fresh() {
            if let Some(ep) = slot.ep.take() {
                close(closed, ep);
            }
        }
        (over, slot)
    }

    /// Closes every episode that is quiet at `now`, and drops idle keys.
    pub fn sweep(&mut self, now: i64) {
        let gap = self.gap;
        let closed = &mut self.closed;
        let idle_after = ((self.capacity * self.leak).min(1e15) as i64).saturating_add(1);
        self.map.retain(|slot| {
            if slot.ep.as_ref().is_some_and(|e| now - e.last > gap) {
                if let Some(ep) = slot.ep.take() {
                    close(closed, ep);
                }
            }
            slot.ep.is_some() || now - slot.last <= idle_after
        });
        self.rebuild_bits();
    }

    fn evict(&mut self, now: i64) {
        self.sweep(now);
        if self.map.len() < self.max_keys * 9 / 10 {
            return;
        }
        // Still full: drop the least recently seen half (their open episodes close now).
        let mut lasts: Vec<i64> = self.map.values().map(|s| s.last).collect();
        let mid = lasts.len() / 2;
        let (_, cut, _) = lasts.select_nth_unstable(mid);
        let cut = *cut;
        let closed = &mut self.closed;
        self.map.retain(|slot| {
            if slot.last > cut {
                return true;
            }
            if let Some(ep) = slot.ep.take() {
                close(closed, ep);
            }
            false
        });
    }

    /// End of input: everything closes.
    pub fn finish(&mut self) {
        for slot in self.map.drain() {
            if let Some(ep) = slot.ep {
                close(&mut self.closed, ep);
            }
        }
    }
}

/// An ended episode: a fired one goes to the detector, the others are reused.
#[allow(clippy::vec_box)]
fn close(closed: &mut Vec<Box<Episode>>, ep: Box<Episode>) {
    if ep.fired {
        closed.push(ep);
    } else {
        Episode::recycle(ep);
    }
}

#[allow(clippy::vec_box)]
fn slot_in<'a>(
    map: &'a mut ExactMap<Slot>,
    closed: &mut Vec<Box<Episode>>,
    gap: i64,
    key: Key,
    ts: i64,
) -> &'a mut Slot {
    let slot = map.get_or_insert_with(key, || Slot {
        bucket: Bucket {
            level: 0.0,
            last: ts,
            since: ts,
            run: 0,
        },
        ep: None,
        last: ts,
    });
    if slot.ep.as_ref().is_some_and(|e| ts - e.last > gap) {
        if let Some(ep) = slot.ep.take() {
            close(closed, ep);
        }
    }
    slot.last = slot.last.max(ts);
    slot
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Clients are told apart by their bytes, past the list's index and through hash
    /// collisions; non-UTF-8 bytes stay distinct.
    #[test]
    fn episode_clients_are_exact() {
        let mut ep = Episode::default();
        for k in 0..50u64 {
            let c = format!("10.0.0.{k}");
            ep.add_client(crate::hash::hash_bytes(c.as_bytes()), c.as_bytes(), 1);
            ep.add_client(crate::hash::hash_bytes(c.as_bytes()), c.as_bytes(), 1);
        }
        assert_eq!(ep.clients.len(), 50);
        assert!(ep.clients.iter().all(|(_, n)| *n == 2));
        // Two clients forced onto one hash: still two.
        ep.add_client_text(7, "a", 1);
        ep.add_client_text(7, "b", 1);
        ep.add_client_text(7, "b", 1);
        assert_eq!(ep.clients.iter().find(|c| c.0 == "b").map(|c| c.1), Some(2));
        assert_eq!(ep.clients.iter().find(|c| c.0 == "a").map(|c| c.1), Some(1));
        ep.add_client(1, b"x\xff", 1);
        ep.add_client(2, b"x\xfe", 1);
        assert!(ep.clients.iter().any(|c| c.0 == "x\\xff"));
        assert!(ep.clients.iter().any(|c| c.0 == "x\\xfe"));
    }

    /// An episode reused from the spare list is the same as a new one: every field reset.
    #[test]
    fn a_reused_episode_is_a_new_one() {
        let ev = |ts| Ev {
            ts,
            tz: 3600,
            ..Ev::default()
        };
        let mut ep = Episode::boxed(&ev(5));
        for k in 0..20u64 {
            let c = format!("10.0.0.{k}");
            ep.add_client(crate::hash::hash_bytes(c.as_bytes()), c.as_bytes(), 1);
            ep.client_set.insert(k, c.as_bytes());
            ep.path_set.insert(k, b"/x");
            ep.user_set.insert(k, b"u");
            ep.sensitive.insert(k, b"/.env");
            ep.cleared.insert(k, c.as_bytes());
        }
        ep.paths.push(("/x".into(), 1));
        ep.users.push("u".into());
        ep.statuses.push((404, 2));
        ep.sizes.push((10, 2));
        ep.sizes_overflow = true;
        ep.evidence.push((1, RawLine::new(b"line")));
        ep.agents.push("curl".into());
        ep.label.push_str("total");
        ep.key.extend_from_slice(b"GET /x");
        (ep.count, ep.requests, ep.fired, ep.fired_at, ep.ok) = (3, 4, false, 9, 1);
        (ep.watch, ep.pauses, ep.max_gap, ep.flags) = (Some(1), 2, 40, 7);
        ep.success_after = true;
        ep.mark_over();
        // Too big to keep (an index was built): shrink it to a kept one.
        ep.client_pos = Default::default();
        for d in [
            &mut ep.client_set,
            &mut ep.path_set,
            &mut ep.user_set,
            &mut ep.sensitive,
            &mut ep.cleared,
        ] {
            *d = Distinct::default();
            d.insert(1, b"a");
        }
        assert!(ep.small());
        SPARE.with(|s| s.borrow_mut().clear());
        Episode::recycle(ep);
        assert_eq!(SPARE.with(|s| s.borrow().len()), 1);
        let reused = Episode::boxed(&ev(7));
        assert_eq!(SPARE.with(|s| s.borrow().len()), 0);
        assert_eq!(format!("{reused:?}"), format!("{:?}", Episode::new(&ev(7))));
    }

    /// The text made from the kept bytes is the text of the whole line, whatever the line's
    /// length and wherever a multi-byte or invalid sequence falls around the cut.
    #[test]
    fn evidence_from_kept_bytes_is_the_whole_lines_text() {
        let whole = |raw: &[u8]| {
            let mut text = String::from_utf8_lossy(raw).into_owned();
            if text.len() > EVIDENCE_BYTES {
                let mut cut = EVIDENCE_BYTES;
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                text.truncate(cut);
                text.push('…');
            }
            mask_secrets(&text)
        };
        let pieces: [&[u8]; 5] = [
            b"a",
            "é".as_bytes(),
            "€".as_bytes(),
            "😀".as_bytes(),
            b"\xff",
        ];
        for len in 490..530 {
            for p in pieces {
                for q in pieces {
                    let mut raw = b"GET /reset?password=hunter2 ".to_vec();
                    while raw.len() < len {
                        raw.extend_from_slice(p);
                    }
                    for _ in 0..4 {
                        raw.extend_from_slice(q);
                    }
                    raw.extend_from_slice(b" token=abc");
                    assert_eq!(RawLine::new(&raw).text(), whole(&raw), "{len}");
                }
            }
        }
    }
}
