//! The document model: a report is built once as data and rendered by one renderer per format
//! ([`crate::render`]). Pillars build [`Document`]s; they never write format syntax. Strings in
//! the model are plain text; each renderer escapes them for its sink.

use crate::chart::Svg;
use rampart_model::{Finding, Severity};

/// A whole report: a title, a subtitle and blocks.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub title: String,
    pub subtitle: String,
    pub blocks: Vec<Block>,
}

impl Document {
    /// The shape of a scan's report: what was seen (a table, when there is anything), then the
    /// findings.
    pub fn observed_and_findings(
        title: &str,
        subtitle: &str,
        observed: Table,
        findings: Vec<Finding>,
        columns: FindingColumns,
    ) -> Document {
        let mut blocks = Vec::new();
        if !observed.rows.is_empty() {
            blocks.push(Block::Table(observed));
        }
        blocks.push(Block::section(
            "Findings",
            vec![Block::Findings { findings, columns }],
        ));
        Document {
            title: title.to_string(),
            subtitle: subtitle.to_string(),
            blocks,
        }
    }
}

/// How a piece of text is marked: verdicts, states, severities.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Tone {
    #[default]
    Plain,
    Good,
    Warn,
    Bad,
    Severity(Severity),
}

impl Tone {
    /// The CSS class the HTML renderer gives it.
    pub fn class(self) -> Option<String> {
        match self {
            Tone::Plain => None,
            Tone::Good => Some("good".into()),
            Tone::Warn => Some("warn".into()),
            Tone::Bad => Some("bad".into()),
            Tone::Severity(s) => Some(format!("sev-{s}")),
        }
    }
}

/// A run of inline text.
#[derive(Debug, Clone, PartialEq)]
pub enum Span {
    Text(String),
    Strong(String),
    Em(String),
    Code(String),
    /// A link; renderers drop targets [`crate::escape::safe_href`] refuses and keep the text.
    Link {
        text: String,
        href: String,
    },
    Toned(Tone, String),
    /// A line break inside a cell or paragraph.
    Break,
}

/// Inline text: a sequence of spans.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inline(pub Vec<Span>);

impl Inline {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn text(mut self, s: impl Into<String>) -> Self {
        self.0.push(Span::Text(s.into()));
        self
    }
    pub fn strong(mut self, s: impl Into<String>) -> Self {
        self.0.push(Span::Strong(s.into()));
        self
    }
    pub fn em(mut self, s: impl Into<String>) -> Self {
        self.0.push(Span::Em(s.into()));
        self
    }
    pub fn code(mut self, s: impl Into<String>) -> Self {
        self.0.push(Span::Code(s.into()));
        self
    }
    pub fn link(mut self, text: impl Into<String>, href: impl Into<String>) -> Self {
        self.0.push(Span::Link {
            text: text.into(),
            href: href.into(),
        });
        self
    }
    pub fn toned(mut self, tone: Tone, s: impl Into<String>) -> Self {
        self.0.push(Span::Toned(tone, s.into()));
        self
    }
    pub fn br(mut self) -> Self {
        self.0.push(Span::Break);
        self
    }
    pub fn push(&mut self, span: Span) {
        self.0.push(span);
    }
    pub fn append(&mut self, other: Inline) {
        self.0.extend(other.0);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The plain text, without marks.
    pub fn plain(&self) -> String {
        let mut s = String::new();
        for span in &self.0 {
            match span {
                Span::Text(t)
                | Span::Strong(t)
                | Span::Em(t)
                | Span::Code(t)
                | Span::Toned(_, t)
                | Span::Link { text: t, .. } => s.push_str(t),
                Span::Break => s.push('\n'),
            }
        }
        s
    }
}

impl From<&str> for Inline {
    fn from(s: &str) -> Self {
        Inline(vec![Span::Text(s.to_string())])
    }
}
impl From<String> for Inline {
    fn from(s: String) -> Self {
        Inline(vec![Span::Text(s)])
    }
}
impl From<&String> for Inline {
    fn from(s: &String) -> Self {
        Inline(vec![Span::Text(s.clone())])
    }
}

/// A table cell.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cell {
    pub content: Inline,
    pub tone: Tone,
}

