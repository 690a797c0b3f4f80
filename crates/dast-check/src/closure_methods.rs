//! Library methods that take closures, written as checked IR where they are called
//! (each closure call a direct call): `Option.map/and_then/filter/unwrap_or_else/
//! ok_or/ok_or_else/map_or/is_some_and`, `Result.map/map_err/and_then/
//! unwrap_or_else`, and `Vec.retain/sort_by_key`.

use dast_base::{Diagnostic, Span};
use dast_syntax::ast;

use crate::check::FnCx;
use crate::errors;
use crate::tir::{Arm, Block, Expr, ExprKind, MutBuiltin, Pat, PatKind, Place, Stmt};
use crate::ty::{IntTy, Ty};

/// Option's methods of this kind.
const OPTION: &[&str] = &[
    "map",
    "and_then",
    "filter",
    "unwrap_or_else",
    "ok_or",
    "ok_or_else",
    "map_or",
    "is_some_and",
];
const RESULT: &[&str] = &["map", "map_err", "and_then", "unwrap_or_else"];
const VEC: &[&str] = &[
    "retain",
    "sort_by_key",
    "sort_by",
    "sort_unstable_by",
    "sort_unstable_by_key",
];
/// `Ordering`'s methods (it is the prelude's enum).
const ORDERING: &[&str] = &[
    "reverse",
    "then",
    "then_with",
    "is_lt",
    "is_le",
    "is_gt",
    "is_ge",
    "is_eq",
    "is_ne",
];

/// The closure-taking methods of a receiver type, for "did you mean" hints.
pub fn names_for(recv: &Ty) -> Option<&'static [&'static str]> {
    match recv {
        Ty::Option(_) => Some(OPTION),
        Ty::Result(..) => Some(RESULT),
        Ty::Vec(_) => Some(VEC),
        _ => None,
    }
}

pub fn takes_closure(recv: &Ty, name: &str) -> bool {
    if name == "cmp" || name == "partial_cmp" {
        return true;
    }
    match recv {
        Ty::Option(_) => OPTION.contains(&name),
        Ty::Result(..) => RESULT.contains(&name),
        Ty::Vec(_) => VEC.contains(&name),
        _ => false,
    }
}

impl<'e, 'a> FnCx<'e, 'a> {
    /// Whether `recv.name(..)` is one of this file's methods.
    pub(crate) fn is_closure_method(&self, recv: &Ty, name: &str) -> bool {
        takes_closure(recv, name)
            || (ORDERING.contains(&name)
                && self.ordering_adt().is_some_and(|o| *recv == Ty::adt(o)))
    }

    /// `recv.name(args)` for a method of [`takes_closure`].
    pub(crate) fn check_closure_method(
        &mut self,
        place: Place,
        base: &ast::Expr,
        name: &ast::Ident,
        args: &[ast::Expr],
        expected: Option<&Ty>,
        span: Span,
    ) -> Expr {
        let n = name.name.as_str();
        if n == "cmp" || n == "partial_cmp" {
            return self.check_cmp(place, n, args, span);
        }
        if let Some(ord) = self
            .ordering_adt()
            .filter(|o| self.infer.shallow(&place.ty) == Ty::adt(*o))
        {
            let recv = self.place_expr(place);
            return self.ordering_method(ord, recv, n, args, span);
        }
        let want = if n == "map_or" { 2 } else { 1 };
        if !self.check_arg_count(n, want, args, span) {
            return Self::err_expr(span);
        }
        let recv_ty = self.infer.shallow(&place.ty);
        match recv_ty {
            Ty::Vec(elem) if n == "sort_by" || n == "sort_unstable_by" => {
                self.require_mutable_place(&place, base);
                self.sort_by(place, *elem, &args[0], span)
            }
            Ty::Vec(elem) => {
                self.require_mutable_place(&place, base);
                let n = if n == "sort_unstable_by_key" {
                    "sort_by_key"
                } else {
                    n
                };
                self.vec_method(place, *elem, n, &args[0], span)
            }
            Ty::Option(t) => {
                let recv = self.place_expr(place);
                self.option_method(recv, *t, n, args, expected, span)
            }
            Ty::Result(t, e) => {
                let recv = self.place_expr(place);
                self.result_method(recv, (*t, *e), n, &args[0], expected, span)
            }
            _ => Self::err_expr(span),
        }
    }

