//! One row per threat (RFC 4180 quoting).

use crate::threat::Threat;

fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub fn render(threats: &[Threat]) -> String {
    let mut s = String::from(
        "number,id,rule,category,title,interaction,source,target,state,priority,justification,owner,groups\r\n",
    );
    for (i, t) in threats.iter().enumerate() {
        let row = [
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
        ];
        let row: Vec<String> = row.iter().map(|f| field(f)).collect();
        s.push_str(&row.join(","));
        s.push_str("\r\n");
    }
    s
}
