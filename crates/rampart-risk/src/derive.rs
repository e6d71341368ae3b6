use serde::Serialize;

/// Which event a likelihood derived from availability is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AvailabilityEvent {
    /// The service is down at a random moment: the share of time it is down.
    DownAtRandomMoment,
    /// At least one outage starts within the horizon.
    OutageWithinHorizon,
}

impl AvailabilityEvent {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "down-at-random-moment" => Some(AvailabilityEvent::DownAtRandomMoment),
            "outage-within-horizon" => Some(AvailabilityEvent::OutageWithinHorizon),
            _ => None,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            AvailabilityEvent::DownAtRandomMoment => "the service is down at a random moment",
            AvailabilityEvent::OutageWithinHorizon => "at least one outage within the horizon",
        }
    }

    pub fn other(self) -> Self {
        match self {
            AvailabilityEvent::DownAtRandomMoment => AvailabilityEvent::OutageWithinHorizon,
            AvailabilityEvent::OutageWithinHorizon => AvailabilityEvent::DownAtRandomMoment,
        }
    }
}

/// A derived likelihood and the steps that gave it, in words and numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Derivation {
    pub event: AvailabilityEvent,
    pub percent: f64,
    pub steps: Vec<String>,
}

/// Likelihood of an availability event from an uptime, a time to recover and a horizon.
///
/// Outages are taken to arrive at random (a Poisson process): with downtime budget
/// `D = (1 − uptime) × horizon` and `N = D ÷ MTTR` outages expected, P(at least one) = 1 − e^(−N).
pub fn availability_likelihood(
    uptime_percent: f64,
    mttr_hours: f64,
    horizon_hours: f64,
    event: AvailabilityEvent,
) -> Derivation {
    let down = (100.0 - uptime_percent).max(0.0) / 100.0;
    let mut steps = vec![format!(
        "uptime {uptime_percent} % → down {:.4} % of the time",
        down * 100.0
    )];
    let percent = match event {
        AvailabilityEvent::DownAtRandomMoment => {
            steps.push(format!(
                "P(down at a random moment) = 1 − uptime = {:.2} %",
                down * 100.0
            ));
            down * 100.0
        }
        AvailabilityEvent::OutageWithinHorizon => {
            let budget = down * horizon_hours;
            let n = if mttr_hours > 0.0 {
                budget / mttr_hours
            } else {
                f64::INFINITY
            };
            let p = 1.0 - (-n).exp();
            steps.push(format!(
                "downtime over the horizon = {:.4} × {horizon_hours} h = {budget:.2} h",
                down
            ));
            steps.push(format!(
                "expected outages = {budget:.2} h ÷ MTTR {mttr_hours} h = {n:.2}"
            ));
            steps.push(format!(
                "P(at least one outage) = 1 − e^(−{n:.2}) = {:.1} %",
                p * 100.0
            ));
            p * 100.0
        }
    };
    Derivation {
        event,
        percent,
        steps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_availability_example() {
        // 99 % uptime, 2 h to recover, one 30-day month.
        let moment =
            availability_likelihood(99.0, 2.0, 720.0, AvailabilityEvent::DownAtRandomMoment);
        assert!((moment.percent - 1.0).abs() < 1e-9);
        let month =
            availability_likelihood(99.0, 2.0, 720.0, AvailabilityEvent::OutageWithinHorizon);
        assert!((month.percent - 97.27).abs() < 0.01, "{}", month.percent);
        assert!(month.steps.iter().any(|s| s.contains("3.60")));
    }
}
