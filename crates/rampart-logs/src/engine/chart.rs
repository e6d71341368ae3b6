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
}

impl Default for ChartBuilder {
    fn default() -> Self {
        ChartBuilder {
            bucket: 60,
            tz: 0,
            map: BTreeMap::new(),
            cur: (i64::MIN, (0, 0, 0)),
        }
    }
}

impl ChartBuilder {
    pub fn add(&mut self, ts: i64, tz: i32, status: u16) {
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