    fn option_method(
        &mut self,
        recv: Expr,
        t: Ty,
        n: &str,
        args: &[ast::Expr],
        expected: Option<&Ty>,
        span: Span,
    ) -> Expr {
        let opt = Ty::Option(Box::new(t.clone()));
        let x = self.hidden_local(t.clone(), span);
        let some_pat = self.variant_bind_pat(&opt, 1, Some(x), span);
        let xv = self.read_local(x, span);
        let (some_body, none_body, ty) = match n {
            "map" => {
                let Some((f, sig)) = self.closure_for(&args[0], vec![t.clone()], None) else {
                    return Self::err_expr(span);
                };
                let out = Ty::Option(Box::new(sig.ret.clone()));
                let call = self.call_value(&f, vec![xv], &sig.ret, span);
                (
                    self.variant(&out, 1, vec![call], span),
                    self.variant(&out, 0, vec![], span),
                    out,
                )
            }
            "and_then" => {
                let ret = match expected.map(|e| self.infer.shallow(e)) {
                    Some(Ty::Option(u)) => Ty::Option(u),
                    _ => Ty::Option(Box::new(self.fresh())),
                };
                let Some((f, sig)) = self.closure_for(&args[0], vec![t.clone()], Some(ret)) else {
                    return Self::err_expr(span);
                };
                let out = sig.ret.clone();
                let call = self.call_value(&f, vec![xv], &out, span);
                (call, self.variant(&out, 0, vec![], span), out)
            }
            "filter" => {
                let Some((f, _)) = self.closure_for(&args[0], vec![t.clone()], Some(Ty::Bool))
                else {
                    return Self::err_expr(span);
                };
                let test = self.call_value(&f, vec![xv.clone()], &Ty::Bool, span);
                let keep = self.variant(&opt, 1, vec![xv], span);
                let drop = self.variant(&opt, 0, vec![], span);
                let body = Self::mk(
                    ExprKind::If {
                        cond: Box::new(test),
                        then: Box::new(keep),
                        els: Some(Box::new(drop.clone())),
                    },
                    opt.clone(),
                    span,
                );
                (body, drop, opt.clone())
            }
            "is_some_and" => {
                let Some((f, _)) = self.closure_for(&args[0], vec![t.clone()], Some(Ty::Bool))
                else {
                    return Self::err_expr(span);
                };
                let test = self.call_value(&f, vec![xv], &Ty::Bool, span);
                (
                    test,
                    Self::mk(ExprKind::Bool(false), Ty::Bool, span),
                    Ty::Bool,
                )
            }
            "unwrap_or_else" => {
                let Some((f, _)) = self.closure_for(&args[0], vec![], Some(t.clone())) else {
                    return Self::err_expr(span);
                };
                let call = self.call_value(&f, vec![], &t, span);
                (xv, call, t.clone())
            }
            "ok_or" | "ok_or_else" => {
                let err = if n == "ok_or" {
                    self.check_expr(&args[0], None)
                } else {
                    let e = self.fresh();
                    let Some((f, sig)) = self.closure_for(&args[0], vec![], Some(e)) else {
                        return Self::err_expr(span);
                    };
                    self.call_value(&f, vec![], &sig.ret, span)
                };
                let out = Ty::Result(Box::new(t.clone()), Box::new(err.ty.clone()));
                (
                    self.variant(&out, 0, vec![xv], span),
                    self.variant(&out, 1, vec![err], span),
                    out,
                )
            }
            "map_or" => {
                let default = self.check_expr(&args[0], None);
                let d_ty = default.ty.clone();
                let Some((f, _)) = self.closure_for(&args[1], vec![t.clone()], Some(d_ty.clone()))
                else {
                    return Self::err_expr(span);
                };
                let call = self.call_value(&f, vec![xv], &d_ty, span);
                (call, default, d_ty)
            }
            _ => unreachable!("OPTION lists them"),
        };
        self.two_arm_match(recv, some_pat, some_body, none_body, ty, span)
    }

