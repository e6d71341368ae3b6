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

/// Reads and validates a project file.
pub fn load_file(path: &Path) -> Result<Project, ConfigErrors> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        ConfigErrors(vec![ConfigError {
            file: path.to_path_buf(),
            line: 0,
            column: 0,
            key: String::new(),
            message: format!("cannot read the project file: {e}"),
            hint: Some("run `rampart init` to write a starter file".into()),
        }])
    })?;
    let file = load_str(&text, path)?;
    Ok(Project {
        path: path.to_path_buf(),
        file,
    })
}

/// Parses and validates project-file text; `origin` names the file in errors.
pub fn load_str(text: &str, origin: &Path) -> Result<ProjectFile, ConfigErrors> {
    let origin = origin.to_path_buf();
    let original: toml_edit::ImDocument<String> = match text.parse() {
        Ok(doc) => doc,
        Err(e) => {
            let e: toml_edit::TomlError = e;
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
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

    // serde stops at the first error. To report every one, note the error, remove the key it is
    // about, and deserialize again, until the rest is clean.
    let mut errors = Vec::new();
    let mut doc = original.clone().into_mut();
    let mut removed: Vec<Vec<Segment>> = Vec::new();
    let parsed = loop {
        let de = toml_edit::de::Deserializer::from(doc.clone());
        match serde_path_to_error::deserialize::<_, ProjectFile>(de) {
            Ok(pf) => break Some(pf),
            Err(err) => {
                let mut path = Segment::from_path(err.path());
                let inner = err.into_inner();
                let message = clean_message(inner.message());
                if let Some(field) = unknown_field(&message) {
                    if path.last() != Some(&Segment::Key(field.clone())) {
                        path.push(Segment::Key(field));
                    }
                }
                let missing_after_removal = message.starts_with("missing field")
                    && removed.iter().any(|r| r.starts_with(&path));
                if !missing_after_removal {
                    errors.push(make_error(
                        &origin,
                        text,
                        &original,
                        &path,
                        &message,
                        inner.span(),
                    ));
                }
                if errors.len() > 100 || !remove_path(&mut doc, &path) {
                    break None;
                }
                removed.push(path);
            }
        }
    };

    if let Some(pf) = &parsed {
        let mut problems = Problems::default();
        pf.check_all(&mut problems);
        for (key, message) in problems.0 {
            let path = Segment::parse_dotted(&key);
            errors.push(make_error(&origin, text, &original, &path, &message, None));
        }
    }
    if errors.is_empty() {
        return Ok(parsed.expect("no errors means the file deserialized"));
    }
    errors.sort_by_key(|e| (e.line, e.column));
    errors.dedup();
    Err(ConfigErrors(errors))
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

fn make_error(
    origin: &Path,
    text: &str,
    doc: &toml_edit::ImDocument<String>,
    path: &[Segment],
    message: &str,
    span: Option<std::ops::Range<usize>>,
) -> ConfigError {
    let is_unknown = unknown_field(message).is_some();
    let offset = span
        .map(|s| s.start)
        .or_else(|| locate(doc, path, is_unknown))
        .unwrap_or(0);
    let (line, column) = if text.is_empty() {
        (1, 1)
    } else {
        line_col(text, offset)
    };
    let hint = unknown_field(message).and_then(|found| {
        let expected = expected_fields(message);
        closest(&found, &expected).map(|c| format!("did you mean `{c}`?"))
    });
    ConfigError {
        file: PathBuf::from(origin),
        line,
        column,
        key: Segment::display(path),
        message: message.to_string(),
        hint,
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
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
