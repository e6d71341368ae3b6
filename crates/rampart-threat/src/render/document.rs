//! The TMT-style report as a document for the shared renderers: the model's metadata, the
//! summary by state, the diagram, one section per group of threats, unmatched triage entries.

use super::Report;
use crate::threat::{Origin, State, TitleSource};
use rampart_report::chart::bars::{Bar, BarChart};
use rampart_report::{Block, Cell, Chart, Document, Inline, Table, Tone};

pub fn document(r: &Report<'_>) -> Document {
    let m = &r.dfd.meta;
    let mut meta: Vec<(String, Inline)> = [
        ("Threat Model Name", &m.name),
        ("Owner", &m.owner),
        ("Reviewer", &m.reviewer),
        ("Contributors", &m.contributors),
        ("Description", &m.description),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| (k.to_string(), v.into()))
    .collect();
    meta.push(("Rules".into(), r.rules.into()));
    let mut summary = Table::new(&["State", "Threats"]);
    let mut bars = Vec::new();
    for (k, n) in r.summary() {
        summary.push(vec![k.into(), n.to_string().into()]);
        if k != "Total" {
            bars.push(Bar {
                label: k.to_string(),
                value: n as f64,
                tone: match k {
                    "Mitigated" => Tone::Good,
                    "Not Applicable" => Tone::Plain,
                    _ => Tone::Bad,
                },
            });
        }
    }
    let by_state = Chart {
        svg: BarChart {
            label: "threats by state".into(),
            bars,
        }
        .draw(),
        caption: "threats by state".into(),
        id: None,
        class: "bars",
    };
    let mut blocks = vec![
        Block::section(
            "Model",
            vec![Block::KeyValues(meta), Block::para(r.title_note())],
        ),
        Block::section(
            "Summary",
            vec![Block::Table(summary), Block::Chart(by_state)],
        ),
        Block::section(
            "Diagram",
            vec![Block::Chart(Chart {
                svg: super::svg::render(r.dfd),
                caption: "data-flow diagram".into(),
                id: None,
                class: "dfd",
            })],
        ),
    ];
    for (heading, items) in r.sections() {
        let threats = items
            .into_iter()
            .map(|(n, t)| {
                let stored = t.title_source == TitleSource::Stored;
                let mut fields: Vec<(String, Inline)> = Vec::new();
                let mut field = |k: &str, v: Inline| fields.push((k.to_string(), v));
                field("State", t.state.to_string().into());
                field("Priority", t.priority.to_string().into());
                if stored {
                    field("Generated title", (&t.generated_title).into());
                }
                field("Id", Inline::new().code(&t.id));
                field("Rule", Inline::new().code(&t.rule));
                field("Source", t.origin.label().into());
                field("Category", (&t.category).into());
                let on = if t.origin == Origin::Model
                    && (t.source_id.is_empty() || t.source_id == t.flow_id)
                {
                    // On an element or a boundary, not on a flow between two elements.
                    t.interaction.clone()
                } else {
                    format!("{} ({} → {})", t.interaction, t.source, t.target)
                };
                field("Interaction", on.into());
                field("Description", (&t.description).into());
                field("Remediation", (&t.remediation).into());
                field("Justification", (&t.justification).into());
                if !t.owner.is_empty() {
                    field("Owner", (&t.owner).into());
                }
                if !t.groups.is_empty() {
                    field("Groups", t.groups.join(", ").into());
                }
                let tone = match t.state {
                    State::NotStarted | State::NeedsInvestigation => "bad",
                    State::Mitigated => "good",
                    _ => "",
                };
                Block::Group {
                    id: Some(format!("t-{}", t.id)),
                    class: format!("card threat s-{} {tone}", t.state.slug()),
                    blocks: vec![Block::section(
                        format!("{n}. {}{}", t.title, if stored { " (stored)" } else { "" }),
                        vec![Block::KeyValues(fields)],
                    )],
                }
            })
            .collect();
        blocks.push(Block::section(heading, threats));
    }
    if !r.unmatched.is_empty() {
        let mut t = Table::new(&["line", "id", "rule", "interaction", "title"]);
        for e in r.unmatched {
            t.push(vec![
                e.line.to_string().into(),
                Cell::from(Inline::new().code(&e.id)),
                (&e.rule).into(),
                (&e.interaction).into(),
                (&e.title).into(),
            ]);
        }
        blocks.push(Block::section(
            "Triage entries that match no threat",
            vec![Block::Table(t)],
        ));
    }
    Document {
        title: "Threat Modeling Report".into(),
        subtitle: if m.name.is_empty() {
            "threat model".into()
        } else {
            m.name.clone()
        },
        blocks,
    }
}
