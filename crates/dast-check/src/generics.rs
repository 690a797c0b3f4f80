//! Generic functions: their type parameters and bounds, and whether a type satisfies a
//! bound. A generic function is checked once with its parameters opaque (`Ty::Param`),
//! then once per instance with concrete types (monomorphization, driven from `lib.rs`):
//! only instances are lowered, so neither bytecode nor machine code ever sees a type
//! parameter, and a bound is a promise checked at the call, not a run-time table.

use dast_base::{Diagnostic, Span};
use dast_syntax::ast;

use crate::env::{Def, Env, ScopeId};
use crate::errors;
use crate::ty::{ParamTy, TraitId, Ty};

/// What a type parameter's values may do. The built-in bounds are named as in Rust
/// (`PartialEq`/`PartialOrd` are the same as `Eq`/`Ord`: Dast compares floats as they
/// are); `Num` is Dast's shorthand for the four arithmetic operators and `%`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bound {
    Eq,
    Ord,
    Hash,
    Clone,
    Copy,
    Default,
    Display,
    Debug,
    Num,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Neg,
    /// A trait of the program: the value's type implements it.
    Trait(TraitId),
}

/// The built-in bounds, by the names a program writes.
pub const BUILTIN_BOUNDS: &[(&str, Bound)] = &[
    ("Eq", Bound::Eq),
    ("PartialEq", Bound::Eq),
    ("Ord", Bound::Ord),
    ("PartialOrd", Bound::Ord),
    ("Hash", Bound::Hash),
    ("Clone", Bound::Clone),
    ("Copy", Bound::Copy),
    ("Default", Bound::Default),
    ("Display", Bound::Display),
    ("Debug", Bound::Debug),
    ("Num", Bound::Num),
    ("Add", Bound::Add),
    ("Sub", Bound::Sub),
    ("Mul", Bound::Mul),
    ("Div", Bound::Div),
    ("Rem", Bound::Rem),
    ("Neg", Bound::Neg),
];

impl Bound {
    /// Whether a parameter declared with `self` may be used as `other` requires
    /// (`Ord` gives `==` too, `Num` every arithmetic operator, `Copy` `clone`).
    pub fn implies(self, other: Bound) -> bool {
        self == other
            || matches!(
                (self, other),
                (Bound::Ord, Bound::Eq)
                    | (Bound::Copy, Bound::Clone)
                    | (
                        Bound::Num,
                        Bound::Add | Bound::Sub | Bound::Mul | Bound::Div | Bound::Rem
                    )
            )
    }

    pub fn name(self, env: &Env) -> String {
        match self {
            Bound::Trait(t) => env.traits[t.0 as usize].name.clone(),
            b => BUILTIN_BOUNDS
                .iter()
                .find(|(_, x)| *x == b)
                .map_or("?", |(n, _)| n)
                .to_string(),
        }
    }
}

/// A bound to check once the body's types are known: type argument `param` of the
/// call of `callee` at `span` must satisfy `bound`.
#[derive(Clone, Debug)]
pub struct Obligation {
    pub ty: Ty,
    pub bound: Bound,
    pub span: Span,
    pub callee: crate::env::FnId,
    pub param: u32,
}

/// The bound an operator needs of its operands' type, for operators a type parameter
/// can have (`None`: a bound cannot give it, as `&` or `<<`).
pub fn bound_of_binop(op: ast::BinOp) -> Option<Bound> {
    use ast::BinOp as B;
    Some(match op {
        B::Add => Bound::Add,
        B::Sub => Bound::Sub,
        B::Mul => Bound::Mul,
        B::Div => Bound::Div,
        B::Rem => Bound::Rem,
        B::Eq | B::Ne => Bound::Eq,
        B::Lt | B::Le | B::Gt | B::Ge => Bound::Ord,
        _ => return None,
    })
}

