//! Patterns: checking against a type, `match`/`if let`/`while let`, and exhaustiveness
//! (Maranget's usefulness algorithm, with a witness for the error message).

use dast_base::{Diagnostic, Span};
use dast_syntax::ast;

use crate::call::PathRes;
use crate::check::FnCx;
use crate::env::{AdtKind, Def};
use crate::errors;
use crate::tir::{self, Expr, ExprKind, LocalId, Pat, PatKind};
use crate::ty::{IntTy, Ty, VarKind};

/// The expression `a.b.c` for the path segments `a`, `b`, `c` (to resolve it as one).
fn path_expr(segments: &[ast::Ident]) -> ast::Expr {
    let mut e = ast::Expr {
        id: ast::ExprId(0),
        kind: ast::ExprKind::Name(segments[0].clone()),
        span: segments[0].span,
    };
    for seg in &segments[1..] {
        e = ast::Expr {
            id: ast::ExprId(0),
            span: e.span.to(seg.span),
            kind: ast::ExprKind::Field {
                base: Box::new(e),
                name: seg.clone(),
            },
        };
    }
    e
}

impl<'e, 'a> FnCx<'e, 'a> {
    /// Checks `p` against `ty`, declaring its bindings in the current scope.
    pub(crate) fn check_pat(&mut self, p: &ast::Pat, ty: &Ty, _bind: bool) -> Pat {
        let mut or_names = None;
        self.check_pat_inner(p, ty, &mut or_names)
    }

    /// The local a binding pattern introduces (in an `|` alternative after the first,
    /// the one the first alternative introduced).
    fn pat_local(
        &mut self,
        name: &ast::Ident,
        mutable: bool,
        ty: &Ty,
        span: Span,
        or_names: &Option<Vec<String>>,
    ) -> LocalId {
        let reuse = or_names.as_ref().is_some_and(|n| n.contains(&name.name));
        match (
            reuse,
            self.scopes.last().and_then(|s| s.get(&name.name).copied()),
        ) {
            (true, Some(l)) => {
                let lt = self.local_ty(l);
                self.expect_ty(&lt, ty, span);
                l
            }
            _ => self.new_local(&name.name, ty.clone(), mutable, name.span),
        }
    }

    fn check_pat_inner(
        &mut self,
        p: &ast::Pat,
        ty: &Ty,
        or_names: &mut Option<Vec<String>>,
    ) -> Pat {
        let span = p.span;
        let mk = |kind, ty: &Ty| Pat {
            kind,
            ty: ty.clone(),
            span,
        };
        match &p.kind {
            ast::PatKind::Wild => mk(PatKind::Wild, ty),
            ast::PatKind::Error => mk(PatKind::Wild, &Ty::Error),
            ast::PatKind::Ref(inner) => self.check_pat_inner(inner, ty, or_names),
            ast::PatKind::Bind { name, mutable } => {
                if let Some(res) = self.pattern_name_as_path(name) {
                    return self.variant_pat(res, &[], None, false, ty, span);
                }
                let local = self.pat_local(name, *mutable, ty, span, or_names);
                mk(PatKind::Bind(local), ty)
            }
            ast::PatKind::At { name, mutable, pat } => {
                let sub = self.check_pat_inner(pat, ty, or_names);
                let local = self.pat_local(name, *mutable, ty, span, or_names);
                mk(PatKind::At(local, Box::new(sub)), ty)
            }
            ast::PatKind::Lit(lit) => self.lit_pat(lit, ty, span),
            ast::PatKind::Range {
                start,
                end,
                inclusive,
            } => {
                let lo = start.as_ref().and_then(|l| self.range_bound(l, ty, span));
                let hi = end.as_ref().and_then(|l| self.range_bound(l, ty, span));
                mk(
                    PatKind::Range {
                        lo,
                        hi,
                        inclusive: *inclusive,
                    },
                    ty,
                )
            }
            ast::PatKind::Tuple(elems) => {
                let tys: Vec<Ty> = match self.infer.shallow(ty) {
                    Ty::Tuple(ts) if ts.len() == elems.len() => ts,
                    Ty::Error => vec![Ty::Error; elems.len()],
                    t => {
                        let fresh: Vec<Ty> = elems.iter().map(|_| self.fresh()).collect();
                        let tuple = Ty::Tuple(fresh.clone());
                        if !self.infer.unify(&t, &tuple) {
                            let shown = self.show(&t);
                            self.error(
                                Diagnostic::error(
                                    errors::PATTERN_TYPE_MISMATCH,
                                    "mismatched types",
                                    span,
                                )
                                .with_label(format!(
                                    "expected `{shown}`, found a tuple of {} elements",
                                    elems.len()
                                )),
                            );
                        }
                        fresh
                    }
                };
                let subs = elems
                    .iter()
                    .zip(&tys)
                    .enumerate()
                    .map(|(i, (e, t))| (i as u32, self.check_pat_inner(e, t, or_names)))
                    .collect();
                mk(PatKind::Fields(subs), ty)
            }
            ast::PatKind::Path { segments, inferred } => {
                let Some(res) = self.pat_path(segments, *inferred, ty, span) else {
                    return self.poisoned_pat(&[], None, span, or_names);
                };
                self.variant_pat(res, &[], None, false, ty, span)
            }
            ast::PatKind::TupleStruct {
                segments,
                inferred,
                elems,
            } => {
                let Some(res) = self.pat_path(segments, *inferred, ty, span) else {
                    return self.poisoned_pat(elems, None, span, or_names);
                };
                self.variant_pat_with(res, elems, None, false, ty, span, or_names)
            }
            ast::PatKind::Struct {
                segments,
                inferred,
                fields,
                has_rest,
            } => {
                let Some(res) = self.pat_path(segments, *inferred, ty, span) else {
                    return self.poisoned_pat(&[], Some(fields), span, or_names);
                };
                self.variant_pat_with(res, &[], Some(fields), *has_rest, ty, span, or_names)
            }
            ast::PatKind::Or(alts) => {
                let first_scope_len = self.scopes.last().map_or(0, |s| s.len());
                let mut out = Vec::new();
                let mut names: Option<Vec<String>> = None;
                for (i, alt) in alts.iter().enumerate() {
                    let before: Vec<String> = self.scopes.last().unwrap().keys().cloned().collect();
                    let mut inner = if i == 0 { None } else { names.clone() };
                    out.push(self.check_pat_inner(alt, ty, &mut inner));
                    if i == 0 {
                        let after: Vec<String> =
                            self.scopes.last().unwrap().keys().cloned().collect();
                        names = Some(after.into_iter().filter(|n| !before.contains(n)).collect());
                    }
                }
                let _ = first_scope_len;
                mk(PatKind::Or(out), ty)
            }
        }
    }