    fn result_method(
        &mut self,
        recv: Expr,
        (t, e): (Ty, Ty),
        n: &str,
        arg: &ast::Expr,
        expected: Option<&Ty>,
        span: Span,
    ) -> Expr {
        let res = Ty::Result(Box::new(t.clone()), Box::new(e.clone()));
        let x = self.hidden_local(t.clone(), span);
        let er = self.hidden_local(e.clone(), span);
        let ok_pat = self.variant_bind_pat(&res, 0, Some(x), span);
        let err_pat = self.variant_bind_pat(&res, 1, Some(er), span);
        let (xv, ev) = (self.read_local(x, span), self.read_local(er, span));
        let (ok_body, err_body, ty) = match n {
            "map" => {
                let Some((f, sig)) = self.closure_for(arg, vec![t.clone()], None) else {
                    return Self::err_expr(span);
                };
                let out = Ty::Result(Box::new(sig.ret.clone()), Box::new(e.clone()));
                let call = self.call_value(&f, vec![xv], &sig.ret, span);
                (
                    self.variant(&out, 0, vec![call], span),
                    self.variant(&out, 1, vec![ev], span),
                    out,
                )
            }
            "map_err" => {
                let Some((f, sig)) = self.closure_for(arg, vec![e.clone()], None) else {
                    return Self::err_expr(span);
                };
                let out = Ty::Result(Box::new(t.clone()), Box::new(sig.ret.clone()));
                let call = self.call_value(&f, vec![ev], &sig.ret, span);
                (
                    self.variant(&out, 0, vec![xv], span),
                    self.variant(&out, 1, vec![call], span),
                    out,
                )
            }
            "and_then" => {
                let ret = match expected.map(|x| self.infer.shallow(x)) {
                    Some(r @ Ty::Result(..)) => r,
                    _ => Ty::Result(Box::new(self.fresh()), Box::new(e.clone())),
                };
                let Some((f, sig)) = self.closure_for(arg, vec![t.clone()], Some(ret)) else {
                    return Self::err_expr(span);
                };
                let out = sig.ret.clone();
                let call = self.call_value(&f, vec![xv], &out, span);
                (call, self.variant(&out, 1, vec![ev], span), out)
            }
            "unwrap_or_else" => {
                let Some((f, _)) = self.closure_for(arg, vec![e.clone()], Some(t.clone())) else {
                    return Self::err_expr(span);
                };
                let call = self.call_value(&f, vec![ev], &t, span);
                (xv, call, t.clone())
            }
            _ => unreachable!("RESULT lists them"),
        };
        let arms = vec![
            Arm {
                pat: ok_pat,
                guard: None,
                body: ok_body,
            },
            Arm {
                pat: err_pat,
                guard: None,
                body: err_body,
            },
        ];
        Self::mk(
            ExprKind::Match {
                scrutinee: Box::new(recv),
                arms,
            },
            ty,
            span,
        )
    }

    /// `v.retain(|x| keep)`: `v` becomes its kept items; `v.sort_by_key(|x| key)`: a
    /// stable sort by key (the items decorated with their key and position, sorted,
    /// undecorated).
    fn vec_method(&mut self, place: Place, elem: Ty, n: &str, arg: &ast::Expr, span: Span) -> Expr {
        let recv = self.place_expr(place.clone());
        let pipe = match self.pipeline_from_value(recv) {
            Ok(p) => p,
            Err(_) => return Self::err_expr(span),
        };
        let new_value = if n == "retain" {
            let Some((f, _)) = self.closure_for(arg, vec![elem.clone()], Some(Ty::Bool)) else {
                return Self::err_expr(span);
            };
            let mut pipe = pipe;
            pipe.stages.push(crate::iter::Stage::Filter(f));
            self.collect_vec(pipe, span)
        } else {
            let key = self.fresh();
            let Some((f, sig)) = self.closure_for(arg, vec![elem.clone()], Some(key)) else {
                return Self::err_expr(span);
            };
            self.sorted_by_key(pipe, f, sig.ret, elem, span)
        };
        Self::mk(
            ExprKind::Assign {
                place,
                value: Box::new(new_value),
            },
            Ty::unit(),
            span,
        )
    }

