//! The front end on one source text: compile, render the diagnostics, verify and
//! round-trip what compiles. Panics (with the reason) when a promise is broken.

use std::path::Path;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, Config};
use dast_base::{Diagnostic, Severity, SourceMap};
use dast_compiler::{compile_program, MemFs, Program};

const MANIFEST: &str = "[package]\nname = \"p\"\n";

/// What the front end made of a text.
pub enum Outcome {
    /// It compiled; the modules verified and round-tripped.
    Compiled(Vec<dast_bytecode::Module>),
    /// It was refused with these rendered diagnostics (never empty).
    Refused(String),
}

/// Compiles `source` as `src/main.dast` of a project and checks every promise of the
/// front end: no panic, spans inside their file, at least one error on a refusal,
/// rendered diagnostics, verified modules, `encode`/`decode` round trip.
pub fn check(source: &str) -> Outcome {
    let outcome = compile_and_check(source);
    // The same text compiles to the same bytes (a reload compares them to decide
    // whether a module changed).
    if let Outcome::Compiled(first) = &outcome {
        let Outcome::Compiled(again) = compile_and_check(source) else {
            panic!("compiled once, refused the second time");
        };
        for (a, b) in first.iter().zip(&again) {
            assert!(
                dast_bytecode::encode(a) == dast_bytecode::encode(b),
                "module `{}` compiled twice to different bytecode",
                a.name
            );
        }
    }
    outcome
}

fn compile_and_check(source: &str) -> Outcome {
    let mut fs = MemFs::default();
    fs.files.insert("/p/dast.toml".into(), MANIFEST.into());
    fs.files
        .insert("/p/src/main.dast".into(), source.to_string());
    let program = Program::discover(&fs, Path::new("/p")).expect("a project with src/main.dast");
    match compile_program(&fs, program) {
        Ok(compiled) => {
            // Warnings are rendered too.
            let _ = render(&compiled.sources, &compiled.diagnostics);
            let _ = dast_compiler::main_error(&compiled);
            for m in &compiled.modules {
                if let Err(e) = dast_bytecode::verify(m) {
                    panic!(
                        "module `{}` compiled but does not verify: {e:?}\n{}",
                        m.name,
                        dast_bytecode::disassemble(m)
                    );
                }
                let bytes = dast_bytecode::encode(m);
                let again = dast_bytecode::decode(&bytes)
                    .unwrap_or_else(|e| panic!("module `{}` does not decode: {e:?}", m.name));
                assert!(
                    again == *m,
                    "module `{}` changed through encode/decode",
                    m.name
                );
                let _ = dast_bytecode::disassemble(m);
            }
            Outcome::Compiled(compiled.modules)
        }
        Err(failed) => {
            assert!(
                failed.diagnostics.iter().any(|d| d.is_error()),
                "refused without an error: {:?}",
                failed.diagnostics
            );
            Outcome::Refused(render(&failed.sources, &failed.diagnostics))
        }
    }
}

/// Renders diagnostics as `dast` does (codespan-reporting), after checking that every
/// span lies inside its file and on character boundaries.
pub fn render(sources: &SourceMap, diags: &[Diagnostic]) -> String {
    let mut files = SimpleFiles::new();
    for (_, f) in sources.files() {
        files.add(f.name.clone(), f.text.clone());
    }
    let config = Config::default();
    let mut out = String::new();
    for d in diags {
        let spans = std::iter::once(&d.primary).chain(&d.secondary);
        for label in spans {
            let s = label.span;
            assert!(
                (s.file.0 as usize) < sources.files().count(),
                "{} label in no file ({:?}), the renderer drops the diagnostic: {}",
                d.code,
                s.file,
                d.message
            );
            let text = &sources.get(s.file).text;
            assert!(
                s.start <= s.end && s.end as usize <= text.len(),
                "{} span {}..{} outside its file ({} bytes): {}",
                d.code,
                s.start,
                s.end,
                text.len(),
                d.message
            );
            assert!(
                text.is_char_boundary(s.start as usize) && text.is_char_boundary(s.end as usize),
                "{} span {}..{} not on character boundaries: {}",
                d.code,
                s.start,
                s.end,
                d.message
            );
        }
        let _ = term::emit_to_string(&mut out, &config, &files, &convert(d));
    }
    out
}

fn convert(d: &Diagnostic) -> CsDiagnostic<usize> {
    let severity = match d.severity {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
        Severity::Note => CsSeverity::Note,
    };
    let mut labels = vec![Label::primary(
        d.primary.span.file.0 as usize,
        d.primary.span.start as usize..d.primary.span.end as usize,
    )
    .with_message(d.primary.message.clone())];
    for s in &d.secondary {
        labels.push(
            Label::secondary(
                s.span.file.0 as usize,
                s.span.start as usize..s.span.end as usize,
            )
            .with_message(s.message.clone()),
        );
    }
    let mut out = CsDiagnostic::new(severity)
        .with_code(d.code)
        .with_message(d.message.clone())
        .with_labels(labels);
    if let Some(h) = &d.help {
        out = out.with_notes(vec![format!("help: {h}")]);
    }
    out
}
