//! Risk matrices and the risk register.
//!
//! A matrix maps a likelihood band and a severity to a risk level; the seed team's 4×3 matrix is
//! the default, with NIST SP 800-30 and OWASP-style 5×5 presets. The register evaluates each risk
//! of the project file: its likelihood (stated, or derived from availability figures, with the
//! derivation shown and the horizon stated), its level (derived from the matrix, never typed),
//! its residual level, and the evidence it cites.

mod derive;
mod matrix;
mod register;
pub mod render;

pub use derive::{availability_likelihood, AvailabilityEvent, Derivation};
pub use matrix::{Band, MatrixError, RiskMatrix};
pub use register::{
    evaluate, AssessedRisk, Likelihood, MeasuredAvailability, Register, RegisterError,
};
