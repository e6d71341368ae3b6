//! The labelled corpus (generated logs with expected episodes) and its scoring.
pub mod generate;
pub mod score;
