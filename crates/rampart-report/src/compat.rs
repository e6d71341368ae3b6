//! The old helpers, kept only for renderers not yet moved onto [`crate::doc`]; each delegates to
//! the document renderers, so there is still one escape and one page shell.

pub mod html {
    use crate::doc::{Block, Document, Table};

    pub use crate::escape::html as escape;

    /// A page around `body`, which the caller built with [`escape`] on every piece of data.
    pub fn page(title: &str, subtitle: &str, body: &str) -> String {
        const MARK: &str = "\u{0}rampart-body\u{0}";
        let doc = Document {
            title: title.into(),
            subtitle: subtitle.into(),
            blocks: vec![Block::Evidence(MARK.into())],
        };
        let shell = crate::render::html::render(&doc);
        let marked = format!("<pre>{}</pre>\n", crate::escape::html(MARK));
        shell.replacen(&marked, body, 1)
    }

    pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
        let mut s = String::new();
        crate::render::html::table(&mut s, &Table::plain(header, rows));
        s
    }
}

pub mod md {
    use crate::doc::Table;

    pub use crate::escape::markdown as escape;

    pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
        let mut s = String::new();
        crate::render::markdown::table(&mut s, &Table::plain(header, rows));
        s
    }
}
