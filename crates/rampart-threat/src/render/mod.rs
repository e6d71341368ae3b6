//! Renderers. Each is a pure function of the model, the threats and the options: no clock, no
//! I/O, so the same input gives byte-identical output.

pub mod csv;
pub mod diagram;
mod document;
pub mod json;
pub mod sarif;
pub mod svg;

pub use document::document;

/// The report as plain text (control characters in names shown, never sent to the terminal).
pub mod text {
    pub fn render(r: &super::Report<'_>) -> String {
        rampart_report::render::text::render(&super::document(r))
    }
}

/// The report as Markdown (every name escaped).
pub mod md {
    pub fn render(r: &super::Report<'_>) -> String {
        rampart_report::render::markdown::render(&super::document(r))
    }
}

/// The report as one HTML page with the diagram inline.
pub mod html {
    pub fn render(r: &super::Report<'_>) -> String {
        rampart_report::render::html::render(&super::document(r))
    }
}

use crate::dfd::Dfd;
use crate::threat::{State, Threat, TitleSource};
use crate::triage::TriageEntry;

/// How the threats are grouped in text, Markdown and HTML reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum GroupBy {
    /// TMT's layout: one section per interaction (flow).
    #[default]
    Interaction,
    /// One section per STRIDE category.
    Category,
    /// One section per triage state.
    State,
    /// One section per triage group (a threat in several groups appears in each; ungrouped last).
    Group,
}

impl std::str::FromStr for GroupBy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "interaction" | "flow" => GroupBy::Interaction,
            "category" | "stride" => GroupBy::Category,
            "state" => GroupBy::State,
            "group" => GroupBy::Group,
            _ => {
                return Err(format!(
                    "found \"{s}\"; expected interaction, category, state or group"
                ))
            }
        })
    }
}

/// Everything a report shows.
pub struct Report<'a> {
    pub dfd: &'a Dfd,
    pub threats: &'a [Threat],
    pub unmatched: &'a [TriageEntry],
    /// Name of the rule set used.
    pub rules: &'a str,
    pub group_by: GroupBy,
}

impl Report<'_> {
    /// Counts by state in TMT's summary order, then the total.
    pub fn summary(&self) -> Vec<(&'static str, usize)> {
        let n = |s: State| self.threats.iter().filter(|t| t.state == s).count();
        vec![
            ("Not Started", n(State::NotStarted)),
            ("Not Applicable", n(State::NotApplicable)),
            ("Needs Investigation", n(State::NeedsInvestigation)),
            ("Mitigated", n(State::Mitigated)),
            ("Total", self.threats.len()),
        ]
    }

    /// Sections (heading, threats with their report number) for the chosen grouping. Threats are
    /// numbered once, in interaction order, so a number means the same threat in every view.
    pub fn sections(&self) -> Vec<(String, Vec<(usize, &Threat)>)> {
        let numbered: Vec<(usize, &Threat)> = self
            .threats
            .iter()
            .enumerate()
            .map(|(i, t)| (i + 1, t))
            .collect();
        let mut out: Vec<(String, Vec<(usize, &Threat)>)> = Vec::new();
        fn push<'t>(
            out: &mut Vec<(String, Vec<(usize, &'t Threat)>)>,
            key: String,
            item: (usize, &'t Threat),
        ) {
            match out.iter_mut().find(|(k, _)| *k == key) {
                Some((_, v)) => v.push(item),
                None => out.push((key, vec![item])),
            }
        }
        match self.group_by {
            GroupBy::Interaction => {
                for (n, t) in numbered {
                    push(&mut out, format!("Interaction: {}", t.interaction), (n, t));
                }
            }
            GroupBy::Category => {
                for (n, t) in numbered {
                    push(&mut out, format!("Category: {}", t.category), (n, t));
                }
                out.sort_by_key(|(_, v)| stride_rank(&v[0].1.category_id));
            }
            GroupBy::State => {
                for (n, t) in numbered {
                    push(&mut out, format!("State: {}", t.state), (n, t));
                }
                out.sort_by_key(|(_, v)| v[0].1.state);
            }
            GroupBy::Group => {
                for (n, t) in &numbered {
                    for g in &t.groups {
                        push(&mut out, format!("Group: {g}"), (*n, t));
                    }
                }
                out.sort_by(|a, b| a.0.cmp(&b.0));
                let ungrouped: Vec<(usize, &Threat)> = numbered
                    .into_iter()
                    .filter(|(_, t)| t.groups.is_empty())
                    .collect();
                if !ungrouped.is_empty() {
                    out.push(("No group".into(), ungrouped));
                }
            }
        }
        out
    }

    /// The sentence that says which titles are shown.
    pub fn title_note(&self) -> String {
        let stored = self
            .threats
            .iter()
            .filter(|t| t.title_source == TitleSource::Stored)
            .count();
        if stored == 0 {
            "Titles are generated from the current element names.".into()
        } else {
            format!(
                "Titles are generated from the current element names, except {stored} marked (stored) \
                 that keep the title frozen when TMT generated them; the generated title follows."
            )
        }
    }
}

fn stride_rank(letter: &str) -> usize {
    "STRIDEA".find(letter).unwrap_or(99)
}
