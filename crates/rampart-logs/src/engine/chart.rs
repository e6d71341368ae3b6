//! Requests per minute for the chart, with buckets that widen when the log spans so long that
//! the series would grow without bound.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const MAX_POINTS: usize = 20_000;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChartPoint {
    pub at: i64,
    pub requests: u64,
    pub client_errors: u64,
    pub server_errors: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    /// Width of one point in seconds (60 unless the log is very long).
    pub bucket_secs: i64,
    /// UTC offset of the log, for labels.
    pub tz: i32,
    pub points: Vec<ChartPoint>,
}

pub struct ChartBuilder {
    bucket: i64,
    tz: i32,
    map: BTreeMap<i64, (u64, u64, u64)>,
    /// The bucket being filled: lines come in time order, so the map is touched once a bucket.
    cur: (i64, (u64, u64, u64)),
    /// Lines before this (and from `cur.0` on) fall in the current bucket: found without a
    /// division per line. `i64::MIN` when unknown.
    cur_end: i64,
}

impl Default for ChartBuilder {
    fn default() -> Self {
        ChartBuilder {
            bucket: 60,
            tz: 0,
            map: BTreeMap::new(),
            cur: (i64::MIN, (0, 0, 0)),
            cur_end: i64::MIN,
        }
    }
}

impl ChartBuilder {
    pub fn add(&mut self, ts: i64, tz: i32, status: u16) {
        self.tz = tz;
        if !(ts >= self.cur.0 && ts < self.cur_end) {
            let k = ts.div_euclid(self.bucket) * self.bucket;
            if k != self.cur.0 {
                self.flush();
                self.cur.0 = k;
            }
            // Every time in [k, k + bucket) gives k again, when k is a multiple of the bucket
            // (after a widening it may not be: then no shortcut until the next bucket).
            self.cur_end = match k.checked_add(self.bucket) {
                Some(end) if k.rem_euclid(self.bucket) == 0 => end,
                _ => i64::MIN,
            };
        }
        let e = &mut self.cur.1;
        e.0 += 1;
        if (400..500).contains(&status) {
            e.1 += 1;
        } else if status >= 500 {
            e.2 += 1;
        }
    }

    fn flush(&mut self) {
        if self.cur.0 != i64::MIN {
            let v = std::mem::take(&mut self.cur.1);
            let k = self.cur.0.div_euclid(self.bucket) * self.bucket;
            let e = self.map.entry(k).or_default();
            e.0 += v.0;
            e.1 += v.1;
            e.2 += v.2;
            self.cur.0 = i64::MIN;
        }
        self.cur_end = i64::MIN;
        if self.map.len() > MAX_POINTS {
            self.widen();
        }
    }

    fn widen(&mut self) {
        self.bucket *= 2;
        let old = std::mem::take(&mut self.map);
        for (k, v) in old {
            let e = self
                .map
                .entry(k.div_euclid(self.bucket) * self.bucket)
                .or_default();
            e.0 += v.0;
            e.1 += v.1;
            e.2 += v.2;
        }
    }

    pub fn merge(&mut self, o: &ChartBuilder) {
        self.flush();
        while self.bucket < o.bucket {
            self.widen();
        }
        let pending = (o.cur.0 != i64::MIN).then_some(&o.cur);
        for (k, v) in o.map.iter().chain(pending.map(|(k, v)| (k, v))) {
            let e = self
                .map
                .entry(k.div_euclid(self.bucket) * self.bucket)
                .or_default();
            e.0 += v.0;
            e.1 += v.1;
            e.2 += v.2;
        }
        self.tz = o.tz;
        while self.map.len() > MAX_POINTS {
            self.widen();
        }
    }

    pub fn build(&mut self) -> Chart {
        self.flush();
        Chart {
            bucket_secs: self.bucket,
            tz: self.tz,
            points: self
                .map
                .iter()
                .map(|(&at, &(r, c, s))| ChartPoint {
                    at,
                    requests: r,
                    client_errors: c,
                    server_errors: s,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl ChartBuilder {
        /// `add` as it was before its shortcut: a division per line.
        fn add_by_division(&mut self, ts: i64, tz: i32, status: u16) {
            self.tz = tz;
            let k = ts.div_euclid(self.bucket) * self.bucket;
            if k != self.cur.0 {
                self.flush();
                self.cur.0 = k;
            }
            let e = &mut self.cur.1;
            e.0 += 1;
            if (400..500).contains(&status) {
                e.1 += 1;
            } else if status >= 500 {
                e.2 += 1;
            }
        }
    }

    /// The shortcut gives the chart the division gives, through out-of-order lines, negative
    /// times and widenings (more minutes than `MAX_POINTS`).
    #[test]
    fn the_current_bucket_shortcut_changes_nothing() {
        let (mut fast, mut slow) = (ChartBuilder::default(), ChartBuilder::default());
        let mut ts: i64 = -7_000;
        let mut x: u64 = 12345;
        for i in 0..200_000u64 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            // Mostly forward by up to a minute and a half, sometimes back a little.
            ts += (x >> 58) as i64 * 3 - if i % 97 == 0 { 200 } else { 0 };
            let status = [200, 404, 503, 302][(x >> 20) as usize % 4];
            fast.add(ts, 3600, status);
            slow.add_by_division(ts, 3600, status);
        }
        let (a, b) = (fast.build(), slow.build());
        assert!(a.bucket_secs > 60, "the test widens the buckets");
        assert_eq!(a, b);
    }
}
