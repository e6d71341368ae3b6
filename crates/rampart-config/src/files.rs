//! Checks only a project file on disk can have: the files it names exist. Relative paths are
//! resolved against the project file's folder, as every command resolves them.

use crate::load::{plain_io, Problems};
use crate::ProjectFile;
use std::path::Path;

pub(crate) fn check_files(pf: &ProjectFile, dir: &Path, p: &mut Problems) {
    for (i, s) in pf.logs.sources.iter().enumerate() {
        must_be_a_file(
            dir,
            &s.path,
            &format!("logs.sources[{i}].path"),
            "a log file",
            p,
        );
    }
    if let Some(t) = &pf.threats {
        if let Some(m) = &t.model {
            must_be_a_file(dir, m, "threats.model", "the data-flow diagram", p);
        }
        if let Some(m) = &t.template {
            must_be_a_file(dir, m, "threats.template", "a TMT template (.tb7)", p);
        }
        // `threats.triage` may name a file `rampart threats triage` has yet to write.
    }
}

fn must_be_a_file(dir: &Path, written: &Path, key: &str, what: &str, p: &mut Problems) {
    let full = if written.is_absolute() {
        written.to_path_buf()
    } else {
        dir.join(written)
    };
    match std::fs::metadata(&full) {
        Ok(m) if m.is_dir() => p.push(
            key,
            format!("found \"{}\", a folder; expected {what}", written.display()),
        ),
        Ok(_) => {}
        Err(e) => p.push(
            key,
            format!(
                "cannot read \"{}\" ({}): {}; expected {what}",
                written.display(),
                full.display(),
                plain_io(&e)
            ),
        ),
    }
}
