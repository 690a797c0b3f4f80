//! Iterator chains: `v.iter().map(|x| x * 2).filter(|x| x > 3).sum()`. A chain is
//! checked into a *pipeline* (a source and its stages) and run by what consumes it
//! (a terminal method such as `sum`/`collect`, or a `for` loop) as **one loop** built
//! from ordinary checked IR: the source's loop, each stage a few statements in its
//! body (a closure call, a test and `continue`, a counter), the consumer's statement
//! last. Nothing is allocated between stages and each closure call is a direct call,
//! so a chain costs what the hand-written loop costs. A chain used as a value (stored
//! in a `let`, passed on) is collected into a `Vec` there (`ExprKind::Pipeline` never
//! reaches lowering).
//!
//! Sources: a `Vec` (`v`, `v.iter()`, `v.into_iter()`, `s.chars()`, `m.keys()`), a
//! range (`(0..n)`), a `HashMap` (its `(key, value)` pairs). Stages: `map`, `filter`,
//! `enumerate`, `take`, `skip`, `zip`, `rev`, `chain`. Terminals: `sum`, `product`,
//! `count`, `min`, `max`, `any`, `all`, `find`, `position`, `fold`, `for_each`,
//! `last`, `collect` (into a `Vec`, a `HashMap` from pairs, or a `String` from chars
//! or strings).

use dast_base::{Diagnostic, Span};
use dast_syntax::ast;

use crate::check::FnCx;
use crate::errors;
use crate::generics::CallSig;
use crate::tir::{
    BinOp, Block, Builtin, Expr, ExprKind, LocalId, MutBuiltin, Pat, PatKind, Place, PlaceRoot,
    Stmt, UnOp,
};
use crate::ty::{IntTy, Ty};

/// Where a pipeline's items come from.
#[derive(Clone, Debug)]
pub enum Source {
    Vec(Expr),
    Range {
        start: Box<Expr>,
        end: Box<Expr>,
        inclusive: bool,
        reverse: bool,
    },
    Map(Expr),
}

/// One step between the source and the consumer.
#[derive(Clone, Debug)]
pub enum Stage {
    /// The closure value (called with the item, its result is the new item).
    Map(Expr),
    Filter(Expr),
    /// The closure gives an `Option`: `None`s are dropped, `Some`s unwrapped.
    FilterMap(Expr),
    Enumerate,
    Take(Expr),
    Skip(Expr),
    /// Items paired with those of another sequence (collected first), up to the
    /// shorter one.
    Zip(Expr),
    /// An item computed by checked IR the library writes (`param` holds the item).
    Inline {
        param: LocalId,
        value: Expr,
    },
}

#[derive(Clone, Debug)]
pub struct Pipeline {
    pub source: Source,
    pub stages: Vec<Stage>,
    /// The type of the items the last stage gives.
    pub item: Ty,
    pub span: Span,
}

/// The methods that make or extend a pipeline.
const STAGES: &[&str] = &[
    "map",
    "filter",
    "filter_map",
    "enumerate",
    "take",
    "skip",
    "zip",
    "rev",
    "chain",
    "iter",
    "into_iter",
];

/// The methods that run one.
const TERMINALS: &[&str] = &[
    "sum",
    "product",
    "count",
    "min",
    "max",
    "min_by_key",
    "max_by_key",
    "any",
    "all",
    "find",
    "position",
    "fold",
    "for_each",
    "last",
    "collect",
];

/// Every iterator method, for "did you mean" hints.
pub fn method_names() -> impl Iterator<Item = &'static str> {
    STAGES.iter().chain(TERMINALS).copied()
}

pub fn is_iter_method(name: &str) -> bool {
    STAGES.contains(&name) || TERMINALS.contains(&name)
}

/// Whether `e` is written as an iterator chain (a stage call or a range), whose value
/// must not be collected before the next method runs it.
pub fn is_chain(e: &ast::Expr) -> bool {
    match &e.kind {
        ast::ExprKind::Paren(inner) => is_chain(inner),
        ast::ExprKind::Range { .. } => true,
        ast::ExprKind::Call { callee, .. } => match &callee.kind {
            ast::ExprKind::Field { name, .. } => STAGES.contains(&name.name.as_str()),
            _ => false,
        },
        _ => false,
    }
}

/// What runs a pipeline.
enum Consumer<'x> {
    /// A terminal method, with its (unchecked) arguments.
    Method(&'x ast::Ident, &'x [ast::Expr]),
}

impl<'e, 'a> FnCx<'e, 'a> {
    /// `base.name(args)` where `name` is an iterator method: extends the pipeline of
    /// `base`, or runs it. `None` when `base` is no sequence (the caller goes on with
    /// ordinary methods, as `Option.map`); the receiver, checked, is handed back then.
    pub(crate) fn check_iter_call(
        &mut self,
        base: &ast::Expr,
        name: &ast::Ident,
        args: &[ast::Expr],
        expected: Option<&Ty>,
        span: Span,
    ) -> Result<Expr, Box<Expr>> {
        let pipe = self.pipeline_of(base)?;
        Ok(self.extend_or_run(pipe, name, args, expected, span))
    }

