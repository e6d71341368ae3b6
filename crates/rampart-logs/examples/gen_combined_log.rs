//! Writes a synthetic nginx `combined` log for the benchmark (bench/logs.sh): ordinary traffic
//! from a few thousand clients over ten days, with a handful of attacks mixed in.
//! `cargo run --release -p rampart-logs --example gen_combined_log -- OUT LINES`

use std::io::{BufWriter, Write};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: deterministic, so every run benchmarks the same file.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const AGENTS: &[&str] = &[
    "Mozilla/5.0 (X11; Linux x86_64; rv:75.0) Gecko/20100101 Firefox/75.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/81.0.4044.113 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1 Safari/605.1.15",
    "python-requests/2.23.0",
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let out = args
        .get(1)
        .map(String::as_str)
        .unwrap_or("bench-combined.log");
    let lines: u64 = args
        .get(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(5_000_000);
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(out).expect("create"));
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    let start: i64 = 1_586_815_200; // 2020-04-14 00:00 +02:00
    let span: i64 = 10 * 86_400;
    let step = span as f64 / lines as f64;
    for n in 0..lines {
        let t = start + (n as f64 * step) as i64;
        let local = t + 7200;
        let (y, m, d) = civil(local.div_euclid(86_400));
        let sod = local.rem_euclid(86_400);
        let roll = r.below(1000);
        let client = if roll >= 996 {
            // The attacks come from a few addresses, as they do.
            format!("203.0.113.{}", 1 + r.below(20))
        } else if r.below(3) == 0 {
            "10.0.0.5".to_string()
        } else {
            let c = r.below(5000);
            format!(
                "{}.{}.{}.{}",
                11 + c % 200,
                (c * 7) % 250,
                (c * 13) % 250,
                1 + c % 250
            )
        };
        let (method, path, status): (&str, String, u16) = match roll {
            0..=299 => (
                "GET",
                format!("/api/msgs?no=100&latest={}", r.below(1_000_000)),
                200,
            ),
            300..=449 => (
                "POST",
                format!(
                    "/api/msgs/user{}?latest={}",
                    r.below(400),
                    r.below(1_000_000)
                ),
                204,
            ),
            450..=549 => ("GET", "/public".into(), 200),
            550..=649 => ("GET", "/static/style.css".into(), 304),
            650..=749 => ("GET", format!("/user{}", r.below(400)), 200),
            750..=849 => (
                "POST",
                "/login".into(),
                if r.below(30) == 0 { 400 } else { 302 },
            ),
            850..=949 => (
                "POST",
                "/register".into(),
                if r.below(30) == 0 { 400 } else { 302 },
            ),
            950..=995 => ("GET", "/".into(), 200),
            996 => (
                "GET",
                format!("/search?q=1%27%20OR%201=1--{}", r.below(10)),
                500,
            ),
            997 => ("GET", format!("/missing{}", r.below(100_000)), 404),
            998 => ("GET", "/.env".into(), 404),
            _ => ("GET", format!("/reset?token={}", r.below(1 << 40)), 200),
        };
        let agent = AGENTS[r.below(AGENTS.len() as u64) as usize];
        let referer = if agent.starts_with("python") {
            "-"
        } else {
            "https://minitwit.example/public"
        };
        let _ = writeln!(
            w,
            "{client} - - [{d:02}/{}/{y}:{:02}:{:02}:{:02} +0200] \"{method} {path} HTTP/1.1\" {status} {} \"{referer}\" \"{agent}\"",
            MONTHS[(m - 1) as usize],
            sod / 3600,
            (sod / 60) % 60,
            sod % 60,
            200 + r.below(20_000)
        );
    }
    w.flush().expect("flush");
}

fn civil(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}
