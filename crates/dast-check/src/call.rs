//! Paths (`Point.new`, `Shape.Circle`, `other.f`, `i32.MAX`), calls, method calls,
//! built-in functions and methods, struct literals and format strings.

use dast_base::{Diagnostic, Span};
use dast_syntax::ast;

use crate::builtins::{
    prelude_fn, MethodOp, Param, PreludeArgs, PreludeFn, Recv, Sig, METHODS, PRELUDE_FNS,
};
use crate::check::FnCx;
use crate::env::{AdtKind, Def, FnId, FnSig, ParamMode};
use crate::errors;
use crate::format::{parse_format, Piece};
use crate::generics::Obligation;
use crate::tir::{
    Arg, Block, Builtin, Expr, ExprKind, FmtPiece, Pat, PatKind, Place, PlaceRoot, Proj, Stmt,
};
use crate::ty::{AdtId, FloatTy, IntTy, TraitId, Ty, VarKind};

/// What a (non-local) path expression names.
#[derive(Clone, Debug)]
pub(crate) enum PathRes {
    Def(Def),
    /// A built-in type used as a namespace: `Vec`, `HashMap[String, i32]`, `i32`.
    BuiltinType(Ty),
    /// An enum variant (user enum, `Option`, `Result`), with the enum type.
    Variant(Ty, u32),
    /// An associated function or method named through its type: `Point.new`.
    AssocFn(FnId),
    /// `Vec.new`, `i32.MAX`, `String.from`: a built-in type's associated item.
    BuiltinAssoc(Ty, String),
}

/// A built-in method found for a receiver: its operation and instantiated signature.
struct BuiltinMethod {
    op: MethodOp,
    params: Vec<Ty>,
    ret: Ty,
}

impl<'e, 'a> FnCx<'e, 'a> {
    /// Resolves `e` as a path if it is one (not a local variable); reports nothing when it
    /// is not a path, and reports unknown items of known namespaces.
    pub(crate) fn path_def(&mut self, e: &ast::Expr) -> Option<PathRes> {
        match &e.kind {
            ast::ExprKind::Name(id) => {
                if self.lookup_local(&id.name).is_some() {
                    return None;
                }
                if id.name == "Self" && !self.ty_params.iter().any(|(n, _)| n == "Self") {
                    return self.self_adt.map(|a| PathRes::Def(Def::Adt(a)));
                }
                // `T.default()`: a type parameter names its type (in an instance, the
                // concrete one, so `T.new()` finds `Point.new`).
                if let Some((_, t)) = self.ty_params.iter().find(|(n, _)| *n == id.name) {
                    return Some(match t {
                        Ty::Adt(a, _) => PathRes::Def(Def::Adt(*a)),
                        t => PathRes::BuiltinType(t.clone()),
                    });
                }
                if let Some(d) = self.env.lookup(self.scope, &id.name) {
                    return Some(PathRes::Def(d));
                }
                match id.name.as_str() {
                    "Some" => return Some(PathRes::Variant(Ty::Option(Box::new(self.fresh())), 1)),
                    "None" => return Some(PathRes::Variant(Ty::Option(Box::new(self.fresh())), 0)),
                    "Ok" => {
                        let (t, e) = (self.fresh(), self.fresh());
                        return Some(PathRes::Variant(Ty::Result(Box::new(t), Box::new(e)), 0));
                    }
                    "Err" => {
                        let (t, e) = (self.fresh(), self.fresh());
                        return Some(PathRes::Variant(Ty::Result(Box::new(t), Box::new(e)), 1));
                    }
                    _ => {}
                }
                builtin_type_namespace(&id.name, self).map(PathRes::BuiltinType)
            }
            ast::ExprKind::TypeArgs { base, args } => {
                let ast::ExprKind::Name(id) = &base.kind else {
                    return None;
                };
                if self.lookup_local(&id.name).is_some() {
                    return None;
                }
                let ty = ast::Type {
                    kind: ast::TypeKind::Path {
                        segments: vec![id.clone()],
                        args: args.clone(),
                    },
                    span: e.span,
                };
                match id.name.as_str() {
                    "Vec" | "HashMap" | "Option" | "Result" => {
                        Some(PathRes::BuiltinType(self.resolve_local_ty(&ty)))
                    }
                    // `Stack[i64].new()`, `Pair[i64, bool].default()`: a generic type
                    // with its arguments named.
                    name if matches!(
                        self.env.lookup(self.scope, name),
                        Some(Def::Adt(a)) if !self.env.adt(a).generics.is_empty()
                    ) =>
                    {
                        Some(PathRes::BuiltinType(self.resolve_local_ty(&ty)))
                    }
                    _ => None,
                }
            }
            ast::ExprKind::Field { base, name } => {
                let b = self.path_def(base)?;
                // `state.score`: the base is a value (a `var`, a constant), not a namespace.
                if matches!(
                    b,
                    PathRes::Def(Def::Global(_) | Def::Const(_) | Def::Fn(_))
                        | PathRes::Variant(..)
                ) {
                    return None;
                }
                Some(self.path_member(b, name, e.span))
            }
            _ => None,
        }
    }

    fn path_member(&mut self, base: PathRes, name: &ast::Ident, span: Span) -> PathRes {
        match base {
            PathRes::Def(d @ (Def::Scope(_) | Def::Module(_))) => {
                match self.env.lookup_in(d, &name.name) {
                    Some(found) => PathRes::Def(found),
                    None => {
                        let what = match d {
                            Def::Module(m) => {
                                format!("module `{}`", self.env.modules[m.0 as usize].name)
                            }
                            _ => "this module".to_string(),
                        };
                        let scope = match d {
                            Def::Module(m) => self.env.modules[m.0 as usize].root,
                            Def::Scope(s) => s,
                            _ => unreachable!(),
                        };
                        let names: Vec<String> = self.env.scopes[scope.0 as usize]
                            .names
                            .keys()
                            .cloned()
                            .collect();
                        let mut diag = Diagnostic::error(
                            errors::UNKNOWN_MODULE_ITEM,
                            format!("cannot find `{}` in {what}", name.name),
                            name.span,
                        )
                        .with_label("not found");
                        if let Some(best) =
                            crate::suggest::closest(&name.name, names.iter().map(|s| s.as_str()))
                        {
                            diag = diag.with_help(format!("did you mean `{best}`?"));
                        }
                        self.error(diag);
                        PathRes::Def(Def::Scope(scope)).poisoned()
                    }
                }
            }
            PathRes::Def(Def::Adt(a)) => {
                let adt = self.env.adt(a);
                if let Some(v) = adt.variants().iter().position(|v| v.name == name.name) {
                    return PathRes::Variant(self.fresh_adt(a), v as u32);
                }
                if let Some(f) = adt.methods.get(&name.name) {
                    return PathRes::AssocFn(*f);
                }
                if name.name == "default"
                    || (name.name == "new" && self.env.prelude_adt("ModuleRegistry") == Some(a))
                {
                    return PathRes::BuiltinAssoc(self.fresh_adt(a), name.name.clone());
                }
                let mut candidates: Vec<String> = adt.methods.keys().cloned().collect();
                candidates.extend(adt.variants().iter().map(|v| v.name.clone()));
                let what = if matches!(adt.kind, AdtKind::Enum(_)) {
                    "variant or associated function"
                } else {
                    "associated function"
                };
                let mut d = Diagnostic::error(
                    errors::UNKNOWN_ASSOC_ITEM,
                    format!("no {what} named `{}` for `{}`", name.name, adt.name),
                    name.span,
                )
                .with_label(format!("not found in `{}`", adt.name));
                if let Some(best) =
                    crate::suggest::closest(&name.name, candidates.iter().map(|s| s.as_str()))
                {
                    d = d.with_help(format!("did you mean `{best}`?"));
                }
                self.error(d);
                PathRes::BuiltinType(Ty::Error)
            }
            PathRes::BuiltinType(t) => {
                let shallow = self.infer.shallow(&t);
                if let Ty::Adt(a, _) = &shallow {
                    let adt = self.env.adt(*a);
                    if let Some(v) = adt.variants().iter().position(|v| v.name == name.name) {
                        return PathRes::Variant(shallow, v as u32);
                    }
                    if let Some(f) = adt.methods.get(&name.name) {
                        return PathRes::AssocFn(*f);
                    }
                    if name.name != "default" {
                        return self.path_member(PathRes::Def(Def::Adt(*a)), name, span);
                    }
                }
                match (&shallow, name.name.as_str()) {
                    (Ty::Option(_), "Some") => PathRes::Variant(shallow, 1),
                    (Ty::Option(_), "None") => PathRes::Variant(shallow, 0),
                    (Ty::Result(..), "Ok") => PathRes::Variant(shallow, 0),
                    (Ty::Result(..), "Err") => PathRes::Variant(shallow, 1),
                    (Ty::Float(_), "consts") => PathRes::BuiltinType(shallow),
                    _ => PathRes::BuiltinAssoc(shallow, name.name.clone()),
                }
            }
            other => {
                // `Settings.new.X`, `i32.MAX.X`: the part before `.X` is not a namespace.
                let base = match &other {
                    PathRes::AssocFn(f) | PathRes::Def(Def::Fn(f)) => {
                        Some(format!("function `{}`", self.env.func(*f).name))
                    }
                    PathRes::BuiltinAssoc(t, item) => Some(format!("`{}.{item}`", self.show(t))),
                    PathRes::BuiltinType(Ty::Error) => None,
                    _ => Some("this".to_string()),
                };
                if let Some(base) = base {
                    self.error(
                        Diagnostic::error(
                            errors::NOT_A_NAMESPACE,
                            format!("{base} is not a namespace"),
                            span,
                        )
                        .with_label(format!("cannot look up `{}` in it", name.name)),
                    );
                }
                PathRes::BuiltinType(Ty::Error)
            }
        }
    }

    /// Whether a built-in `name` got `n` arguments; otherwise reports it (checking the
    /// arguments anyway, for their own errors).
    pub(crate) fn check_arg_count(
        &mut self,
        name: &str,
        n: usize,
        args: &[ast::Expr],
        span: Span,
    ) -> bool {
        if args.len() == n {
            return true;
        }
        self.error(arity_error(
            &format!("`{name}` takes"),
            "argument",
            n,
            args.len(),
            span,
        ));
        // A closure's body would only report what the failed call left unknown (its
        // parameters' types): one mistake, one error.
        for a in args
            .iter()
            .filter(|a| !matches!(a.kind, ast::ExprKind::Closure { .. }))
        {
            self.check_expr(a, None);
        }
        false
    }

    /// Checks arguments of a call that cannot be made (for their own errors) and gives an
    /// error expression.
    pub(crate) fn skip_args(&mut self, args: &[ast::Expr], span: Span) -> Expr {
        for a in args {
            self.check_expr(a, None);
        }
        Self::err_expr(span)
    }

    /// `path_def` restricted to things that have members: modules, types.
    pub(crate) fn namespace_def(&mut self, e: &ast::Expr) -> Option<PathRes> {
        match self.path_def(e)? {
            PathRes::Def(Def::Global(_) | Def::Const(_) | Def::Fn(_) | Def::Trait(_))
            | PathRes::Variant(..)
            | PathRes::AssocFn(_) => None,
            PathRes::BuiltinAssoc(..) => None,
            other => Some(other),
        }
    }

