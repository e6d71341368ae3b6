//! The labelled corpus (generated logs, the seed log and a real sshd sample, each with its
//! expected episodes) and its scoring.
pub mod generate;
pub mod real;
pub mod score;
