//! One module per command (group). Each has an `Args` struct and a `run` function.

pub mod demo;
pub mod init;
pub mod scan;
pub mod validate;
