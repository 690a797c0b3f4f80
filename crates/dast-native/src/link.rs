//! Object file -> shared object, with the system linker.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug)]
pub enum LinkError {
    /// Neither `cc` nor `ld` could be run.
    NoLinker,
    /// The linker ran and failed (its stderr is in `message`).
    Failed {
        linker: String,
        message: String,
    },
    Io {
        path: PathBuf,
        error: io::Error,
    },
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::NoLinker => f.write_str(
                "no linker found: native code needs `cc` or `ld` on the PATH \
                 (install one with `apt-get install gcc` or `apt-get install binutils`)",
            ),
            LinkError::Failed { linker, message } => {
                write!(f, "`{linker}` failed to link the native module: {message}")
            }
            LinkError::Io { path, error } => write!(f, "{}: {error}", path.display()),
        }
    }
}

impl std::error::Error for LinkError {}

/// Links `object` into the shared object `out`.
///
/// The file appears under its final name only when complete (written beside it under a
/// temporary name, then renamed): a loader never maps a half-written file, and a mapped
/// library is never rewritten in place. Give every version of a module its own `out`
/// (`libgame_logic.3.so`): `dlopen` caches by path.
///
/// `-z text` turns any text relocation into an error (generated code must be
/// position-independent); `-Bsymbolic` binds the module's own references locally.
pub fn link_shared_object(object: &[u8], out: &Path) -> Result<(), LinkError> {
    let dir = out
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let unique = unique_suffix();
    let obj_path = dir.join(format!(".dast-link-{unique}.o"));
    let tmp_out = dir.join(format!(".dast-link-{unique}.so"));
    let io_err = |path: &Path| {
        let path = path.to_path_buf();
        move |error| LinkError::Io { path, error }
    };
    std::fs::write(&obj_path, object).map_err(io_err(&obj_path))?;
    let linked = run_linker(&obj_path, &tmp_out);
    let _ = std::fs::remove_file(&obj_path);
    if let Err(e) = linked {
        let _ = std::fs::remove_file(&tmp_out);
        return Err(e);
    }
    std::fs::rename(&tmp_out, out).map_err(io_err(out))
}

/// Tries `cc` (the usual driver), then plain `ld` (generated code needs no libc).
fn run_linker(obj: &Path, out: &Path) -> Result<(), LinkError> {
    let candidates: [(&str, &[&str]); 2] = [
        (
            "cc",
            &[
                "-shared",
                "-nostdlib",
                "-Wl,-z,text",
                "-Wl,-Bsymbolic",
                "-o",
            ],
        ),
        ("ld", &["-shared", "-z", "text", "-Bsymbolic", "-o"]),
    ];
    for (linker, args) in candidates {
        let output = match Command::new(linker).args(args).arg(out).arg(obj).output() {
            Ok(output) => output,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(error) => {
                return Err(LinkError::Io {
                    path: PathBuf::from(linker),
                    error,
                })
            }
        };
        if output.status.success() {
            return Ok(());
        }
        return Err(LinkError::Failed {
            linker: linker.to_string(),
            message: String::from_utf8_lossy(&output.stderr).trim().to_string(),
        });
    }
    Err(LinkError::NoLinker)
}

/// Distinct per process and per call, so concurrent links never share temporary files.
fn unique_suffix() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{}-{n}", std::process::id())
}
