//! A small read-only tree over quick-xml events. TMT files are a few hundred kilobytes, and their
//! element order differs between a `.tb7` and the copy embedded in a `.tm7`, so navigating a tree by
//! local name is simpler and safer than a streaming state machine.

use quick_xml::events::Event;
use quick_xml::Reader;

#[derive(Debug, Clone, Default)]
pub(crate) struct Node {
    /// Local name, namespace prefix dropped.
    pub name: String,
    /// Attributes by local name (`type` for `i:type`).
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
    pub text: String,
    /// Byte offset of the element's `<` in the document, for located errors.
    pub pos: usize,
}

impl Node {
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// Text of a direct child, empty when absent.
    pub fn text_of(&self, name: &str) -> &str {
        self.child(name).map(|c| c.text.as_str()).unwrap_or("")
    }

    /// The `i:type` of a DataContract node, namespace prefix dropped (`b:ListDisplayAttribute`
    /// → `ListDisplayAttribute`).
    pub fn xsi_type(&self) -> &str {
        let t = self.attr("type").unwrap_or("");
        t.rsplit(':').next().unwrap_or(t)
    }

    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn local(name: &[u8]) -> String {
    let s = String::from_utf8_lossy(name);
    match s.rfind(':') {
        Some(i) => s[i + 1..].to_string(),
        None => s.into_owned(),
    }
}

/// Deepest element nesting accepted. TMT files nest about 15 levels; the bound keeps hostile
/// files from exhausting memory and the (recursive) drop of the tree from exhausting the stack.
pub const MAX_DEPTH: usize = 256;

/// Why a document is not well-formed, and where (byte offset in the text given to [`parse`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct XmlError {
    pub offset: usize,
    pub message: String,
}

impl XmlError {
    fn at(offset: usize, message: impl Into<String>) -> XmlError {
        XmlError {
            offset,
            message: message.into(),
        }
    }

    /// The error as a located problem in `file`, whose text is `text`.
    pub fn located(&self, text: &str, file: &std::path::Path) -> crate::error::Located {
        let (line, column) = crate::toml_pos::line_col(text, self.offset);
        crate::error::Located {
            file: file.to_path_buf(),
            line,
            column,
            message: format!("not well-formed XML: {}", self.message),
        }
    }
}

/// A quick-xml error in words a person can act on, with the byte offset it points at
/// (`start`: where the event that failed began).
fn describe(e: &quick_xml::Error, start: usize, fallback: usize) -> XmlError {
    use quick_xml::escape::EscapeError;
    use quick_xml::events::attributes::AttrError;
    match e {
        // The range covers the entity's name; point at its `&`.
        quick_xml::Error::Escape(EscapeError::UnrecognizedEntity(r, name)) => XmlError::at(
            (start + r.start).saturating_sub(1),
            format!("unknown entity `&{name};`; expected &lt; &gt; &amp; &quot; &apos; or &#N;"),
        ),
        quick_xml::Error::Escape(EscapeError::UnterminatedEntity(r)) => XmlError::at(
            start + r.start,
            "an `&` without its `;`; write a literal & as &amp;",
        ),
        quick_xml::Error::InvalidAttr(a) => {
            let (pos, what) = match a {
                AttrError::ExpectedEq(p) => (*p, "expected `=` after the attribute name".into()),
                AttrError::ExpectedValue(p) => (*p, "expected a quoted value after `=`".into()),
                AttrError::UnquotedValue(p) => {
                    (*p, "expected the attribute value in quotes".into())
                }
                AttrError::ExpectedQuote(p, q) => (
                    *p,
                    format!("expected a closing {} in the attribute value", *q as char),
                ),
                AttrError::Duplicated(p, _) => (*p, "the same attribute twice".into()),
            };
            // Attribute positions count from the byte after `<`.
            XmlError::at(start + 1 + pos, what)
        }
        other => XmlError::at(fallback, other.to_string()),
    }
}