    /// The pipeline `e` denotes: a chain (checked without collecting it), a range, or a
    /// value of a sequence type; otherwise the checked value, as `Err`.
    pub(crate) fn pipeline_of(&mut self, e: &ast::Expr) -> Result<Pipeline, Box<Expr>> {
        match &e.kind {
            ast::ExprKind::Paren(inner) => return self.pipeline_of(inner),
            ast::ExprKind::Range {
                start: Some(s),
                end: Some(en),
                inclusive,
            } => {
                let elem = self.infer.fresh(crate::ty::VarKind::Int);
                let start = self.check_expr(s, Some(&elem));
                let end = self.check_expr(en, Some(&elem));
                return Ok(Pipeline {
                    source: Source::Range {
                        start: Box::new(start),
                        end: Box::new(end),
                        inclusive: *inclusive,
                        reverse: false,
                    },
                    stages: Vec::new(),
                    item: elem,
                    span: e.span,
                });
            }
            ast::ExprKind::Call { callee, args } => {
                if let ast::ExprKind::Field { base, name } = &callee.kind {
                    if STAGES.contains(&name.name.as_str()) {
                        let inner = self.pipeline_of(base)?;
                        let out = self.extend_or_run(inner, name, args, None, e.span);
                        return match out.kind {
                            ExprKind::Pipeline(p) => Ok(*p),
                            _ => Err(Box::new(out)),
                        };
                    }
                }
            }
            _ => {}
        }
        let v = self.check_expr(e, None);
        self.pipeline_from_value(v)
    }

    pub(crate) fn pipeline_from_value(&mut self, v: Expr) -> Result<Pipeline, Box<Expr>> {
        let span = v.span;
        match self.infer.shallow(&v.ty) {
            Ty::Vec(t) => Ok(Pipeline {
                source: Source::Vec(v),
                stages: Vec::new(),
                item: *t,
                span,
            }),
            Ty::Map(k, val) => Ok(Pipeline {
                source: Source::Map(v),
                stages: Vec::new(),
                item: Ty::Tuple(vec![*k, *val]),
                span,
            }),
            _ => Err(Box::new(v)),
        }
    }

    pub(crate) fn extend_or_run(
        &mut self,
        mut pipe: Pipeline,
        name: &ast::Ident,
        args: &[ast::Expr],
        expected: Option<&Ty>,
        span: Span,
    ) -> Expr {
        let n = name.name.as_str();
        if TERMINALS.contains(&n) {
            return self.run_pipeline(pipe, Consumer::Method(name, args), expected, span);
        }
        let want = match n {
            "map" | "filter" | "filter_map" | "take" | "skip" | "zip" | "chain" => 1,
            _ => 0,
        };
        if !self.check_arg_count(n, want, args, span) {
            return Self::err_expr(span);
        }
        match n {
            "iter" | "into_iter" => {}
            "map" => {
                let f = self.check_closure_arg(&args[0], vec![pipe.item.clone()], None);
                if let Some((f, sig)) = f {
                    pipe.item = sig.ret;
                    pipe.stages.push(Stage::Map(f));
                } else {
                    pipe.item = Ty::Error;
                }
            }
            "filter_map" => {
                let out = Ty::Option(Box::new(self.fresh()));
                match self.check_closure_arg(&args[0], vec![pipe.item.clone()], Some(out)) {
                    Some((f, sig)) => {
                        pipe.item = match self.infer.shallow(&sig.ret) {
                            Ty::Option(t) => *t,
                            _ => Ty::Error,
                        };
                        pipe.stages.push(Stage::FilterMap(f));
                    }
                    None => pipe.item = Ty::Error,
                }
            }
            "filter" => {
                if let Some((f, _)) =
                    self.check_closure_arg(&args[0], vec![pipe.item.clone()], Some(Ty::Bool))
                {
                    pipe.stages.push(Stage::Filter(f));
                }
            }
            "enumerate" => {
                pipe.item = Ty::Tuple(vec![Ty::Int(IntTy::Usize), pipe.item.clone()]);
                pipe.stages.push(Stage::Enumerate);
            }
            "take" | "skip" => {
                let count = self.check_expr(&args[0], Some(&Ty::Int(IntTy::Usize)));
                pipe.stages.push(if n == "take" {
                    Stage::Take(count)
                } else {
                    Stage::Skip(count)
                });
            }
            "zip" => {
                let other = self.collected_arg(&args[0]);
                let other_item = match self.infer.shallow(&other.ty) {
                    Ty::Vec(t) => *t,
                    _ => Ty::Error,
                };
                pipe.item = Ty::Tuple(vec![pipe.item.clone(), other_item]);
                pipe.stages.push(Stage::Zip(other));
            }
            "chain" => {
                // The two sequences, one after the other: both collected, then joined.
                let first = self.collect_vec(pipe, span);
                let second = self.collected_arg(&args[0]);
                self.expect_ty(&first.ty, &second.ty, args[0].span);
                return self.joined(first, second, span);
            }
            "rev" => return self.reversed(pipe, span),
            _ => unreachable!("STAGES lists the stages"),
        }
        let ty = Ty::Vec(Box::new(pipe.item.clone()));
        Self::mk(ExprKind::Pipeline(Box::new(pipe)), ty, span)
    }

