//! Latency readings with exact counts. Percentiles are exact: the values are sorted and the
//! nearest-rank method is used (pN = the smallest value with at least N % of values at or below
//! it), so a report's p99 is a real measured value, not an interpolation or a histogram bucket.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LatencyStats {
    pub count: u64,
    pub mean_ms: f64,
    pub min_ms: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p95_ms: f64,
    pub p98_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// Values sorted once; every reading is answered from them.
#[derive(Debug, Clone, Default)]
pub struct Sorted(Vec<f64>);

impl Sorted {
    pub fn new(mut v: Vec<f64>) -> Self {
        v.retain(|x| x.is_finite());
        v.sort_by(f64::total_cmp);
        Sorted(v)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn values(&self) -> &[f64] {
        &self.0
    }

    /// Nearest-rank percentile, `p` in (0, 100].
    pub fn percentile(&self, p: f64) -> Option<f64> {
        if self.0.is_empty() {
            return None;
        }
        let rank = ((p / 100.0) * self.0.len() as f64).ceil() as usize;
        Some(self.0[rank.clamp(1, self.0.len()) - 1])
    }

    pub fn mean(&self) -> Option<f64> {
        // Summed in sorted order: small values first keeps the float error down.
        (!self.0.is_empty()).then(|| self.0.iter().sum::<f64>() / self.0.len() as f64)
    }

    /// Values strictly above `t` (a value equal to the threshold is within it).
    pub fn above(&self, t: f64) -> u64 {
        (self.0.len() - self.0.partition_point(|x| *x <= t)) as u64
    }

    /// Values exactly equal to `t`.
    pub fn at(&self, t: f64) -> u64 {
        (self.0.partition_point(|x| *x <= t) - self.0.partition_point(|x| *x < t)) as u64
    }

    pub fn stats(&self) -> Option<LatencyStats> {
        let p = |q| self.percentile(q).unwrap_or(0.0);
        Some(LatencyStats {
            count: self.0.len() as u64,
            mean_ms: self.mean()?,
            min_ms: *self.0.first()?,
            p50_ms: p(50.0),
            p90_ms: p(90.0),
            p95_ms: p(95.0),
            p98_ms: p(98.0),
            p99_ms: p(99.0),
            max_ms: *self.0.last()?,
        })
    }
}

/// How a latency threshold is read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reading {
    /// Every request at or under the threshold.
    Every,
    Mean,
    Max,
    Percentile(f64),
}

impl Reading {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "every" => Some(Reading::Every),
            "mean" => Some(Reading::Mean),
            "max" => Some(Reading::Max),
            p => p
                .strip_prefix('p')?
                .parse::<f64>()
                .ok()
                .filter(|n| *n > 0.0 && *n < 100.0)
                .map(Reading::Percentile),
        }
    }

    /// The readings shown when a clause does not say which it means.
    pub fn all() -> Vec<Reading> {
        vec![
            Reading::Every,
            Reading::Mean,
            Reading::Percentile(50.0),
            Reading::Percentile(90.0),
            Reading::Percentile(95.0),
            Reading::Percentile(98.0),
            Reading::Percentile(99.0),
        ]
    }

    pub fn name(&self) -> String {
        match self {
            Reading::Every => "every_request".into(),
            Reading::Mean => "mean".into(),
            Reading::Max => "max".into(),
            Reading::Percentile(p) => format!("p{p}"),
        }
    }

    /// The formula in words.
    pub fn formula(&self, threshold_ms: f64) -> String {
        let t = threshold_ms;
        match self {
            Reading::Every => format!("every request's latency ≤ {t} ms (none strictly above)"),
            Reading::Mean => format!("arithmetic mean of all latencies ≤ {t} ms"),
            Reading::Max => format!("slowest request ≤ {t} ms"),
            Reading::Percentile(p) => {
                format!("p{p} (nearest rank over sorted latencies) ≤ {t} ms")
            }
        }
    }

    /// The measured value for this reading.
    pub fn value(&self, s: &Sorted) -> Option<f64> {
        match self {
            Reading::Every | Reading::Max => s.0.last().copied(),
            Reading::Mean => s.mean(),
            Reading::Percentile(p) => s.percentile(*p),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_and_strictly_above() {
        let s = Sorted::new((1..=100).map(|x| x as f64).collect());
        assert_eq!(s.percentile(50.0), Some(50.0));
        assert_eq!(s.percentile(99.0), Some(99.0));
        assert_eq!(s.percentile(99.5), Some(100.0));
        assert_eq!(s.above(50.0), 50);
        assert_eq!(s.at(50.0), 1);
        assert_eq!(Reading::parse("p99.9"), Some(Reading::Percentile(99.9)));
        assert_eq!(Reading::parse("p100"), None);
    }
}