    /// A path used as a value (not called): globals, constants, unit variants.
    pub(crate) fn check_path_value(&mut self, e: &ast::Expr, expected: Option<&Ty>) -> Expr {
        let span = e.span;
        let Some(res) = self.path_def(e) else {
            return self.report_unknown_value(e);
        };
        match res {
            PathRes::Def(Def::Global(g)) => {
                let gd = &self.env.globals[g.0 as usize];
                if gd.module != self.module {
                    let name = gd.name.clone();
                    self.error(
                        Diagnostic::error(
                            errors::PRIVATE_MODULE_STATE,
                            format!("module state `{name}` is private to its module"),
                            span,
                        )
                        .with_label("cannot read another module's `var` directly")
                        .with_help("call a function of that module that returns the value"),
                    );
                    return Self::err_expr(span);
                }
                Self::mk(ExprKind::Global(g), gd.ty.clone(), span)
            }
            PathRes::Def(Def::Const(c)) => {
                let ty = self.env.consts[c.0 as usize].ty.clone();
                Self::mk(ExprKind::Const(c), ty, span)
            }
            PathRes::Def(Def::Fn(f)) | PathRes::AssocFn(f) => {
                let name = self.env.func(f).name.clone();
                self.error(
                    Diagnostic::error(
                        errors::FN_AS_VALUE,
                        format!("function `{name}` used as a value"),
                        span,
                    )
                    .with_label("functions are not values in Dast v0")
                    .with_help(format!("call it: `{name}(...)`")),
                );
                Self::err_expr(span)
            }
            PathRes::Def(Def::Adt(a)) => {
                let adt = self.env.adt(a);
                if let AdtKind::Struct(fields) = &adt.kind {
                    if fields.is_empty() {
                        return Self::mk(
                            ExprKind::Struct {
                                adt: a,
                                fields: Vec::new(),
                            },
                            self.fresh_adt(a),
                            span,
                        );
                    }
                }
                let name = adt.name.clone();
                self.error(
                    Diagnostic::error(errors::TYPE_AS_VALUE, format!("expected a value, found type `{name}`"), span)
                        .with_label("this is a type")
                        .with_help(format!("build a value with `{name} {{ ... }}` or call an associated function like `{name}.new()`")),
                );
                Self::err_expr(span)
            }
            PathRes::Def(Def::Scope(_) | Def::Module(_)) => {
                self.error(
                    Diagnostic::error(
                        errors::TYPE_AS_VALUE,
                        "expected a value, found a module",
                        span,
                    )
                    .with_label("this is a module"),
                );
                Self::err_expr(span)
            }
            PathRes::Def(Def::Trait(t)) => {
                let name = self.env.traits[t.0 as usize].name.clone();
                self.error(
                    Diagnostic::error(
                        errors::TYPE_AS_VALUE,
                        format!("expected a value, found trait `{name}`"),
                        span,
                    )
                    .with_label("this is a trait")
                    .with_help(
                        "call its methods on a value of a type that implements it: `x.method()`",
                    ),
                );
                Self::err_expr(span)
            }
            PathRes::Variant(enum_ty, v) => self.build_variant(enum_ty, v, &[], expected, span),
            PathRes::BuiltinAssoc(t, name) => self.builtin_assoc_value(&t, &name, span),
            PathRes::BuiltinType(Ty::Error) => Self::err_expr(span),
            PathRes::BuiltinType(t) => {
                let shown = self.show(&t);
                self.error(
                    Diagnostic::error(
                        errors::TYPE_AS_VALUE,
                        format!("expected a value, found type `{shown}`"),
                        span,
                    )
                    .with_label("this is a type"),
                );
                Self::err_expr(span)
            }
        }
    }

    fn report_unknown_value(&mut self, e: &ast::Expr) -> Expr {
        if let ast::ExprKind::Name(id) = &e.kind {
            self.report_unknown_name(id, "value", &[]);
        } else {
            self.error(
                Diagnostic::error(errors::UNKNOWN_VALUE, "expected a value", e.span)
                    .with_label("not a value"),
            );
        }
        Self::err_expr(e.span)
    }

    /// "cannot find {what} `name`", suggesting a local, an item of the scope, or one of
    /// `more` (the prelude's functions, for a call).
    fn report_unknown_name(&mut self, id: &ast::Ident, what: &str, more: &[&str]) {
        let mut candidates: Vec<String> =
            self.scopes.iter().flat_map(|s| s.keys().cloned()).collect();
        candidates.extend(self.env.visible_names(self.scope));
        candidates.extend(more.iter().map(|s| s.to_string()));
        let mut d = Diagnostic::error(
            errors::UNKNOWN_VALUE,
            format!("cannot find {what} `{}` in this scope", id.name),
            id.span,
        )
        .with_label("not found in this scope");
        if let Some(best) = crate::suggest::closest(&id.name, candidates.iter().map(|s| s.as_str()))
        {
            d = d.with_help(format!("did you mean `{best}`?"));
        }
        self.error(d);
    }

    fn builtin_assoc_value(&mut self, t: &Ty, name: &str, span: Span) -> Expr {
        let v = match (t, name) {
            (Ty::Int(i), "MAX") => Some(ExprKind::Int(i.range().1)),
            (Ty::Int(i), "MIN") => Some(ExprKind::Int(i.range().0)),
            (Ty::Float(f), _) => float_const(*f, name).map(ExprKind::Float),
            _ => None,
        };
        match v {
            Some(k) => Self::mk(k, t.clone(), span),
            None => {
                let shown = self.show(t);
                self.error(
                    Diagnostic::error(
                        errors::UNKNOWN_ASSOC_ITEM,
                        format!("no associated item `{name}` on `{shown}`"),
                        span,
                    )
                    .with_label("not found"),
                );
                Self::err_expr(span)
            }
        }
    }

    // ---------- fields ----------

    pub(crate) fn check_field(&mut self, e: &ast::Expr, expected: Option<&Ty>) -> Expr {
        let ast::ExprKind::Field { base, name } = &e.kind else {
            unreachable!()
        };
        if self.namespace_def(base).is_some() {
            return self.check_path_value(e, expected);
        }
        let mut b = self.check_expr(base, None);
        let mut t = self.infer.shallow(&b.ty);
        // `boxed.field`: the field of the boxed value.
        while let Ty::Box(inner) = t {
            let index = self.box_index(b.span);
            let span = b.span;
            b = Self::mk(
                ExprKind::Index {
                    base: Box::new(b),
                    index: Box::new(index),
                },
                (*inner).clone(),
                span,
            );
            t = self.infer.shallow(&inner);
        }
        if matches!(t, Ty::Error) {
            return Self::err_expr(e.span);
        }
        if let Ty::Adt(a, _) = &t {
            if self.env.prelude_adt("ModuleRegistry") == Some(*a) && name.name == "modules" {
                if let Some(ty) = self.registry_modules_ty() {
                    return Self::mk(
                        ExprKind::Builtin {
                            op: Builtin::RegistryModules,
                            args: vec![b],
                        },
                        ty,
                        e.span,
                    );
                }
            }
            let is_field = self
                .env
                .adt(*a)
                .fields()
                .iter()
                .any(|f| f.name == name.name);
            if !is_field && self.env.adt(*a).methods.contains_key(&name.name) {
                self.error(
                    Diagnostic::error(
                        errors::METHOD_AS_FIELD,
                        format!("`{}` is a method, not a field", name.name),
                        name.span,
                    )
                    .with_label("method, not a field")
                    .with_help(format!("call it: `.{}()`", name.name)),
                );
                return Self::err_expr(e.span);
            }
        }
        match self.struct_field(&t, name) {
            Some((index, ty)) => Self::mk(
                ExprKind::Field {
                    base: Box::new(b),
                    index,
                },
                ty,
                e.span,
            ),
            None => Self::err_expr(e.span),
        }
    }

    // ---------- calls ----------

    pub(crate) fn check_call(
        &mut self,
        callee: &ast::Expr,
        args: &[ast::Expr],
        expected: Option<&Ty>,
        span: Span,
    ) -> Expr {
        match &callee.kind {
            ast::ExprKind::Name(id)
                if id.name == "load_bytecode"
                    && self.lookup_local(&id.name).is_none()
                    && self.env.lookup(self.scope, &id.name).is_none() =>
            {
                return self.check_load_bytecode(args, span);
            }
            ast::ExprKind::Name(id) if self.lookup_local(&id.name).is_none() => {
                let def = self.env.lookup(self.scope, &id.name);
                if let (None, Some(f)) = (def, prelude_fn(&id.name)) {
                    return self.check_prelude_call(f, None, args, expected, span);
                }
            }
            ast::ExprKind::TypeArgs { base, args: targs } => {
                if let ast::ExprKind::Field { base: recv, name } = &base.kind {
                    if name.name == "instantiate" {
                        return self.check_instantiate(recv, targs, args, span);
                    }
                    // `chain.collect[Vec[String]]()` (Rust's `collect::<Vec<String>>()`).
                    if name.name == "collect" && targs.len() == 1 {
                        let target = self.resolve_local_ty(&targs[0]);
                        let e = self.check_method_call(recv, name, args, Some(&target), span);
                        self.expect_ty(&target, &e.ty, span);
                        return e;
                    }
                }
                // `largest[i64](v)`, `shapes.area[Circle](c)`: a generic function
                // with its type arguments named.
                if let Some(PathRes::Def(Def::Fn(f)) | PathRes::AssocFn(f)) = self.path_def(base) {
                    let explicit = targs.iter().map(|t| self.resolve_local_ty(t)).collect();
                    return self.call_fn(f, None, Some(explicit), args, span, base.span);
                }
                // `deserialize[T](bytes)`: the prelude function whose result is `T`.
                if let ast::ExprKind::Name(id) = &base.kind {
                    let f = prelude_fn(&id.name).filter(|f| f.takes_type_arg());
                    if let (Some(f), None) = (f, self.lookup_local(&id.name)) {
                        let t = targs.first().map(|t| self.resolve_local_ty(t));
                        return self.check_prelude_call(f, t, args, expected, span);
                    }
                }
            }
            ast::ExprKind::InferredVariant(id) => {
                return self.check_variant_value(id, None, expected, span, args);
            }
            ast::ExprKind::Field { base, name } => {
                if let Some(b) = self.namespace_def(base) {
                    let res = self.path_member(b, name, callee.span);
                    return self.call_path(res, args, expected, span, callee.span);
                }
                return self.check_method_call(base, name, args, expected, span);
            }
            _ => {}
        }
        match self.path_def(callee) {
            Some(res) => self.call_path(res, args, expected, span, callee.span),
            None => {
                if let ast::ExprKind::Name(id) = &callee.kind {
                    if self.lookup_local(&id.name).is_none() {
                        // An unknown function: a misspelt prelude function is suggested
                        // from the same table that checks the calls.
                        let prelude: Vec<&str> = PRELUDE_FNS.iter().map(|f| f.name).collect();
                        self.report_unknown_name(id, "function", &prelude);
                        return self.skip_args(args, span);
                    }
                }
                let c = self.check_expr(callee, None);
                let c = match self.check_value_call(c, args, span) {
                    Ok(call) => return call,
                    Err(c) => *c,
                };
                if !c.ty.is_error() {
                    let shown = self.show(&c.ty);
                    self.error(
                        Diagnostic::error(
                            errors::NOT_A_FUNCTION,
                            format!("expected function, found `{shown}`"),
                            callee.span,
                        )
                        .with_label("not a function"),
                    );
                }
                self.skip_args(args, span)
            }
        }
    }

    fn call_path(
        &mut self,
        res: PathRes,
        args: &[ast::Expr],
        expected: Option<&Ty>,
        span: Span,
        callee_span: Span,
    ) -> Expr {
        match res {
            PathRes::Def(Def::Fn(f)) | PathRes::AssocFn(f) => {
                self.call_fn(f, None, None, args, span, callee_span)
            }
            PathRes::Variant(t, v) => self.build_variant(t, v, args, expected, span),
            PathRes::BuiltinAssoc(t, name) => {
                self.call_builtin_assoc(&t, &name, args, expected, span)
            }
            PathRes::BuiltinType(Ty::Error) => self.skip_args(args, span),
            _ => {
                self.error(
                    Diagnostic::error(
                        errors::NOT_A_FUNCTION,
                        "expected function, found something else",
                        callee_span,
                    )
                    .with_label("not a function"),
                );
                self.skip_args(args, span)
            }
        }
    }

