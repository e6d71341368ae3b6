//! `cargo run --release -p rampart-logs --example logs_analyze -- [--format text|json|md|html] FILE…`
//! The library without the CLI: used by bench/logs.sh when the `rampart` binary is not built.

fn main() {
    let mut format = "text".to_string();
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--format" {
            format = args.next().unwrap_or_default();
        } else {
            files.push(a);
        }
    }
    let cfg = serde_json::from_str("{}").expect("defaults");
    match rampart_logs::analyze(&files, &cfg) {
        Ok(r) => {
            let out = match format.as_str() {
                "json" => rampart_logs::render::json(&r),
                "md" => rampart_logs::render::markdown(&r),
                "html" => rampart_logs::render::html(&r),
                _ => rampart_logs::render::text(&r),
            };
            print!("{out}");
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
}
