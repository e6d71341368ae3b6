use crate::locate::{locate, remove_path, Segment};
use crate::sections::Check;
use crate::{ConfigError, ConfigErrors, Project, ProjectFile};
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Problems found by range checks, keyed by dotted path; located in the file afterwards.
#[derive(Debug, Default)]
pub struct Problems(pub(crate) Vec<(String, String)>);

impl Problems {
    pub fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push((path.into(), message.into()));
    }
}

/// Reads and validates a project file: everything [`load_str`] checks, plus every target inside
/// the scope. What every command loads.
pub fn load_file(path: &Path) -> Result<Project, ConfigErrors> {
    read_checked(path, false)
}

/// [`load_file`], plus what only the machine can say: the log files, threat model and template the
/// file names exist. What `rampart validate` runs, so it finds everything a later run would trip
/// on; other commands do not refuse a project because a log it does not read is absent here.
pub fn validate_file(path: &Path) -> Result<Project, ConfigErrors> {
    read_checked(path, true)
}

fn read_checked(path: &Path, files: bool) -> Result<Project, ConfigErrors> {
    let fail = |line, column, message: String, hint: Option<String>| {
        ConfigErrors(vec![ConfigError {
            file: path.to_path_buf(),
            line,
            column,
            key: String::new(),
            message,
            hint,
        }])
    };
    let bytes = std::fs::read(path).map_err(|e| {
        fail(
            0,
            0,
            format!("cannot read the project file: {}", plain_io(&e)),
            Some("run `rampart init` to write a starter file".into()),
        )
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bad = e.as_bytes()[at];
        let good = std::str::from_utf8(&e.as_bytes()[..at]).expect("valid up to here");
        let (line, column) = LineIndex::new(good).line_col(good, at);
        fail(
            line,
            column,
            format!("invalid UTF-8: byte 0x{bad:02x}; expected UTF-8 text"),
            Some("save the file as UTF-8".into()),
        )
    })?;
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let file = load_checked(&text, path, |pf, p| {
        crate::targets::check_in_scope(pf, p);
        if files {
            crate::files::check_files(pf, dir, p);
        }
    })?;
    Ok(Project {
        path: path.to_path_buf(),
        file,
    })
}

/// "No such file or directory" rather than "No such file or directory (os error 2)".
pub(crate) fn plain_io(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.rfind(" (os error ") {
        Some(i) if s.ends_with(')') => s[..i].to_string(),
        _ => s,
    }
}

/// Parses and validates project-file text; `origin` names the file in errors. Checks types,
/// ranges, regexes and references; [`load_file`] adds what a whole project is held to: every
/// target inside the scope, every named file present. (Library tests load fragments here that
/// have no scope.)
pub fn load_str(text: &str, origin: &Path) -> Result<ProjectFile, ConfigErrors> {
    load_checked(text, origin, |_, _| {})
}

/// At most this many errors are reported; past it the file is not worth reading on.
const MAX_ERRORS: usize = 1000;

/// Parses piece by piece ([`crate::chunks`]; the whole file at once when the pieces do not add up
/// to it), deserializes entry by entry (an error costs a re-read of its own array entry, never of
/// the whole file: `validate` stays linear in the file's size), then runs the range checks and
/// `extra`. Only one piece's parsed document is alive at a time, so memory follows the project's
/// content, not a multiple of the file.
fn load_checked(
    text: &str,
    origin: &Path,
    extra: impl FnOnce(&ProjectFile, &mut Problems),
) -> Result<ProjectFile, ConfigErrors> {
    load_in_pieces(text, origin, extra, crate::chunks::PIECE_BYTES)
}

fn load_in_pieces(
    text: &str,
    origin: &Path,
    extra: impl FnOnce(&ProjectFile, &mut Problems),
    piece_bytes: usize,
) -> Result<ProjectFile, ConfigErrors> {
    let lines = LineIndex::new(text);
    let pieces = crate::chunks::pieces(text, piece_bytes);
    let mut extra = Some(extra);
    if pieces.len() > 1 {
        if let Some(done) = load_pieces(text, origin, &lines, pieces, &mut extra) {
            return done;
        }
    }
    let whole = std::iter::once(0..text.len()).collect();
    load_pieces(text, origin, &lines, whole, &mut extra).expect("the whole file is one piece")
}