    /// A lone identifier in a pattern that names a unit variant (`None`) or a unit struct.
    fn pattern_name_as_path(&mut self, name: &ast::Ident) -> Option<PathRes> {
        if name.name == "None" {
            return Some(PathRes::Variant(Ty::Option(Box::new(self.fresh())), 0));
        }
        match self.env.lookup(self.scope, &name.name) {
            Some(Def::Adt(a)) if matches!(&self.env.adt(a).kind, AdtKind::Struct(f) if f.is_empty()) => {
                Some(PathRes::Def(Def::Adt(a)))
            }
            _ => None,
        }
    }

    fn pat_path(
        &mut self,
        segments: &[ast::Ident],
        inferred: bool,
        ty: &Ty,
        span: Span,
    ) -> Option<PathRes> {
        if inferred {
            let id = segments.last()?;
            return self
                .infer_variant(id, Some(ty))
                .map(|(t, v)| PathRes::Variant(t, v));
        }
        match self.path_def(&path_expr(segments)) {
            Some(r @ (PathRes::Variant(..) | PathRes::Def(Def::Adt(_)))) => Some(r),
            Some(PathRes::BuiltinType(Ty::Error)) => None,
            _ => {
                let name: Vec<&str> = segments.iter().map(|s| s.name.as_str()).collect();
                let (last, prefix) = segments.split_last()?;
                if !prefix.is_empty() {
                    // `Key.Arrow.Up`: a path through a variant, meant as its payload.
                    if let Some(PathRes::Variant(t, v)) = self.path_def(&path_expr(prefix)) {
                        let base = name[..prefix.len()].join(".");
                        let (_, fields, is_tuple) = self.variant_fields(&t, v);
                        let help = if is_tuple && fields.len() == 1 {
                            format!("to match its payload, write `{base}(.{})`", last.name)
                        } else {
                            "a variant's fields are matched inside `(...)` or `{ ... }`".into()
                        };
                        self.error(
                            Diagnostic::error(
                                errors::NOT_A_NAMESPACE,
                                format!("`{base}` is a variant, not a namespace"),
                                span,
                            )
                            .with_label(format!("`.{}` cannot follow a variant", last.name))
                            .with_help(help),
                        );
                        return None;
                    }
                }
                let mut d = Diagnostic::error(
                    errors::UNKNOWN_PATTERN_PATH,
                    format!("cannot find variant or struct `{}`", name.join(".")),
                    span,
                )
                .with_label("not a variant or struct");
                // `Square(a)` against a `Shape`: the variant without its `.`.
                if let (true, Ty::Adt(a, _)) = (prefix.is_empty(), self.infer.shallow(ty)) {
                    let adt = self.env.adt(a);
                    if adt.variants().iter().any(|v| v.name == last.name) {
                        d = d.with_help(format!(
                            "`{0}` is a variant of `{1}`: write `.{0}` or `{1}.{0}`",
                            last.name, adt.name
                        ));
                    }
                }
                self.error(d);
                None
            }
        }
    }

