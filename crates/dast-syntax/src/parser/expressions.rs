//! Expressions: a Pratt loop (`expr_bp`) over prefix forms, postfix operators and binary
//! operators, with Rust's precedence.

use dast_base::Span;

use super::{Parser, Restrictions};
use crate::ast::{BinOp, ClosureParam, Expr, ExprKind, FieldInit, Lit, MatchArm, UnOp};
use crate::errors;
use crate::token::{Token, TokenKind};

/// Binding power of the operand of a prefix operator: above `as`, so `-x as u8` is
/// `(-x) as u8`, and below postfix operators, so `-x.f()` is `-(x.f())`.
const PREFIX_BP: u8 = 25;
const AS_BP: u8 = 23;
const RANGE_LEFT_BP: u8 = 3;
const RANGE_RIGHT_BP: u8 = 4;

/// How many tokens the disambiguating look-aheads scan at most, so that pathological
/// input cannot make parsing quadratic (type arguments and arm patterns are short).
const LOOKAHEAD_LIMIT: usize = 512;

/// What an infix operator builds.
#[derive(Clone, Copy)]
enum Infix {
    Binary(BinOp),
    /// `=` (`None`) or a compound assignment such as `+=`.
    Assign(Option<BinOp>),
    Range {
        inclusive: bool,
    },
}

/// Left and right binding powers of infix operators. Left-associative operators have
/// `right = left + 1`; assignment is right-associative (`right < left`).
/// Rust's crate roots, for `std::...` paths written the Rust way.
const RUST_CRATES: [&str; 3] = ["std", "core", "alloc"];

fn infix_binding_power(kind: TokenKind) -> Option<(u8, u8, Infix)> {
    use TokenKind as T;
    let assign = |op| Some((2, 1, Infix::Assign(op)));
    let binary = |l: u8, op| Some((l, l + 1, Infix::Binary(op)));
    match kind {
        T::Eq => assign(None),
        T::PlusEq => assign(Some(BinOp::Add)),
        T::MinusEq => assign(Some(BinOp::Sub)),
        T::StarEq => assign(Some(BinOp::Mul)),
        T::SlashEq => assign(Some(BinOp::Div)),
        T::PercentEq => assign(Some(BinOp::Rem)),
        T::AmpEq => assign(Some(BinOp::BitAnd)),
        T::PipeEq => assign(Some(BinOp::BitOr)),
        T::CaretEq => assign(Some(BinOp::BitXor)),
        T::ShlEq => assign(Some(BinOp::Shl)),
        T::ShrEq => assign(Some(BinOp::Shr)),
        T::DotDot => Some((
            RANGE_LEFT_BP,
            RANGE_RIGHT_BP,
            Infix::Range { inclusive: false },
        )),
        T::DotDotEq => Some((
            RANGE_LEFT_BP,
            RANGE_RIGHT_BP,
            Infix::Range { inclusive: true },
        )),
        T::PipePipe => binary(5, BinOp::Or),
        T::AmpAmp => binary(7, BinOp::And),
        T::EqEq => binary(9, BinOp::Eq),
        T::Ne => binary(9, BinOp::Ne),
        T::Lt => binary(9, BinOp::Lt),
        T::Le => binary(9, BinOp::Le),
        T::Gt => binary(9, BinOp::Gt),
        T::Ge => binary(9, BinOp::Ge),
        T::Pipe => binary(11, BinOp::BitOr),
        T::Caret => binary(13, BinOp::BitXor),
        T::Amp => binary(15, BinOp::BitAnd),
        T::Shl => binary(17, BinOp::Shl),
        T::Shr => binary(17, BinOp::Shr),
        T::Plus => binary(19, BinOp::Add),
        T::Minus => binary(19, BinOp::Sub),
        T::Star => binary(21, BinOp::Mul),
        T::Slash => binary(21, BinOp::Div),
        T::Percent => binary(21, BinOp::Rem),
        _ => None,
    }
}

fn is_comparison(op: BinOp) -> bool {
    matches!(
        op,
        BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
    )
}

/// Tokens that can only continue an expression, never start one: on a new line at
/// statement level they still belong to the previous line's expression (method chains,
/// a long condition broken before `&&`).
pub(super) fn continues_expression(kind: TokenKind) -> bool {
    use TokenKind as T;
    matches!(
        kind,
        T::Dot
            | T::ColonColon
            | T::Question
            | T::As
            | T::AmpAmp
            | T::PipePipe
            | T::Plus
            | T::Star
            | T::Slash
            | T::Percent
            | T::EqEq
            | T::Ne
            | T::Lt
            | T::Gt
            | T::Le
            | T::Ge
            | T::Pipe
            | T::Caret
            | T::Shl
            | T::Shr
            | T::DotDot
            | T::DotDotEq
            | T::Eq
            | T::PlusEq
            | T::MinusEq
            | T::StarEq
            | T::SlashEq
            | T::PercentEq
            | T::AmpEq
            | T::PipeEq
            | T::CaretEq
            | T::ShlEq
            | T::ShrEq
    )
}

/// Tokens that can start an expression.
pub(super) fn can_start_expression(kind: TokenKind) -> bool {
    use TokenKind as T;
    matches!(
        kind,
        T::Int
            | T::Float
            | T::Str
            | T::Char
            | T::True
            | T::False
            | T::Ident
            | T::SelfValue
            | T::SelfType
            | T::Dot
            | T::LParen
            | T::LBracket
            | T::LBrace
            | T::Minus
            | T::Bang
            | T::Star
            | T::Amp
            | T::AmpAmp
            | T::DotDot
            | T::DotDotEq
            | T::If
            | T::Match
            | T::While
            | T::Loop
            | T::For
            | T::Break
            | T::Continue
            | T::Label
            | T::Return
            | T::Unsafe
            | T::Pipe
            | T::PipePipe
    )
}

