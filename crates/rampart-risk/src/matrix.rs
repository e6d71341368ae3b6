use rampart_config::RiskMatrixSection;
use serde::Serialize;

/// One likelihood band: inclusive percentages and the level for each severity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Band {
    pub label: String,
    pub from: f64,
    pub to: f64,
    pub cells: Vec<String>,
}

/// Likelihood bands × severities → levels. Bands are kept sorted from least to most likely.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RiskMatrix {
    pub name: String,
    pub severities: Vec<String>,
    pub levels: Vec<String>,
    pub bands: Vec<Band>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MatrixError {
    #[error("unknown severity \"{found}\"; expected one of {expected:?}")]
    UnknownSeverity {
        found: String,
        expected: Vec<String>,
    },
    #[error("likelihood {0}% is outside 0–100")]
    OutOfRange(f64),
}

fn band(label: &str, from: f64, to: f64, cells: &[&str]) -> Band {
    Band {
        label: label.into(),
        from,
        to,
        cells: cells.iter().map(|c| c.to_string()).collect(),
    }
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

impl RiskMatrix {
    /// The seed team's matrix, exactly.
    pub fn seed() -> Self {
        RiskMatrix {
            name: "seed".into(),
            severities: strings(&["Negligible", "Marginal", "Critical"]),
            levels: strings(&["LOW", "MEDIUM", "HIGH"]),
            bands: vec![
                band("0 % – 25 %", 0.0, 25.0, &["LOW", "LOW", "MEDIUM"]),
                band("26 % – 50 %", 26.0, 50.0, &["LOW", "MEDIUM", "MEDIUM"]),
                band("51 % – 75 %", 51.0, 75.0, &["MEDIUM", "MEDIUM", "HIGH"]),
                band("76 % – 100 %", 76.0, 100.0, &["MEDIUM", "HIGH", "HIGH"]),
            ],
        }
    }

    /// NIST SP 800-30 Rev. 1, Table I-2 (a lookup, not a product), with the semi-quantitative
    /// likelihood ranges of Table G-2.
    pub fn nist() -> Self {
        let l = ["Very Low", "Low", "Moderate", "High", "Very High"];
        RiskMatrix {
            name: "nist-800-30".into(),
            severities: strings(&l),
            levels: strings(&l),
            bands: vec![
                band(
                    "Very Low (0–4)",
                    0.0,
                    4.0,
                    &["Very Low", "Very Low", "Very Low", "Low", "Low"],
                ),
                band(
                    "Low (5–20)",
                    5.0,
                    20.0,
                    &["Very Low", "Low", "Low", "Low", "Moderate"],
                ),
                band(
                    "Moderate (21–79)",
                    21.0,
                    79.0,
                    &["Very Low", "Low", "Moderate", "Moderate", "High"],
                ),
                band(
                    "High (80–95)",
                    80.0,
                    95.0,
                    &["Very Low", "Low", "Moderate", "High", "Very High"],
                ),
                band(
                    "Very High (96–100)",
                    96.0,
                    100.0,
                    &["Very Low", "Low", "Moderate", "High", "Very High"],
                ),
            ],
        }
    }

    /// OWASP Risk Rating style, widened to 5×5: the level grows with the sum of the likelihood
    /// and impact ranks (0–1 Note, 2–3 Low, 4–5 Medium, 6–7 High, 8 Critical).
    pub fn owasp() -> Self {
        let level = |i: usize, j: usize| {
            [
                "Note", "Note", "Low", "Low", "Medium", "Medium", "High", "High", "Critical",
            ][i + j]
        };
        let labels = [
            "Very Low (0–19)",
            "Low (20–39)",
            "Medium (40–59)",
            "High (60–79)",
            "Very High (80–100)",
        ];
        let ranges = [
            (0.0, 19.0),
            (20.0, 39.0),
            (40.0, 59.0),
            (60.0, 79.0),
            (80.0, 100.0),
        ];
        RiskMatrix {
            name: "owasp".into(),
            severities: strings(&["Very Low", "Low", "Medium", "High", "Very High"]),
            levels: strings(&["Note", "Low", "Medium", "High", "Critical"]),
            bands: (0..5)
                .map(|i| Band {
                    label: labels[i].into(),
                    from: ranges[i].0,
                    to: ranges[i].1,
                    cells: (0..5).map(|j| level(i, j).to_string()).collect(),
                })
                .collect(),
        }
    }

    /// The matrix a project file asks for (validated already by the config loader).
    pub fn from_section(s: Option<&RiskMatrixSection>) -> Self {
        let Some(s) = s else {
            return RiskMatrix::seed();
        };
        match s.preset.as_deref() {
            Some("nist-800-30") => RiskMatrix::nist(),
            Some("owasp") => RiskMatrix::owasp(),
            Some(_) => RiskMatrix::seed(),
            None => {
                let mut bands: Vec<Band> = s
                    .bands
                    .iter()
                    .map(|b| Band {
                        label: b
                            .label
                            .clone()
                            .unwrap_or_else(|| format!("{} % – {} %", b.from, b.to)),
                        from: b.from,
                        to: b.to,
                        cells: b.cells.clone(),
                    })
                    .collect();
                bands.sort_by(|a, b| a.from.total_cmp(&b.from));
                RiskMatrix {
                    name: "custom".into(),
                    severities: s.severities.clone(),
                    levels: s.levels.clone(),
                    bands,
                }
            }
        }
    }

    /// The band a likelihood falls in. Between two whole-percent bands (25.4 % between 0–25 and
    /// 26–50) a value belongs to the lower band until it reaches the upper band's start.
    pub fn band_index(&self, percent: f64) -> Result<usize, MatrixError> {
        if !(0.0..=100.0).contains(&percent) || percent.is_nan() {
            return Err(MatrixError::OutOfRange(percent));
        }
        Ok(self
            .bands
            .iter()
            .rposition(|b| percent >= b.from)
            .unwrap_or(0))
    }

    pub fn severity_index(&self, severity: &str) -> Result<usize, MatrixError> {
        self.severities
            .iter()
            .position(|s| s.eq_ignore_ascii_case(severity))
            .ok_or_else(|| MatrixError::UnknownSeverity {
                found: severity.into(),
                expected: self.severities.clone(),
            })
    }

    /// The risk level for a likelihood and a severity.
    pub fn level(&self, percent: f64, severity: &str) -> Result<String, MatrixError> {
        let b = self.band_index(percent)?;
        let s = self.severity_index(severity)?;
        Ok(self.bands[b].cells[s].clone())
    }

    /// Rank of a level (0 = lowest), for "no HIGH risk" policies and sorting.
    pub fn level_rank(&self, level: &str) -> Option<usize> {
        self.levels
            .iter()
            .position(|l| l.eq_ignore_ascii_case(level))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_matrix_is_the_product_rule() {
        // The seed's matrix is exactly band 1–4 × severity 1–3 with product ≤ 2 LOW, 3–6 MEDIUM, ≥ 8 HIGH.
        let m = RiskMatrix::seed();
        for (bi, b) in m.bands.iter().enumerate() {
            for (si, cell) in b.cells.iter().enumerate() {
                let p = (bi + 1) * (si + 1);
                let want = if p <= 2 {
                    "LOW"
                } else if p <= 6 {
                    "MEDIUM"
                } else {
                    "HIGH"
                };
                assert_eq!(cell, want, "band {bi} severity {si}");
            }
        }
        assert_eq!(m.level(10.0, "Critical").unwrap(), "MEDIUM");
        assert_eq!(m.level(25.5, "Marginal").unwrap(), "LOW");
        assert_eq!(m.level(26.0, "Marginal").unwrap(), "MEDIUM");
        assert_eq!(m.level(100.0, "critical").unwrap(), "HIGH");
        assert!(m.level(101.0, "Critical").is_err());
        assert!(m.level(1.0, "Severe").is_err());
    }

    #[test]
    fn presets_are_complete() {
        for m in [RiskMatrix::nist(), RiskMatrix::owasp()] {
            assert_eq!(m.bands.len(), 5);
            assert!(m
                .bands
                .iter()
                .all(|b| b.cells.len() == 5 && b.cells.iter().all(|c| m.levels.contains(c))));
        }
        assert_eq!(
            RiskMatrix::nist().level(90.0, "Very High").unwrap(),
            "Very High"
        );
        assert_eq!(
            RiskMatrix::owasp().level(90.0, "Very High").unwrap(),
            "Critical"
        );
    }
}