/// Whether an inference variable is left in a resolved type (a type argument nothing
/// determined).
pub fn has_vars(t: &Ty) -> bool {
    match t {
        Ty::Var(_) => true,
        Ty::Vec(t) | Ty::Box(t) | Ty::Option(t) => has_vars(t),
        Ty::Map(a, b) | Ty::Result(a, b) => has_vars(a) || has_vars(b),
        Ty::Tuple(ts) => ts.iter().any(has_vars),
        _ => false,
    }
}

/// One type parameter of a generic function.
#[derive(Clone, Debug)]
pub struct GenericDef {
    pub name: String,
    pub bounds: Vec<Bound>,
    /// `F: Fn(i32) -> bool`: the parameter's values are called with this signature
    /// (its types may name the other parameters).
    pub call: Option<CallSig>,
    pub span: Span,
}

/// The signature of an `Fn(..) -> R` bound, or of a closure.
#[derive(Clone, Debug, PartialEq)]
pub struct CallSig {
    pub params: Vec<Ty>,
    pub ret: Ty,
}

impl CallSig {
    pub fn subst(&self, args: &[Ty]) -> CallSig {
        CallSig {
            params: self.params.iter().map(|t| t.subst(args)).collect(),
            ret: self.ret.subst(args),
        }
    }
}

/// Resolves the type parameters of a function declaration (its bounds' names).
pub fn resolve_generics(
    env: &Env,
    scope: ScopeId,
    params: &[ast::GenericParam],
    diags: &mut Vec<Diagnostic>,
) -> Vec<GenericDef> {
    let mut out: Vec<GenericDef> = Vec::new();
    let mut kept = Vec::new();
    for p in params {
        if let Some(first) = out.iter().find(|g| g.name == p.name.name) {
            diags.push(
                Diagnostic::error(
                    errors::BAD_TYPE_PARAMS,
                    format!("type parameter `{}` is declared twice", p.name.name),
                    p.name.span,
                )
                .with_label("declared again here")
                .with_secondary(first.span, "first declared here"),
            );
            continue;
        }
        let bounds = p
            .bounds
            .iter()
            .filter_map(|b| match &b.kind {
                ast::TypeKind::Path { segments, .. } => resolve_bound(env, scope, segments, diags),
                _ => None,
            })
            .collect();
        out.push(GenericDef {
            name: p.name.name.clone(),
            bounds,
            call: None,
            span: p.name.span,
        });
        kept.push(p);
    }
    // `F: Fn(T) -> U` may name any parameter of the list.
    let names = param_scope(&out);
    let cx = crate::resolve::TyScope {
        self_adt: None,
        params: &names,
    };
    for (g, p) in out.iter_mut().zip(kept) {
        for b in &p.bounds {
            let ast::TypeKind::Fn { params, ret } = &b.kind else {
                continue;
            };
            if g.call.is_some() {
                diags.push(
                    Diagnostic::error(
                        errors::BAD_TYPE_PARAMS,
                        "two `Fn` bounds on one type parameter",
                        b.span,
                    )
                    .with_label("second `Fn` bound")
                    .with_help("a closure has one signature: keep one `Fn(..) -> R`"),
                );
                continue;
            }
            let params = params
                .iter()
                .map(|t| crate::resolve::resolve_ty_in(env, scope, t, cx, diags))
                .collect();
            let ret = ret.as_ref().map_or(Ty::unit(), |t| {
                crate::resolve::resolve_ty_in(env, scope, t, cx, diags)
            });
            g.call = Some(CallSig { params, ret });
        }
    }
    out
}

fn resolve_bound(
    env: &Env,
    scope: ScopeId,
    path: &[ast::Ident],
    diags: &mut Vec<Diagnostic>,
) -> Option<Bound> {
    let last = path.last()?;
    let mut def = env.lookup(scope, &path[0].name);
    for seg in &path[1..] {
        def = def.and_then(|d| env.lookup_in(d, &seg.name));
    }
    if let Some(Def::Trait(t)) = def {
        // The prelude's `Display` is the built-in bound of the same name.
        if env.prelude_trait("Display") == Some(t) {
            return Some(Bound::Display);
        }
        return Some(Bound::Trait(t));
    }
    if path.len() == 1 {
        if let Some((_, b)) = BUILTIN_BOUNDS.iter().find(|(n, _)| *n == last.name) {
            return Some(*b);
        }
    }
    let mut d = crate::env::unknown_trait(last);
    let names = BUILTIN_BOUNDS.iter().map(|(n, _)| *n);
    if let Some(best) = crate::suggest::closest(&last.name, names) {
        d.help = Some(format!(
            "did you mean `{best}`? Bounds are the built-in traits ({}) or traits of the program",
            builtin_bound_list()
        ));
    }
    diags.push(d);
    None
}