/// Expressions that end with a block and so end a statement without `;`.
pub(super) fn is_block_like(kind: &ExprKind) -> bool {
    matches!(
        kind,
        ExprKind::Block(_)
            | ExprKind::Unsafe(_)
            | ExprKind::If { .. }
            | ExprKind::IfLet { .. }
            | ExprKind::Match { .. }
            | ExprKind::While { .. }
            | ExprKind::WhileLet { .. }
            | ExprKind::Loop(_)
            | ExprKind::For { .. }
            | ExprKind::Labeled { .. }
    )
}

/// A name or dotted path that can precede `{` of a struct literal.
fn is_path_like(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Name(_) | ExprKind::InferredVariant(_) => true,
        ExprKind::Field { base, .. } => is_path_like(base),
        _ => false,
    }
}

/// `HashMap`, `Vec`, but not a constant like `TABLE`: only those take `[T].` type args.
fn is_type_like_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_uppercase()) && name.chars().any(|c| c.is_lowercase())
}

/// Tokens that can appear inside `[ ]` type arguments.
fn is_type_token(kind: TokenKind) -> bool {
    use TokenKind as T;
    matches!(
        kind,
        T::Ident
            | T::SelfType
            | T::Dyn
            | T::Mut
            | T::Const
            | T::Amp
            | T::AmpAmp
            | T::Star
            | T::LParen
            | T::RParen
            | T::LBracket
            | T::RBracket
            | T::Comma
            | T::Dot
    )
}