/// Parses a whole document. Every error carries the byte offset it points at.
pub(crate) fn parse(text: &str) -> Result<Node, XmlError> {
    let body = text.trim_start_matches('\u{feff}');
    let bom = text.len() - body.len();
    let mut reader = Reader::from_str(body);
    let mut stack: Vec<Node> = vec![Node::default()];
    let mut root_closed_at: Option<usize> = None; // where the root element ended
    loop {
        let start = reader.buffer_position() as usize + bom;
        let ev = reader.read_event().map_err(|e| {
            let at = reader.error_position() as usize + bom;
            describe(&e, start, at)
        })?;
        let open_node = |e: &quick_xml::events::BytesStart<'_>| -> Result<Node, XmlError> {
            if root_closed_at.is_some() {
                return Err(XmlError::at(
                    start,
                    format!(
                        "a second root element <{}>; expected exactly one root element",
                        local(e.name().as_ref())
                    ),
                ));
            }
            if stack.len() > MAX_DEPTH {
                return Err(XmlError::at(
                    start,
                    format!("elements nested more than {MAX_DEPTH} deep"),
                ));
            }
            open(e, start)
        };
        match ev {
            Event::Start(e) => {
                let node = open_node(&e)?;
                stack.push(node);
            }
            Event::Empty(e) => {
                let node = open_node(&e)?;
                if stack.len() == 1 {
                    root_closed_at = Some(start);
                }
                if let Some(top) = stack.last_mut() {
                    top.children.push(node);
                }
            }
            Event::End(_) => {
                let node = stack
                    .pop()
                    .ok_or_else(|| XmlError::at(start, "unbalanced end tag"))?;
                match stack.last_mut() {
                    Some(top) => top.children.push(node),
                    None => return Err(XmlError::at(start, "unbalanced end tag")),
                }
                if stack.len() == 1 {
                    root_closed_at = Some(start);
                }
            }
            Event::Text(t) => {
                let s = t.unescape().map_err(|e| describe(&e, start, start))?;
                if stack.len() == 1 {
                    // Outside the root element only white space may appear.
                    if let Some(i) = s.find(|c: char| !c.is_whitespace()) {
                        let where_ = if root_closed_at.is_some() {
                            "after"
                        } else {
                            "before"
                        };
                        let skipped = t.len() - t.trim_ascii_start().len();
                        return Err(XmlError::at(
                            start + skipped.min(i),
                            format!("text {where_} the root element; expected only white space outside it"),
                        ));
                    }
                }
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&s);
                }
            }
            Event::CData(t) => {
                if stack.len() == 1 {
                    return Err(XmlError::at(start, "CDATA outside the root element"));
                }
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let end = text.len();
    if stack.len() > 1 {
        let open = stack.last().map(|n| n.name.clone()).unwrap_or_default();
        return Err(XmlError::at(
            end,
            format!("the document ends inside <{open}>; expected its end tag"),
        ));
    }
    let mut root = stack
        .pop()
        .ok_or_else(|| XmlError::at(0, "empty document"))?;
    match root.children.len() {
        1 => Ok(root.children.pop().expect("one child")),
        0 => Err(XmlError::at(
            end,
            "no root element; expected an XML document",
        )),
        _ => Err(XmlError::at(
            root.children[1].pos,
            "a second root element; expected exactly one",
        )),
    }
}

fn open(e: &quick_xml::events::BytesStart<'_>, start: usize) -> Result<Node, XmlError> {
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|err| describe(&err.into(), start, start))?;
        let v = a
            .unescape_value()
            .map_err(|err| describe(&err, start, start))?;
        attrs.push((local(a.key.as_ref()), v.into_owned()));
    }
    Ok(Node {
        name: local(e.name().as_ref()),
        attrs,
        children: Vec::new(),
        text: String::new(),
        pos: start,
    })
}
