//! The fuzz targets on stable, in the normal test suite: every seed of `fuzz/corpus/<target>/`,
//! then a bounded number of random mutations of the seeds (bit flips, byte changes, insertions,
//! deletions, duplicated and spliced chunks, nesting openers), from a fixed PRNG seed so a
//! failure reproduces. Each must return: a panic fails the test and names the input's file.

use rampart_fuzz::TARGETS;
use std::path::{Path, PathBuf};

/// Mutations per target: enough to walk off the seeds' happy paths, few enough to keep the
/// suite fast in a debug build (the long runs are cargo-fuzz's job).
const MUTATIONS: usize = 400;

fn corpus_dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target)
}

fn seeds(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = corpus_dir(target);
    let mut out: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let b = std::fs::read(&p).unwrap();
            (p, b)
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "{} holds no seed", dir.display());
    out
}

/// xorshift64*: small, fixed, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Bytes that matter to the formats: delimiters, quotes, escapes, nesting, extremes.
const INTERESTING: &[u8] = b"\0\n\r\t \"'\\,;:=<>/&#%{}[]()!?-+.0129aZ\x7f\x80\xc3\xff";

fn mutate(rng: &mut Rng, seed: &[u8], other: &[u8]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = b.len();
        match rng.below(8) {
            0 if len > 0 => {
                let i = rng.below(len);
                b[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                b[i] = INTERESTING[rng.below(INTERESTING.len())];
            }
            2 => {
                let i = rng.below(len + 1);
                b.insert(i, INTERESTING[rng.below(INTERESTING.len())]);
            }
            3 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(64));
                b.drain(i..i + n);
            }
            4 if len > 0 => {
                // Duplicate a chunk in place (repeated records, nested elements).
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(256));
                let chunk = b[i..i + n].to_vec();
                let at = rng.below(b.len() + 1);
                b.splice(at..at, chunk);
            }
            5 if !other.is_empty() => {
                // Splice in a piece of another seed.
                let i = rng.below(other.len());
                let n = 1 + rng.below((other.len() - i).min(256));
                let at = rng.below(len + 1);
                b.splice(at..at, other[i..i + n].iter().copied());
            }
            6 => {
                // Deep nesting: many openers of one kind.
                let opener: &[u8] = [&b"("[..], b"[", b"{", b"<a>", b"not "][rng.below(5)];
                let at = rng.below(len + 1);
                let many = opener.repeat(1 + rng.below(3000));
                b.splice(at..at, many);
            }
            7 if len > 0 => {
                b.truncate(rng.below(len));
            }
            _ => {}
        }
    }
    b
}

fn run(target: &str) {
    let body = TARGETS
        .iter()
        .find(|(n, _)| *n == target)
        .unwrap_or_else(|| panic!("no target {target}"))
        .1;
    let seeds = seeds(target);
    for (path, bytes) in &seeds {
        let r = std::panic::catch_unwind(|| body(bytes));
        assert!(r.is_ok(), "{target}: seed {} panicked", path.display());
    }
    // A fixed seed per target: a failure names the mutation number, and reruns the same way.
    let mut rng =
        Rng(0x9e37_79b9_7f4a_7c15 ^ target.len() as u64 ^ (target.as_bytes()[0] as u64) << 32);
    for n in 0..MUTATIONS {
        let (_, seed) = &seeds[rng.below(seeds.len())];
        let (_, other) = &seeds[rng.below(seeds.len())];
        let input = mutate(&mut rng, seed, other);
        let r = std::panic::catch_unwind(|| body(&input));
        if r.is_err() {
            let out = std::env::temp_dir().join(format!("rampart-fuzz-{target}-{n}.bin"));
            let _ = std::fs::write(&out, &input);
            panic!(
                "{target}: mutation {n} panicked; input written to {} (add it to fuzz/corpus/{target}/ once fixed)",
                out.display()
            );
        }
    }
}

macro_rules! targets {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                run(stringify!($name));
            }
        )*

        #[test]
        fn every_target_has_a_test_and_a_fuzz_target() {
            let tested = [$(stringify!($name)),*];
            for (name, _) in TARGETS {
                assert!(tested.contains(name), "{name} has no test here");
                let fuzz = Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../../fuzz/fuzz_targets")
                    .join(format!("{name}.rs"));
                assert!(fuzz.exists(), "{} is missing", fuzz.display());
            }
        }
    };
}

targets!(
    project_file,
    probe_csv,
    log_combined,
    log_nginx,
    log_json,
    log_regex,
    log_sshd,
    log_nginx_error,
    log_apache_error,
    log_w3c,
    tm7,
    tb7,
    tb7_filter,
    threat_dragon,
    ssh_wire,
    tls_server_hello,
    x509,
    pem,
    html,
    http_banner,
);
