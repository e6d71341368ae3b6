//! Report formats, drawings, Threat Dragon round trip and diff on the MISP example.

mod common;

use common::repo_root;
use rampart_threat::render::{self, GroupBy, Report};
use rampart_threat::{diff, dragon, kb::KnowledgeBase, load_project, State};

fn misp() -> rampart_threat::ProjectThreats {
    let project =
        rampart_config::load_file(&repo_root().join("examples/misp/rampart.toml")).unwrap();
    load_project(&project).unwrap()
}

#[test]
fn json_threats_carry_the_interface_fields() {
    let pt = misp();
    let r = Report {
        dfd: &pt.dfd,
        threats: &pt.threats,
        unmatched: &[],
        rules: &pt.rules,
        group_by: GroupBy::Interaction,
    };
    let v: serde_json::Value = serde_json::from_str(&render::json::render(&r)).unwrap();
    let threats = v["threats"].as_array().unwrap();
    assert_eq!(threats.len(), 35);
    for t in threats {
        for k in [
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
        ] {
            assert!(t.get(k).is_some(), "missing {k} in {t}");
        }
    }
    assert_eq!(v["summary"]["Mitigated"], 35);
    assert_eq!(threats[0]["state"], "Mitigated");
    assert_eq!(threats[0]["priority"], "High");
}

#[test]
fn text_md_html_show_tmt_layout_and_views() {
    let pt = misp();
    let mut r = Report {
        dfd: &pt.dfd,
        threats: &pt.threats,
        unmatched: &[],
        rules: &pt.rules,
        group_by: GroupBy::Interaction,
    };
    let text = render::text::render(&r);
    assert!(text.contains("Interaction: HTTP REST request"));
    assert!(text.contains("1. Spoofing the 1.0 MISP Apache Process Process"));
    assert!(text.contains("Data Flow Generic Data Flow Is Potentially Interrupted (stored)"));
    assert!(text.contains("Generated title: Data Flow Result Set Is Potentially Interrupted"));
    let md = render::md::render(&r);
    assert!(md.contains("| Mitigated | 35 |"));
    let html = render::html::render(&r);
    assert!(html.contains("<svg") && html.contains("Interaction: SQL query"));
    r.group_by = GroupBy::Category;
    let by_cat = render::text::render(&r);
    let order: Vec<usize> = [
        "Category: Spoofing",
        "Category: Tampering",
        "Category: Repudiation",
        "Category: Information Disclosure",
        "Category: Denial Of Service",
        "Category: Elevation Of Privilege",
    ]
    .iter()
    .map(|h| by_cat.find(h).unwrap_or_else(|| panic!("{h}")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]));
    r.group_by = GroupBy::Group;
    let by_group = render::text::render(&r);
    for g in [
        "Group: apache-config",
        "Group: firewall",
        "Group: smtp",
        "No group",
    ] {
        assert!(by_group.contains(g), "{g}");
    }
    r.group_by = GroupBy::State;
    assert!(render::text::render(&r).contains("State: Mitigated"));
}

