//! Closures: `|x| x * k`. As in Rust, each closure expression has a type of its own
//! (`Ty::Closure`), named only through a type parameter with an `Fn(..)` bound, so a
//! generic function taking a closure is instantiated for it and its call `f(x)` is a
//! direct call: no boxing, no indirect call. A closure's value is a copy of the
//! variables it uses from the enclosing body (value semantics: a copy taken when the
//! closure is made, which the closure cannot assign); its code is a function of the
//! enclosing module, whose parameters are those copies, then the closure's own.
//!
//! The body is checked with the enclosing one (one inference for both, so `|x| x + 1`
//! learns `x` from its use), then lowered as a function of its own over the enclosing
//! body's locals (`tir::ClosureBody`).

use dast_base::{Diagnostic, Span};
use dast_syntax::ast;

use crate::check::FnCx;
use crate::errors;
use crate::generics::CallSig;
use crate::tir::{self, Expr, ExprKind, LocalId, PatKind, Stmt};
use crate::ty::{ClosureId, Ty};

/// A closure being checked: locals numbered from `start` are its own; the enclosing
/// body's ones it reads are its captures.
#[derive(Debug)]
pub(crate) struct ClosureFrame {
    pub start: u32,
    pub captured: Vec<LocalId>,
}

impl<'e, 'a> FnCx<'e, 'a> {
    /// `|params| body`, checked against the signature an `Fn` bound expects (when
    /// the closure is an argument of a generic function), or inferred from its uses.
    pub(crate) fn check_closure(
        &mut self,
        params: &[ast::ClosureParam],
        ret: Option<&ast::Type>,
        body: &ast::Expr,
        expected: Option<&Ty>,
        span: Span,
    ) -> Expr {
        if !self.in_fn {
            self.error(
                Diagnostic::error(
                    errors::CLOSURE_MISPLACED,
                    "closures can only be written inside functions",
                    span,
                )
                .with_label("closure in a constant or `var` initializer")
                .with_help(
                    "module state holds values, not code: call a function from here instead",
                ),
            );
            return Self::err_expr(span);
        }
        let modify = std::mem::take(&mut self.modify_closure);
        let hint = expected.and_then(|t| self.call_hint(t));
        let id = ClosureId(self.env.next_closure.get());
        self.env.next_closure.set(id.0 + 1);
        if hint.is_some() {
            self.hinted_closures.insert(id);
        }
        let start = self.locals.len() as u32;
        self.closure_frames.borrow_mut().push(ClosureFrame {
            start,
            captured: Vec::new(),
        });
        self.scopes.push(Default::default());
        let mut param_locals = Vec::new();
        let mut param_tys = Vec::new();
        let mut unpack = Vec::new();
        for (i, p) in params.iter().enumerate() {
            let ty = match (&p.ty, hint.as_ref().and_then(|h| h.params.get(i))) {
                // `|w: &str|`, `|v: &Vec[i32]|`: as a parameter, a reference is the value.
                (Some(t), _) => match &t.kind {
                    ast::TypeKind::Ref { inner, .. } => self.resolve_local_ty(inner),
                    ast::TypeKind::Slice { elem, .. } => {
                        Ty::Vec(Box::new(self.resolve_local_ty(elem)))
                    }
                    _ => self.resolve_local_ty(t),
                },
                (None, Some(t)) => t.clone(),
                (None, None) => self.fresh(),
            };
            if let (Some(h), Some(_)) = (hint.as_ref().and_then(|h| h.params.get(i)), &p.ty) {
                self.expect_ty(h, &ty, p.span);
            }
            let pat = self.check_pat(&p.pat, &ty, true);
            self.check_irrefutable(&pat, "closure parameter");
            if let (true, PatKind::Bind(l)) = (modify, &pat.kind) {
                self.locals[l.0 as usize].mutable = true;
            }
            let local = match pat.kind {
                PatKind::Bind(l) => l,
                _ => {
                    let l = self.hidden_local(ty.clone(), p.span);
                    let value = Self::mk(ExprKind::Local(l), ty.clone(), p.span);
                    unpack.push(Stmt::Let {
                        pat,
                        init: Some(value),
                    });
                    l
                }
            };
            param_locals.push(local);
            param_tys.push(ty);
        }
        if let Some(h) = &hint {
            if h.params.len() != params.len() {
                self.error(
                    Diagnostic::error(
                        errors::WRONG_ARG_COUNT,
                        format!(
                            "expected a closure that takes {} argument{}, found one that takes {}",
                            h.params.len(),
                            if h.params.len() == 1 { "" } else { "s" },
                            params.len()
                        ),
                        span,
                    )
                    .with_label("closure with the wrong number of parameters"),
                );
            }
        }
        let ret_ty = match (ret, &hint) {
            _ if modify => Ty::unit(),
            (Some(t), _) => self.resolve_local_ty(t),
            (None, Some(h)) => h.ret.clone(),
            (None, None) => self.fresh(),
        };
        // `return` inside the closure leaves the closure; loops outside it are not its.
        let outer_ret = std::mem::replace(&mut self.ret_ty, ret_ty.clone());
        let outer_loops = std::mem::take(&mut self.loops);
        let value = self.check_expr(body, Some(&ret_ty));
        if !matches!(self.infer.shallow(&value.ty), Ty::Never) {
            self.expect_ty(&ret_ty, &value.ty, body.span);
        }
        self.ret_ty = outer_ret;
        self.loops = outer_loops;
        self.scopes.pop();
        let frame = self
            .closure_frames
            .borrow_mut()
            .pop()
            .expect("pushed above");
        let value = if unpack.is_empty() {
            value
        } else {
            let ty = value.ty.clone();
            let vspan = value.span;
            let block = tir::Block {
                stmts: unpack,
                tail: Some(Box::new(value)),
            };
            Self::mk(ExprKind::Block(block), ty, vspan)
        };
        // `and_modify(|v| *v += 1)`: the closure gives back its changed parameter.
        let (value, ret_ty) = match (modify, param_locals.first()) {
            (true, Some(&p)) => {
                let ty = self.local_ty(p);
                let vspan = value.span;
                let block = tir::Block {
                    stmts: vec![Stmt::Expr(value)],
                    tail: Some(Box::new(Self::mk(ExprKind::Local(p), ty.clone(), vspan))),
                };
                (Self::mk(ExprKind::Block(block), ty.clone(), vspan), ty)
            }
            _ => (value, ret_ty),
        };
        let sig = CallSig {
            params: param_tys,
            ret: ret_ty,
        };
        self.closures.push(tir::ClosureBody {
            id,
            captures: frame.captured.clone(),
            params: param_locals,
            sig: sig.clone(),
            value,
        });
        self.closure_sigs.insert(id, sig);
        Self::mk(
            ExprKind::Closure {
                id,
                captures: frame.captured,
            },
            Ty::Closure(id),
            span,
        )
    }

