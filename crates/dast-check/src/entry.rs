//! `HashMap.entry(key)` as Rust writes it: `*m.entry(k).or_insert(0) += 1`,
//! `m.entry(k).or_insert_with(Vec.new).push(x)`, `m.entry(k).or_default()`, and the value
//! `*m.entry(k).or_insert(v)`. Dast has no references, so an entry is a *lent value*:
//! the key's value (or the default) is copied into a local, the assignment or method
//! works on that local, and the local is written back into the map. The written-back
//! insert keeps an existing key's place in the (insertion-ordered) map.

use dast_base::{Diagnostic, Span};
use dast_syntax::ast;

use crate::check::FnCx;
use crate::errors;
use crate::tir::{Arm, Builtin, Expr, ExprKind, MutBuiltin, Pat, PatKind, Place, Stmt};
use crate::ty::Ty;

/// How a missing key's value is made.
enum Fill<'x> {
    Value(&'x ast::Expr),
    With(&'x ast::Expr),
    Default,
}

/// An entry as written: the map, the key, how a missing value is made, and the
/// `and_modify` closure for a present one.
type EntryParts<'x> = (
    &'x ast::Expr,
    &'x ast::Expr,
    Fill<'x>,
    Option<&'x ast::Expr>,
);

/// `map.entry(key)[.and_modify(f)].or_insert(..)` (under `*` and parentheses).
fn entry_parts(e: &ast::Expr) -> Option<EntryParts<'_>> {
    let e = strip(e);
    let ast::ExprKind::Call { callee, args } = &e.kind else {
        return None;
    };
    let ast::ExprKind::Field { base, name } = &callee.kind else {
        return None;
    };
    let fill = match (name.name.as_str(), args.as_slice()) {
        ("or_insert", [v]) => Fill::Value(v),
        ("or_insert_with", [f]) => Fill::With(f),
        ("or_default", []) => Fill::Default,
        _ => return None,
    };
    let (base, modify) = match and_modify(base) {
        Some((inner, f)) => (inner, Some(f)),
        None => (base.as_ref(), None),
    };
    let ast::ExprKind::Call { callee, args } = &strip(base).kind else {
        return None;
    };
    let ast::ExprKind::Field { base: map, name } = &callee.kind else {
        return None;
    };
    match (name.name.as_str(), args.as_slice()) {
        ("entry", [key]) => Some((map, key, fill, modify)),
        _ => None,
    }
}

/// `e.and_modify(f)`: `e` and `f`.
fn and_modify(e: &ast::Expr) -> Option<(&ast::Expr, &ast::Expr)> {
    let ast::ExprKind::Call { callee, args } = &strip(e).kind else {
        return None;
    };
    match (&callee.kind, args.as_slice()) {
        (ast::ExprKind::Field { base, name }, [f]) if name.name == "and_modify" => Some((base, f)),
        _ => None,
    }
}

fn strip(e: &ast::Expr) -> &ast::Expr {
    match &e.kind {
        ast::ExprKind::Paren(inner) | ast::ExprKind::Deref(inner) => strip(inner),
        _ => e,
    }
}

/// An opened entry: statements that copy the value into `cur` (a mutable local,
/// `place`), and the statement that writes it back.
pub(crate) struct OpenEntry {
    pub before: Vec<Stmt>,
    pub place: Place,
    pub after: Stmt,
}

impl<'e, 'a> FnCx<'e, 'a> {
    /// Whether `e` is written as an entry (`m.entry(k).or_insert(v)`).
    pub(crate) fn is_entry(e: &ast::Expr) -> bool {
        entry_parts(e).is_some()
    }