pub fn builtin_bound_list() -> String {
    let mut names: Vec<&str> = BUILTIN_BOUNDS
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| !n.starts_with("Partial"))
        .collect();
    names.dedup();
    names.join(", ")
}

/// The names a generic function's signature and body see: each parameter as itself.
pub fn param_scope(generics: &[GenericDef]) -> Vec<(String, Ty)> {
    generics
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let t = Ty::Param(ParamTy {
                index: i as u32,
                name: g.name.clone(),
            });
            (g.name.clone(), t)
        })
        .collect()
}

/// Whether `ty` (fully resolved) satisfies `bound`; `params` are the bounds of the type
/// parameters in scope (those of the generic function being checked).
pub fn satisfies(env: &Env, ty: &Ty, bound: Bound, params: &[Vec<Bound>]) -> bool {
    let all = |ts: &[&Ty]| ts.iter().all(|t| satisfies(env, t, bound, params));
    match ty {
        Ty::Error | Ty::Never | Ty::Var(_) => true,
        // A closure is code and copies of its captures: it can be copied, nothing else.
        Ty::Closure(_) => matches!(bound, Bound::Clone),
        Ty::Param(p) => params
            .get(p.index as usize)
            .is_some_and(|bs| bs.iter().any(|b| b.implies(bound))),
        _ => match bound {
            // Every value can be compared for equality, hashed as a key, cloned and
            // shown with `{:?}`: structurally, through its parts.
            Bound::Eq | Bound::Hash | Bound::Clone | Bound::Debug => match ty {
                Ty::Vec(t) | Ty::Option(t) | Ty::Box(t) => all(&[t]),
                Ty::Map(k, v) | Ty::Result(k, v) => all(&[k, v]),
                Ty::Tuple(ts) => ts.iter().all(|t| satisfies(env, t, bound, params)),
                _ => true,
            },
            Bound::Ord => match ty {
                Ty::Int(_) | Ty::Float(_) | Ty::Str | Ty::Char | Ty::Bool | Ty::Adt(_, _) => true,
                Ty::Vec(t) | Ty::Option(t) => all(&[t]),
                Ty::Tuple(ts) => ts.iter().all(|t| satisfies(env, t, bound, params)),
                _ => false,
            },
            Bound::Copy => match ty {
                Ty::Int(_) | Ty::Float(_) | Ty::Char | Ty::Bool => true,
                Ty::Tuple(ts) => ts.iter().all(|t| satisfies(env, t, bound, params)),
                _ => false,
            },
            Bound::Default => env.has_default(ty, &|t| t.clone()),
            Bound::Display => match ty {
                Ty::Int(_) | Ty::Float(_) | Ty::Str | Ty::Char | Ty::Bool => true,
                Ty::Adt(a, _) => env.display_fmt(*a).is_some(),
                _ => false,
            },
            Bound::Add => matches!(ty, Ty::Int(_) | Ty::Float(_) | Ty::Str),
            Bound::Num | Bound::Sub | Bound::Mul | Bound::Div | Bound::Rem => {
                matches!(ty, Ty::Int(_) | Ty::Float(_))
            }
            Bound::Neg => match ty {
                Ty::Int(i) => i.signed(),
                Ty::Float(_) => true,
                _ => false,
            },
            Bound::Trait(t) => match ty {
                Ty::Adt(a, _) => env.adt(*a).traits.contains(&t),
                Ty::Dyn(d) => *d == t,
                _ => false,
            },
        },
    }
}

