//! Lexer and resilient parser for Dast. `parse` always returns a tree and the list of
//! syntax errors; it knows nothing about types, IR or IO.
//!
//! - [`lex`]: text to [`Token`]s (each knows whether a newline precedes it).
//! - [`parse`]: text to an [`ast::File`] and every syntax error found; never panics and
//!   always terminates, whatever the input.
//! - [`print_tree`]: a deterministic rendering of the tree, for tests.
//!
//! Error codes are listed in [`errors`].

#![forbid(unsafe_code)]

pub mod ast;
pub mod errors;
mod lexer;
mod parser;
mod printer;
mod token;

use dast_base::{Diagnostic, FileId};

pub use token::{Token, TokenKind};

/// Splits `text` into tokens, ending with one `Eof` token, and reports lexical errors.
pub fn lex(file: FileId, text: &str) -> (Vec<Token>, Vec<Diagnostic>) {
    lexer::lex(file, text)
}

/// Parses a file. Always returns a tree; what could not be parsed is an `Error` node,
/// reported in the returned diagnostics (lexer errors included, sorted by position).
pub fn parse(file: FileId, text: &str) -> (ast::File, Vec<Diagnostic>) {
    parser::parse(file, text)
}

/// A compact, indented rendering of the tree with spans, for tests and debugging.
pub fn print_tree(file: &ast::File) -> String {
    printer::print_tree(file)
}