    /// `rev()`: a range counts down; anything else is collected, then reversed.
    fn reversed(&mut self, mut pipe: Pipeline, span: Span) -> Expr {
        if pipe.stages.is_empty() {
            if let Source::Range { reverse, .. } = &mut pipe.source {
                *reverse = !*reverse;
                let ty = Ty::Vec(Box::new(pipe.item.clone()));
                return Self::mk(ExprKind::Pipeline(Box::new(pipe)), ty, span);
            }
        }
        let item = pipe.item.clone();
        let v = self.collect_vec(pipe, span);
        self.changed_source(v, MutBuiltin::VecReverse, Vec::new(), item, span)
    }

    /// A new `Vec` source: `v` in a local, changed in place by `op(args)` (reversed,
    /// extended), then iterated.
    fn changed_source(
        &mut self,
        v: Expr,
        op: MutBuiltin,
        args: Vec<Expr>,
        item: Ty,
        span: Span,
    ) -> Expr {
        let ty = v.ty.clone();
        let l = self.hidden_local(ty.clone(), span);
        let change = Self::mk(
            ExprKind::MutBuiltin {
                op,
                place: self.local_place(l),
                args,
            },
            Ty::unit(),
            span,
        );
        let block = Block {
            stmts: vec![self.let_local(l, v), Stmt::Expr(change)],
            tail: Some(Box::new(self.read(l, span))),
        };
        let src = Self::mk(ExprKind::Block(block), ty.clone(), span);
        let pipe = Pipeline {
            source: Source::Vec(src),
            stages: Vec::new(),
            item,
            span,
        };
        Self::mk(ExprKind::Pipeline(Box::new(pipe)), ty, span)
    }

    /// `a.chain(b)`: `a`'s items then `b`'s, as a new `Vec` source.
    fn joined(&mut self, first: Expr, second: Expr, span: Span) -> Expr {
        let ty = first.ty.clone();
        let item = match self.infer.shallow(&ty) {
            Ty::Vec(t) => *t,
            _ => Ty::Error,
        };
        self.changed_source(first, MutBuiltin::VecExtend, vec![second], item, span)
    }

    /// An argument that is a sequence (`zip(other)`), collected into a `Vec`.
    fn collected_arg(&mut self, a: &ast::Expr) -> Expr {
        match self.pipeline_of(a) {
            Ok(p) => {
                let span = p.span;
                self.collect_vec(p, span)
            }
            Err(v) => {
                if !v.ty.is_error() {
                    let shown = self.show(&v.ty);
                    self.error(
                        Diagnostic::error(
                            errors::NOT_ITERABLE,
                            format!("`{shown}` is not iterable"),
                            a.span,
                        )
                        .with_label("expected a `Vec`, a range, a `HashMap` or an iterator"),
                    );
                }
                Self::err_expr(a.span)
            }
        }
    }

    /// A closure argument called with `params` (returning `ret` when given), checked
    /// against that signature; its value and signature.
    pub(crate) fn check_closure_arg(
        &mut self,
        a: &ast::Expr,
        params: Vec<Ty>,
        ret: Option<Ty>,
    ) -> Option<(Expr, CallSig)> {
        let want = CallSig {
            params,
            ret: ret.unwrap_or_else(|| self.fresh()),
        };
        let slot = self.fresh();
        self.call_hints.push((slot.clone(), want.clone()));
        let f = self.check_expr(a, Some(&slot));
        let found = match self.infer.shallow(&f.ty) {
            Ty::Closure(id) => self.closure_sig(id)?,
            Ty::Error => return None,
            Ty::Param(p) => self.param_calls.get(p.index as usize).cloned().flatten()?,
            _ => {
                let shown = self.show(&f.ty);
                let expect = self.show_call(&want);
                self.error(
                    Diagnostic::error(errors::MISMATCHED_TYPES, "mismatched types", a.span)
                        .with_label(format!("expected a closure `{expect}`, found `{shown}`"))
                        .with_help("pass a closure, as in `|x| x * 2`"),
                );
                return None;
            }
        };
        let ok = found.params.len() == want.params.len()
            && found
                .params
                .iter()
                .zip(&want.params)
                .all(|(f, w)| self.infer.unify(f, w))
            && self.infer.unify(&found.ret, &want.ret);
        if !ok {
            let (e, g) = (self.show_call(&want), self.show_call(&found));
            self.error(
                Diagnostic::error(
                    errors::BOUND_NOT_SATISFIED,
                    format!("expected a closure `{e}`, found a closure `{g}`"),
                    a.span,
                )
                .with_label(format!("this closure must be `{e}`")),
            );
            return None;
        }
        Some((f, found))
    }

    /// A pipeline's items collected into a `Vec`.
    pub(crate) fn collect_vec(&mut self, pipe: Pipeline, span: Span) -> Expr {
        let item = pipe.item.clone();
        let vec_ty = Ty::Vec(Box::new(item));
        let out = self.hidden_local(vec_ty.clone(), span);
        let init = self.new_vec(&vec_ty, span);
        let pre = vec![self.let_local(out, init)];
        let place = self.local_place(out);
        self.fused_loop(pipe, pre, out, span, move |cx, item| {
            vec![Stmt::Expr(cx.push(place.clone(), item))]
        })
    }

