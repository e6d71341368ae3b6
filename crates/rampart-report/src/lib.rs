//! Output conventions shared by every rampart command that reports.
//!
//! Renderers are deterministic: the same data gives the same bytes (time is an input, never read
//! here). Each pillar renders its own report with these pieces: the [`Format`] users pick with
//! `--format`, [`write_output`] for `--output FILE` or stdout, an HTML page shell with no external
//! assets, text escaping for Markdown and HTML, and a SARIF 2.1.0 log built from findings.

mod format;
pub mod html;
pub mod md;
pub mod output_file;
pub mod sarif;

pub use format::{write_output, Format, OutputError};
