//! `cargo run --release -p rampart-logs --example corpus_table -- DIR`: writes the labelled
//! corpus (generated logs, the seed log, the OpenSSH sample when ../shared has it) to DIR with
//! each log's expected episodes (`NAME.expected.json`), analyses each log with the defaults and
//! prints the precision/recall table for BENCHMARKS.md. `bench/logs-corpus.sh` adds fail2ban.

#[path = "../tests/corpus/mod.rs"]
mod corpus;

use corpus::score::{row, score};

fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    std::fs::create_dir_all(&dir).expect("output folder");
    println!(
        "| log | episodes | found | incidents | false | recall | precision | ordinary accused |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let logs = corpus::generate::all()
        .into_iter()
        .chain(corpus::real::all());
    for log in logs {
        let path = dir.join(format!("{}.log", log.name));
        std::fs::write(&path, &log.text).expect("write log");
        let expected: Vec<serde_json::Value> = log
            .expected
            .iter()
            .map(|e| {
                serde_json::json!({"name": e.name, "kind": e.kind, "clients": e.clients,
                    "from": e.from, "to": e.to})
            })
            .collect();
        let meta = serde_json::json!({"expected": expected, "ordinary": log.ordinary});
        std::fs::write(
            dir.join(format!("{}.expected.json", log.name)),
            serde_json::to_string_pretty(&meta).expect("json"),
        )
        .expect("write expected");
        let cfg = serde_json::from_str(r#"{"syslog_year": 2024}"#).expect("config");
        let report = rampart_logs::analyze(&[&path], &cfg).expect("analysis");
        std::fs::write(
            dir.join(format!("{}.rampart.json", log.name)),
            rampart_logs::render::json(&report),
        )
        .expect("write report");
        println!("{}", row(&score(&log, &report.incidents)));
    }
}
