//! What a project file gives an SLA report: its clauses and each monitor's probe interval. One
//! place for `rampart sla report` and the combined report, so both read a project the same way.

use crate::clause::Clause;
use rampart_config::ProjectFile;
use std::collections::HashMap;

/// The project's `[[sla]]` clauses.
pub fn clauses(file: &ProjectFile) -> Vec<Clause> {
    file.sla.iter().filter_map(Clause::from_section).collect()
}

/// Each monitor's interval in seconds (for coverage: how many probes a window should hold).
pub fn intervals(file: &ProjectFile) -> HashMap<String, f64> {
    file.monitors
        .iter()
        .map(|m| (m.name.clone(), m.interval.std().as_secs_f64()))
        .collect()
}