    /// A call of a user function; `receiver` is the already-checked `self` argument of a
    /// method call.
    /// The signature of a call of generic `f` with type arguments `explicit` (or fresh
    /// variables, inferred from the arguments), its bounds recorded to check at the end.
    fn instantiate(&mut self, f: FnId, explicit: Option<Vec<Ty>>, span: Span) -> (FnSig, Vec<Ty>) {
        let def = self.env.func(f);
        let n = def.generics.len();
        let type_args = match explicit {
            Some(given) if given.len() == n => given,
            given => {
                if let Some(given) = given {
                    let listed: Vec<&str> = def.generics.iter().map(|g| g.name.as_str()).collect();
                    let plural = if n == 1 { "" } else { "s" };
                    let d = Diagnostic::error(
                        errors::TYPE_ARG_COUNT,
                        format!(
                            "wrong number of type arguments: `{}` takes {n} type argument{plural}, found {}",
                            def.name,
                            given.len()
                        ),
                        span,
                    )
                    .with_label(format!("expected {n} type argument{plural}"))
                    .with_secondary(def.decl.name.span, format!("`{}[{}]` defined here", def.name, listed.join(", ")));
                    self.error(d);
                }
                (0..n).map(|_| self.fresh()).collect()
            }
        };
        for (i, (g, t)) in def.generics.iter().zip(&type_args).enumerate() {
            if let Some(call) = &g.call {
                let sig = call.subst(&type_args);
                self.call_hints.push((t.clone(), sig.clone()));
                self.call_obligations.push((t.clone(), sig, span));
            }
            for b in &g.bounds {
                self.obligations.push(Obligation {
                    ty: t.clone(),
                    bound: *b,
                    span,
                    callee: f,
                    param: i as u32,
                });
            }
        }
        self.instances.push((f, type_args.clone(), span));
        let sig = def.sig.subst(&type_args);
        (sig, type_args)
    }

    pub(crate) fn call_fn(
        &mut self,
        f: FnId,
        receiver: Option<Arg>,
        explicit: Option<Vec<Ty>>,
        args: &[ast::Expr],
        span: Span,
        callee_span: Span,
    ) -> Expr {
        let (sig, type_args) = if self.env.func(f).is_generic() {
            self.instantiate(f, explicit, span)
        } else {
            if explicit.is_some() {
                let name = self.env.func(f).name.clone();
                self.error(
                    Diagnostic::error(
                        errors::TYPE_ARG_COUNT,
                        format!("`{name}` takes no type arguments"),
                        callee_span,
                    )
                    .with_label("unexpected type arguments")
                    .with_help(format!("`{name}` is not generic: call it as `{name}(...)`")),
                );
            }
            (self.env.func(f).sig.clone(), Vec::new())
        };
        let def = self.env.func(f);
        let name = def.name.clone();
        let skip = usize::from(receiver.is_some());
        let expected_n = sig.params.len() - skip.min(sig.params.len());
        if args.len() != expected_n {
            let d = arity_error(
                &format!("`{name}` takes"),
                "argument",
                expected_n,
                args.len(),
                span,
            )
            .with_secondary(def.span, format!("`{name}` defined here"));
            self.error(d);
        }
        let mut out = Vec::new();
        if let Some(r) = receiver {
            // A generic type's method learns its type arguments from the receiver.
            if let (Arg::Value(v), Some(p)) = (&r, sig.params.first()) {
                self.infer.unify(&p.ty, &v.ty);
            }
            if let (Arg::MutPlace(pl), Some(p)) = (&r, sig.params.first()) {
                self.infer.unify(&p.ty, &pl.ty);
            }
            out.push(r);
        }
        for (i, a) in args.iter().enumerate() {
            match sig.params.get(i + skip) {
                Some(p) => out.push(self.check_arg(a, &p.ty, p.mode)),
                None => {
                    self.check_expr(a, None);
                }
            }
        }
        let _ = callee_span;
        if out.len() != sig.params.len() {
            return Self::mk(ExprKind::Error, sig.ret.clone(), span);
        }
        Self::mk(
            ExprKind::Call {
                func: f,
                type_args,
                args: out,
            },
            sig.ret.clone(),
            span,
        )
    }

    fn check_arg(&mut self, a: &ast::Expr, ty: &Ty, mode: ParamMode) -> Arg {
        match (mode, &a.kind) {
            (
                ParamMode::RefMut,
                ast::ExprKind::Ref {
                    mutable: true,
                    expr,
                },
            ) => match self.check_place(expr, false) {
                Some(p) => {
                    self.require_mutable_place(&p, a);
                    let pt = p.ty.clone();
                    self.expect_ty(ty, &pt, expr.span);
                    Arg::MutPlace(p)
                }
                None => Arg::Value(Self::err_expr(a.span)),
            },
            (ParamMode::RefMut, _) if self.is_ref_mut_param_place(a) => {
                match self.check_place(a, false) {
                    Some(p) => {
                        let pt = p.ty.clone();
                        self.expect_ty(ty, &pt, a.span);
                        Arg::MutPlace(p)
                    }
                    None => Arg::Value(Self::err_expr(a.span)),
                }
            }
            (ParamMode::RefMut, _) => {
                let e = self.check_expr(a, Some(ty));
                if !e.ty.is_error() {
                    let shown = self.show(ty);
                    self.error(
                        Diagnostic::error(errors::MISMATCHED_TYPES, "mismatched types", a.span)
                            .with_label(format!("expected `&mut {shown}`, found `{shown}`"))
                            .with_help("pass a mutable reference: `&mut place`"),
                    );
                }
                Arg::Value(e)
            }
            (
                _,
                ast::ExprKind::Ref {
                    mutable: false,
                    expr,
                },
            ) => Arg::Value(self.check_expr(expr, Some(ty))),
            _ => Arg::Value(self.check_expr(a, Some(ty))),
        }
    }

    /// `out` where `out` is itself a `&mut` parameter (passed on, as in Rust).
    fn is_ref_mut_param_place(&self, a: &ast::Expr) -> bool {
        match &a.kind {
            ast::ExprKind::Name(id) => self
                .lookup_local(&id.name)
                .is_some_and(|l| self.ref_mut_params.contains(&l)),
            ast::ExprKind::Paren(inner) | ast::ExprKind::Deref(inner) => {
                self.is_ref_mut_param_place(inner)
            }
            _ => false,
        }
    }

    /// `&mut x` and mutating methods need a mutable root.
    pub(crate) fn require_mutable_place(&mut self, p: &Place, e: &ast::Expr) {
        match &p.root {
            PlaceRoot::Local(l) if self.is_captured(*l) => {
                self.report_captured_assign(*l, e.span);
            }
            PlaceRoot::Local(l) => {
                let info = &self.locals[l.0 as usize];
                if !info.mutable {
                    let (name, decl) = (info.name.clone(), info.span);
                    self.error(
                        Diagnostic::error(errors::NOT_MUTABLE, format!("cannot borrow `{name}` as mutable, as it is not declared as mutable"), e.span)
                            .with_label("cannot borrow as mutable")
                            .with_secondary(decl, format!("`{name}` declared here"))
                            .with_help(format!("make it mutable: `let mut {name}`")),
                    );
                }
            }
            PlaceRoot::Global(g) => {
                let gd = &self.env.globals[g.0 as usize];
                if !gd.mutable {
                    let name = gd.name.clone();
                    self.error(
                        Diagnostic::error(
                            errors::NOT_MUTABLE,
                            format!("cannot borrow immutable static `{name}` as mutable"),
                            e.span,
                        )
                        .with_label("not mutable")
                        .with_help("declare it `var` or `static mut`"),
                    );
                }
            }
            PlaceRoot::Temp(_) => {}
        }
    }

    // ---------- variants and struct literals ----------

    /// `.Some(x)`, `.Active`: the enum comes from the expected type.
    pub(crate) fn check_variant_value(
        &mut self,
        id: &ast::Ident,
        _explicit: Option<Ty>,
        expected: Option<&Ty>,
        span: Span,
        args: &[ast::Expr],
    ) -> Expr {
        let Some((enum_ty, v)) = self.infer_variant(id, expected) else {
            return self.skip_args(args, span);
        };
        self.build_variant(enum_ty, v, args, expected, span)
    }

    /// Finds variant `id` in the expected enum type (or `Option`/`Result` by name).
    pub(crate) fn infer_variant(
        &mut self,
        id: &ast::Ident,
        expected: Option<&Ty>,
    ) -> Option<(Ty, u32)> {
        let exp = expected.map(|t| self.infer.shallow(t));
        match (&exp, id.name.as_str()) {
            (Some(Ty::Adt(a, args)), name) => {
                let adt = self.env.adt(*a);
                if let Some(v) = adt.variants().iter().position(|v| v.name == name) {
                    return Some((Ty::Adt(*a, args.clone()), v as u32));
                }
                let names: Vec<&str> = adt.variants().iter().map(|v| v.name.as_str()).collect();
                let mut d = Diagnostic::error(
                    errors::UNKNOWN_VARIANT,
                    format!("no variant named `{name}` in enum `{}`", adt.name),
                    id.span,
                )
                .with_label("unknown variant");
                if let Some(best) = crate::suggest::closest(name, names.into_iter()) {
                    d = d.with_help(format!("did you mean `.{best}`?"));
                }
                self.error(d);
                None
            }
            (Some(t @ Ty::Option(_)), "Some") => Some((t.clone(), 1)),
            (Some(t @ Ty::Option(_)), "None") => Some((t.clone(), 0)),
            (Some(t @ Ty::Result(..)), "Ok") => Some((t.clone(), 0)),
            (Some(t @ Ty::Result(..)), "Err") => Some((t.clone(), 1)),
            (_, "Some") => Some((Ty::Option(Box::new(self.fresh())), 1)),
            (_, "None") => Some((Ty::Option(Box::new(self.fresh())), 0)),
            (_, "Ok") => Some((
                Ty::Result(Box::new(self.fresh()), Box::new(self.fresh())),
                0,
            )),
            (_, "Err") => Some((
                Ty::Result(Box::new(self.fresh()), Box::new(self.fresh())),
                1,
            )),
            (Some(Ty::Error), _) => None,
            (exp, name) => {
                let what = match exp {
                    Some(t) if self.infer.var_kind(t).is_none() => {
                        format!("the expected type is `{}`", self.show(t))
                    }
                    _ => "the expected type is not known here".to_string(),
                };
                self.error(
                    Diagnostic::error(
                        errors::UNKNOWN_ENUM,
                        format!("cannot infer the enum of `.{name}`"),
                        id.span,
                    )
                    .with_label(what)
                    .with_help(format!(
                        "name the enum: `EnumName.{name}`, or annotate the expected type"
                    )),
                );
                None
            }
        }
    }

    /// Field types of variant `v` of an enum type (resolving Option/Result parameters).
    pub(crate) fn variant_fields(&self, enum_ty: &Ty, v: u32) -> (String, Vec<(String, Ty)>, bool) {
        match self.infer.shallow(enum_ty) {
            Ty::Option(t) => match v {
                0 => ("None".into(), vec![], false),
                _ => ("Some".into(), vec![("0".into(), *t)], true),
            },
            Ty::Result(t, e) => match v {
                0 => ("Ok".into(), vec![("0".into(), *t)], true),
                _ => ("Err".into(), vec![("0".into(), *e)], true),
            },
            Ty::Adt(a, args) => {
                let var = &self.env.adt(a).variants()[v as usize];
                (
                    var.name.clone(),
                    var.fields
                        .iter()
                        .map(|f| (f.name.clone(), f.ty.subst(&args)))
                        .collect(),
                    var.is_tuple,
                )
            }
            _ => (String::new(), vec![], false),
        }
    }

