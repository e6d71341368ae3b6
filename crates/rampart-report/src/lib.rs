//! The rendering layer of rampart: every report is built once as a [`doc::Document`] and written
//! by one renderer per format ([`render`]: text, Markdown, HTML), each escaping for its own sink
//! ([`escape`]). JSON comes from a pillar's data (serde), SARIF from its findings ([`sarif`]),
//! CSV from rows ([`csv`]). Drawings come from [`chart`]. Pillars build documents; they never
//! write format syntax.
//!
//! Renderers are deterministic: the same data gives the same bytes (time is an input, never read
//! here). [`Format`] is what users pick with `--format`; [`write_output`] writes `--output FILE`
//! or stdout.

pub mod chart;
pub mod csv;
pub mod doc;
pub mod escape;
mod format;
pub mod output_file;
pub mod render;
pub mod sarif;

pub use doc::{Block, Cell, Chart, Document, FindingColumns, Inline, Row, Span, Table, Tone};
pub use format::{write_output, Format, OutputError};
