//! One row per threat (RFC 4180, formula triggers neutralised by the shared CSV writer).

use crate::threat::Threat;

pub fn render(threats: &[Threat]) -> String {
    let rows: Vec<Vec<String>> = threats
        .iter()
        .enumerate()
        .map(|(i, t)| {
            vec![
                (i + 1).to_string(),
                t.id.clone(),
                t.rule.clone(),
                t.category.clone(),
                t.title.clone(),
                t.interaction.clone(),
                t.source.clone(),
                t.target.clone(),
                t.state.to_string(),
                t.priority.to_string(),
                t.justification.clone(),
                t.owner.clone(),
                t.groups.join(";"),
            ]
        })
        .collect();
    rampart_report::csv::render(
        &[
            "number",
            "id",
            "rule",
            "category",
            "title",
            "interaction",
            "source",
            "target",
            "state",
            "priority",
            "justification",
            "owner",
            "groups",
        ],
        &rows,
    )
}
