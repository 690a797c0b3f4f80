//! `host fn` declarations: a function of the module whose body the Rust host provides
//! (see `dast_vm::HostFns`). The checker makes sure the host can serve it: no body, no
//! type parameters, no `&mut` parameters, and parameter and return types that cross to
//! the host as values (numbers, `bool`, `char`, `String`, and vectors, maps, tuples,
//! `Option`, `Result`, structs and enums of those); lowering gives it the one-instruction
//! body `HostFn` (`lower.rs`).

use std::collections::HashSet;

use dast_base::Diagnostic;

use crate::check::FnCx;
use crate::env::{AdtKind, FnDef, ParamMode};
use crate::errors;
use crate::ty::{AdtId, Ty};

impl FnCx<'_, '_> {
    /// Reports what keeps the host from serving `host fn` `f`.
    pub(crate) fn check_host_fn(&mut self, f: &FnDef<'_>) {
        let name = &f.name;
        if let Some(body) = &f.decl.body {
            self.host_fn_error(
                body.span,
                format!("`host fn {name}` has a body"),
                "the host provides its body: end the declaration after its signature",
            );
        }
        if let Some(g) = f.decl.generics.first() {
            self.host_fn_error(
                g.name.span,
                format!("`host fn {name}` has type parameters"),
                "a host function has one signature: write the concrete types",
            );
            return; // its types are the parameters: nothing more to say of them
        }
        for p in &f.sig.params {
            if p.mode == ParamMode::RefMut {
                self.host_fn_error(
                    p.span,
                    format!("`host fn {name}` takes `&mut {}`", p.name),
                    "the host gets copies of the arguments: return the new value instead",
                );
                continue;
            }
            if let Err(what) = self.crosses_to_host(&p.ty) {
                self.host_fn_error(p.span, format!("parameter `{}` of `host fn {name}` is {what}", p.name), "host functions exchange plain values: numbers, bool, char, String, and Vec, HashMap, tuples, Option, Result, structs and enums of those");
            }
        }
        if let Err(what) = self.crosses_to_host(&f.sig.ret) {
            self.host_fn_error(f.span, format!("`host fn {name}` returns {what}"), "host functions exchange plain values: numbers, bool, char, String, and Vec, HashMap, tuples, Option, Result, structs and enums of those");
        }
    }

    fn host_fn_error(&mut self, span: dast_base::Span, message: String, help: &str) {
        self.error(
            Diagnostic::error(errors::HOST_FN, message, span)
                .with_label("the host cannot serve this")
                .with_help(help),
        );
    }

    /// Whether values of `ty` cross to the host and back; else what it is.
    fn crosses_to_host(&self, ty: &Ty) -> Result<(), String> {
        let mut seen: HashSet<AdtId> = HashSet::new();
        let mut todo = vec![ty.clone()];
        while let Some(t) = todo.pop() {
            match t {
                Ty::Bool | Ty::Int(_) | Ty::Float(_) | Ty::Char | Ty::Str | Ty::Error => {}
                Ty::Never => {}
                Ty::Vec(e) | Ty::Option(e) => todo.push(*e),
                Ty::Map(k, v) | Ty::Result(k, v) => todo.extend([*k, *v]),
                Ty::Tuple(items) => todo.extend(items),
                Ty::Adt(a, args) => {
                    if !seen.insert(a) {
                        continue;
                    }
                    let def = self.env.adt(a);
                    let fields: Vec<Ty> = match &def.kind {
                        AdtKind::Struct(fields) => fields.iter().map(|f| f.ty.clone()).collect(),
                        AdtKind::Enum(variants) => variants
                            .iter()
                            .flat_map(|v| v.fields.iter().map(|f| f.ty.clone()))
                            .collect(),
                    };
                    todo.extend(fields.into_iter().map(|f| f.subst(&args)));
                }
                Ty::Box(_) => return Err("a `Box` (a value the host cannot hold)".into()),
                Ty::Dyn(_) => return Err("a trait object (a handle the host cannot hold)".into()),
                Ty::Closure(_) => return Err("a closure".into()),
                Ty::Param(_) | Ty::Var(_) => return Err("a type parameter".into()),
            }
        }
        Ok(())
    }
}
