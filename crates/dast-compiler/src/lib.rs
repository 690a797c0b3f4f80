//! The compiler driver: finds a program's modules (a single `.dast` file and what it
//! imports, or a project with `dast.toml` and `src/`), parses and checks them, and
//! returns bytecode modules or diagnostics. All file access goes through [`FileSystem`].

#![forbid(unsafe_code)]

mod fs;
mod hot_calls;
mod manifest;
mod project;

pub use fs::MemFs;
pub use fs::{FileSystem, RealFs};
pub use hot_calls::{hot_functions, route_entry_hot_calls, route_hot_calls, RoutedCalls};
pub use manifest::{
    parse_size, LimitsTable, Manifest, ManifestError, ModuleSettings, Profile,
    DEFAULT_ROLLBACK_WINDOW,
};
pub use project::{module_name_for, ModuleSource, Program, ProgramKind};

use dast_base::{Diagnostic, SourceMap};
use dast_bytecode as bc;
use dast_syntax::ast;

/// A successful compilation.
pub struct Compiled {
    pub program: Program,
    pub sources: SourceMap,
    pub modules: Vec<bc::Module>,
    /// Warnings (no errors).
    pub diagnostics: Vec<Diagnostic>,
}

/// A failed compilation: every diagnostic, with the sources to render them.
pub struct Failed {
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
}

/// An error before any source could be compiled (missing file, bad manifest).
#[derive(Debug)]
pub struct LoadError(pub String);

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LoadError {}

/// Loads, parses and checks the program at `path` (a `.dast` file or a project
/// directory).
pub fn compile(
    fs: &dyn FileSystem,
    path: &std::path::Path,
) -> Result<Result<Compiled, Failed>, LoadError> {
    let program = Program::discover(fs, path)?;
    Ok(compile_program(fs, program))
}

/// Parses and checks the modules of a discovered program.
pub fn compile_program(fs: &dyn FileSystem, program: Program) -> Result<Compiled, Failed> {
    let mut sources = SourceMap::new();
    let mut diagnostics = Vec::new();
    let mut parsed: Vec<(String, dast_base::FileId, String, ast::File)> = Vec::new();
    for m in &program.modules {
        let text = match fs.read(&m.path) {
            Ok(t) => t,
            Err(e) => {
                let file = sources.add(m.display.clone(), String::new());
                diagnostics.push(Diagnostic::error(
                    "E0001",
                    format!("cannot read `{}`: {e}", m.display),
                    dast_base::Span::new(file, 0, 0),
                ));
                continue;
            }
        };
        let file = sources.add(m.display.clone(), text);
        let (tree, errors) = dast_syntax::parse(file, &sources.get(file).text);
        diagnostics.extend(errors);
        parsed.push((m.name.clone(), file, m.display.clone(), tree));
    }
    let inputs: Vec<dast_check::SourceModule> = parsed
        .iter()
        .map(|(name, file, display, tree)| dast_check::SourceModule {
            name: name.clone(),
            file: *file,
            path: display.clone(),
            ast: tree,
        })
        .collect();
    let syntax_failed = diagnostics.iter().any(|d| d.is_error());
    let out = dast_check::check(&inputs, &sources);
    diagnostics.extend(out.diagnostics);
    // Syntax errors leave error nodes the checker skips; report both, sorted by position.
    diagnostics.sort_by_key(|d| (d.primary.span.file, d.primary.span.start));
    dedup_same_spot(&mut diagnostics);
    if syntax_failed || diagnostics.iter().any(|d| d.is_error()) {
        return Err(Failed {
            sources,
            diagnostics,
        });
    }
    Ok(Compiled {
        program,
        sources,
        modules: out.modules,
        diagnostics,
    })
}

/// Two errors starting at the same place are almost always one problem seen twice.
fn dedup_same_spot(diags: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::HashSet::new();
    diags.retain(|d| !d.is_error() || seen.insert((d.primary.span.file, d.primary.span.start)));
}

/// What running the program needs beyond compiling it: its entry module (`main` of a
/// project, the file's own module for a single file) must define `fn main()` without
/// parameters. `None` when it does, or when the program has no entry module (a project
/// without `src/main.dast`: the caller says so in its own words). `check` and `build`
/// do not ask: a library module (no `main`) compiles like any other.
pub fn main_error(c: &Compiled) -> Option<Diagnostic> {
    let entry = c.program.entry.as_deref()?;
    let m = c.modules.iter().find(|m| m.name == entry)?;
    let display = &c.program.modules.iter().find(|m| m.name == entry)?.display;
    let (file, _) = c.sources.files().find(|(_, f)| &f.name == display)?;
    let at = dast_base::Span::new(file, 0, 0);
    match m.functions.iter().find(|f| f.name == "main") {
        Some(f) if f.sig.params.is_empty() => None,
        Some(_) => Some(
            Diagnostic::error("E0601", "`main` must take no parameters", at)
                .with_label("entry point")
                .with_help("write `fn main() { ... }`"),
        ),
        None => Some(
            Diagnostic::error(
                "E0601",
                format!("`main` function not found in module `{entry}`"),
                at,
            )
            .with_label("no entry point")
            .with_help("add `fn main() { ... }` to run this program"),
        ),
    }
}