    pub(crate) fn build_variant(
        &mut self,
        enum_ty: Ty,
        v: u32,
        args: &[ast::Expr],
        expected: Option<&Ty>,
        span: Span,
    ) -> Expr {
        if let Some(exp) = expected {
            // Unify first so `Some(1)` against `Option[i64]` types the literal as i64.
            let mut probe = self.infer_snapshot();
            if probe.unify(exp, &enum_ty) {
                self.infer.unify(exp, &enum_ty);
            }
        }
        let (name, fields, is_tuple) = self.variant_fields(&enum_ty, v);
        if !is_tuple && !fields.is_empty() {
            self.error(
                Diagnostic::error(
                    errors::VARIANT_HAS_NAMED_FIELDS,
                    format!("variant `{name}` has named fields"),
                    span,
                )
                .with_label("use braces")
                .with_help(format!("write `{name} {{ field: value, ... }}`")),
            );
            return Self::err_expr(span);
        }
        if args.len() != fields.len() {
            let n = fields.len();
            self.error(arity_error(
                &format!("variant `{name}` has"),
                "field",
                n,
                args.len(),
                span,
            ));
            return self.skip_args(args, span);
        }
        let vals: Vec<Expr> = args
            .iter()
            .zip(&fields)
            .map(|(a, (_, t))| self.check_expr(a, Some(t)))
            .collect();
        Self::mk(
            ExprKind::Variant {
                variant: v,
                fields: vals,
            },
            enum_ty,
            span,
        )
    }

    pub(crate) fn infer_snapshot(&self) -> crate::ty::Infer {
        self.infer.clone()
    }

    pub(crate) fn check_struct_lit(
        &mut self,
        path: &ast::Expr,
        fields: &[ast::FieldInit],
        rest: Option<&ast::Expr>,
        expected: Option<&Ty>,
        span: Span,
    ) -> Expr {
        enum Target {
            Struct(AdtId),
            Variant(Ty, u32),
        }
        let target = match &path.kind {
            ast::ExprKind::InferredVariant(id) => self
                .infer_variant(id, expected)
                .map(|(t, v)| Target::Variant(t, v)),
            _ => match self.path_def(path) {
                Some(PathRes::Def(Def::Adt(a)))
                    if matches!(self.env.adt(a).kind, AdtKind::Struct(_)) =>
                {
                    Some(Target::Struct(a))
                }
                Some(PathRes::Variant(t, v)) => Some(Target::Variant(t, v)),
                Some(PathRes::BuiltinType(Ty::Error)) => None,
                _ => {
                    self.error(
                        Diagnostic::error(
                            errors::NOT_A_STRUCT,
                            "expected a struct or enum variant before `{`",
                            path.span,
                        )
                        .with_label("not a struct"),
                    );
                    None
                }
            },
        };
        let Some(target) = target else {
            for f in fields {
                self.check_expr(&f.value, None);
            }
            return Self::err_expr(span);
        };
        let (tname, decl_fields, result_ty): (String, Vec<(String, Ty)>, Ty) = match &target {
            Target::Struct(a) => {
                let ty = self.fresh_adt(*a);
                let args = match &ty {
                    Ty::Adt(_, args) => args.clone(),
                    _ => Vec::new(),
                };
                let adt = self.env.adt(*a);
                (
                    adt.name.clone(),
                    adt.fields()
                        .iter()
                        .map(|f| (f.name.clone(), f.ty.subst(&args)))
                        .collect(),
                    ty,
                )
            }
            Target::Variant(t, v) => {
                let (n, fs, _) = self.variant_fields(t, *v);
                (n, fs, t.clone())
            }
        };
        let mut values: Vec<Option<Expr>> = vec![None; decl_fields.len()];
        for f in fields {
            match decl_fields.iter().position(|(n, _)| *n == f.name.name) {
                Some(i) => {
                    let t = decl_fields[i].1.clone();
                    let v = self.check_expr(&f.value, Some(&t));
                    if values[i].is_some() {
                        self.error(
                            Diagnostic::error(
                                errors::FIELD_GIVEN_TWICE,
                                format!("field `{}` specified more than once", f.name.name),
                                f.name.span,
                            )
                            .with_label("used more than once"),
                        );
                    }
                    values[i] = Some(v);
                }
                None => {
                    let names: Vec<&str> = decl_fields.iter().map(|(n, _)| n.as_str()).collect();
                    let mut d = Diagnostic::error(
                        errors::UNKNOWN_FIELD,
                        format!("`{tname}` has no field named `{}`", f.name.name),
                        f.name.span,
                    )
                    .with_label("unknown field");
                    if let Some(best) = crate::suggest::closest(&f.name.name, names.into_iter()) {
                        d = d.with_help(format!("did you mean `{best}`?"));
                    }
                    self.error(d);
                    self.check_expr(&f.value, None);
                }
            }
        }
        let rest = rest.map(|r| self.check_expr(r, Some(&result_ty)));
        let missing: Vec<String> = decl_fields
            .iter()
            .zip(&values)
            .filter(|(_, v)| v.is_none())
            .map(|((n, _), _)| format!("`{n}`"))
            .collect();
        if rest.is_none() && !missing.is_empty() {
            self.error(
                Diagnostic::error(
                    errors::MISSING_FIELDS,
                    format!(
                        "missing field{} {} in initializer of `{tname}`",
                        if missing.len() == 1 { "" } else { "s" },
                        missing.join(", ")
                    ),
                    span,
                )
                .with_label("missing fields")
                .with_help(format!(
                    "add {} or end the literal with `..{tname}.default()`",
                    missing.join(", ")
                )),
            );
            // The value is unusable, but its type is known: later uses are still checked.
            return Self::mk(ExprKind::Error, result_ty, span);
        }
        let vals: Vec<Expr> = match rest {
            Some(r) => {
                // `..base`: the base goes in a hidden local; missing fields read from it.
                let tmp = self.hidden_local(result_ty.clone(), r.span);
                let base_ty = self.infer.shallow(&result_ty);
                let mut out = Vec::new();
                for (i, v) in values.into_iter().enumerate() {
                    out.push(v.unwrap_or_else(|| {
                        let fty = decl_fields[i].1.clone();
                        Self::mk(
                            ExprKind::Field {
                                base: Box::new(Self::mk(
                                    ExprKind::Local(tmp),
                                    base_ty.clone(),
                                    r.span,
                                )),
                                index: i as u32,
                            },
                            fty,
                            r.span,
                        )
                    }));
                }
                let built = match target {
                    Target::Struct(a) => ExprKind::Struct {
                        adt: a,
                        fields: out,
                    },
                    Target::Variant(_, v) => ExprKind::Variant {
                        variant: v,
                        fields: out,
                    },
                };
                let let_pat = crate::tir::Pat {
                    kind: crate::tir::PatKind::Bind(tmp),
                    ty: result_ty.clone(),
                    span: r.span,
                };
                let block = crate::tir::Block {
                    stmts: vec![crate::tir::Stmt::Let {
                        pat: let_pat,
                        init: Some(r),
                    }],
                    tail: Some(Box::new(Self::mk(built, result_ty.clone(), span))),
                };
                return Self::mk(ExprKind::Block(block), result_ty, span);
            }
            None => values.into_iter().map(|v| v.unwrap()).collect(),
        };
        let kind = match target {
            Target::Struct(a) => ExprKind::Struct {
                adt: a,
                fields: vals,
            },
            Target::Variant(_, v) => ExprKind::Variant {
                variant: v,
                fields: vals,
            },
        };
        Self::mk(kind, result_ty, span)
    }

    // ---------- method calls ----------

    fn check_method_call(
        &mut self,
        base: &ast::Expr,
        name: &ast::Ident,
        args: &[ast::Expr],
        expected: Option<&Ty>,
        span: Span,
    ) -> Expr {
        // `m.entry(k).or_insert_with(Vec.new).push(x)`: on the entry's value, written
        // back after.
        if Self::is_entry(base) {
            let Some(open) = self.open_entry(base) else {
                return self.skip_args(args, span);
            };
            let call = self.method_on_place(open.place.clone(), base, name, args, expected, span);
            return self.close_entry(open, Some(call), span);
        }
        // An iterator chain goes on (or runs) without being collected first.
        let mut checked_recv = None;
        if crate::iter::is_iter_method(&name.name) && crate::iter::is_chain(base) {
            match self.check_iter_call(base, name, args, expected, span) {
                Ok(e) => return e,
                Err(recv) => checked_recv = Some(recv),
            }
        }
        // Check the receiver as a place when it looks like one, so mutating methods can
        // work in place; otherwise as a value.
        let place = if let Some(v) = checked_recv {
            let ty = v.ty.clone();
            (!ty.is_error()).then(|| Place {
                root: PlaceRoot::Temp(v),
                projs: Vec::new(),
                ty,
            })
        } else if is_place_like(base) {
            self.check_place(base, false)
        } else {
            let v = self.check_expr(base, None);
            if v.ty.is_error() {
                None
            } else {
                let ty = v.ty.clone();
                Some(Place {
                    root: PlaceRoot::Temp(Box::new(v)),
                    projs: Vec::new(),
                    ty,
                })
            }
        };
        let Some(place) = place else {
            return self.skip_args(args, span);
        };
        self.method_on_place(place, base, name, args, expected, span)
    }

    /// `place.name(args)`, the receiver checked (`base` is how it is written).
    fn method_on_place(
        &mut self,
        place: Place,
        base: &ast::Expr,
        name: &ast::Ident,
        args: &[ast::Expr],
        expected: Option<&Ty>,
        span: Span,
    ) -> Expr {
        let recv_ty = self.infer.shallow(&place.ty);
        if let Some(k) = self.infer.var_kind(&recv_ty) {
            if k != VarKind::General {
                // `5.pow(2)`: the literal takes its default type.
                self.infer.default_literals();
            }
        }
        let (place, recv_ty) = self.deref_boxes(place, base.span);
        if let Ty::Dyn(tr) = recv_ty {
            let recv = self.place_expr(place);
            return self.check_dyn_call(tr, recv, name, args, span);
        }
        if let Ty::Adt(a, _) = &recv_ty {
            if let Some(&f) = self.env.adt(*a).methods.get(&name.name) {
                return self.call_user_method(f, place, base, args, span, name.span);
            }
            // `x.to_string()` of a type with `impl Display`, as in Rust.
            if let (Some(fmt), "to_string", true) = (
                self.env.display_fmt(*a),
                name.name.as_str(),
                args.is_empty(),
            ) {
                return self.call_user_method(fmt, place, base, args, span, name.span);
            }
        }
        if let Ty::Param(p) = &recv_ty {
            return self.check_param_method_call(p.clone(), place, base, name, args, span);
        }
        if self.is_closure_method(&recv_ty, &name.name) {
            return self.check_closure_method(place, base, name, args, expected, span);
        }
        // `v.map(..)`, `m.iter().filter(..)`: a sequence's iterator methods (those it has
        // no built-in method of the same name for, as `v.last()`).
        if matches!(recv_ty, Ty::Vec(_) | Ty::Map(..))
            && crate::iter::is_iter_method(&name.name)
            && self.builtin_method(&recv_ty, &name.name).is_none()
        {
            let recv = self.place_expr(place);
            return match self.pipeline_from_value(recv) {
                Ok(p) => self.extend_or_run(p, name, args, expected, span),
                Err(_) => Self::err_expr(span),
            };
        }
        match self.builtin_method(&recv_ty, &name.name) {
            Some(m) => self.call_builtin_method(m, place, base, args, expected, span),
            None => {
                // A closure argument's body would only report what the unknown method
                // left unknown (its parameters' types): one mistake, one error.
                for a in args
                    .iter()
                    .filter(|a| !matches!(a.kind, ast::ExprKind::Closure { .. }))
                {
                    self.check_expr(a, None);
                }
                if !matches!(recv_ty, Ty::Error) {
                    self.report_unknown_method(&recv_ty, name);
                }
                Self::err_expr(span)
            }
        }
    }

    /// `b.m()` on a `Box[T]` calls `T`'s method on the boxed value (in place for
    /// `&mut self`): the place gains one index-0 projection per box.
    pub(crate) fn deref_boxes(&mut self, mut place: Place, span: Span) -> (Place, Ty) {
        loop {
            let ty = self.infer.shallow(&place.ty);
            let Ty::Box(inner) = ty else {
                return (place, ty);
            };
            place
                .projs
                .push(Proj::Index(Box::new(self.box_index(span))));
            place.ty = *inner;
        }
    }

