//! Small TOML helpers: byte offsets to line and column, and string quoting for writers.

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    // Offsets from parsers may point inside a multi-byte character: count from its start.
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

/// A TOML basic string with every needed escape.
pub(crate) fn quote(s: &str) -> String {
    toml_edit::Value::from(s).to_string().trim().to_string()
}
