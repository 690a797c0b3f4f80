//! The lexer: source text to tokens. It never stops at an error: a malformed literal still
//! becomes a token (with a best-effort value) and unknown characters are skipped, so the
//! parser sees as much of the file as possible.

use dast_base::{Diagnostic, FileId, Span};

use crate::ast::Lit;
use crate::errors;
use crate::token::{Token, TokenKind};

/// Splits `text` into tokens (always ending with one `Eof`) and reports lexical errors.
pub fn lex(file: FileId, text: &str) -> (Vec<Token>, Vec<Diagnostic>) {
    let mut lexer = Lexer {
        file,
        text,
        pos: 0,
        tokens: Vec::new(),
        diags: Vec::new(),
        newline_before: true,
    };
    lexer.run();
    (lexer.tokens, lexer.diags)
}

const INT_SUFFIXES: &[&str] = &[
    "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize",
];
const FLOAT_SUFFIXES: &[&str] = &["f32", "f64"];

/// Punctuation, longest first so that `<<=` wins over `<<` and `<`.
const PUNCTUATION: &[(&str, TokenKind)] = &[
    ("<<=", TokenKind::ShlEq),
    (">>=", TokenKind::ShrEq),
    ("..=", TokenKind::DotDotEq),
    ("::", TokenKind::ColonColon),
    ("..", TokenKind::DotDot),
    ("->", TokenKind::Arrow),
    ("=>", TokenKind::FatArrow),
    ("&&", TokenKind::AmpAmp),
    ("||", TokenKind::PipePipe),
    ("==", TokenKind::EqEq),
    ("!=", TokenKind::Ne),
    ("<=", TokenKind::Le),
    (">=", TokenKind::Ge),
    ("<<", TokenKind::Shl),
    (">>", TokenKind::Shr),
    ("+=", TokenKind::PlusEq),
    ("-=", TokenKind::MinusEq),
    ("*=", TokenKind::StarEq),
    ("/=", TokenKind::SlashEq),
    ("%=", TokenKind::PercentEq),
    ("^=", TokenKind::CaretEq),
    ("&=", TokenKind::AmpEq),
    ("|=", TokenKind::PipeEq),
    ("(", TokenKind::LParen),
    (")", TokenKind::RParen),
    ("[", TokenKind::LBracket),
    ("]", TokenKind::RBracket),
    ("{", TokenKind::LBrace),
    ("}", TokenKind::RBrace),
    (",", TokenKind::Comma),
    (";", TokenKind::Semi),
    (":", TokenKind::Colon),
    (".", TokenKind::Dot),
    ("@", TokenKind::At),
    ("?", TokenKind::Question),
    ("+", TokenKind::Plus),
    ("-", TokenKind::Minus),
    ("*", TokenKind::Star),
    ("/", TokenKind::Slash),
    ("%", TokenKind::Percent),
    ("^", TokenKind::Caret),
    ("!", TokenKind::Bang),
    ("&", TokenKind::Amp),
    ("|", TokenKind::Pipe),
    ("=", TokenKind::Eq),
    ("<", TokenKind::Lt),
    (">", TokenKind::Gt),
];

struct Lexer<'a> {
    file: FileId,
    text: &'a str,
    pos: usize,
    tokens: Vec<Token>,
    diags: Vec<Diagnostic>,
    /// Whether a newline was skipped since the last token.
    newline_before: bool,
}

