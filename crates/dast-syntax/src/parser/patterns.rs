//! Patterns of `let`, `match`, `if let`, `while let` and `for`.
//!
//! A negative integer bound (`-1`) is stored as `Lit::Int` holding the two's complement
//! of the magnitude (`value = 1u128.wrapping_neg()`), so `value as i128` gives back the
//! signed number; negative floats are stored negated.

use dast_base::Diagnostic;

use super::Parser;
use crate::ast::{FieldPat, Ident, Lit, Pat, PatKind};
use crate::errors;
use crate::token::TokenKind;

/// Tokens that end a pattern list even when its closer is missing.
const PATTERN_LIST_STOPS: &[TokenKind] = &[
    TokenKind::Eq,
    TokenKind::LBrace,
    TokenKind::In,
    TokenKind::If,
];

fn starts_literal(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::Int
            | TokenKind::Float
            | TokenKind::Str
            | TokenKind::Char
            | TokenKind::True
            | TokenKind::False
            | TokenKind::Minus
    )
}

impl Parser<'_> {
    /// A pattern with alternatives: `a | b`, with an optional leading `|`.
    pub(super) fn pat_top(&mut self) -> Pat {
        let start = self.start();
        let leading_pipe = self.eat(TokenKind::Pipe);
        let first = self.pat();
        if !self.at(TokenKind::Pipe) {
            if leading_pipe {
                let span = self.span_from(start);
                return Pat { span, ..first };
            }
            return first;
        }
        let mut alternatives = vec![first];
        while self.eat(TokenKind::Pipe) {
            alternatives.push(self.pat());
        }
        let span = self.span_from(start);
        self.mk_pat(PatKind::Or(alternatives), span)
    }

    /// A pattern without top-level alternatives.
    pub(super) fn pat(&mut self) -> Pat {
        if !self.enter() {
            let span = self.empty_span_here();
            return self.mk_pat(PatKind::Error, span);
        }
        let pat = self.pat_inner();
        self.leave();
        pat
    }

    fn pat_inner(&mut self) -> Pat {
        let start = self.start();
        match self.kind() {
            TokenKind::Underscore => {
                let token = self.bump();
                self.mk_pat(PatKind::Wild, token.span)
            }
            TokenKind::Amp | TokenKind::AmpAmp => {
                let double = self.bump().kind == TokenKind::AmpAmp;
                let inner = self.pat();
                let span = self.span_from(start);
                let pat = self.mk_pat(PatKind::Ref(Box::new(inner)), span);
                if !double {
                    return pat;
                }
                self.mk_pat(PatKind::Ref(Box::new(pat)), span)
            }
            TokenKind::Mut => {
                self.bump();
                let Some(name) = self.expect_ident("a name after `mut`") else {
                    let span = self.span_from(start);
                    return self.mk_pat(PatKind::Error, span);
                };
                if self.at(TokenKind::At) {
                    return self.at_pat(start, name, true);
                }
                let span = self.span_from(start);
                self.mk_pat(
                    PatKind::Bind {
                        name,
                        mutable: true,
                    },
                    span,
                )
            }
            TokenKind::LParen => self.tuple_pat(),
            kind if starts_literal(kind) => self.literal_or_range_pat(),
            TokenKind::DotDot | TokenKind::DotDotEq => {
                // `..=5`: a range open at the start.
                let inclusive = self.bump().kind == TokenKind::DotDotEq;
                let end = self.range_bound();
                let span = self.span_from(start);
                let kind = PatKind::Range {
                    start: None,
                    end,
                    inclusive,
                };
                self.mk_pat(kind, span)
            }
            TokenKind::Dot => {
                self.bump();
                match self.expect_ident("a variant name after `.`") {
                    Some(name) => self.path_pat_rest(start, vec![name], true),
                    None => {
                        let span = self.span_from(start);
                        self.mk_pat(PatKind::Error, span)
                    }
                }
            }
            TokenKind::Ident | TokenKind::SelfType => self.path_or_binding_pat(),
            _ => {
                self.error_expected_with(errors::EXPECTED_PATTERN, "a pattern", None);
                let span = self.empty_span_here();
                self.mk_pat(PatKind::Error, span)
            }
        }
    }

    /// `()`, `(p)` (just `p`), `(a, b)`, `(a,)`.
    fn tuple_pat(&mut self) -> Pat {
        let start = self.start();
        let open = self.bump().span;
        if self.eat(TokenKind::RParen) {
            let span = self.span_from(start);
            return self.mk_pat(PatKind::Tuple(Vec::new()), span);
        }
        let first = self.pat_top();
        if self.eat(TokenKind::RParen) {
            let span = self.span_from(start);
            return Pat { span, ..first };
        }
        let (mut elems, any_comma) = self.list_rest(
            open,
            TokenKind::RParen,
            PATTERN_LIST_STOPS,
            false,
            vec![first],
            |p| Some(p.pat_top()),
        );
        let span = self.span_from(start);
        if elems.len() == 1 && !any_comma {
            let only = elems.pop().expect("one element");
            return Pat { span, ..only };
        }
        self.mk_pat(PatKind::Tuple(elems), span)
    }

    /// `x`, `E.A`, `Option.None`, `Some(x)`, `E.B(x, _)`, `Point { x, .. }`.
    fn path_or_binding_pat(&mut self) -> Pat {
        let start = self.start();
        let first = self.bump();
        let mut segments = vec![self.ident_from(&first)];
        while self.at(TokenKind::Dot) && self.nth_kind(1) == TokenKind::Ident {
            self.bump();
            let token = self.bump();
            segments.push(self.ident_from(&token));
        }
        // A lowercase name before `{` is a binding followed by a body (`for x {` with a
        // missing `in`), not a struct pattern: struct and variant names are capitalised.
        let lowercase = self
            .token_text(&first)
            .starts_with(|c: char| !c.is_uppercase());
        let struct_follows = self.at(TokenKind::LBrace) && !lowercase;
        if let Some(lit) = self.int_limit(&segments) {
            return self.range_pat_from(start, lit);
        }
        if matches!(self.kind(), TokenKind::DotDot | TokenKind::DotDotEq) {
            // `MIN..=5`: reported, and the whole range skipped.
            let span = self.span_from(start);
            self.report_non_literal_bound(span);
            self.bump();
            if starts_literal(self.kind()) || self.at(TokenKind::Ident) {
                let _ = self.range_bound();
            }
            let span = self.span_from(start);
            return self.mk_pat(PatKind::Error, span);
        }
        if segments.len() == 1
            && first.kind == TokenKind::Ident
            && !self.at(TokenKind::LParen)
            && !struct_follows
        {
            let name = segments.pop().expect("one segment");
            if self.at(TokenKind::At) {
                return self.at_pat(start, name, false);
            }
            return self.mk_pat(
                PatKind::Bind {
                    name,
                    mutable: false,
                },
                first.span,
            );
        }
        self.path_pat_rest(start, segments, false)
    }

    /// `name @ pat` (the name already read, at `@`).
    fn at_pat(&mut self, start: u32, name: Ident, mutable: bool) -> Pat {
        self.bump();
        let inner = self.pat();
        let span = self.span_from(start);
        let kind = PatKind::At {
            name,
            mutable,
            pat: Box::new(inner),
        };
        self.mk_pat(kind, span)
    }

    /// After a path: `(elems)`, `{ fields }`, or nothing (a unit variant or constant).
    fn path_pat_rest(&mut self, start: u32, segments: Vec<Ident>, inferred: bool) -> Pat {
        let kind = match self.kind() {
            TokenKind::LParen => {
                let open = self.bump().span;
                let (elems, _) = self.list_rest(
                    open,
                    TokenKind::RParen,
                    PATTERN_LIST_STOPS,
                    false,
                    Vec::new(),
                    |p| Some(p.pat_top()),
                );
                PatKind::TupleStruct {
                    segments,
                    inferred,
                    elems,
                }
            }
            TokenKind::LBrace => {
                let open = self.bump().span;
                let mut has_rest = false;
                let (fields, _) =
                    self.list_rest(open, TokenKind::RBrace, &[], true, Vec::new(), |p| {
                        p.field_pat(&mut has_rest)
                    });
                PatKind::Struct {
                    segments,
                    inferred,
                    fields,
                    has_rest,
                }
            }
            _ => PatKind::Path { segments, inferred },
        };
        let span = self.span_from(start);
        self.mk_pat(kind, span)
    }

    /// `x`, `mut x`, `x: pat`, or `..` (sets `has_rest`) in a struct pattern.
    fn field_pat(&mut self, has_rest: &mut bool) -> Option<FieldPat> {
        if self.eat(TokenKind::DotDot) {
            *has_rest = true;
            return None;
        }
        let start = self.start();
        let mutable = self.eat(TokenKind::Mut);
        let name = self.expect_ident("a field name")?;
        let pat = if !mutable && self.eat(TokenKind::Colon) {
            self.pat_top()
        } else {
            let span = self.span_from(start);
            let kind = PatKind::Bind {
                name: name.clone(),
                mutable,
            };
            self.mk_pat(kind, span)
        };
        let span = self.span_from(start);
        Some(FieldPat { name, pat, span })
    }

    /// `i32.MIN`, `u8.MAX`, ... as a literal (a range bound, as in Rust's
    /// `i32::MIN..=-1`).
    fn int_limit(&self, segments: &[Ident]) -> Option<Lit> {
        let [ty, item] = segments else { return None };
        let bits: u32 = match ty.name.as_str() {
            "i8" | "u8" => 8,
            "i16" | "u16" => 16,
            "i32" | "u32" => 32,
            "i64" | "u64" | "isize" | "usize" => 64,
            _ => return None,
        };
        let signed = ty.name.starts_with('i');
        let value: u128 = match (item.name.as_str(), signed) {
            ("MAX", true) => (1u128 << (bits - 1)) - 1,
            ("MAX", false) => (1u128 << bits) - 1,
            ("MIN", true) => (1u128 << (bits - 1)).wrapping_neg(),
            ("MIN", false) => 0,
            _ => return None,
        };
        Some(Lit::Int {
            value,
            suffix: None,
        })
    }

    /// `42`, `-1`, `"s"`, `'a'`, `true`, and ranges `1..=5`, `'a'..='z'`, `0..10`, `5..`.
    fn literal_or_range_pat(&mut self) -> Pat {
        let start = self.start();
        let Some(lit) = self.literal_bound() else {
            let span = self.span_from(start);
            return self.mk_pat(PatKind::Error, span);
        };
        self.range_pat_from(start, lit)
    }

    /// After a literal (or an integer type's `MIN`/`MAX`): the literal, or a range.
    fn range_pat_from(&mut self, start: u32, lit: Lit) -> Pat {
        if !matches!(self.kind(), TokenKind::DotDot | TokenKind::DotDotEq) {
            let span = self.span_from(start);
            return self.mk_pat(PatKind::Lit(lit), span);
        }
        let inclusive = self.bump().kind == TokenKind::DotDotEq;
        let end = if inclusive || starts_literal(self.kind()) || self.at(TokenKind::Ident) {
            self.range_bound()
        } else {
            None
        };
        let span = self.span_from(start);
        let kind = PatKind::Range {
            start: Some(lit),
            end,
            inclusive,
        };
        self.mk_pat(kind, span)
    }

    /// The end bound of a range pattern: a literal (reported if something else).
    fn range_bound(&mut self) -> Option<Lit> {
        if starts_literal(self.kind()) {
            return self.literal_bound();
        }
        if matches!(self.kind(), TokenKind::Ident | TokenKind::SelfType) {
            let start = self.start();
            let first = self.bump();
            let mut segments = vec![self.ident_from(&first)];
            while self.at(TokenKind::Dot) && self.nth_kind(1) == TokenKind::Ident {
                self.bump();
                let token = self.bump();
                segments.push(self.ident_from(&token));
            }
            if let Some(lit) = self.int_limit(&segments) {
                return Some(lit);
            }
            let span = self.span_from(start);
            self.report_non_literal_bound(span);
            return None;
        }
        self.error_expected_with(errors::EXPECTED_PATTERN, "a literal", None);
        None
    }

    fn report_non_literal_bound(&mut self, span: dast_base::Span) {
        let diag = Diagnostic::error(
            errors::RANGE_PATTERN_BOUND,
            "range pattern bounds must be literals",
            span,
        )
        .with_label("not a literal")
        .with_help("write the bound as a number or character, as in `0..=9`");
        self.error(diag);
    }

    /// A literal, possibly negative (see the module docs for the encoding).
    fn literal_bound(&mut self) -> Option<Lit> {
        let negative = self.eat(TokenKind::Minus);
        let token = self.peek().clone();
        let lit = match (token.kind, negative) {
            (TokenKind::True, false) => Lit::Bool(true),
            (TokenKind::False, false) => Lit::Bool(false),
            (TokenKind::Int | TokenKind::Float, _) | (TokenKind::Str | TokenKind::Char, false) => {
                token.lit.clone().unwrap_or(Lit::Int {
                    value: 0,
                    suffix: None,
                })
            }
            _ => {
                self.error_expected_with(errors::EXPECTED_PATTERN, "a number after `-`", None);
                return None;
            }
        };
        self.bump();
        Some(if negative { negate(lit) } else { lit })
    }
}

fn negate(lit: Lit) -> Lit {
    match lit {
        Lit::Int { value, suffix } => Lit::Int {
            value: value.wrapping_neg(),
            suffix,
        },
        Lit::Float { value, suffix } => Lit::Float {
            value: -value,
            suffix,
        },
        other => other,
    }
}
