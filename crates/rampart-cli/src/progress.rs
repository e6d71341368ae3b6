//! Progress bars for long work, one look for every command.
//!
//! Bars draw on stderr and only when stderr is a terminal (indicatif hides them otherwise), so
//! piped output, CI logs and `--format json` on stdout stay clean. Libraries report progress
//! through plain callbacks (`Fn(u64)`), never through indicatif: only the CLI draws.

use indicatif::{ProgressBar, ProgressStyle};
use std::time::Duration;

/// A bar for work whose size is known: `what` names the unit ("ports", "probes", "lines").
pub fn counter(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    let template = format!("{{spinner}} {{elapsed_precise}} [{{bar:30}}] {{pos}}/{{len}} {what} ({{per_sec}}, eta {{eta}}) {{msg}}");
    bar.set_style(
        ProgressStyle::with_template(&template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// A bar for byte streams of known size (log files): throughput in bytes per second.
pub fn bytes(len: u64) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed_precise} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, eta {eta}) {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// A spinner for work of unknown size, naming the step in progress.
pub fn spinner(msg: impl Into<String>) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message(msg.into());
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}