    /// The index that reads a box's value (element 0 of its vector).
    pub(crate) fn box_index(&self, span: Span) -> Expr {
        Self::mk(ExprKind::Int(0), Ty::Int(IntTy::Usize), span)
    }

    /// `load_bytecode(path)`: a `LoadedModule`.
    fn check_load_bytecode(&mut self, args: &[ast::Expr], span: Span) -> Expr {
        let Some(loaded) = self.env.prelude_adt("LoadedModule") else {
            return self.skip_args(args, span);
        };
        if !self.check_arg_count("load_bytecode", 1, args, span) {
            return self.skip_args(args, span);
        }
        let path = self.check_expr(strip_ref(&args[0]), Some(&Ty::Str));
        Self::mk(
            ExprKind::LoadBytecode(Box::new(path)),
            Ty::adt(loaded),
            span,
        )
    }

    /// `module.instantiate[dyn Trait]()` on a `LoadedModule`.
    fn check_instantiate(
        &mut self,
        recv: &ast::Expr,
        targs: &[ast::Type],
        args: &[ast::Expr],
        span: Span,
    ) -> Expr {
        let loaded = self.env.prelude_adt("LoadedModule").map(Ty::adt);
        let module = self.check_expr(recv, loaded.as_ref());
        self.check_arg_count("instantiate", 0, args, span);
        let target = targs.first().map(|t| self.resolve_local_ty(t));
        let tr = match target.map(|t| self.infer.shallow(&t)) {
            Some(Ty::Dyn(tr)) if targs.len() == 1 => tr,
            Some(Ty::Error) => return Self::err_expr(span),
            other => {
                let found = other.map_or("nothing".to_string(), |t| format!("`{}`", self.show(&t)));
                self.error(
                    Diagnostic::error(
                        errors::MISMATCHED_TYPES,
                        "`instantiate` makes a trait object",
                        span,
                    )
                    .with_label(format!(
                        "expected one type argument `dyn Trait`, found {found}"
                    ))
                    .with_help("write `module.instantiate[dyn Plugin]()`"),
                );
                return Self::err_expr(span);
            }
        };
        if self.report_not_object_safe(tr, span) {
            return Self::err_expr(span);
        }
        Self::mk(
            ExprKind::Instantiate {
                module: Box::new(module),
                tr,
            },
            Ty::Dyn(tr),
            span,
        )
    }

    /// `obj.method(args)` on a trait object: checked against the trait's declaration,
    /// dispatched at run time.
    /// `x.m(..)` where `x: T`, a type parameter: `m` comes from one of `T`'s bounds (a
    /// trait method, `to_string` of `Display`; `clone` is every value's). The generic
    /// body is only checked, so the call's node carries just its type: each instance
    /// checks the call again on its concrete type, which finds the impl's method.
    fn check_param_method_call(
        &mut self,
        p: crate::ty::ParamTy,
        place: Place,
        base: &ast::Expr,
        name: &ast::Ident,
        args: &[ast::Expr],
        span: Span,
    ) -> Expr {
        use crate::generics::Bound;
        let bounds = self
            .param_bounds
            .get(p.index as usize)
            .cloned()
            .unwrap_or_default();
        let recv_ty = Ty::Param(p.clone());
        match name.name.as_str() {
            "clone" if args.is_empty() => return Self::mk(ExprKind::Error, recv_ty, span),
            "to_string" if args.is_empty() && bounds.contains(&Bound::Display) => {
                return Self::mk(ExprKind::Error, Ty::Str, span)
            }
            _ => {}
        }
        let found = bounds.iter().find_map(|b| match b {
            Bound::Trait(t) => {
                let decl = self.env.traits[t.0 as usize]
                    .methods()
                    .find(|m| m.name.name == name.name)?;
                Some((*t, decl))
            }
            _ => None,
        });
        let Some((tr, decl)) = found else {
            for a in args {
                self.check_expr(a, None);
            }
            self.report_param_method(&p, name);
            return Self::err_expr(span);
        };
        let tdef = &self.env.traits[tr.0 as usize];
        let mut names = vec![("Self".to_string(), recv_ty)];
        names.extend(self.ty_params.iter().cloned());
        let cx = crate::resolve::TyScope {
            self_adt: None,
            params: &names,
        };
        let mut diags = Vec::new();
        let mut params = Vec::new();
        for prm in &decl.params {
            let (ty, mode) = match &prm.ty.kind {
                ast::TypeKind::Ref { mutable, inner } => (
                    inner.as_ref(),
                    if *mutable {
                        ParamMode::RefMut
                    } else {
                        ParamMode::Ref
                    },
                ),
                _ => (&prm.ty, ParamMode::Value),
            };
            let t = crate::resolve::resolve_ty_in(self.env, tdef.scope, ty, cx, &mut diags);
            params.push((prm.name.name.clone(), t, mode));
        }
        let ret = decl.ret.as_ref().map_or(Ty::unit(), |t| {
            crate::resolve::resolve_ty_in(self.env, tdef.scope, t, cx, &mut diags)
        });
        let Some((first, rest)) = params.split_first().filter(|(f, _)| f.0 == "self") else {
            self.error(
                Diagnostic::error(
                    errors::ASSOC_FN_AS_METHOD,
                    format!("`{}` has no `self`: it is not a method", name.name),
                    name.span,
                )
                .with_label("called as a method"),
            );
            return self.skip_args(args, span);
        };
        if first.2 == ParamMode::RefMut {
            self.require_mutable_place(&place, base);
        }
        if args.len() != rest.len() {
            let d = arity_error(
                &format!("`{}` takes", name.name),
                "argument",
                rest.len(),
                args.len(),
                span,
            );
            self.error(d);
        }
        for (i, a) in args.iter().enumerate() {
            match rest.get(i) {
                Some((_, t, mode)) => {
                    self.check_arg(a, t, *mode);
                }
                None => {
                    self.check_expr(a, None);
                }
            }
        }
        Self::mk(ExprKind::Error, ret, span)
    }

    fn report_param_method(&mut self, p: &crate::ty::ParamTy, name: &ast::Ident) {
        let traits: Vec<String> = self
            .env
            .traits
            .iter()
            .filter(|t| t.methods().any(|m| m.name.name == name.name))
            .map(|t| t.name.clone())
            .collect();
        let help = match (name.name.as_str(), traits.first()) {
            ("to_string", _) => format!("add a bound: `{}: Display`", p.name),
            (_, Some(t)) => format!(
                "add a bound: `{}: {t}` (which declares `{}`)",
                p.name, name.name
            ),
            (_, None) => format!(
                "a type parameter only has the methods of its bounds; no trait declares `{}`",
                name.name
            ),
        };
        self.error(
            Diagnostic::error(
                errors::UNKNOWN_METHOD,
                format!(
                    "no method named `{}` found for type parameter `{}`",
                    name.name, p.name
                ),
                name.span,
            )
            .with_label(format!(
                "`{}` is not a method of `{}`'s bounds",
                name.name, p.name
            ))
            .with_help(help),
        );
    }

    fn check_dyn_call(
        &mut self,
        tr: TraitId,
        recv: Expr,
        name: &ast::Ident,
        args: &[ast::Expr],
        span: Span,
    ) -> Expr {
        let tdef = &self.env.traits[tr.0 as usize];
        let found = tdef
            .methods()
            .enumerate()
            .find(|(_, m)| m.name.name == name.name);
        let Some((index, decl)) = found else {
            let names: Vec<String> = tdef
                .methods()
                .map(|m| format!("`{}`", m.name.name))
                .collect();
            let trait_name = tdef.name.clone();
            self.error(
                Diagnostic::error(
                    errors::UNKNOWN_METHOD,
                    format!(
                        "no method named `{}` found for `dyn {trait_name}`",
                        name.name
                    ),
                    name.span,
                )
                .with_label(format!("not a method of trait `{trait_name}`"))
                .with_help(format!(
                    "a trait object only has its trait's methods: {}",
                    if names.is_empty() {
                        "none".to_string()
                    } else {
                        names.join(", ")
                    }
                )),
            );
            return self.skip_args(args, span);
        };
        let Some(sig) = self.dyn_method_sig(tr, decl) else {
            let trait_name = tdef.name.clone();
            self.error(
                Diagnostic::error(
                    errors::NOT_OBJECT_SAFE,
                    format!("method `{}` of `{trait_name}` cannot be called on a trait object", name.name),
                    name.span,
                )
                .with_label("uses `Self` beyond its receiver, or has no `self`")
                .with_help("call it on a value of a concrete type, or take `self: &Self` and no other `Self`"),
            );
            return self.skip_args(args, span);
        };
        if args.len() != sig.params.len() {
            let d = arity_error(
                &format!("`{}` takes", name.name),
                "argument",
                sig.params.len(),
                args.len(),
                span,
            );
            self.error(d);
        }
        let mut out = Vec::new();
        for (a, p) in args.iter().zip(&sig.params) {
            out.push(self.check_expr(strip_ref(a), Some(&p.ty)));
        }
        for a in args.iter().skip(sig.params.len()) {
            self.check_expr(a, None);
        }
        if out.len() != sig.params.len() {
            return Self::mk(ExprKind::Error, sig.ret, span);
        }
        Self::mk(
            ExprKind::DynCall {
                tr,
                method: index as u32,
                recv: Box::new(recv),
                args: out,
            },
            sig.ret,
            span,
        )
    }

    /// A trait method's signature as a trait object's caller sees it: the parameters
    /// after the receiver (passed by value) and the return type; `None` when they
    /// mention `Self` or there is no receiver.
    pub(crate) fn dyn_method_sig(
        &self,
        tr: TraitId,
        decl: &ast::FnDecl,
    ) -> Option<crate::env::FnSig> {
        crate::env::dyn_method_sig(self.env, tr, decl)
    }

    fn report_unknown_method(&mut self, recv_ty: &Ty, name: &ast::Ident) {
        let shown = self.show(recv_ty);
        if self.infer.var_kind(recv_ty) == Some(VarKind::General) {
            self.error(
                Diagnostic::error(
                    errors::TYPE_ANNOTATIONS_NEEDED,
                    "type annotations needed",
                    name.span,
                )
                .with_label(format!(
                    "cannot call `.{}()` on a value whose type is not known yet",
                    name.name
                ))
                .with_help("annotate the variable's type, e.g. `let v: Vec[i32] = Vec.new()`"),
            );
            return;
        }
        let mut candidates: Vec<String> = self
            .builtin_method_names(recv_ty)
            .map(|s| s.to_string())
            .collect();
        if matches!(recv_ty, Ty::Vec(_) | Ty::Map(..)) {
            candidates.extend(crate::iter::method_names().map(str::to_string));
        }
        if let Some(extra) = crate::closure_methods::names_for(recv_ty) {
            candidates.extend(extra.iter().map(|s| s.to_string()));
        }
        if let Ty::Adt(a, _) = recv_ty {
            candidates.extend(self.env.adt(*a).methods.keys().cloned());
            if self
                .env
                .adt(*a)
                .fields()
                .iter()
                .any(|f| f.name == name.name)
            {
                self.error(
                    Diagnostic::error(
                        errors::UNKNOWN_METHOD,
                        format!("no method named `{}` found for `{shown}`", name.name),
                        name.span,
                    )
                    .with_label("this is a field, not a method")
                    .with_help(format!(
                        "read the field without parentheses: `.{}`",
                        name.name
                    )),
                );
                return;
            }
        }
        let mut d = Diagnostic::error(
            errors::UNKNOWN_METHOD,
            format!("no method named `{}` found for `{shown}`", name.name),
            name.span,
        )
        .with_label("method not found");
        // A trait that declares the method, which this type does not implement.
        let from_trait = match recv_ty {
            Ty::Adt(a, _) => self.env.traits.iter().enumerate().find(|(i, t)| {
                !self
                    .env
                    .adt(*a)
                    .traits
                    .contains(&crate::env::TraitId(*i as u32))
                    && t.methods().any(|m| m.name.name == name.name)
            }),
            _ => None,
        };
        if let Some((_, t)) = from_trait {
            d = d.with_help(format!(
                "trait `{}` declares `{}`, but `{shown}` does not implement it: add `impl {} for {shown} {{ ... }}`",
                t.name, name.name, t.name
            ));
        } else if let Some(best) =
            crate::suggest::closest(&name.name, candidates.iter().map(|s| s.as_str()))
        {
            d = d.with_help(format!("did you mean `{best}`?"));
        }
        self.error(d);
    }

