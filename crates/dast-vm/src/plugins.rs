//! `module.instantiate[dyn T]()`: finding the one type of a loaded module that
//! implements the caller's trait `T`, and making an object of it.
//!
//! Traits match across modules by name *and* methods: a plugin declares its own
//! `trait Plugin`, and its impl is accepted only when it lists the caller's methods in
//! the same order with the same names and structurally identical signatures (the
//! receiver aside). So a plugin written against another version of the trait is
//! refused with the method that differs, instead of being called with the wrong
//! arguments.

use dast_bytecode::{DynMethod, ImplDesc, Module, TypeDesc, TypeId};

use crate::exec::Frame;
use crate::link::same_types;
use crate::typed::str_of;
use crate::value::short_name;
use crate::{Host, Program};

impl Program {
    /// Serves `Instantiate` for the suspended frame `fr` (window at `wr`, trait object
    /// type `ty`): runs the maker of the matching impl as a nested call and leaves the
    /// new object as the intrinsic's result.
    pub(crate) fn serve_instantiate(
        &mut self,
        fr: &Frame,
        ty: TypeId,
        wr: usize,
        host: Option<&mut dyn Host>,
    ) -> Result<(), String> {
        let caller = fr.module as usize;
        let rb = fr.rbase as usize + wr;
        let name = str_of(&self.machine.rstack[rb])?.to_string();
        let (mi, make) = self.find_maker(caller, ty, &name)?;
        let info = self.inst(caller).funcs[fr.func as usize];
        let saved = self.machine.top;
        self.machine.top = (
            fr.sbase as usize + info.scalar_regs as usize,
            fr.rbase as usize + info.ref_regs as usize,
        );
        let result = self.run_function(mi, make as usize, host);
        let top = self.machine.top.1;
        let made = self.machine.rstack[top].take();
        self.machine.top = saved;
        match result {
            Ok(()) => {
                self.machine.rstack[rb] = made;
                Ok(())
            }
            Err(p) => Err(format!(
                "instantiate: making the `{name}` object panicked: {p}"
            )),
        }
    }

    /// The active instance of `module` and the maker of its one impl matching the
    /// trait of `caller`'s trait object type `ty`.
    pub(crate) fn find_maker(
        &self,
        caller: usize,
        ty: TypeId,
        module: &str,
    ) -> Result<(usize, u32), String> {
        let Some(mi) = self
            .core
            .active_of(module)
            .filter(|&mi| mi < self.view.len())
        else {
            return Err(format!(
                "instantiate: no module `{module}` is loaded (load it with `load_bytecode(path)`)"
            ));
        };
        plugin_maker(&self.inst(caller).m, ty, &self.inst(mi).m).map(|make| (mi, make))
    }
}

/// The maker (a function index of `plugin`) of the one impl of module `plugin` that
/// matches the trait of `caller`'s trait object type `ty` (see the module docs), or why
/// there is none.
pub fn plugin_maker(caller: &Module, ty: TypeId, plugin: &Module) -> Result<u32, String> {
    let module = &plugin.name;
    let Some(TypeDesc::Dyn { trait_name }) = caller.types.get(ty.0 as usize) else {
        return Err("instantiate needs a trait object type".into());
    };
    let short = short_name(trait_name);
    let mut wanted: Vec<&DynMethod> = caller
        .dyn_methods
        .iter()
        .filter(|d| d.trait_name == *trait_name)
        .collect();
    wanted.sort_by_key(|d| d.slot);
    let candidates: Vec<&ImplDesc> = plugin
        .impls
        .iter()
        .filter(|imp| short_name(&imp.trait_name) == short)
        .collect();
    if candidates.is_empty() {
        return Err(format!(
            "instantiate: module `{module}` has no type that implements `{short}`"
        ));
    }
    let mut matching = Vec::new();
    let mut first_mismatch = None;
    for imp in candidates {
        match impl_matches(caller, &wanted, plugin, imp) {
            Ok(()) => matching.push(imp),
            Err(why) => {
                first_mismatch.get_or_insert(why);
            }
        }
    }
    let type_of = |imp: &ImplDesc| dast_bytecode::type_name(&plugin.types, imp.ty);
    match matching.as_slice() {
        [] => Err(format!(
            "instantiate: module `{module}` implements a trait named `{short}`, but not the \
             `{short}` this program declares: {}",
            first_mismatch.unwrap_or_default()
        )),
        [imp] => match imp.make {
            Some(make) => Ok(make.0),
            None => Err(format!(
                "instantiate: `{}` (module `{module}`) has no `new()` taking nothing and no \
                 default value to make an object from",
                type_of(imp)
            )),
        },
        several => {
            let names: Vec<String> = several
                .iter()
                .map(|i| format!("`{}`", type_of(i)))
                .collect();
            Err(format!(
                "instantiate: module `{module}` has several types that implement `{short}` \
                 ({}); it must have exactly one",
                names.join(", ")
            ))
        }
    }
}

/// Whether impl `imp` of module `lm` has exactly the methods `wanted` (the caller's, in
/// slot order), or the first difference.
fn impl_matches(
    lc: &Module,
    wanted: &[&DynMethod],
    lm: &Module,
    imp: &ImplDesc,
) -> Result<(), String> {
    if imp.methods.len() != wanted.len() {
        return Err(format!(
            "it has {} methods where this program's has {}",
            imp.methods.len(),
            wanted.len()
        ));
    }
    for d in wanted {
        let Some(m) = imp.methods.get(d.slot as usize) else {
            return Err(format!("it has no method `{}`", d.name));
        };
        if m.name != d.name {
            return Err(format!(
                "method {} is `{}` there and `{}` here",
                d.slot + 1,
                m.name,
                d.name
            ));
        }
        let theirs = &lm.functions[m.shim.0 as usize].sig;
        let same = theirs.params.len() == d.sig.params.len()
            && same_types(
                &lc.types,
                &lm.types,
                d.sig.params[1..]
                    .iter()
                    .copied()
                    .zip(theirs.params[1..].iter().copied())
                    .chain(std::iter::once((d.sig.ret, theirs.ret))),
            );
        if !same {
            return Err(format!(
                "method `{}` is `{}` there and `{}` here",
                d.name,
                dast_bytecode::signature_text(&lm.types, theirs),
                dast_bytecode::signature_text(&lc.types, &d.sig)
            ));
        }
    }
    Ok(())
}