    /// Runs a pipeline as one loop: `pre` statements, then the source's loop with the
    /// stages and `consume(item)` in its body; the block's value is local `result`.
    fn fused_loop(
        &mut self,
        pipe: Pipeline,
        mut pre: Vec<Stmt>,
        result: LocalId,
        span: Span,
        consume: impl FnOnce(&mut Self, Expr) -> Vec<Stmt>,
    ) -> Expr {
        let loop_expr = self.pipeline_loop(pipe, &mut pre, span, consume);
        pre.push(Stmt::Expr(loop_expr));
        let ty = self.local_ty(result);
        let block = Block {
            stmts: pre,
            tail: Some(Box::new(self.read(result, span))),
        };
        Self::mk(ExprKind::Block(block), ty, span)
    }

    /// The loop of a pipeline; statements it needs before it go to `pre`.
    pub(crate) fn pipeline_loop(
        &mut self,
        pipe: Pipeline,
        pre: &mut Vec<Stmt>,
        span: Span,
        consume: impl FnOnce(&mut Self, Expr) -> Vec<Stmt>,
    ) -> Expr {
        let first_item = match &pipe.source {
            Source::Vec(v) => match self.infer.shallow(&v.ty) {
                Ty::Vec(t) => *t,
                _ => Ty::Error,
            },
            Source::Map(m) => match self.infer.shallow(&m.ty) {
                Ty::Map(k, v) => Ty::Tuple(vec![*k, *v]),
                _ => Ty::Error,
            },
            Source::Range { start, .. } => start.ty.clone(),
        };
        let var = self.hidden_local(first_item.clone(), span);
        let mut body: Vec<Stmt> = Vec::new();
        let mut cur = self.read(var, span);
        for stage in pipe.stages {
            cur = self.stage(stage, cur, pre, &mut body, span);
        }
        body.extend(consume(self, cur));
        let body = Self::mk(
            ExprKind::Block(Block {
                stmts: body,
                tail: None,
            }),
            Ty::unit(),
            span,
        );
        let var_pat = Pat {
            kind: PatKind::Bind(var),
            ty: first_item,
            span,
        };
        let kind = match pipe.source {
            Source::Vec(v) => ExprKind::ForVec {
                var: var_pat,
                vec: Box::new(v),
                body: Box::new(body),
            },
            Source::Map(m) => ExprKind::ForMap {
                var: var_pat,
                map: Box::new(m),
                body: Box::new(body),
            },
            Source::Range {
                start,
                end,
                inclusive,
                reverse,
            } => ExprKind::ForRange {
                var: var_pat,
                start,
                end,
                inclusive,
                reverse,
                body: Box::new(body),
            },
        };
        Self::mk(kind, Ty::unit(), span)
    }

    /// One stage's statements in the loop body; returns the new item.
    fn stage(
        &mut self,
        stage: Stage,
        cur: Expr,
        pre: &mut Vec<Stmt>,
        body: &mut Vec<Stmt>,
        span: Span,
    ) -> Expr {
        match stage {
            Stage::Map(f) => {
                let f = self.hoist(f, pre, span);
                let call = self.call_closure(&f, vec![cur], span);
                let l = self.hidden_local(call.ty.clone(), span);
                body.push(self.let_local(l, call));
                self.read(l, span)
            }
            Stage::Filter(p) => {
                let p = self.hoist(p, pre, span);
                let item = self.bind_item(cur, body, span);
                let test = self.call_closure(&p, vec![item.clone()], span);
                body.push(Stmt::Expr(self.if_then(
                    self.not(test),
                    Self::mk(ExprKind::Continue(0), Ty::Never, span),
                )));
                item
            }
            Stage::FilterMap(f) => {
                let f = self.hoist(f, pre, span);
                let call = self.call_closure(&f, vec![cur], span);
                let opt = self.bind_item(call, body, span);
                let none = Self::mk(
                    ExprKind::Builtin {
                        op: Builtin::IsNone,
                        args: vec![opt.clone()],
                    },
                    Ty::Bool,
                    span,
                );
                let skip = Self::mk(ExprKind::Continue(0), Ty::Never, span);
                body.push(Stmt::Expr(self.if_then(none, skip)));
                let item_ty = match self.infer.shallow(&opt.ty) {
                    Ty::Option(t) => *t,
                    _ => Ty::Error,
                };
                let value = Self::mk(
                    ExprKind::Builtin {
                        op: Builtin::Unwrap,
                        args: vec![opt],
                    },
                    item_ty,
                    span,
                );
                self.bind_item(value, body, span)
            }
            Stage::Enumerate => {
                let i = self.counter(pre, span);
                let pair_ty = Ty::Tuple(vec![Ty::Int(IntTy::Usize), cur.ty.clone()]);
                let pair = Self::mk(
                    ExprKind::Tuple(vec![self.read(i, span), cur]),
                    pair_ty.clone(),
                    span,
                );
                let l = self.hidden_local(pair_ty, span);
                body.push(self.let_local(l, pair));
                body.push(Stmt::Expr(self.bump(i, span)));
                self.read(l, span)
            }
            Stage::Take(n) => {
                let n = self.hoist(n, pre, span);
                let taken = self.counter(pre, span);
                let done = self.binary(BinOp::Ge, self.read(taken, span), n, Ty::Bool);
                body.push(Stmt::Expr(self.if_then(done, self.brk(span))));
                body.push(Stmt::Expr(self.bump(taken, span)));
                cur
            }
            Stage::Skip(n) => {
                let n = self.hoist(n, pre, span);
                let skipped = self.counter(pre, span);
                let early = self.binary(BinOp::Lt, self.read(skipped, span), n, Ty::Bool);
                let then = Self::mk(
                    ExprKind::Block(Block {
                        stmts: vec![Stmt::Expr(self.bump(skipped, span))],
                        tail: Some(Box::new(Self::mk(ExprKind::Continue(0), Ty::Never, span))),
                    }),
                    Ty::Never,
                    span,
                );
                body.push(Stmt::Expr(self.if_then(early, then)));
                cur
            }
            Stage::Inline { param, value } => {
                body.push(self.let_local(param, cur));
                let l = self.hidden_local(value.ty.clone(), span);
                body.push(self.let_local(l, value));
                self.read(l, span)
            }
            Stage::Zip(other) => {
                let other = self.hoist(other, pre, span);
                let j = self.counter(pre, span);
                let len = Self::mk(
                    ExprKind::Builtin {
                        op: Builtin::VecLen,
                        args: vec![other.clone()],
                    },
                    Ty::Int(IntTy::Usize),
                    span,
                );
                let done = self.binary(BinOp::Ge, self.read(j, span), len, Ty::Bool);
                body.push(Stmt::Expr(self.if_then(done, self.brk(span))));
                let elem_ty = match self.infer.shallow(&other.ty) {
                    Ty::Vec(t) => *t,
                    _ => Ty::Error,
                };
                let elem = Self::mk(
                    ExprKind::Index {
                        base: Box::new(other),
                        index: Box::new(self.read(j, span)),
                    },
                    elem_ty.clone(),
                    span,
                );
                let pair_ty = Ty::Tuple(vec![cur.ty.clone(), elem_ty]);
                let l = self.hidden_local(pair_ty.clone(), span);
                body.push(
                    self.let_local(l, Self::mk(ExprKind::Tuple(vec![cur, elem]), pair_ty, span)),
                );
                body.push(Stmt::Expr(self.bump(j, span)));
                self.read(l, span)
            }
        }
    }

