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
    link_shared_object_with(object, out, &[])
}

/// Links `object` into `out` against the libraries `needed` (those of the modules it
/// calls directly, see [`crate::Options::direct_imports`]): each becomes a `DT_NEEDED`
/// entry under its file name (every library's soname is its file name), found at run
/// time beside `out` (`RUNPATH $ORIGIN`), and the dynamic linker binds the direct calls
/// once when the library is loaded (`RTLD_NOW`).
pub fn link_shared_object_with(
    object: &[u8],
    out: &Path,
    needed: &[PathBuf],
) -> Result<(), LinkError> {
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
    let soname = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let linked = run_linker(&obj_path, &tmp_out, &soname, needed);
    let _ = std::fs::remove_file(&obj_path);
    if let Err(e) = linked {
        let _ = std::fs::remove_file(&tmp_out);
        return Err(e);
    }
    std::fs::rename(&tmp_out, out).map_err(io_err(out))
}

/// Tries plain `ld`, then `cc` (the usual driver).
fn run_linker(obj: &Path, out: &Path, soname: &str, needed: &[PathBuf]) -> Result<(), LinkError> {
    let mut cc: Vec<String> = ["-shared", "-nostdlib", "-Wl,-z,text", "-Wl,-Bsymbolic"]
        .map(String::from)
        .to_vec();
    cc.push(format!("-Wl,-soname,{soname}"));
    let mut ld: Vec<String> = ["-shared", "-z", "text", "-Bsymbolic", "-soname", soname]
        .map(String::from)
        .to_vec();
    if !needed.is_empty() {
        cc.push("-Wl,-rpath,$ORIGIN".into());
        ld.extend(["-rpath".into(), "$ORIGIN".into()]);
    }
    // `ld` itself first: generated code needs no C runtime, and skipping the driver
    // halves the link time (about 2 ms of every build).
    for (linker, args) in [("ld", ld), ("cc", cc)] {
        let output = match Command::new(linker)
            .args(&args)
            .arg("-o")
            .arg(out)
            .arg(obj)
            .args(needed)
            .output()
        {
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