/// What one piece holds at the top level: each key, whether it is an array of tables, and the
/// index its first entry has in the whole file.
struct PieceKeys {
    range: Range<usize>,
    keys: Vec<(String, usize)>,
}

/// Loads the file from `pieces`. `None` when the pieces do not add up to the file (a piece does
/// not parse, or two pieces hold the same key other than an array of tables): read it whole then.
fn load_pieces(
    text: &str,
    origin: &Path,
    lines: &LineIndex,
    pieces: Vec<Range<usize>>,
    // Taken only once every piece is read: a piecewise attempt that gives up leaves it for the
    // whole-file read.
    extra: &mut Option<impl FnOnce(&ProjectFile, &mut Problems)>,
) -> Option<Result<ProjectFile, ConfigErrors>> {
    let whole = pieces.len() == 1;
    let mut pf = ProjectFile::default();
    let mut have_project = false;
    let mut errors = Vec::new();
    let mut incomplete = false;
    // Top-level key → (is an array of tables, entries so far).
    let mut seen: HashMap<String, (bool, usize)> = HashMap::new();
    let mut index: Vec<PieceKeys> = Vec::with_capacity(pieces.len());
    for range in pieces {
        let doc = match toml_edit::ImDocument::parse(&text[range.clone()]) {
            Ok(doc) => doc,
            Err(_) if !whole => return None,
            Err(e) => {
                let (line, column) = e
                    .span()
                    .map(|s| lines.line_col(text, s.start))
                    .unwrap_or((0, 0));
                let message = e.message().trim().to_string();
                return Some(Err(ConfigErrors(vec![ConfigError {
                    file: origin.to_path_buf(),
                    line,
                    column,
                    key: String::new(),
                    message: format!("invalid TOML: {message}"),
                    hint: None,
                }])));
            }
        };
        let mut keys = Vec::new();
        for (key, item) in doc.as_table().iter() {
            let aot = matches!(item, toml_edit::Item::ArrayOfTables(_));
            let count = item.as_array_of_tables().map_or(1, |a| a.len());
            let entry = seen.entry(key.to_string()).or_insert((aot, 0));
            if !whole && entry.1 > 0 && !(aot && entry.0) {
                return None;
            }
            keys.push((key.to_string(), entry.1));
            entry.1 += count;
        }
        let mut ctx = Ctx {
            origin,
            text,
            lines,
            root: doc.as_item(),
            base: range.start,
            keys: &keys,
            errors: std::mem::take(&mut errors),
            incomplete,
        };
        ctx.project_file(doc.as_table(), &mut pf, &mut have_project);
        errors = ctx.errors;
        incomplete = ctx.incomplete;
        index.push(PieceKeys { range, keys });
    }
    let empty = toml_edit::Item::None;
    let mut ctx = Ctx {
        origin,
        text,
        lines,
        root: &empty,
        base: 0,
        keys: &[],
        errors,
        incomplete,
    };
    if !have_project {
        ctx.push(&[], "missing field `project`", None);
        ctx.incomplete = true;
    }
    if !ctx.incomplete {
        let mut problems = Problems::default();
        pf.check_all(&mut problems);
        if let Some(extra) = extra.take() {
            extra(&pf, &mut problems);
        }
        let paths: Vec<(Vec<Segment>, bool)> = problems
            .0
            .iter()
            .map(|(key, message)| (Segment::parse_dotted(key), unknown_field(message).is_some()))
            .collect();
        let offsets = locate_in_pieces(text, &index, &paths);
        for (((path, _), (_, message)), offset) in paths.iter().zip(&problems.0).zip(offsets) {
            ctx.push_at(path, message, offset);
        }
    }
    let mut errors = ctx.errors;
    if errors.is_empty() {
        return Some(Ok(pf));
    }
    errors.sort_by_key(|e| (e.line, e.column));
    errors.dedup();
    Some(Err(ConfigErrors(errors)))
}

/// The piece holding `path` and the path within it (the index of an array of tables counted from
/// the piece's first entry).
fn piece_of(index: &[PieceKeys], path: &[Segment]) -> Option<(usize, Vec<Segment>)> {
    let Some(Segment::Key(top)) = path.first() else {
        return None;
    };
    let wanted = match path.get(1) {
        Some(Segment::Index(i)) => Some(*i),
        _ => None,
    };
    // The last piece whose first entry of `top` comes at or before the one wanted.
    let mut found = None;
    for (n, piece) in index.iter().enumerate() {
        for (key, first) in &piece.keys {
            if key == top && wanted.is_none_or(|w| *first <= w) {
                found = Some((n, *first));
            }
        }
    }
    let (n, first) = found?;
    let mut local = path.to_vec();
    if let (Some(w), Some(Segment::Index(i))) = (wanted, local.get_mut(1)) {
        *i = w - first;
    }
    Some((n, local))
}