    /// Runs a pipeline with a terminal method.
    fn run_pipeline(
        &mut self,
        pipe: Pipeline,
        consumer: Consumer,
        expected: Option<&Ty>,
        span: Span,
    ) -> Expr {
        let Consumer::Method(name, args) = consumer;
        let n = name.name.as_str();
        let want = match n {
            "any" | "all" | "find" | "position" | "for_each" | "min_by_key" | "max_by_key" => 1,
            "fold" => 2,
            _ => 0,
        };
        if !self.check_arg_count(n, want, args, span) {
            return Self::err_expr(span);
        }
        let item = pipe.item.clone();
        let usize_ty = Ty::Int(IntTy::Usize);
        match n {
            "collect" => self.collect(pipe, expected, span),
            "sum" | "product" => {
                let op = if n == "sum" { BinOp::Add } else { BinOp::Mul };
                if !self.numeric(&item) {
                    return self.not_numeric(n, &item, span);
                }
                let acc = self.hidden_local(item.clone(), span);
                let start = if n == "sum" { 0 } else { 1 };
                let init = Self::mk(
                    ExprKind::Cast(Box::new(Self::mk(
                        ExprKind::Int(start),
                        Ty::Int(IntTy::I64),
                        span,
                    ))),
                    item.clone(),
                    span,
                );
                let pre = vec![self.let_local(acc, init)];
                self.fused_loop(pipe, pre, acc, span, move |cx, x| {
                    let sum = cx.binary(op, cx.read(acc, span), x, item.clone());
                    vec![Stmt::Expr(cx.assign(acc, sum, span))]
                })
            }
            "count" => {
                let c = self.hidden_local(usize_ty.clone(), span);
                let pre = vec![self.let_local(c, Self::mk(ExprKind::Int(0), usize_ty, span))];
                self.fused_loop(pipe, pre, c, span, move |cx, _| {
                    vec![Stmt::Expr(cx.bump(c, span))]
                })
            }
            "min" | "max" | "last" => {
                let opt = Ty::Option(Box::new(item.clone()));
                let best = self.hidden_local(opt.clone(), span);
                let pre = vec![self.let_local(best, self.none(&opt, span))];
                self.fused_loop(pipe, pre, best, span, move |cx, x| {
                    let x = cx.bind_item(x, &mut Vec::new(), span);
                    let set = cx.assign(best, cx.some(x.clone(), &opt, span), span);
                    if n == "last" {
                        return vec![Stmt::Expr(set)];
                    }
                    let empty = Self::mk(
                        ExprKind::Builtin {
                            op: Builtin::IsNone,
                            args: vec![cx.read(best, span)],
                        },
                        Ty::Bool,
                        span,
                    );
                    let current = Self::mk(
                        ExprKind::Builtin {
                            op: Builtin::Unwrap,
                            args: vec![cx.read(best, span)],
                        },
                        item.clone(),
                        span,
                    );
                    // Rust's `min` keeps the first of equal items, `max` the last.
                    let op = if n == "min" { BinOp::Lt } else { BinOp::Ge };
                    let better = cx.binary(op, x, current, Ty::Bool);
                    let cond = Self::mk(
                        ExprKind::Or(Box::new(empty), Box::new(better)),
                        Ty::Bool,
                        span,
                    );
                    vec![Stmt::Expr(cx.if_then(cond, set))]
                })
            }
            "any" | "all" | "find" | "position" => {
                let Some((p, _)) =
                    self.check_closure_arg(&args[0], vec![item.clone()], Some(Ty::Bool))
                else {
                    return Self::err_expr(span);
                };
                let mut pre = Vec::new();
                let p = self.hoist(p, &mut pre, span);
                let (result_ty, init) = match n {
                    "any" => (Ty::Bool, Self::mk(ExprKind::Bool(false), Ty::Bool, span)),
                    "all" => (Ty::Bool, Self::mk(ExprKind::Bool(true), Ty::Bool, span)),
                    "find" => {
                        let t = Ty::Option(Box::new(item.clone()));
                        let none = self.none(&t, span);
                        (t, none)
                    }
                    _ => {
                        let t = Ty::Option(Box::new(usize_ty.clone()));
                        let none = self.none(&t, span);
                        (t, none)
                    }
                };
                let r = self.hidden_local(result_ty.clone(), span);
                pre.push(self.let_local(r, init));
                let index = if n == "position" {
                    let i = self.counter(&mut pre, span);
                    Some(i)
                } else {
                    None
                };
                self.fused_loop(pipe, pre, r, span, move |cx, x| {
                    let mut stmts = Vec::new();
                    let x = cx.bind_item(x, &mut stmts, span);
                    let test = cx.call_closure(&p, vec![x.clone()], span);
                    let (cond, value) = match n {
                        "any" => (test, Self::mk(ExprKind::Bool(true), Ty::Bool, span)),
                        "all" => (
                            cx.not(test),
                            Self::mk(ExprKind::Bool(false), Ty::Bool, span),
                        ),
                        "find" => (test, cx.some(x, &result_ty, span)),
                        _ => {
                            let i = cx.read(index.expect("position counts"), span);
                            (test, cx.some(i, &result_ty, span))
                        }
                    };
                    let then = Self::mk(
                        ExprKind::Block(Block {
                            stmts: vec![Stmt::Expr(cx.assign(r, value, span))],
                            tail: Some(Box::new(cx.brk(span))),
                        }),
                        Ty::Never,
                        span,
                    );
                    stmts.push(Stmt::Expr(cx.if_then(cond, then)));
                    if let Some(i) = index {
                        stmts.push(Stmt::Expr(cx.bump(i, span)));
                    }
                    stmts
                })
            }
            "min_by_key" | "max_by_key" => self.by_key(pipe, n, &args[0], span),
            "fold" => {
                let init = self.check_expr(&args[0], None);
                let acc_ty = init.ty.clone();
                let Some((f, _)) = self.check_closure_arg(
                    &args[1],
                    vec![acc_ty.clone(), item.clone()],
                    Some(acc_ty.clone()),
                ) else {
                    return Self::err_expr(span);
                };
                let acc = self.hidden_local(acc_ty, span);
                let mut pre = vec![self.let_local(acc, init)];
                let f = self.hoist(f, &mut pre, span);
                self.fused_loop(pipe, pre, acc, span, move |cx, x| {
                    let next = cx.call_closure(&f, vec![cx.read(acc, span), x], span);
                    vec![Stmt::Expr(cx.assign(acc, next, span))]
                })
            }
            "for_each" => {
                let Some((f, _)) = self.check_closure_arg(&args[0], vec![item.clone()], None)
                else {
                    return Self::err_expr(span);
                };
                let unit = self.hidden_local(Ty::unit(), span);
                let mut pre =
                    vec![self.let_local(unit, Self::mk(ExprKind::Unit, Ty::unit(), span))];
                let f = self.hoist(f, &mut pre, span);
                self.fused_loop(pipe, pre, unit, span, move |cx, x| {
                    vec![Stmt::Expr(cx.call_closure(&f, vec![x], span))]
                })
            }
            _ => unreachable!("TERMINALS lists the terminals"),
        }
    }

