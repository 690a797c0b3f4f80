//! Rendering of diagnostics and panics: the only place that turns plain-data
//! diagnostics into text.

use codespan_reporting::diagnostic::{
    Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity,
};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{
    self,
    termcolor::{ColorChoice, StandardStream},
    Config,
};
use dast_base::{Diagnostic, Severity, SourceMap};

use crate::out::errln;

fn files_of(sources: &SourceMap) -> SimpleFiles<String, String> {
    let mut files = SimpleFiles::new();
    for (_, f) in sources.files() {
        files.add(f.name.clone(), f.text.clone());
    }
    files
}

fn convert(d: &Diagnostic) -> CsDiagnostic<usize> {
    let severity = match d.severity {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
        Severity::Note => CsSeverity::Note,
    };
    let mut labels = vec![CsLabel::primary(
        d.primary.span.file.0 as usize,
        d.primary.span.start as usize..d.primary.span.end as usize,
    )
    .with_message(d.primary.message.clone())];
    for s in &d.secondary {
        labels.push(
            CsLabel::secondary(
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

/// Renders diagnostics as plain text (for reload errors in the log).
pub fn render_plain(sources: &SourceMap, diags: &[Diagnostic]) -> String {
    let files = files_of(sources);
    let config = Config::default();
    let mut out = String::new();
    for d in diags {
        let _ = term::emit_to_string(&mut out, &config, &files, &convert(d));
    }
    out.trim_end().to_string()
}

/// Writes diagnostics to stderr, in colour when stderr is a terminal.
pub fn emit_stderr(sources: &SourceMap, diags: &[Diagnostic]) {
    let files = files_of(sources);
    let config = Config::default();
    let choice = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    };
    let mut w = StandardStream::stderr(choice);
    for d in diags {
        if let Err(codespan_reporting::files::Error::Io(e)) =
            term::emit_to_write_style(&mut w, &config, &files, &convert(d))
        {
            crate::out::exit_if_broken_pipe(&e);
        }
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    if errors > 0 {
        errln!(
            "error: could not compile due to {errors} previous error{}",
            if errors == 1 { "" } else { "s" }
        );
    }
}
