//! `cargo run --release -p rampart-config --example validate_file -- FILE`: loads one project
//! file as `rampart validate` does and prints how many errors it has. Used to measure validation
//! time and memory on large files (RELIABILITY.md) without building the whole CLI in release.

fn main() {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: validate_file FILE");
        std::process::exit(2);
    };
    match rampart_config::validate_file(std::path::Path::new(&path)) {
        Ok(p) => println!("valid: {} monitors", p.file.monitors.len()),
        Err(e) => {
            // Every error on stderr, to compare two builds' reports line by line.
            eprintln!("{e}");
            let last = e.0.last().map(|e| e.to_string()).unwrap_or_default();
            println!("{} errors; last: {last}", e.0.len());
            std::process::exit(2);
        }
    }
}