    fn sorted_by_key(
        &mut self,
        pipe: crate::iter::Pipeline,
        f: Expr,
        key: Ty,
        elem: Ty,
        span: Span,
    ) -> Expr {
        let usize_ty = Ty::Int(IntTy::Usize);
        let triple = Ty::Tuple(vec![key.clone(), usize_ty.clone(), elem.clone()]);
        // (key, index, item) for each item, with `enumerate` giving the index.
        let mut pipe = pipe;
        pipe.stages.push(crate::iter::Stage::Enumerate);
        let pair = self.hidden_local(Ty::Tuple(vec![usize_ty.clone(), elem.clone()]), span);
        let pv = self.read_local(pair, span);
        let item = self.field_of(pv.clone(), 1, elem.clone(), span);
        let index = self.field_of(pv, 0, usize_ty, span);
        let k = self.call_value(&f, vec![item.clone()], &key, span);
        let decorate = Self::mk(ExprKind::Tuple(vec![k, index, item]), triple.clone(), span);
        let closure = self.inline_map(pair, decorate);
        pipe.item = triple.clone();
        pipe.stages.push(closure);
        let decorated = self.collect_vec(pipe, span);
        let d = self.hidden_local(decorated.ty.clone(), span);
        let sort = Self::mk(
            ExprKind::MutBuiltin {
                op: MutBuiltin::VecSort,
                place: Place {
                    root: crate::tir::PlaceRoot::Local(d),
                    projs: Vec::new(),
                    ty: decorated.ty.clone(),
                },
                args: Vec::new(),
            },
            Ty::unit(),
            span,
        );
        let let_d = Stmt::Let {
            pat: Pat {
                kind: PatKind::Bind(d),
                ty: decorated.ty.clone(),
                span,
            },
            init: Some(decorated),
        };
        // Undecorate: the third field of each.
        let t = self.hidden_local(triple.clone(), span);
        let tv = self.read_local(t, span);
        let undecorate = self.field_of(tv, 2, elem.clone(), span);
        let stage = self.inline_map(t, undecorate);
        let back = crate::iter::Pipeline {
            source: crate::iter::Source::Vec(self.read_local(d, span)),
            stages: vec![stage],
            item: elem,
            span,
        };
        let result = self.collect_vec(back, span);
        let ty = result.ty.clone();
        Self::mk(
            ExprKind::Block(Block {
                stmts: vec![let_d, Stmt::Expr(sort)],
                tail: Some(Box::new(result)),
            }),
            ty,
            span,
        )
    }

    /// `a.cmp(b)`: `Less`, `Equal` or `Greater` by `<` and `==` (on numbers, `char`,
    /// `bool`, strings, and structs, enums, tuples and vectors of those, as `<` orders
    /// them); `partial_cmp` is the same in `Some`.
    fn check_cmp(&mut self, place: Place, n: &str, args: &[ast::Expr], span: Span) -> Expr {
        let Some(ord) = self.ordering_adt() else {
            return Self::err_expr(span);
        };
        if args.len() != 1 {
            return self.skip_args(args, span);
        }
        let a = self.place_expr(place);
        let arg = match &args[0].kind {
            ast::ExprKind::Ref { expr, .. } => expr.as_ref(),
            _ => &args[0],
        };
        let b = self.check_expr(arg, Some(&a.ty.clone()));
        self.expect_ty(&a.ty, &b.ty, arg.span);
        let t = self.infer.shallow(&a.ty);
        if !self.binop_defined(ast::BinOp::Lt, &t) {
            let shown = self.show(&t);
            self.error(
                Diagnostic::error(
                    errors::BAD_BINARY_OPERAND,
                    format!("`{shown}` values cannot be ordered"),
                    span,
                )
                .with_label("no `cmp` for this type")
                .with_help("compare numbers, chars, strings, or structs, enums and tuples of them"),
            );
            return Self::err_expr(span);
        }
        let ord_ty = Ty::adt(ord);
        let x = self.hidden_local(a.ty.clone(), span);
        let y = self.hidden_local(a.ty.clone(), span);
        let (xv, yv) = (self.read_local(x, span), self.read_local(y, span));
        let lt = self.bin(crate::tir::BinOp::Lt, xv.clone(), yv.clone());
        let eq = self.bin(crate::tir::BinOp::Eq, xv, yv);
        let pick = |v: u32| Self::unit_variant(&ord_ty, v, span);
        let inner = Self::mk(
            ExprKind::If {
                cond: Box::new(eq),
                then: Box::new(pick(1)),
                els: Some(Box::new(pick(2))),
            },
            ord_ty.clone(),
            span,
        );
        let outer = Self::mk(
            ExprKind::If {
                cond: Box::new(lt),
                then: Box::new(pick(0)),
                els: Some(Box::new(inner)),
            },
            ord_ty.clone(),
            span,
        );
        let bind = |l: crate::tir::LocalId, e: Expr, cx: &Self| Stmt::Let {
            pat: Pat {
                kind: PatKind::Bind(l),
                ty: cx.local_ty(l),
                span,
            },
            init: Some(e),
        };
        let stmts = vec![bind(x, a, self), bind(y, b, self)];
        let result = if n == "partial_cmp" {
            let opt = Ty::Option(Box::new(ord_ty.clone()));
            self.variant(&opt, 1, vec![outer], span)
        } else {
            outer
        };
        let ty = result.ty.clone();
        Self::mk(
            ExprKind::Block(Block {
                stmts,
                tail: Some(Box::new(result)),
            }),
            ty,
            span,
        )
    }

