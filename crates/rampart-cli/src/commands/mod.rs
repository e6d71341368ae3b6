//! One module per command (group). Each has an `Args` struct and a `run` function.

pub mod assess;
pub mod audit;
pub mod check;
pub mod demo;
pub mod findings;
pub mod init;
pub mod logs;
pub mod monitor;
pub mod report;
pub mod risks;
pub mod scan;
pub mod serve;
pub mod sla;
pub mod threats;
pub mod users;
pub mod validate;