impl<T: Into<Inline>> From<T> for Cell {
    fn from(t: T) -> Self {
        Cell {
            content: t.into(),
            tone: Tone::Plain,
        }
    }
}

impl Cell {
    pub fn toned(tone: Tone, content: impl Into<Inline>) -> Self {
        Cell {
            content: content.into(),
            tone,
        }
    }
}

/// A table row, with an optional anchor others can link to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    pub id: Option<String>,
    pub cells: Vec<Cell>,
}

impl Row {
    pub fn new(cells: Vec<Cell>) -> Self {
        Row { id: None, cells }
    }
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }
}

/// A table: header and rows. `numeric` columns are right-aligned where the format can.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Row>,
    pub id: Option<String>,
}

impl Table {
    pub fn new(header: &[&str]) -> Self {
        Table {
            header: header.iter().map(|h| h.to_string()).collect(),
            ..Default::default()
        }
    }
    /// A table of plain strings.
    pub fn plain(header: &[&str], rows: &[Vec<String>]) -> Self {
        let mut t = Table::new(header);
        for r in rows {
            t.push(r.iter().map(Cell::from).collect());
        }
        t
    }
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }
    pub fn push(&mut self, cells: Vec<Cell>) {
        self.rows.push(Row::new(cells));
    }
    pub fn push_row(&mut self, row: Row) {
        self.rows.push(row);
    }
}

/// A chart: the drawing, and what it shows in words (for text and Markdown, and screen readers).
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub svg: Svg,
    pub caption: String,
    pub id: Option<String>,
    /// The figure's class in HTML (`sla-graph`, `heat-map`, …).
    pub class: &'static str,
}

/// Which columns a findings table shows, in which order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingColumns {
    /// severity, rule, title, target, evidence, fix
    SeverityFirst,
    /// rule, severity, title, target, evidence, fix
    RuleFirst,
}

/// Block-level content.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A titled part of the report; sections nest.
    Section {
        id: Option<String>,
        heading: Inline,
        tone: Tone,
        blocks: Vec<Block>,
    },
    Paragraph(Inline),
    List {
        id: Option<String>,
        tone: Tone,
        items: Vec<Inline>,
    },
    /// `key: value` lines (report metadata, a threat's fields).
    KeyValues(Vec<(String, Inline)>),
    Table(Table),
    /// Literal text kept as it is: log lines, derivations, banners (escaped, never interpreted).
    Evidence(String),
    Chart(Chart),
    /// Findings as a table: severity-marked, each row anchored as `f-<fingerprint>`.
    Findings {
        findings: Vec<Finding>,
        columns: FindingColumns,
    },
    /// A block with a class and id, for pages that mark a group (a threat card, a state).
    Group {
        id: Option<String>,
        class: String,
        blocks: Vec<Block>,
    },
}

impl Block {
    pub fn section(heading: impl Into<Inline>, blocks: Vec<Block>) -> Block {
        Block::Section {
            id: None,
            heading: heading.into(),
            tone: Tone::Plain,
            blocks,
        }
    }
    pub fn section_id(id: &str, heading: impl Into<Inline>, blocks: Vec<Block>) -> Block {
        Block::Section {
            id: Some(id.to_string()),
            heading: heading.into(),
            tone: Tone::Plain,
            blocks,
        }
    }
    pub fn para(text: impl Into<Inline>) -> Block {
        Block::Paragraph(text.into())
    }
    pub fn list<T: Into<Inline>>(items: impl IntoIterator<Item = T>) -> Block {
        Block::List {
            id: None,
            tone: Tone::Plain,
            items: items.into_iter().map(Into::into).collect(),
        }
    }
}

/// The anchor of a finding's row.
pub fn finding_anchor(fingerprint: &str) -> String {
    format!("f-{fingerprint}")
}
