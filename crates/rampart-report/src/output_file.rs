//! The one writer behind every `--output FILE`: what is written is either all there or not there.
//!
//! - A regular file (or a new one) is replaced atomically: the bytes go to a temporary file with a
//!   random name created exclusively (`O_EXCL`, mode 0600 until complete) in the target's folder,
//!   are fsynced, and the temporary file is renamed over the target; the folder is fsynced so the
//!   rename survives a power cut. A process killed at any moment leaves the old report or the new
//!   one, never half of one (at worst a stray `.NAME.XXXXXX.rampart-tmp` beside it).
//! - A symlink is written through: its final target gets the same treatment, the link stays.
//! - A device, pipe or socket (`/dev/null`, `/dev/stdout`, a FIFO) is written directly: renaming a
//!   file over `/dev/null` as root would replace the device.
//! - A missing folder is an error, not silently created; a directory is an error.
//! - Any write, fsync or rename failure (full disk, I/O error) is an error naming the path, and
//!   the temporary file is removed.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Why a report could not be written: the path the user gave, what rampart was doing, the cause.
#[derive(Debug)]
pub struct OutputError {
    /// The path as the user gave it (`stdout` for standard output).
    pub path: String,
    /// What failed, when it is not the plain write, e.g. "the folder /x does not exist".
    pub doing: Option<String>,
    pub source: io::Error,
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The cause is printed once, here; `source()` is deliberately not set so error chains
        // (`{:#}`) do not repeat it.
        write!(f, "cannot write {}: ", self.path)?;
        if let Some(d) = &self.doing {
            write!(f, "{d}: ")?;
        }
        write!(f, "{}", plain_cause(&self.source))
    }
}

impl std::error::Error for OutputError {}

impl OutputError {
    /// True when standard output was closed by its reader (`rampart ... | head`).
    pub fn is_broken_pipe(&self) -> bool {
        self.source.kind() == io::ErrorKind::BrokenPipe
    }
}

/// "No space left on device" rather than "No space left on device (os error 28)".
fn plain_cause(e: &io::Error) -> String {
    let s = e.to_string();
    match s.rfind(" (os error ") {
        Some(i) if s.ends_with(')') => s[..i].to_string(),
        _ => s,
    }
}

/// How many symlinks are followed before giving up (the kernel's own limit).
const MAX_LINKS: usize = 40;

/// Writes `bytes` to the file at `path` by the rules in the module comment.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let fail = |doing: Option<String>, source: io::Error| OutputError {
        path: path.display().to_string(),
        doing,
        source,
    };
    let target =
        resolve_links(path).map_err(|e| fail(Some("cannot follow the symlink".into()), e))?;
    match fs::metadata(&target) {
        Ok(m) if m.is_file() => {
            replace_atomically(&target, bytes, Some(&m)).map_err(|(d, e)| fail(d, e))
        }
        Ok(m) if m.is_dir() => Err(fail(
            None,
            io::Error::new(
                io::ErrorKind::IsADirectory,
                "it is a directory; expected a file name",
            ),
        )),
        Ok(_) => write_directly(&target, bytes).map_err(|e| fail(None, e)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let dir = folder_of(&target);
            match fs::metadata(&dir) {
                Ok(d) if d.is_dir() => {
                    replace_atomically(&target, bytes, None).map_err(|(d, e)| fail(d, e))
                }
                Ok(_) => Err(fail(
                    Some(format!("{} is not a folder", dir.display())),
                    io::Error::from(io::ErrorKind::NotADirectory),
                )),
                Err(e) => Err(fail(
                    Some(format!(
                        "the folder {} does not exist (rampart does not create it)",
                        dir.display()
                    )),
                    e,
                )),
            }
        }
        Err(e) => Err(fail(None, e)),
    }
}

