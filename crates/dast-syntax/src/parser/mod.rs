//! The resilient recursive-descent parser. It always produces a tree: whatever cannot be
//! parsed becomes an `Error` node, one diagnostic is reported for it, and parsing goes on
//! from a nearby point where the grammar can resume (the next list separator, statement,
//! or item). Expressions use a Pratt loop (`expressions::expr_bp`).
//!
//! # Rules that decide between readings
//! - **Newlines.** At statement level (block statements, `let`/`var` initialisers, match
//!   arm bodies) a newline ends a complete expression unless the next token can only
//!   continue it: `.name`, `?`, `as`, and binary operators that cannot start an
//!   expression (`+ * / % == != < > <= >= && || | ^ << >> .. ..= =` and `op=`). `-`, `&`,
//!   `!`, `(`, `[`, `{` on a new line start a new statement. `.Name` (capitalised) on a
//!   new line starts an inferred variant, not a method chain (`.Rect { w, h }` as a tail).
//!   Inside `( )`, `[ ]`, struct literal braces and the heads of `if`/`while`/`match`/
//!   `for`, newlines mean nothing.
//! - **Block-like statements** (`if`, `match`, `while`, `loop`, `for`, `{ }`, `unsafe`)
//!   end at their `}` when they start a statement, unless a token that only continues an
//!   expression follows (`match x { .. }.unwrap()`).
//! - **Match arms** need no comma after a block-like body or before an arm on a new
//!   line; a new line holding `... =>` is always the next arm.
//! - **Struct literals** `Path {` are not parsed in the heads of `if`, `while`,
//!   `match`, `for` (as in Rust; parentheses re-enable them), and elsewhere only when
//!   the brace looks like one (`{}`, `{ a:`, `{ a,`, `{ a }`, `{ ..`).
//! - **Type arguments versus indexing**: see `ExprKind::TypeArgs`; in addition, every
//!   token inside the brackets must be one that can appear in a type, and a name counts
//!   as capitalised only if it has a lowercase letter (`TABLE[i].x` is indexing).
//! - **`break`/`return`** take a value only from the same line.
//! - `module` is a contextual keyword (`module Name {` starts an item).
//! - Negative integer literals in patterns are stored wrapped (see `patterns`).
//!
//! # Recovery
//! - Lists (`( )`, `[ ]`, fields, variants) report a missing separator and skip to the
//!   next `,`; tokens that cannot belong to the list (`;`, `=>`, `let`, item keywords, a
//!   closer of an outer group, a `{` ending its line, a less indented new line after a
//!   missing separator) end it, and the missing closer is reported with the opener
//!   labelled "unclosed delimiter".
//! - Blocks skip a broken statement up to `;`, the next line, or `}`.
//! - Items: anything else is skipped up to the next item keyword at the start of a line.
//! - Only one error is reported per position, and none right after characters the
//!   lexer already rejected.
//!
//! # Termination
//! Every loop either consumes a token or breaks, recursion and tree depth are bounded
//! ([`MAX_DEPTH`]; deeper input is reported once and the rest of the file skipped), and
//! as a last line of defence a "fuel" counter jumps to the end of the file if the parser
//! looks at tokens for too long without consuming one (a bug, asserted in debug builds).

mod expressions;
mod items;
mod patterns;
mod statements;
mod types;

#[cfg(test)]
mod tests;

use dast_base::{Diagnostic, FileId, Span};

use crate::ast;
use crate::errors;
use crate::token::{Token, TokenKind};

/// How deeply expressions, types, patterns and blocks may nest. Deeper input is reported
/// once and the rest of the file is skipped, so hostile input cannot overflow the stack.
const MAX_DEPTH: u32 = 256;

/// How many looks at the current token are allowed without consuming one.
const FUEL: u32 = 50_000;

/// Parses a whole file.
pub fn parse(file: FileId, text: &str) -> (ast::File, Vec<Diagnostic>) {
    let (tokens, mut diags) = crate::lexer::lex(file, text);
    let after_unknown = tokens_after_unknown_chars(&tokens, &diags);
    let mut parser = Parser::new(file, text, tokens);
    parser.quiet_at = after_unknown;
    let items = parser.file_items();
    let file_ast = ast::File {
        items,
        expr_count: parser.next_expr,
        pat_count: parser.next_pat,
    };
    diags.append(&mut parser.diags);
    // Lexer and parser errors interleave by position for the reader.
    diags.sort_by_key(|d| d.primary.span.start);
    (file_ast, diags)
}