/// The name of an instance in bytecode, stack traces and version queries:
/// `largest[i64]`, `Pair.swap[String, shapes.Point]` (user types with their module, so
/// two modules' `Point`s make two instances).
pub fn instance_name(env: &Env, name: &str, args: &[Ty]) -> String {
    let names = QualifiedNames(env);
    let shown: Vec<String> = args
        .iter()
        .map(|t| crate::ty::display_ty(t, &crate::ty::Infer::default(), &names))
        .collect();
    format!("{name}[{}]", shown.join(", "))
}

struct QualifiedNames<'e, 'a>(&'e Env<'a>);

impl crate::ty::TypeNames for QualifiedNames<'_, '_> {
    fn adt_name(&self, id: crate::ty::AdtId) -> String {
        let adt = self.0.adt(id);
        format!(
            "{}.{}",
            self.0.modules[adt.module.0 as usize].name, adt.name
        )
    }

    fn trait_name(&self, id: TraitId) -> String {
        let t = &self.0.traits[id.0 as usize];
        format!("{}.{}", self.0.modules[t.module.0 as usize].name, t.name)
    }

    fn closure_name(&self, id: crate::ty::ClosureId) -> String {
        self.0.closure_name(id)
    }
}

/// Deeper type arguments than this end instantiation: a function that calls itself
/// with a bigger type each time (`f[T]` calling `f[Vec[T]]`) would never stop.
pub const MAX_INSTANCE_DEPTH: usize = 32;
/// The most instances a program may have.
pub const MAX_INSTANCES: usize = 20_000;

/// Checks every instance the program calls, transitively from the non-generic bodies
/// (`roots`): each becomes a function of its generic function's module, with a body
/// checked with the type arguments in place of the parameters. Returns the instance of
/// each (function, type arguments).
pub fn instantiate_all(
    env: &mut Env,
    bodies: &mut Vec<Option<crate::tir::Body>>,
    roots: Vec<(crate::env::FnId, Vec<Ty>)>,
    diags: &mut Vec<Diagnostic>,
) -> std::collections::HashMap<(crate::env::FnId, Vec<Ty>), crate::env::FnId> {
    let mut map = std::collections::HashMap::new();
    let mut queue: std::collections::VecDeque<_> = roots.into();
    while let Some((f, args)) = queue.pop_front() {
        if map.contains_key(&(f, args.clone())) {
            continue;
        }
        if args.iter().any(|t| t.depth() > MAX_INSTANCE_DEPTH) || map.len() >= MAX_INSTANCES {
            let def = env.func(f);
            diags.push(
                Diagnostic::error(
                    errors::ENDLESS_INSTANCES,
                    format!("instances of `{}` never end", def.name),
                    def.decl.name.span,
                )
                .with_label(format!(
                    "its type arguments grow without end (deeper than {MAX_INSTANCE_DEPTH} levels, or more than {MAX_INSTANCES} copies)"
                ))
                .with_help("a generic function that calls itself must keep its type arguments (`f[T]` calling `f[Vec[T]]` needs a new copy of `f` for every depth)"),
            );
            break;
        }
        // An instance for a closure lives with the closure's code, in the module the
        // closure is written in: a reload of that module replaces both together.
        let module = args
            .iter()
            .find_map(crate::closure::first_closure)
            .and_then(|c| env.closures.get(&c))
            .map(|c| c.module);
        let id = env.add_instance(f, args.clone(), module);
        map.insert((f, args), id);
        let (module, scope) = (env.func(id).module, env.func(id).scope);
        let before = diags.len();
        let mut cx = crate::check::FnCx::new(env, diags, module, scope);
        let body = cx.check_fn(id);
        // The generic body was checked against its bounds, so an error here is a case
        // the bounds do not cover: say which instance found it.
        let name = &env.func(id).name;
        for d in &mut diags[before..] {
            d.message = format!("{} (in instance `{name}`)", d.message);
        }
        queue.extend(body.instances.iter().cloned());
        crate::closure::register_closures(env, id, &body);
        debug_assert_eq!(bodies.len(), id.0 as usize);
        bodies.push(Some(body));
    }
    map
}