    /// Opens the entry `e` (see [`OpenEntry`]); `None` after an error (reported).
    pub(crate) fn open_entry(&mut self, e: &ast::Expr) -> Option<OpenEntry> {
        let (map_ast, key_ast, fill, modify) = entry_parts(e)?;
        let map = self.check_place(map_ast, false)?;
        self.require_mutable_place(&map, map_ast);
        let (k_ty, v_ty) = match self.infer.shallow(&map.ty) {
            Ty::Map(k, v) => (*k, *v),
            Ty::Error => return None,
            other => {
                let shown = self.show(&other);
                self.error(
                    Diagnostic::error(
                        errors::UNKNOWN_METHOD,
                        format!("no method named `entry` found for `{shown}`"),
                        map_ast.span,
                    )
                    .with_label("`entry` is a `HashMap` method"),
                );
                return None;
            }
        };
        let span = e.span;
        let key_ast = match &key_ast.kind {
            ast::ExprKind::Ref { expr, .. } => expr.as_ref(),
            _ => key_ast,
        };
        let key = self.check_expr(key_ast, Some(&k_ty));
        let k = self.hidden_local(k_ty.clone(), span);
        let opt = Ty::Option(Box::new(v_ty.clone()));
        let map_value = self.place_expr(map.clone());
        let get = Self::mk(
            ExprKind::Builtin {
                op: Builtin::MapGet,
                args: vec![map_value, Self::mk(ExprKind::Local(k), k_ty.clone(), span)],
            },
            opt.clone(),
            span,
        );
        // With `and_modify(f)`: a present value goes through `f`, a missing one is made.
        let get = match modify {
            Some(f) => self.modified(get, f, &v_ty, span)?,
            None => get,
        };
        let value = match fill {
            Fill::Value(v) => {
                let v = self.check_expr(v, Some(&v_ty));
                Self::mk(
                    ExprKind::Builtin {
                        op: Builtin::UnwrapOr,
                        args: vec![get, v],
                    },
                    v_ty.clone(),
                    span,
                )
            }
            Fill::Default => {
                if !self.has_default(&v_ty) {
                    let shown = self.show(&v_ty);
                    self.error(
                        Diagnostic::error(
                            errors::NO_DEFAULT,
                            format!("`{shown}` has no default value"),
                            span,
                        )
                        .with_label("`or_default` needs one")
                        .with_help("use `or_insert(value)`"),
                    );
                }
                Self::mk(
                    ExprKind::Builtin {
                        op: Builtin::UnwrapOrDefault,
                        args: vec![get],
                    },
                    v_ty.clone(),
                    span,
                )
            }
            Fill::With(f) => self.unwrap_or_call(get, f, &v_ty, span)?,
        };
        let cur = self.hidden_local(v_ty.clone(), span);
        let bind = |l, ty: &Ty, init| Stmt::Let {
            pat: Pat {
                kind: PatKind::Bind(l),
                ty: ty.clone(),
                span,
            },
            init: Some(init),
        };
        let before = vec![bind(k, &k_ty, key), bind(cur, &v_ty, value)];
        let insert = Self::mk(
            ExprKind::MutBuiltin {
                op: MutBuiltin::MapInsert,
                place: map,
                args: vec![
                    Self::mk(ExprKind::Local(k), k_ty, span),
                    Self::mk(ExprKind::Local(cur), v_ty.clone(), span),
                ],
            },
            opt,
            span,
        );
        Some(OpenEntry {
            before,
            place: Place {
                root: crate::tir::PlaceRoot::Local(cur),
                projs: Vec::new(),
                ty: v_ty,
            },
            after: Stmt::Expr(insert),
        })
    }

    /// `opt` with `f` applied to a present value (`and_modify`'s closure, which changes
    /// its parameter in place).
    fn modified(&mut self, opt: Expr, f: &ast::Expr, t: &Ty, span: Span) -> Option<Expr> {
        if !matches!(f.kind, ast::ExprKind::Closure { .. }) {
            self.error(
                Diagnostic::error(
                    errors::MISMATCHED_TYPES,
                    "`and_modify` takes a closure",
                    f.span,
                )
                .with_label("expected `|v| ...`"),
            );
            return None;
        }
        self.modify_closure = true;
        let (f, _) = self.check_closure_arg(f, vec![t.clone()], Some(t.clone()))?;
        let Ty::Closure(id) = self.infer.shallow(&f.ty) else {
            return None;
        };
        let x = self.hidden_local(t.clone(), span);
        let changed = Self::mk(
            ExprKind::CallClosure {
                id,
                callee: Box::new(f),
                args: vec![Self::mk(ExprKind::Local(x), t.clone(), span)],
            },
            t.clone(),
            span,
        );
        let opt_ty = opt.ty.clone();
        let some = |fields| Pat {
            kind: PatKind::Variant { variant: 1, fields },
            ty: opt_ty.clone(),
            span,
        };
        let bind_x = Pat {
            kind: PatKind::Bind(x),
            ty: t.clone(),
            span,
        };
        let wild = Pat {
            kind: PatKind::Wild,
            ty: opt_ty.clone(),
            span,
        };
        let rewrap = Self::mk(
            ExprKind::Variant {
                variant: 1,
                fields: vec![changed],
            },
            opt_ty.clone(),
            span,
        );
        let none = Self::mk(
            ExprKind::Variant {
                variant: 0,
                fields: vec![],
            },
            opt_ty.clone(),
            span,
        );
        Some(Self::mk(
            ExprKind::Match {
                scrutinee: Box::new(opt),
                arms: vec![
                    Arm {
                        pat: some(vec![(0, bind_x)]),
                        guard: None,
                        body: rewrap,
                    },
                    Arm {
                        pat: wild,
                        guard: None,
                        body: none,
                    },
                ],
            },
            opt_ty,
            span,
        ))
    }