impl Lexer<'_> {
    fn run(&mut self) {
        loop {
            self.skip_trivia();
            let Some(c) = self.current() else { break };
            let start = self.pos;
            if is_ident_start(c) {
                self.lex_ident(start);
            } else if c.is_ascii_digit() {
                self.lex_number(start);
            } else if c == '"' {
                self.lex_string(start);
            } else if c == '\'' {
                self.lex_char(start);
            } else if let Some((text, kind)) = self.match_punctuation() {
                self.pos += text.len();
                self.push(kind, start, None);
            } else {
                self.skip_unknown_chars(start);
            }
        }
        let end = self.text.len();
        self.push(TokenKind::Eof, end, None);
    }

    // ---------- cursor ----------

    fn current(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn nth_char(&self, n: usize) -> Option<char> {
        self.text[self.pos..].chars().nth(n)
    }

    fn rest(&self) -> &str {
        &self.text[self.pos..]
    }

    fn advance_char(&mut self) -> Option<char> {
        let c = self.current()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start as u32, end as u32)
    }

    fn push(&mut self, kind: TokenKind, start: usize, lit: Option<Lit>) {
        let token = Token {
            kind,
            span: self.span(start, self.pos.max(start)),
            newline_before: self.newline_before,
            lit,
        };
        self.tokens.push(token);
        self.newline_before = false;
    }

    fn error(&mut self, diag: Diagnostic) {
        self.diags.push(diag);
    }

    // ---------- trivia ----------

    /// Skips whitespace and comments, remembering whether they contained a newline.
    fn skip_trivia(&mut self) {
        loop {
            let rest = self.rest();
            if rest.starts_with("//") {
                let len = rest.find('\n').unwrap_or(rest.len());
                self.pos += len;
            } else if rest.starts_with("/*") {
                self.skip_block_comment();
            } else if let Some(c) = self
                .current()
                .filter(|c| c.is_whitespace() || *c == '\u{feff}')
            {
                if c == '\n' {
                    self.newline_before = true;
                }
                self.pos += c.len_utf8();
            } else {
                return;
            }
        }
    }

    /// Block comments nest, as in Rust, so code containing comments can be commented out.
    fn skip_block_comment(&mut self) {
        let start = self.pos;
        self.pos += 2;
        let mut depth = 1u32;
        while depth > 0 {
            let rest = self.rest();
            if rest.is_empty() {
                let diag = Diagnostic::error(
                    errors::UNTERMINATED_COMMENT,
                    "unterminated block comment",
                    self.span(start, start + 2),
                )
                .with_label("comment starts here")
                .with_help("close it with `*/`");
                self.error(diag);
                return;
            }
            if rest.starts_with("/*") {
                depth += 1;
                self.pos += 2;
            } else if rest.starts_with("*/") {
                depth -= 1;
                self.pos += 2;
            } else {
                let c = self.advance_char().unwrap_or(' ');
                if c == '\n' {
                    self.newline_before = true;
                }
            }
        }
    }

    fn skip_unknown_chars(&mut self, start: usize) {
        let first = self.advance_char().unwrap_or(' ');
        // One error for a run like `$$$`, not one per character.
        while let Some(c) = self.current() {
            if c.is_whitespace() || is_ident_start(c) || c.is_ascii_digit() || is_known_start(c) {
                break;
            }
            self.pos += c.len_utf8();
        }
        let mut diag = Diagnostic::error(
            errors::UNKNOWN_CHAR,
            format!("unknown character `{}`", first.escape_debug()),
            self.span(start, start + first.len_utf8()),
        )
        .with_label("not valid in Dast source");
        if first == '#' && self.rest().starts_with("[derive") {
            diag = diag.with_help(
                "Dast needs no `#[derive(...)]`: structs and enums copy, compare with `==` \
                 and print with `{:?}` as they are",
            );
        } else if first == '#' {
            diag = diag.with_help("attributes are written `@name`, as in `@hot_reload`");
        }
        self.error(diag);
    }

    fn match_punctuation(&self) -> Option<(&'static str, TokenKind)> {
        let rest = self.rest();
        PUNCTUATION
            .iter()
            .find(|(text, _)| rest.starts_with(text))
            .copied()
    }

    // ---------- identifiers ----------

    fn lex_ident(&mut self, start: usize) {
        while self.current().is_some_and(is_ident_continue) {
            self.advance_char();
        }
        let text = &self.text[start..self.pos];
        let kind = TokenKind::keyword(text).unwrap_or(TokenKind::Ident);
        self.push(kind, start, None);
    }

    // ---------- numbers ----------

    fn lex_number(&mut self, start: usize) {
        // After `.` a number is a tuple index (`t.0.1`): never read a fraction or an
        // exponent there, or `0.1` would become one float.
        let tuple_index = self.tokens.last().is_some_and(|t| t.kind == TokenKind::Dot);
        let radix = match self.rest().as_bytes() {
            [b'0', b'x', ..] => 16,
            [b'0', b'o', ..] => 8,
            [b'0', b'b', ..] => 2,
            _ => 10,
        };
        if radix != 10 {
            self.pos += 2;
            self.lex_radix_int(start, radix);
            return;
        }
        self.eat_while(|c| c.is_ascii_digit() || c == '_');
        let mut is_float = false;
        if !tuple_index && self.at_fraction() {
            is_float = true;
            self.pos += 1;
            self.eat_while(|c| c.is_ascii_digit() || c == '_');
        }
        if !tuple_index && self.at_exponent() {
            is_float = true;
            self.pos += 1;
            if matches!(self.current(), Some('+' | '-')) {
                self.pos += 1;
            }
            self.eat_while(|c| c.is_ascii_digit() || c == '_');
        }
        let body_end = self.pos;
        let suffix = self.lex_suffix();
        let body: String = self.text[start..body_end]
            .chars()
            .filter(|c| *c != '_')
            .collect();
        let suffix_is_float = suffix
            .as_deref()
            .is_some_and(|s| FLOAT_SUFFIXES.contains(&s));
        if is_float || suffix_is_float {
            self.finish_float(start, &body, suffix);
        } else {
            self.finish_int(start, &body, 10, suffix);
        }
    }

    /// A `.` followed by a digit, or a trailing `1.` as in Rust (but not `1..2`, `1.x`).
    fn at_fraction(&self) -> bool {
        if self.current() != Some('.') {
            return false;
        }
        match self.nth_char(1) {
            Some(c) if c.is_ascii_digit() => true,
            Some(c) if c == '.' || is_ident_start(c) => false,
            _ => true,
        }
    }

    fn at_exponent(&self) -> bool {
        if !matches!(self.current(), Some('e' | 'E')) {
            return false;
        }
        match self.nth_char(1) {
            Some(c) if c.is_ascii_digit() => true,
            Some('+' | '-') => self.nth_char(2).is_some_and(|c| c.is_ascii_digit()),
            _ => false,
        }
    }

    fn lex_radix_int(&mut self, start: usize, radix: u32) {
        let digits_start = self.pos;
        // Decimal digits are read for every radix so `0b102` reports the `2`.
        if radix == 16 {
            self.eat_while(|c| c.is_ascii_hexdigit() || c == '_');
        } else {
            self.eat_while(|c| c.is_ascii_digit() || c == '_');
        }
        let digits_end = self.pos;
        let suffix = self.lex_suffix();
        let digits: String = self.text[digits_start..digits_end]
            .chars()
            .filter(|c| *c != '_')
            .collect();
        let prefix = &self.text[start..digits_start];
        if digits.is_empty() {
            let diag = Diagnostic::error(
                errors::BAD_NUMBER,
                format!("missing digits after the integer prefix `{prefix}`"),
                self.span(start, self.pos),
            )
            .with_label("no digits");
            self.error(diag);
            self.push_int(start, 0, suffix);
            return;
        }
        if let Some((offset, bad)) = self.text[digits_start..digits_end]
            .char_indices()
            .find(|(_, c)| c.to_digit(radix).is_none() && *c != '_')
        {
            let base = if radix == 2 { "binary" } else { "octal" };
            let at = digits_start + offset;
            let diag = Diagnostic::error(
                errors::BAD_NUMBER,
                format!("invalid digit `{bad}` in {base} literal"),
                self.span(at, at + 1),
            )
            .with_label(format!("not a {base} digit"));
            self.error(diag);
            self.push_int(start, 0, suffix);
            return;
        }
        self.finish_int(start, &digits, radix, suffix);
    }

    fn eat_while(&mut self, pred: impl Fn(char) -> bool) {
        while self.current().is_some_and(&pred) {
            self.advance_char();
        }
    }

    /// Reads a type suffix (`u8`, `f32`) glued to a number; reports unknown ones and
    /// returns `None` for them so later phases never see junk.
    fn lex_suffix(&mut self) -> Option<String> {
        let start = self.pos;
        if !self.current().is_some_and(is_ident_start) {
            return None;
        }
        self.eat_while(is_ident_continue);
        let suffix = &self.text[start..self.pos];
        if INT_SUFFIXES.contains(&suffix) || FLOAT_SUFFIXES.contains(&suffix) {
            return Some(suffix.to_string());
        }
        let diag = Diagnostic::error(
            errors::BAD_NUMBER,
            format!("invalid suffix `{suffix}` for number literal"),
            self.span(start, self.pos),
        )
        .with_label("invalid suffix")
        .with_help(
            "valid suffixes are the integer types (`i32`, `u8`, `usize`, ...) and `f32`, `f64`",
        );
        self.error(diag);
        None
    }

    fn finish_int(&mut self, start: usize, digits: &str, radix: u32, suffix: Option<String>) {
        let value = match u128::from_str_radix(digits, radix) {
            Ok(v) => v,
            Err(_) => {
                let diag = Diagnostic::error(
                    errors::INT_TOO_LARGE,
                    "integer literal is too large",
                    self.span(start, self.pos),
                )
                .with_label("does not fit in 128 bits");
                self.error(diag);
                0
            }
        };
        self.push_int(start, value, suffix);
    }

    fn push_int(&mut self, start: usize, value: u128, suffix: Option<String>) {
        self.push(TokenKind::Int, start, Some(Lit::Int { value, suffix }));
    }

    fn finish_float(&mut self, start: usize, body: &str, suffix: Option<String>) {
        let suffix = match suffix {
            Some(s) if INT_SUFFIXES.contains(&s.as_str()) => {
                let diag = Diagnostic::error(
                    errors::BAD_NUMBER,
                    format!("invalid suffix `{s}` for float literal"),
                    self.span(start, self.pos),
                )
                .with_label("integer suffix on a float")
                .with_help("use `f32` or `f64`");
                self.error(diag);
                None
            }
            other => other,
        };
        // The body is digits, `.`, and an exponent, so parsing only fails on a bare
        // exponent sign, which `at_exponent` rules out; fall back to 0 anyway.
        let value = body.parse::<f64>().unwrap_or(0.0);
        self.push(TokenKind::Float, start, Some(Lit::Float { value, suffix }));
    }

    // ---------- strings and characters ----------

    fn lex_string(&mut self, start: usize) {
        let (content_end, terminated) = self.find_string_end(start + 1);
        self.pos = start + 1;
        let mut value = String::new();
        while self.pos < content_end {
            if self.current() == Some('\\') {
                if let Some(c) = self.read_escape(content_end) {
                    value.push(c);
                }
            } else if let Some(c) = self.advance_char() {
                value.push(c);
            }
        }
        if terminated {
            self.pos = content_end + 1;
        } else {
            // No closing quote anywhere after this one, so the rest of the file holds no
            // other string: ending this one at the end of its line lets the parser see
            // the following lines as code.
            let diag = Diagnostic::error(
                errors::UNTERMINATED_STRING,
                "unterminated string literal",
                self.span(start, start + 1),
            )
            .with_label("string starts here")
            .with_help("close the string with `\"`");
            self.error(diag);
        }
        self.push(TokenKind::Str, start, Some(Lit::Str(value)));
    }

    /// The offset of the closing quote, or of the end of the first line if there is no
    /// plausible one.
    fn find_string_end(&self, from: usize) -> (usize, bool) {
        let line_end = self.text[from..]
            .find('\n')
            .map_or(self.text.len(), |n| from + n);
        match find_unescaped_quote(self.text, from) {
            Some(close) if close < line_end => (close, true),
            // A string may span lines, as in Rust. But if the rest of the line holding
            // the closing quote has an odd number of quotes, that "closing" quote really
            // opens a string of that line, and this string is the unterminated one:
            // `let a = "oops` followed by `let b = "fine"`.
            Some(close) if quotes_balanced_after(self.text, close + 1) => (close, true),
            _ => (line_end, false),
        }
    }

    /// Decodes the escape at `self.pos` (a `\`), not reading past `limit`. Returns the
    /// character, or `None` for a line continuation or an error (already reported).
    fn read_escape(&mut self, limit: usize) -> Option<char> {
        let start = self.pos;
        self.pos += 1;
        let c = self.current().filter(|_| self.pos < limit)?;
        self.pos += c.len_utf8();
        let decoded = match c {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            '\\' => '\\',
            '"' => '"',
            '\'' => '\'',
            '0' => '\0',
            'u' => return self.read_unicode_escape(start, limit),
            '\n' => {
                // `\` at the end of a line continues the string without the newline and
                // the next line's indentation, as in Rust.
                while self.pos < limit && self.current().is_some_and(char::is_whitespace) {
                    self.advance_char();
                }
                return None;
            }
            other => {
                let diag = Diagnostic::error(
                    errors::UNKNOWN_ESCAPE,
                    format!("unknown character escape `\\{}`", other.escape_debug()),
                    self.span(start, self.pos),
                )
                .with_label("unknown escape")
                .with_help(
                    "the escapes are `\\n`, `\\t`, `\\r`, `\\\\`, `\\\"`, `\\'`, `\\0` and `\\u{..}`",
                );
                self.error(diag);
                other
            }
        };
        Some(decoded)
    }

    /// `\u{1F600}`: one to six hex digits naming a Unicode scalar value.
    fn read_unicode_escape(&mut self, start: usize, limit: usize) -> Option<char> {
        let problem = self.read_unicode_body(limit);
        match problem {
            Ok(c) => Some(c),
            Err(label) => {
                let diag = Diagnostic::error(
                    errors::BAD_UNICODE_ESCAPE,
                    "invalid unicode escape",
                    self.span(start, self.pos),
                )
                .with_label(label)
                .with_help(
                    "write it as `\\u{` followed by 1 to 6 hex digits and `}`, e.g. `\\u{e9}`",
                );
                self.error(diag);
                None
            }
        }
    }

    fn read_unicode_body(&mut self, limit: usize) -> Result<char, &'static str> {
        if self.pos >= limit || self.current() != Some('{') {
            return Err("expected `{` after `\\u`");
        }
        self.pos += 1;
        let digits_start = self.pos;
        while self.pos < limit
            && self
                .current()
                .is_some_and(|c| c.is_ascii_hexdigit() || c == '_')
        {
            self.pos += 1;
        }
        let digits: String = self.text[digits_start..self.pos]
            .chars()
            .filter(|c| *c != '_')
            .collect();
        if self.pos >= limit || self.current() != Some('}') {
            // Skip the rest of a malformed escape such as `\u{zz}` so it is not read
            // as text.
            let rest = &self.text[self.pos..limit];
            return match rest.find('}').filter(|&n| n <= 8) {
                Some(n) => {
                    self.pos += n + 1;
                    Err("not a hex number")
                }
                None => Err("missing closing `}`"),
            };
        }
        self.pos += 1;
        if digits.is_empty() {
            return Err("empty unicode escape");
        }
        if digits.len() > 6 {
            return Err("more than 6 hex digits");
        }
        let value = u32::from_str_radix(&digits, 16).map_err(|_| "not a hex number")?;
        char::from_u32(value).ok_or("not a unicode scalar value")
    }

    fn lex_char(&mut self, start: usize) {
        if self.lex_label(start) {
            return;
        }
        self.pos += 1;
        let line_end = self.text[self.pos..]
            .find('\n')
            .map_or(self.text.len(), |n| self.pos + n);
        let value = match self.current() {
            Some('\'') => {
                self.pos += 1;
                self.char_error(start, "empty character literal", "empty", None);
                self.push(TokenKind::Char, start, Some(Lit::Char('\0')));
                return;
            }
            None | Some('\n') => {
                self.char_error(
                    start,
                    "unterminated character literal",
                    "missing closing `'`",
                    None,
                );
                self.push(TokenKind::Char, start, Some(Lit::Char('\0')));
                return;
            }
            Some('\\') => self.read_escape(line_end).unwrap_or('\0'),
            Some(c) => {
                self.pos += c.len_utf8();
                c
            }
        };
        if self.current() == Some('\'') {
            self.pos += 1;
        } else {
            self.finish_bad_char_literal(start, line_end);
        }
        self.push(TokenKind::Char, start, Some(Lit::Char(value)));
    }

    /// A loop label: `'name:` (before a loop) or `'name` right after `break` /
    /// `continue`. Anything else starting with `'` stays a (maybe broken) char literal.
    fn lex_label(&mut self, start: usize) -> bool {
        let rest = &self.text[start + 1..];
        if !rest.chars().next().is_some_and(is_ident_start) {
            return false;
        }
        let len = rest
            .char_indices()
            .find(|(_, c)| !is_ident_continue(*c))
            .map_or(rest.len(), |(i, _)| i);
        let after = rest[len..].trim_start_matches([' ', '\t']);
        let defines = after.starts_with(':') && !after.starts_with("::");
        let jumps = matches!(
            self.tokens.last().map(|t| t.kind),
            Some(TokenKind::Break | TokenKind::Continue)
        );
        if rest[len..].starts_with('\'') || !(defines || jumps) {
            return false;
        }
        self.pos = start + 1 + len;
        self.push(TokenKind::Label, start, None);
        true
    }

    /// After `'a` without a closing quote: `'ab'` has too many characters, `'a` none.
    fn finish_bad_char_literal(&mut self, start: usize, line_end: usize) {
        let rest = &self.text[self.pos..line_end];
        let close = rest
            .char_indices()
            .take_while(|(_, c)| !c.is_whitespace())
            .find(|(_, c)| *c == '\'');
        match close {
            Some((offset, _)) => {
                self.pos += offset + 1;
                let text = &self.text[start + 1..self.pos - 1];
                let help = format!("use double quotes for a string: `\"{text}\"`");
                self.char_error(
                    start,
                    "character literal may only contain one character",
                    "more than one character",
                    Some(help),
                );
            }
            None => self.char_error(
                start,
                "unterminated character literal",
                "missing closing `'`",
                None,
            ),
        }
    }

    fn char_error(&mut self, start: usize, message: &str, label: &str, help: Option<String>) {
        let end = self.pos.max(start + 1);
        let mut diag = Diagnostic::error(errors::BAD_CHAR_LITERAL, message, self.span(start, end))
            .with_label(label);
        if let Some(help) = help {
            diag = diag.with_help(help);
        }
        self.error(diag);
    }
}