/// Context that changes how an expression is parsed (as Rust's `Restrictions`).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Restrictions {
    /// In the head of `if`, `while`, `match` and `for`, `Name {` starts the body, not a
    /// struct literal.
    pub no_struct: bool,
    /// At statement level a newline ends a complete expression unless the next token can
    /// only continue it (`.`, `?`, `as`, most binary operators).
    pub newline_ends: bool,
    /// In a match arm body: a new line starting with `.Variant ... =>` is the next arm,
    /// not a method call continuing the body.
    pub match_arm: bool,
}

impl Restrictions {
    /// Inside `( )`, `[ ]`, `{ }` of a literal: newlines mean nothing, structs allowed.
    pub const NESTED: Restrictions = Restrictions {
        no_struct: false,
        newline_ends: false,
        match_arm: false,
    };
    pub const STATEMENT: Restrictions = Restrictions {
        no_struct: false,
        newline_ends: true,
        match_arm: false,
    };
    pub const HEAD: Restrictions = Restrictions {
        no_struct: true,
        newline_ends: false,
        match_arm: false,
    };
}

pub(crate) struct Parser<'t> {
    file: FileId,
    text: &'t str,
    tokens: Vec<Token>,
    pos: usize,
    diags: Vec<Diagnostic>,
    /// Start offset of the last reported error: a second error at the same spot is a
    /// cascade of the first and is dropped.
    last_error_at: Option<u32>,
    /// Start offsets of tokens right after characters the lexer skipped (and reported):
    /// an error there would be a cascade of the lexer's.
    quiet_at: Vec<u32>,
    /// Set when nesting got too deep: the rest of the file was skipped and no more errors
    /// are worth reporting.
    gave_up: bool,
    /// Start of the last path whose Rust-style `::` was reported (its other `::`s are
    /// not reported again).
    colon_path_reported: Option<u32>,
    depth: u32,
    fuel: u32,
    next_expr: u32,
    next_pat: u32,
}

impl<'t> Parser<'t> {
    fn new(file: FileId, text: &'t str, tokens: Vec<Token>) -> Parser<'t> {
        Parser {
            file,
            text,
            tokens,
            pos: 0,
            diags: Vec::new(),
            last_error_at: None,
            quiet_at: Vec::new(),
            gave_up: false,
            colon_path_reported: None,
            depth: 0,
            fuel: FUEL,
            next_expr: 0,
            next_pat: 0,
        }
    }

    // ---------- looking at tokens ----------

    fn peek(&mut self) -> &Token {
        self.nth(0)
    }

    /// The token `n` places ahead (the `Eof` token repeats past the end).
    fn nth(&mut self, n: usize) -> &Token {
        self.burn_fuel();
        let last = self.tokens.len() - 1;
        &self.tokens[(self.pos + n).min(last)]
    }

    fn nth_kind(&mut self, n: usize) -> TokenKind {
        self.nth(n).kind
    }

    fn kind(&mut self) -> TokenKind {
        self.nth_kind(0)
    }

    fn at(&mut self, kind: TokenKind) -> bool {
        self.kind() == kind
    }

    fn at_eof(&mut self) -> bool {
        self.at(TokenKind::Eof)
    }

    /// Whether the current token starts a new line.
    fn at_line_start(&mut self) -> bool {
        self.peek().newline_before
    }

    fn current_span(&mut self) -> Span {
        self.peek().span
    }

    fn token_text(&self, token: &Token) -> &'t str {
        &self.text[token.span.start as usize..token.span.end as usize]
    }