#[test]
fn csv_sarif_and_drawings() {
    let mut pt = misp();
    let csv = render::csv::render(&pt.threats);
    assert_eq!(csv.lines().count(), 36);
    assert!(csv.starts_with("number,id,rule,category,title,interaction"));
    // Nothing open: SARIF has no results; reopen one and it appears with TH-<rule>.
    let empty: serde_json::Value =
        serde_json::from_str(&render::sarif::render(&pt.threats)).unwrap();
    assert_eq!(empty["runs"][0]["results"].as_array().unwrap().len(), 0);
    pt.threats[0].state = State::NeedsInvestigation;
    let one: serde_json::Value = serde_json::from_str(&render::sarif::render(&pt.threats)).unwrap();
    let results = one["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["ruleId"], format!("TH-{}", pt.threats[0].rule));
    assert_eq!(pt.findings().len(), 1);

    let dot = render::diagram::dot(&pt.dfd);
    assert!(dot.contains("subgraph cluster_0") && dot.contains("label=\"Trust Boundary\""));
    assert!(dot.contains("-> ") && dot.contains("label=\"SMTP\""));
    let mm = render::diagram::mermaid(&pt.dfd);
    assert!(mm.starts_with("flowchart LR") && mm.contains("subgraph b0 [\"Trust Boundary\"]"));
    assert!(mm.contains("n0((\"1.0 MISP Apache Process\"))"));
    assert!(mm.contains("[(\"MySQL database\")]"));
}

#[test]
fn threat_dragon_round_trip_keeps_model_and_triage() {
    let mut pt = misp();
    pt.threats[3].checks = vec!["RA-TLS-*".into()];
    let kb = KnowledgeBase::builtin();
    let doc = dragon::export(&pt.dfd, &pt.threats, &kb);
    assert_eq!(doc["version"], "2.2.0");
    let cells = doc["detail"]["diagrams"][0]["cells"].as_array().unwrap();
    assert_eq!(cells.iter().filter(|c| c["shape"] == "flow").count(), 5);
    let text = serde_json::to_string(&doc).unwrap();
    let (dfd, triage) = dragon::parse_dragon(&text, std::path::Path::new("m.json"), &kb).unwrap();
    let rules = rampart_threat::RuleSet::builtin().unwrap();
    let mut threats = rules.generate(&dfd).unwrap();
    let out = triage.apply(&mut threats);
    assert!(out.unmatched.is_empty());
    let key = |t: &rampart_threat::Threat| {
        (
            t.id.clone(),
            t.title.clone(),
            t.state,
            t.justification.clone(),
            t.groups.clone(),
        )
    };
    assert_eq!(
        threats.iter().map(key).collect::<Vec<_>>(),
        pt.threats.iter().map(key).collect::<Vec<_>>()
    );
}

#[test]
fn threat_dragon_native_file_maps_flags_and_geometry() {
    let kb = KnowledgeBase::builtin();
    let doc = serde_json::json!({
        "version": "2.2.0",
        "summary": {"title": "Demo"},
        "detail": {"diagrams": [{"id": 0, "cells": [
            {"shape": "actor", "id": "a1", "position": {"x": 0, "y": 0}, "size": {"width": 100, "height": 60}, "data": {"type": "tm.Actor", "name": "User", "threats": []}},
            {"shape": "process", "id": "p1", "position": {"x": 300, "y": 0}, "size": {"width": 100, "height": 100}, "data": {"type": "tm.Process", "name": "Web", "isWebApplication": true, "threats": []}},
            {"shape": "store", "id": "s1", "position": {"x": 600, "y": 0}, "size": {"width": 100, "height": 60}, "data": {"type": "tm.Store", "name": "Logs", "isALog": true}},
            {"shape": "flow", "id": "f1", "source": {"cell": "a1"}, "target": {"cell": "p1"}, "data": {"type": "tm.Flow", "name": "Login", "protocol": "HTTPS",
                "threats": [{"threatId": "abc", "title": "Old", "status": "Mitigated", "severity": "Low", "mitigation": "TLS"}]}},
            {"shape": "flow", "id": "f2", "source": {"cell": "p1"}, "target": {"cell": "s1"}, "data": {"type": "tm.Flow", "name": "Write", "isEncrypted": true}},
            {"shape": "trust-boundary-box", "id": "b1", "position": {"x": 250, "y": -50}, "size": {"width": 200, "height": 200}, "data": {"type": "tm.BoundaryBox", "name": "DMZ"}},
            {"shape": "trust-boundary-curve", "id": "b2", "source": {"x": 550, "y": -100}, "target": {"x": 550, "y": 200}, "data": {"type": "tm.Boundary", "name": "Host"}}
        ]}]}
    });
    let (dfd, triage) =
        dragon::parse_dragon(&doc.to_string(), std::path::Path::new("td.json"), &kb).unwrap();
    assert_eq!(dfd.element("web").unwrap().kind, "SE.P.TMCore.WebApp");
    assert_eq!(
        dfd.element("logs").unwrap().attributes["storesLogData"],
        "Yes"
    );
    assert_eq!(dfd.flows[0].kind, "SE.DF.TMCore.HTTPS");
    assert_eq!(dfd.flows[1].attributes["providesConfidentiality"], "Yes");
    assert_eq!(dfd.boundaries[0].contains, ["web"]);
    assert_eq!(dfd.boundaries[1].crossed_by, ["write"]);
    // A threat written in Threat Dragon is a threat of the model; its state is triage.
    assert_eq!(triage.entries[0].state, State::Mitigated);
    assert_eq!(dfd.threats[0].id, "abc");
    assert_eq!(dfd.threats[0].mitigation, "TLS");
}

#[test]
fn diff_reports_added_removed_and_changed() {
    let old = misp().threats;
    let mut new = old.clone();
    let removed = new.remove(0);
    new[0].state = State::NeedsInvestigation;
    new[1].title = "Renamed".into();
    let mut extra = old[5].clone();
    extra.id = "000000000000".into();
    new.push(extra);
    let d = diff::diff(&old, &new);
    assert_eq!(d.removed.len(), 1);
    assert_eq!(d.removed[0].id, removed.id);
    assert_eq!(d.added.len(), 1);
    assert_eq!(d.changed.len(), 2);
    assert_eq!(d.changed[0].changes[0].field, "state");
    assert_eq!(d.unchanged, 32);
    let text = diff::render_text(&d);
    assert!(text.starts_with("1 added, 1 removed, 2 changed, 32 unchanged"));
}
