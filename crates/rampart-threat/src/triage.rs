//! The triage file: one reviewable TOML entry per threat id, carrying state, priority,
//! justification, owner and free groups. Entries are matched by the threat's stable id, so
//! renaming elements keeps them; an entry that matches no generated threat is reported.

use crate::error::{Located, ThreatError};
use crate::threat::{Priority, State, Threat, TitleSource};
use serde::Deserialize;
use serde_spanned::Spanned;
use std::collections::HashMap;
use std::path::Path;

/// One triage decision.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TriageEntry {
    pub id: String,
    /// For reviewers only (not used to match): rule id, flow name and title when written.
    pub rule: String,
    pub interaction: String,
    pub title: String,
    /// A title frozen by TMT when it generated the threat; reports show it instead of the
    /// generated one.
    pub stored_title: Option<String>,
    pub state: State,
    pub priority: Priority,
    pub justification: String,
    pub owner: String,
    pub groups: Vec<String>,
    /// Checks that back a "Mitigated" state: rule ids or patterns (`RA-WEB-SQLI`, `RA-TLS-*`).
    /// The combined report marks the claim verified, contradicted or unverified.
    pub checks: Vec<String>,
    /// 1-based line of the entry in its file (0 when built in memory).
    pub line: usize,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Triage {
    pub entries: Vec<TriageEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileShape {
    #[serde(default)]
    threat: Vec<Spanned<EntryShape>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryShape {
    id: String,
    #[serde(default)]
    rule: String,
    #[serde(default)]
    interaction: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    stored_title: Option<String>,
    #[serde(default)]
    state: Option<Spanned<String>>,
    #[serde(default)]
    priority: Option<Spanned<String>>,
    #[serde(default)]
    justification: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    groups: Vec<String>,
    #[serde(default)]
    checks: Vec<String>,
}

/// What applying a triage to generated threats left over.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TriageOutcome {
    /// Entries whose id matches no generated threat (stale after an edit, or a typo).
    pub unmatched: Vec<TriageEntry>,
}

impl Triage {
    pub fn load(path: &Path) -> Result<Triage, ThreatError> {
        let text = crate::error::read(path)?;
        Triage::parse(&text, path)
    }

    pub fn parse(text: &str, origin: &Path) -> Result<Triage, ThreatError> {
        let loc = |offset: usize, message: String| {
            let (line, column) = crate::toml_pos::line_col(text, offset);
            Located {
                file: origin.to_path_buf(),
                line,
                column,
                message,
            }
        };
        let shape: FileShape = toml_edit::de::from_str(text).map_err(|e| {
            let offset = e.span().map(|s| s.start).unwrap_or(0);
            ThreatError::Invalid(vec![loc(offset, e.message().trim().to_string())])
        })?;
        let mut problems = Vec::new();
        let mut entries = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for sp in shape.threat {
            let start = sp.span().start;
            let e = sp.into_inner();
            let line = crate::toml_pos::line_col(text, start).0;
            if let Some(prev) = seen.insert(e.id.clone(), line) {
                problems.push(loc(
                    start,
                    format!(
                        "threat id \"{}\" appears twice (first at line {prev})",
                        e.id
                    ),
                ));
            }
            let state = match &e.state {
                Some(s) => s.get_ref().parse::<State>().unwrap_or_else(|m| {
                    problems.push(loc(s.span().start, format!("`state`: {m}")));
                    State::NotStarted
                }),
                None => State::NotStarted,
            };
            let priority = match &e.priority {
                Some(s) => s.get_ref().parse::<Priority>().unwrap_or_else(|m| {
                    problems.push(loc(s.span().start, format!("`priority`: {m}")));
                    Priority::High
                }),
                None => Priority::High,
            };
            entries.push(TriageEntry {
                id: e.id,
                rule: e.rule,
                interaction: e.interaction,
                title: e.title,
                stored_title: e.stored_title,
                state,
                priority,
                justification: e.justification,
                owner: e.owner,
                groups: e.groups,
                checks: e.checks,
                line,
            });
        }
        if problems.is_empty() {
            Ok(Triage { entries })
        } else {
            Err(ThreatError::Invalid(problems))
        }
    }

    /// Copies each entry onto the threat with the same id.
    pub fn apply(&self, threats: &mut [Threat]) -> TriageOutcome {
        let by_id: HashMap<String, usize> = threats
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.clone(), i))
            .collect();
        let mut out = TriageOutcome::default();
        for e in &self.entries {
            let Some(&i) = by_id.get(e.id.as_str()) else {
                out.unmatched.push(e.clone());
                continue;
            };
            let t = &mut threats[i];
            t.state = e.state;
            t.priority = e.priority;
            t.justification = e.justification.clone();
            t.owner = e.owner.clone();
            t.groups = e.groups.clone();
            t.checks = e.checks.clone();
            if let Some(st) = &e.stored_title {
                t.stored_title = Some(st.clone());
                t.title = st.clone();
                t.title_source = TitleSource::Stored;
            }
        }
        out
    }

    /// A triage holding the current decisions of `threats` (every threat, triaged or not).
    pub fn from_threats(threats: &[Threat]) -> Triage {
        Triage {
            entries: threats
                .iter()
                .map(|t| TriageEntry {
                    id: t.id.clone(),
                    rule: t.rule.clone(),
                    interaction: t.interaction.clone(),
                    title: t.generated_title.clone(),
                    stored_title: t.stored_title.clone(),
                    state: t.state,
                    priority: t.priority,
                    justification: t.justification.clone(),
                    owner: t.owner.clone(),
                    groups: t.groups.clone(),
                    checks: t.checks.clone(),
                    line: 0,
                })
                .collect(),
        }
    }

    /// The file text: one `[[threat]]` table per entry, in order.
    pub fn to_toml(&self) -> String {
        let q = crate::toml_pos::quote;
        let mut s = String::from(
            "# rampart threat triage: one [[threat]] per threat id (see docs/threats.md).\n\
             # `rule`, `interaction` and `title` are for reviewers; matching uses `id` only.\n",
        );
        for e in &self.entries {
            s.push_str("\n[[threat]]\n");
            s.push_str(&format!("id = {}\n", q(&e.id)));
            if !e.rule.is_empty() {
                s.push_str(&format!("rule = {}\n", q(&e.rule)));
            }
            if !e.interaction.is_empty() {
                s.push_str(&format!("interaction = {}\n", q(&e.interaction)));
            }
            if !e.title.is_empty() {
                s.push_str(&format!("title = {}\n", q(&e.title)));
            }
            if let Some(st) = &e.stored_title {
                s.push_str(&format!("stored_title = {}\n", q(st)));
            }
            s.push_str(&format!("state = {}\n", q(e.state.slug())));
            s.push_str(&format!(
                "priority = {}\n",
                q(&e.priority.as_str().to_ascii_lowercase())
            ));
            if !e.justification.is_empty() {
                s.push_str(&format!("justification = {}\n", q(&e.justification)));
            }
            if !e.owner.is_empty() {
                s.push_str(&format!("owner = {}\n", q(&e.owner)));
            }
            if !e.groups.is_empty() {
                let g: Vec<String> = e.groups.iter().map(|g| q(g)).collect();
                s.push_str(&format!("groups = [{}]\n", g.join(", ")));
            }
            if !e.checks.is_empty() {
                let c: Vec<String> = e.checks.iter().map(|c| q(c)).collect();
                s.push_str(&format!("checks = [{}]\n", c.join(", ")));
            }
        }
        s
    }
}