    fn call_user_method(
        &mut self,
        f: FnId,
        place: Place,
        base: &ast::Expr,
        args: &[ast::Expr],
        span: Span,
        name_span: Span,
    ) -> Expr {
        let def = self.env.func(f);
        if !def.has_self {
            let name = def.name.clone();
            self.error(
                Diagnostic::error(
                    errors::ASSOC_FN_AS_METHOD,
                    format!("`{name}` is an associated function, not a method"),
                    name_span,
                )
                .with_label("has no `self` parameter")
                .with_help(format!("call it as `{name}(...)`")),
            );
            return self.skip_args(args, span);
        }
        let recv = match def.sig.params[0].mode {
            ParamMode::RefMut => {
                self.require_mutable_place(&place, base);
                Arg::MutPlace(place)
            }
            _ => Arg::Value(self.place_expr(place)),
        };
        self.call_fn(f, Some(recv), None, args, span, name_span)
    }

    fn call_builtin_method(
        &mut self,
        m: BuiltinMethod,
        place: Place,
        base: &ast::Expr,
        args: &[ast::Expr],
        expected: Option<&Ty>,
        span: Span,
    ) -> Expr {
        if args.len() != m.params.len() {
            let n = m.params.len();
            self.error(arity_error(
                "this method takes",
                "argument",
                n,
                args.len(),
                span,
            ));
            return self.skip_args(args, span);
        }
        let vals: Vec<Expr> = args
            .iter()
            .zip(&m.params)
            .map(|(a, t)| {
                let a = strip_ref(a);
                self.check_expr(a, Some(t))
            })
            .collect();
        let _ = expected;
        match m.op {
            MethodOp::Mut(op) => {
                self.require_mutable_place(&place, base);
                Self::mk(
                    ExprKind::MutBuiltin {
                        op,
                        place,
                        args: vals,
                    },
                    m.ret,
                    span,
                )
            }
            MethodOp::Pure(op) => {
                let mut all = vec![self.place_expr(place)];
                all.extend(vals);
                Self::mk(ExprKind::Builtin { op, args: all }, m.ret, span)
            }
        }
    }

    /// The built-in method `name` of `recv`, from the table [`METHODS`].
    fn builtin_method(&mut self, recv: &Ty, name: &str) -> Option<BuiltinMethod> {
        let m = METHODS
            .iter()
            .find(|m| m.name == name && self.has_methods_of(m.recv, recv))?;
        let params = m
            .params
            .iter()
            .map(|s| self.sig_ty(*s, recv))
            .collect::<Option<Vec<Ty>>>()?;
        let ret = self.sig_ty(m.ret, recv)?;
        Some(BuiltinMethod {
            op: m.op,
            params,
            ret,
        })
    }