/// Byte offsets of the problems at `paths` (what [`locate`] finds in the whole file), parsing
/// each piece that holds one once more, one piece at a time.
fn locate_in_pieces(
    text: &str,
    index: &[PieceKeys],
    paths: &[(Vec<Segment>, bool)],
) -> Vec<Option<usize>> {
    let mut out = vec![None; paths.len()];
    let mut by_piece: Vec<(usize, usize, Vec<Segment>, bool)> = paths
        .iter()
        .enumerate()
        .filter_map(|(k, (p, want_key))| {
            piece_of(index, p).map(|(n, local)| (n, k, local, *want_key))
        })
        .collect();
    by_piece.sort_by_key(|(n, k, _, _)| (*n, *k));
    for group in by_piece.chunk_by(|a, b| a.0 == b.0) {
        let range = &index[group[0].0].range;
        let Ok(doc) = toml_edit::ImDocument::parse(&text[range.clone()]) else {
            continue;
        };
        for (_, k, local, want_key) in group {
            out[*k] = locate(doc.as_item(), local, *want_key).map(|o| o + range.start);
        }
    }
    out
}

/// Byte offsets of line starts, so locating an error costs a binary search, not a scan of the file.
pub(crate) struct LineIndex(Vec<usize>);

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr_newlines(text.as_bytes()));
        LineIndex(starts)
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub(crate) fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.0.partition_point(|&s| s <= offset);
        let start = self.0[line - 1];
        (line, text[start..offset].chars().count() + 1)
    }
}

fn memchr_newlines(b: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'\n', b).map(|i| i + 1)
}

/// A one-key document `v = <item>` with the keys of earlier errors taken out.
fn wrap(item: &toml_edit::Item, removed: &[Vec<Segment>]) -> toml_edit::DocumentMut {
    let mut doc = toml_edit::DocumentMut::new();
    doc.insert("v", item.clone());
    for r in removed {
        remove_path(&mut doc, r);
    }
    doc
}

/// One array entry or section, deserialized on its own.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Part<T> {
    v: T,
}

struct Ctx<'a> {
    origin: &'a Path,
    text: &'a str,
    lines: &'a LineIndex,
    /// The piece being read ([`crate::chunks`]), which starts at byte `base` of the file.
    root: &'a toml_edit::Item,
    base: usize,
    /// The piece's top-level keys with the file-wide index of their first entry.
    keys: &'a [(String, usize)],
    errors: Vec<ConfigError>,
    /// Some entry could not be read at all: range checks would see shifted indices, so skip them.
    incomplete: bool,
}