    fn ordering_adt(&self) -> Option<crate::ty::AdtId> {
        self.env.prelude_adt("Ordering")
    }

    /// `Ordering`'s methods: `reverse`, `then(o)`, `then_with(|| o)`, `is_lt` ...
    fn ordering_method(
        &mut self,
        ord: crate::ty::AdtId,
        recv: Expr,
        n: &str,
        args: &[ast::Expr],
        span: Span,
    ) -> Expr {
        let ord_ty = Ty::adt(ord);
        let want = usize::from(n == "then" || n == "then_with");
        if args.len() != want {
            return self.skip_args(args, span);
        }
        let o = self.hidden_local(ord_ty.clone(), span);
        let ov = self.read_local(o, span);
        let pick = |v: u32| Self::unit_variant(&ord_ty, v, span);
        let is = |cx: &Self, v: u32| cx.bin(crate::tir::BinOp::Eq, ov.clone(), pick(v));
        let value = match n {
            "reverse" => {
                let gt = is(self, 2);
                let lt = is(self, 0);
                let inner = Self::mk(
                    ExprKind::If {
                        cond: Box::new(gt),
                        then: Box::new(pick(0)),
                        els: Some(Box::new(pick(1))),
                    },
                    ord_ty.clone(),
                    span,
                );
                Self::mk(
                    ExprKind::If {
                        cond: Box::new(lt),
                        then: Box::new(pick(2)),
                        els: Some(Box::new(inner)),
                    },
                    ord_ty.clone(),
                    span,
                )
            }
            "then" | "then_with" => {
                let other = if n == "then" {
                    self.check_expr(&args[0], Some(&ord_ty))
                } else {
                    let Some((f, _)) = self.closure_for(&args[0], vec![], Some(ord_ty.clone()))
                    else {
                        return Self::err_expr(span);
                    };
                    self.call_value(&f, vec![], &ord_ty, span)
                };
                Self::mk(
                    ExprKind::If {
                        cond: Box::new(is(self, 1)),
                        then: Box::new(other),
                        els: Some(Box::new(ov.clone())),
                    },
                    ord_ty.clone(),
                    span,
                )
            }
            _ => {
                let (v, negate) = match n {
                    "is_lt" => (0, false),
                    "is_eq" => (1, false),
                    "is_gt" => (2, false),
                    "is_ge" => (0, true),
                    "is_ne" => (1, true),
                    _ => (2, true), // is_le
                };
                let test = is(self, v);
                if negate {
                    Self::mk(
                        ExprKind::Unary {
                            op: crate::tir::UnOp::Not,
                            expr: Box::new(test),
                        },
                        Ty::Bool,
                        span,
                    )
                } else {
                    test
                }
            }
        };
        let ty = value.ty.clone();
        Self::mk(
            ExprKind::Block(Block {
                stmts: vec![Stmt::Let {
                    pat: Pat {
                        kind: PatKind::Bind(o),
                        ty: ord_ty,
                        span,
                    },
                    init: Some(recv),
                }],
                tail: Some(Box::new(value)),
            }),
            ty,
            span,
        )
    }