    fn current_text(&mut self) -> &'t str {
        let token = self.peek().clone();
        self.token_text(&token)
    }

    /// Whether the current token is the identifier `name` (for contextual keywords).
    fn at_contextual(&mut self, name: &str) -> bool {
        self.at(TokenKind::Ident) && self.current_text() == name
    }

    /// The parser is a loop over tokens: if it keeps looking without consuming, it is
    /// stuck. That is a bug, caught by tests in debug builds; in release builds the rest
    /// of the file is skipped so `parse` still terminates.
    fn burn_fuel(&mut self) {
        if self.fuel == 0 {
            debug_assert!(false, "parser is stuck at token {}", self.pos);
            self.pos = self.tokens.len() - 1;
            self.gave_up = true;
            self.fuel = FUEL;
        }
        self.fuel -= 1;
    }

    // ---------- consuming tokens ----------

    /// Consumes the current token (never the final `Eof`) and returns it.
    fn bump(&mut self) -> Token {
        let token = self.peek().clone();
        if token.kind != TokenKind::Eof {
            self.pos += 1;
            self.fuel = FUEL;
        }
        token
    }

    fn eat(&mut self, kind: TokenKind) -> bool {
        if self.at(kind) {
            self.bump();
            true
        } else {
            false
        }
    }

    /// Consumes `kind` or reports "expected `kind`, found ..." without consuming.
    fn expect(&mut self, kind: TokenKind) -> bool {
        if self.eat(kind) {
            return true;
        }
        self.error_expected(&kind.describe());
        false
    }

    /// The end of the last consumed token (the start of the file if none).
    fn prev_end(&self) -> u32 {
        if self.pos == 0 {
            return self.tokens.first().map_or(0, |t| t.span.start);
        }
        self.tokens[self.pos - 1].span.end
    }

    /// The span from `start` to the end of the last consumed token.
    fn span_from(&self, start: u32) -> Span {
        let end = self.prev_end().max(start);
        Span::new(self.file, start, end)
    }

    fn start(&mut self) -> u32 {
        self.current_span().start
    }

    /// An empty span where the current token starts (for nodes made of nothing).
    fn empty_span_here(&mut self) -> Span {
        let start = self.start();
        Span::new(self.file, start, start)
    }

    // ---------- errors ----------

    fn error(&mut self, diag: Diagnostic) {
        let at = diag.primary.span.start;
        if self.gave_up
            || self.last_error_at == Some(at)
            || self.quiet_at.binary_search(&at).is_ok()
        {
            return;
        }
        self.last_error_at = Some(diag.primary.span.start);
        self.diags.push(diag);
    }

    /// How the current token is named in "found ..." (source text when short).
    fn describe_current(&mut self) -> String {
        let token = self.peek().clone();
        describe_token(&token, self.token_text(&token))
    }

    /// Reports "expected {what}, found {current}" at the current token.
    fn error_expected(&mut self, what: &str) {
        self.error_expected_with(errors::EXPECTED_TOKEN, what, None);
    }

    fn error_expected_with(&mut self, code: &'static str, what: &str, help: Option<&str>) {
        let found = self.describe_current();
        let span = self.current_span();
        let mut diag = Diagnostic::error(code, format!("expected {what}, found {found}"), span)
            .with_label(format!("expected {what}"));
        if let Some(help) = help {
            diag = diag.with_help(help);
        }
        self.error(diag);
    }

    /// Consumes the closing delimiter `close` of a list opened at `open`, or reports it
    /// missing, pointing at the opener too. Does not consume anything else: the outer
    /// construct resumes at the unexpected token, so a missing `)` never eats the file.
    fn expect_closing(&mut self, close: TokenKind, open: Span) {
        if self.eat(close) {
            return;
        }
        let what = close.describe();
        let found = self.describe_current();
        let span = self.current_span();
        let diag = Diagnostic::error(
            errors::UNCLOSED_DELIMITER,
            format!("expected {what}, found {found}"),
            span,
        )
        .with_label(format!("expected {what}"))
        .with_secondary(open, "unclosed delimiter");
        self.error(diag);
    }

    // ---------- nesting ----------

    /// Enters one level of nesting; `false` (after reporting once and skipping to the end
    /// of the file) when too deep.
    fn enter(&mut self) -> bool {
        if self.depth >= MAX_DEPTH {
            if !self.gave_up {
                let span = self.current_span();
                let diag = Diagnostic::error(errors::TOO_DEEP, "nesting is too deep", span)
                    .with_label("too deeply nested")
                    .with_help(format!(
                        "the parser accepts at most {MAX_DEPTH} nested expressions, types, patterns and blocks"
                    ));
                self.error(diag);
            }
            self.gave_up = true;
            self.pos = self.tokens.len() - 1;
            return false;
        }
        self.depth += 1;
        true
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    // ---------- node ids ----------

    fn mk_expr(&mut self, kind: ast::ExprKind, span: Span) -> ast::Expr {
        let id = ast::ExprId(self.next_expr);
        self.next_expr += 1;
        ast::Expr { id, kind, span }
    }

    fn mk_pat(&mut self, kind: ast::PatKind, span: Span) -> ast::Pat {
        let id = ast::PatId(self.next_pat);
        self.next_pat += 1;
        ast::Pat { id, kind, span }
    }

    /// The next ids to be handed out, to give them back with [`Parser::drop_nodes_since`].
    fn id_marks(&self) -> (u32, u32) {
        (self.next_expr, self.next_pat)
    }

    /// Forgets the ids of nodes created since `marks` (they were dropped from the tree),
    /// so ids stay dense.
    fn drop_nodes_since(&mut self, marks: (u32, u32)) {
        (self.next_expr, self.next_pat) = marks;
    }

    fn ident_from(&self, token: &Token) -> ast::Ident {
        ast::Ident {
            name: self.token_text(token).to_string(),
            span: token.span,
        }
    }

    /// Consumes an identifier, or reports "expected {what}" and returns `None`.
    fn expect_ident(&mut self, what: &str) -> Option<ast::Ident> {
        if self.at(TokenKind::Ident) {
            let token = self.bump();
            return Some(self.ident_from(&token));
        }
        self.error_expected(what);
        None
    }

    // ---------- recovery ----------

    /// Skips one token, or a whole balanced `( )`, `[ ]`, `{ }` group if it is an opener.
    /// Never consumes a closer that belongs to an enclosing group.
    fn skip_token_tree(&mut self) {
        let Some(close) = closer_of(self.kind()) else {
            if !is_closer(self.kind()) {
                self.bump();
            }
            return;
        };
        self.bump();
        let mut stack = vec![close];
        while let Some(&expected) = stack.last() {
            let kind = self.kind();
            if kind == TokenKind::Eof {
                return;
            }
            if kind == expected {
                stack.pop();
            } else if let Some(inner) = closer_of(kind) {
                stack.push(inner);
            } else if is_closer(kind) && !stack.contains(&kind) {
                // A stray closer inside the group: skip it as garbage.
            } else if is_closer(kind) {
                // Closes an outer group of ours: the inner openers were unclosed.
                while stack.last() != Some(&kind) {
                    stack.pop();
                }
                stack.pop();
            }
            self.bump();
        }
    }

    /// Skips to the end of a broken statement: a `;` (consumed), a token on a new line,
    /// or a closer of the enclosing group (not consumed). Consumes at least one token
    /// unless already at a closer or the end.
    fn recover_to_statement_end(&mut self) {
        let mut first = true;
        loop {
            let kind = self.kind();
            if kind == TokenKind::Eof || is_closer(kind) {
                return;
            }
            if kind == TokenKind::Semi {
                self.bump();
                return;
            }
            if !first && self.at_line_start() {
                return;
            }
            first = false;
            self.skip_token_tree();
        }
    }
}

