//! Renderers for a [`Report`](crate::Report): text timeline, JSON, Markdown, HTML with an SVG
//! chart. Deterministic: the same report renders to the same bytes.