impl Parser<'_> {
    /// An expression where newlines mean nothing (inside delimiters).
    pub(super) fn expr(&mut self) -> Expr {
        self.expr_with(Restrictions::NESTED)
    }

    pub(super) fn expr_with(&mut self, r: Restrictions) -> Expr {
        self.expr_bp(0, r, false)
    }

    /// An expression starting a statement (or a match arm body): a newline or the end
    /// of a block-like expression ends it.
    pub(super) fn statement_expr(&mut self, r: Restrictions) -> Expr {
        self.expr_bp(0, r, true)
    }

    /// The Pratt loop: parses a prefix form, then applies postfix and infix operators
    /// whose left binding power is at least `min_bp`.
    fn expr_bp(&mut self, min_bp: u8, r: Restrictions, statement_start: bool) -> Expr {
        if !self.enter() {
            let span = self.empty_span_here();
            return self.mk_expr(ExprKind::Error, span);
        }
        let mut lhs = self.prefix_expr(r);
        // `if c { } - 1` at statement start is two statements, as in Rust.
        let mut ended_like_line = statement_start && is_block_like(&lhs.kind);
        let mut after_comparison = false;
        // Each operator applied wraps `lhs` one level deeper; long chains (`a.b.c...`,
        // `a + b + ...`) count against the nesting limit too, since the tree's depth is
        // what recursive consumers (and `Drop`) pay for.
        let mut levels = 0;
        loop {
            let token = self.peek();
            let (kind, newline) = (token.kind, token.newline_before);
            if r.newline_ends && (newline || ended_like_line) && !self.continues_expression_here() {
                break;
            }
            if r.newline_ends && newline && r.match_arm && self.line_is_match_arm() {
                break;
            }
            ended_like_line = false;
            // As in `prefix_expr`, pick the step first and build the new `lhs` in one call.
            type Postfix<'a> = fn(&mut Parser<'a>, Expr) -> Expr;
            let postfix: Option<Postfix<'_>> = match kind {
                TokenKind::Dot | TokenKind::ColonColon => Some(Self::field),
                TokenKind::LParen => Some(Self::call),
                TokenKind::LBracket => Some(Self::index_or_type_args),
                TokenKind::Question => Some(Self::try_expr),
                TokenKind::LBrace
                    if !r.no_struct && is_path_like(&lhs) && self.looks_like_struct_body() =>
                {
                    Some(Self::struct_lit)
                }
                TokenKind::As if AS_BP >= min_bp => Some(Self::cast),
                _ => None,
            };
            lhs = match postfix {
                Some(apply) => apply(self, lhs),
                None => {
                    let Some((left_bp, right_bp, infix)) = infix_binding_power(kind) else {
                        break;
                    };
                    if left_bp < min_bp {
                        break;
                    }
                    let comparison = matches!(infix, Infix::Binary(op) if is_comparison(op));
                    if comparison && after_comparison {
                        self.report_chained_comparison();
                    }
                    after_comparison = comparison;
                    self.infix(lhs, infix, right_bp, r)
                }
            };
            if !matches!(lhs.kind, ExprKind::Binary { .. }) {
                after_comparison = false;
            }
            if !self.enter() {
                break;
            }
            levels += 1;
        }
        for _ in 0..levels {
            self.leave();
        }
        self.leave();
        lhs
    }

    fn try_expr(&mut self, lhs: Expr) -> Expr {
        self.bump();
        let span = self.span_from(lhs.span.start);
        self.mk_expr(ExprKind::Try(Box::new(lhs)), span)
    }

    fn cast(&mut self, lhs: Expr) -> Expr {
        self.bump();
        let ty = self.ty();
        let span = self.span_from(lhs.span.start);
        self.mk_expr(
            ExprKind::Cast {
                expr: Box::new(lhs),
                ty,
            },
            span,
        )
    }

    /// Applies a binary, assignment or range operator (the current token) to `lhs`.
    fn infix(&mut self, lhs: Expr, infix: Infix, right_bp: u8, r: Restrictions) -> Expr {
        self.bump();
        let start = lhs.span.start;
        let kind = match infix {
            Infix::Binary(op) => {
                let rhs = self.expr_bp(right_bp, r, false);
                ExprKind::Binary {
                    op,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                }
            }
            Infix::Assign(op) => {
                let value = self.expr_bp(right_bp, r, false);
                ExprKind::Assign {
                    op,
                    place: Box::new(lhs),
                    value: Box::new(value),
                }
            }
            Infix::Range { inclusive } => {
                let end = self.range_end(inclusive, r);
                ExprKind::Range {
                    start: Some(Box::new(lhs)),
                    end,
                    inclusive,
                }
            }
        };
        let span = self.span_from(start);
        self.mk_expr(kind, span)
    }

    /// The end of `a..` / `..`, if one follows on the same line (at statement level) and
    /// is not the body of a `for` loop (`for i in 0.. {`).
    fn range_end(&mut self, inclusive: bool, r: Restrictions) -> Option<Box<Expr>> {
        let token = self.peek();
        let (kind, newline) = (token.kind, token.newline_before);
        let follows = can_start_expression(kind)
            && !(r.newline_ends && newline)
            && !(r.no_struct && kind == TokenKind::LBrace);
        if follows {
            return Some(Box::new(self.expr_bp(RANGE_RIGHT_BP, r, false)));
        }
        if inclusive {
            self.error_expected_with(
                errors::EXPECTED_EXPR,
                "an expression",
                Some("an inclusive range `a..=b` needs an end"),
            );
        }
        None
    }

    /// Whether the current token (on a new line, or after a block-like statement)
    /// continues the expression before it. `.name` does (a method chain), but `.Name`
    /// starts an inferred variant: `.Rect { w, h }` on its own line is a new expression.
    fn continues_expression_here(&mut self) -> bool {
        let kind = self.kind();
        if kind == TokenKind::Dot && self.nth_kind(1) == TokenKind::Ident {
            let name = self.tokens[(self.pos + 1).min(self.tokens.len() - 1)].span;
            let first = self.text[name.start as usize..].chars().next();
            return !first.is_some_and(char::is_uppercase);
        }
        if kind == TokenKind::Star && self.star_is_deref() {
            return false;
        }
        continues_expression(kind)
    }

    /// A line starting with `*name` (no space after `*`) is a dereference starting a
    /// new statement (`*count += 1`), not a multiplication continued from the line
    /// before (written `* name`).
    fn star_is_deref(&mut self) -> bool {
        let star_end = self.peek().span.end;
        let next = self.nth(1);
        matches!(
            next.kind,
            TokenKind::Ident | TokenKind::SelfValue | TokenKind::LParen
        ) && next.span.start == star_end
    }

    fn report_chained_comparison(&mut self) {
        let span = self.current_span();
        let diag = diag_chained_comparison(span);
        self.error(diag);
    }

    /// At statement level inside a match, a line starting with `.Variant`, `|` or `..`
    /// followed by `=>` is the next arm, not a method chain continuing this arm's body.
    fn line_is_match_arm(&mut self) -> bool {
        let mut depth = 0i32;
        let mut i = self.pos;
        let first = i;
        let limit = self.tokens.len().min(first + LOOKAHEAD_LIMIT);
        while i < limit {
            let token = &self.tokens[i];
            if i > first && depth == 0 && token.newline_before {
                return false;
            }
            match token.kind {
                TokenKind::LParen | TokenKind::LBracket | TokenKind::LBrace => depth += 1,
                TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace => {
                    depth -= 1;
                    if depth < 0 {
                        return false;
                    }
                }
                TokenKind::FatArrow if depth == 0 => return true,
                TokenKind::Eof => return false,
                _ => {}
            }
            i += 1;
        }
        false
    }

    // ---------- prefix forms ----------

    /// Literals, names, prefix operators and the expressions introduced by a keyword.
    /// The handler is chosen first and called once: in unoptimised builds every call
    /// site keeps its own slot for the returned `Expr`, and this function recurses.
    fn prefix_expr(&mut self, r: Restrictions) -> Expr {
        type Handler<'a> = fn(&mut Parser<'a>, Restrictions) -> Expr;
        let handler: Handler<'_> = match self.kind() {
            TokenKind::Ident if self.at_move_closure() => |p, r| {
                let start = p.start();
                p.bump();
                p.closure_from(start, r)
            },
            TokenKind::Int | TokenKind::Float | TokenKind::Str | TokenKind::Char => {
                |p, _| p.literal_expr()
            }
            TokenKind::True | TokenKind::False => |p, _| p.bool_expr(),
            TokenKind::Ident | TokenKind::SelfValue | TokenKind::SelfType => |p, _| p.name_expr(),
            TokenKind::Dot => |p, _| p.inferred_variant(),
            TokenKind::LParen => |p, _| p.paren_or_tuple(),
            TokenKind::LBracket => |p, _| p.array(),
            TokenKind::LBrace => |p, _| p.block_expr(),
            TokenKind::Unsafe => |p, _| p.unsafe_expr(),
            TokenKind::Minus => |p, r| p.unary(UnOp::Neg, r),
            TokenKind::Bang => |p, r| p.unary(UnOp::Not, r),
            TokenKind::Star => Self::deref,
            TokenKind::Amp | TokenKind::AmpAmp => Self::reference,
            TokenKind::DotDot | TokenKind::DotDotEq => Self::prefix_range,
            TokenKind::If => |p, _| p.if_expr(),
            TokenKind::Match => |p, _| p.match_expr(),
            TokenKind::While => |p, _| p.while_expr(),
            TokenKind::Loop => |p, _| p.loop_expr(),
            TokenKind::For => |p, _| p.for_expr(),
            TokenKind::Break => Self::break_expr,
            TokenKind::Continue => |p, _| p.continue_expr(),
            TokenKind::Label => |p, _| p.labeled_loop(),
            TokenKind::Return => Self::return_expr,
            TokenKind::Pipe | TokenKind::PipePipe => Self::closure,
            _ => |p, _| p.missing_expr(),
        };
        handler(self, r)
    }

    fn literal_expr(&mut self) -> Expr {
        let token = self.bump();
        let lit = token.lit.unwrap_or(Lit::Int {
            value: 0,
            suffix: None,
        });
        self.mk_expr(ExprKind::Lit(lit), token.span)
    }

    fn bool_expr(&mut self) -> Expr {
        let token = self.bump();
        let value = token.kind == TokenKind::True;
        self.mk_expr(ExprKind::Lit(Lit::Bool(value)), token.span)
    }

    fn name_expr(&mut self) -> Expr {
        let token = self.bump();
        if token.kind == TokenKind::Ident && self.at_macro_bang() {
            return self.rust_macro(token);
        }
        if token.kind == TokenKind::Ident
            && RUST_CRATES.contains(&self.token_text(&token))
            && self.at(TokenKind::ColonColon)
        {
            return self.rust_crate_path(token);
        }
        let ident = self.ident_from(&token);
        self.mk_expr(ExprKind::Name(ident), token.span)
    }

    /// At `!` followed (on the same line) by `(`, `[` or `{`: a Rust macro call.
    fn at_macro_bang(&mut self) -> bool {
        let bang = self.peek();
        if bang.kind != TokenKind::Bang || bang.newline_before {
            return false;
        }
        matches!(
            self.nth_kind(1),
            TokenKind::LParen | TokenKind::LBracket | TokenKind::LBrace
        )
    }

    /// `name!(...)` written the Rust way: one error naming the Dast spelling, then read
    /// as that spelling (`println!(..)` as `println(..)`, `vec![..]` as `[..]`), so
    /// what follows is checked as usual.
    fn rust_macro(&mut self, name: Token) -> Expr {
        let text = self.token_text(&name).to_string();
        let bang = self.bump();
        let span = Span::new(name.span.file, name.span.start, bang.span.end);
        let (message, help) = match text.as_str() {
            "vec" => (
                "Dast has no `vec!`: a vector literal is written `[a, b, c]`".to_string(),
                "write `[1, 2, 3]`, or `[0; n]` for `n` zeros".to_string(),
            ),
            "println" | "print" | "eprintln" | "eprint" | "format" | "panic" | "assert"
            | "assert_eq" | "assert_ne" => (
                format!("`{text}` is a function in Dast, not a macro"),
                format!("write `{text}(...)`, without the `!`"),
            ),
            _ => (
                format!("Dast has no macros (`{text}!`)"),
                "write a function call instead".to_string(),
            ),
        };
        let diag = dast_base::Diagnostic::error(errors::RUST_SYNTAX, message, span)
            .with_label("remove the `!`")
            .with_help(help);
        self.error(diag);
        if text == "vec" && self.at(TokenKind::LBracket) {
            return self.array();
        }
        let ident = self.ident_from(&name);
        self.mk_expr(ExprKind::Name(ident), name.span)
    }

    /// `std::collections::HashMap::new()`: one error, then read from the first segment
    /// that names a type (`HashMap.new()`), since Dast's built-ins need no path.
    fn rust_crate_path(&mut self, krate: Token) -> Expr {
        let start = krate.span.start;
        // Skip `::module` segments up to the item (the last segment, or one named
        // like a type).
        while self.at(TokenKind::ColonColon) && self.nth_kind(1) == TokenKind::Ident {
            let next = self.nth(1).clone();
            let name = self.token_text(&next);
            let is_type = name.chars().next().is_some_and(char::is_uppercase);
            let last = self.nth_kind(2) != TokenKind::ColonColon;
            if is_type || last {
                break;
            }
            self.bump();
            self.bump();
        }
        let span = self.span_from(start);
        let diag = dast_base::Diagnostic::error(
            errors::RUST_SYNTAX,
            format!(
                "Dast has no `{}::` paths: its built-in types and functions are always in scope",
                self.token_text(&krate)
            ),
            span,
        )
        .with_label("remove this path")
        .with_help("write the item's name alone, as in `HashMap.new()`");
        self.error(diag);
        if !(self.at(TokenKind::ColonColon) && self.nth_kind(1) == TokenKind::Ident) {
            let ident = self.ident_from(&krate);
            return self.mk_expr(ExprKind::Name(ident), krate.span);
        }
        self.bump();
        // This path was reported: its `::`s are not reported again.
        self.colon_path_reported = Some(self.peek().span.start);
        self.name_expr()
    }

    fn block_expr(&mut self) -> Expr {
        let block = self.block();
        let span = block.span;
        self.mk_expr(ExprKind::Block(block), span)
    }

    fn unsafe_expr(&mut self) -> Expr {
        let start = self.start();
        self.bump();
        let block = self.block();
        let span = self.span_from(start);
        self.mk_expr(ExprKind::Unsafe(block), span)
    }

    /// `..b`, `..=b`, `..`.
    fn prefix_range(&mut self, r: Restrictions) -> Expr {
        let start = self.start();
        let inclusive = self.bump().kind == TokenKind::DotDotEq;
        let end = self.range_end(inclusive, r);
        let span = self.span_from(start);
        let kind = ExprKind::Range {
            start: None,
            end,
            inclusive,
        };
        self.mk_expr(kind, span)
    }

    fn loop_expr(&mut self) -> Expr {
        let start = self.start();
        self.bump();
        let body = self.block();
        let span = self.span_from(start);
        self.mk_expr(ExprKind::Loop(body), span)
    }

    fn break_expr(&mut self, r: Restrictions) -> Expr {
        let start = self.start();
        self.bump();
        let label = self.jump_label();
        let value = self.jump_value(r);
        let span = self.span_from(start);
        self.mk_expr(ExprKind::Break { label, value }, span)
    }

    fn continue_expr(&mut self) -> Expr {
        let start = self.start();
        self.bump();
        let label = self.jump_label();
        let span = self.span_from(start);
        self.mk_expr(ExprKind::Continue(label), span)
    }

    /// The `'label` after `break` / `continue`, on the same line.
    fn jump_label(&mut self) -> Option<crate::ast::Ident> {
        let token = self.peek();
        if token.kind != TokenKind::Label || token.newline_before {
            return None;
        }
        let token = self.bump();
        Some(self.ident_from(&token))
    }

    /// `'label: loop { }`, `'label: while ...`, `'label: for ...` (as in Rust).
    fn labeled_loop(&mut self) -> Expr {
        let start = self.start();
        let token = self.bump();
        let label = self.ident_from(&token);
        self.expect(TokenKind::Colon);
        let body = match self.kind() {
            TokenKind::Loop => self.loop_expr(),
            TokenKind::While => self.while_expr(),
            TokenKind::For => self.for_expr(),
            _ => {
                let here = self.peek().span;
                let diag = dast_base::Diagnostic::error(
                    errors::UNSUPPORTED,
                    "labels are only supported on `loop`, `while` and `for`",
                    label.span,
                )
                .with_label("this label")
                .with_secondary(here, "expected a loop here");
                self.error(diag);
                return self.expr();
            }
        };
        let span = self.span_from(start);
        self.mk_expr(
            ExprKind::Labeled {
                label,
                body: Box::new(body),
            },
            span,
        )
    }

    fn return_expr(&mut self, r: Restrictions) -> Expr {
        let start = self.start();
        self.bump();
        let value = self.jump_value(r);
        let span = self.span_from(start);
        self.mk_expr(ExprKind::Return(value), span)
    }

    fn missing_expr(&mut self) -> Expr {
        self.error_expected_with(errors::EXPECTED_EXPR, "an expression", None);
        let span = self.empty_span_here();
        self.mk_expr(ExprKind::Error, span)
    }

    /// `.Variant`: the enum comes from the expected type.
    fn inferred_variant(&mut self) -> Expr {
        let start = self.start();
        self.bump();
        match self.expect_ident("a variant name after `.`") {
            Some(name) => {
                let span = self.span_from(start);
                self.mk_expr(ExprKind::InferredVariant(name), span)
            }
            None => {
                let span = self.span_from(start);
                self.mk_expr(ExprKind::Error, span)
            }
        }
    }

    fn unary(&mut self, op: UnOp, r: Restrictions) -> Expr {
        let start = self.start();
        self.bump();
        let operand = self.expr_bp(PREFIX_BP, r, false);
        let span = self.span_from(start);
        self.mk_expr(
            ExprKind::Unary {
                op,
                expr: Box::new(operand),
            },
            span,
        )
    }

    /// `*x`: references are transparent in Dast, so a dereference is its operand
    /// (`*count += 1` is `count += 1`, `*self = v` is `self = v`).
    fn deref(&mut self, r: Restrictions) -> Expr {
        let start = self.start();
        self.bump();
        let operand = self.expr_bp(PREFIX_BP, r, false);
        let span = self.span_from(start);
        self.mk_expr(ExprKind::Deref(Box::new(operand)), span)
    }

    /// `&x`, `&mut x`, `&[a, b]`; `&&x` is two references, as in Rust.
    fn reference(&mut self, r: Restrictions) -> Expr {
        let start = self.start();
        let double = self.bump().kind == TokenKind::AmpAmp;
        let mutable = self.eat(TokenKind::Mut);
        let operand = self.expr_bp(PREFIX_BP, r, false);
        let span = self.span_from(start);
        let inner = self.mk_expr(
            ExprKind::Ref {
                mutable,
                expr: Box::new(operand),
            },
            Span::new(self.file, start + u32::from(double), span.end),
        );
        if !double {
            return inner;
        }
        self.mk_expr(
            ExprKind::Ref {
                mutable: false,
                expr: Box::new(inner),
            },
            span,
        )
    }

    /// The value of `break`/`return`: only on the same line, so a bare `return` at the
    /// end of a line does not swallow the next statement.
    fn jump_value(&mut self, r: Restrictions) -> Option<Box<Expr>> {
        let token = self.peek();
        let (kind, newline) = (token.kind, token.newline_before);
        let has_value =
            !newline && can_start_expression(kind) && !(r.no_struct && kind == TokenKind::LBrace);
        has_value.then(|| Box::new(self.expr_bp(0, r, false)))
    }

    /// `()`, `(e)`, `(a, b)`, `(a,)`.
    fn paren_or_tuple(&mut self) -> Expr {
        let start = self.start();
        let open = self.bump().span;
        if self.eat(TokenKind::RParen) {
            let span = self.span_from(start);
            return self.mk_expr(ExprKind::Tuple(Vec::new()), span);
        }
        let first = self.expr();
        if self.eat(TokenKind::RParen) {
            let span = self.span_from(start);
            return self.mk_expr(ExprKind::Paren(Box::new(first)), span);
        }
        let (mut elems, any_comma) =
            self.list_rest(open, TokenKind::RParen, &[], false, vec![first], |p| {
                Some(p.expr())
            });
        let span = self.span_from(start);
        if elems.len() == 1 && !any_comma {
            let only = elems.pop().expect("one element");
            return self.mk_expr(ExprKind::Paren(Box::new(only)), span);
        }
        self.mk_expr(ExprKind::Tuple(elems), span)
    }

    /// `[a, b]`, `[]`, `[value; count]`.
    fn array(&mut self) -> Expr {
        let start = self.start();
        let open = self.bump().span;
        if self.eat(TokenKind::RBracket) {
            let span = self.span_from(start);
            return self.mk_expr(ExprKind::Array(Vec::new()), span);
        }
        let first = self.expr();
        if self.eat(TokenKind::Semi) {
            let count = self.expr();
            self.expect_closing(TokenKind::RBracket, open);
            let span = self.span_from(start);
            let kind = ExprKind::ArrayRepeat {
                value: Box::new(first),
                count: Box::new(count),
            };
            return self.mk_expr(kind, span);
        }
        let (elems, _) = self.list_rest(open, TokenKind::RBracket, &[], false, vec![first], |p| {
            Some(p.expr())
        });
        let span = self.span_from(start);
        self.mk_expr(ExprKind::Array(elems), span)
    }

    /// `|a, b: i32| body`, `|| body`, `|x| -> T { block }` (a written return type needs a
    /// block body, as in Rust). `start` is where a leading `move` began, if any.
    fn closure(&mut self, r: Restrictions) -> Expr {
        let start = self.start();
        self.closure_from(start, r)
    }

    fn closure_from(&mut self, start: u32, r: Restrictions) -> Expr {
        let mut params = Vec::new();
        if self.bump().kind == TokenKind::Pipe {
            while !matches!(self.kind(), TokenKind::Pipe | TokenKind::Eof) {
                let before = self.pos;
                let pstart = self.start();
                let pat = self.pat();
                let ty = if self.eat(TokenKind::Colon) {
                    Some(self.ty())
                } else {
                    None
                };
                params.push(ClosureParam {
                    pat,
                    ty,
                    span: self.span_from(pstart),
                });
                if self.pos == before || !self.eat(TokenKind::Comma) {
                    break;
                }
            }
            if !self.eat(TokenKind::Pipe) {
                self.error_expected("`|` after the closure's parameters");
            }
        }
        let ret = if self.eat(TokenKind::Arrow) {
            Some(self.ty())
        } else {
            None
        };
        let body = if ret.is_some() && !self.at(TokenKind::LBrace) {
            self.error_expected("`{` (a closure with a return type has a block body)");
            self.expr_bp(0, r, false)
        } else {
            self.expr_bp(0, r, false)
        };
        let span = self.span_from(start);
        let kind = ExprKind::Closure {
            params,
            ret,
            body: Box::new(body),
        };
        self.mk_expr(kind, span)
    }

    /// `move |x| ..`: `move` is not a keyword elsewhere.
    pub(super) fn at_move_closure(&mut self) -> bool {
        self.kind() == TokenKind::Ident
            && self.text.get(
                self.tokens[self.pos].span.start as usize..self.tokens[self.pos].span.end as usize,
            ) == Some("move")
            && matches!(
                self.tokens.get(self.pos + 1).map(|t| t.kind),
                Some(TokenKind::Pipe | TokenKind::PipePipe)
            )
    }

    // ---------- postfix forms ----------

    /// `base.name` or `base.0`; `base::name` is reported and read as `base.name`.
    fn field(&mut self, base: Expr) -> Expr {
        let dot = self.bump();
        // One error per path: `a::b::c` reports its first `::` only.
        let path_start = base.span.start;
        if dot.kind == TokenKind::ColonColon && self.colon_path_reported != Some(path_start) {
            self.colon_path_reported = Some(path_start);
            let diag = dast_base::Diagnostic::error(
                errors::RUST_SYNTAX,
                "paths are written with `.` in Dast, not `::`",
                dot.span,
            )
            .with_label("use `.` here")
            .with_help("write `Type.item`, as in `GameState.default()`");
            self.error(diag);
        }
        let start = base.span.start;
        match self.kind() {
            TokenKind::Ident => {
                let token = self.bump();
                let name = self.ident_from(&token);
                let span = self.span_from(start);
                self.mk_expr(
                    ExprKind::Field {
                        base: Box::new(base),
                        name,
                    },
                    span,
                )
            }
            TokenKind::Int => self.tuple_field(base),
            _ => {
                self.error_expected("a field name");
                base
            }
        }
    }

    fn tuple_field(&mut self, base: Expr) -> Expr {
        let token = self.bump();
        let index = match &token.lit {
            Some(Lit::Int {
                value,
                suffix: None,
            }) => u32::try_from(*value).ok(),
            _ => None,
        };
        let index = index.unwrap_or_else(|| {
            let diag = dast_base::Diagnostic::error(
                errors::BAD_TUPLE_INDEX,
                format!("invalid tuple field index `{}`", self.token_text(&token)),
                token.span,
            )
            .with_label("expected a plain number such as `0`");
            self.error(diag);
            0
        });
        let span = self.span_from(base.span.start);
        let kind = ExprKind::TupleField {
            base: Box::new(base),
            index,
            index_span: token.span,
        };
        self.mk_expr(kind, span)
    }

    fn call(&mut self, callee: Expr) -> Expr {
        let open = self.bump().span;
        let (args, _) = self.list_rest(open, TokenKind::RParen, &[], false, Vec::new(), |p| {
            Some(p.expr())
        });
        let span = self.span_from(callee.span.start);
        let kind = ExprKind::Call {
            callee: Box::new(callee),
            args,
        };
        self.mk_expr(kind, span)
    }

    fn index_or_type_args(&mut self, base: Expr) -> Expr {
        if self.bracket_holds_type_args(&base) {
            let open = self.bump().span;
            let (args, _) = self.list_rest(
                open,
                TokenKind::RBracket,
                super::types::TYPE_LIST_STOPS,
                false,
                Vec::new(),
                |p| Some(p.ty()),
            );
            let span = self.span_from(base.span.start);
            let kind = ExprKind::TypeArgs {
                base: Box::new(base),
                args,
            };
            return self.mk_expr(kind, span);
        }
        let open = self.bump().span;
        let index = self.expr();
        self.expect_closing(TokenKind::RBracket, open);
        let span = self.span_from(base.span.start);
        let kind = ExprKind::Index {
            base: Box::new(base),
            index: Box::new(index),
        };
        self.mk_expr(kind, span)
    }

    /// Decides `f[T](x)` / `HashMap[K, V].new()` (type arguments) against `v[i]`
    /// (indexing), as documented on `ExprKind::TypeArgs`: after a name or field, the
    /// matching `]` must be directly followed by `(`, or the base must be a capitalised
    /// name followed by `.`; and everything inside must look like types.
    fn bracket_holds_type_args(&self, base: &Expr) -> bool {
        let capitalised = match &base.kind {
            ExprKind::Name(ident) => is_type_like_name(&ident.name),
            ExprKind::Field { .. } => false,
            _ => return false,
        };
        let Some(close) = self.matching_bracket(self.pos) else {
            return false;
        };
        let inside = &self.tokens[self.pos + 1..close];
        if inside.is_empty() || !inside.iter().all(|t| is_type_token(t.kind)) {
            return false;
        }
        let after = &self.tokens[(close + 1).min(self.tokens.len() - 1)];
        let call_follows = after.kind == TokenKind::LParen && !after.newline_before;
        call_follows || (capitalised && after.kind == TokenKind::Dot)
    }

    /// Index of the token closing the group opened at `open`, if it is well nested.
    pub(super) fn matching_bracket(&self, open: usize) -> Option<usize> {
        let mut stack = Vec::new();
        for (i, token) in self
            .tokens
            .iter()
            .enumerate()
            .skip(open)
            .take(LOOKAHEAD_LIMIT)
        {
            match token.kind {
                TokenKind::LParen => stack.push(TokenKind::RParen),
                TokenKind::LBracket => stack.push(TokenKind::RBracket),
                TokenKind::LBrace => stack.push(TokenKind::RBrace),
                TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace => {
                    if stack.pop() != Some(token.kind) {
                        return None;
                    }
                    if stack.is_empty() {
                        return Some(i);
                    }
                }
                TokenKind::Eof => return None,
                _ => {}
            }
        }
        None
    }

    /// After a path, does `{` open a struct literal (`{ }`, `{ a: `, `{ a, `, `{ a }`,
    /// `{ ..base }`) rather than a block?
    fn looks_like_struct_body(&mut self) -> bool {
        match self.nth_kind(1) {
            TokenKind::RBrace | TokenKind::DotDot => true,
            TokenKind::Ident => matches!(
                self.nth_kind(2),
                TokenKind::Colon | TokenKind::Comma | TokenKind::RBrace
            ),
            _ => false,
        }
    }

    /// `Name { a: 1, b, ..base }` (fields separated by `,` or newlines).
    fn struct_lit(&mut self, path: Expr) -> Expr {
        let open = self.bump().span;
        let mut rest = None;
        let (fields, _) = self.list_rest(open, TokenKind::RBrace, &[], true, Vec::new(), |p| {
            p.field_init(&mut rest)
        });
        let span = self.span_from(path.span.start);
        let kind = ExprKind::StructLit {
            path: Box::new(path),
            fields,
            rest: rest.map(Box::new),
        };
        self.mk_expr(kind, span)
    }

    /// One `name: value` or `name` of a struct literal; `..base` goes to `rest`.
    fn field_init(&mut self, rest: &mut Option<Expr>) -> Option<FieldInit> {
        if self.eat(TokenKind::DotDot) {
            *rest = Some(self.expr());
            return None;
        }
        let name = self.expect_ident("a field name")?;
        let value = if self.eat(TokenKind::Colon) {
            self.expr()
        } else {
            // `Point { x, y }` is short for `Point { x: x, y: y }`.
            self.mk_expr(ExprKind::Name(name.clone()), name.span)
        };
        let span = name.span.to(value.span);
        Some(FieldInit { name, value, span })
    }

    // ---------- control flow ----------

    /// The head of `if`, `while`, `match`, `for ... in`: no struct literals, and a `{`
    /// right away means the head is missing (not a block expression).
    fn head_expr(&mut self) -> Expr {
        if self.at(TokenKind::LBrace) {
            self.error_expected_with(errors::EXPECTED_EXPR, "an expression", None);
            let span = self.empty_span_here();
            return self.mk_expr(ExprKind::Error, span);
        }
        self.expr_with(Restrictions::HEAD)
    }

    pub(super) fn if_expr(&mut self) -> Expr {
        // `else if` chains nest: count them against the nesting limit.
        if !self.enter() {
            let span = self.empty_span_here();
            return self.mk_expr(ExprKind::Error, span);
        }
        let expr = self.if_expr_inner();
        self.leave();
        expr
    }

    fn if_expr_inner(&mut self) -> Expr {
        let start = self.start();
        self.bump();
        if self.eat(TokenKind::Let) {
            let pat = self.pat_top();
            self.expect(TokenKind::Eq);
            let value = self.head_expr();
            let then = self.block();
            let els = self.else_branch();
            let span = self.span_from(start);
            let kind = ExprKind::IfLet {
                pat,
                value: Box::new(value),
                then,
                els,
            };
            return self.mk_expr(kind, span);
        }
        let cond = self.head_expr();
        let then = self.block();
        let els = self.else_branch();
        let span = self.span_from(start);
        let kind = ExprKind::If {
            cond: Box::new(cond),
            then,
            els,
        };
        self.mk_expr(kind, span)
    }

    /// `else { }` or `else if ...` (also when `else` starts the next line).
    fn else_branch(&mut self) -> Option<Box<Expr>> {
        if !self.eat(TokenKind::Else) {
            return None;
        }
        match self.kind() {
            TokenKind::If => Some(Box::new(self.if_expr())),
            TokenKind::LBrace => {
                let block = self.block();
                let span = block.span;
                Some(Box::new(self.mk_expr(ExprKind::Block(block), span)))
            }
            _ => {
                self.error_expected("`{` or `if`");
                None
            }
        }
    }

    fn while_expr(&mut self) -> Expr {
        let start = self.start();
        self.bump();
        if self.eat(TokenKind::Let) {
            let pat = self.pat_top();
            self.expect(TokenKind::Eq);
            let value = self.head_expr();
            let body = self.block();
            let span = self.span_from(start);
            let kind = ExprKind::WhileLet {
                pat,
                value: Box::new(value),
                body,
            };
            return self.mk_expr(kind, span);
        }
        let cond = self.head_expr();
        let body = self.block();
        let span = self.span_from(start);
        let kind = ExprKind::While {
            cond: Box::new(cond),
            body,
        };
        self.mk_expr(kind, span)
    }

    fn for_expr(&mut self) -> Expr {
        let start = self.start();
        self.bump();
        let pat = self.pat_top();
        // Without `in`, read an iterator only if one seems to follow on the same line.
        let iter_follows = !self.at(TokenKind::LBrace)
            && !self.at_line_start()
            && can_start_expression(self.kind());
        let iter = if self.expect(TokenKind::In) || iter_follows {
            self.head_expr()
        } else {
            let span = self.empty_span_here();
            self.mk_expr(ExprKind::Error, span)
        };
        let body = self.block();
        let span = self.span_from(start);
        let kind = ExprKind::For {
            pat,
            iter: Box::new(iter),
            body,
        };
        self.mk_expr(kind, span)
    }

    fn match_expr(&mut self) -> Expr {
        let start = self.start();
        self.bump();
        let scrutinee = self.head_expr();
        let mut arms = Vec::new();
        if self.at(TokenKind::LBrace) {
            let open = self.bump().span;
            self.match_arms(&mut arms);
            self.expect_closing(TokenKind::RBrace, open);
        } else {
            self.error_expected("`{`");
        }
        let span = self.span_from(start);
        let kind = ExprKind::Match {
            scrutinee: Box::new(scrutinee),
            arms,
        };
        self.mk_expr(kind, span)
    }

    fn match_arms(&mut self, arms: &mut Vec<MatchArm>) {
        loop {
            match self.kind() {
                TokenKind::RBrace | TokenKind::Eof => return,
                TokenKind::RParen | TokenKind::RBracket => {
                    self.report_unexpected_closer();
                    self.bump();
                    continue;
                }
                _ => {}
            }
            let before = self.pos;
            if let Some(arm) = self.match_arm() {
                arms.push(arm);
            }
            if self.pos == before {
                self.recover_to_arm_end();
            }
        }
    }

    /// `pat [if guard] => body [,]`. The comma may be left out after a block-like body
    /// or when the next arm starts on a new line.
    fn match_arm(&mut self) -> Option<MatchArm> {
        let start = self.start();
        let before = (self.pos, self.id_marks());
        let pat = self.pat_top();
        if self.pos == before.0 {
            self.drop_nodes_since(before.1);
            return None;
        }
        let guard = self.eat(TokenKind::If).then(|| self.expr());
        let body = if self.expect(TokenKind::FatArrow) {
            let r = Restrictions {
                match_arm: true,
                ..Restrictions::STATEMENT
            };
            self.statement_expr(r)
        } else {
            let span = self.empty_span_here();
            self.mk_expr(ExprKind::Error, span)
        };
        let span = self.span_from(start);
        let ended = self.eat(TokenKind::Comma)
            || self.at(TokenKind::RBrace)
            || self.at_eof()
            || self.at_line_start()
            || is_block_like(&body.kind);
        if !ended {
            self.error_expected("`,` or `}`");
            self.recover_to_arm_end();
        }
        Some(MatchArm {
            pat,
            guard,
            body,
            span,
        })
    }

    /// Skips a broken arm: to a `,` (consumed), a new line, or the closing `}`.
    fn recover_to_arm_end(&mut self) {
        let mut first = true;
        loop {
            let kind = self.kind();
            if kind == TokenKind::Eof || super::is_closer(kind) {
                return;
            }
            if kind == TokenKind::Comma {
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

fn diag_chained_comparison(span: Span) -> dast_base::Diagnostic {
    dast_base::Diagnostic::error(
        errors::CHAINED_COMPARISON,
        "comparison operators cannot be chained",
        span,
    )
    .with_label("second comparison")
    .with_help("split the comparison with `&&`, as in `a < b && b < c`")
}
