//! The functions behind trait objects, written as checked bodies for lowering: for each
//! `impl Trait for Type`, one *shim* per trait method (what the vtable lists: it takes
//! the trait object, runs the method on the boxed value, and puts a `&mut self`
//! method's changes back), a *wrapper* that makes a trait object of a `Box[Type]` (how
//! other modules make one: the vtable belongs to the type's module), and a *maker*
//! (`instantiate` calls it: the type's `new()`, or its default value).

use dast_base::Span;

use crate::env::{Env, FnId, ModIdx, ParamMode};
use crate::tir::{
    Arg, Block, Body, Builtin, Expr, ExprKind, LocalId, LocalInfo, Pat, PatKind, Place, PlaceRoot,
    Proj, Stmt,
};
use crate::ty::{AdtId, IntTy, TraitId, Ty};

/// A function lowering adds to the type's module.
pub struct SynthFn {
    /// `Type.Trait.method`, `Type.Trait.$wrap`, `Type.Trait.$make`.
    pub name: String,
    pub params: Vec<Ty>,
    pub ret: Ty,
    pub body: Body,
    pub exported: bool,
}

/// One impl's functions, in the module of its type.
pub struct DynImpl {
    pub module: ModIdx,
    pub adt: AdtId,
    pub tr: TraitId,
    /// One per trait method, in declaration order.
    pub shims: Vec<SynthFn>,
    pub wrap: SynthFn,
    pub make: Option<SynthFn>,
}

/// Every trait impl of the program's structs and enums (not the prelude's).
pub fn build(env: &Env, user_modules: usize) -> Vec<DynImpl> {
    let mut out = Vec::new();
    for (a, adt) in env.adts.iter().enumerate() {
        // A generic type's values are not trait objects (yet): its trait methods have
        // one instance per type argument, and a vtable one address per method.
        if adt.module.0 as usize >= user_modules || !adt.generics.is_empty() {
            continue;
        }
        for &tr in &adt.traits {
            if let Some(imp) = build_impl(env, AdtId(a as u32), tr) {
                out.push(imp);
            }
        }
    }
    out
}

fn build_impl(env: &Env, adt: AdtId, tr: TraitId) -> Option<DynImpl> {
    let def = env.adt(adt);
    let trait_def = &env.traits[tr.0 as usize];
    let prefix = format!("{}.{}", def.name, trait_def.name);
    let mut shims = Vec::new();
    for decl in trait_def.methods() {
        let f = *def.methods.get(&decl.name.name)?;
        if env.func(f).placeholder || !env.func(f).has_self {
            return None;
        }
        shims.push(shim(
            env,
            adt,
            tr,
            f,
            format!("{prefix}.{}", decl.name.name),
        ));
    }
    Some(DynImpl {
        module: def.module,
        adt,
        tr,
        shims,
        wrap: wrap(adt, tr, format!("{prefix}.$wrap")),
        make: make(env, adt, tr, format!("{prefix}.$make")),
    })
}

/// Builds a body from its locals.
struct Locals {
    infos: Vec<LocalInfo>,
    span: Span,
}

impl Locals {
    fn new(span: Span) -> Locals {
        Locals {
            infos: Vec::new(),
            span,
        }
    }

    fn add(&mut self, name: &str, ty: Ty) -> LocalId {
        self.infos.push(LocalInfo {
            name: name.to_string(),
            ty,
            mutable: true,
            span: self.span,
        });
        LocalId(self.infos.len() as u32 - 1)
    }

    fn expr(&self, kind: ExprKind, ty: Ty) -> Expr {
        Expr {
            kind,
            ty,
            span: self.span,
        }
    }

    fn local(&self, l: LocalId) -> Expr {
        self.expr(ExprKind::Local(l), self.infos[l.0 as usize].ty.clone())
    }

    fn bind(&self, l: LocalId, init: Expr) -> Stmt {
        Stmt::Let {
            pat: Pat {
                kind: PatKind::Bind(l),
                ty: self.infos[l.0 as usize].ty.clone(),
                span: self.span,
            },
            init: Some(init),
        }
    }

    fn body(self, params: Vec<LocalId>, value: Expr) -> Body {
        Body {
            params,
            locals: self.infos,
            value,
            instances: Vec::new(),
            closures: Vec::new(),
        }
    }
}