    /// `v.sort_by(|a, b| a.cmp(b))`: the prelude's merge sort, instantiated for the
    /// comparator (in the comparator's module, as every instance for a closure).
    fn sort_by(&mut self, place: Place, elem: Ty, arg: &ast::Expr, span: Span) -> Expr {
        let root = self
            .env
            .prelude
            .map(|m| self.env.modules[m.0 as usize].root);
        let f = root.and_then(
            |r| match self.env.scopes[r.0 as usize].names.get("__vec_sort_by") {
                Some(crate::env::Def::Fn(f)) => Some(*f),
                _ => None,
            },
        );
        let Some(f) = f else {
            return Self::err_expr(span);
        };
        let _ = elem;
        self.call_fn(
            f,
            Some(crate::tir::Arg::MutPlace(place)),
            None,
            std::slice::from_ref(arg),
            span,
            span,
        )
    }

    fn bin(&self, op: crate::tir::BinOp, lhs: Expr, rhs: Expr) -> Expr {
        let span = lhs.span;
        Self::mk(
            ExprKind::Binary {
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            },
            Ty::Bool,
            span,
        )
    }

    // ---------- helpers ----------

    /// A closure argument checked against `params` (and `ret` when known).
    fn closure_for(
        &mut self,
        a: &ast::Expr,
        params: Vec<Ty>,
        ret: Option<Ty>,
    ) -> Option<(Expr, crate::generics::CallSig)> {
        self.check_closure_arg(a, params, ret)
    }

    fn call_value(&self, f: &Expr, args: Vec<Expr>, ret: &Ty, span: Span) -> Expr {
        match self.infer.shallow(&f.ty) {
            Ty::Closure(id) => Self::mk(
                ExprKind::CallClosure {
                    id,
                    callee: Box::new(f.clone()),
                    args,
                },
                ret.clone(),
                span,
            ),
            _ => Self::mk(ExprKind::Error, ret.clone(), span),
        }
    }

    fn read_local(&self, l: crate::tir::LocalId, span: Span) -> Expr {
        Self::mk(ExprKind::Local(l), self.local_ty(l), span)
    }

    fn field_of(&self, base: Expr, index: u32, ty: Ty, span: Span) -> Expr {
        Self::mk(
            ExprKind::Field {
                base: Box::new(base),
                index,
            },
            ty,
            span,
        )
    }

    /// A variant without fields (`Ordering.Less`, `None`) of enum type `ty`.
    fn unit_variant(ty: &Ty, variant: u32, span: Span) -> Expr {
        Self::mk(
            ExprKind::Variant {
                variant,
                fields: vec![],
            },
            ty.clone(),
            span,
        )
    }

    fn variant(&self, ty: &Ty, variant: u32, fields: Vec<Expr>, span: Span) -> Expr {
        Self::mk(ExprKind::Variant { variant, fields }, ty.clone(), span)
    }

    fn variant_bind_pat(
        &self,
        ty: &Ty,
        variant: u32,
        bind: Option<crate::tir::LocalId>,
        span: Span,
    ) -> Pat {
        let fields = bind
            .map(|l| {
                vec![(
                    0,
                    Pat {
                        kind: PatKind::Bind(l),
                        ty: self.local_ty(l),
                        span,
                    },
                )]
            })
            .unwrap_or_default();
        Pat {
            kind: PatKind::Variant { variant, fields },
            ty: ty.clone(),
            span,
        }
    }

    fn two_arm_match(
        &self,
        recv: Expr,
        first: Pat,
        body: Expr,
        otherwise: Expr,
        ty: Ty,
        span: Span,
    ) -> Expr {
        let wild = Pat {
            kind: PatKind::Wild,
            ty: recv.ty.clone(),
            span,
        };
        Self::mk(
            ExprKind::Match {
                scrutinee: Box::new(recv),
                arms: vec![
                    Arm {
                        pat: first,
                        guard: None,
                        body,
                    },
                    Arm {
                        pat: wild,
                        guard: None,
                        body: otherwise,
                    },
                ],
            },
            ty,
            span,
        )
    }

    /// A `map` stage written as checked IR: `item` bound to local `param`, `value`
    /// computed from it (no closure of the program's).
    fn inline_map(&self, param: crate::tir::LocalId, value: Expr) -> crate::iter::Stage {
        crate::iter::Stage::Inline { param, value }
    }
}