    /// The signature a closure written where `t` is expected should have: that of the
    /// `Fn` bound of the generic function's parameter it is passed for.
    fn call_hint(&self, t: &Ty) -> Option<CallSig> {
        let t = self.infer.shallow(t);
        if let Ty::Param(p) = &t {
            return self.param_calls.get(p.index as usize).cloned().flatten();
        }
        self.call_hints
            .iter()
            .find(|(v, _)| self.infer.shallow(v) == t)
            .map(|(_, sig)| sig.clone())
    }

    /// Records that local `l` is read: by every closure being checked that it is
    /// outside of, which must then capture it.
    pub(crate) fn note_local_use(&self, l: LocalId) {
        for frame in self.closure_frames.borrow_mut().iter_mut() {
            if l.0 < frame.start && !frame.captured.contains(&l) {
                frame.captured.push(l);
            }
        }
    }

    /// Whether `l` is a capture of the closure being checked (a copy it cannot assign).
    pub(crate) fn is_captured(&self, l: LocalId) -> bool {
        self.closure_frames
            .borrow()
            .last()
            .is_some_and(|f| l.0 < f.start)
    }

    pub(crate) fn report_captured_assign(&mut self, l: LocalId, span: Span) {
        let name = self.locals[l.0 as usize].name.clone();
        self.error(
            Diagnostic::error(
                errors::ASSIGN_CAPTURED,
                format!("cannot assign to `{name}`, a captured variable, in a closure"),
                span,
            )
            .with_label("assignment inside the closure")
            .with_help(format!(
                "a closure works on a copy of `{name}` made when it was created; return the new value from the closure (or use a `for` loop) and assign it outside"
            )),
        );
    }

