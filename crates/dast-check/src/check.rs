//! Checking of function bodies: name resolution of locals, type inference, and
//! translation to the typed IR. Checking goes on after errors: an erroneous expression
//! gets type `Error`, which unifies with everything, so one mistake is reported once.

use std::collections::HashMap;

use dast_base::{Diagnostic, Span};
use dast_syntax::ast;

use crate::env::{Def, Env, FnId, ModIdx, ParamMode, ScopeId};
use crate::errors;
use crate::generics::{Bound, CallSig, Obligation};
use crate::tir::{self, Expr, ExprKind, LocalId, LocalInfo, Place, PlaceRoot, Proj};
use crate::ty::{display_ty, AdtId, FloatTy, Infer, IntTy, Ty, VarKind};

pub(crate) struct LoopCx {
    /// `loop` can break with a value; `while`/`for` only with `()`.
    pub break_ty: Option<Ty>,
    /// `'outer` of `'outer: loop { }` (with its `'`).
    pub label: Option<String>,
}

/// State while checking one body (a function, a `var` initializer or a constant).
pub(crate) struct FnCx<'e, 'a> {
    pub env: &'e Env<'a>,
    pub diags: &'e mut Vec<Diagnostic>,
    pub infer: Infer,
    pub locals: Vec<LocalInfo>,
    pub scopes: Vec<HashMap<String, LocalId>>,
    pub ret_ty: Ty,
    pub loops: Vec<LoopCx>,
    pub module: ModIdx,
    pub scope: ScopeId,
    pub self_adt: Option<AdtId>,
    /// Integer literals, checked against their final type once inference is done.
    pub int_lits: Vec<(Ty, i128, Span)>,
    pub in_fn: bool,
    /// Locals that are `&mut` parameters: they can be passed on to `&mut` parameters by
    /// name, as a Rust `&mut T` can.
    pub ref_mut_params: Vec<LocalId>,
    /// The label of a labeled loop being checked, until that loop takes it.
    pub pending_label: Option<String>,
    /// Type parameter names in scope and what they stand for: `Ty::Param` in a
    /// generic function's own body, the concrete types in one of its instances.
    pub ty_params: Vec<(String, Ty)>,
    /// The bounds of the generic function's parameters (what a `Ty::Param` value can do).
    pub param_bounds: Vec<Vec<Bound>>,
    /// Bounds of the generic functions this body calls, checked at the end.
    pub obligations: Vec<Obligation>,
    /// The generic functions this body calls, with their type arguments.
    pub instances: Vec<(FnId, Vec<Ty>, Span)>,
    /// The closures being checked, innermost last (a `RefCell`: name lookup, which
    /// records captures, only reads the context).
    pub closure_frames: std::cell::RefCell<Vec<crate::closure::ClosureFrame>>,
    /// The closures written in this body, checked.
    pub closures: Vec<tir::ClosureBody>,
    pub closure_sigs: HashMap<crate::ty::ClosureId, CallSig>,
    /// Type variables standing for a generic function's `F: Fn(..)` parameter at a
    /// call, with the signature: a closure passed there is checked against it.
    pub call_hints: Vec<(Ty, CallSig)>,
    /// `Fn` bounds of the generic function's parameters.
    pub param_calls: Vec<Option<CallSig>>,
    /// Locals that name a place (`x` of `for x in v.iter_mut()` is `v[i]`): reading
    /// or changing them reads or changes the place.
    pub aliases: HashMap<LocalId, Place>,
    /// The next closure checked is `and_modify`'s: its parameter is the value to
    /// change (mutable), and what it returns.
    pub modify_closure: bool,
    /// Closures checked against an `Fn` bound's signature where they were written
    /// (any mismatch is reported there, once).
    pub hinted_closures: std::collections::HashSet<crate::ty::ClosureId>,
    /// `Fn` bounds of the generic functions this body calls, checked at the end.
    pub call_obligations: Vec<(Ty, CallSig, Span)>,
}

impl<'e, 'a> FnCx<'e, 'a> {
    pub fn new(
        env: &'e Env<'a>,
        diags: &'e mut Vec<Diagnostic>,
        module: ModIdx,
        scope: ScopeId,
    ) -> Self {
        FnCx {
            env,
            diags,
            infer: Infer::default(),
            locals: Vec::new(),
            scopes: vec![HashMap::new()],
            ret_ty: Ty::unit(),
            loops: Vec::new(),
            module,
            scope,
            self_adt: None,
            int_lits: Vec::new(),
            in_fn: false,
            ref_mut_params: Vec::new(),
            pending_label: None,
            ty_params: Vec::new(),
            param_bounds: Vec::new(),
            obligations: Vec::new(),
            instances: Vec::new(),
            closure_frames: Default::default(),
            closures: Vec::new(),
            closure_sigs: HashMap::new(),
            call_hints: Vec::new(),
            param_calls: Vec::new(),
            modify_closure: false,
            aliases: HashMap::new(),
            hinted_closures: Default::default(),
            call_obligations: Vec::new(),
        }
    }

    // ---------- helpers ----------

    pub fn show(&self, ty: &Ty) -> String {
        display_ty(ty, &self.infer, self.env)
    }