/// The folder a file lives in (`.` for a bare name).
fn folder_of(p: &Path) -> PathBuf {
    match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Follows `path` while it is a symlink, so a link is written through instead of replaced. A
/// dangling link resolves to where it points (which is then created).
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = fs::read_link(&p)?;
                p = if to.is_absolute() {
                    to
                } else {
                    folder_of(&p).join(to)
                };
            }
            _ => return Ok(p),
        }
    }
    Err(io::Error::other(format!(
        "more than {MAX_LINKS} symlinks in a row (a loop?)"
    )))
}

/// Devices, pipes and sockets: open for writing (never create, never rename) and write.
fn write_directly(target: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = OpenOptions::new().write(true).open(target)?;
    f.write_all(bytes)?;
    f.flush()
}

type Failure = (Option<String>, io::Error);

fn replace_atomically(
    target: &Path,
    bytes: &[u8],
    existing: Option<&fs::Metadata>,
) -> Result<(), Failure> {
    let dir = folder_of(target);
    if let Some(kind) = pseudo_filesystem(&dir) {
        return Err((
            Some(format!(
                "{} is on a {kind} pseudo-filesystem, which holds kernel state, not reports; choose a path on a disk",
                dir.display()
            )),
            io::Error::from(io::ErrorKind::Unsupported),
        ));
    }
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".rampart-tmp");
    let mut tmp = builder.tempfile_in(&dir).map_err(|e| {
        (
            Some(format!(
                "cannot create a temporary file in {}",
                dir.display()
            )),
            e,
        )
    })?;
    let written = (|| -> io::Result<()> {
        tmp.write_all(bytes)?;
        tmp.flush()?;
        tmp.as_file().sync_all()?;
        set_mode(tmp.as_file(), existing)
    })();
    // On any error `tmp` is dropped here, which removes the temporary file.
    written.map_err(|e| (None, e))?;
    tmp.persist(target).map_err(|e| {
        // `e.file` is dropped with the error: the temporary file is removed.
        (
            Some(format!(
                "cannot rename the temporary file over {}",
                target.display()
            )),
            e.error,
        )
    })?;
    // The rename is durable once the folder is on disk. Not every filesystem can fsync a folder;
    // the report itself is already synced, so this is best effort.
    if let Ok(d) = fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// A replaced file keeps its mode; a new one gets 0666 less the umask, like any other tool's output
/// (the temporary file starts at 0600 so no one reads it half-written).
#[cfg(unix)]
fn set_mode(f: &fs::File, existing: Option<&fs::Metadata>) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = match existing {
        Some(m) => m.permissions().mode() & 0o7777,
        None => 0o666 & !current_umask(),
    };
    f.set_permissions(fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_: &fs::File, _: Option<&fs::Metadata>) -> io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn current_umask() -> u32 {
    // umask can only be read by setting it; set it straight back. rampart has no other thread
    // creating files while a report is written at the end of a command.
    // SAFETY: umask has no memory-safety preconditions.
    unsafe {
        let old = libc::umask(0o022);
        libc::umask(old);
        old as u32
    }
}

/// `proc`, `sysfs`, ... when `dir` is on a kernel pseudo-filesystem where files cannot be created
/// (the kernel answers "No such file or directory", which would mislead).
#[cfg(target_os = "linux")]
fn pseudo_filesystem(dir: &Path) -> Option<&'static str> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    // SAFETY: `c` is a valid NUL-terminated path and `st` a properly sized out-parameter.
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statfs(c.as_ptr(), &mut st) } != 0 {
        return None;
    }
    const PROC: i64 = 0x9fa0;
    const SYSFS: i64 = 0x6265_6572;
    const CGROUP: i64 = 0x0027_e0eb;
    const CGROUP2: i64 = 0x6367_7270;
    const DEBUGFS: i64 = 0x6462_6720;
    const SECURITYFS: i64 = 0x7363_6673;
    match st.f_type as i64 {
        PROC => Some("proc"),
        SYSFS => Some("sysfs"),
        CGROUP | CGROUP2 => Some("cgroup"),
        DEBUGFS => Some("debugfs"),
        SECURITYFS => Some("securityfs"),
        _ => None,
    }
}