    /// The signature of closure `id`: written in this body, or in one checked before.
    pub(crate) fn closure_sig(&self, id: ClosureId) -> Option<CallSig> {
        if let Some(s) = self.closure_sigs.get(&id) {
            return Some(s.clone());
        }
        self.env.closures.get(&id).map(|c| c.sig.clone())
    }

    /// `f(args)` where `f` is a value (a local holding a closure, or a parameter whose
    /// type has an `Fn` bound); gives the callee back when it is not one.
    pub(crate) fn check_value_call(
        &mut self,
        callee: Expr,
        args: &[ast::Expr],
        span: Span,
    ) -> Result<Expr, Box<Expr>> {
        let t = self.infer.shallow(&callee.ty);
        let found = match &t {
            Ty::Closure(id) => self.closure_sig(*id).map(|s| (s, Some(*id))),
            Ty::Param(p) => self
                .param_calls
                .get(p.index as usize)
                .cloned()
                .flatten()
                .map(|s| (s, None)),
            _ => None,
        };
        let Some((sig, id)) = found else {
            return Err(Box::new(callee));
        };
        if args.len() != sig.params.len() {
            self.error(
                Diagnostic::error(
                    errors::WRONG_ARG_COUNT,
                    format!(
                        "this closure takes {} argument{} but {} were supplied",
                        sig.params.len(),
                        if sig.params.len() == 1 { "" } else { "s" },
                        args.len()
                    ),
                    span,
                )
                .with_label(format!("expected {}", sig.params.len())),
            );
        }
        let mut out = Vec::new();
        for (i, a) in args.iter().enumerate() {
            let arg = match sig.params.get(i) {
                Some(t) => self.check_expr(a, Some(t)),
                None => self.check_expr(a, None),
            };
            out.push(arg);
        }
        let Some(id) = id.filter(|_| out.len() == sig.params.len()) else {
            // In a generic body (checked, not lowered) or after an error.
            return Ok(Self::mk(ExprKind::Error, sig.ret, span));
        };
        Ok(Self::mk(
            ExprKind::CallClosure {
                id,
                callee: Box::new(callee),
                args: out,
            },
            sig.ret,
            span,
        ))
    }
}

/// The first closure type in `t`, if any.
pub fn first_closure(t: &Ty) -> Option<ClosureId> {
    match t {
        Ty::Closure(id) => Some(*id),
        Ty::Vec(t) | Ty::Box(t) | Ty::Option(t) => first_closure(t),
        Ty::Map(a, b) | Ty::Result(a, b) => first_closure(a).or_else(|| first_closure(b)),
        Ty::Tuple(ts) | Ty::Adt(_, ts) => ts.iter().find_map(first_closure),
        _ => None,
    }
}

/// Records the closures of a checked body (of function `owner`) in the environment,
/// named after it: `run.closure#1`, `run.closure#2`.
pub fn register_closures(env: &mut crate::env::Env, owner: crate::env::FnId, body: &tir::Body) {
    let def = env.func(owner);
    let (module, name) = (def.module, def.name.clone());
    for (index, c) in body.closures.iter().enumerate() {
        let captures = c
            .captures
            .iter()
            .map(|l| body.locals[l.0 as usize].ty.clone())
            .collect();
        env.closures.insert(
            c.id,
            crate::env::ClosureDef {
                module,
                name: format!("{name}.closure#{}", index + 1),
                sig: c.sig.clone(),
                captures,
                owner,
                index,
            },
        );
    }
}