    pub fn error(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    pub fn err_expr(span: Span) -> Expr {
        Expr {
            kind: ExprKind::Error,
            ty: Ty::Error,
            span,
        }
    }

    pub fn mk(kind: ExprKind, ty: Ty, span: Span) -> Expr {
        Expr { kind, ty, span }
    }

    /// Unifies `found` with `expected`, reporting "mismatched types" at `span`.
    pub fn expect_ty(&mut self, expected: &Ty, found: &Ty, span: Span) -> bool {
        if self.infer.unify(expected, found) {
            return true;
        }
        let exp = self.show(expected);
        let fnd = self.show(found);
        let mut d = Diagnostic::error(errors::MISMATCHED_TYPES, "mismatched types", span)
            .with_label(format!("expected `{exp}`, found `{fnd}`"));
        if let Some(h) = self.mismatch_hint(expected, found) {
            d = d.with_help(h);
        }
        self.error(d);
        false
    }

    fn mismatch_hint(&self, expected: &Ty, found: &Ty) -> Option<String> {
        let e = self.infer.shallow(expected);
        let f = self.infer.shallow(found);
        match (&e, &f) {
            (Ty::Int(_) | Ty::Float(_), Ty::Int(_) | Ty::Float(_)) => {
                Some(format!("convert with `as`: `value as {}`", self.show(&e)))
            }
            (Ty::Option(inner), _) if self.infer.clone_unify(inner, &f) => {
                Some("wrap the value: `Some(value)`".into())
            }
            (_, Ty::Option(inner)) if self.infer.clone_unify(inner, &e) => Some(
                "unwrap the option first, e.g. `value.unwrap()` or `if let Some(v) = value`".into(),
            ),
            (Ty::Str, Ty::Int(_) | Ty::Float(_) | Ty::Bool) => {
                Some("convert with `.to_string()`".into())
            }
            (Ty::Closure(_), Ty::Closure(_)) => Some(
                "every closure has a type of its own: one variable, field or vector holds one closure (there is no `Box[dyn Fn(..)]` yet)".into(),
            ),
            _ => None,
        }
    }

    pub fn new_local(&mut self, name: &str, ty: Ty, mutable: bool, span: Span) -> LocalId {
        self.locals.push(LocalInfo {
            name: name.to_string(),
            ty,
            mutable,
            span,
        });
        let id = LocalId(self.locals.len() as u32 - 1);
        self.scopes.last_mut().unwrap().insert(name.to_string(), id);
        id
    }

    /// A local invisible to user code (loop counters, temporaries).
    pub fn hidden_local(&mut self, ty: Ty, span: Span) -> LocalId {
        self.locals.push(LocalInfo {
            name: String::new(),
            ty,
            mutable: true,
            span,
        });
        LocalId(self.locals.len() as u32 - 1)
    }

    pub fn lookup_local(&self, name: &str) -> Option<LocalId> {
        let l = self
            .scopes
            .iter()
            .rev()
            .find_map(|s| s.get(name).copied())?;
        self.note_local_use(l);
        Some(l)
    }

    pub fn local_ty(&self, id: LocalId) -> Ty {
        self.locals[id.0 as usize].ty.clone()
    }

    pub fn fresh(&mut self) -> Ty {
        self.infer.fresh(VarKind::General)
    }

    /// Struct or enum `a` named without type arguments (`Pair { .. }`, `Tree.Leaf`,
    /// `Stack.new()`): a fresh variable for each of its parameters, found by inference.
    pub fn fresh_adt(&mut self, a: AdtId) -> Ty {
        let n = self.env.adt(a).generics.len();
        Ty::Adt(a, (0..n).map(|_| self.fresh()).collect())
    }

    // ---------- bodies ----------

    /// Checks a function body against its signature.
    pub fn check_fn(&mut self, id: FnId) -> tir::Body {
        let f = self.env.func(id);
        self.self_adt = f.self_adt;
        self.ret_ty = f.sig.ret.clone();
        match &f.instance {
            Some((_, args)) => {
                let names = f.generics.iter().map(|g| g.name.clone());
                self.ty_params = names.zip(args.iter().cloned()).collect();
            }
            None => {
                self.ty_params = crate::generics::param_scope(&f.generics);
                self.param_bounds = f.generics.iter().map(|g| g.bounds.clone()).collect();
                self.param_calls = f.generics.iter().map(|g| g.call.clone()).collect();
            }
        }
        // In a method of a generic type, `Self` is the type with the impl's parameters
        // (the first ones of the method's).
        if let Some(a) = f.self_adt {
            let n = self.env.adt(a).generics.len();
            if n > 0 && self.ty_params.len() >= n {
                let args = self.ty_params[..n].iter().map(|(_, t)| t.clone()).collect();
                self.ty_params.push(("Self".to_string(), Ty::Adt(a, args)));
            }
        }
        self.in_fn = true;
        let mut params = Vec::new();
        for p in &f.sig.params {
            let mutable = p.mutable || p.mode == ParamMode::RefMut;
            let l = self.new_local(&p.name, p.ty.clone(), mutable, p.span);
            if p.mode == ParamMode::RefMut {
                self.ref_mut_params.push(l);
            }
            params.push(l);
        }
        if f.decl.is_host {
            self.check_host_fn(f);
            let value = Self::err_expr(f.span);
            return self.finish_body(params, value);
        }
        let value = match &f.decl.body {
            Some(block) => {
                let ret = self.ret_ty.clone();
                let e = self.check_block(block, Some(&ret));
                let span = block.tail.as_ref().map_or(block.span, |t| t.span);
                if !matches!(self.infer.shallow(&e.ty), Ty::Never) {
                    self.expect_block_value(&ret, &e, span, block);
                }
                e
            }
            None if f.placeholder => Self::err_expr(f.span),
            None => {
                self.error(
                    Diagnostic::error(
                        errors::FN_WITHOUT_BODY,
                        format!("function `{}` has no body", f.name),
                        f.span,
                    )
                    .with_label("missing `{ ... }`"),
                );
                Self::err_expr(f.span)
            }
        };
        self.finish_body(params, value)
    }

    fn expect_block_value(&mut self, ret: &Ty, e: &Expr, span: Span, block: &ast::Block) {
        if self.infer.clone_unify(ret, &e.ty) {
            self.infer.unify(ret, &e.ty);
            return;
        }
        let exp = self.show(ret);
        let fnd = self.show(&e.ty);
        let mut d = Diagnostic::error(errors::MISMATCHED_TYPES, "mismatched types", span)
            .with_label(format!("expected `{exp}`, found `{fnd}`"));
        if block.tail.is_none() && !ret.is_unit() {
            d = d.with_help(format!(
                "the function must return `{exp}`: end the body with a value (no `;`) or use `return`"
            ));
        }
        self.error(d);
    }

    /// Resolves all types, checks integer literal ranges, and returns the body.
    pub fn finish_body(&mut self, params: Vec<LocalId>, value: Expr) -> tir::Body {
        self.finish_call_obligations();
        self.infer.default_literals();
        for (ty, v, span) in std::mem::take(&mut self.int_lits) {
            let t = self.infer.shallow(&ty);
            if let Ty::Int(it) = t {
                let (lo, hi) = it.range();
                // Negative literals are checked by negation; unsigned wrap of `-1` is an error.
                if v < lo || v > hi {
                    self.error(
                        Diagnostic::error(
                            errors::LITERAL_OUT_OF_RANGE,
                            format!("literal out of range for `{}`", it.name()),
                            span,
                        )
                        .with_label(format!("`{v}` does not fit in `{}`", it.name()))
                        .with_help(format!(
                            "the range of `{}` is {lo}..={hi}; use a wider type such as `i64`",
                            it.name()
                        )),
                    );
                }
            }
        }
        let instances = self.finish_instances();
        let mut body = tir::Body {
            params,
            locals: std::mem::take(&mut self.locals),
            value,
            instances,
            closures: std::mem::take(&mut self.closures),
        };
        crate::zonk::zonk_body(&mut body, &self.infer);
        body
    }

    /// Checks the type arguments of the generic calls once inference is done: each
    /// must be known and satisfy its bounds. Returns the concrete instances called
    /// (none from a generic body, whose calls still name its own parameters).
    fn finish_instances(&mut self) -> Vec<(FnId, Vec<Ty>)> {
        let mut unknown: Vec<Span> = Vec::new();
        let mut out = Vec::new();
        for (f, args, span) in std::mem::take(&mut self.instances) {
            let args: Vec<Ty> = args.iter().map(|t| self.infer.resolve(t)).collect();
            if let Some(i) = args.iter().position(crate::generics::has_vars) {
                let def = self.env.func(f);
                let (name, param) = (def.name.clone(), def.generics[i].name.clone());
                let listed: Vec<&str> = def.generics.iter().map(|g| g.name.as_str()).collect();
                self.error(
                    Diagnostic::error(
                        errors::CANNOT_INFER_TYPE_ARG,
                        format!("type annotations needed: cannot infer `{param}` of `{name}`"),
                        span,
                    )
                    .with_label(format!("cannot infer the type argument `{param}`"))
                    .with_help(format!(
                        "name the type arguments: `{name}[{}](...)`",
                        listed.join(", ")
                    )),
                );
                unknown.push(span);
                continue;
            }
            if !args.iter().any(|t| t.has_params() || contains_error(t)) {
                out.push((f, args));
            }
        }
        for o in std::mem::take(&mut self.obligations) {
            if unknown.contains(&o.span) {
                continue;
            }
            let t = self.infer.resolve(&o.ty);
            if crate::generics::satisfies(self.env, &t, o.bound, &self.param_bounds) {
                continue;
            }
            self.report_unsatisfied(&t, &o);
        }
        out
    }

    /// Each closure passed for an `F: Fn(..) -> R` parameter must have that signature
    /// (checked before literals take their default types: the bound may fix them).
    fn finish_call_obligations(&mut self) {
        for (t, want, span) in std::mem::take(&mut self.call_obligations) {
            let found = match self.infer.shallow(&t) {
                Ty::Closure(id) if self.hinted_closures.contains(&id) => continue,
                Ty::Closure(id) => self.closure_sig(id),
                Ty::Param(p) => self.param_calls.get(p.index as usize).cloned().flatten(),
                Ty::Error | Ty::Var(_) => continue,
                _ => None,
            };
            let fits = found.as_ref().is_some_and(|f| {
                f.params.len() == want.params.len()
                    && self.infer.clone_unify(
                        &Ty::Tuple(f.params.clone()),
                        &Ty::Tuple(want.params.clone()),
                    )
                    && self.infer.clone_unify(&f.ret, &want.ret)
            });
            if fits {
                let f = found.expect("fits");
                self.infer
                    .unify(&Ty::Tuple(f.params), &Ty::Tuple(want.params));
                self.infer.unify(&f.ret, &want.ret);
                continue;
            }
            let shown_want = self.show_call(&want);
            let shown_found = match &found {
                Some(f) => format!("a closure `{}`", self.show_call(f)),
                None => format!("`{}`", self.show(&t)),
            };
            self.error(
                Diagnostic::error(
                    errors::BOUND_NOT_SATISFIED,
                    format!("expected a closure `{shown_want}`, found {shown_found}"),
                    span,
                )
                .with_label(format!("this argument must be `{shown_want}`"))
                .with_help("pass a closure with these parameter and return types"),
            );
        }
    }

    pub(crate) fn show_call(&self, sig: &CallSig) -> String {
        let params: Vec<String> = sig.params.iter().map(|t| self.show(t)).collect();
        let ret = if sig.ret.is_unit() {
            String::new()
        } else {
            format!(" -> {}", self.show(&sig.ret))
        };
        format!("Fn({}){ret}", params.join(", "))
    }

    fn report_unsatisfied(&mut self, t: &Ty, o: &Obligation) {
        let def = self.env.func(o.callee);
        let g = &def.generics[o.param as usize];
        let (bound, shown) = (o.bound.name(self.env), self.show(t));
        let mut d = Diagnostic::error(
            errors::BOUND_NOT_SATISFIED,
            format!("the trait bound `{shown}: {bound}` is not satisfied"),
            o.span,
        )
        .with_label(format!(
            "`{shown}` is not `{bound}`, which `{}` requires of `{}`",
            def.name, g.name
        ))
        .with_secondary(g.span, format!("`{}: {bound}` required here", g.name));
        d = d.with_help(match (t, o.bound) {
            (Ty::Param(p), _) => format!(
                "add the bound to the caller's parameter: `{}: {bound}`",
                p.name
            ),
            (Ty::Adt(_, _), crate::generics::Bound::Trait(_) | crate::generics::Bound::Display) => {
                format!("implement it: `impl {bound} for {shown} {{ ... }}`")
            }
            _ => format!("call `{}` with a type that is `{bound}`", def.name),
        });
        self.error(d);
    }

    // ---------- blocks and statements ----------

    pub fn check_block(&mut self, block: &ast::Block, expected: Option<&Ty>) -> Expr {
        self.check_block_with(block, expected, false)
    }

    /// `check_block`; with `plain_tail_unhinted`, a tail that is a plain value (a
    /// literal, a name, an operation: see `is_plain_value`) is checked without the
    /// expected type, for the caller to report a mismatch in its own words.
    fn check_block_with(
        &mut self,
        block: &ast::Block,
        expected: Option<&Ty>,
        plain_tail_unhinted: bool,
    ) -> Expr {
        self.scopes.push(HashMap::new());
        let mut stmts = Vec::new();
        let mut diverges = false;
        for s in &block.stmts {
            if let Some(st) = self.check_stmt(s) {
                if let tir::Stmt::Expr(e) = &st {
                    if matches!(self.infer.shallow(&e.ty), Ty::Never) {
                        diverges = true;
                    }
                }
                if let tir::Stmt::Let { init: Some(e), .. } = &st {
                    if matches!(self.infer.shallow(&e.ty), Ty::Never) {
                        diverges = true;
                    }
                }
                stmts.push(st);
            }
        }
        let tail = match &block.tail {
            Some(t) => match self.check_dropped_tail(t, expected) {
                Ok(stmt) => {
                    stmts.push(stmt);
                    None
                }
                Err(()) => {
                    let hint = if plain_tail_unhinted && is_plain_value(t) {
                        None
                    } else {
                        expected
                    };
                    Some(Box::new(self.check_expr(t, hint)))
                }
            },
            None => None,
        };
        self.scopes.pop();
        let ty = match &tail {
            Some(t) => t.ty.clone(),
            None if diverges => Ty::Never,
            None => Ty::unit(),
        };
        Self::mk(ExprKind::Block(tir::Block { stmts, tail }), ty, block.span)
    }

    /// Semicolons are optional in Dast, so a block that must be `()` (a loop body, an
    /// `if` without `else`, a unit function) may end in a call whose value is unused,
    /// such as `m.insert(k, v)` or `v.pop()`: that call is a statement, as it would be
    /// with `;` (Rust would demand the `;`). `Err` means "not such a tail": check it as
    /// the block's value (`t` has not been checked then).
    fn check_dropped_tail(
        &mut self,
        t: &ast::Expr,
        expected: Option<&Ty>,
    ) -> Result<tir::Stmt, ()> {
        let wants_unit = expected.is_some_and(|e| self.infer.shallow(e).is_unit());
        if !wants_unit || !matches!(t.kind, ast::ExprKind::Call { .. }) {
            return Err(());
        }
        let e = self.check_expr(t, None);
        let ty = self.infer.shallow(&e.ty);
        if !matches!(ty, Ty::Var(_) | Ty::Never | Ty::Error) && !ty.is_unit() {
            return Ok(tir::Stmt::Expr(e));
        }
        // Unit, diverging or still unknown: a statement either way (`()` is its value).
        self.infer.unify(&Ty::unit(), &ty);
        Ok(tir::Stmt::Expr(e))
    }

    fn check_stmt(&mut self, s: &ast::Stmt) -> Option<tir::Stmt> {
        match &s.kind {
            ast::StmtKind::Let { pat, ty, init } => {
                let declared = ty.as_ref().map(|t| self.resolve_local_ty(t));
                let init = init.as_ref().map(|e| self.check_expr(e, declared.as_ref()));
                let pat_ty = match (&declared, &init) {
                    (Some(d), _) => d.clone(),
                    (None, Some(e)) if matches!(self.infer.shallow(&e.ty), Ty::Never) => {
                        self.fresh()
                    }
                    (None, Some(e)) => e.ty.clone(),
                    (None, None) => self.fresh(),
                };
                let pat = self.check_pat(pat, &pat_ty, true);
                if init.is_some() {
                    self.check_irrefutable(&pat, "`let` binding");
                }
                Some(tir::Stmt::Let { pat, init })
            }
            ast::StmtKind::Expr { expr, semi } => {
                let hint = if *semi { None } else { Some(Ty::unit()) };
                let e = self.check_expr(expr, None);
                if !*semi && is_block_like(expr) {
                    // A block-like statement without `;` must be unit (or diverge).
                    if let Some(h) = hint {
                        let t = self.infer.shallow(&e.ty);
                        if !matches!(t, Ty::Never | Ty::Error) && !self.infer.clone_unify(&h, &t) {
                            let fnd = self.show(&t);
                            self.error(
                                Diagnostic::error(
                                    errors::MISMATCHED_TYPES,
                                    "mismatched types",
                                    e.span,
                                )
                                .with_label(format!("expected `()`, found `{fnd}`"))
                                .with_help("add `;` after the expression to discard its value"),
                            );
                        } else {
                            self.infer.unify(&h, &t);
                        }
                    }
                }
                Some(tir::Stmt::Expr(e))
            }
            ast::StmtKind::Item(item) => {
                // The item's name is still declared (as an error value), so its uses
                // report nothing more; the error points at the item's head.
                let name = match &item.kind {
                    ast::ItemKind::Fn(f) => Some(&f.name),
                    ast::ItemKind::Var(g) | ast::ItemKind::Const(g) => Some(&g.name),
                    ast::ItemKind::Static { decl, .. } => Some(&decl.name),
                    _ => None,
                };
                let head = match name {
                    Some(n) => Span::new(item.span.file, item.span.start, n.span.end),
                    None => item.span,
                };
                self.error(
                    Diagnostic::error(
                        errors::ITEM_IN_BODY,
                        "items inside function bodies are not supported",
                        head,
                    )
                    .with_label("move this item to the module level"),
                );
                if let Some(n) = name {
                    self.new_local(&n.name, Ty::Error, true, n.span);
                }
                None
            }
        }
    }

    pub fn resolve_local_ty(&mut self, t: &ast::Type) -> Ty {
        // Type resolution reports into env diagnostics; use a scratch env clone-free path.
        let mut scratch = Vec::new();
        let cx = crate::resolve::TyScope {
            self_adt: self.self_adt,
            params: &self.ty_params,
        };
        let ty = crate::resolve::resolve_ty_in(self.env, self.scope, t, cx, &mut scratch);
        self.diags.extend(scratch);
        ty
    }

    // ---------- expressions ----------

    pub fn check_expr(&mut self, e: &ast::Expr, expected: Option<&Ty>) -> Expr {
        let mut out = self.infer_expr(e, expected);
        if let Some(Ty::Dyn(tr)) = expected.map(|t| self.infer.shallow(t)) {
            out = self.coerce_to_dyn(out, tr);
        }
        if let Some(exp) = expected {
            if !out.ty.is_error() {
                let t = out.ty.clone();
                self.expect_ty(exp, &t, e.span);
            }
        }
        out
    }

    /// Where a `dyn tr` is expected, a `Box[T]` or a `T` (passed as `&value`) of a type
    /// that implements `tr` becomes a trait object.
    fn coerce_to_dyn(&mut self, e: Expr, tr: crate::ty::TraitId) -> Expr {
        let ty = self.infer.resolve(&e.ty);
        let (adt, boxed) = match ty {
            Ty::Adt(a, _) => {
                let span = e.span;
                let boxed_ty = Ty::Box(Box::new(ty.clone()));
                (a, Self::mk(ExprKind::BoxNew(Box::new(e)), boxed_ty, span))
            }
            Ty::Box(ref inner) => match **inner {
                Ty::Adt(a, _) => (a, e),
                _ => return e,
            },
            _ => return e,
        };
        let span = boxed.span;
        let trait_name = self.env.traits[tr.0 as usize].name.clone();
        if !self.env.adt(adt).generics.is_empty() {
            let shown = self.env.adt(adt).name.clone();
            self.error(
                Diagnostic::error(
                    errors::TRAIT_NOT_IMPLEMENTED,
                    format!("a value of generic type `{shown}` cannot be a `dyn {trait_name}` yet"),
                    span,
                )
                .with_label(format!("expected `dyn {trait_name}`, found `{shown}`"))
                .with_help("trait objects are made of non-generic structs and enums; wrap the value in one"),
            );
            return Self::err_expr(span);
        }
        if !self.env.adt(adt).traits.contains(&tr) {
            let type_name = self.env.adt(adt).name.clone();
            self.error(
                Diagnostic::error(
                    errors::TRAIT_NOT_IMPLEMENTED,
                    format!("the trait `{trait_name}` is not implemented for `{type_name}`"),
                    span,
                )
                .with_label(format!("expected `dyn {trait_name}`, found `{type_name}`"))
                .with_help(format!(
                    "implement it: `impl {trait_name} for {type_name} {{ ... }}`"
                )),
            );
            return Self::err_expr(span);
        }
        if self.report_not_object_safe(tr, span) {
            return Self::err_expr(span);
        }
        Self::mk(
            ExprKind::ToDyn {
                value: Box::new(boxed),
                adt,
                tr,
            },
            Ty::Dyn(tr),
            span,
        )
    }

    /// Reports E0223 at `span` when `tr` has a method a trait object cannot call;
    /// whether it did.
    pub(crate) fn report_not_object_safe(&mut self, tr: crate::ty::TraitId, span: Span) -> bool {
        let tdef = &self.env.traits[tr.0 as usize];
        let bad = tdef
            .methods()
            .find(|m| crate::env::dyn_method_sig(self.env, tr, m).is_none())
            .map(|m| m.name.name.clone());
        let Some(bad) = bad else {
            return false;
        };
        let trait_name = tdef.name.clone();
        self.error(
            Diagnostic::error(
                errors::NOT_OBJECT_SAFE,
                format!("`{trait_name}` cannot be made a trait object"),
                span,
            )
            .with_label(format!("method `{bad}` cannot be called through `dyn {trait_name}`"))
            .with_help("a trait object's methods take `self: &Self` or `self: &mut Self` and no other `Self` or `&mut` parameter"),
        );
        true
    }

    /// Checks `e` using `expected` only as a hint (no mismatch is reported here).
    pub fn infer_expr(&mut self, e: &ast::Expr, expected: Option<&Ty>) -> Expr {
        let out = self.infer_expr_kind(e, expected);
        // An iterator chain used as a value: its items, collected (chains that go on
        // are checked by `pipeline_of`, which does not come through here).
        match out.kind {
            ExprKind::Pipeline(p) => self.collect_vec(*p, out.span),
            _ => out,
        }
    }

    fn infer_expr_kind(&mut self, e: &ast::Expr, expected: Option<&Ty>) -> Expr {
        let span = e.span;
        match &e.kind {
            ast::ExprKind::Lit(lit) => self.check_lit(lit, expected, span),
            ast::ExprKind::Closure { params, ret, body } => {
                self.check_closure(params, ret.as_ref(), body, expected, span)
            }
            ast::ExprKind::Name(id) => self.check_name(id, expected, span),
            ast::ExprKind::InferredVariant(id) => {
                self.check_variant_value(id, None, expected, span, &[])
            }
            ast::ExprKind::Field { .. } => self.check_field(e, expected),
            ast::ExprKind::TupleField {
                base,
                index,
                index_span,
            } => {
                let b = self.check_expr(base, None);
                let t = self.infer.shallow(&b.ty);
                match t {
                    Ty::Tuple(ts) if (*index as usize) < ts.len() => {
                        let ty = ts[*index as usize].clone();
                        Self::mk(
                            ExprKind::Field {
                                base: Box::new(b),
                                index: *index,
                            },
                            ty,
                            span,
                        )
                    }
                    Ty::Error => Self::err_expr(span),
                    _ => {
                        let shown = self.show(&t);
                        self.error(
                            Diagnostic::error(
                                errors::UNKNOWN_FIELD,
                                format!("no field `{index}` on type `{shown}`"),
                                *index_span,
                            )
                            .with_label("unknown field"),
                        );
                        Self::err_expr(span)
                    }
                }
            }
            ast::ExprKind::Call { .. } if Self::is_entry(e) => self.entry_value(e),
            ast::ExprKind::Call { callee, args } => self.check_call(callee, args, expected, span),
            ast::ExprKind::TypeArgs { .. } => {
                // Only meaningful as a callee or a type path; `check_call`/paths handle it.
                self.check_path_value(e, expected)
            }
            ast::ExprKind::Index { base, index } => self.check_index(base, index, span),
            ast::ExprKind::Unary { op, expr } => self.check_unary(*op, expr, expected, span),
            ast::ExprKind::Binary { op, lhs, rhs } => {
                self.check_binary(*op, lhs, rhs, expected, span)
            }
            ast::ExprKind::Assign { op, place, value } => {
                self.check_assign(*op, place, value, span)
            }
            ast::ExprKind::Cast { expr, ty } => self.check_cast(expr, ty, span),
            ast::ExprKind::Ref { expr, .. } => {
                // `&x` outside an argument list is the value itself (values are values).
                self.check_expr(expr, expected)
            }
            ast::ExprKind::Deref(inner) => {
                let v = self.infer_expr(inner, None);
                match self.infer.shallow(&v.ty) {
                    Ty::Box(t) => {
                        let index = self.box_index(span);
                        Self::mk(
                            ExprKind::Index {
                                base: Box::new(v),
                                index: Box::new(index),
                            },
                            *t,
                            span,
                        )
                    }
                    _ => v,
                }
            }
            ast::ExprKind::Tuple(items) => {
                let exp_items = match expected.map(|t| self.infer.shallow(t)) {
                    Some(Ty::Tuple(ts)) if ts.len() == items.len() => Some(ts),
                    _ => None,
                };
                let elems: Vec<Expr> = items
                    .iter()
                    .enumerate()
                    .map(|(i, it)| {
                        let hint = exp_items.as_ref().map(|t| t[i].clone());
                        self.check_expr(it, hint.as_ref())
                    })
                    .collect();
                if elems.is_empty() {
                    return Self::mk(ExprKind::Unit, Ty::unit(), span);
                }
                let ty = Ty::Tuple(elems.iter().map(|x| x.ty.clone()).collect());
                Self::mk(ExprKind::Tuple(elems), ty, span)
            }
            ast::ExprKind::Paren(inner) => self.check_expr(inner, expected),
            ast::ExprKind::Array(items) => self.check_array(items, expected, span),
            ast::ExprKind::ArrayRepeat { value, count } => {
                let elem_hint = match expected.map(|t| self.infer.shallow(t)) {
                    Some(Ty::Vec(t)) => Some(*t),
                    _ => None,
                };
                let v = self.check_expr(value, elem_hint.as_ref());
                let c = self.check_expr(count, Some(&Ty::Int(IntTy::Usize)));
                let ty = Ty::Vec(Box::new(v.ty.clone()));
                Self::mk(
                    ExprKind::VecRepeat {
                        value: Box::new(v),
                        count: Box::new(c),
                    },
                    ty,
                    span,
                )
            }
            ast::ExprKind::StructLit { path, fields, rest } => {
                self.check_struct_lit(path, fields, rest.as_deref(), expected, span)
            }
            ast::ExprKind::Range { .. } => {
                self.error(
                    Diagnostic::error(
                        errors::RANGE_UNSUPPORTED,
                        "ranges can only be used in `for` loops and patterns",
                        span,
                    )
                    .with_label("range used as a value")
                    .with_help("iterate with `for i in a..b { ... }`"),
                );
                Self::err_expr(span)
            }
            ast::ExprKind::Block(b) | ast::ExprKind::Unsafe(b) => self.check_block(b, expected),
            ast::ExprKind::If { cond, then, els } => {
                self.check_if(cond, then, els.as_deref(), expected, span)
            }
            ast::ExprKind::IfLet {
                pat,
                value,
                then,
                els,
            } => self.check_if_let(pat, value, then, els.as_deref(), expected, span),
            ast::ExprKind::Match { scrutinee, arms } => {
                self.check_match(scrutinee, arms, expected, span)
            }
            ast::ExprKind::While { cond, body } => {
                let c = self.check_expr(cond, Some(&Ty::Bool));
                self.push_loop(None);
                let b = self.check_block(body, Some(&Ty::unit()));
                self.loops.pop();
                Self::mk(
                    ExprKind::While {
                        cond: Box::new(c),
                        body: Box::new(b),
                    },
                    Ty::unit(),
                    span,
                )
            }
            ast::ExprKind::WhileLet { pat, value, body } => {
                self.check_while_let(pat, value, body, span)
            }
            ast::ExprKind::Loop(body) => {
                let bt = self.fresh();
                self.push_loop(Some(bt));
                let b = self.check_block(body, Some(&Ty::unit()));
                let cx = self.loops.pop().unwrap();
                let bt = cx.break_ty.unwrap();
                // A loop without any `break` never ends: its type is `!`.
                let ty = if self.infer.var_kind(&bt) == Some(VarKind::General) {
                    Ty::Never
                } else {
                    bt
                };
                Self::mk(ExprKind::Loop { body: Box::new(b) }, ty, span)
            }
            ast::ExprKind::For { pat, iter, body } => self.check_for(pat, iter, body, span),
            ast::ExprKind::Break { label, value } => {
                self.check_break(label.as_ref(), value.as_deref(), span)
            }
            ast::ExprKind::Continue(label) => {
                if self.loops.is_empty() {
                    self.error(
                        Diagnostic::error(
                            errors::OUTSIDE_LOOP,
                            "`continue` outside of a loop",
                            span,
                        )
                        .with_label("cannot `continue` here"),
                    );
                }
                let depth = self.loop_depth(label.as_ref()).unwrap_or(0);
                Self::mk(ExprKind::Continue(depth), Ty::Never, span)
            }
            ast::ExprKind::Labeled { label, body } => {
                self.pending_label = Some(label.name.clone());
                let e = self.check_expr(body, expected);
                self.pending_label = None;
                e
            }
            ast::ExprKind::Return(value) => {
                let ret = self.ret_ty.clone();
                let v = match value {
                    Some(v) => Some(Box::new(self.check_expr(v, Some(&ret)))),
                    None => {
                        if !self.infer.clone_unify(&ret, &Ty::unit()) {
                            let r = self.show(&ret);
                            self.error(
                                Diagnostic::error(
                                    errors::MISMATCHED_TYPES,
                                    "mismatched types",
                                    span,
                                )
                                .with_label(format!("expected `{r}`, found `()`"))
                                .with_help("return a value: `return value`"),
                            );
                        }
                        None
                    }
                };
                Self::mk(ExprKind::Return(v), Ty::Never, span)
            }
            ast::ExprKind::Try(inner) => self.check_try(inner, span),
            ast::ExprKind::Error => Self::err_expr(span),
        }
    }

    fn check_lit(&mut self, lit: &ast::Lit, expected: Option<&Ty>, span: Span) -> Expr {
        match lit {
            ast::Lit::Int { value, suffix } => {
                let ty = match suffix.as_deref() {
                    Some("f32") => {
                        return Self::mk(
                            ExprKind::Float(*value as f64),
                            Ty::Float(FloatTy::F32),
                            span,
                        )
                    }
                    Some("f64") => {
                        return Self::mk(
                            ExprKind::Float(*value as f64),
                            Ty::Float(FloatTy::F64),
                            span,
                        )
                    }
                    Some(s) => match IntTy::from_name(s) {
                        Some(t) => Ty::Int(t),
                        None => {
                            self.error(
                                Diagnostic::error(errors::BAD_LITERAL_SUFFIX, format!("invalid suffix `{s}` for a number literal"), span)
                                    .with_label("unknown suffix")
                                    .with_help("valid suffixes are `i8`..`i64`, `u8`..`u64`, `isize`, `usize`, `f32`, `f64`"),
                            );
                            Ty::Error
                        }
                    },
                    None => {
                        // A literal where a float is expected is a float (as `1` can't be in Rust,
                        // but is harmless and convenient).
                        match expected.map(|t| self.infer.shallow(t)) {
                            Some(Ty::Float(f)) => {
                                return Self::mk(ExprKind::Float(*value as f64), Ty::Float(f), span)
                            }
                            _ => self.infer.fresh(VarKind::Int),
                        }
                    }
                };
                let v = (*value).min(i128::MAX as u128) as i128;
                self.int_lits.push((ty.clone(), v, span));
                Self::mk(ExprKind::Int(v), ty, span)
            }
            ast::Lit::Float { value, suffix } => {
                let ty = match suffix.as_deref() {
                    Some("f32") => Ty::Float(FloatTy::F32),
                    Some("f64") => Ty::Float(FloatTy::F64),
                    _ => self.infer.fresh(VarKind::Float),
                };
                Self::mk(ExprKind::Float(*value), ty, span)
            }
            ast::Lit::Bool(b) => Self::mk(ExprKind::Bool(*b), Ty::Bool, span),
            ast::Lit::Str(s) => Self::mk(ExprKind::Str(s.clone()), Ty::Str, span),
            ast::Lit::Char(c) => Self::mk(ExprKind::Char(*c), Ty::Char, span),
        }
    }

    fn check_name(&mut self, id: &ast::Ident, expected: Option<&Ty>, span: Span) -> Expr {
        if let Some(l) = self.lookup_local(&id.name) {
            if let Some(p) = self.aliases.get(&l).cloned() {
                if self.is_captured(l) {
                    self.report_captured_alias(id, span);
                    return Self::err_expr(span);
                }
                let mut e = self.place_expr(p);
                e.span = span;
                return e;
            }
            return Self::mk(ExprKind::Local(l), self.local_ty(l), span);
        }
        let e = ast::Expr {
            id: ast::ExprId(0),
            kind: ast::ExprKind::Name(id.clone()),
            span,
        };
        self.check_path_value(&e, expected)
    }

    fn check_index(&mut self, base: &ast::Expr, index: &ast::Expr, span: Span) -> Expr {
        let b = self.check_expr(base, None);
        match self.infer.shallow(&b.ty) {
            Ty::Vec(elem) => {
                let i = self.check_expr(index, Some(&Ty::Int(IntTy::Usize)));
                Self::mk(
                    ExprKind::Index {
                        base: Box::new(b),
                        index: Box::new(i),
                    },
                    *elem,
                    span,
                )
            }
            Ty::Map(k, v) => {
                let key = self.check_expr(index, Some(&k));
                Self::mk(
                    ExprKind::MapIndex {
                        base: Box::new(b),
                        key: Box::new(key),
                    },
                    *v,
                    span,
                )
            }
            Ty::Error => {
                self.check_expr(index, None);
                Self::err_expr(span)
            }
            t => {
                let shown = self.show(&t);
                self.error(
                    Diagnostic::error(
                        errors::NOT_INDEXABLE,
                        format!("cannot index into a value of type `{shown}`"),
                        base.span,
                    )
                    .with_label("not a `Vec` or `HashMap`"),
                );
                self.check_expr(index, None);
                Self::err_expr(span)
            }
        }
    }

    fn check_unary(
        &mut self,
        op: ast::UnOp,
        expr: &ast::Expr,
        expected: Option<&Ty>,
        span: Span,
    ) -> Expr {
        // Fold `-literal` so `-128i8` and `i64::MIN`-style literals are range-checked whole.
        if let (ast::UnOp::Neg, ast::ExprKind::Lit(ast::Lit::Int { .. })) = (op, &expr.kind) {
            let mut inner = self.check_lit_for_neg(expr, expected);
            if let ExprKind::Int(v) = &mut inner.kind {
                *v = -*v;
                if let Some(last) = self.int_lits.last_mut() {
                    last.1 = *v;
                    last.2 = span;
                }
                inner.span = span;
                return inner;
            }
            if let ExprKind::Float(v) = &mut inner.kind {
                *v = -*v;
                inner.span = span;
                return inner;
            }
            return inner;
        }
        let e = self.check_expr(expr, expected);
        let t = self.infer.shallow(&e.ty);
        let (top, ok) = match op {
            ast::UnOp::Neg => (
                tir::UnOp::Neg,
                matches!(t, Ty::Float(_) | Ty::Error | Ty::Never)
                    || matches!(t, Ty::Int(i) if i.signed())
                    || (matches!(t, Ty::Param(_))
                        && crate::generics::satisfies(
                            self.env,
                            &t,
                            Bound::Neg,
                            &self.param_bounds,
                        ))
                    || self
                        .infer
                        .var_kind(&t)
                        .is_some_and(|k| k != VarKind::General),
            ),
            ast::UnOp::Not => (
                tir::UnOp::Not,
                matches!(t, Ty::Bool | Ty::Int(_) | Ty::Error | Ty::Never)
                    || self.infer.var_kind(&t) == Some(VarKind::Int),
            ),
        };
        if !ok {
            let shown = self.show(&t);
            let sym = if top == tir::UnOp::Neg { "-" } else { "!" };
            let mut d = Diagnostic::error(
                errors::BAD_UNARY_OPERAND,
                format!("cannot apply unary operator `{sym}` to type `{shown}`"),
                span,
            )
            .with_label(format!("`{sym}` not defined for `{shown}`"));
            if matches!(t, Ty::Param(_)) && top == tir::UnOp::Neg {
                d = d.with_help(format!("add a bound to the type parameter: `{shown}: Neg`"));
            }
            self.error(d);
            return Self::err_expr(span);
        }
        let ty = e.ty.clone();
        Self::mk(
            ExprKind::Unary {
                op: top,
                expr: Box::new(e),
            },
            ty,
            span,
        )
    }

    /// "cannot apply binary operator" for `op` on `t`; gives the error expression.
    fn report_binop(&mut self, op: ast::BinOp, t: &Ty, span: Span) -> Expr {
        let shown = self.show(t);
        let sym = binop_symbol(op);
        let mut d = Diagnostic::error(
            errors::BAD_BINARY_OPERAND,
            format!("cannot apply binary operator `{sym}` to type `{shown}`"),
            span,
        )
        .with_label(format!("`{sym}` is not defined for `{shown}`"));
        if matches!(op, ast::BinOp::Add) && matches!(t, Ty::Str) {
            d = d.with_help("strings concatenate with `+` only between `String`s");
        }
        if let (Ty::Param(p), Some(b)) = (t, crate::generics::bound_of_binop(op)) {
            d = d.with_help(format!(
                "add a bound to the type parameter: `{}: {}`",
                p.name,
                b.name(self.env)
            ));
        }
        self.error(d);
        Self::err_expr(span)
    }

    fn check_lit_for_neg(&mut self, expr: &ast::Expr, expected: Option<&Ty>) -> Expr {
        let ast::ExprKind::Lit(lit) = &expr.kind else {
            unreachable!("caller matched a literal")
        };
        self.check_lit(lit, expected, expr.span)
    }

    fn check_binary(
        &mut self,
        op: ast::BinOp,
        lhs: &ast::Expr,
        rhs: &ast::Expr,
        expected: Option<&Ty>,
        span: Span,
    ) -> Expr {
        use ast::BinOp as B;
        match op {
            B::And | B::Or => {
                let l = self.check_expr(lhs, Some(&Ty::Bool));
                let r = self.check_expr(rhs, Some(&Ty::Bool));
                let kind = if op == B::And {
                    ExprKind::And(Box::new(l), Box::new(r))
                } else {
                    ExprKind::Or(Box::new(l), Box::new(r))
                };
                return Self::mk(kind, Ty::Bool, span);
            }
            _ => {}
        }
        let is_cmp = matches!(op, B::Eq | B::Ne | B::Lt | B::Le | B::Gt | B::Ge);
        let is_shift = matches!(op, B::Shl | B::Shr);
        let hint = if is_cmp { None } else { expected };
        let l = self.check_expr(lhs, hint);
        let lt = self.infer.shallow(&l.ty);
        if !matches!(lt, Ty::Var(_)) && !self.binop_defined(op, &lt) {
            // `"=" * 20`: the operator is the mistake, not the right-hand side's type.
            self.check_expr(rhs, None);
            return self.report_binop(op, &lt, span);
        }
        let r = if is_shift {
            self.check_expr(rhs, None)
        } else {
            let lt = l.ty.clone();
            let r = self.infer_expr(rhs, Some(&lt));
            if !self.infer.unify(&lt, &r.ty) {
                let (a, b) = (self.show(&lt), self.show(&r.ty));
                let sym = binop_symbol(op);
                self.error(
                    Diagnostic::error(errors::MISMATCHED_TYPES, "mismatched types", rhs.span)
                        .with_label(format!("expected `{a}`, found `{b}`"))
                        .with_secondary(lhs.span, format!("this is `{a}`"))
                        .with_help(format!(
                            "both sides of `{sym}` must have the same type; convert one with `as`"
                        )),
                );
            }
            r
        };
        let t = self.infer.shallow(&l.ty);
        if !self.binop_defined(op, &t) {
            return self.report_binop(op, &t, span);
        }
        if is_shift {
            let rt = self.infer.shallow(&r.ty);
            if !(matches!(rt, Ty::Int(_) | Ty::Error)
                || self.infer.var_kind(&rt) == Some(VarKind::Int))
            {
                let shown = self.show(&rt);
                self.error(
                    Diagnostic::error(
                        errors::BAD_BINARY_OPERAND,
                        "shift amount must be an integer",
                        rhs.span,
                    )
                    .with_label(format!("found `{shown}`")),
                );
            }
        }
        let top = convert_binop(op);
        let ty = if is_cmp { Ty::Bool } else { l.ty.clone() };
        Self::mk(
            ExprKind::Binary {
                op: top,
                lhs: Box::new(l),
                rhs: Box::new(r),
            },
            ty,
            span,
        )
    }

    pub(crate) fn binop_defined(&self, op: ast::BinOp, t: &Ty) -> bool {
        use ast::BinOp as B;
        let t = &self.infer.shallow(t);
        if let Ty::Param(_) = t {
            return crate::generics::bound_of_binop(op)
                .is_some_and(|b| crate::generics::satisfies(self.env, t, b, &self.param_bounds));
        }
        let lit = self.infer.var_kind(t);
        let int = matches!(t, Ty::Int(_)) || lit == Some(VarKind::Int);
        let float = matches!(t, Ty::Float(_)) || lit == Some(VarKind::Float);
        if matches!(t, Ty::Error | Ty::Never) || lit == Some(VarKind::General) {
            return true;
        }
        match op {
            B::Add => int || float || matches!(t, Ty::Str),
            B::Sub | B::Mul | B::Div | B::Rem => int || float,
            B::BitAnd | B::BitOr | B::BitXor => int || matches!(t, Ty::Bool),
            B::Shl | B::Shr => int,
            B::Eq | B::Ne => self.is_comparable(t),
            B::Lt | B::Le | B::Gt | B::Ge => {
                int || float || matches!(t, Ty::Str | Ty::Char | Ty::Bool) || self.is_orderable(t)
            }
            B::And | B::Or => matches!(t, Ty::Bool),
        }
    }

    fn is_comparable(&self, t: &Ty) -> bool {
        !matches!(self.infer.shallow(t), Ty::Never)
    }

    fn is_orderable(&self, t: &Ty) -> bool {
        matches!(
            self.infer.shallow(t),
            Ty::Tuple(_) | Ty::Option(_) | Ty::Vec(_) | Ty::Adt(_, _)
        )
    }

    fn check_assign(
        &mut self,
        op: Option<ast::BinOp>,
        place: &ast::Expr,
        value: &ast::Expr,
        span: Span,
    ) -> Expr {
        // `*m.entry(k).or_insert(0) += 1`: on the entry's value, written back after.
        if Self::is_entry(place) {
            let Some(open) = self.open_entry(place) else {
                self.check_expr(value, None);
                return Self::mk(ExprKind::Unit, Ty::unit(), span);
            };
            let assign = self.assign_to(op, open.place.clone(), value, span);
            let block = self.close_entry(open, Some(assign), span);
            return block;
        }
        let Some(p) = self.check_place(place, true) else {
            self.check_expr(value, None);
            return Self::mk(ExprKind::Unit, Ty::unit(), span);
        };
        self.assign_to(op, p, value, span)
    }

    fn assign_to(
        &mut self,
        op: Option<ast::BinOp>,
        p: Place,
        value: &ast::Expr,
        span: Span,
    ) -> Expr {
        match op {
            None => {
                let pt = p.ty.clone();
                let v = self.check_expr(value, Some(&pt));
                Self::mk(
                    ExprKind::Assign {
                        place: p,
                        value: Box::new(v),
                    },
                    Ty::unit(),
                    span,
                )
            }
            Some(op) => {
                let pt = p.ty.clone();
                let t = self.infer.shallow(&pt);
                let is_shift = matches!(op, ast::BinOp::Shl | ast::BinOp::Shr);
                let v = self.check_expr(value, if is_shift { None } else { Some(&pt) });
                if !self.binop_defined(op, &t) {
                    let shown = self.show(&t);
                    self.error(
                        Diagnostic::error(
                            errors::BAD_BINARY_OPERAND,
                            format!("cannot apply `{}=` to type `{shown}`", binop_symbol(op)),
                            span,
                        )
                        .with_label("operator not defined for this type"),
                    );
                }
                if matches!(t, Ty::Str) && op == ast::BinOp::Add {
                    return Self::mk(
                        ExprKind::MutBuiltin {
                            op: tir::MutBuiltin::StrPushStr,
                            place: p,
                            args: vec![v],
                        },
                        Ty::unit(),
                        span,
                    );
                }
                Self::mk(
                    ExprKind::CompoundAssign {
                        op: convert_binop(op),
                        place: p,
                        value: Box::new(v),
                    },
                    Ty::unit(),
                    span,
                )
            }
        }
    }

    /// Checks an expression used as a place (assignment target, `&mut` argument, receiver
    /// of a mutating method). `assign` makes immutability an error.
    pub fn check_place(&mut self, e: &ast::Expr, assign: bool) -> Option<Place> {
        match &e.kind {
            ast::ExprKind::Paren(inner) => self.check_place(inner, assign),
            ast::ExprKind::Deref(inner) => {
                let mut p = self.check_place(inner, assign)?;
                if let Ty::Box(t) = self.infer.shallow(&p.ty) {
                    p.projs.push(Proj::Index(Box::new(self.box_index(e.span))));
                    p.ty = *t;
                }
                Some(p)
            }
            ast::ExprKind::Name(id) => {
                if let Some(l) = self.lookup_local(&id.name) {
                    if let Some(p) = self.aliases.get(&l) {
                        if self.is_captured(l) {
                            self.report_captured_alias(id, e.span);
                            return None;
                        }
                        return Some(p.clone());
                    }
                    if assign && self.is_captured(l) {
                        self.report_captured_assign(l, e.span);
                    } else if assign && !self.locals[l.0 as usize].mutable {
                        self.report_immutable(id, l, e.span);
                    }
                    return Some(Place {
                        root: PlaceRoot::Local(l),
                        projs: Vec::new(),
                        ty: self.local_ty(l),
                    });
                }
                match self.env.lookup(self.scope, &id.name) {
                    Some(Def::Global(g)) => {
                        let gd = &self.env.globals[g.0 as usize];
                        if assign && !gd.mutable {
                            let name = gd.name.clone();
                            self.error(
                                Diagnostic::error(
                                    errors::ASSIGN_IMMUTABLE_STATIC,
                                    format!("cannot assign to immutable static `{name}`"),
                                    e.span,
                                )
                                .with_label("not mutable")
                                .with_help("declare it `static mut` or `var`"),
                            );
                        }
                        Some(Place {
                            root: PlaceRoot::Global(g),
                            projs: Vec::new(),
                            ty: gd.ty.clone(),
                        })
                    }
                    _ => {
                        let v = self.check_expr(e, None);
                        if !v.ty.is_error() && assign {
                            self.error(
                                Diagnostic::error(
                                    errors::INVALID_ASSIGN_TARGET,
                                    "invalid left-hand side of assignment",
                                    e.span,
                                )
                                .with_label("cannot assign to this expression"),
                            );
                        }
                        self.temp_place(v)
                    }
                }
            }
            ast::ExprKind::Field { base, name } => {
                if self.namespace_def(base).is_some() {
                    let v = self.check_expr(e, None);
                    if assign && !v.ty.is_error() {
                        if let ExprKind::Global(g) = v.kind {
                            return Some(Place {
                                root: PlaceRoot::Global(g),
                                projs: Vec::new(),
                                ty: v.ty,
                            });
                        }
                        self.error(
                            Diagnostic::error(
                                errors::INVALID_ASSIGN_TARGET,
                                "invalid left-hand side of assignment",
                                e.span,
                            )
                            .with_label("cannot assign to this expression"),
                        );
                    }
                    return self.temp_place(v);
                }
                let p = self.check_place(base, assign)?;
                let (mut p, bt) = self.deref_boxes(p, base.span);
                // `registry.modules` is a query, not a stored field: a value to index.
                let registry = self.env.prelude_adt("ModuleRegistry");
                if name.name == "modules" && matches!(&bt, Ty::Adt(a, _) if Some(*a) == registry) {
                    let v = self.check_field(e, None);
                    return self.temp_place(v);
                }
                match self.struct_field(&bt, name) {
                    Some((index, fty)) => {
                        p.projs.push(Proj::Field { of: bt, index });
                        p.ty = fty;
                        Some(p)
                    }
                    None => None,
                }
            }
            ast::ExprKind::TupleField {
                base,
                index,
                index_span,
            } => {
                let mut p = self.check_place(base, assign)?;
                let bt = self.infer.shallow(&p.ty);
                match &bt {
                    Ty::Tuple(ts) if (*index as usize) < ts.len() => {
                        let fty = ts[*index as usize].clone();
                        p.projs.push(Proj::Field {
                            of: bt.clone(),
                            index: *index,
                        });
                        p.ty = fty;
                        Some(p)
                    }
                    Ty::Error => None,
                    _ => {
                        let shown = self.show(&bt);
                        self.error(
                            Diagnostic::error(
                                errors::UNKNOWN_FIELD,
                                format!("no field `{index}` on type `{shown}`"),
                                *index_span,
                            )
                            .with_label("unknown field"),
                        );
                        None
                    }
                }
            }
            ast::ExprKind::Index { base, index } => {
                let mut p = self.check_place(base, assign)?;
                match self.infer.shallow(&p.ty) {
                    Ty::Vec(elem) => {
                        let i = self.check_expr(index, Some(&Ty::Int(IntTy::Usize)));
                        p.projs.push(Proj::Index(Box::new(i)));
                        p.ty = *elem;
                        Some(p)
                    }
                    // Read through (`m["a"].len()`): the entry's value, as a temporary.
                    Ty::Map(..) if !assign => {
                        let v = self.check_expr(e, None);
                        self.temp_place(v)
                    }
                    Ty::Map(..) => {
                        self.error(
                            Diagnostic::error(
                                errors::ASSIGN_MAP_INDEX,
                                "cannot assign through `map[key]`",
                                e.span,
                            )
                            .with_label("map entries are not places")
                            .with_help("use `map.insert(key, value)`"),
                        );
                        None
                    }
                    Ty::Error => None,
                    t => {
                        let shown = self.show(&t);
                        self.error(
                            Diagnostic::error(
                                errors::NOT_INDEXABLE,
                                format!("cannot index into a value of type `{shown}`"),
                                base.span,
                            )
                            .with_label("not a `Vec`"),
                        );
                        None
                    }
                }
            }
            _ => {
                let v = self.check_expr(e, None);
                if assign && !v.ty.is_error() {
                    self.error(
                        Diagnostic::error(
                            errors::INVALID_ASSIGN_TARGET,
                            "invalid left-hand side of assignment",
                            e.span,
                        )
                        .with_label("cannot assign to this expression"),
                    );
                }
                self.temp_place(v)
            }
        }
    }

    fn temp_place(&mut self, v: Expr) -> Option<Place> {
        if v.ty.is_error() {
            return None;
        }
        let ty = v.ty.clone();
        Some(Place {
            root: PlaceRoot::Temp(Box::new(v)),
            projs: Vec::new(),
            ty,
        })
    }

    fn report_immutable(&mut self, id: &ast::Ident, l: LocalId, span: Span) {
        let decl = self.locals[l.0 as usize].span;
        self.error(
            Diagnostic::error(
                errors::ASSIGN_IMMUTABLE_LOCAL,
                format!("cannot assign twice to immutable variable `{}`", id.name),
                span,
            )
            .with_label("cannot assign to an immutable variable")
            .with_secondary(decl, format!("`{}` declared here", id.name))
            .with_help(format!("make it mutable: `let mut {}`", id.name)),
        );
    }

    /// Index and type of field `name` of a struct type, reporting unknown fields.
    pub fn struct_field(&mut self, t: &Ty, name: &ast::Ident) -> Option<(u32, Ty)> {
        match t {
            Ty::Adt(a, args) => {
                let adt = self.env.adt(*a);
                if let Some(i) = adt.fields().iter().position(|f| f.name == name.name) {
                    return Some((i as u32, adt.fields()[i].ty.subst(args)));
                }
                let candidates: Vec<&str> = adt.fields().iter().map(|f| f.name.as_str()).collect();
                let mut d = Diagnostic::error(
                    errors::UNKNOWN_FIELD,
                    format!("no field `{}` on type `{}`", name.name, adt.name),
                    name.span,
                )
                .with_label("unknown field");
                if let Some(best) = crate::suggest::closest(&name.name, candidates.into_iter()) {
                    d = d.with_help(format!("did you mean `{best}`?"));
                } else if !adt.fields().is_empty() {
                    let all: Vec<String> = adt
                        .fields()
                        .iter()
                        .map(|f| format!("`{}`", f.name))
                        .collect();
                    d = d.with_help(format!("available fields: {}", all.join(", ")));
                }
                self.error(d);
                None
            }
            Ty::Error => None,
            _ => {
                let shown = self.show(t);
                self.error(
                    Diagnostic::error(
                        errors::UNKNOWN_FIELD,
                        format!("no field `{}` on type `{shown}`", name.name),
                        name.span,
                    )
                    .with_label("unknown field"),
                );
                None
            }
        }
    }

    fn check_cast(&mut self, expr: &ast::Expr, ty: &ast::Type, span: Span) -> Expr {
        let target = self.resolve_local_ty(ty);
        let e = self.check_expr(expr, None);
        let from = self.infer.shallow(&e.ty);
        let lit = self.infer.var_kind(&from);
        let numeric = |t: &Ty| matches!(t, Ty::Int(_) | Ty::Float(_));
        let ok = match (&from, &target) {
            (Ty::Error, _) | (_, Ty::Error) => true,
            _ if lit == Some(VarKind::Int) || lit == Some(VarKind::Float) => {
                numeric(&target) || (lit == Some(VarKind::Int) && matches!(target, Ty::Char))
            }
            (f, t) if numeric(f) && numeric(t) => true,
            (Ty::Bool | Ty::Char, Ty::Int(_)) => true,
            (Ty::Int(IntTy::U8), Ty::Char) => true,
            (a, b) if a == b => true,
            _ => false,
        };
        if !ok {
            let (a, b) = (self.show(&from), self.show(&target));
            let mut d = Diagnostic::error(
                errors::INVALID_CAST,
                format!("cannot cast `{a}` as `{b}`"),
                span,
            )
            .with_label("invalid cast");
            if matches!(target, Ty::Str) {
                d = d.with_help("use `.to_string()` to make a `String`");
            } else if matches!(from, Ty::Str) {
                d = d.with_help(
                    "use `.parse_i64()` or `.parse_f64()` to read a number from a `String`",
                );
            }
            self.error(d);
            return Self::err_expr(span);
        }
        // An operand whose type is still an unresolved literal (`i` of `for i in 0..n`,
        // `5`) is left to its other uses, as in Rust: `let f = i as f64` followed by
        // `hp: i` makes `i` an `i64`; with no other use it defaults (i32/f64) when the
        // function's types are settled.
        Self::mk(ExprKind::Cast(Box::new(e)), target, span)
    }

    fn check_array(&mut self, items: &[ast::Expr], expected: Option<&Ty>, span: Span) -> Expr {
        let elem = match expected.map(|t| self.infer.shallow(t)) {
            Some(Ty::Vec(t)) => *t,
            _ => self.fresh(),
        };
        let to_value = self
            .env
            .prelude_adt("Value")
            .is_some_and(|v| self.infer.shallow(&elem) == Ty::adt(v));
        let elems: Vec<Expr> = items
            .iter()
            .map(|it| {
                if to_value {
                    let e = self.infer_expr(it, None);
                    self.coerce_to_value(e)
                } else {
                    self.check_expr(it, Some(&elem))
                }
            })
            .collect();
        Self::mk(ExprKind::VecLit(elems), Ty::Vec(Box::new(elem)), span)
    }

    fn check_if(
        &mut self,
        cond: &ast::Expr,
        then: &ast::Block,
        els: Option<&ast::Expr>,
        expected: Option<&Ty>,
        span: Span,
    ) -> Expr {
        let c = self.check_expr(cond, Some(&Ty::Bool));
        let (t, e, ty) = self.check_branches(then, els, expected, span);
        Self::mk(
            ExprKind::If {
                cond: Box::new(c),
                then: Box::new(t),
                els: e,
            },
            ty,
            span,
        )
    }

    /// The `then` block and optional `else` of an `if`/`if let`, with their joined type.
    pub fn check_branches(
        &mut self,
        then: &ast::Block,
        els: Option<&ast::Expr>,
        expected: Option<&Ty>,
        span: Span,
    ) -> (Expr, Option<Box<Expr>>, Ty) {
        // Without `else`, the block must be `()` (a call at its end is dropped as a
        // statement); a plain value there is reported once, as the `if`'s problem, and
        // the `if` is then an error value.
        let t = match els {
            Some(_) => self.check_block(then, expected),
            None => self.check_block_with(then, Some(&Ty::unit()), true),
        };
        let hint = expected.cloned();
        let Some(els) = els else {
            let tt = self.infer.shallow(&t.ty);
            if !matches!(tt, Ty::Never | Ty::Error) && !self.infer.clone_unify(&tt, &Ty::unit()) {
                let shown = self.show(&tt);
                self.error(
                    Diagnostic::error(
                        errors::IF_WITHOUT_ELSE_VALUE,
                        "`if` without `else` must have type `()`",
                        then.span,
                    )
                    .with_label(format!("this block has type `{shown}`"))
                    .with_secondary(span, "this `if` has no `else`")
                    .with_help("add an `else` branch with a value of the same type"),
                );
                return (t, None, Ty::Error);
            }
            self.infer.unify(&tt, &Ty::unit());
            return (t, None, Ty::unit());
        };
        let _ = hint;
        let e = self.infer_expr(els, expected);
        let ty = self.join_branches(&t, &e, els.span, "`if` and `else` have incompatible types");
        (t, Some(Box::new(e)), ty)
    }

    /// Unifies two branch types; `!` takes the other side.
    pub fn join_branches(&mut self, a: &Expr, b: &Expr, span: Span, msg: &str) -> Ty {
        let at = self.infer.shallow(&a.ty);
        let bt = self.infer.shallow(&b.ty);
        if matches!(at, Ty::Never) {
            return bt;
        }
        if matches!(bt, Ty::Never) {
            return at;
        }
        if !self.infer.unify(&at, &bt) {
            let (x, y) = (self.show(&at), self.show(&bt));
            self.error(
                Diagnostic::error(errors::MISMATCHED_TYPES, msg.to_string(), span)
                    .with_label(format!("expected `{x}`, found `{y}`"))
                    .with_secondary(a.span, format!("this is `{x}`"))
                    .with_help("all branches must have the same type"),
            );
            return Ty::Error;
        }
        at
    }

    /// Enters a loop, taking the label written before it (if any).
    pub(crate) fn push_loop(&mut self, break_ty: Option<Ty>) {
        let label = self.pending_label.take();
        self.loops.push(LoopCx { break_ty, label });
    }

    /// How many loops `break 'label` / `continue 'label` leaves besides the innermost;
    /// reports an unknown label (and returns `None`).
    fn loop_depth(&mut self, label: Option<&ast::Ident>) -> Option<usize> {
        let Some(label) = label else {
            return Some(0);
        };
        let found = self
            .loops
            .iter()
            .rev()
            .position(|cx| cx.label.as_deref() == Some(label.name.as_str()));
        if found.is_none() && !self.loops.is_empty() {
            self.error(
                Diagnostic::error(
                    errors::UNDECLARED_LABEL,
                    format!("use of undeclared label `{}`", label.name),
                    label.span,
                )
                .with_label("no enclosing loop has this label"),
            );
        }
        found
    }

    fn check_break(
        &mut self,
        label: Option<&ast::Ident>,
        value: Option<&ast::Expr>,
        span: Span,
    ) -> Expr {
        let outside = Self::mk(
            ExprKind::Break {
                depth: 0,
                value: None,
            },
            Ty::Never,
            span,
        );
        if self.loops.is_empty() {
            self.error(
                Diagnostic::error(errors::OUTSIDE_LOOP, "`break` outside of a loop", span)
                    .with_label("cannot `break` here")
                    .with_help("`break` only works inside `loop`, `while` and `for`"),
            );
            return outside;
        }
        let Some(depth) = self.loop_depth(label) else {
            return outside;
        };
        let bt = self.loops[self.loops.len() - 1 - depth].break_ty.clone();
        let v = match (value, bt) {
            (Some(v), Some(bt)) => Some(Box::new(self.check_expr(v, Some(&bt)))),
            (Some(v), None) => {
                self.error(
                    Diagnostic::error(
                        errors::BREAK_VALUE_OUTSIDE_LOOP,
                        "`break` with a value is only allowed in `loop`",
                        v.span,
                    )
                    .with_label("`while` and `for` loops have type `()`")
                    .with_help("use `loop { ... break value ... }`"),
                );
                None
            }
            (None, Some(bt)) => {
                self.infer.unify(&bt, &Ty::unit());
                None
            }
            (None, None) => None,
        };
        Self::mk(ExprKind::Break { depth, value: v }, Ty::Never, span)
    }

    fn check_try(&mut self, inner: &ast::Expr, span: Span) -> Expr {
        let e = self.check_expr(inner, None);
        let t = self.infer.shallow(&e.ty);
        let ret = self.infer.shallow(&self.ret_ty.clone());
        let ok_ty = match (&t, &ret) {
            (Ty::Result(ok, err), Ty::Result(_, rerr)) => {
                if !self.infer.unify(err, rerr) {
                    let (a, b) = (self.show(err), self.show(rerr));
                    self.error(
                        Diagnostic::error(
                            errors::BAD_TRY,
                            "`?` cannot convert the error type",
                            span,
                        )
                        .with_label(format!(
                            "this error is `{a}`, the function returns errors of type `{b}`"
                        ))
                        .with_help("map the error yourself with `match`"),
                    );
                }
                (**ok).clone()
            }
            (Ty::Option(inner), Ty::Option(_)) => (**inner).clone(),
            (Ty::Error, _) | (_, Ty::Error) => return Self::err_expr(span),
            (Ty::Result(..) | Ty::Option(_), _) => {
                let r = self.show(&ret);
                self.error(
                    Diagnostic::error(errors::BAD_TRY, "the `?` operator can only be used in a function that returns `Result` or `Option`", span)
                        .with_label(format!("this function returns `{r}`"))
                        .with_help("change the return type, or handle the value with `match`"),
                );
                return Self::err_expr(span);
            }
            _ => {
                let shown = self.show(&t);
                self.error(
                    Diagnostic::error(
                        errors::BAD_TRY,
                        format!("the `?` operator cannot be applied to type `{shown}`"),
                        span,
                    )
                    .with_label("expected `Result` or `Option`"),
                );
                return Self::err_expr(span);
            }
        };
        Self::mk(ExprKind::Try(Box::new(e)), ok_ty, span)
    }

    fn check_for(
        &mut self,
        pat: &ast::Pat,
        iter: &ast::Expr,
        body: &ast::Block,
        span: Span,
    ) -> Expr {
        // Ranges are special: no allocation, a counter (counting down for `.rev()`).
        let iter = strip_iter_call(iter);
        let (iter, reverse) = match reversed_range(iter) {
            Some(range) => (range, true),
            None => (iter, false),
        };
        if let ast::ExprKind::Range {
            start,
            end,
            inclusive,
        } = &iter.kind
        {
            let elem = self.infer.fresh(VarKind::Int);
            let s = match start {
                Some(s) => self.check_expr(s, Some(&elem)),
                None => {
                    self.error(
                        Diagnostic::error(
                            errors::RANGE_UNSUPPORTED,
                            "a `for` range needs a start",
                            iter.span,
                        )
                        .with_label("write `0..n`"),
                    );
                    Self::err_expr(iter.span)
                }
            };
            let e = match end {
                Some(e) => self.check_expr(e, Some(&elem)),
                None => {
                    self.error(
                        Diagnostic::error(
                            errors::RANGE_UNSUPPORTED,
                            "unbounded ranges cannot be iterated",
                            iter.span,
                        )
                        .with_label("this range has no end")
                        .with_help("use `loop` with a counter"),
                    );
                    Self::err_expr(iter.span)
                }
            };
            self.scopes.push(HashMap::new());
            let p = self.check_pat(pat, &elem, true);
            self.check_irrefutable(&p, "`for` pattern");
            self.push_loop(None);
            let b = self.check_block(body, Some(&Ty::unit()));
            self.loops.pop();
            self.scopes.pop();
            return Self::mk(
                ExprKind::ForRange {
                    var: p,
                    start: Box::new(s),
                    end: Box::new(e),
                    inclusive: *inclusive,
                    reverse,
                    body: Box::new(b),
                },
                Ty::unit(),
                span,
            );
        }
        if let Some(vec) = iter_mut_of(iter) {
            return self.check_for_iter_mut(vec, pat, body, span);
        }
        if crate::iter::is_chain(iter) {
            return match self.pipeline_of(iter) {
                Ok(p) => self.check_for_chain(p, pat, body, span),
                Err(v) => self.for_over_value(pat, *v, iter, body, span),
            };
        }
        if let Some(method) = range_adapter(iter) {
            // `(0..n).step_by(2)` and friends: without this, the range inside is reported as
            // "only usable in `for` loops", which is confusing right in a `for` loop.
            self.error(
                Diagnostic::error(
                    errors::RANGE_UNSUPPORTED,
                    format!("iterator adapters such as `.{}()` are not supported in Dast v0", method.name),
                    method.span,
                )
                .with_label("not available on ranges")
                .with_help("iterate over the plain range (`for i in 0..n`, or `(0..n).rev()` counting down) and compute the index, e.g. `2 * i`"),
            );
            return Self::err_expr(span);
        }
        let it = self.check_expr(iter, None);
        self.for_over_value(pat, it, iter, body, span)
    }

    fn report_captured_alias(&mut self, id: &ast::Ident, span: Span) {
        self.error(
            Diagnostic::error(
                errors::ASSIGN_CAPTURED,
                format!(
                    "`{}` is an element of `iter_mut`, which a closure cannot capture",
                    id.name
                ),
                span,
            )
            .with_label("used inside a closure")
            .with_help(format!("copy the value first: `let value = *{};`", id.name)),
        );
    }

    /// `for x in v.iter_mut() { body }`: an index loop in which `x` names `v[i]`, so
    /// reading, assigning (`*x += 1`), field changes (`x.hp -= 1`) and `&mut self`
    /// methods (`x.update()`) work on the element itself.
    fn check_for_iter_mut(
        &mut self,
        vec: &ast::Expr,
        pat: &ast::Pat,
        body: &ast::Block,
        span: Span,
    ) -> Expr {
        let Some(place) = self.check_place(vec, false) else {
            return Self::err_expr(span);
        };
        self.require_mutable_place(&place, vec);
        let elem = match self.infer.shallow(&place.ty) {
            Ty::Vec(t) => *t,
            Ty::Error => return Self::err_expr(span),
            other => {
                let shown = self.show(&other);
                self.error(
                    Diagnostic::error(
                        errors::NOT_ITERABLE,
                        format!("no `iter_mut` on `{shown}`"),
                        vec.span,
                    )
                    .with_label("`iter_mut` is a `Vec` method")
                    .with_help("change a map's values with `m.insert(k, v)` or `m.entry(k)`"),
                );
                return Self::err_expr(span);
            }
        };
        let (name, pspan) = match &pat.kind {
            ast::PatKind::Bind { name, .. } => (name.clone(), pat.span),
            _ => {
                self.error(
                    Diagnostic::error(
                        errors::REFUTABLE_PATTERN,
                        "`iter_mut` binds one name",
                        pat.span,
                    )
                    .with_label("a pattern here")
                    .with_help("write `for x in v.iter_mut()` and use `x.field` inside"),
                );
                return Self::err_expr(span);
            }
        };
        let usize_ty = Ty::Int(IntTy::Usize);
        let i = self.hidden_local(usize_ty.clone(), span);
        let len = Self::mk(
            ExprKind::Builtin {
                op: tir::Builtin::VecLen,
                args: vec![self.place_expr(place.clone())],
            },
            usize_ty.clone(),
            span,
        );
        self.scopes.push(HashMap::new());
        let x = self.new_local(&name.name, elem.clone(), true, pspan);
        let mut element = place;
        element.projs.push(Proj::Index(Box::new(Self::mk(
            ExprKind::Local(i),
            usize_ty.clone(),
            span,
        ))));
        element.ty = elem;
        self.aliases.insert(x, element);
        self.push_loop(None);
        let b = self.check_block(body, Some(&Ty::unit()));
        self.loops.pop();
        self.scopes.pop();
        let var = tir::Pat {
            kind: tir::PatKind::Bind(i),
            ty: usize_ty.clone(),
            span,
        };
        Self::mk(
            ExprKind::ForRange {
                var,
                start: Box::new(Self::mk(ExprKind::Int(0), usize_ty, span)),
                end: Box::new(len),
                inclusive: false,
                reverse: false,
                body: Box::new(b),
            },
            Ty::unit(),
            span,
        )
    }

    /// `for pat in it { body }` over a checked `Vec` or `HashMap` value.
    fn for_over_value(
        &mut self,
        pat: &ast::Pat,
        it: Expr,
        iter: &ast::Expr,
        body: &ast::Block,
        span: Span,
    ) -> Expr {
        let t = self.infer.shallow(&it.ty);
        let (elem_ty, is_map) = match &t {
            Ty::Vec(e) => ((**e).clone(), false),
            Ty::Map(k, v) => (Ty::Tuple(vec![(**k).clone(), (**v).clone()]), true),
            Ty::Error => (Ty::Error, false),
            _ => {
                let shown = self.show(&t);
                self.error(
                    Diagnostic::error(
                        errors::NOT_ITERABLE,
                        format!("`{shown}` is not iterable"),
                        iter.span,
                    )
                    .with_label("cannot iterate over this")
                    .with_help("`for` iterates over ranges (`0..n`), `Vec`s and `HashMap`s"),
                );
                (Ty::Error, false)
            }
        };
        self.scopes.push(HashMap::new());
        let p = self.check_pat(pat, &elem_ty, true);
        // Over something already reported as not iterable, the pattern is not a second
        // mistake.
        if !elem_ty.is_error() {
            self.check_irrefutable(&p, "`for` pattern");
        }
        self.push_loop(None);
        let b = self.check_block(body, Some(&Ty::unit()));
        self.loops.pop();
        self.scopes.pop();
        let kind = if is_map {
            ExprKind::ForMap {
                var: p,
                map: Box::new(it),
                body: Box::new(b),
            }
        } else {
            ExprKind::ForVec {
                var: p,
                vec: Box::new(it),
                body: Box::new(b),
            }
        };
        Self::mk(kind, Ty::unit(), span)
    }
}

/// The vector of `v.iter_mut()`.
fn iter_mut_of(e: &ast::Expr) -> Option<&ast::Expr> {
    let ast::ExprKind::Call { callee, args } = &e.kind else {
        return None;
    };
    match (&callee.kind, args.is_empty()) {
        (ast::ExprKind::Field { base, name }, true) if name.name == "iter_mut" => Some(base),
        _ => None,
    }
}

/// `for x in v.iter_mut()` is `for x in v.iter()`.
/// The method of `(a..b).method(...)` (e.g. `rev`), which Dast does not have.
/// The range of `(a..b).rev()` (parentheses around it allowed).
fn reversed_range(e: &ast::Expr) -> Option<&ast::Expr> {
    let ast::ExprKind::Call { callee, args } = &e.kind else {
        return None;
    };
    let ast::ExprKind::Field { base, name } = &callee.kind else {
        return None;
    };
    if name.name != "rev" || !args.is_empty() {
        return None;
    }
    let mut base = &**base;
    while let ast::ExprKind::Paren(inner) = &base.kind {
        base = inner;
    }
    matches!(base.kind, ast::ExprKind::Range { .. }).then_some(base)
}

fn range_adapter(e: &ast::Expr) -> Option<&ast::Ident> {
    let ast::ExprKind::Call { callee, .. } = &e.kind else {
        return None;
    };
    let ast::ExprKind::Field { base, name } = &callee.kind else {
        return None;
    };
    let mut base = &**base;
    while let ast::ExprKind::Paren(inner) = &base.kind {
        base = inner;
    }
    matches!(base.kind, ast::ExprKind::Range { .. }).then_some(name)
}

/// Strips `.iter()` / `.into_iter()` and parentheses from a `for` iterable, so that
/// `for i in (0..n)` (valid Rust) is still recognised as a counted range.
fn strip_iter_call(e: &ast::Expr) -> &ast::Expr {
    match &e.kind {
        ast::ExprKind::Paren(inner) => strip_iter_call(inner),
        ast::ExprKind::Call { callee, args } => match &callee.kind {
            ast::ExprKind::Field { base, name }
                if args.is_empty() && (name.name == "iter" || name.name == "into_iter") =>
            {
                strip_iter_call(base)
            }
            _ => e,
        },
        _ => e,
    }
}

pub fn is_block_like(e: &ast::Expr) -> bool {
    matches!(
        e.kind,
        ast::ExprKind::If { .. }
            | ast::ExprKind::IfLet { .. }
            | ast::ExprKind::Match { .. }
            | ast::ExprKind::While { .. }
            | ast::ExprKind::WhileLet { .. }
            | ast::ExprKind::Loop(_)
            | ast::ExprKind::For { .. }
            | ast::ExprKind::Block(_)
            | ast::ExprKind::Unsafe(_)
    )
}

pub fn binop_symbol(op: ast::BinOp) -> &'static str {
    use ast::BinOp as B;
    match op {
        B::Add => "+",
        B::Sub => "-",
        B::Mul => "*",
        B::Div => "/",
        B::Rem => "%",
        B::And => "&&",
        B::Or => "||",
        B::BitAnd => "&",
        B::BitOr => "|",
        B::BitXor => "^",
        B::Shl => "<<",
        B::Shr => ">>",
        B::Eq => "==",
        B::Ne => "!=",
        B::Lt => "<",
        B::Le => "<=",
        B::Gt => ">",
        B::Ge => ">=",
    }
}

