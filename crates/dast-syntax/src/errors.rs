//! Codes of the syntax errors. They are stable: tests, docs and users refer to them, so a
//! code is never reused for another meaning.
//!
//! | code    | meaning |
//! | ------- | ------- |
//! | `E0001` | unknown character in the source |
//! | `E0002` | unterminated string literal |
//! | `E0003` | malformed character literal (unterminated, empty, or several characters) |
//! | `E0004` | unknown escape sequence in a string or character literal |
//! | `E0005` | malformed unicode escape `\u{..}` |
//! | `E0006` | integer literal too large |
//! | `E0007` | malformed number literal (missing digits, invalid digit, invalid suffix) |
//! | `E0008` | unterminated block comment |
//! | `E0010` | expected some token, found another |
//! | `E0011` | unclosed delimiter: the closing `)`, `]` or `}` is missing |
//! | `E0012` | unexpected closing delimiter |
//! | `E0013` | expected an item (`fn`, `struct`, ...) |
//! | `E0014` | expected an expression |
//! | `E0015` | expected a type |
//! | `E0016` | expected a pattern |
//! | `E0017` | two statements or items on one line without `;` between them |
//! | `E0018` | retired: was "closures are not supported" (closures are in the language now; the code is not reused) |
//! | `E0019` | chained comparison operators (`a < b < c`) |
//! | `E0020` | attributes not followed by an item |
//! | `E0021` | Rust syntax that Dast writes differently (`::`, `Vec<T>`, `println!`, `vec![]`, `pub`, `std::` paths) |
//! | `E0022` | range pattern bound that is not a literal |
//! | `E0023` | nesting too deep to parse |
//! | `E0024` | invalid tuple field index (`t.0u8`, too large) |
//! | `E0025` | construct not supported by Dast v0 (tuple structs, enum discriminants) |

pub const UNKNOWN_CHAR: &str = "E0001";
pub const UNTERMINATED_STRING: &str = "E0002";
pub const BAD_CHAR_LITERAL: &str = "E0003";
pub const UNKNOWN_ESCAPE: &str = "E0004";
pub const BAD_UNICODE_ESCAPE: &str = "E0005";
pub const INT_TOO_LARGE: &str = "E0006";
pub const BAD_NUMBER: &str = "E0007";
pub const UNTERMINATED_COMMENT: &str = "E0008";
pub const EXPECTED_TOKEN: &str = "E0010";
pub const UNCLOSED_DELIMITER: &str = "E0011";
pub const UNEXPECTED_CLOSING: &str = "E0012";
pub const EXPECTED_ITEM: &str = "E0013";
pub const EXPECTED_EXPR: &str = "E0014";
pub const EXPECTED_TYPE: &str = "E0015";
pub const EXPECTED_PATTERN: &str = "E0016";
pub const MISSING_SEPARATOR: &str = "E0017";
pub const CHAINED_COMPARISON: &str = "E0019";
pub const DANGLING_ATTRIBUTES: &str = "E0020";
pub const RUST_SYNTAX: &str = "E0021";
pub const RANGE_PATTERN_BOUND: &str = "E0022";
pub const TOO_DEEP: &str = "E0023";
pub const BAD_TUPLE_INDEX: &str = "E0024";
pub const UNSUPPORTED: &str = "E0025";