    fn variant_pat(
        &mut self,
        res: PathRes,
        elems: &[ast::Pat],
        fields: Option<&[ast::FieldPat]>,
        rest: bool,
        ty: &Ty,
        span: Span,
    ) -> Pat {
        let mut names = None;
        self.variant_pat_with(res, elems, fields, rest, ty, span, &mut names)
    }

    #[allow(clippy::too_many_arguments)]
    fn variant_pat_with(
        &mut self,
        res: PathRes,
        elems: &[ast::Pat],
        fields: Option<&[ast::FieldPat]>,
        has_rest: bool,
        ty: &Ty,
        span: Span,
        or_names: &mut Option<Vec<String>>,
    ) -> Pat {
        let (pat_ty, variant, decl): (Ty, Option<u32>, Vec<(String, Ty)>) = match res {
            PathRes::Variant(t, v) => {
                let (_, fs, _) = self.variant_fields(&t, v);
                (t, Some(v), fs)
            }
            PathRes::Def(Def::Adt(a)) => {
                let t = self.fresh_adt(a);
                let args = match &t {
                    Ty::Adt(_, args) => args.clone(),
                    _ => Vec::new(),
                };
                let fs = self
                    .env
                    .adt(a)
                    .fields()
                    .iter()
                    .map(|f| (f.name.clone(), f.ty.subst(&args)))
                    .collect();
                (t, None, fs)
            }
            _ => return self.poisoned_pat(elems, fields, span, or_names),
        };
        if !self.infer.unify(ty, &pat_ty) {
            let (a, b) = (self.show(ty), self.show(&pat_ty));
            self.error(
                Diagnostic::error(errors::PATTERN_TYPE_MISMATCH, "mismatched types", span)
                    .with_label(format!("expected `{a}`, found `{b}`"))
                    .with_help("this pattern can never match a value of the scrutinee's type"),
            );
            return self.poisoned_pat(elems, fields, span, or_names);
        }
        // Re-read field types after unification (Option[T]'s T may now be known).
        let decl: Vec<(String, Ty)> = match variant {
            Some(v) => self.variant_fields(&pat_ty, v).1,
            None => decl,
        };
        let mut subs = Vec::new();
        match fields {
            Some(fps) => {
                let mut unknown = false;
                for fp in fps {
                    match decl.iter().position(|(n, _)| *n == fp.name.name) {
                        Some(i) => {
                            let t = decl[i].1.clone();
                            subs.push((i as u32, self.check_pat_inner(&fp.pat, &t, or_names)));
                        }
                        None => {
                            // Its bindings still exist (typed `Error`), so their uses
                            // report nothing more.
                            self.check_pat_inner(&fp.pat, &Ty::Error, or_names);
                            unknown = true;
                            self.error(
                                Diagnostic::error(
                                    errors::UNKNOWN_PATTERN_FIELD,
                                    format!("no field `{}` in this pattern's type", fp.name.name),
                                    fp.name.span,
                                )
                                .with_label("unknown field"),
                            );
                        }
                    }
                }
                // A misspelt field is usually the missing one: one error is enough.
                if !has_rest && !unknown && subs.len() < decl.len() {
                    let missing: Vec<String> = decl
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| !subs.iter().any(|(j, _)| *j == *i as u32))
                        .map(|(_, (n, _))| format!("`{n}`"))
                        .collect();
                    self.error(
                        Diagnostic::error(
                            errors::PATTERN_MISSING_FIELDS,
                            format!(
                                "pattern does not mention field{} {}",
                                if missing.len() == 1 { "" } else { "s" },
                                missing.join(", ")
                            ),
                            span,
                        )
                        .with_label("missing fields")
                        .with_help("add the fields or end the pattern with `..`"),
                    );
                }
            }
            None => {
                if elems.len() != decl.len() && !(elems.is_empty() && variant.is_none()) {
                    self.error(
                        Diagnostic::error(
                            errors::PATTERN_FIELD_COUNT,
                            format!(
                                "this pattern has {} field{}, but the variant has {}",
                                elems.len(),
                                if elems.len() == 1 { "" } else { "s" },
                                decl.len()
                            ),
                            span,
                        )
                        .with_label(format!(
                            "expected {} field{}",
                            decl.len(),
                            if decl.len() == 1 { "" } else { "s" }
                        )),
                    );
                }
                for (i, e) in elems.iter().enumerate() {
                    let t = decl.get(i).map_or(Ty::Error, |d| d.1.clone());
                    subs.push((i as u32, self.check_pat_inner(e, &t, or_names)));
                }
            }
        }
        let kind = match variant {
            Some(v) => PatKind::Variant {
                variant: v,
                fields: subs,
            },
            None => PatKind::Fields(subs),
        };
        Pat {
            kind,
            ty: pat_ty,
            span,
        }
    }

    /// A pattern that cannot match (already reported): its sub-patterns are still checked
    /// against `Error`, so the variables they bind exist and their uses report nothing.
    fn poisoned_pat(
        &mut self,
        elems: &[ast::Pat],
        fields: Option<&[ast::FieldPat]>,
        span: Span,
        or_names: &mut Option<Vec<String>>,
    ) -> Pat {
        for e in elems {
            self.check_pat_inner(e, &Ty::Error, or_names);
        }
        for fp in fields.unwrap_or_default() {
            self.check_pat_inner(&fp.pat, &Ty::Error, or_names);
        }
        Pat {
            kind: PatKind::Wild,
            ty: Ty::Error,
            span,
        }
    }

    fn lit_pat(&mut self, lit: &ast::Lit, ty: &Ty, span: Span) -> Pat {
        let (kind, lit_ty) = match lit {
            ast::Lit::Int { value, .. } => {
                let t = self.infer.fresh(VarKind::Int);
                (PatKind::Int(*value as i128), t)
            }
            ast::Lit::Float { value, .. } => {
                (PatKind::Float(*value), self.infer.fresh(VarKind::Float))
            }
            ast::Lit::Bool(b) => (PatKind::Bool(*b), Ty::Bool),
            ast::Lit::Str(s) => (PatKind::Str(s.clone()), Ty::Str),
            ast::Lit::Char(c) => (PatKind::Char(*c), Ty::Char),
        };
        self.expect_ty(ty, &lit_ty, span);
        Pat {
            kind,
            ty: ty.clone(),
            span,
        }
    }

    fn range_bound(&mut self, lit: &ast::Lit, ty: &Ty, span: Span) -> Option<i128> {
        match lit {
            ast::Lit::Int { value, .. } => {
                let t = self.infer.fresh(VarKind::Int);
                self.expect_ty(ty, &t, span);
                Some(*value as i128)
            }
            ast::Lit::Char(c) => {
                self.expect_ty(ty, &Ty::Char, span);
                Some(*c as i128)
            }
            _ => {
                self.error(
                    Diagnostic::error(
                        errors::BAD_RANGE_PATTERN,
                        "range patterns need integer or char bounds",
                        span,
                    )
                    .with_label("unsupported range bound"),
                );
                None
            }
        }
    }

    /// Reports a refutable pattern where only irrefutable ones are allowed.
    pub(crate) fn check_irrefutable(&mut self, p: &Pat, what: &str) {
        if let Some(w) = self.missing_witness(std::slice::from_ref(p), &p.ty) {
            self.error(
                Diagnostic::error(
                    errors::REFUTABLE_PATTERN,
                    format!("refutable pattern in {what}"),
                    p.span,
                )
                .with_label(format!("pattern `{w}` not covered"))
                .with_help("use `if let` or `match` to handle the other cases"),
            );
        }
    }

    // ---------- match, if let, while let ----------

    pub(crate) fn check_match(
        &mut self,
        scrutinee: &ast::Expr,
        arms: &[ast::MatchArm],
        expected: Option<&Ty>,
        span: Span,
    ) -> Expr {
        let s = self.check_expr(scrutinee, None);
        let st = s.ty.clone();
        let mut out_arms = Vec::new();
        let mut result: Option<Ty> = None;
        let mut first_span = span;
        for arm in arms {
            self.scopes.push(Default::default());
            let pat = self.check_pat(&arm.pat, &st, true);
            let guard = arm
                .guard
                .as_ref()
                .map(|g| self.check_expr(g, Some(&Ty::Bool)));
            let hint = result.clone().or_else(|| expected.cloned());
            let body = self.infer_expr(&arm.body, hint.as_ref());
            let bt = self.infer.shallow(&body.ty);
            match &result {
                None if !matches!(bt, Ty::Never) => {
                    result = Some(body.ty.clone());
                    first_span = arm.body.span;
                }
                Some(r) if !matches!(bt, Ty::Never) => {
                    let r = r.clone();
                    if !self.infer.unify(&r, &bt) {
                        let (a, b) = (self.show(&r), self.show(&bt));
                        self.error(
                            Diagnostic::error(
                                errors::MISMATCHED_TYPES,
                                "`match` arms have incompatible types",
                                arm.body.span,
                            )
                            .with_label(format!("expected `{a}`, found `{b}`"))
                            .with_secondary(first_span, format!("first arm has type `{a}`"))
                            .with_help("all arms of a `match` must have the same type"),
                        );
                    }
                }
                _ => {}
            }
            let _ = hint;
            self.scopes.pop();
            out_arms.push(tir::Arm { pat, guard, body });
        }
        // Exhaustiveness: arms with guards don't count.
        let pats: Vec<Pat> = out_arms
            .iter()
            .filter(|a| a.guard.is_none())
            .map(|a| a.pat.clone())
            .collect();
        if !matches!(self.infer.shallow(&st), Ty::Error) {
            if let Some(w) = self.missing_witness(&pats, &st) {
                let shown = self.show(&st);
                self.error(
                    Diagnostic::error(errors::NON_EXHAUSTIVE, format!("non-exhaustive patterns: `{w}` not covered"), scrutinee.span)
                        .with_label(format!("pattern `{w}` not covered"))
                        .with_help(format!("the `match` on `{shown}` must handle every value: add an arm for `{w}` or a wildcard `_ => ...`")),
                );
            }
        }
        let ty = result.unwrap_or(Ty::Never);
        Self::mk(
            ExprKind::Match {
                scrutinee: Box::new(s),
                arms: out_arms,
            },
            ty,
            span,
        )
    }

    pub(crate) fn check_if_let(
        &mut self,
        pat: &ast::Pat,
        value: &ast::Expr,
        then: &ast::Block,
        els: Option<&ast::Expr>,
        expected: Option<&Ty>,
        span: Span,
    ) -> Expr {
        let v = self.check_expr(value, None);
        let vt = v.ty.clone();
        self.scopes.push(Default::default());
        let p = self.check_pat(pat, &vt, true);
        let t = self.check_block(then, None);
        self.scopes.pop();
        let (e, ty) = match els {
            Some(els) => {
                let e = self.check_expr(els, None);
                let ty = self.join_branches(
                    &t,
                    &e,
                    els.span,
                    "`if let` and `else` have incompatible types",
                );
                (Some(e), ty)
            }
            None => {
                let tt = self.infer.shallow(&t.ty);
                if !matches!(tt, Ty::Never | Ty::Error) && !self.infer.unify(&tt, &Ty::unit()) {
                    let shown = self.show(&tt);
                    self.error(
                        Diagnostic::error(
                            errors::IF_WITHOUT_ELSE_VALUE,
                            "`if let` without `else` must have type `()`",
                            then.span,
                        )
                        .with_label(format!("this block has type `{shown}`")),
                    );
                }
                (None, Ty::unit())
            }
        };
        let _ = expected;
        // `if let P = v { a } else { b }` is `match v { P => a, _ => b }`.
        let wild = Pat {
            kind: PatKind::Wild,
            ty: vt,
            span,
        };
        let els_expr = e.unwrap_or_else(|| Self::mk(ExprKind::Unit, Ty::unit(), span));
        let arms = vec![
            tir::Arm {
                pat: p,
                guard: None,
                body: t,
            },
            tir::Arm {
                pat: wild,
                guard: None,
                body: els_expr,
            },
        ];
        Self::mk(
            ExprKind::Match {
                scrutinee: Box::new(v),
                arms,
            },
            ty,
            span,
        )
    }

    pub(crate) fn check_while_let(
        &mut self,
        pat: &ast::Pat,
        value: &ast::Expr,
        body: &ast::Block,
        span: Span,
    ) -> Expr {
        // `while let P = v { body }` is `loop { match v { P => body, _ => break } }`.
        let v = self.check_expr(value, None);
        let vt = v.ty.clone();
        self.scopes.push(Default::default());
        let p = self.check_pat(pat, &vt, true);
        self.push_loop(None);
        let b = self.check_block(body, Some(&Ty::unit()));
        self.loops.pop();
        self.scopes.pop();
        let wild = Pat {
            kind: PatKind::Wild,
            ty: vt,
            span,
        };
        let brk = Self::mk(
            ExprKind::Break {
                depth: 0,
                value: None,
            },
            Ty::Never,
            span,
        );
        let m = Self::mk(
            ExprKind::Match {
                scrutinee: Box::new(v),
                arms: vec![
                    tir::Arm {
                        pat: p,
                        guard: None,
                        body: b,
                    },
                    tir::Arm {
                        pat: wild,
                        guard: None,
                        body: brk,
                    },
                ],
            },
            Ty::unit(),
            span,
        );
        Self::mk(ExprKind::Loop { body: Box::new(m) }, Ty::unit(), span)
    }

    // ---------- exhaustiveness ----------

    /// A value not matched by any of `pats` (as text), or `None` if they are exhaustive.
    pub(crate) fn missing_witness(&self, pats: &[Pat], ty: &Ty) -> Option<String> {
        let rows: Vec<Vec<DPat>> = pats.iter().map(|p| vec![self.lower_pat(p)]).collect();
        let w = self.useful(&rows, &[DPat::Wild], std::slice::from_ref(ty), 0)?;
        w.into_iter().next()
    }

    fn lower_pat(&self, p: &Pat) -> DPat {
        match &p.kind {
            PatKind::Wild | PatKind::Bind(_) => DPat::Wild,
            PatKind::At(_, sub) => self.lower_pat(sub),
            PatKind::Int(v) => DPat::Ctor(Ctor::Int(*v), vec![]),
            PatKind::Char(c) => DPat::Ctor(Ctor::Int(*c as i128), vec![]),
            PatKind::Bool(b) => DPat::Ctor(Ctor::Bool(*b), vec![]),
            PatKind::Str(s) => DPat::Ctor(Ctor::Str(s.clone()), vec![]),
            PatKind::Float(f) => DPat::Ctor(Ctor::Float(f.to_bits()), vec![]),
            PatKind::Range { lo, hi, inclusive } => {
                DPat::Ctor(Ctor::Range(*lo, *hi, *inclusive), vec![])
            }
            PatKind::Fields(fs) => {
                let n = self.arity(&Ctor::Single, &p.ty);
                let mut args = vec![DPat::Wild; n];
                for (i, sp) in fs {
                    if (*i as usize) < n {
                        args[*i as usize] = self.lower_pat(sp);
                    }
                }
                DPat::Ctor(Ctor::Single, args)
            }
            PatKind::Variant { variant, fields } => {
                let c = Ctor::Variant(*variant);
                let n = self.arity(&c, &p.ty);
                let mut args = vec![DPat::Wild; n];
                for (i, sp) in fields {
                    if (*i as usize) < n {
                        args[*i as usize] = self.lower_pat(sp);
                    }
                }
                DPat::Ctor(c, args)
            }
            PatKind::Or(alts) => DPat::Or(alts.iter().map(|a| self.lower_pat(a)).collect()),
        }
    }

    /// Field types of constructor `c` of type `ty`.
    fn ctor_fields(&self, c: &Ctor, ty: &Ty) -> Vec<Ty> {
        match (c, self.infer.shallow(ty)) {
            (Ctor::Single, Ty::Tuple(ts)) => ts,
            (Ctor::Single, Ty::Adt(a, args)) => self
                .env
                .adt(a)
                .fields()
                .iter()
                .map(|f| f.ty.subst(&args))
                .collect(),
            (Ctor::Variant(v), t) => self
                .variant_fields(&t, *v)
                .1
                .into_iter()
                .map(|(_, t)| t)
                .collect(),
            _ => vec![],
        }
    }

    fn arity(&self, c: &Ctor, ty: &Ty) -> usize {
        self.ctor_fields(c, ty).len()
    }

    /// Every constructor of `ty`, or `None` when there are infinitely many.
    fn all_ctors(&self, ty: &Ty) -> Option<Vec<Ctor>> {
        match self.infer.shallow(ty) {
            Ty::Bool => Some(vec![Ctor::Bool(false), Ctor::Bool(true)]),
            Ty::Tuple(_) => Some(vec![Ctor::Single]),
            Ty::Adt(a, _) => match &self.env.adt(a).kind {
                AdtKind::Struct(_) => Some(vec![Ctor::Single]),
                AdtKind::Enum(vs) => Some((0..vs.len() as u32).map(Ctor::Variant).collect()),
            },
            Ty::Option(_) | Ty::Result(..) => Some(vec![Ctor::Variant(0), Ctor::Variant(1)]),
            Ty::Int(IntTy::U8) => Some((0..=255).map(Ctor::Int).collect()),
            Ty::Int(IntTy::I8) => Some((-128..=127).map(Ctor::Int).collect()),
            _ => None,
        }
    }

    /// For an integer type wider than a byte, the values split into intervals at the
    /// bounds of the literals and ranges in `used`: each interval is either inside or
    /// outside every one of them, so together they act as the type's constructors.
    fn int_intervals(&self, ty: &Ty, used: &[Ctor]) -> Option<Vec<Ctor>> {
        let Ty::Int(i) = self.infer.shallow(ty) else {
            return None;
        };
        let (min, max) = i.range();
        let mut cuts = vec![min];
        for c in used {
            match c {
                Ctor::Int(v) => cuts.extend([*v, *v + 1]),
                Ctor::Range(lo, hi, incl) => {
                    cuts.push(lo.unwrap_or(min));
                    if let Some(h) = hi {
                        cuts.push(if *incl { *h + 1 } else { *h });
                    }
                }
                _ => {}
            }
        }
        cuts.retain(|c| (min..=max).contains(c));
        cuts.sort_unstable();
        cuts.dedup();
        let ends = cuts.iter().skip(1).map(|c| c - 1).chain([max]);
        Some(
            cuts.iter()
                .zip(ends)
                .map(|(lo, hi)| Ctor::Range(Some(*lo), Some(hi), true))
                .collect(),
        )
    }

    fn specialize(&self, rows: &[Vec<DPat>], c: &Ctor, arity: usize) -> Vec<Vec<DPat>> {
        let mut out = Vec::new();
        for row in rows {
            self.specialize_row(&row[0], &row[1..], c, arity, &mut out);
        }
        out
    }

    fn specialize_row(
        &self,
        head: &DPat,
        rest: &[DPat],
        c: &Ctor,
        arity: usize,
        out: &mut Vec<Vec<DPat>>,
    ) {
        match head {
            DPat::Wild => {
                let mut r = vec![DPat::Wild; arity];
                r.extend_from_slice(rest);
                out.push(r);
            }
            DPat::Ctor(c2, args) => {
                if c2.covers(c) {
                    let mut r = if args.len() == arity {
                        args.clone()
                    } else {
                        vec![DPat::Wild; arity]
                    };
                    r.extend_from_slice(rest);
                    out.push(r);
                }
            }
            DPat::Or(alts) => {
                for a in alts {
                    self.specialize_row(a, rest, c, arity, out);
                }
            }
        }
    }

    fn head_ctors(rows: &[Vec<DPat>], out: &mut Vec<Ctor>) {
        fn walk(p: &DPat, out: &mut Vec<Ctor>) {
            match p {
                DPat::Ctor(c, _) => out.push(c.clone()),
                DPat::Or(alts) => alts.iter().for_each(|a| walk(a, out)),
                DPat::Wild => {}
            }
        }
        for r in rows {
            walk(&r[0], out);
        }
    }

    /// If `q` is useful with respect to `rows` (matches a value no row matches), returns
    /// a witness per column.
    fn useful(
        &self,
        rows: &[Vec<DPat>],
        q: &[DPat],
        tys: &[Ty],
        depth: usize,
    ) -> Option<Vec<String>> {
        if q.is_empty() {
            return if rows.is_empty() { Some(vec![]) } else { None };
        }
        if depth > 64 {
            return None;
        }
        let ty = &tys[0];
        match &q[0] {
            DPat::Or(alts) => alts.iter().find_map(|a| {
                let mut q2 = vec![a.clone()];
                q2.extend_from_slice(&q[1..]);
                self.useful(rows, &q2, tys, depth + 1)
            }),
            DPat::Ctor(c, args) => {
                let fields = self.ctor_fields(c, ty);
                let srows = self.specialize(rows, c, fields.len());
                let mut q2 = args.clone();
                q2.extend_from_slice(&q[1..]);
                let mut t2 = fields.clone();
                t2.extend_from_slice(&tys[1..]);
                let w = self.useful(&srows, &q2, &t2, depth + 1)?;
                Some(self.rebuild(c, ty, w, fields.len()))
            }
            DPat::Wild => {
                let mut used = Vec::new();
                Self::head_ctors(rows, &mut used);
                let all = self.all_ctors(ty).or_else(|| self.int_intervals(ty, &used));
                if let Some(all) = &all {
                    let complete = all.iter().all(|c| used.iter().any(|u| u.covers(c)));
                    if complete {
                        for c in all {
                            let fields = self.ctor_fields(c, ty);
                            let srows = self.specialize(rows, c, fields.len());
                            let mut q2 = vec![DPat::Wild; fields.len()];
                            q2.extend_from_slice(&q[1..]);
                            let mut t2 = fields.clone();
                            t2.extend_from_slice(&tys[1..]);
                            if let Some(w) = self.useful(&srows, &q2, &t2, depth + 1) {
                                return Some(self.rebuild(c, ty, w, fields.len()));
                            }
                        }
                        return None;
                    }
                }
                // Default matrix: rows whose head is a wildcard.
                let mut drows = Vec::new();
                for r in rows {
                    collect_default(&r[0], &r[1..], &mut drows);
                }
                let mut w = self.useful(&drows, &q[1..], &tys[1..], depth + 1)?;
                let head = match &all {
                    Some(all) => {
                        let missing = all.iter().find(|c| !used.iter().any(|u| u.covers(c)));
                        match missing {
                            Some(c) => {
                                let n = self.arity(c, ty);
                                self.render_ctor(c, ty, vec!["_".into(); n])
                            }
                            None => "_".into(),
                        }
                    }
                    None => "_".into(),
                };
                w.insert(0, head);
                Some(w)
            }
        }
    }

    fn rebuild(&self, c: &Ctor, ty: &Ty, mut w: Vec<String>, n: usize) -> Vec<String> {
        let rest = w.split_off(n.min(w.len()));
        let mut out = vec![self.render_ctor(c, ty, w)];
        out.extend(rest);
        out
    }

    fn render_ctor(&self, c: &Ctor, ty: &Ty, args: Vec<String>) -> String {
        match c {
            Ctor::Bool(b) => b.to_string(),
            Ctor::Int(v) => v.to_string(),
            Ctor::Range(Some(lo), Some(hi), true)
                if matches!(self.infer.shallow(ty), Ty::Int(_)) =>
            {
                if lo == hi {
                    lo.to_string()
                } else {
                    format!("{lo}..={hi}")
                }
            }
            Ctor::Single => match self.infer.shallow(ty) {
                Ty::Tuple(_) => format!("({})", args.join(", ")),
                Ty::Adt(a, _) => {
                    let adt = self.env.adt(a);
                    let fs: Vec<String> = adt
                        .fields()
                        .iter()
                        .zip(&args)
                        .map(|(f, a)| format!("{}: {a}", f.name))
                        .collect();
                    if fs.is_empty() {
                        adt.name.clone()
                    } else {
                        format!("{} {{ {} }}", adt.name, fs.join(", "))
                    }
                }
                _ => "_".into(),
            },
            Ctor::Variant(v) => {
                let (name, fields, is_tuple) = self.variant_fields(ty, *v);
                let prefix = match self.infer.shallow(ty) {
                    Ty::Adt(a, _) => format!("{}.", self.env.adt(a).name),
                    _ => String::new(),
                };
                if fields.is_empty() {
                    format!("{prefix}{name}")
                } else if is_tuple {
                    format!("{prefix}{name}({})", args.join(", "))
                } else {
                    let fs: Vec<String> = fields
                        .iter()
                        .zip(&args)
                        .map(|((n, _), a)| format!("{n}: {a}"))
                        .collect();
                    format!("{prefix}{name} {{ {} }}", fs.join(", "))
                }
            }
            _ => "_".into(),
        }
    }
}