impl Ctx<'_> {
    /// Records an error at `path` (file-wide indices), located in the piece being read.
    fn push(&mut self, path: &[Segment], message: &str, span: Option<Range<usize>>) {
        let is_unknown = unknown_field(message).is_some();
        let mut local = path.to_vec();
        if let (Some(Segment::Key(top)), Some(Segment::Index(i))) = (path.first(), local.get_mut(1))
        {
            if let Some((_, first)) = self.keys.iter().find(|(k, _)| k == top) {
                *i -= first;
            }
        }
        let offset = locate(self.root, &local, is_unknown)
            .or(span.map(|s| s.start))
            .map(|o| o + self.base);
        self.push_at(path, message, offset);
    }

    /// Records an error at a byte offset of the file (the start when unknown).
    fn push_at(&mut self, path: &[Segment], message: &str, offset: Option<usize>) {
        let offset = offset.unwrap_or(0);
        let (line, column) = if self.text.is_empty() {
            (1, 1)
        } else {
            self.lines.line_col(self.text, offset)
        };
        let hint = unknown_field(message).and_then(|found| {
            let expected = expected_fields(message);
            closest(&found, &expected).map(|c| format!("did you mean `{c}`?"))
        });
        self.errors.push(ConfigError {
            file: PathBuf::from(self.origin),
            line,
            column,
            key: Segment::display(path),
            message: message.to_string(),
            hint,
        });
    }

    /// Reads one piece's sections into `pf`: arrays of tables are appended to (a long array is
    /// spread over several pieces), other sections appear in one piece only.
    fn project_file(
        &mut self,
        root: &toml_edit::Table,
        pf: &mut ProjectFile,
        have_project: &mut bool,
    ) {
        for (key, item) in root.iter() {
            let at = vec![Segment::Key(key.to_string())];
            match key {
                "project" => {
                    *have_project = true;
                    if let Some(v) = self.part(&at, item) {
                        pf.project = v;
                    }
                }
                "scope" => pf.scope = self.part(&at, item).unwrap_or_default(),
                "monitors" => pf.monitors.extend(self.list(key, item)),
                "sla" => pf.sla.extend(self.list(key, item)),
                "hosts" => pf.hosts.extend(self.list(key, item)),
                "web" => pf.web.extend(self.list(key, item)),
                "logs" => pf.logs = self.part(&at, item).unwrap_or_default(),
                "threats" => pf.threats = self.part(&at, item),
                "assets" => pf.assets.extend(self.list(key, item)),
                "risk_matrix" => pf.risk_matrix = self.part(&at, item),
                "risks" => pf.risks.extend(self.list(key, item)),
                "policy" => pf.policy = self.part(&at, item),
                "serve" => pf.serve = self.part(&at, item),
                _ => {
                    // serde's own words (with the list of expected keys), from a one-key document.
                    let mut d = toml_edit::DocumentMut::new();
                    d.insert(key, toml_edit::value(0));
                    let de = toml_edit::de::Deserializer::from(d);
                    if let Err(e) = serde_path_to_error::deserialize::<_, ProjectFile>(de) {
                        let message = clean_message(e.into_inner().message());
                        self.push(&at, &message, None);
                    }
                }
            }
        }
    }

    /// An array of sections: each entry on its own, so an error re-reads only its entry.
    fn list<T: serde::de::DeserializeOwned>(
        &mut self,
        key: &str,
        item: &toml_edit::Item,
    ) -> Vec<T> {
        use toml_edit::{Item, Value};
        // File-wide index: a long array is spread over several pieces.
        let first = self
            .keys
            .iter()
            .find(|(k, _)| k == key)
            .map_or(0, |(_, f)| *f);
        let at = |i: usize| vec![Segment::Key(key.to_string()), Segment::Index(first + i)];
        match item {
            Item::ArrayOfTables(a) => a
                .iter()
                .enumerate()
                .filter_map(|(i, t)| self.part(&at(i), &Item::Table(t.clone())))
                .collect(),
            Item::Value(Value::Array(a)) => a
                .iter()
                .enumerate()
                .filter_map(|(i, v)| self.part(&at(i), &Item::Value(v.clone())))
                .collect(),
            other => self
                .part(&[Segment::Key(key.to_string())], other)
                .unwrap_or_default(),
        }
    }

    /// Deserializes one section. serde stops at the first error: to report every one, note the
    /// error, remove the key it is about, and deserialize again, until the rest is clean.
    fn part<T: serde::de::DeserializeOwned>(
        &mut self,
        at: &[Segment],
        item: &toml_edit::Item,
    ) -> Option<T> {
        let mut removed: Vec<Vec<Segment>> = Vec::new();
        loop {
            // A fresh copy each attempt (with the keys of earlier errors taken out), moved into
            // the deserializer: no second copy of the entry on the path with no error.
            let de = toml_edit::de::Deserializer::from(wrap(item, &removed));
            match serde_path_to_error::deserialize::<_, Part<T>>(de) {
                Ok(p) => return Some(p.v),
                Err(err) => {
                    let mut local = Segment::from_path(err.path());
                    let inner = err.into_inner();
                    let message = clean_message(inner.message());
                    if let Some(field) = unknown_field(&message) {
                        if local.last() != Some(&Segment::Key(field.clone())) {
                            local.push(Segment::Key(field));
                        }
                    }
                    let missing_after_removal = message.starts_with("missing field")
                        && removed.iter().any(|r| r.starts_with(&local));
                    if !missing_after_removal {
                        // `local` starts with the wrapper's `v`: put the section's own path there.
                        let path: Vec<Segment> = at
                            .iter()
                            .cloned()
                            .chain(local.iter().skip(1).cloned())
                            .collect();
                        self.push(&path, &message, inner.span());
                    }
                    if self.errors.len() >= MAX_ERRORS
                        || !remove_path(&mut wrap(item, &removed), &local)
                    {
                        self.incomplete = true;
                        return None;
                    }
                    removed.push(local);
                }
            }
        }
    }
}

