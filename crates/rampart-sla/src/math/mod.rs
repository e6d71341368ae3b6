//! The SLA math: pure functions of observations, clauses and a window. No clock and no I/O —
//! every instant is an input — so each formula can be tested on hand-made data and a report is
//! reproducible from the same inputs.

pub mod budget;
pub mod calendar;
pub mod coverage;
pub mod exclusions;
pub mod incidents;
pub mod latency;
pub mod timeline;

/// `22052` → `22,052`.
pub fn fmt_count(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        #[allow(clippy::manual_is_multiple_of)] // is_multiple_of needs Rust 1.87; MSRV is 1.85
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A duration in seconds the way a person writes it: `5 s`, `1.5 s`, `30 min`, `24 h`, `2 d 3 h`.
pub fn fmt_secs(s: f64) -> String {
    if s == 0.0 {
        return "0 s".into();
    }
    if s < 1.0 {
        return format!("{} ms", trim(s * 1000.0));
    }
    if s < 120.0 {
        return format!("{} s", trim(s));
    }
    if s < 7_200.0 {
        let m = s / 60.0;
        return format!("{} min", trim(m));
    }
    if s < 172_800.0 {
        return format!("{} h", trim(s / 3600.0));
    }
    let d = (s / 86_400.0).floor();
    let h = (s - d * 86_400.0) / 3600.0;
    if h < 0.05 {
        format!("{d} d")
    } else {
        format!("{d} d {} h", trim(h))
    }
}

fn trim(x: f64) -> String {
    let t = format!("{x:.1}");
    t.strip_suffix(".0").map(str::to_string).unwrap_or(t)
}

/// Rounds to `digits` decimals (for JSON that people read).
pub fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn formats() {
        assert_eq!(fmt_count(22_052), "22,052");
        assert_eq!(fmt_count(999), "999");
        assert_eq!(fmt_secs(5.0), "5 s");
        assert_eq!(fmt_secs(86_400.0), "24 h");
        assert_eq!(fmt_secs(1800.0), "30 min");
        assert_eq!(fmt_secs(0.5), "500 ms");
    }
}