fn collect_default(head: &DPat, rest: &[DPat], out: &mut Vec<Vec<DPat>>) {
    match head {
        DPat::Wild => out.push(rest.to_vec()),
        DPat::Or(alts) => alts.iter().for_each(|a| collect_default(a, rest, out)),
        DPat::Ctor(..) => {}
    }
}

#[derive(Clone, Debug)]
enum DPat {
    Wild,
    Ctor(Ctor, Vec<DPat>),
    Or(Vec<DPat>),
}

#[derive(Clone, Debug, PartialEq)]
enum Ctor {
    Single,
    Variant(u32),
    Bool(bool),
    Int(i128),
    Range(Option<i128>, Option<i128>, bool),
    Str(String),
    Float(u64),
}

impl Ctor {
    /// Whether a row with constructor `self` matches every value of constructor `other`.
    fn covers(&self, other: &Ctor) -> bool {
        match (self, other) {
            (Ctor::Range(lo, hi, incl), Ctor::Int(v)) => {
                lo.is_none_or(|l| *v >= l)
                    && hi.is_none_or(|h| if *incl { *v <= h } else { *v < h })
            }
            // An interval of `int_intervals` (inclusive, both ends known).
            (Ctor::Range(lo, hi, incl), Ctor::Range(Some(a), Some(b), true)) => {
                lo.is_none_or(|l| *a >= l)
                    && hi.is_none_or(|h| if *incl { *b <= h } else { *b < h })
            }
            (Ctor::Int(v), Ctor::Range(Some(a), Some(b), true)) => v == a && v == b,
            _ => self == other,
        }
    }
}