impl ProjectFile {
    fn check_all(&self, p: &mut Problems) {
        self.project.check("project", p);
        self.scope.check("scope", p);
        for (i, m) in self.monitors.iter().enumerate() {
            m.check(&format!("monitors[{i}]"), p);
        }
        for (i, s) in self.sla.iter().enumerate() {
            s.check(&format!("sla[{i}]"), p);
            if !self.monitors.iter().any(|m| m.name == s.monitor) {
                p.push(
                    format!("sla[{i}].monitor"),
                    format!("found \"{}\", which names no monitor; expected the name of a [[monitors]] entry", s.monitor),
                );
            }
        }
        for (i, h) in self.hosts.iter().enumerate() {
            h.check(&format!("hosts[{i}]"), p);
        }
        for (i, w) in self.web.iter().enumerate() {
            w.check(&format!("web[{i}]"), p);
        }
        self.logs.check("logs", p);
        if let Some(t) = &self.threats {
            t.check("threats", p);
        }
        for (i, a) in self.assets.iter().enumerate() {
            a.check(&format!("assets[{i}]"), p);
        }
        for (i, r) in self.risks.iter().enumerate() {
            r.check(&format!("risks[{i}]"), p);
            if !self.assets.is_empty() && !self.assets.iter().any(|a| a.id == r.asset) {
                p.push(format!("risks[{i}].asset"), format!("found \"{}\", which names no asset; expected the id of an [[assets]] entry", r.asset));
            }
        }
        if let Some(m) = &self.risk_matrix {
            m.check("risk_matrix", p);
        }
        let severities = matrix_severities(self.risk_matrix.as_ref());
        for (i, r) in self.risks.iter().enumerate() {
            let known = |s: &str| severities.iter().any(|k| k.eq_ignore_ascii_case(s));
            let mut severity = |key: &str, s: &str| {
                if !known(s) {
                    p.push(
                        format!("risks[{i}].{key}"),
                        format!(
                            "found \"{s}\", which is not a severity of the risk matrix; expected one of {}",
                            severities.join(", ")
                        ),
                    );
                }
            };
            severity("severity", &r.severity);
            if let Some(s) = &r.residual_severity {
                severity("residual_severity", s);
            }
        }
        if let Some(pol) = &self.policy {
            pol.check("policy", p);
        }
        if let Some(s) = &self.serve {
            s.check("serve", p);
            for (i, m) in s.public_monitors.iter().enumerate() {
                if !self.monitors.iter().any(|x| &x.name == m) {
                    p.push(format!("serve.public_monitors[{i}]"), format!("found \"{m}\", which names no monitor; expected the name of a [[monitors]] entry"));
                }
            }
        }
        let mut names = std::collections::HashSet::new();
        for (i, m) in self.monitors.iter().enumerate() {
            if !names.insert(m.name.as_str()) {
                p.push(
                    format!("monitors[{i}].name"),
                    format!("found \"{}\" twice; expected unique monitor names", m.name),
                );
            }
        }
    }
}

/// The severities of the matrix in force. The presets' lists mirror `rampart-risk`'s matrices
/// (which depend on this crate, so cannot be called from here).
fn matrix_severities(m: Option<&crate::RiskMatrixSection>) -> Vec<String> {
    let preset = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
    match m {
        None => preset(&["Negligible", "Marginal", "Critical"]),
        Some(m) => match m.preset.as_deref() {
            Some("nist-800-30") => preset(&["Very Low", "Low", "Moderate", "High", "Very High"]),
            Some("owasp") => preset(&["Very Low", "Low", "Medium", "High", "Very High"]),
            Some(_) => preset(&["Negligible", "Marginal", "Critical"]),
            None => m.severities.clone(),
        },
    }
}

fn clean_message(m: &str) -> String {
    let m = m.trim();
    // serde's wording ("invalid type: string \"x\", expected u16") already says found/expected.
    m.replace("invalid type: ", "wrong type: found ")
        .replace("invalid value: ", "found ")
}

fn unknown_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    Some(rest[..rest.find('`')?].to_string())
}

