//! Name resolution, type checking and lowering of Dast modules to bytecode.
//!
//! Entry point: [`check`] takes parsed modules and returns either bytecode modules or
//! every diagnostic found (checking goes on after errors).

#![forbid(unsafe_code)]

mod builtins;
mod call;
mod check;
mod closure;
mod closure_methods;
mod dyn_impls;
mod entry;
pub mod env;
pub mod errors;
mod format;
pub mod generics;
mod host_fn;
mod iter;
mod lower;
mod pattern;
mod resolve;
mod shared;
mod suggest;
pub mod tir;
pub mod ty;
mod zonk;

use dast_base::{Diagnostic, SourceMap};
use dast_bytecode as bc;

pub use env::SourceModule;

use crate::check::FnCx;
use crate::env::{ConstId, Env, FnId, GlobalId};
use crate::lower::{Checked, ModuleBuilder};
use crate::ty::Ty;

const PRELUDE_SRC: &str = include_str!("prelude.dast");
/// Registry name of the prelude module; its types are named `std.Value` etc. in bytecode.
pub const PRELUDE_NAME: &str = "std";
/// The prelude's file id: it never appears in diagnostics (it has no errors, and labels
/// pointing into it are dropped).
const PRELUDE_FILE: dast_base::FileId = dast_base::FileId(u32::MAX);

/// The result of checking a program: bytecode for every module when there are no errors,
/// and all diagnostics (errors and warnings) in source order.
pub struct Output {
    pub modules: Vec<bc::Module>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Output {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.is_error())
    }
}

/// Checks and lowers `modules` (already parsed; `sources` holds their text).
pub fn check(modules: &[SourceModule<'_>], sources: &SourceMap) -> Output {
    // The prelude is one more module (types only), found last by every name lookup.
    let (prelude_tree, _) = dast_syntax::parse(PRELUDE_FILE, PRELUDE_SRC);
    let mut all: Vec<SourceModule> = modules.to_vec();
    all.push(SourceModule {
        name: PRELUDE_NAME.into(),
        file: PRELUDE_FILE,
        path: env::PRELUDE_PATH.into(),
        ast: &prelude_tree,
    });
    let mut env = Env::collect(&all);
    let mut diags = std::mem::take(&mut env.diags);
    let const_bodies = check_consts(&env, &mut diags);
    let global_inits = check_globals(&mut env, &mut diags);
    shared::check_shared_statics(&env, &mut diags);
    let mut bodies = check_fns(&env, &mut diags);
    // The closures of generic bodies are only checked: each instance has its own.
    for (i, b) in bodies.iter().enumerate() {
        if let (Some(b), false) = (b, env.func(FnId(i as u32)).is_generic()) {
            closure::register_closures(&mut env, FnId(i as u32), b);
        }
    }
    let roots: Vec<_> = bodies
        .iter()
        .chain(&global_inits)
        .chain(&const_bodies)
        .flatten()
        .flat_map(|b| b.instances.iter().cloned())
        .collect();
    // Instances are checked only when the rest is sound: an unmet bound, already
    // reported at the call, would be reported again inside the instance.
    let instances = if diags.iter().any(|d| d.is_error()) {
        Default::default()
    } else {
        generics::instantiate_all(&mut env, &mut bodies, roots, &mut diags)
    };
    // The prelude is not a file a renderer knows: a label there ("`fmt` declared here"
    // of `Display`) would make the whole diagnostic unprintable.
    for d in &mut diags {
        d.secondary.retain(|l| l.span.file != PRELUDE_FILE);
    }
    diags.sort_by_key(|d| (d.primary.span.file, d.primary.span.start));
    if diags.iter().any(|d| d.is_error()) {
        return Output {
            modules: Vec::new(),
            diagnostics: diags,
        };
    }
    let dyn_impls = dyn_impls::build(&env, modules.len());
    let checked = Checked {
        env,
        bodies,
        global_inits,
        const_bodies,
        dyn_impls,
        instances,
    };
    let mut out = Vec::new();
    for (i, m) in checked.env.modules.iter().enumerate().take(modules.len()) {
        let file = sources.get(m.file);
        let mb = ModuleBuilder::new(&checked, env::ModIdx(i as u32), &file.lines, &file.text);
        out.push(mb.build());
    }
    Output {
        modules: out,
        diagnostics: diags,
    }
}

fn check_consts(env: &Env, diags: &mut Vec<Diagnostic>) -> Vec<Option<tir::Body>> {
    let mut out = Vec::new();
    for (i, c) in env.consts.iter().enumerate() {
        let _ = ConstId(i as u32);
        let mut cx = FnCx::new(env, diags, c.module, c.scope);
        if c.decl.ty.is_none() {
            cx.error(
                Diagnostic::error(
                    errors::CONST_WITHOUT_TYPE,
                    format!("missing type for `const {}`", c.name),
                    c.decl.name.span,
                )
                .with_label("constants need a type")
                .with_help(format!("write `const {}: T = value`", c.name)),
            );
        }
        let ty = c.ty.clone();
        let body = c.decl.init.as_ref().map(|init| {
            let e = cx.check_expr(init, Some(&ty));
            cx.finish_body(Vec::new(), e)
        });
        if body.is_none() {
            cx.error(
                Diagnostic::error(
                    errors::CONST_WITHOUT_VALUE,
                    format!("`const {}` needs a value", c.name),
                    c.decl.name.span,
                )
                .with_label("missing `= value`"),
            );
        }
        out.push(body);
    }
    out
}

fn check_globals(env: &mut Env, diags: &mut Vec<Diagnostic>) -> Vec<Option<tir::Body>> {
    let mut out = Vec::new();
    for i in 0..env.globals.len() {
        let (module, scope, declared, init) = {
            let g = &env.globals[i];
            (g.module, g.scope, g.decl.ty.is_some(), g.decl.init.as_ref())
        };
        let Some(init) = init else {
            out.push(None);
            continue;
        };
        let ty = env.globals[i].ty.clone();
        let (body, inferred) = {
            let mut cx = FnCx::new(env, diags, module, scope);
            let e = cx.check_expr(init, if declared { Some(&ty) } else { None });
            let body = cx.finish_body(Vec::new(), e);
            let t = body.value.ty.clone();
            (body, t)
        };
        if !declared {
            env.globals[i].ty = inferred;
        }
        let _ = GlobalId(i as u32);
        out.push(Some(body));
    }
    // A `var` without initializer starts as `T.default()`: it must have one.
    for g in &env.globals {
        if g.decl.init.is_none() && !g.ty.is_error() {
            let cx = FnCx::new(env, diags, g.module, g.scope);
            if !cx.has_default(&g.ty) {
                let shown = cx.show(&g.ty);
                diags.push(
                    Diagnostic::error(
                        errors::VAR_WITHOUT_DEFAULT,
                        format!(
                            "`{}` has no initializer and `{shown}` has no default value",
                            g.name
                        ),
                        g.decl.name.span,
                    )
                    .with_label("needs `= value`")
                    .with_help(format!("write `var {}: {shown} = ...`", g.name)),
                );
            }
        }
    }
    out
}

fn check_fns(env: &Env, diags: &mut Vec<Diagnostic>) -> Vec<Option<tir::Body>> {
    let mut out = Vec::new();
    for (i, f) in env.fns.iter().enumerate() {
        let mut cx = FnCx::new(env, diags, f.module, f.scope);
        let _ = Ty::unit();
        out.push(Some(cx.check_fn(FnId(i as u32))));
    }
    out
}