    /// `min_by_key(|x| key)` / `max_by_key`: the item with the least (greatest) key, as
    /// Rust: the first of equal minimums, the last of equal maximums.
    fn by_key(&mut self, pipe: Pipeline, n: &str, arg: &ast::Expr, span: Span) -> Expr {
        let item = pipe.item.clone();
        let key_ty = self.fresh();
        let Some((f, sig)) = self.check_closure_arg(arg, vec![item.clone()], Some(key_ty)) else {
            return Self::err_expr(span);
        };
        let key_ty = sig.ret;
        let opt = Ty::Option(Box::new(item));
        let best = self.hidden_local(opt.clone(), span);
        let best_key = self.hidden_local(key_ty.clone(), span);
        let mut pre = vec![self.let_local(best, self.none(&opt, span))];
        pre.push(self.let_local(best_key, self.new_vec(&key_ty, span)));
        let f = self.hoist(f, &mut pre, span);
        let op = if n == "min_by_key" {
            BinOp::Lt
        } else {
            BinOp::Ge
        };
        self.fused_loop(pipe, pre, best, span, move |cx, x| {
            let mut stmts = Vec::new();
            let x = cx.bind_item(x, &mut stmts, span);
            let k = cx.call_closure(&f, vec![x.clone()], span);
            let k = cx.bind_item(k, &mut stmts, span);
            let empty = Self::mk(
                ExprKind::Builtin {
                    op: Builtin::IsNone,
                    args: vec![cx.read(best, span)],
                },
                Ty::Bool,
                span,
            );
            let better = cx.binary(op, k.clone(), cx.read(best_key, span), Ty::Bool);
            let cond = Self::mk(
                ExprKind::Or(Box::new(empty), Box::new(better)),
                Ty::Bool,
                span,
            );
            let then = Self::mk(
                ExprKind::Block(Block {
                    stmts: vec![
                        Stmt::Expr(cx.assign(best, cx.some(x, &opt, span), span)),
                        Stmt::Expr(cx.assign(best_key, k, span)),
                    ],
                    tail: None,
                }),
                Ty::unit(),
                span,
            );
            stmts.push(Stmt::Expr(cx.if_then(cond, then)));
            stmts
        })
    }

