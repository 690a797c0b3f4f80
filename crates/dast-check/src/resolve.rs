//! Resolution of written types (`Vec[i32]`, `other.Point`, `Self`) to [`Ty`].

use dast_base::{Diagnostic, Span};
use dast_syntax::ast;

use crate::env::{Def, Env, ScopeId};
use crate::errors;
use crate::ty::{AdtId, FloatTy, IntTy, Ty};

/// What a written type can name besides items: `Self` inside an `impl`, and the type
/// parameters of a generic function (as `Ty::Param` while its body is checked, as the
/// concrete types of one instance while that instance is).
#[derive(Clone, Copy, Default)]
pub struct TyScope<'g> {
    pub self_adt: Option<AdtId>,
    pub params: &'g [(String, Ty)],
}

impl TyScope<'_> {
    pub fn of_self(self_adt: Option<AdtId>) -> TyScope<'static> {
        TyScope {
            self_adt,
            params: &[],
        }
    }
}

pub fn resolve_ty(
    env: &Env,
    scope: ScopeId,
    ty: &ast::Type,
    self_adt: Option<AdtId>,
    diags: &mut Vec<Diagnostic>,
) -> Ty {
    resolve_ty_in(env, scope, ty, TyScope::of_self(self_adt), diags)
}

pub fn resolve_ty_in(
    env: &Env,
    scope: ScopeId,
    ty: &ast::Type,
    self_adt: TyScope,
    diags: &mut Vec<Diagnostic>,
) -> Ty {
    let resolve_ty = resolve_ty_in;
    match &ty.kind {
        ast::TypeKind::Path { segments, args } => {
            resolve_path_ty(env, scope, segments, args, ty.span, self_adt, diags)
        }
        ast::TypeKind::Tuple(ts) => Ty::Tuple(
            ts.iter()
                .map(|t| resolve_ty(env, scope, t, self_adt, diags))
                .collect(),
        ),
        ast::TypeKind::Ref { inner, .. } => {
            diags.push(
                Diagnostic::error(
                    errors::REFERENCE_OUTSIDE_PARAM,
                    "references are only allowed as parameter types",
                    ty.span,
                )
                .with_label("reference type here")
                .with_help("Dast values are values: store the value itself; `&`/`&mut` only pass parameters"),
            );
            resolve_ty(env, scope, inner, self_adt, diags)
        }
        ast::TypeKind::Slice { elem, .. } => {
            diags.push(
                Diagnostic::error(
                    errors::REFERENCE_OUTSIDE_PARAM,
                    "`&[T]` is only allowed as a parameter type",
                    ty.span,
                )
                .with_label("slice type here")
                .with_help("use `Vec[T]`"),
            );
            Ty::Vec(Box::new(resolve_ty(env, scope, elem, self_adt, diags)))
        }
        ast::TypeKind::Never => Ty::Never,
        ast::TypeKind::Fn { .. } => {
            diags.push(
                Diagnostic::error(
                    errors::UNSUPPORTED_TYPE,
                    "`Fn(..)` is a bound, not a type",
                    ty.span,
                )
                .with_label("a bound used as a type")
                .with_help("take a closure through a type parameter: `fn apply[F: Fn(i32) -> i32](f: F, x: i32) -> i32`"),
            );
            Ty::Error
        }
        ast::TypeKind::Dyn(name) => resolve_trait(env, scope, name, diags),
        ast::TypeKind::Ptr { .. } => {
            diags.push(
                Diagnostic::error(
                    errors::UNSUPPORTED_TYPE,
                    "this type is not supported in Dast v0 programs",
                    ty.span,
                )
                .with_label("raw pointers belong to the runtime's own host code"),
            );
            Ty::Error
        }
        ast::TypeKind::Error => Ty::Error,
    }
}

