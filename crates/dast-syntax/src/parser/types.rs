//! Types: paths with `[args]`, tuples, references, slices, raw pointers, `dyn Trait`, `!`.

use dast_base::{Diagnostic, Span};

use super::Parser;
use crate::ast::{Ident, Type, TypeKind};
use crate::errors;
use crate::token::TokenKind;

/// Tokens that end a list of types even when its closer is missing (`{` of a body).
pub(super) const TYPE_LIST_STOPS: &[TokenKind] = &[TokenKind::LBrace, TokenKind::Eq];

pub(super) fn can_start_type(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::Ident
            | TokenKind::SelfType
            | TokenKind::Amp
            | TokenKind::AmpAmp
            | TokenKind::Star
            | TokenKind::Dyn
            | TokenKind::Bang
            | TokenKind::LParen
    )
}

impl Parser<'_> {
    /// A type; reports "expected a type" and returns `TypeKind::Error` (consuming
    /// nothing) when there is none.
    pub(super) fn ty(&mut self) -> Type {
        if !self.enter() {
            return self.error_type();
        }
        let ty = self.ty_inner();
        self.leave();
        ty
    }

    fn ty_inner(&mut self) -> Type {
        let start = self.start();
        match self.kind() {
            TokenKind::Impl => self.impl_trait_type(),
            TokenKind::Ident | TokenKind::SelfType => self.path_type(),
            TokenKind::Amp | TokenKind::AmpAmp => self.reference_type(),
            TokenKind::Star => {
                self.bump();
                let mutable = match self.kind() {
                    TokenKind::Mut => true,
                    TokenKind::Const => false,
                    _ => {
                        self.error_expected("`const` or `mut`");
                        let inner = self.ty();
                        return self.finish_type(
                            start,
                            TypeKind::Ptr {
                                mutable: false,
                                inner: Box::new(inner),
                            },
                        );
                    }
                };
                self.bump();
                let inner = Box::new(self.ty());
                self.finish_type(start, TypeKind::Ptr { mutable, inner })
            }
            TokenKind::Dyn => {
                self.bump();
                let Some(first) = self.expect_ident("a trait name") else {
                    return self.error_type();
                };
                let mut path = vec![first];
                while self.at(TokenKind::Dot) && self.nth_kind(1) == TokenKind::Ident {
                    self.bump();
                    let token = self.bump();
                    path.push(self.ident_from(&token));
                }
                self.finish_type(start, TypeKind::Dyn(path))
            }
            TokenKind::Bang => {
                self.bump();
                self.finish_type(start, TypeKind::Never)
            }
            TokenKind::LParen => self.tuple_type(),
            TokenKind::LBracket => {
                self.error_expected_with(
                    errors::EXPECTED_TYPE,
                    "a type",
                    Some("a vector type is written `Vec[T]`, a borrowed one `&[T]`"),
                );
                self.skip_token_tree();
                Type {
                    kind: TypeKind::Error,
                    span: self.span_from(start),
                }
            }
            _ => {
                self.error_expected_with(errors::EXPECTED_TYPE, "a type", None);
                self.error_type()
            }
        }
    }

    fn finish_type(&mut self, start: u32, kind: TypeKind) -> Type {
        Type {
            kind,
            span: self.span_from(start),
        }
    }

    fn error_type(&mut self) -> Type {
        Type {
            kind: TypeKind::Error,
            span: self.empty_span_here(),
        }
    }

    /// `i32`, `Vec[u8]`, `other_module.Type`, `Self`.
    fn path_type(&mut self) -> Type {
        let start = self.start();
        let first = self.bump();
        let name = self
            .text
            .get(first.span.start as usize..first.span.end as usize)
            .unwrap_or("");
        if matches!(name, "Fn" | "FnMut" | "FnOnce") && self.at(TokenKind::LParen) {
            return self.fn_bound_type(start);
        }
        let mut segments = vec![self.ident_from(&first)];
        while matches!(self.kind(), TokenKind::Dot | TokenKind::ColonColon)
            && self.nth_kind(1) == TokenKind::Ident
        {
            if self.at(TokenKind::ColonColon) {
                self.report_colon_colon_path();
            }
            self.bump();
            let token = self.bump();
            segments.push(self.ident_from(&token));
        }
        let args = if self.at(TokenKind::LBracket) && !self.at_line_start() {
            let open = self.bump().span;
            self.list_rest(
                open,
                TokenKind::RBracket,
                TYPE_LIST_STOPS,
                false,
                Vec::new(),
                |p| Some(p.ty()),
            )
            .0
        } else if self.at(TokenKind::Lt) && !self.at_line_start() {
            self.angle_bracket_args(&segments)
        } else {
            Vec::new()
        };
        self.finish_type(start, TypeKind::Path { segments, args })
    }

    /// `impl Fn(i32) -> i32` / `impl Shape` as a parameter type: reported once with the
    /// Dast spelling (a named type parameter), read through, and left as an error type
    /// (which nothing reports again).
    fn impl_trait_type(&mut self) -> Type {
        let start = self.start();
        self.bump();
        let mut bounds = Vec::new();
        loop {
            bounds.push(self.ty());
            if !self.eat(TokenKind::Plus) {
                break;
            }
        }
        let span = self.span_from(start);
        // The bounds as written (`impl` is 4 bytes); empty when there are none.
        let shown = self
            .text
            .get(span.start as usize + 4..span.end as usize)
            .unwrap_or("");
        let diag = Diagnostic::error(
            errors::RUST_SYNTAX,
            "`impl Trait` types are written as a type parameter in Dast",
            span,
        )
        .with_label("`impl` in a type")
        .with_help(format!(
            "name a type parameter with this bound: `fn name[F: {}](f: F)`",
            shown.trim()
        ));
        self.error(diag);
        self.finish_type(start, TypeKind::Error)
    }

    /// `Fn(A, B) -> R` after its name.
    fn fn_bound_type(&mut self, start: u32) -> Type {
        let open = self.bump().span;
        let params = self
            .list_rest(
                open,
                TokenKind::RParen,
                TYPE_LIST_STOPS,
                false,
                Vec::new(),
                |p| Some(p.ty()),
            )
            .0;
        let ret = if self.eat(TokenKind::Arrow) {
            Some(Box::new(self.ty()))
        } else {
            None
        };
        self.finish_type(start, TypeKind::Fn { params, ret })
    }

    fn report_colon_colon_path(&mut self) {
        let span = self.current_span();
        let diag = Diagnostic::error(
            errors::RUST_SYNTAX,
            "paths are written with `.` in Dast, not `::`",
            span,
        )
        .with_label("use `.` here");
        self.error(diag);
    }

    /// `Vec<i32>` written the Rust way: reported, then read as `Vec[i32]`.
    fn angle_bracket_args(&mut self, segments: &[Ident]) -> Vec<Type> {
        let name = segments
            .last()
            .map_or("Vec", |s| s.name.as_str())
            .to_string();
        let span = self.current_span();
        let diag = Diagnostic::error(
            errors::RUST_SYNTAX,
            "type arguments are written with `[ ]` in Dast, not `< >`",
            span,
        )
        .with_label("use `[` here")
        .with_help(format!("write `{name}[T]`, not `{name}<T>`"));
        self.error(diag);
        self.bump();
        let mut args = Vec::new();
        loop {
            let before = self.pos;
            args.push(self.ty());
            if self.pos == before || !self.eat(TokenKind::Comma) {
                break;
            }
        }
        self.eat_closing_angle();
        args
    }

    /// Consumes `>`, or the first half of `>>` (as in `Vec<Vec<i32>>`).
    pub(super) fn eat_closing_angle(&mut self) {
        match self.kind() {
            TokenKind::Gt => {
                self.bump();
            }
            TokenKind::Shr => {
                let token = &mut self.tokens[self.pos];
                token.kind = TokenKind::Gt;
                token.span.start += 1;
                token.newline_before = false;
            }
            _ => self.error_expected("`>`"),
        }
    }

    /// `&T`, `&mut T`, `&[T]`, `&mut [T]`, `&str`; `&&T` is a reference to a reference.
    fn reference_type(&mut self) -> Type {
        let start = self.start();
        let double = self.bump().kind == TokenKind::AmpAmp;
        let mutable = self.eat(TokenKind::Mut);
        let kind = if self.at(TokenKind::LBracket) {
            let open = self.bump().span;
            let elem = self.ty();
            self.expect_closing(TokenKind::RBracket, open);
            TypeKind::Slice {
                mutable,
                elem: Box::new(elem),
            }
        } else {
            TypeKind::Ref {
                mutable,
                inner: Box::new(self.ty()),
            }
        };
        let span = self.span_from(start);
        let inner = Type {
            kind,
            span: Span::new(self.file, start + u32::from(double), span.end),
        };
        if !double {
            return inner;
        }
        Type {
            kind: TypeKind::Ref {
                mutable: false,
                inner: Box::new(inner),
            },
            span,
        }
    }

    /// `()`, `(T)` (just `T`), `(A, B)`, `(A,)`.
    fn tuple_type(&mut self) -> Type {
        let start = self.start();
        let open = self.bump().span;
        if self.eat(TokenKind::RParen) {
            return self.finish_type(start, TypeKind::Tuple(Vec::new()));
        }
        let first = self.ty();
        if self.eat(TokenKind::RParen) {
            return Type {
                kind: first.kind,
                span: self.span_from(start),
            };
        }
        let (mut elems, any_comma) = self.list_rest(
            open,
            TokenKind::RParen,
            TYPE_LIST_STOPS,
            false,
            vec![first],
            |p| Some(p.ty()),
        );
        if elems.len() == 1 && !any_comma {
            let only = elems.pop().expect("one element");
            return Type {
                kind: only.kind,
                span: self.span_from(start),
            };
        }
        self.finish_type(start, TypeKind::Tuple(elems))
    }
}