    /// `collect()`: into what the context expects: a `Vec` (the default), a `HashMap`
    /// of pairs, or a `String` of chars or strings.
    fn collect(&mut self, pipe: Pipeline, expected: Option<&Ty>, span: Span) -> Expr {
        let item = pipe.item.clone();
        let target = expected.map(|t| self.infer.shallow(t));
        match target {
            Some(Ty::Map(k, v)) => {
                let pair = Ty::Tuple(vec![(*k).clone(), (*v).clone()]);
                if !self.infer.unify(&pair, &item) {
                    let (want, found) = (self.show(&pair), self.show(&item));
                    self.error(
                        Diagnostic::error(errors::MISMATCHED_TYPES, "mismatched types", span)
                            .with_label(format!(
                            "a `HashMap` is collected from `{want}` pairs, found `{found}` items"
                        )),
                    );
                    return Self::err_expr(span);
                }
                let map_ty = Ty::Map(k, v);
                let out = self.hidden_local(map_ty.clone(), span);
                let init = self.new_vec(&map_ty, span);
                let pre = vec![self.let_local(out, init)];
                self.fused_loop(pipe, pre, out, span, move |cx, x| {
                    let mut stmts = Vec::new();
                    let x = cx.bind_item(x, &mut stmts, span);
                    let key = cx.field(x.clone(), 0, span);
                    let value = cx.field(x, 1, span);
                    stmts.push(Stmt::Expr(Self::mk(
                        ExprKind::MutBuiltin {
                            op: MutBuiltin::MapInsert,
                            place: cx.local_place(out),
                            args: vec![key, value],
                        },
                        Ty::Option(Box::new(cx.map_value_ty(out))),
                        span,
                    )));
                    stmts
                })
            }
            Some(Ty::Str) => {
                let op = match self.infer.shallow(&item) {
                    Ty::Char => MutBuiltin::StrPush,
                    Ty::Str => MutBuiltin::StrPushStr,
                    _ => {
                        let found = self.show(&item);
                        self.error(
                            Diagnostic::error(errors::MISMATCHED_TYPES, "mismatched types", span)
                                .with_label(format!("a `String` is collected from `char` or `String` items, found `{found}`")),
                        );
                        return Self::err_expr(span);
                    }
                };
                let out = self.hidden_local(Ty::Str, span);
                let init = Self::mk(ExprKind::Str(String::new()), Ty::Str, span);
                let pre = vec![self.let_local(out, init)];
                self.fused_loop(pipe, pre, out, span, move |cx, x| {
                    vec![Stmt::Expr(Self::mk(
                        ExprKind::MutBuiltin {
                            op,
                            place: cx.local_place(out),
                            args: vec![x],
                        },
                        Ty::unit(),
                        span,
                    ))]
                })
            }
            _ => self.collect_vec(pipe, span),
        }
    }

    /// `for pat in chain { body }`: the chain's loop with the body as its consumer.
    pub(crate) fn check_for_chain(
        &mut self,
        pipe: Pipeline,
        pat: &ast::Pat,
        body: &ast::Block,
        span: Span,
    ) -> Expr {
        let item = pipe.item.clone();
        let mut pre = Vec::new();
        let lp = self.pipeline_loop(pipe, &mut pre, span, |cx, x| {
            cx.scopes.push(Default::default());
            let p = cx.check_pat(pat, &item, true);
            cx.check_irrefutable(&p, "`for` pattern");
            cx.push_loop(None);
            let b = cx.check_block(body, Some(&Ty::unit()));
            cx.loops.pop();
            cx.scopes.pop();
            vec![
                Stmt::Let {
                    pat: p,
                    init: Some(x),
                },
                Stmt::Expr(b),
            ]
        });
        pre.push(Stmt::Expr(lp));
        Self::mk(
            ExprKind::Block(Block {
                stmts: pre,
                tail: None,
            }),
            Ty::unit(),
            span,
        )
    }

    // ---------- small builders of checked IR ----------

    fn read(&self, l: LocalId, span: Span) -> Expr {
        Self::mk(ExprKind::Local(l), self.local_ty(l), span)
    }

    fn local_place(&self, l: LocalId) -> Place {
        Place {
            root: PlaceRoot::Local(l),
            projs: Vec::new(),
            ty: self.local_ty(l),
        }
    }

    fn let_local(&self, l: LocalId, init: Expr) -> Stmt {
        Stmt::Let {
            pat: Pat {
                kind: PatKind::Bind(l),
                ty: self.local_ty(l),
                span: init.span,
            },
            init: Some(init),
        }
    }

    /// A value computed once before the loop (a closure, a count), read in it.
    fn hoist(&mut self, e: Expr, pre: &mut Vec<Stmt>, span: Span) -> Expr {
        let l = self.hidden_local(e.ty.clone(), span);
        pre.push(self.let_local(l, e));
        self.read(l, span)
    }