impl Parser<'_> {
    /// Parses the rest of a delimited, comma separated list whose opener (at `open`) is
    /// consumed: elements up to `close`, then `close` itself. `items` holds elements
    /// already parsed by the caller (the list then continues after a separator).
    /// Returns the elements and whether any `,` was seen (`(a)` versus `(a,)`).
    ///
    /// Recovery: a missing separator is reported and the junk up to the next `,` or
    /// closer is skipped; tokens that cannot belong to the list (see `at_list_stop`) end
    /// it, and the missing closer is then reported with the opener as "unclosed".
    fn list_rest<T>(
        &mut self,
        open: Span,
        close: TokenKind,
        extra_stops: &[TokenKind],
        newline_separates: bool,
        mut items: Vec<T>,
        mut elem: impl FnMut(&mut Self) -> Option<T>,
    ) -> (Vec<T>, bool) {
        let mut any_comma = false;
        let mut after_elem = !items.is_empty();
        loop {
            if after_elem {
                after_elem = false;
                if self.eat(TokenKind::Comma) {
                    any_comma = true;
                    continue;
                }
                if self.at(close) || self.at_list_stop(close, extra_stops) {
                    break;
                }
                if self.at_block_opener_ending_line() {
                    // `if (x > 1 {`: the `{` opens the body; the `)` is what is missing.
                    break;
                }
                let here = self.start();
                if self.at_line_start() && self.indent_at(here) <= self.indent_at(open.start) {
                    // `let v = [1, 2` then the next statement on a line indented no
                    // deeper: the list was left open, rather than a `,` missing.
                    break;
                }
                if newline_separates && self.at_line_start() {
                    continue;
                }
                self.error_expected(&format!("`,` or {}", close.describe()));
                any_comma |= self.skip_to_list_separator(close, extra_stops);
                continue;
            }
            if self.at(close) || self.at_list_stop(close, extra_stops) {
                break;
            }
            let before = self.pos;
            if let Some(item) = elem(self) {
                items.push(item);
            }
            if self.pos == before {
                // The element reported its error without consuming anything.
                any_comma |= self.skip_to_list_separator(close, extra_stops);
                continue;
            }
            after_elem = true;
        }
        self.expect_closing(close, open);
        (items, any_comma)
    }

    /// Tokens that cannot continue a list closed by `close`: the end, a closer of an
    /// enclosing group, `;`, `=>`, or a keyword that starts a statement or item.
    fn at_list_stop(&mut self, close: TokenKind, extra_stops: &[TokenKind]) -> bool {
        let kind = self.kind();
        if is_closer(kind) {
            return kind != close;
        }
        matches!(
            kind,
            TokenKind::Eof
                | TokenKind::Semi
                | TokenKind::FatArrow
                | TokenKind::Let
                | TokenKind::Fn
                | TokenKind::Struct
                | TokenKind::Enum
                | TokenKind::Impl
                | TokenKind::Trait
                | TokenKind::Static
                | TokenKind::Import
                | TokenKind::Var
                | TokenKind::At
        ) || extra_stops.contains(&kind)
    }

    /// A `{` that ends its line, where a list separator was expected: almost surely the
    /// body of the enclosing `if`/`fn`/..., so the list ends there.
    fn at_block_opener_ending_line(&mut self) -> bool {
        self.at(TokenKind::LBrace) && self.nth(1).newline_before
    }

    /// The indentation (leading spaces and tabs) of the line holding `offset`.
    fn indent_at(&self, offset: u32) -> usize {
        let before = &self.text[..(offset as usize).min(self.text.len())];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        self.text[line_start..]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .count()
    }

    /// Skips junk inside a list up to a `,` (consumed; returns `true`), the closer or a
    /// stop token.
    fn skip_to_list_separator(&mut self, close: TokenKind, extra_stops: &[TokenKind]) -> bool {
        loop {
            if self.eat(TokenKind::Comma) {
                return true;
            }
            if self.at(close) || self.at_list_stop(close, extra_stops) {
                return false;
            }
            self.skip_token_tree();
        }
    }

    fn report_unexpected_closer(&mut self) {
        let found = self.describe_current();
        let span = self.current_span();
        let diag = Diagnostic::error(
            errors::UNEXPECTED_CLOSING,
            format!("unexpected closing delimiter {found}"),
            span,
        )
        .with_label("no matching opening delimiter");
        self.error(diag);
    }
}