fn resolve_path_ty(
    env: &Env,
    scope: ScopeId,
    segments: &[ast::Ident],
    args: &[ast::Type],
    span: Span,
    self_adt: TyScope,
    diags: &mut Vec<Diagnostic>,
) -> Ty {
    let resolve_ty = resolve_ty_in;
    if let ([seg], true) = (segments, args.is_empty()) {
        if let Some((_, t)) = self_adt.params.iter().find(|(n, _)| *n == seg.name) {
            return t.clone();
        }
    }
    if let ([seg], [arg]) = (segments, args) {
        if seg.name == "Box" {
            // `Box[dyn T]` is the trait object itself (as is `&dyn T`).
            return match &arg.kind {
                ast::TypeKind::Dyn(name) => resolve_trait(env, scope, name, diags),
                _ => Ty::Box(Box::new(resolve_ty(env, scope, arg, self_adt, diags))),
            };
        }
    }
    let resolved_args: Vec<Ty> = args
        .iter()
        .map(|a| resolve_ty(env, scope, a, self_adt, diags))
        .collect();
    if segments.len() == 1 {
        let name = segments[0].name.as_str();
        if let Some(t) = builtin_ty(name, &resolved_args) {
            return match t {
                Ok(t) => t,
                Err(expected) => {
                    diags.push(
                        Diagnostic::error(
                            errors::TYPE_ARG_COUNT,
                            format!(
                                "`{name}` takes {expected} type argument{}, found {}",
                                if expected == 1 { "" } else { "s" },
                                args.len()
                            ),
                            span,
                        )
                        .with_label(format!("expected {expected}"))
                        .with_help(builtin_ty_hint(name)),
                    );
                    Ty::Error
                }
            };
        }
        if name == "Self" {
            if let Some(a) = self_adt.self_adt {
                return Ty::adt(a);
            }
            diags.push(
                Diagnostic::error(
                    errors::SELF_OUTSIDE_IMPL,
                    "`Self` is only available inside `impl` blocks",
                    span,
                )
                .with_label("`Self` used outside an impl"),
            );
            return Ty::Error;
        }
    }
    let mut def = env.lookup(scope, &segments[0].name);
    for seg in &segments[1..] {
        def = def.and_then(|d| env.lookup_in(d, &seg.name));
    }
    match def {
        Some(Def::Adt(a)) if !env.adt(a).generics.is_empty() => {
            let adt = env.adt(a);
            let n = adt.generics.len();
            if resolved_args.len() == n {
                return Ty::Adt(a, resolved_args);
            }
            let params: Vec<&str> = adt.generics.iter().map(|g| g.name.as_str()).collect();
            diags.push(
                Diagnostic::error(
                    errors::TYPE_ARG_COUNT,
                    format!(
                        "`{}` takes {n} type argument{}, found {}",
                        adt.name,
                        if n == 1 { "" } else { "s" },
                        resolved_args.len()
                    ),
                    span,
                )
                .with_label(format!("expected {n}"))
                .with_help(format!(
                    "write `{}[{}]` with a type for each",
                    adt.name,
                    params.join(", ")
                )),
            );
            Ty::Error
        }
        Some(Def::Adt(a)) => {
            if !args.is_empty() {
                diags.push(
                    Diagnostic::error(
                        errors::TYPE_ARG_COUNT,
                        format!("`{}` takes no type arguments", env.adts[a.0 as usize].name),
                        span,
                    )
                    .with_label("unexpected type arguments")
                    .with_help("this struct or enum has no type parameters"),
                );
            }
            Ty::adt(a)
        }
        _ => {
            let name: Vec<&str> = segments.iter().map(|s| s.name.as_str()).collect();
            let name = name.join(".");
            let mut candidates = env.visible_names(scope);
            candidates.extend(BUILTIN_TYPE_NAMES.iter().map(|s| s.to_string()));
            let mut d = Diagnostic::error(
                errors::UNKNOWN_TYPE,
                format!("cannot find type `{name}`"),
                span,
            )
            .with_label("not found in this scope");
            if let Some(best) =
                crate::suggest::closest(&name, candidates.iter().map(|s| s.as_str()))
            {
                d = d.with_help(format!("did you mean `{best}`?"));
            }
            diags.push(d);
            Ty::Error
        }
    }
}

/// `dyn Name` / `dyn module.Name`: a trait object type.
fn resolve_trait(
    env: &Env,
    scope: ScopeId,
    path: &[ast::Ident],
    diags: &mut Vec<Diagnostic>,
) -> Ty {
    let mut def = env.lookup(scope, &path[0].name);
    for seg in &path[1..] {
        def = def.and_then(|d| env.lookup_in(d, &seg.name));
    }
    let name = path.last().expect("a path has a segment");
    match def {
        Some(Def::Trait(t)) => Ty::Dyn(t),
        Some(Def::Adt(a)) => {
            let adt = &env.adts[a.0 as usize];
            let kind = match adt.kind {
                crate::env::AdtKind::Struct(_) => "struct",
                crate::env::AdtKind::Enum(_) => "enum",
            };
            diags.push(
                Diagnostic::error(
                    errors::UNKNOWN_TRAIT,
                    format!("expected a trait after `dyn`, found {kind} `{}`", name.name),
                    name.span,
                )
                .with_label("not a trait")
                .with_help(format!(
                    "`dyn` takes a trait; for a value of this {kind}, write the type itself: `{}`",
                    name.name
                )),
            );
            Ty::Error
        }
        _ => {
            diags.push(crate::env::unknown_trait(name));
            Ty::Error
        }
    }
}

pub const BUILTIN_TYPE_NAMES: &[&str] = &[
    "bool", "i8", "i16", "i32", "i64", "isize", "u8", "u16", "u32", "u64", "usize", "f32", "f64",
    "char", "String", "str", "Vec", "HashMap", "Option", "Result", "Box",
];

fn builtin_ty_hint(name: &str) -> &'static str {
    match name {
        "Vec" => "write `Vec[T]`, for example `Vec[i32]`",
        "HashMap" => "write `HashMap[K, V]`, for example `HashMap[String, i32]`",
        "Option" => "write `Option[T]`",
        "Result" => "write `Result[T, E]`",
        "Box" => "write `Box[T]` or `Box[dyn Trait]`",
        _ => "scalar types take no type arguments",
    }
}

/// Built-in type names: `Some(Ok(ty))`, `Some(Err(expected arg count))` on a wrong
/// number of arguments, `None` if not a built-in.
fn builtin_ty(name: &str, args: &[Ty]) -> Option<Result<Ty, usize>> {
    let scalar = |t: Ty| if args.is_empty() { Ok(t) } else { Err(0) };
    Some(match name {
        "bool" => scalar(Ty::Bool),
        "char" => scalar(Ty::Char),
        "f32" => scalar(Ty::Float(FloatTy::F32)),
        "f64" => scalar(Ty::Float(FloatTy::F64)),
        "String" | "str" => scalar(Ty::Str),
        "Vec" => match args {
            [t] => Ok(Ty::Vec(Box::new(t.clone()))),
            _ => Err(1),
        },
        "Option" => match args {
            [t] => Ok(Ty::Option(Box::new(t.clone()))),
            _ => Err(1),
        },
        "HashMap" => match args {
            [k, v] => Ok(Ty::Map(Box::new(k.clone()), Box::new(v.clone()))),
            _ => Err(2),
        },
        "Result" => match args {
            [t, e] => Ok(Ty::Result(Box::new(t.clone()), Box::new(e.clone()))),
            _ => Err(2),
        },
        "Box" => Err(1),
        _ => scalar(Ty::Int(IntTy::from_name(name)?)),
    })
}
