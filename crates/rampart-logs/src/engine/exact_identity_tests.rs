//! Two clients whose keyed hashes collide are two clients to every detector: the hash only
//! places a key, its bytes decide (see `crate::identity`). The workers' hash cannot be made to
//! collide on purpose in a test (it is keyed at random), so the lines here carry a forced one.

use super::flood::Floods;
use super::tracker::{Ctx, Tracker};
use super::Finish;
use crate::event::{Ev, Method, Span};
use crate::identity::Key;
use rampart_config::LogsSection;

const FORCED: u64 = 42;

/// `10.0.0.1`, `10.0.0.2`, a path and its endpoint bytes, as one buffer.
const BUF: &[u8] = b"10.0.0.110.0.0.2/\x01/";

fn line(client: usize, ts: i64) -> Ev {
    let endpoint = &BUF[17..19];
    Ev {
        ts,
        client: Span::new(client * 8, client * 8 + 8),
        client_h: FORCED,
        // As the workers give it (the detector then compares these words, not the bytes).
        client_w: crate::identity::words(&BUF[client * 8..client * 8 + 8]).expect("short"),
        method: Method::Get,
        path: Span::new(16, 17),
        endpoint: Span::new(17, 19),
        endpoint_h: crate::hash::hash_bytes(endpoint),
        status: 200,
        ..Ev::default()
    }
}

/// A flood from one client and the slow, ordinary traffic of another whose hash is the same:
/// one flood incident, listing only the flooding client (keyed by the hash alone, the slow
/// client's requests poured into the flooder's bucket and it was listed as a flooder).
#[test]
fn a_client_colliding_with_a_flooder_is_not_part_of_its_flood() {
    let cfg: LogsSection = serde_json::from_str("{}").expect("defaults");
    let mut floods = Floods::new(&cfg.detectors.flood, 1000, 5);
    let ctx = Ctx {
        buf: BUF,
        arena: &[],
        line_base: 0,
        evidence_cap: 5,
    };
    for t in 0..200 {
        let ts = 10_000 + t * 10;
        floods.on_http(&line(1, ts), &ctx);
        if t == 100 {
            for i in 0..600 {
                floods.on_http(&line(0, ts), &ctx);
                // The other client, a dozen requests in that second: far below a flood.
                if i % 50 == 0 {
                    floods.on_http(&line(1, ts), &ctx);
                }
            }
        }
    }
    floods.finish();
    let mut out = Vec::new();
    let f = Finish {
        source: "test".into(),
        distinct_users: 5,
        users_logged: false,
    };
    floods.collect(&f, &mut out);
    assert_eq!(out.len(), 1, "{out:#?}");
    assert_eq!(out[0].clients, ["10.0.0.1"]);
    assert_eq!(out[0].count, 600);
}

/// The tracker's map: the same hash, other bytes, another slot and another bucket.
#[test]
fn colliding_keys_have_their_own_buckets() {
    let mut t = Tracker::new(3.0, 60.0, 600, 100);
    let (a, b) = (Key::new(FORCED, b"10.0.0.1"), Key::new(FORCED, b"10.0.0.2"));
    let overflowed: Vec<bool> = (0..4).map(|i| t.pour(a, i, 1.0).0).collect();
    assert_eq!(overflowed, [false, false, false, true]);
    assert!(!t.pour(b, 4, 1.0).0, "b has a bucket of its own");
    assert_eq!(t.map.len(), 2);
    assert!(t.map.get_mut(b).is_some_and(|s| s.bucket.level < 1.5));
}
