//! The report as JSON: an interface. `threats` holds one object per threat with at least id, rule,
//! category, title, interaction, source, target, state, priority and justification.
//!
//! [`render`] streams the threats straight into the output (no `serde_json::Value` tree for tens of
//! thousands of threats) with the same bytes as pretty-printing [`value`]: keys in the same
//! (sorted) order, the same skipped empty fields.

use super::Report;
use crate::threat::{Origin, Priority, State, Threat, TitleSource};
use serde::Serialize;
use serde_json::{json, Value};

fn summary(r: &Report<'_>) -> Value {
    let summary: serde_json::Map<String, Value> = r
        .summary()
        .into_iter()
        .map(|(k, n)| (k.to_string(), json!(n)))
        .collect();
    Value::Object(summary)
}

fn unmatched(r: &Report<'_>) -> Value {
    r.unmatched
        .iter()
        .map(|e| json!({"id": e.id, "rule": e.rule, "interaction": e.interaction, "title": e.title, "line": e.line}))
        .collect()
}

/// The whole report as a JSON value (for embedding in other documents).
pub fn value(r: &Report<'_>) -> Value {
    json!({
        "model": r.dfd.meta,
        "rules": r.rules,
        "summary": summary(r),
        "threats": r.threats,
        "unmatched_triage": unmatched(r),
    })
}

/// One threat with its keys in sorted order (what a `Value` object prints), borrowed.
#[derive(Serialize)]
struct SortedThreat<'a> {
    category: &'a str,
    category_id: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    checks: &'a Vec<String>,
    description: &'a str,
    flow_id: &'a str,
    generated_title: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    groups: &'a Vec<String>,
    id: &'a str,
    interaction: &'a str,
    justification: &'a str,
    origin: Origin,
    #[serde(skip_serializing_if = "String::is_empty")]
    owner: &'a String,
    priority: Priority,
    remediation: &'a str,
    rule: &'a str,
    source: &'a str,
    source_id: &'a str,
    state: State,
    #[serde(skip_serializing_if = "Option::is_none")]
    stored_title: Option<&'a str>,
    target: &'a str,
    target_id: &'a str,
    title: &'a str,
    title_source: TitleSource,
}

impl<'a> From<&'a Threat> for SortedThreat<'a> {
    fn from(t: &'a Threat) -> Self {
        SortedThreat {
            category: &t.category,
            category_id: &t.category_id,
            checks: &t.checks,
            description: &t.description,
            flow_id: &t.flow_id,
            generated_title: &t.generated_title,
            groups: &t.groups,
            id: &t.id,
            interaction: &t.interaction,
            justification: &t.justification,
            origin: t.origin,
            owner: &t.owner,
            priority: t.priority,
            remediation: &t.remediation,
            rule: &t.rule,
            source: &t.source,
            source_id: &t.source_id,
            state: t.state,
            stored_title: t.stored_title.as_deref(),
            target: &t.target,
            target_id: &t.target_id,
            title: &t.title,
            title_source: t.title_source,
        }
    }
}

/// The threats, serialized one by one as they are written.
struct Threats<'a>(&'a [Threat]);

impl Serialize for Threats<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(SortedThreat::from))
    }
}

#[derive(Serialize)]
struct Document<'a> {
    model: Value,
    rules: &'a str,
    summary: Value,
    threats: Threats<'a>,
    unmatched_triage: Value,
}

pub fn render(r: &Report<'_>) -> String {
    let doc = Document {
        model: serde_json::to_value(&r.dfd.meta).unwrap_or_default(),
        rules: r.rules,
        summary: summary(r),
        threats: Threats(r.threats),
        unmatched_triage: unmatched(r),
    };
    // About 0.8 KB per threat: reserve once instead of doubling up to ~50 MB.
    let mut buf = Vec::with_capacity(4096 + r.threats.len() * 1024);
    let mut ser = serde_json::Serializer::pretty(&mut buf);
    if doc.serialize(&mut ser).is_err() {
        return String::new();
    }
    buf.push(b'\n');
    // serde_json writes valid UTF-8.
    String::from_utf8(buf).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::GroupBy;
    use crate::triage::TriageEntry;

    #[test]
    fn streamed_output_is_byte_identical_to_the_value_tree() {
        let kb = crate::KnowledgeBase::builtin();
        let dfd = crate::parse_dfd(
            "[meta]\nname = \"m\"\n[[element]]\nid = \"u\"\nkind = \"browser\"\n[[element]]\nid = \"w\"\nname = \"Web\"\nkind = \"web-application\"\n\
             [[element]]\nid = \"d\"\nkind = \"sql-database\"\n\
             [[flow]]\nid = \"f\"\nname = \"Req\"\nsource = \"u\"\ntarget = \"w\"\nkind = \"http\"\n\
             [[flow]]\nid = \"q\"\nsource = \"w\"\ntarget = \"d\"\n\
             [[boundary]]\nid = \"b\"\ncontains = [\"w\", \"d\"]\n",
            std::path::Path::new("m.toml"),
            &kb,
        )
        .unwrap();
        let rules = crate::RuleSet::builtin().unwrap();
        let mut threats = rules.generate(&dfd).unwrap();
        assert!(threats.len() > 5);
        threats[0].owner = "ops".into();
        threats[0].groups = vec!["apache-config".into(), "firewall".into()];
        threats[1].checks = vec!["RA-TLS-*".into()];
        threats[1].stored_title = Some("Old \"title\" \u{e9}".into());
        threats[1].title_source = TitleSource::Stored;
        threats[2].state = State::Mitigated;
        threats[2].justification = "line one\nline two\t<tab>".into();
        threats[3].priority = Priority::Low;
        let unmatched = [TriageEntry {
            id: "ffffffffffff".into(),
            rule: "S1".into(),
            line: 3,
            ..Default::default()
        }];
        for (threats, unmatched) in [(&threats[..], &unmatched[..]), (&[][..], &[][..])] {
            let r = Report {
                dfd: &dfd,
                threats,
                unmatched,
                rules: "rules",
                group_by: GroupBy::Interaction,
            };
            let mut want = serde_json::to_string_pretty(&value(&r)).unwrap();
            want.push('\n');
            assert_eq!(render(&r), want);
        }
    }
}
