//! Plain data shared by every phase of the Dast compiler: source files, spans, line
//! indexes and diagnostics. Nothing here knows about syntax, types or IO.

#![forbid(unsafe_code)]

mod diagnostic;
mod source;

pub use diagnostic::{Diagnostic, Label, Severity};
pub use source::{FileId, LineCol, LineIndex, SourceFile, SourceMap, Span};
