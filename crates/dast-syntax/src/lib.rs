//! Lexer and resilient parser for Dast. `parse` always returns a tree and the list of
//! syntax errors; it knows nothing about types, IR or IO.

pub mod ast;
