//! Blocks and statements. Semicolons are optional: a statement also ends at a newline
//! (see `Restrictions::newline_ends`) or after a block-like expression.

use dast_base::Diagnostic;

use super::expressions::is_block_like;
use super::{Parser, Restrictions};
use crate::ast::{Block, Expr, Stmt, StmtKind};
use crate::errors;
use crate::token::TokenKind;

impl Parser<'_> {
    /// `{ stmts [tail] }`. Reports a missing `{` and returns an empty block then.
    pub(super) fn block(&mut self) -> Block {
        if !self.at(TokenKind::LBrace) {
            self.error_expected("`{`");
            let span = self.empty_span_here();
            return Block {
                stmts: Vec::new(),
                tail: None,
                span,
            };
        }
        let start = self.start();
        if !self.enter() {
            let span = self.span_from(start);
            return Block {
                stmts: Vec::new(),
                tail: None,
                span,
            };
        }
        let open = self.bump().span;
        let mut stmts = Vec::new();
        loop {
            match self.kind() {
                TokenKind::RBrace | TokenKind::Eof => break,
                TokenKind::Semi => {
                    self.bump();
                    continue;
                }
                TokenKind::RParen | TokenKind::RBracket => {
                    self.report_unexpected_closer();
                    self.bump();
                    continue;
                }
                _ => {}
            }
            let before = self.pos;
            if let Some(stmt) = self.statement() {
                stmts.push(stmt);
            }
            if self.pos == before {
                self.recover_to_statement_end();
            }
        }
        self.expect_closing(TokenKind::RBrace, open);
        self.leave();
        let tail = take_tail(&mut stmts);
        Block {
            stmts,
            tail,
            span: self.span_from(start),
        }
    }

    /// One statement, or `None` when nothing could be parsed (already reported; the
    /// caller skips ahead).
    fn statement(&mut self) -> Option<Stmt> {
        let start = self.start();
        if self.at(TokenKind::At) || self.at_item_start() {
            if let Some(item) = self.item_in_block() {
                let span = self.span_from(start);
                let kind = StmtKind::Item(Box::new(item));
                return Some(Stmt { kind, span });
            }
            // Attributes without an item: reported; parse what follows as a statement.
        }
        if self.at(TokenKind::Let) {
            return Some(self.let_statement());
        }
        let before = (self.pos, self.id_marks());
        let expr = self.statement_expr(Restrictions::STATEMENT);
        if self.pos == before.0 {
            self.drop_nodes_since(before.1);
            return None;
        }
        let semi = self.eat(TokenKind::Semi);
        if !semi && !is_block_like(&expr.kind) {
            self.expect_statement_end(None);
        }
        let span = self.span_from(start);
        let kind = StmtKind::Expr { expr, semi };
        Some(Stmt { kind, span })
    }

    /// `let pat [: T] [= init]`.
    fn let_statement(&mut self) -> Stmt {
        let start = self.start();
        self.bump();
        let pat = self.pat_top();
        let ty = self.eat(TokenKind::Colon).then(|| self.ty());
        let init = self
            .eat(TokenKind::Eq)
            .then(|| self.statement_expr(Restrictions::STATEMENT));
        if !self.eat(TokenKind::Semi) {
            let wanted = if init.is_none() { Some("`=`") } else { None };
            self.expect_statement_end(wanted);
        }
        let span = self.span_from(start);
        let kind = StmtKind::Let { pat, ty, init };
        Stmt { kind, span }
    }

    /// After a statement without `;`: the next one must start on a new line (or the
    /// block must end). Reports "expected `;` or a newline" otherwise; parsing goes on
    /// from the offending token, which often starts the next statement.
    pub(super) fn expect_statement_end(&mut self, also_expected: Option<&str>) {
        let kind = self.kind();
        if kind == TokenKind::Eof || super::is_closer(kind) || self.at_line_start() {
            return;
        }
        let what = match also_expected {
            Some(other) => format!("{other}, `;` or a newline"),
            None => "`;` or a newline".to_string(),
        };
        let found = self.describe_current();
        let span = self.current_span();
        let diag = Diagnostic::error(
            errors::MISSING_SEPARATOR,
            format!("expected {what}, found {found}"),
            span,
        )
        .with_label(format!("expected {what}"))
        .with_help("put statements on separate lines or separate them with `;`");
        self.error(diag);
    }
}

/// The last expression statement without `;` is the block's value.
fn take_tail(stmts: &mut Vec<Stmt>) -> Option<Box<Expr>> {
    let is_tail = matches!(
        stmts.last(),
        Some(Stmt {
            kind: StmtKind::Expr { semi: false, .. },
            ..
        })
    );
    if !is_tail {
        return None;
    }
    match stmts.pop().map(|s| s.kind) {
        Some(StmtKind::Expr { expr, .. }) => Some(Box::new(expr)),
        _ => None,
    }
}