    /// `opt` unwrapped, or the result of calling the closure (or function value) `f`.
    fn unwrap_or_call(&mut self, opt: Expr, f: &ast::Expr, t: &Ty, span: Span) -> Option<Expr> {
        // `or_insert_with(Vec.new)`: a path to an associated function, called.
        let default = if let ast::ExprKind::Closure { .. } = f.kind {
            let (f, _) = self.check_closure_arg(f, vec![], Some(t.clone()))?;
            let Ty::Closure(id) = self.infer.shallow(&f.ty) else {
                return None;
            };
            Self::mk(
                ExprKind::CallClosure {
                    id,
                    callee: Box::new(f),
                    args: vec![],
                },
                t.clone(),
                span,
            )
        } else {
            let call = ast::Expr {
                id: f.id,
                kind: ast::ExprKind::Call {
                    callee: Box::new(f.clone()),
                    args: vec![],
                },
                span: f.span,
            };
            self.check_expr(&call, Some(t))
        };
        let x = self.hidden_local(t.clone(), span);
        let some = Pat {
            kind: PatKind::Variant {
                variant: 1,
                fields: vec![(
                    0,
                    Pat {
                        kind: PatKind::Bind(x),
                        ty: t.clone(),
                        span,
                    },
                )],
            },
            ty: opt.ty.clone(),
            span,
        };
        let wild = Pat {
            kind: PatKind::Wild,
            ty: opt.ty.clone(),
            span,
        };
        Some(Self::mk(
            ExprKind::Match {
                scrutinee: Box::new(opt),
                arms: vec![
                    Arm {
                        pat: some,
                        guard: None,
                        body: Self::mk(ExprKind::Local(x), t.clone(), span),
                    },
                    Arm {
                        pat: wild,
                        guard: None,
                        body: default,
                    },
                ],
            },
            t.clone(),
            span,
        ))
    }

    /// `m.entry(k).or_insert(v)` used as a value: the key's value, inserted first when
    /// missing.
    pub(crate) fn entry_value(&mut self, e: &ast::Expr) -> Expr {
        let span = e.span;
        let Some(open) = self.open_entry(e) else {
            return Self::err_expr(span);
        };
        self.close_entry(open, None, span)
    }

    /// `{ before; inner; write back; value of cur (or inner's) }`.
    pub(crate) fn close_entry(&mut self, open: OpenEntry, inner: Option<Expr>, span: Span) -> Expr {
        let OpenEntry {
            mut before,
            place,
            after,
        } = open;
        let cur = self.place_expr(place);
        let (tail, ty) = match inner {
            Some(e) => {
                // The inner expression's value, kept in a local across the write-back.
                let ty = e.ty.clone();
                let r = self.hidden_local(ty.clone(), span);
                before.push(Stmt::Let {
                    pat: Pat {
                        kind: PatKind::Bind(r),
                        ty: ty.clone(),
                        span,
                    },
                    init: Some(e),
                });
                (Self::mk(ExprKind::Local(r), ty.clone(), span), ty)
            }
            None => {
                let ty = cur.ty.clone();
                (cur, ty)
            }
        };
        before.push(after);
        Self::mk(
            ExprKind::Block(crate::tir::Block {
                stmts: before,
                tail: Some(Box::new(tail)),
            }),
            ty,
            span,
        )
    }
}
