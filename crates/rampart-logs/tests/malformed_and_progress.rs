//! Malformed lines are counted and their first samples (with line numbers) shown in every
//! format; progress is reported per chunk with the bytes read from the inputs as on disk.

mod common;
use common::*;
use rampart_logs::{analyze_inputs, Input, Options};

fn with_junk() -> (Log, Vec<(u64, &'static str)>) {
    let mut log = Log::default();
    ordinary(&mut log, 30);
    // Junk at known places: line 1, and two lines right after the first minute's 40.
    let junk = [
        (1u64, "this is not a log line"),
        (42, "<script>half a line from a crashed writer"),
        (43, "GET / HTTP/1.1 without anything else"),
    ];
    (log, junk.to_vec())
}

fn text_with_junk() -> (String, Vec<(u64, &'static str)>) {
    let (log, junk) = with_junk();
    let mut lines: Vec<String> = log.text().lines().map(str::to_string).collect();
    for (no, j) in &junk {
        lines.insert(*no as usize - 1, j.to_string());
    }
    (lines.join("\n") + "\n", junk)
}

#[test]
fn malformed_samples_in_text_json_markdown_and_html() {
    let (text, junk) = text_with_junk();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("access.log");
    std::fs::write(&path, &text).unwrap();
    let r = rampart_logs::analyze(&[&path], &defaults()).unwrap();
    let s = &r.sources[0];
    assert_eq!(s.malformed, 3);
    assert_eq!(s.parsed, 40 * 30);
    let got: Vec<(u64, &str)> = s
        .malformed_samples
        .iter()
        .map(|m| (m.line, m.text.as_str()))
        .collect();
    assert_eq!(got, junk);

    let json: serde_json::Value = serde_json::from_str(&rampart_logs::render::json(&r)).unwrap();
    assert_eq!(json["sources"][0]["malformed"], 3);
    assert_eq!(json["sources"][0]["malformed_samples"][1]["line"], 42);

    let md = rampart_logs::render::markdown(&r);
    assert!(md.contains("**Malformed lines in "), "{md}");
    assert!(
        md.contains(": 3 (counted and skipped, never fatal)"),
        "{md}"
    );
    assert!(md.contains("      42: <script>half a line"), "{md}");
    assert!(md.contains("       1: this is not a log line"), "{md}");

    let html = rampart_logs::render::html(&r);
    assert!(html.contains("Malformed lines in "), "{html}");
    assert!(
        html.contains(": 3 (counted and skipped, never fatal)"),
        "{html}"
    );
    // Escaped: a sample is data, never markup.
    assert!(
        html.contains("      42: &lt;script&gt;half a line"),
        "{html}"
    );
    assert!(!html.contains("<script>half"), "{html}");

    let txt = rampart_logs::render::text(&r);
    assert!(txt.contains("      42: <script>half a line"), "{txt}");

    // A clean log shows no malformed section.
    let mut clean = Log::default();
    ordinary(&mut clean, 5);
    let a = clean.analyze();
    assert!(!rampart_logs::render::markdown(&a.report).contains("Malformed lines"));
    assert!(!rampart_logs::render::html(&a.report).contains("Malformed lines"));
}

#[test]
fn progress_reports_bytes_read_up_to_the_inputs_sizes() {
    use flate2::{write::GzEncoder, Compression};
    use std::io::Write as _;
    let mut log = Log::default();
    // About 3.6 MB: several 1 MiB chunks.
    ordinary(&mut log, 400);
    let text = log.text();
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("access.log");
    std::fs::write(&plain, &text).unwrap();
    let gz = dir.path().join("access.log.1.gz");
    let mut enc = GzEncoder::new(std::fs::File::create(&gz).unwrap(), Compression::fast());
    enc.write_all(text.as_bytes()).unwrap();
    enc.finish().unwrap();
    let sizes = [
        std::fs::metadata(&plain).unwrap().len(),
        std::fs::metadata(&gz).unwrap().len(),
    ];
    let mut seen = Vec::new();
    let mut cb = |n: u64| seen.push(n);
    let opts = Options {
        on_progress: Some(&mut cb),
        ..Options::default()
    };
    let inputs = [Input::File(plain.clone()), Input::File(gz.clone())];
    let r = analyze_inputs(&inputs, &defaults(), opts).unwrap();
    assert_eq!(r.lines(), 2 * 40 * 400);
    // Once per chunk, not per line; never backwards; ends at the two files' sizes on disk.
    assert!(seen.len() >= 4 && seen.len() < 100, "{seen:?}");
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    assert_eq!(*seen.last().unwrap(), sizes[0] + sizes[1], "{seen:?}");
    assert!(
        seen.contains(&sizes[0]),
        "the first file ends at its size: {seen:?}"
    );
}

/// A line longer than 1 MiB is one (malformed) line: the lines after it keep their numbers, so
/// evidence points at the right line.
#[test]
fn overlong_line_keeps_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("access.log");
    let ok = "198.51.100.7 - - [15/Apr/2020:10:00:00 +0000] \"GET / HTTP/1.1\" 200 10 \"-\" \"Mozilla/5.0\"\n";
    let mut text = ok.to_string();
    text.push_str(&"A".repeat(3 * 1024 * 1024 + 5));
    text.push('\n');
    text.push_str("203.0.113.9 - - [15/Apr/2020:10:00:01 +0000] \"GET /search?q=1%27%20UNION%20SELECT%20password%20FROM%20users-- HTTP/1.1\" 200 10 \"-\" \"Mozilla/5.0\"\n");
    text.push_str(ok);
    std::fs::write(&path, text).unwrap();
    let report = rampart_logs::analyze(&[&path], &serde_json::from_str("{}").unwrap()).unwrap();
    let s = &report.sources[0];
    assert_eq!((s.lines, s.parsed, s.malformed), (4, 3, 1), "{s:?}");
    assert_eq!(s.malformed_samples[0].line, 2);
    let inj = report
        .incidents
        .iter()
        .find(|i| i.kind_str() == "injection")
        .expect("the payload line");
    assert_eq!(inj.evidence[0].line, 3, "{:?}", inj.evidence);
}

/// A log truncated while it is read (logrotate's copytruncate) ends the read early; it used to
/// end the process with SIGBUS, when plain files were memory-mapped.
#[test]
fn file_truncated_while_read_is_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("access.log");
    let line = "198.51.100.7 - - [15/Apr/2020:10:00:00 +0000] \"GET /index.html HTTP/1.1\" 200 1043 \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\"\n";
    // About 24 MiB: many chunks in flight when the first one reaches the detectors.
    std::fs::write(&path, line.repeat(24 * 1024 * 1024 / line.len())).unwrap();
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    let mut truncated = false;
    let mut on_progress = |_n: u64| {
        if !truncated {
            file.set_len(0).unwrap();
            truncated = true;
        }
    };
    let opts = rampart_logs::Options {
        workers: 2,
        on_progress: Some(&mut on_progress),
        ..rampart_logs::Options::default()
    };
    let report = rampart_logs::analyze_inputs(
        &[rampart_logs::Input::File(path.clone())],
        &serde_json::from_str("{}").unwrap(),
        opts,
    )
    .unwrap();
    assert!(truncated);
    let s = &report.sources[0];
    // At most the line cut by the truncation is malformed.
    assert!(s.lines > 0 && s.malformed <= 1, "{s:?}");
}