/// The tokens that directly follow a run of unknown characters.
fn tokens_after_unknown_chars(tokens: &[Token], lexer_diags: &[Diagnostic]) -> Vec<u32> {
    lexer_diags
        .iter()
        .filter(|d| d.code == errors::UNKNOWN_CHAR)
        .filter_map(|d| {
            let next = tokens.partition_point(|t| t.span.start < d.primary.span.start);
            tokens.get(next).map(|t| t.span.start)
        })
        .collect() // sorted, as the lexer reports in order
}

/// The closing delimiter of an opener.
fn closer_of(kind: TokenKind) -> Option<TokenKind> {
    match kind {
        TokenKind::LParen => Some(TokenKind::RParen),
        TokenKind::LBracket => Some(TokenKind::RBracket),
        TokenKind::LBrace => Some(TokenKind::RBrace),
        _ => None,
    }
}

pub(crate) fn is_closer(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace
    )
}

/// "`text`" for a token, or a description when the text is empty, long or multi-line.
fn describe_token(token: &Token, text: &str) -> String {
    match token.kind {
        TokenKind::Eof => "end of file".to_string(),
        TokenKind::Str if text.len() > 24 || text.contains('\n') => "string literal".to_string(),
        _ if text.is_empty() || text.len() > 24 => token.kind.describe(),
        _ => format!("`{text}`"),
    }
}