    /// The item in a local (so that using it twice evaluates it once).
    fn bind_item(&mut self, item: Expr, stmts: &mut Vec<Stmt>, span: Span) -> Expr {
        if let ExprKind::Local(_) = item.kind {
            return item;
        }
        let l = self.hidden_local(item.ty.clone(), span);
        stmts.push(self.let_local(l, item));
        self.read(l, span)
    }

    /// A `usize` counter starting at 0, declared before the loop.
    fn counter(&mut self, pre: &mut Vec<Stmt>, span: Span) -> LocalId {
        let t = Ty::Int(IntTy::Usize);
        let l = self.hidden_local(t.clone(), span);
        pre.push(self.let_local(l, Self::mk(ExprKind::Int(0), t, span)));
        l
    }

    fn bump(&self, l: LocalId, span: Span) -> Expr {
        let t = self.local_ty(l);
        Self::mk(
            ExprKind::CompoundAssign {
                op: BinOp::Add,
                place: self.local_place(l),
                value: Box::new(Self::mk(ExprKind::Int(1), t, span)),
            },
            Ty::unit(),
            span,
        )
    }

    fn assign(&self, l: LocalId, value: Expr, span: Span) -> Expr {
        Self::mk(
            ExprKind::Assign {
                place: self.local_place(l),
                value: Box::new(value),
            },
            Ty::unit(),
            span,
        )
    }

    fn binary(&self, op: BinOp, lhs: Expr, rhs: Expr, ty: Ty) -> Expr {
        let span = lhs.span;
        Self::mk(
            ExprKind::Binary {
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            },
            ty,
            span,
        )
    }

    fn not(&self, e: Expr) -> Expr {
        let span = e.span;
        Self::mk(
            ExprKind::Unary {
                op: UnOp::Not,
                expr: Box::new(e),
            },
            Ty::Bool,
            span,
        )
    }

    fn if_then(&self, cond: Expr, then: Expr) -> Expr {
        let span = cond.span;
        Self::mk(
            ExprKind::If {
                cond: Box::new(cond),
                then: Box::new(then),
                els: None,
            },
            Ty::unit(),
            span,
        )
    }

    fn brk(&self, span: Span) -> Expr {
        Self::mk(
            ExprKind::Break {
                depth: 0,
                value: None,
            },
            Ty::Never,
            span,
        )
    }

    fn call_closure(&self, f: &Expr, args: Vec<Expr>, span: Span) -> Expr {
        let (id, ret) = match self.infer.shallow(&f.ty) {
            Ty::Closure(id) => (Some(id), self.closure_sig(id).map(|s| s.ret)),
            _ => (None, None),
        };
        match (id, ret) {
            (Some(id), Some(ret)) => Self::mk(
                ExprKind::CallClosure {
                    id,
                    callee: Box::new(f.clone()),
                    args,
                },
                ret,
                span,
            ),
            // In a generic body (checked only) or after an error.
            _ => Self::mk(ExprKind::Error, Ty::Error, span),
        }
    }

    fn push(&self, place: Place, value: Expr) -> Expr {
        let span = value.span;
        Self::mk(
            ExprKind::MutBuiltin {
                op: MutBuiltin::VecPush,
                place,
                args: vec![value],
            },
            Ty::unit(),
            span,
        )
    }

    fn new_vec(&self, ty: &Ty, span: Span) -> Expr {
        Self::mk(
            ExprKind::Builtin {
                op: Builtin::Default,
                args: Vec::new(),
            },
            ty.clone(),
            span,
        )
    }

    fn none(&self, opt: &Ty, span: Span) -> Expr {
        Self::mk(
            ExprKind::Variant {
                variant: 0,
                fields: Vec::new(),
            },
            opt.clone(),
            span,
        )
    }

    fn some(&self, value: Expr, opt: &Ty, span: Span) -> Expr {
        Self::mk(
            ExprKind::Variant {
                variant: 1,
                fields: vec![value],
            },
            opt.clone(),
            span,
        )
    }

    fn field(&self, tuple: Expr, index: u32, span: Span) -> Expr {
        let ty = self.field_ty(&tuple.ty, index);
        Self::mk(
            ExprKind::Field {
                base: Box::new(tuple),
                index,
            },
            ty,
            span,
        )
    }

    fn map_value_ty(&self, l: LocalId) -> Ty {
        match self.infer.shallow(&self.local_ty(l)) {
            Ty::Map(_, v) => *v,
            _ => Ty::Error,
        }
    }

    fn numeric(&self, t: &Ty) -> bool {
        matches!(self.infer.shallow(t), Ty::Int(_) | Ty::Float(_) | Ty::Error)
            || self
                .infer
                .var_kind(t)
                .is_some_and(|k| k != crate::ty::VarKind::General)
    }

    fn not_numeric(&mut self, what: &str, t: &Ty, span: Span) -> Expr {
        let shown = self.show(t);
        self.error(
            Diagnostic::error(
                errors::NOT_A_NUMBER,
                format!("`{what}` of items that are not numbers (`{shown}`)"),
                span,
            )
            .with_label(format!("`{shown}` items"))
            .with_help("`map` the items to numbers first, or `fold` them"),
        );
        Self::err_expr(span)
    }
}