/// `fn Type.Trait.m(this: dyn Trait, p..) -> R`:
/// `{ let b = payload(this); let r = Type.m(&mut *b, p..); put(this, b); r }`.
fn shim(env: &Env, adt: AdtId, tr: TraitId, f: FnId, name: String) -> SynthFn {
    let fd = env.func(f);
    let mut l = Locals::new(fd.span);
    let this = l.add("self", Ty::Dyn(tr));
    let params: Vec<LocalId> = fd.sig.params[1..]
        .iter()
        .map(|p| l.add(&p.name, p.ty.clone()))
        .collect();
    let self_ty = Ty::adt(adt);
    let boxed = l.add("boxed", Ty::Box(Box::new(self_ty.clone())));
    let result = l.add("result", fd.sig.ret.clone());
    let mutates = fd.sig.params[0].mode == ParamMode::RefMut;
    let payload = l.expr(
        ExprKind::DynPayload {
            obj: Box::new(l.local(this)),
            take: mutates,
        },
        Ty::Box(Box::new(self_ty.clone())),
    );
    let zero = l.expr(ExprKind::Int(0), Ty::Int(IntTy::Usize));
    let receiver = if mutates {
        Arg::MutPlace(Place {
            root: PlaceRoot::Local(boxed),
            projs: vec![Proj::Index(Box::new(zero))],
            ty: self_ty.clone(),
        })
    } else {
        Arg::Value(l.expr(
            ExprKind::Index {
                base: Box::new(l.local(boxed)),
                index: Box::new(zero),
            },
            self_ty,
        ))
    };
    let mut args = vec![receiver];
    args.extend(params.iter().map(|p| Arg::Value(l.local(*p))));
    let call = l.expr(
        ExprKind::Call {
            func: f,
            type_args: Vec::new(),
            args,
        },
        fd.sig.ret.clone(),
    );
    let mut stmts = vec![l.bind(boxed, payload), l.bind(result, call)];
    if mutates {
        let put = ExprKind::DynPut {
            obj: Box::new(l.local(this)),
            value: Box::new(l.local(boxed)),
        };
        stmts.push(Stmt::Expr(l.expr(put, Ty::unit())));
    }
    let value = l.expr(
        ExprKind::Block(Block {
            stmts,
            tail: Some(Box::new(l.local(result))),
        }),
        fd.sig.ret.clone(),
    );
    let mut all = vec![this];
    all.extend(params);
    SynthFn {
        name,
        params: std::iter::once(Ty::Dyn(tr))
            .chain(fd.sig.params[1..].iter().map(|p| p.ty.clone()))
            .collect(),
        ret: fd.sig.ret.clone(),
        body: l.body(all, value),
        exported: false,
    }
}

/// `fn Type.Trait.$wrap(b: Box[Type]) -> dyn Trait` (exported).
fn wrap(adt: AdtId, tr: TraitId, name: String) -> SynthFn {
    let mut l = Locals::new(Span::default());
    let boxed_ty = Ty::Box(Box::new(Ty::adt(adt)));
    let b = l.add("boxed", boxed_ty.clone());
    let value = l.expr(
        ExprKind::ToDyn {
            value: Box::new(l.local(b)),
            adt,
            tr,
        },
        Ty::Dyn(tr),
    );
    SynthFn {
        name,
        params: vec![boxed_ty],
        ret: Ty::Dyn(tr),
        body: l.body(vec![b], value),
        exported: true,
    }
}

/// `fn Type.Trait.$make() -> dyn Trait` (exported): `Type.new()` when the type has a
/// `new` taking nothing and returning it, else its default value; none otherwise.
fn make(env: &Env, adt: AdtId, tr: TraitId, name: String) -> Option<SynthFn> {
    let def = env.adt(adt);
    let l = Locals::new(def.span);
    let self_ty = Ty::adt(adt);
    let new_fn = def.methods.get("new").copied().filter(|f| {
        let sig = &env.func(*f).sig;
        sig.params.is_empty() && sig.ret == self_ty
    });
    let value = match new_fn {
        Some(f) => ExprKind::Call {
            func: f,
            type_args: Vec::new(),
            args: vec![],
        },
        None if env.has_default(&self_ty, &|t| t.clone()) => ExprKind::Builtin {
            op: Builtin::Default,
            args: vec![],
        },
        None => return None,
    };
    let boxed = l.expr(
        ExprKind::BoxNew(Box::new(l.expr(value, self_ty.clone()))),
        Ty::Box(Box::new(self_ty)),
    );
    let value = l.expr(
        ExprKind::ToDyn {
            value: Box::new(boxed),
            adt,
            tr,
        },
        Ty::Dyn(tr),
    );
    Some(SynthFn {
        name,
        params: vec![],
        ret: Ty::Dyn(tr),
        body: l.body(vec![], value),
        exported: true,
    })
}