fn expected_fields(message: &str) -> Vec<String> {
    message
        .split("expected")
        .nth(1)
        .map(|tail| {
            tail.split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The expected name nearest to a typo, when it is near enough to be a likely typo.
fn closest(found: &str, expected: &[String]) -> Option<String> {
    expected
        .iter()
        .map(|e| (edit_distance(found, e), e))
        .filter(|(d, e)| *d <= 2.max(e.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, e)| e.clone())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reading in pieces (here: a piece per header) must give exactly what reading the whole
    /// file gives: the same project, or the same errors at the same places.
    fn same_either_way(text: &str) -> Result<ProjectFile, ConfigErrors> {
        let origin = Path::new("p.toml");
        let whole = load_in_pieces(text, origin, |_, _| {}, usize::MAX);
        let pieces = load_in_pieces(text, origin, |_, _| {}, 1);
        assert_eq!(whole, pieces, "{text}");
        whole
    }

    /// Whether the piecewise read kept going (rather than falling back to the whole file).
    fn read_in_pieces(text: &str) -> bool {
        let pieces = crate::chunks::pieces(text, 1);
        let mut extra = Some(|_: &ProjectFile, _: &mut Problems| {});
        let lines = LineIndex::new(text);
        pieces.len() > 1
            && load_pieces(text, Path::new("p.toml"), &lines, pieces, &mut extra).is_some()
    }

    const HEAD: &str =
        "# [not] a header\n[project]\nname = \"x\"\n\n[scope]\nhosts = [\n  \"127.0.0.1\",\n]\n";

    fn monitor(i: usize, extra: &str) -> String {
        format!("[[monitors]]\nname = \"m{i}\"\nurl = \"http://127.0.0.1/{i}\"\n{extra}\n")
    }

    #[test]
    fn pieces_read_a_valid_file_as_the_whole_does() {
        let mut text = HEAD.to_string();
        for i in 0..30 {
            text.push_str(&monitor(
                i,
                "body_contains = \"\"\"\n[[monitors]]\n\"\"\"\n[monitors.headers]\nx = \"y\"",
            ));
        }
        text.push_str("[[sla]]\nname = \"s\"\nmonitor = \"m3\"\nuptime_percent = 99.9\n");
        text.push_str(&monitor(30, ""));
        assert!(read_in_pieces(&text));
        let pf = same_either_way(&text).expect("valid");
        assert_eq!(pf.monitors.len(), 31);
        assert_eq!(pf.monitors[30].name, "m30");
        assert_eq!(
            pf.monitors[2].headers.get("x").map(String::as_str),
            Some("y")
        );
    }

    #[test]
    fn pieces_report_the_errors_the_whole_file_reports() {
        let mut text = HEAD.to_string();
        for i in 0..40 {
            let extra = match i % 7 {
                0 => "intervall = \"30s\"",
                1 => "interval = \"1ms\"",
                2 => "status = [\"x\"]",
                3 => "body_regex = \"(\"",
                4 => "method = 3",
                _ => "",
            };
            text.push_str(&monitor(i % 37, extra));
        }
        text.push_str("[[sla]]\nname = \"s\"\nmonitor = \"nope\"\n");
        text.push_str("[bogus]\nx = 1\n");
        assert!(read_in_pieces(&text));
        let errors = same_either_way(&text).expect_err("errors");
        assert!(errors.0.len() > 20, "{errors}");
        assert!(
            errors.0.iter().any(|e| e.key == "monitors[38].name"),
            "{errors}"
        );
    }

    #[test]
    fn pieces_that_do_not_add_up_fall_back_to_the_whole_file() {
        // The same table twice, a dotted table after its parent, a syntax error late on, no
        // project: each is reported as reading the whole file reports it.
        let twice = format!("{HEAD}{}[scope]\nhosts = []\n", monitor(0, ""));
        let late_child = format!("{HEAD}[logs]\n{}[logs.detectors]\n", monitor(0, ""));
        let syntax = format!("{HEAD}{}{}name = \n", monitor(0, ""), monitor(1, ""));
        let no_project = format!("[scope]\nhosts = []\n{}", monitor(0, "intervall = 1"));
        for text in [twice, late_child, syntax] {
            assert!(!read_in_pieces(&text), "{text}");
            let _ = same_either_way(&text);
        }
        let _ = same_either_way(&no_project);
    }
}
