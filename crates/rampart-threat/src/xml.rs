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

/// Parses a whole document; the error says where parsing stopped (byte offset).
pub(crate) fn parse(text: &str) -> Result<Node, String> {
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Node> = vec![Node::default()];
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| format!("at byte {}: {e}", reader.buffer_position()))?;
        match ev {
            Event::Start(e) => {
                stack.push(open(&e)?);
            }
            Event::Empty(e) => {
                let node = open(&e)?;
                if let Some(top) = stack.last_mut() {
                    top.children.push(node);
                }
            }
            Event::End(_) => {
                let node = stack.pop().ok_or("unbalanced end tag")?;
                match stack.last_mut() {
                    Some(top) => top.children.push(node),
                    None => return Err("unbalanced end tag".into()),
                }
            }
            Event::Text(t) => {
                let s = t
                    .unescape()
                    .map_err(|e| format!("at byte {}: {e}", reader.buffer_position()))?;
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&s);
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut root = stack.pop().ok_or("empty document")?;
    if !stack.is_empty() {
        return Err("document ends inside an element".into());
    }
    root.children
        .pop()
        .filter(|_| root.children.is_empty())
        .ok_or_else(|| "expected exactly one root element".to_string())
}

fn open(e: &quick_xml::events::BytesStart<'_>) -> Result<Node, String> {
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|e| e.to_string())?;
        let v = a.unescape_value().map_err(|e| e.to_string())?;
        attrs.push((local(a.key.as_ref()), v.into_owned()));
    }
    Ok(Node {
        name: local(e.name().as_ref()),
        attrs,
        children: Vec::new(),
        text: String::new(),
    })
}
