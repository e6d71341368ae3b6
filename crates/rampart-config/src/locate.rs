//! Finding a key path in the parsed TOML document: where it is (for error positions) and how to
//! take it out (so validation can carry on past an error).

use toml_edit::{DocumentMut, Item, Value};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

impl Segment {
    pub fn from_path(p: &serde_path_to_error::Path) -> Vec<Segment> {
        use serde_path_to_error::Segment as S;
        p.iter()
            .filter_map(|s| match s {
                S::Seq { index } => Some(Segment::Index(*index)),
                S::Map { key } => Some(Segment::Key(key.clone())),
                _ => None,
            })
            .collect()
    }

    /// Parses `monitors[1].interval` back into segments.
    pub fn parse_dotted(s: &str) -> Vec<Segment> {
        let mut out = Vec::new();
        for part in s.split('.') {
            let mut rest = part;
            if let Some(b) = rest.find('[') {
                if b > 0 {
                    out.push(Segment::Key(rest[..b].to_string()));
                }
                rest = &rest[b..];
                while let Some(stripped) = rest.strip_prefix('[') {
                    let end = stripped.find(']').unwrap_or(stripped.len());
                    if let Ok(i) = stripped[..end].parse() {
                        out.push(Segment::Index(i));
                    }
                    rest = stripped.get(end + 1..).unwrap_or("");
                }
            } else if !rest.is_empty() {
                out.push(Segment::Key(rest.to_string()));
            }
        }
        out
    }

    pub fn display(path: &[Segment]) -> String {
        let mut s = String::new();
        for seg in path {
            match seg {
                Segment::Key(k) => {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    s.push_str(k);
                }
                Segment::Index(i) => s.push_str(&format!("[{i}]")),
            }
        }
        s
    }
}

#[derive(Clone, Copy)]
enum Node<'a> {
    Item(&'a Item),
    Table(&'a toml_edit::Table),
    Value(&'a Value),
}

impl<'a> Node<'a> {
    fn span_start(self) -> Option<usize> {
        match self {
            Node::Item(i) => i.span(),
            Node::Table(t) => t.span(),
            Node::Value(v) => v.span(),
        }
        .map(|s| s.start)
    }

    fn table(self) -> Option<&'a toml_edit::Table> {
        match self {
            Node::Item(Item::Table(t)) | Node::Table(t) => Some(t),
            _ => None,
        }
    }

    fn inline_table(self) -> Option<&'a toml_edit::InlineTable> {
        match self {
            Node::Item(Item::Value(Value::InlineTable(t))) | Node::Value(Value::InlineTable(t)) => {
                Some(t)
            }
            _ => None,
        }
    }

    /// Returns the child and the byte offset of its key.
    fn child(self, seg: &Segment) -> Option<(Node<'a>, Option<usize>)> {
        match seg {
            Segment::Key(k) => {
                if let Some(t) = self.table() {
                    let (key, item) = t.get_key_value(k)?;
                    return Some((Node::Item(item), key.span().map(|s| s.start)));
                }
                let t = self.inline_table()?;
                let (key, value) = t.get_key_value(k)?;
                let value = value.as_value()?;
                Some((Node::Value(value), key.span().map(|s| s.start)))
            }
            Segment::Index(i) => match self {
                Node::Item(Item::ArrayOfTables(a)) => {
                    let t = a.get(*i)?;
                    // An [[array]] entry has no span of its own: point at its first key.
                    let first_key = t
                        .iter()
                        .next()
                        .and_then(|(k, _)| t.key(k))
                        .and_then(|k| k.span())
                        .map(|s| s.start);
                    Some((Node::Table(t), first_key))
                }
                Node::Item(Item::Value(Value::Array(a))) | Node::Value(Value::Array(a)) => {
                    a.get(*i).map(|v| (Node::Value(v), None))
                }
                _ => None,
            },
        }
    }
}

/// Byte offset of the value at `path` (or of its key, when `want_key`), or of the nearest parent
/// that exists.
pub fn locate(root: &Item, path: &[Segment], want_key: bool) -> Option<usize> {
    let mut node = Node::Item(root);
    let mut best = None;
    for (i, seg) in path.iter().enumerate() {
        let last = i + 1 == path.len();
        let Some((child, key_at)) = node.child(seg) else {
            break;
        };
        if last && want_key && key_at.is_some() {
            return key_at;
        }
        best = child.span_start().or(key_at).or(best);
        node = child;
    }
    best
}

/// Removes the entry of the last key in `path` (never an array element, so the indices of later
/// errors still match the original file). Returns false when nothing could be removed.
pub fn remove_path(doc: &mut DocumentMut, path: &[Segment]) -> bool {
    let Some(last_key) = path.iter().rposition(|s| matches!(s, Segment::Key(_))) else {
        return false;
    };
    let Segment::Key(key) = &path[last_key] else {
        return false;
    };
    remove_in_table(doc.as_table_mut(), &path[..last_key], key)
}

fn remove_in_table(t: &mut toml_edit::Table, path: &[Segment], key: &str) -> bool {
    match path.split_first() {
        None => t.remove(key).is_some(),
        Some((Segment::Key(k), rest)) => match t.get_mut(k) {
            Some(item) => remove_in_item(item, rest, key),
            None => false,
        },
        Some((Segment::Index(_), _)) => false,
    }
}

fn remove_in_item(item: &mut Item, path: &[Segment], key: &str) -> bool {
    match item {
        Item::Table(t) => remove_in_table(t, path, key),
        Item::Value(v) => remove_in_value(v, path, key),
        Item::ArrayOfTables(a) => match path.split_first() {
            Some((Segment::Index(i), rest)) => match a.get_mut(*i) {
                Some(t) => remove_in_table(t, rest, key),
                None => false,
            },
            _ => false,
        },
        Item::None => false,
    }
}

fn remove_in_value(v: &mut Value, path: &[Segment], key: &str) -> bool {
    match (v, path.split_first()) {
        (Value::InlineTable(t), None) => t.remove(key).is_some(),
        (Value::InlineTable(t), Some((Segment::Key(k), rest))) => match t.get_mut(k) {
            Some(v) => remove_in_value(v, rest, key),
            None => false,
        },
        (Value::Array(a), Some((Segment::Index(i), rest))) => match a.get_mut(*i) {
            Some(v) => remove_in_value(v, rest, key),
            None => false,
        },
        _ => false,
    }
}
