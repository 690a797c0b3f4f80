//! Compiling a project from disk, with failures rendered as plain text.

use std::path::Path;

use dast_base::{Diagnostic, Severity, SourceMap};
use dast_bytecode::Module;
use dast_compiler::{Failed, RealFs};

use crate::Error;

/// Every module of the project (or single file) at `path`, compiled.
pub(crate) fn compile_project(path: &Path) -> Result<Vec<Module>, Error> {
    match dast_compiler::compile(&RealFs, path) {
        Err(e) => Err(Error::Load(e.to_string())),
        Ok(Err(failed)) => Err(Error::Compile(render_failure(&failed))),
        Ok(Ok(compiled)) => Ok(compiled.modules),
    }
}

/// The project (or single file) at `path`, compiled, with its manifest's settings.
pub(crate) fn compile_project_in(path: &Path) -> Result<dast_compiler::Compiled, Error> {
    match dast_compiler::compile(&RealFs, path) {
        Err(e) => Err(Error::Load(e.to_string())),
        Ok(Err(failed)) => Err(Error::Compile(render_failure(&failed))),
        Ok(Ok(compiled)) => Ok(compiled),
    }
}

/// One `file:line:col: error[CODE]: message` line per diagnostic.
pub(crate) fn render_failure(failed: &Failed) -> String {
    let lines: Vec<String> = failed
        .diagnostics
        .iter()
        .map(|d| render_diagnostic(&failed.sources, d))
        .collect();
    lines.join("\n")
}

fn render_diagnostic(sources: &SourceMap, d: &Diagnostic) -> String {
    let severity = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    };
    let at = sources.location(d.primary.span);
    format!("{at}: {severity}[{}]: {}", d.code, d.message)
}

/// Reads and decodes `.dbc` files.
pub(crate) fn decode_files(paths: &[&Path]) -> Result<Vec<Module>, Error> {
    paths
        .iter()
        .map(|path| {
            let bytes =
                std::fs::read(path).map_err(|e| Error::Load(format!("{}: {e}", path.display())))?;
            dast_bytecode::decode(&bytes)
                .map_err(|e| Error::Load(format!("{}: {e}", path.display())))
        })
        .collect()
}