#[cfg(not(target_os = "linux"))]
fn pseudo_filesystem(_: &Path) -> Option<&'static str> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".rampart-tmp"))
            .collect()
    }

    #[test]
    fn replaces_a_regular_file_and_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("r.json");
        fs::write(&p, "old").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
        write_file(&p, b"new").unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o640
        );
        assert!(leftovers(d.path()).is_empty());
    }

    #[test]
    fn a_missing_folder_is_an_error_not_created() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("sub/out.json");
        let e = write_file(&p, b"{}").unwrap_err();
        assert!(!d.path().join("sub").exists(), "the folder was created");
        let msg = e.to_string();
        assert!(msg.contains("does not exist"), "{msg}");
        assert!(msg.contains(&p.display().to_string()), "{msg}");
    }

    #[test]
    fn writes_through_a_symlink_and_keeps_the_link() {
        let d = tempfile::tempdir().unwrap();
        let real = d.path().join("real.txt");
        fs::write(&real, "old").unwrap();
        let link = d.path().join("link.txt");
        std::os::unix::fs::symlink("real.txt", &link).unwrap();
        write_file(&link, b"new").unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        // A dangling link creates its target.
        let dangling = d.path().join("dangling");
        std::os::unix::fs::symlink("made.txt", &dangling).unwrap();
        write_file(&dangling, b"x").unwrap();
        assert_eq!(fs::read_to_string(d.path().join("made.txt")).unwrap(), "x");
        assert!(fs::symlink_metadata(&dangling)
            .unwrap()
            .file_type()
            .is_symlink());
    }

    #[test]
    fn a_symlink_loop_is_an_error() {
        let d = tempfile::tempdir().unwrap();
        let a = d.path().join("a");
        std::os::unix::fs::symlink("b", &a).unwrap();
        std::os::unix::fs::symlink("a", d.path().join("b")).unwrap();
        let e = write_file(&a, b"x").unwrap_err().to_string();
        assert!(e.contains("symlink"), "{e}");
    }

    #[test]
    fn a_fifo_is_written_directly_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let d = tempfile::tempdir().unwrap();
        let fifo = d.path().join("pipe");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: valid path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || fs::read_to_string(fifo).unwrap())
        };
        write_file(&fifo, b"through the pipe").unwrap();
        assert_eq!(reader.join().unwrap(), "through the pipe");
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    }

    #[test]
    fn dev_null_stays_a_device() {
        use std::os::unix::fs::FileTypeExt;
        write_file(Path::new("/dev/null"), b"nothing").unwrap();
        assert!(fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device());
    }

    #[test]
    fn dev_full_is_a_named_error() {
        let e = write_file(Path::new("/dev/full"), b"x").unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot write /dev/full: No space left on device"
        );
        use std::os::unix::fs::FileTypeExt;
        assert!(fs::metadata("/dev/full")
            .unwrap()
            .file_type()
            .is_char_device());
    }

    #[test]
    fn a_directory_is_an_error() {
        let d = tempfile::tempdir().unwrap();
        let e = write_file(d.path(), b"x").unwrap_err().to_string();
        assert!(e.contains("is a directory"), "{e}");
    }

    #[test]
    fn proc_gets_its_real_cause() {
        let e = write_file(Path::new("/proc/version"), b"x")
            .unwrap_err()
            .to_string();
        assert!(e.contains("proc pseudo-filesystem"), "{e}");
        assert!(!e.contains("No such file"), "{e}");
    }

    #[test]
    fn the_temporary_name_is_random_and_an_old_one_is_untouched() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("out.txt");
        // The old fixed name must neither be used nor clobbered.
        let fixed = d.path().join("out.rampart-tmp");
        fs::write(&fixed, "someone else's").unwrap();
        write_file(&p, b"report").unwrap();
        assert_eq!(fs::read_to_string(&fixed).unwrap(), "someone else's");
        assert_eq!(fs::read_to_string(&p).unwrap(), "report");
    }
}