/// The offset of the next `"` not escaped by a backslash, from `from` on.
fn find_unescaped_quote(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return Some(i),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    None
}

/// Whether the unescaped quotes from `from` to the end of that line pair up.
fn quotes_balanced_after(text: &str, from: usize) -> bool {
    let line_end = text[from..].find('\n').map_or(text.len(), |n| from + n);
    let mut count = 0;
    let mut i = from;
    while let Some(quote) = find_unescaped_quote(&text[..line_end], i) {
        count += 1;
        i = quote + 1;
    }
    count % 2 == 0
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Characters that start some token (so an unknown-character run stops before them).
fn is_known_start(c: char) -> bool {
    c == '"' || c == '\'' || "()[]{},;:.@?+-*/%^!&|=<>".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{expect, Expect};

    /// One token per line: kind, text, a `nl` mark for `newline_before`, and the value of
    /// literals; then the errors.
    fn check(text: &str, expect: Expect) {
        let (tokens, diags) = lex(FileId(0), text);
        let mut out = String::new();
        for t in &tokens {
            let src = &text[t.span.start as usize..t.span.end as usize];
            let nl = if t.newline_before { " nl" } else { "" };
            out.push_str(&format!("{:?} {src:?}{nl}", t.kind));
            if let Some(lit) = &t.lit {
                out.push_str(&format!(" = {lit:?}"));
            }
            out.push('\n');
        }
        for d in &diags {
            out.push_str(&format!(
                "error {} {}..{} {}\n",
                d.code, d.primary.span.start, d.primary.span.end, d.message
            ));
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn keywords_identifiers_and_punctuation() {
        check(
            "fn main() -> i32 { x.y += 1 } module _ _a",
            expect![[r#"
                Fn "fn" nl
                Ident "main"
                LParen "("
                RParen ")"
                Arrow "->"
                Ident "i32"
                LBrace "{"
                Ident "x"
                Dot "."
                Ident "y"
                PlusEq "+="
                Int "1" = Int { value: 1, suffix: None }
                RBrace "}"
                Ident "module"
                Underscore "_"
                Ident "_a"
                Eof ""
            "#]],
        );
    }

    #[test]
    fn longest_operator_wins() {
        check(
            "a <<= b >> c ..= d .. e :: f => g != h && i || j",
            expect![[r#"
                Ident "a" nl
                ShlEq "<<="
                Ident "b"
                Shr ">>"
                Ident "c"
                DotDotEq "..="
                Ident "d"
                DotDot ".."
                Ident "e"
                ColonColon "::"
                Ident "f"
                FatArrow "=>"
                Ident "g"
                Ne "!="
                Ident "h"
                AmpAmp "&&"
                Ident "i"
                PipePipe "||"
                Ident "j"
                Eof ""
            "#]],
        );
    }

    #[test]
    fn integer_literals() {
        check(
            "42 0xff 0b101 0o7 1_000 10u8 5i64 3usize 0xFFu32",
            expect![[r#"
                Int "42" nl = Int { value: 42, suffix: None }
                Int "0xff" = Int { value: 255, suffix: None }
                Int "0b101" = Int { value: 5, suffix: None }
                Int "0o7" = Int { value: 7, suffix: None }
                Int "1_000" = Int { value: 1000, suffix: None }
                Int "10u8" = Int { value: 10, suffix: Some("u8") }
                Int "5i64" = Int { value: 5, suffix: Some("i64") }
                Int "3usize" = Int { value: 3, suffix: Some("usize") }
                Int "0xFFu32" = Int { value: 255, suffix: Some("u32") }
                Eof ""
            "#]],
        );
    }

    #[test]
    fn float_literals_ranges_and_tuple_fields() {
        check(
            "1.5 1e-3 2.5e10 1.0f32 2f64 1..5 x.0.1 1.max",
            expect![[r#"
                Float "1.5" nl = Float { value: 1.5, suffix: None }
                Float "1e-3" = Float { value: 0.001, suffix: None }
                Float "2.5e10" = Float { value: 25000000000.0, suffix: None }
                Float "1.0f32" = Float { value: 1.0, suffix: Some("f32") }
                Float "2f64" = Float { value: 2.0, suffix: Some("f64") }
                Int "1" = Int { value: 1, suffix: None }
                DotDot ".."
                Int "5" = Int { value: 5, suffix: None }
                Ident "x"
                Dot "."
                Int "0" = Int { value: 0, suffix: None }
                Dot "."
                Int "1" = Int { value: 1, suffix: None }
                Int "1" = Int { value: 1, suffix: None }
                Dot "."
                Ident "max"
                Eof ""
            "#]],
        );
    }

    #[test]
    fn bad_numbers() {
        check(
            "0x 0b102 12abc 1.5u8 340282366920938463463374607431768211456",
            expect![[r#"
                Int "0x" nl = Int { value: 0, suffix: None }
                Int "0b102" = Int { value: 0, suffix: None }
                Int "12abc" = Int { value: 12, suffix: None }
                Float "1.5u8" = Float { value: 1.5, suffix: None }
                Int "340282366920938463463374607431768211456" = Int { value: 0, suffix: None }
                Eof ""
                error E0007 0..2 missing digits after the integer prefix `0x`
                error E0007 7..8 invalid digit `2` in binary literal
                error E0007 11..14 invalid suffix `abc` for number literal
                error E0007 15..20 invalid suffix `u8` for float literal
                error E0006 21..60 integer literal is too large
            "#]],
        );
    }

    #[test]
    fn strings_and_escapes() {
        check(
            r#""a\n\t\r\\\"\'\0" "caf\u{e9}" "\q" "\u{zz}""#,
            expect![[r#"
                Str "\"a\\n\\t\\r\\\\\\\"\\'\\0\"" nl = Str("a\n\t\r\\\"'\0")
                Str "\"caf\\u{e9}\"" = Str("café")
                Str "\"\\q\"" = Str("q")
                Str "\"\\u{zz}\"" = Str("")
                Eof ""
                error E0004 31..33 unknown character escape `\q`
                error E0005 36..42 invalid unicode escape
            "#]],
        );
    }

    #[test]
    fn unterminated_string_ends_at_line_end() {
        check(
            "let s = \"abc\nlet t = 1",
            expect![[r#"
                Let "let" nl
                Ident "s"
                Eq "="
                Str "\"abc" = Str("abc")
                Let "let" nl
                Ident "t"
                Eq "="
                Int "1" = Int { value: 1, suffix: None }
                Eof ""
                error E0002 8..9 unterminated string literal
            "#]],
        );
    }

    #[test]
    fn char_literals() {
        check(
            r"'a' '\n' '\u{41}' 'ab' '' 'x",
            expect![[r#"
                Char "'a'" nl = Char('a')
                Char "'\\n'" = Char('\n')
                Char "'\\u{41}'" = Char('A')
                Char "'ab'" = Char('a')
                Char "''" = Char('\0')
                Char "'x" = Char('x')
                Eof ""
                error E0003 18..22 character literal may only contain one character
                error E0003 23..25 empty character literal
                error E0003 26..28 unterminated character literal
            "#]],
        );
    }

    #[test]
    fn loop_labels() {
        check(
            "'outer: loop { break 'outer } 'a'",
            expect![[r#"
                Label "'outer" nl
                Colon ":"
                Loop "loop"
                LBrace "{"
                Break "break"
                Label "'outer"
                RBrace "}"
                Char "'a'" = Char('a')
                Eof ""
            "#]],
        );
    }

    #[test]
    fn comments_and_newlines() {
        check(
            "a // line\nb /* one\n two /* nested */ */ c /* x */ d\n\n@e",
            expect![[r#"
                Ident "a" nl
                Ident "b" nl
                Ident "c" nl
                Ident "d"
                At "@" nl
                Ident "e"
                Eof ""
            "#]],
        );
    }

    #[test]
    fn unknown_characters_and_unterminated_comment() {
        check(
            "a $$ b # c /* never closed",
            expect![[r#"
                Ident "a" nl
                Ident "b"
                Ident "c"
                Eof ""
                error E0001 2..3 unknown character `$`
                error E0001 7..8 unknown character `#`
                error E0008 11..13 unterminated block comment
            "#]],
        );
    }
}
