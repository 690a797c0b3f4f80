//! Rules for `@shared` statics: memory that lives outside every version of a module
//! (hot-reload.md, "Shared memory"). Such a static is a `static mut` whose type is plain
//! data, so its bytes mean the same to every version: a scalar, or an `@abi_stable(N)`
//! struct whose fields are scalars or structs of scalars. Whether a new version's layout
//! may use the old bytes (append only) is checked at reload time, against the memory.

use dast_base::Diagnostic;

use crate::check::FnCx;
use crate::env::{AdtKind, Env, GlobalDef};
use crate::errors;
use crate::ty::Ty;

/// Most words a shared static may have (`dast_bytecode::SHARED_CELL_WORDS`).
const MAX_WORDS: u32 = 8192;

/// Reports every `@shared` global that breaks the rules.
pub fn check_shared_statics(env: &Env, diags: &mut Vec<Diagnostic>) {
    for g in env.globals.iter().filter(|g| g.shared) {
        if let Some(d) = shared_error(env, diags, g) {
            diags.push(d);
        }
    }
}

fn shared_error(env: &Env, diags: &mut Vec<Diagnostic>, g: &GlobalDef) -> Option<Diagnostic> {
    let span = g.decl.name.span;
    if !g.is_static || !g.mutable {
        let what = if g.is_static { "static" } else { "var" };
        return Some(
            Diagnostic::error(
                errors::SHARED_NOT_STATIC_MUT,
                format!(
                    "`@shared` applies to `static mut`, not to `{what} {}`",
                    g.name
                ),
                span,
            )
            .with_label("not a `static mut`")
            .with_help(format!(
                "write `@shared static mut {}: T = ...` (memory shared by every version), or \
                 drop `@shared` (a `var` is carried over by state migration)",
                g.name
            )),
        );
    }
    if g.ty.is_error() {
        return None;
    }
    let shown = FnCx::new(env, diags, g.module, g.scope).show(&g.ty);
    if let Err(why) = plain_data(env, &g.ty) {
        return Some(
            Diagnostic::error(
                errors::SHARED_NOT_PLAIN,
                format!(
                    "`@shared static mut {}: {shown}` must hold plain data",
                    g.name
                ),
                span,
            )
            .with_label(why)
            .with_help(
                "shared memory lives outside every version, so it holds scalars (integers, \
                 floats, bool, char) and structs of them; keep heap values in a `var`",
            ),
        );
    }
    if let Ty::Adt(id, _) = &g.ty {
        let adt = env.adt(*id);
        if adt.abi_stable.is_none() {
            return Some(
                Diagnostic::error(
                    errors::SHARED_NOT_ABI_STABLE,
                    format!(
                        "the type of `@shared static mut {}` needs a versioned layout",
                        g.name
                    ),
                    span,
                )
                .with_label(format!("`{}` is not `@abi_stable`", adt.name))
                .with_secondary(adt.span, "declared here")
                .with_help(format!(
                    "write `@abi_stable(1)` before `struct {}`: later versions may append \
                     fields and raise the number, never change existing ones",
                    adt.name
                )),
            );
        }
    }
    let words = words_of(env, &g.ty);
    if words > MAX_WORDS {
        return Some(
            Diagnostic::error(
                errors::SHARED_NOT_PLAIN,
                format!("`@shared static mut {}` is too large", g.name),
                span,
            )
            .with_label(format!(
                "{words} words; a shared static has at most {MAX_WORDS}"
            ))
            .with_help("split it into several `@shared static`s"),
        );
    }
    None
}

/// `Ok` for a scalar or a struct of plain data; else why not.
fn plain_data(env: &Env, ty: &Ty) -> Result<(), String> {
    match ty {
        Ty::Bool | Ty::Int(_) | Ty::Float(_) | Ty::Char => Ok(()),
        Ty::Adt(id, _) => {
            let adt = env.adt(*id);
            match &adt.kind {
                AdtKind::Struct(fields) => fields.iter().try_for_each(|f| {
                    plain_data(env, &f.ty)
                        .map_err(|_| format!("field `{}.{}` is not plain data", adt.name, f.name))
                }),
                AdtKind::Enum(_) => Err(format!("`{}` is an enum", adt.name)),
            }
        }
        Ty::Str | Ty::Vec(_) | Ty::Map(..) => Err("a heap value".into()),
        _ => Err("not a scalar or a struct".into()),
    }
}

/// Scalar words of a plain-data type.
fn words_of(env: &Env, ty: &Ty) -> u32 {
    match ty {
        Ty::Adt(id, _) => env
            .adt(*id)
            .fields()
            .iter()
            .map(|f| words_of(env, &f.ty))
            .sum(),
        _ => 1,
    }
}