fn convert_binop(op: ast::BinOp) -> tir::BinOp {
    use ast::BinOp as B;
    use tir::BinOp as T;
    match op {
        B::Add => T::Add,
        B::Sub => T::Sub,
        B::Mul => T::Mul,
        B::Div => T::Div,
        B::Rem => T::Rem,
        B::BitAnd => T::BitAnd,
        B::BitOr => T::BitOr,
        B::BitXor => T::BitXor,
        B::Shl => T::Shl,
        B::Shr => T::Shr,
        B::Eq => T::Eq,
        B::Ne => T::Ne,
        B::Lt => T::Lt,
        B::Le => T::Le,
        B::Gt => T::Gt,
        B::Ge => T::Ge,
        B::And | B::Or => unreachable!("short-circuit operators are lowered separately"),
    }
}

/// An expression whose type does not depend on control flow or on an expected type in
/// a program without errors: a literal, a name, a field or index, an operation, a cast,
/// a tuple, vector or struct literal.
fn is_plain_value(e: &ast::Expr) -> bool {
    use ast::ExprKind as K;
    match &e.kind {
        K::Paren(inner) => is_plain_value(inner),
        K::Lit(_)
        | K::Name(_)
        | K::Field { .. }
        | K::TupleField { .. }
        | K::Index { .. }
        | K::Unary { .. }
        | K::Binary { .. }
        | K::Cast { .. }
        | K::Tuple(_)
        | K::Array(_)
        | K::ArrayRepeat { .. }
        | K::StructLit { .. } => true,
        _ => false,
    }
}

fn contains_error(t: &Ty) -> bool {
    match t {
        Ty::Error => true,
        Ty::Vec(t) | Ty::Box(t) | Ty::Option(t) => contains_error(t),
        Ty::Map(a, b) | Ty::Result(a, b) => contains_error(a) || contains_error(b),
        Ty::Tuple(ts) => ts.iter().any(contains_error),
        _ => false,
    }
}