    /// The names of the built-in methods of `recv` (what "did you mean" may suggest).
    fn builtin_method_names<'t>(&'t self, recv: &'t Ty) -> impl Iterator<Item = &'static str> + 't {
        METHODS
            .iter()
            .filter(move |m| self.has_methods_of(m.recv, recv))
            .map(|m| m.name)
    }

    /// Whether `t` has the methods of receiver kind `r`.
    fn has_methods_of(&self, r: Recv, t: &Ty) -> bool {
        let lit = self.infer.var_kind(t);
        match r {
            Recv::Any => !matches!(t, Ty::Error),
            Recv::Vec => matches!(t, Ty::Vec(_)),
            Recv::Str => matches!(t, Ty::Str),
            Recv::Map => matches!(t, Ty::Map(..)),
            Recv::Option => matches!(t, Ty::Option(_)),
            Recv::Result => matches!(t, Ty::Result(..)),
            Recv::Int => {
                matches!(t, Ty::Int(_)) || matches!(t, Ty::Var(_)) && lit == Some(VarKind::Int)
            }
            Recv::Float => {
                matches!(t, Ty::Float(_)) || matches!(t, Ty::Var(_)) && lit == Some(VarKind::Float)
            }
            Recv::Bool => matches!(t, Ty::Bool),
            Recv::Char => matches!(t, Ty::Char),
            Recv::Registry => {
                matches!(t, Ty::Adt(a, _) if self.env.prelude_adt("ModuleRegistry") == Some(*a))
            }
        }
    }

    /// The type `s` of a built-in's signature, for receiver `recv` (`Ty::unit()` for
    /// functions). `None` when it cannot be made (a prelude type is missing).
    fn sig_ty(&mut self, s: Sig, recv: &Ty) -> Option<Ty> {
        let part = |i: usize| match (recv, i) {
            (Ty::Vec(t) | Ty::Option(t) | Ty::Result(t, _), 0) => Some((**t).clone()),
            (Ty::Result(_, e), 1) => Some((**e).clone()),
            (Ty::Map(k, _), 2) => Some((**k).clone()),
            (Ty::Map(_, v), 3) => Some((**v).clone()),
            _ => None,
        };
        Some(match s {
            Sig::Recv => recv.clone(),
            Sig::Elem => part(0)?,
            Sig::ErrTy => part(1)?,
            Sig::Key => part(2)?,
            Sig::Val => part(3)?,
            Sig::Unit => Ty::unit(),
            Sig::Never => Ty::Never,
            Sig::Bool => Ty::Bool,
            Sig::Char => Ty::Char,
            Sig::Str => Ty::Str,
            Sig::U8 => Ty::Int(IntTy::U8),
            Sig::U32 => Ty::Int(IntTy::U32),
            Sig::U64 => Ty::Int(IntTy::U64),
            Sig::Usize => Ty::Int(IntTy::Usize),
            Sig::I32 => Ty::Int(IntTy::I32),
            Sig::I64 => Ty::Int(IntTy::I64),
            Sig::F64 => Ty::Float(FloatTy::F64),
            Sig::Option(t) => Ty::Option(Box::new(self.sig_ty(*t, recv)?)),
            Sig::Vec(t) => Ty::Vec(Box::new(self.sig_ty(*t, recv)?)),
            Sig::Result(t, e) => Ty::Result(
                Box::new(self.sig_ty(*t, recv)?),
                Box::new(self.sig_ty(*e, recv)?),
            ),
            Sig::Prelude(name) => Ty::adt(self.env.prelude_adt(name)?),
            Sig::Target => self.fresh(),
        })
    }

    /// The type of `registry.modules`: `HashMap[String, Vec[ModuleVersion]]`.
    pub(crate) fn registry_modules_ty(&self) -> Option<Ty> {
        let mv = self.env.prelude_adt("ModuleVersion")?;
        Some(Ty::Map(
            Box::new(Ty::Str),
            Box::new(Ty::Vec(Box::new(Ty::adt(mv)))),
        ))
    }

    /// Wraps a value in the prelude's `Value` enum when the expected type is `Value`
    /// (`registry.call("m", "f", &[delta_time])` converts `delta_time` implicitly).
    pub(crate) fn coerce_to_value(&mut self, e: Expr) -> Expr {
        let Some(value_adt) = self.env.prelude_adt("Value") else {
            return e;
        };
        let value = Ty::adt(value_adt);
        let t = self.infer.shallow(&e.ty);
        let lit = self.infer.var_kind(&t);
        let span = e.span;
        let cast = |e: Expr, to: Ty| Self::mk(ExprKind::Cast(Box::new(e)), to, span);
        let (variant, payload) = match &t {
            Ty::Adt(a, _) if *a == value_adt => return e,
            Ty::Error => return e,
            Ty::Tuple(ts) if ts.is_empty() => (0, None),
            Ty::Bool => (1, Some(e)),
            Ty::Int(i) if i.signed() => (2, Some(cast(e, Ty::Int(IntTy::I64)))),
            Ty::Int(_) => (3, Some(cast(e, Ty::Int(IntTy::U64)))),
            Ty::Float(_) => (4, Some(cast(e, Ty::Float(FloatTy::F64)))),
            Ty::Var(_) if lit == Some(VarKind::Int) => {
                self.infer.unify(&t, &Ty::Int(IntTy::I64));
                (2, Some(e))
            }
            Ty::Var(_) if lit == Some(VarKind::Float) => {
                self.infer.unify(&t, &Ty::Float(FloatTy::F64));
                (4, Some(e))
            }
            Ty::Char => (5, Some(e)),
            Ty::Str => (6, Some(e)),
            _ => {
                let shown = self.show(&t);
                self.error(
                    Diagnostic::error(errors::NOT_A_VALUE, format!("cannot convert `{shown}` to `Value` implicitly"), span)
                        .with_label("expected a `Value`")
                        .with_help("only `bool`, numbers, `char` and `String` convert implicitly; build the `Value` yourself, e.g. `Value.List(items)`"),
                );
                return Self::err_expr(span);
            }
        };
        let fields = payload.into_iter().collect();
        Self::mk(ExprKind::Variant { variant, fields }, value, span)
    }

    // ---------- built-in associated functions ----------

    fn call_builtin_assoc(
        &mut self,
        t: &Ty,
        name: &str,
        args: &[ast::Expr],
        expected: Option<&Ty>,
        span: Span,
    ) -> Expr {
        let t = self.infer.shallow(t);
        let no_args = |cx: &mut Self| cx.check_arg_count(name, 0, args, span);
        let ty = match (&t, name) {
            (Ty::Vec(_) | Ty::Map(..) | Ty::Str, "new") => {
                if !no_args(self) {
                    return Self::err_expr(span);
                }
                t.clone()
            }
            (Ty::Box(inner), "new") => {
                if !self.check_arg_count(name, 1, args, span) {
                    return self.skip_args(args, span);
                }
                let hint = match expected.map(|t| self.infer.shallow(t)) {
                    Some(Ty::Box(t)) => Some(*t),
                    _ => None,
                };
                let v = self.check_expr(strip_ref(&args[0]), hint.as_ref());
                self.infer.unify(inner, &v.ty);
                let ty = Ty::Box(Box::new(v.ty.clone()));
                return Self::mk(ExprKind::BoxNew(Box::new(v)), ty, span);
            }
            (Ty::Vec(_), "with_capacity") => {
                for a in args {
                    self.check_expr(a, Some(&Ty::Int(IntTy::Usize)));
                }
                if let Some(exp) = expected {
                    self.infer.unify(exp, &t);
                }
                return Self::mk(ExprKind::VecLit(Vec::new()), t, span);
            }
            (Ty::Adt(a, _), "new") => {
                // `ModuleRegistry.new()`: a handle to the program's registry.
                let a = *a;
                if !no_args(self) {
                    return Self::err_expr(span);
                }
                return Self::mk(
                    ExprKind::Struct {
                        adt: a,
                        fields: vec![],
                    },
                    t.clone(),
                    span,
                );
            }
            (Ty::Str, "from") => {
                if args.len() == 1 {
                    return self.check_expr(strip_ref(&args[0]), Some(&Ty::Str));
                }
                no_args(self);
                return Self::err_expr(span);
            }
            (_, "default") => {
                if !no_args(self) {
                    return Self::err_expr(span);
                }
                if !self.has_default(&t) {
                    let shown = self.show(&t);
                    self.error(
                        Diagnostic::error(errors::NO_DEFAULT, format!("`{shown}` has no default value"), span)
                            .with_label("not every field has a default")
                            .with_help("write a `default()` function in its `impl`, or build the value explicitly"),
                    );
                    return Self::err_expr(span);
                }
                return Self::mk(
                    ExprKind::Builtin {
                        op: Builtin::Default,
                        args: vec![],
                    },
                    t,
                    span,
                );
            }
            (Ty::Error, _) => return Self::err_expr(span),
            _ => {
                let shown = self.show(&t);
                self.error(
                    Diagnostic::error(
                        errors::UNKNOWN_ASSOC_ITEM,
                        format!("no function `{name}` on `{shown}`"),
                        span,
                    )
                    .with_label("not found"),
                );
                for a in args {
                    self.check_expr(a, None);
                }
                return Self::err_expr(span);
            }
        };
        // `Vec.new()` and `HashMap.new()`: an empty collection; element types are inferred.
        let kind = match ty {
            Ty::Str => ExprKind::Str(String::new()),
            Ty::Vec(_) => ExprKind::VecLit(Vec::new()),
            _ => ExprKind::Builtin {
                op: Builtin::Default,
                args: vec![],
            },
        };
        Self::mk(kind, ty, span)
    }

    /// Whether `T.default()` exists (see [`crate::env::Env::has_default`]).
    pub(crate) fn has_default(&self, t: &Ty) -> bool {
        if let Ty::Param(_) = self.infer.shallow(t) {
            let b = crate::generics::Bound::Default;
            return crate::generics::satisfies(self.env, t, b, &self.param_bounds);
        }
        let infer = &self.infer;
        self.env.has_default(t, &|t| infer.shallow(t))
    }

    // ---------- prelude functions ----------

    /// A call of prelude function `f` (an entry of [`PRELUDE_FNS`]), its arguments
    /// checked as the entry says; `explicit` is a type argument (`deserialize[T]`).
    fn check_prelude_call(
        &mut self,
        f: &PreludeFn,
        explicit: Option<Ty>,
        args: &[ast::Expr],
        expected: Option<&Ty>,
        span: Span,
    ) -> Expr {
        let name = f.name;
        let arity = |cx: &mut Self, n: usize| cx.check_arg_count(name, n, args, span);
        match f.args {
            PreludeArgs::Print(op) => {
                let msg = if args.is_empty() {
                    Self::mk(ExprKind::Str(String::new()), Ty::Str, span)
                } else {
                    self.check_format(args, span)
                };
                Self::mk(
                    ExprKind::Builtin {
                        op,
                        args: vec![msg],
                    },
                    Ty::unit(),
                    span,
                )
            }
            PreludeArgs::Format => {
                if args.is_empty() {
                    arity(self, 1);
                    return Self::err_expr(span);
                }
                self.check_format(args, span)
            }
            PreludeArgs::Panic => {
                let msg = if args.is_empty() {
                    Self::mk(ExprKind::Str("explicit panic".into()), Ty::Str, span)
                } else {
                    self.check_format(args, span)
                };
                Self::mk(ExprKind::Panic(Box::new(msg)), Ty::Never, span)
            }
            PreludeArgs::Assert => self.check_assert(name, args, span),
            PreludeArgs::AssertEq { eq } => self.check_assert_eq(name, eq, args, span),
            PreludeArgs::Numbers { op, n } => {
                if !arity(self, n) {
                    return Self::err_expr(span);
                }
                let a = self.check_expr(&args[0], expected);
                let at = a.ty.clone();
                let mut vals = vec![a];
                for arg in &args[1..] {
                    vals.push(self.check_expr(arg, Some(&at)));
                }
                self.require_numeric(&at, args[0].span, name);
                Self::mk(ExprKind::Builtin { op, args: vals }, at, span)
            }
            PreludeArgs::Fixed { op, params, ret } => {
                if !arity(self, params.len()) {
                    return Self::err_expr(span);
                }
                let unit = Ty::unit();
                let mut vals = Vec::new();
                for (a, p) in args.iter().zip(params) {
                    vals.push(match *p {
                        Param::Is(s) => {
                            let t = self.sig_ty(s, &unit).unwrap_or(Ty::Error);
                            self.check_expr(a, Some(&t))
                        }
                        Param::Ref(s) => {
                            let t = self.sig_ty(s, &unit).unwrap_or(Ty::Error);
                            self.check_expr(strip_ref(a), Some(&t))
                        }
                        Param::AnyRef => self.check_expr(strip_ref(a), None),
                    });
                }
                let ty = match (ret, explicit, expected) {
                    (Sig::Target, Some(t), _) => t,
                    (Sig::Target, None, Some(e)) => e.clone(),
                    (Sig::Target, None, None) => self.fresh(),
                    (s, ..) => self.sig_ty(s, &unit).unwrap_or(Ty::Error),
                };
                Self::mk(ExprKind::Builtin { op, args: vals }, ty, span)
            }
        }
    }

    /// `assert(cond)`, `assert(cond, fmt, args...)`: `if !cond { panic(msg) }`.
    fn check_assert(&mut self, name: &str, args: &[ast::Expr], span: Span) -> Expr {
        if args.is_empty() {
            self.check_arg_count(name, 1, args, span);
            return Self::err_expr(span);
        }
        let cond = self.check_expr(&args[0], Some(&Ty::Bool));
        let msg = if args.len() > 1 {
            self.check_format(&args[1..], span)
        } else {
            Self::mk(
                ExprKind::Str(format!("assertion failed: {}", "condition")),
                Ty::Str,
                span,
            )
        };
        // assert(c) is `if !c { panic(msg) }`.
        let not = Self::mk(
            ExprKind::Unary {
                op: crate::tir::UnOp::Not,
                expr: Box::new(cond),
            },
            Ty::Bool,
            span,
        );
        let panic = Self::mk(ExprKind::Panic(Box::new(msg)), Ty::Never, span);
        Self::mk(
            ExprKind::If {
                cond: Box::new(not),
                then: Box::new(panic),
                els: None,
            },
            Ty::unit(),
            span,
        )
    }

    /// `assert_eq(a, b)` (`eq`) or `assert_ne(a, b)`, with an optional message after:
    /// both sides are evaluated once, then compared; the panic shows their debug forms.
    fn check_assert_eq(&mut self, name: &str, eq: bool, args: &[ast::Expr], span: Span) -> Expr {
        if args.len() < 2 {
            self.check_arg_count(name, 2, args, span);
            return Self::err_expr(span);
        }
        let a = self.check_expr(&args[0], None);
        let at = a.ty.clone();
        let b = self.check_expr(&args[1], Some(&at));
        let msg = (args.len() > 2).then(|| self.check_format(&args[2..], span));
        // Each side is evaluated once, into a hidden local, then compared.
        let (la, lb) = (
            self.hidden_local(at.clone(), span),
            self.hidden_local(b.ty.clone(), span),
        );
        let local = |l, ty: &Ty| Self::mk(ExprKind::Local(l), ty.clone(), span);
        let bind = |l, e: Expr| Stmt::Let {
            pat: Pat {
                kind: PatKind::Bind(l),
                ty: e.ty.clone(),
                span,
            },
            init: Some(e),
        };
        let (va, vb) = (local(la, &at), local(lb, &b.ty));
        let failed = Self::mk(
            ExprKind::Binary {
                op: if eq {
                    crate::tir::BinOp::Ne
                } else {
                    crate::tir::BinOp::Eq
                },
                lhs: Box::new(va.clone()),
                rhs: Box::new(vb.clone()),
            },
            Ty::Bool,
            span,
        );
        let debug = dast_bytecode::FormatStyle {
            debug: true,
            ..Default::default()
        };
        let op = if eq { "==" } else { "!=" };
        let mut pieces = vec![FmtPiece::Lit(format!("assertion `left {op} right` failed"))];
        let mut fargs = vec![va, vb];
        if let Some(m) = msg {
            pieces.push(FmtPiece::Lit(": ".into()));
            pieces.push(FmtPiece::Arg(2, Default::default()));
            fargs.push(m);
        }
        pieces.extend([
            FmtPiece::Lit("\n  left: ".into()),
            FmtPiece::Arg(0, debug),
            FmtPiece::Lit("\n right: ".into()),
            FmtPiece::Arg(1, debug),
        ]);
        let msg = Self::mk(
            ExprKind::Format {
                pieces,
                args: fargs,
            },
            Ty::Str,
            span,
        );
        let panic = Self::mk(ExprKind::Panic(Box::new(msg)), Ty::Never, span);
        let check = Self::mk(
            ExprKind::If {
                cond: Box::new(failed),
                then: Box::new(panic),
                els: None,
            },
            Ty::unit(),
            span,
        );
        Self::mk(
            ExprKind::Block(Block {
                stmts: vec![bind(la, a), bind(lb, b)],
                tail: Some(Box::new(check)),
            }),
            Ty::unit(),
            span,
        )
    }

    fn require_numeric(&mut self, t: &Ty, span: Span, what: &str) {
        let t = self.infer.shallow(t);
        let ok = matches!(t, Ty::Int(_) | Ty::Float(_) | Ty::Error)
            || matches!(self.infer.var_kind(&t), Some(VarKind::Int | VarKind::Float));
        if !ok {
            let shown = self.show(&t);
            self.error(
                Diagnostic::error(
                    errors::NOT_A_NUMBER,
                    format!("`{what}` needs numbers, found `{shown}`"),
                    span,
                )
                .with_label("not a number"),
            );
        }
    }

    /// `(fmt, args...)` of print/format/panic: a string literal with placeholders.
    fn check_format(&mut self, args: &[ast::Expr], span: Span) -> Expr {
        let ast::ExprKind::Lit(ast::Lit::Str(text)) = &args[0].kind else {
            // A plain `String` value is printed as is (`println(msg)`).
            if args.len() == 1 {
                return self.check_expr(&args[0], Some(&Ty::Str));
            }
            self.error(
                Diagnostic::error(
                    errors::FORMAT_NOT_LITERAL,
                    "format argument must be a string literal",
                    args[0].span,
                )
                .with_label("expected a string literal like \"{} {}\"")
                .with_help("write `format(\"{}\", value)`"),
            );
            for a in &args[1..] {
                self.check_expr(a, None);
            }
            return Self::err_expr(span);
        };
        let pieces = match parse_format(text) {
            Ok(p) => p,
            Err((msg, _)) => {
                self.error(
                    Diagnostic::error(errors::BAD_FORMAT_STRING, msg, args[0].span)
                        .with_label("invalid format string"),
                );
                return Self::err_expr(span);
            }
        };
        let mut vals: Vec<Expr> = args[1..]
            .iter()
            .map(|a| self.check_expr(strip_ref(a), None))
            .collect();
        let positional = vals.len();
        let mut next = 0usize;
        let mut out = Vec::new();
        let mut used = vec![false; positional];
        for p in pieces {
            match p {
                Piece::Lit(s) => out.push(FmtPiece::Lit(s)),
                Piece::Hole(which, style) => {
                    let idx = match which {
                        None => {
                            next += 1;
                            next - 1
                        }
                        Some(Ok(n)) => n,
                        Some(Err(name)) => match self.lookup_local(&name) {
                            Some(l) => {
                                vals.push(Self::mk(
                                    ExprKind::Local(l),
                                    self.local_ty(l),
                                    args[0].span,
                                ));
                                vals.len() - 1
                            }
                            None => {
                                self.error(
                                    Diagnostic::error(
                                        errors::UNKNOWN_VALUE,
                                        format!("cannot find value `{name}` in this scope"),
                                        args[0].span,
                                    )
                                    .with_label(format!("`{{{name}}}` names no local variable")),
                                );
                                return Self::err_expr(span);
                            }
                        },
                    };
                    if idx >= vals.len() {
                        self.error(
                            Diagnostic::error(
                                errors::FORMAT_ARG_MISMATCH,
                                format!("format string has more placeholders than arguments ({positional} given)"),
                                args[0].span,
                            )
                            .with_label("missing argument for a `{}`")
                            .with_help("add an argument for every `{}`"),
                        );
                        return Self::err_expr(span);
                    }
                    if idx < positional {
                        used[idx] = true;
                    }
                    self.check_formattable(&vals[idx], &style);
                    out.push(FmtPiece::Arg(idx, style));
                }
            }
        }
        let lets = self.call_display_impls(&mut out, &mut vals);
        if let Some(unused) = used.iter().position(|u| !u) {
            self.error(
                Diagnostic::error(
                    errors::FORMAT_ARG_MISMATCH,
                    "argument never used in the format string",
                    args[unused + 1].span,
                )
                .with_label("this argument has no `{}`")
                .with_help("add a `{}` placeholder for it, or remove it"),
            );
        }
        let format = Self::mk(
            ExprKind::Format {
                pieces: out,
                args: vals,
            },
            Ty::Str,
            span,
        );
        if lets.is_empty() {
            return format;
        }
        let block = Block {
            stmts: lets,
            tail: Some(Box::new(format)),
        };
        Self::mk(ExprKind::Block(block), Ty::Str, span)
    }

    /// `{}` of a struct or enum with `impl Display` formats the `String` its `fmt`
    /// returns. A value used only that way is replaced by the call; one also used by
    /// `{:?}` is evaluated once into a local (the `let`s returned), which both use.
    fn call_display_impls(&mut self, out: &mut [FmtPiece], vals: &mut Vec<Expr>) -> Vec<Stmt> {
        let mut lets = Vec::new();
        let shown = |style: &dast_bytecode::FormatStyle| {
            !style.debug && style.kind == dast_bytecode::FormatKind::Default
        };
        for idx in 0..vals.len() {
            let Ty::Adt(a, adt_args) = self.infer.shallow(&vals[idx].ty) else {
                continue;
            };
            let Some(fmt) = self.env.display_fmt(a) else {
                continue;
            };
            // The `fmt` of a generic type's `impl[T: Display] Display for W[T]` is
            // generic over the impl's parameters: the value's type arguments.
            let type_args = if self.env.func(fmt).is_generic() {
                let span = vals[idx].span;
                self.instantiate(fmt, Some(adt_args), span).1
            } else {
                Vec::new()
            };
            let uses = |p: &FmtPiece| matches!(p, FmtPiece::Arg(i, _) if *i == idx);
            let other_use = out
                .iter()
                .any(|p| uses(p) && matches!(p, FmtPiece::Arg(_, s) if !shown(s)));
            let span = vals[idx].span;
            let call = |value: Expr| {
                Self::mk(
                    ExprKind::Call {
                        func: fmt,
                        type_args: type_args.clone(),
                        args: vec![Arg::Value(value)],
                    },
                    Ty::Str,
                    span,
                )
            };
            if other_use {
                let ty = vals[idx].ty.clone();
                let local = self.new_local("{}", ty.clone(), false, span);
                let value = std::mem::replace(
                    &mut vals[idx],
                    Self::mk(ExprKind::Local(local), ty.clone(), span),
                );
                lets.push(Stmt::Let {
                    pat: Pat {
                        kind: PatKind::Bind(local),
                        ty: ty.clone(),
                        span,
                    },
                    init: Some(value),
                });
                vals.push(call(Self::mk(ExprKind::Local(local), ty, span)));
                let new = vals.len() - 1;
                for p in out.iter_mut() {
                    if let FmtPiece::Arg(i, style) = p {
                        if *i == idx && shown(style) {
                            *i = new;
                        }
                    }
                }
            } else {
                let value = std::mem::replace(&mut vals[idx], Self::err_expr(span));
                vals[idx] = call(value);
            }
        }
        lets
    }

    fn check_formattable(&mut self, e: &Expr, style: &dast_bytecode::FormatStyle) {
        use dast_bytecode::FormatKind as K;
        if style.debug {
            return;
        }
        let t = self.infer.shallow(&e.ty);
        if style.kind != K::Default {
            // As Rust: LowerHex/UpperHex/Binary/Octal for integers only,
            // LowerExp/UpperExp for integers and floats.
            let (letter, trait_name, exp) = match style.kind {
                K::LowerHex => ('x', "LowerHex", false),
                K::UpperHex => ('X', "UpperHex", false),
                K::Binary => ('b', "Binary", false),
                K::Octal => ('o', "Octal", false),
                K::LowerExp => ('e', "LowerExp", true),
                K::UpperExp => ('E', "UpperExp", true),
                K::Default => unreachable!(),
            };
            let ok = match t {
                Ty::Int(_) | Ty::Error | Ty::Var(_) => true,
                Ty::Float(_) => exp,
                _ => false,
            };
            if !ok {
                let shown = self.show(&t);
                let help = if exp {
                    format!("`{{:{letter}}}` formats integers and floats; use `{{}}` or `{{:?}}` for other types")
                } else if matches!(t, Ty::Float(_)) {
                    format!("`{{:{letter}}}` formats integers only; convert first (`x as i64`), or use `{{:e}}` or `{{}}` for floats")
                } else {
                    format!("`{{:{letter}}}` formats integers only; use `{{}}` or `{{:?}}` for other types")
                };
                self.error(
                    Diagnostic::error(
                        errors::NOT_FORMATTABLE,
                        format!("`{shown}` cannot be formatted with `{{:{letter}}}`"),
                        e.span,
                    )
                    .with_label(format!("no {trait_name} formatting for this type"))
                    .with_help(help),
                );
            }
            return;
        }
        let ok = match t {
            Ty::Bool | Ty::Int(_) | Ty::Float(_) | Ty::Char | Ty::Str | Ty::Error | Ty::Var(_) => {
                true
            }
            Ty::Adt(a, _) => self.env.display_fmt(a).is_some(),
            Ty::Param(_) => crate::generics::satisfies(
                self.env,
                &t,
                crate::generics::Bound::Display,
                &self.param_bounds,
            ),
            _ => false,
        };
        if !ok {
            let shown = self.show(&t);
            let help = match t {
                Ty::Adt(_, _) => format!(
                    "use `{{:?}}` for the debug format, or implement `Display`: `impl Display for {shown} {{ fn fmt(self: &Self) -> String {{ ... }} }}`"
                ),
                Ty::Param(_) => format!(
                    "add a bound to the type parameter: `{shown}: Display`, or use `{{:?}}`"
                ),
                _ => "use `{:?}` for the debug format".to_string(),
            };
            self.error(
                Diagnostic::error(
                    errors::NOT_FORMATTABLE,
                    format!("`{shown}` cannot be formatted with `{{}}`"),
                    e.span,
                )
                .with_label("no Display formatting for this type")
                .with_help(help),
            );
        }
    }
}

