use crate::locate::{locate, remove_path, Segment};
use crate::sections::Check;
use crate::{ConfigError, ConfigErrors, Project, ProjectFile};
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

/// Parses once, deserializes section by section (an error costs a re-read of its own array entry,
/// never of the whole file: `validate` stays linear in the file's size), then runs the range
/// checks and `extra`.
fn load_checked(
    text: &str,
    origin: &Path,
    extra: impl FnOnce(&ProjectFile, &mut Problems),
) -> Result<ProjectFile, ConfigErrors> {
    let origin = origin.to_path_buf();
    let lines = LineIndex::new(text);
    let original = match toml_edit::ImDocument::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let (line, column) = e
                .span()
                .map(|s| lines.line_col(text, s.start))
                .unwrap_or((0, 0));
            let message = e.message().trim().to_string();
            return Err(ConfigErrors(vec![ConfigError {
                file: origin,
                line,
                column,
                key: String::new(),
                message: format!("invalid TOML: {message}"),
                hint: None,
            }]));
        }
    };
    let mut ctx = Ctx {
        origin: &origin,
        text,
        lines: &lines,
        root: original.as_item(),
        errors: Vec::new(),
        incomplete: false,
    };
    let pf = ctx.project_file(original.as_table());

    if !ctx.incomplete {
        let mut problems = Problems::default();
        pf.check_all(&mut problems);
        extra(&pf, &mut problems);
        for (key, message) in problems.0 {
            let path = Segment::parse_dotted(&key);
            ctx.push(&path, &message, None);
        }
    }
    let mut errors = ctx.errors;
    if errors.is_empty() {
        return Ok(pf);
    }
    errors.sort_by_key(|e| (e.line, e.column));
    errors.dedup();
    Err(ConfigErrors(errors))
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
    root: &'a toml_edit::Item,
    errors: Vec<ConfigError>,
    /// Some entry could not be read at all: range checks would see shifted indices, so skip them.
    incomplete: bool,
}

impl Ctx<'_> {
    fn push(&mut self, path: &[Segment], message: &str, span: Option<std::ops::Range<usize>>) {
        let is_unknown = unknown_field(message).is_some();
        let offset = locate(self.root, path, is_unknown)
            .or(span.map(|s| s.start))
            .unwrap_or(0);
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

    fn project_file(&mut self, root: &toml_edit::Table) -> ProjectFile {
        let mut pf = ProjectFile::default();
        let mut have_project = false;
        for (key, item) in root.iter() {
            let at = vec![Segment::Key(key.to_string())];
            match key {
                "project" => {
                    have_project = true;
                    if let Some(v) = self.part(&at, item) {
                        pf.project = v;
                    }
                }
                "scope" => pf.scope = self.part(&at, item).unwrap_or_default(),
                "monitors" => pf.monitors = self.list(key, item),
                "sla" => pf.sla = self.list(key, item),
                "hosts" => pf.hosts = self.list(key, item),
                "web" => pf.web = self.list(key, item),
                "logs" => pf.logs = self.part(&at, item).unwrap_or_default(),
                "threats" => pf.threats = self.part(&at, item),
                "assets" => pf.assets = self.list(key, item),
                "risk_matrix" => pf.risk_matrix = self.part(&at, item),
                "risks" => pf.risks = self.list(key, item),
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
        if !have_project {
            self.push(&[], "missing field `project`", None);
            self.incomplete = true;
        }
        pf
    }

    /// An array of sections: each entry on its own, so an error re-reads only its entry.
    fn list<T: serde::de::DeserializeOwned>(
        &mut self,
        key: &str,
        item: &toml_edit::Item,
    ) -> Vec<T> {
        use toml_edit::{Item, Value};
        let at = |i: usize| vec![Segment::Key(key.to_string()), Segment::Index(i)];
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
