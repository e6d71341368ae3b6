//! Times loading a TOML DFD and generating its threats with the built-in rules.
//! Used by bench/threats.sh: `cargo run --release -p rampart-threat --example bench_generate -- MODEL`.

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: bench_generate MODEL.toml [RUNS]")?;
    let runs: usize = std::env::args()
        .nth(2)
        .map(|r| r.parse())
        .transpose()?
        .unwrap_or(5);
    let t0 = Instant::now();
    let rules = rampart_threat::RuleSet::builtin()?;
    let compile = t0.elapsed();
    let t1 = Instant::now();
    let dfd = rampart_threat::load_dfd(std::path::Path::new(&path), rules.kb())?;
    let load = t1.elapsed();
    let mut best = f64::MAX;
    let mut n = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let threats = rules.generate(&dfd)?;
        best = best.min(t.elapsed().as_secs_f64());
        n = threats.len();
    }
    println!(
        "flows={} elements={} threats={} compile_rules={:.3}ms load_model={:.1}ms generate_best_of_{runs}={:.1}ms threats_per_s={:.0}",
        dfd.flows.len(),
        dfd.elements.len(),
        n,
        compile.as_secs_f64() * 1e3,
        load.as_secs_f64() * 1e3,
        best * 1e3,
        n as f64 / best
    );
    Ok(())
}