/// "wrong number of arguments: `f` takes 2 arguments but 3 were supplied".
fn arity_error(subject: &str, unit: &str, expected: usize, found: usize, span: Span) -> Diagnostic {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    Diagnostic::error(
        errors::WRONG_ARG_COUNT,
        format!(
            "wrong number of arguments: {subject} {expected} {unit}{} but {found} {} supplied",
            plural(expected),
            if found == 1 { "was" } else { "were" }
        ),
        span,
    )
    .with_label(format!("expected {expected} {unit}{}", plural(expected)))
}

fn is_place_like(e: &ast::Expr) -> bool {
    match &e.kind {
        ast::ExprKind::Name(_) => true,
        ast::ExprKind::Field { base, .. }
        | ast::ExprKind::TupleField { base, .. }
        | ast::ExprKind::Index { base, .. } => is_place_like(base),
        ast::ExprKind::Paren(inner) | ast::ExprKind::Deref(inner) => is_place_like(inner),
        _ => false,
    }
}

fn strip_ref(e: &ast::Expr) -> &ast::Expr {
    match &e.kind {
        ast::ExprKind::Ref { expr, .. } => expr,
        _ => e,
    }
}

fn builtin_type_namespace(name: &str, cx: &mut FnCx) -> Option<Ty> {
    Some(match name {
        "Vec" => Ty::Vec(Box::new(cx.fresh())),
        "Box" => Ty::Box(Box::new(cx.fresh())),
        "HashMap" => Ty::Map(Box::new(cx.fresh()), Box::new(cx.fresh())),
        "Option" => Ty::Option(Box::new(cx.fresh())),
        "Result" => Ty::Result(Box::new(cx.fresh()), Box::new(cx.fresh())),
        "String" | "str" => Ty::Str,
        "f32" => Ty::Float(FloatTy::F32),
        "f64" => Ty::Float(FloatTy::F64),
        "bool" => Ty::Bool,
        "char" => Ty::Char,
        n => Ty::Int(IntTy::from_name(n)?),
    })
}

fn float_const(f: FloatTy, name: &str) -> Option<f64> {
    let v = match name {
        "PI" => std::f64::consts::PI,
        "E" => std::f64::consts::E,
        "TAU" => std::f64::consts::TAU,
        "SQRT_2" => std::f64::consts::SQRT_2,
        "LN_2" => std::f64::consts::LN_2,
        "LN_10" => std::f64::consts::LN_10,
        "LOG2_E" => std::f64::consts::LOG2_E,
        "LOG10_E" => std::f64::consts::LOG10_E,
        "FRAC_PI_2" => std::f64::consts::FRAC_PI_2,
        "FRAC_PI_3" => std::f64::consts::FRAC_PI_3,
        "FRAC_PI_4" => std::f64::consts::FRAC_PI_4,
        "FRAC_PI_6" => std::f64::consts::FRAC_PI_6,
        "FRAC_1_SQRT_2" => std::f64::consts::FRAC_1_SQRT_2,
        "INFINITY" => f64::INFINITY,
        "NEG_INFINITY" => f64::NEG_INFINITY,
        "NAN" => f64::NAN,
        "MAX" => match f {
            FloatTy::F32 => f32::MAX as f64,
            FloatTy::F64 => f64::MAX,
        },
        "MIN" => match f {
            FloatTy::F32 => f32::MIN as f64,
            FloatTy::F64 => f64::MIN,
        },
        "MIN_POSITIVE" => match f {
            FloatTy::F32 => f32::MIN_POSITIVE as f64,
            FloatTy::F64 => f64::MIN_POSITIVE,
        },
        "EPSILON" => match f {
            FloatTy::F32 => f32::EPSILON as f64,
            FloatTy::F64 => f64::EPSILON,
        },
        _ => return None,
    };
    Some(match f {
        FloatTy::F32 => v as f32 as f64,
        FloatTy::F64 => v,
    })
}

impl FnCx<'_, '_> {
    /// Turns a checked place into the expression reading it.
    pub(crate) fn place_expr(&self, p: Place) -> Expr {
        let mut e = match p.root {
            PlaceRoot::Temp(e) => *e,
            PlaceRoot::Local(l) => Expr {
                kind: ExprKind::Local(l),
                ty: self.local_ty(l),
                span: self.locals[l.0 as usize].span,
            },
            PlaceRoot::Global(g) => Expr {
                kind: ExprKind::Global(g),
                ty: self.env.globals[g.0 as usize].ty.clone(),
                span: Span::default(),
            },
        };
        for proj in p.projs {
            e = match proj {
                Proj::Field { of, index } => {
                    let ty = self.field_ty(&of, index);
                    let span = e.span;
                    Expr {
                        kind: ExprKind::Field {
                            base: Box::new(e),
                            index,
                        },
                        ty,
                        span,
                    }
                }
                Proj::Index(ix) => {
                    let ty = match self.infer.shallow(&e.ty) {
                        Ty::Vec(t) | Ty::Box(t) => *t,
                        _ => Ty::Error,
                    };
                    let span = ix.span;
                    Expr {
                        kind: ExprKind::Index {
                            base: Box::new(e),
                            index: ix,
                        },
                        ty,
                        span,
                    }
                }
            };
        }
        e
    }

    /// Type of field `index` of a tuple or struct type.
    pub(crate) fn field_ty(&self, of: &Ty, index: u32) -> Ty {
        match self.infer.shallow(of) {
            Ty::Tuple(ts) => ts.get(index as usize).cloned().unwrap_or(Ty::Error),
            Ty::Adt(a, args) => self
                .env
                .adt(a)
                .fields()
                .get(index as usize)
                .map_or(Ty::Error, |f| f.ty.subst(&args)),
            _ => Ty::Error,
        }
    }
}

impl PathRes {
    /// A namespace lookup that failed (already reported).
    fn poisoned(self) -> PathRes {
        PathRes::BuiltinType(Ty::Error)
    }
}
