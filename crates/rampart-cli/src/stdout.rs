//! Printing for every command: `outln!` for standard output, `errln!` for standard error.
//!
//! `println!` panics when its reader has gone (`rampart threats rules | head -1`) or the disk is
//! full (`> /dev/full`). `outln!` returns an error instead: a closed pipe ends the command quietly
//! with exit 0 (see [`is_closed_pipe`]), any other failure is exit 2 naming stdout. `errln!` never
//! fails: when even stderr is gone there is nobody left to tell. Both show control characters
//! visibly (`\x1b`), so a hostile banner, log line or element name quoted in a line cannot
//! retitle, clear or recolour the terminal.

use std::io::Write;

/// Writes one line to standard output; `?` it.
#[macro_export]
macro_rules! outln {
    () => { $crate::stdout::line(format_args!("")) };
    ($($arg:tt)*) => { $crate::stdout::line(format_args!($($arg)*)) };
}

/// Writes one line to standard error, ignoring failure.
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => { $crate::stdout::err_line(format_args!($($arg)*)) };
}

pub fn line(args: std::fmt::Arguments<'_>) -> Result<(), rampart_report::OutputError> {
    let text = std::fmt::format(args);
    let mut out = std::io::stdout().lock();
    out.write_all(rampart_report::escape::text(&text).as_bytes())
        .and_then(|_| out.write_all(b"\n"))
        .and_then(|_| out.flush())
        .map_err(|source| rampart_report::OutputError {
            path: "stdout".into(),
            doing: None,
            source,
        })
}

pub fn err_line(args: std::fmt::Arguments<'_>) {
    let text = std::fmt::format(args);
    let mut err = std::io::stderr().lock();
    let _ = err
        .write_all(rampart_report::escape::text(&text).as_bytes())
        .and_then(|_| err.write_all(b"\n"));
}

/// True when the error (anywhere in its chain) is standard output closed by its reader: the
/// reader has all it wanted, so the command stops quietly.
pub fn is_closed_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<rampart_report::OutputError>()
            .is_some_and(|o| o.path == "stdout" && o.is_broken_pipe())
            || c.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
