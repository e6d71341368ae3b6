//! Bounds on every numeric flag: a value outside them is a usage error (exit 2) that says what was
//! found and what is accepted, instead of a panic, an allocation abort or a scan that never ends.

use rampart_config::Duration;
use std::fmt::Display;
use std::str::FromStr;

/// A whole number between `lo` and `hi` (inclusive).
pub fn int<T>(lo: T, hi: T) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static
where
    T: FromStr + PartialOrd + Display + Copy + Send + Sync + 'static,
{
    move |s: &str| match s.trim().parse::<T>() {
        Ok(v) if v >= lo && v <= hi => Ok(v),
        _ => Err(format!(
            "found \"{s}\"; expected a whole number from {lo} to {hi}"
        )),
    }
}

/// A finite number between `lo` and `hi` (inclusive).
pub fn float(lo: f64, hi: f64) -> impl Fn(&str) -> Result<f64, String> + Clone + Send + Sync {
    move |s: &str| match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v >= lo && v <= hi => Ok(v),
        _ => Err(format!(
            "found \"{s}\"; expected a number from {lo} to {hi}"
        )),
    }
}

/// A duration above zero (and at most [`Duration::MAX`], which parsing already enforces).
pub fn positive_duration(s: &str) -> Result<Duration, String> {
    let d = Duration::parse(s)?;
    if d.std().is_zero() {
        return Err(format!(
            "found \"{s}\"; expected a duration above zero, e.g. \"500ms\" or \"5s\""
        ));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_values_are_refused_with_the_range() {
        let p = int(1usize, 10_000);
        assert_eq!(p("64"), Ok(64));
        assert!(p("0").unwrap_err().contains("from 1 to 10000"));
        assert!(p("18446744073709551615").is_err());
        assert!(p("-1").is_err());
        let f = float(0.0, 100.0);
        assert!(f("NaN").is_err() && f("inf").is_err() && f("100.5").is_err());
        assert!(positive_duration("0s").is_err());
        assert!(positive_duration("5s").is_ok());
    }
}
