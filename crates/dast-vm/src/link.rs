//! Linking: verify each module, precompute what the interpreter needs (layouts, vector
//! shapes, frame sizes, constant strings) and resolve imports to exported functions
//! with structurally identical signatures.

use std::collections::HashSet;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use dast_bytecode::{
    signature_layouts, signature_text, type_layouts, type_name, verify, ImplDesc, Inst, Layout,
    Module, Signature, TypeDesc, TypeId, VerifyError,
};

use crate::core::InstanceList;
use crate::dynobj::{VTable, VTableKey};
use crate::heap::{Obj, VecShape};
use crate::typed::Types;
use crate::value::short_name;

/// Why a set of modules could not be linked. Messages name both sides of a mismatch.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkError {
    /// A module failed verification.
    Verify { module: String, error: VerifyError },
    /// Two modules have the same name.
    DuplicateModule(String),
    /// `importer` imports from a module that is not part of the program.
    MissingModule {
        importer: String,
        module: String,
        function: String,
    },
    /// The module exists but exports no function of that name.
    MissingFunction {
        importer: String,
        module: String,
        function: String,
    },
    /// The import's signature differs from the exported function's.
    SignatureMismatch {
        importer: String,
        module: String,
        function: String,
        expected: String,
        found: String,
    },
    /// A new version of `module` would break `importer`, which is loaded and calls
    /// `function` with the signature `expected`: the new version defines it as `found`,
    /// or (`None`) no longer exports it.
    BreaksImporter {
        importer: String,
        module: String,
        function: String,
        expected: String,
        found: Option<String>,
    },
    /// A `@shared static` of a new version cannot use the memory earlier versions laid
    /// out (a field removed, reordered, renamed or retyped, or fields appended without
    /// raising `@abi_stable`).
    SharedLayout(crate::SharedLayoutError),
    /// A `host fn` the host does not provide (or provides with another signature).
    HostFn(crate::HostFnError),
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::Verify { module, error } => {
                write!(f, "module `{module}` failed verification: {error}")
            }
            LinkError::DuplicateModule(m) => write!(f, "module `{m}` is loaded twice"),
            LinkError::MissingModule {
                importer,
                module,
                function,
            } => write!(
                f,
                "module `{importer}` imports `{module}.{function}`, but there is no module `{module}`"
            ),
            LinkError::MissingFunction {
                importer,
                module,
                function,
            } => write!(
                f,
                "module `{importer}` imports `{module}.{function}`, but `{module}` exports no \
                 function `{function}`"
            ),
            LinkError::SignatureMismatch {
                importer,
                module,
                function,
                expected,
                found,
            } => write!(
                f,
                "module `{importer}` imports `{module}.{function}` as `fn{expected}`, but \
                 `{module}` defines it as `fn{found}`"
            ),
            LinkError::BreaksImporter {
                importer,
                module,
                function,
                expected,
                found: Some(found),
            } => write!(
                f,
                "module `{importer}` calls `{module}.{function}{expected}`, but the new version \
                 of `{module}` defines `{function}{found}`"
            ),
            LinkError::BreaksImporter {
                importer,
                module,
                function,
                expected,
                found: None,
            } => write!(
                f,
                "module `{importer}` calls `{module}.{function}{expected}`, but the new version \
                 of `{module}` no longer defines `{function}`"
            ),
            LinkError::SharedLayout(e) => write!(f, "{e}"),
            LinkError::HostFn(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for LinkError {}

/// Per-function data the interpreter reads on every call.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FuncInfo {
    /// The function's first instruction (in `Linked::m`, which is never modified after
    /// linking, so the pointer stays valid as long as the `Linked` lives).
    pub code: *const Inst,
    pub scalar_regs: u32,
    pub ref_regs: u32,
    pub params: Layout,
    pub results: Layout,
}

// SAFETY: `code` points into an immutable `Vec<Inst>` owned by the same `Linked`; it is
// only read, from whichever thread runs the program.
unsafe impl Send for FuncInfo {}
// SAFETY: as for the impl above.
unsafe impl Sync for FuncInfo {}

/// A verified module with its precomputed tables.
pub(crate) struct Linked {
    pub m: Module,
    pub layouts: Vec<Layout>,
    pub shapes: Vec<VecShape>,
    pub funcs: Vec<FuncInfo>,
    /// Each import's (module index, function index), re-pointed by activation.
    pub imports: Vec<ImportSlot>,
    /// The string constants as heap objects, so `LoadStr` only counts a reference.
    pub strings: Vec<Option<Obj>>,
    /// This instance's index among the program's (0 outside a `Program`): trait
    /// objects it makes record it as their value's layout.
    pub inst: u32,
    /// One vtable per impl (`DynNew`'s operand), shared with other versions of the
    /// module by the program.
    pub vtables: Vec<Arc<VTable>>,
    /// Each dynamic call's (parameter, result) layouts, as the caller expects them.
    pub dyn_sigs: Vec<(Layout, Layout)>,
}

/// One import's target, `(instance, function)` packed in one word so activation
/// re-points it with one atomic store and a running call reads it with one load.
pub(crate) struct ImportSlot(AtomicU64);

impl ImportSlot {
    pub fn new((module, func): (u32, u32)) -> ImportSlot {
        ImportSlot(AtomicU64::new(pack(module, func)))
    }

    #[inline(always)]
    pub fn get(&self) -> (u32, u32) {
        let w = self.0.load(Ordering::Acquire);
        ((w >> 32) as u32, w as u32)
    }

    /// Re-points the import (sequentially consistent: see `core.rs`).
    pub fn set(&self, module: u32, func: u32) {
        self.0.store(pack(module, func), Ordering::SeqCst);
    }
}

fn pack(module: u32, func: u32) -> u64 {
    (u64::from(module) << 32) | u64::from(func)
}

/// The vtable key of impl `imp` of module `m`.
pub(crate) fn impl_key(m: &Module, imp: &ImplDesc) -> VTableKey {
    VTableKey {
        module: m.name.clone(),
        ty: short_name(&type_name(&m.types, imp.ty)).to_string(),
        trait_name: short_name(&imp.trait_name).to_string(),
    }
}

/// The shims of impl `imp`, in vtable order.
pub(crate) fn impl_shims(imp: &ImplDesc) -> Vec<u32> {
    imp.methods.iter().map(|meth| meth.shim.0).collect()
}

impl Linked {
    /// The impl of this module with vtable key `key`, if it has one.
    pub fn impl_by_key(&self, key: &VTableKey) -> Option<&ImplDesc> {
        self.m
            .impls
            .iter()
            .find(|imp| impl_key(&self.m, imp) == *key)
    }

    pub fn types(&self) -> Types<'_> {
        Types {
            types: &self.m.types,
            layouts: &self.layouts,
            shapes: &self.shapes,
        }
    }

    pub(crate) fn new(m: Module) -> Result<Linked, LinkError> {
        verify(&m).map_err(|error| LinkError::Verify {
            module: m.name.clone(),
            error,
        })?;
        let layouts = type_layouts(&m.types).expect("verified");
        let shapes = (0..m.types.len())
            .map(|i| VecShape::of(&m.types, &layouts, TypeId(i as u32)))
            .collect();
        let funcs = m
            .functions
            .iter()
            .map(|f| {
                let (params, results) = signature_layouts(&f.sig, |t| layouts[t.0 as usize]);
                FuncInfo {
                    code: f.code.as_ptr(),
                    scalar_regs: f.scalar_regs as u32,
                    ref_regs: f.ref_regs as u32,
                    params,
                    results,
                }
            })
            .collect();
        let strings = m
            .strings
            .iter()
            .map(|s| Some(Obj::string(s.clone())))
            .collect();
        let vtables = m
            .impls
            .iter()
            .map(|imp| VTable::new(impl_key(&m, imp), 0, &impl_shims(imp)))
            .collect();
        let dyn_sigs = m
            .dyn_methods
            .iter()
            .map(|d| signature_layouts(&d.sig, |t| layouts[t.0 as usize]))
            .collect();
        Ok(Linked {
            m,
            layouts,
            shapes,
            funcs,
            imports: Vec::new(),
            strings,
            inst: 0,
            vtables,
            dyn_sigs,
        })
    }

    /// An instance of an empty module named `name` (the shell of blank tombstones).
    pub fn blank(name: &str) -> Linked {
        Linked::new(Module {
            name: name.to_string(),
            ..Module::default()
        })
        .expect("an empty module verifies")
    }

    /// What an unloaded instance leaves behind: its name and source (for messages),
    /// no code, no tables, so instance indices stay valid. The types and impls stay:
    /// a trait object made by this version may still hold a value of its layout, which
    /// is migrated from them on the object's next method call.
    pub fn tombstone(&self) -> Linked {
        let keeps_types = !self.m.impls.is_empty();
        Linked {
            m: Module {
                name: self.m.name.clone(),
                source: self.m.source.clone(),
                hot_reload: self.m.hot_reload,
                types: if keeps_types {
                    self.m.types.clone()
                } else {
                    Vec::new()
                },
                impls: if keeps_types {
                    self.m.impls.clone()
                } else {
                    Vec::new()
                },
                ..Module::default()
            },
            layouts: if keeps_types {
                self.layouts.clone()
            } else {
                Vec::new()
            },
            shapes: if keeps_types {
                self.shapes.clone()
            } else {
                Vec::new()
            },
            funcs: Vec::new(),
            imports: Vec::new(),
            strings: Vec::new(),
            inst: self.inst,
            vtables: Vec::new(),
            dyn_sigs: Vec::new(),
        }
    }

    /// The index of the exported function `name`.
    /// The exported function called `name`; failing that, the one function `name` of an
    /// inline `module X { }` block (`X.name`), so a host can call a module written as
    /// `struct S {..}  @hot_reload module M { fn update() }` by `update`. Methods
    /// (`S.new`, prefixed by a type of the module) never match a plain name.
    pub fn export(&self, name: &str) -> Option<usize> {
        let exact = self
            .m
            .functions
            .iter()
            .position(|f| f.exported && f.name == name);
        exact.or_else(|| self.inline_module_export(name))
    }

    fn inline_module_export(&self, name: &str) -> Option<usize> {
        let type_prefix = format!("{}.", self.m.name);
        let is_type = |prefix: &str| {
            self.m.types.iter().any(|t| match t {
                TypeDesc::Struct { name, .. } | TypeDesc::Enum { name, .. } => {
                    name.strip_prefix(&type_prefix) == Some(prefix)
                }
                _ => false,
            })
        };
        let mut found = self.m.functions.iter().enumerate().filter(|(_, f)| {
            f.exported
                && f.name
                    .rsplit_once('.')
                    .is_some_and(|(prefix, last)| last == name && !is_type(prefix))
        });
        match (found.next(), found.next()) {
            (Some((i, _)), None) => Some(i),
            _ => None,
        }
    }
}

/// Gives a newly linked instance (index `inst`) its vtables: those of `previous` (the
/// module's active version) where an impl with the same key and as many methods
/// exists, so trait objects made by either version share them and follow activation;
/// its own, pointing at itself, for the rest.
pub(crate) fn own_vtables(linked: &mut Linked, inst: u32, previous: Option<&Linked>) {
    linked.inst = inst;
    for (k, imp) in linked.m.impls.iter().enumerate() {
        let key = impl_key(&linked.m, imp);
        let shared = previous.and_then(|p| {
            p.vtables
                .iter()
                .find(|vt| vt.key == key && vt.methods() == imp.methods.len())
        });
        match shared {
            Some(vt) => linked.vtables[k] = vt.clone(),
            None => linked.vtables[k].repoint(inst, &impl_shims(imp)),
        }
    }
}

/// Points every vtable of an instance at its shims: it is now the active version.
pub(crate) fn repoint_vtables(linked: &Linked) {
    for (vt, imp) in linked.vtables.iter().zip(&linked.m.impls) {
        vt.repoint(linked.inst, &impl_shims(imp));
    }
}

/// Verifies and links modules (see the crate docs).
pub(crate) fn link_modules(modules: Vec<Module>) -> Result<Vec<Linked>, LinkError> {
    let mut linked = Vec::with_capacity(modules.len());
    for m in modules {
        if linked.iter().any(|l: &Linked| l.m.name == m.name) {
            return Err(LinkError::DuplicateModule(m.name));
        }
        linked.push(Linked::new(m)?);
    }
    for i in 0..linked.len() {
        let by_name = |name: &str| linked.iter().position(|l| l.m.name == name);
        let module = |mi: usize| &linked[mi].m;
        let resolved = resolve_all(&module, &by_name, &linked[i])?;
        linked[i].imports = resolved.into_iter().map(ImportSlot::new).collect();
    }
    Ok(linked)
}

/// Verifies and links one more instance of a module next to `all`: each import resolves
/// to the instance `active` names for the imported module.
pub(crate) fn link_instance(
    all: &InstanceList,
    active: &dyn Fn(&str) -> Option<usize>,
    m: Module,
) -> Result<Linked, LinkError> {
    let mut linked = Linked::new(m)?;
    let module = |mi: usize| &all[mi].m;
    let resolved = resolve_all(&module, active, &linked)?;
    linked.imports = resolved.into_iter().map(ImportSlot::new).collect();
    Ok(linked)
}

fn resolve_all<'a>(
    all: &dyn Fn(usize) -> &'a Module,
    find: &dyn Fn(&str) -> Option<usize>,
    importer: &Linked,
) -> Result<Vec<(u32, u32)>, LinkError> {
    importer
        .m
        .imports
        .iter()
        .map(|imp| resolve(all, find, importer, imp))
        .collect()
}

/// Whether `importer` (a loaded instance) can call `new` (a new version of a module it
/// imports from): every function it imports from that module must be exported by `new`
/// with an identical signature.
pub(crate) fn check_importer(importer: &Linked, new: &Linked) -> Result<(), LinkError> {
    for imp in importer.m.imports.iter().filter(|i| i.module == new.m.name) {
        let found = new.export(&imp.name).map(|fi| &new.m.functions[fi].sig);
        if let Some(sig) = found {
            if same_signature((&importer.m.types, &imp.sig), (&new.m.types, sig)) {
                continue;
            }
        }
        return Err(LinkError::BreaksImporter {
            importer: importer.m.name.clone(),
            module: new.m.name.clone(),
            function: imp.name.clone(),
            expected: call_signature_text(&importer.m.types, &imp.sig),
            found: found.map(|sig| call_signature_text(&new.m.types, sig)),
        });
    }
    Ok(())
}

/// `(f32)` or `(i32) -> bool`: a signature as a call site shows it.
fn call_signature_text(types: &[TypeDesc], sig: &Signature) -> String {
    let text = signature_text(types, sig);
    match text.strip_suffix(" -> ()") {
        Some(params) => params.to_string(),
        None => text,
    }
}

fn resolve<'a>(
    all: &dyn Fn(usize) -> &'a Module,
    find: &dyn Fn(&str) -> Option<usize>,
    importer: &Linked,
    imp: &dast_bytecode::Import,
) -> Result<(u32, u32), LinkError> {
    let names = || {
        (
            importer.m.name.clone(),
            imp.module.clone(),
            imp.name.clone(),
        )
    };
    let Some(mi) = find(&imp.module) else {
        let (importer, module, function) = names();
        return Err(LinkError::MissingModule {
            importer,
            module,
            function,
        });
    };
    let target = all(mi);
    let Some(fi) = target
        .functions
        .iter()
        .position(|f| f.exported && f.name == imp.name)
    else {
        let (importer, module, function) = names();
        return Err(LinkError::MissingFunction {
            importer,
            module,
            function,
        });
    };
    let callee = &target.functions[fi].sig;
    if !same_signature((&importer.m.types, &imp.sig), (&target.types, callee)) {
        let (importer_name, module, function) = names();
        return Err(LinkError::SignatureMismatch {
            importer: importer_name,
            module,
            function,
            expected: signature_text(&importer.m.types, &imp.sig),
            found: signature_text(&target.types, callee),
        });
    }
    Ok((mi as u32, fi as u32))
}

type Side<'a, T> = (&'a [TypeDesc], T);

fn same_signature(a: Side<&Signature>, b: Side<&Signature>) -> bool {
    let (sa, sb) = (a.1, b.1);
    if sa.params.len() != sb.params.len() || sa.mut_params != sb.mut_params {
        return false;
    }
    let pairs = sa
        .params
        .iter()
        .zip(&sb.params)
        .chain(std::iter::once((&sa.ret, &sb.ret)))
        .map(|(x, y)| (*x, *y));
    same_types(a.0, b.0, pairs)
}

/// Structural type equality across two type tables: primitives equal, containers and
/// tuples element by element, structs and enums by name and by their fields' (or
/// variants') names and types. Iterative with a set of pairs already assumed equal, so
/// recursive types and long chains terminate without deep recursion.
pub(crate) fn same_types(
    ta: &[TypeDesc],
    tb: &[TypeDesc],
    roots: impl Iterator<Item = (TypeId, TypeId)>,
) -> bool {
    let mut todo: Vec<(TypeId, TypeId)> = roots.collect();
    let mut seen: HashSet<(u32, u32)> = HashSet::new();
    while let Some((x, y)) = todo.pop() {
        if !seen.insert((x.0, y.0)) {
            continue;
        }
        let (dx, dy) = (&ta[x.0 as usize], &tb[y.0 as usize]);
        let ok = match (dx, dy) {
            (TypeDesc::Vec(a), TypeDesc::Vec(b)) | (TypeDesc::Box(a), TypeDesc::Box(b)) => {
                todo.push((*a, *b));
                true
            }
            (TypeDesc::Dyn { trait_name: a }, TypeDesc::Dyn { trait_name: b }) => {
                short_name(a) == short_name(b)
            }
            (TypeDesc::Map(ka, va), TypeDesc::Map(kb, vb)) => {
                todo.push((*ka, *kb));
                todo.push((*va, *vb));
                true
            }
            (TypeDesc::Tuple(a), TypeDesc::Tuple(b)) => {
                todo.extend(a.iter().copied().zip(b.iter().copied()));
                a.len() == b.len()
            }
            (
                TypeDesc::Struct {
                    name: na,
                    fields: fa,
                },
                TypeDesc::Struct {
                    name: nb,
                    fields: fb,
                },
            ) => {
                todo.extend(fa.iter().zip(fb).map(|(p, q)| (p.ty, q.ty)));
                na == nb && fa.len() == fb.len() && fa.iter().zip(fb).all(|(p, q)| p.name == q.name)
            }
            (
                TypeDesc::Enum {
                    name: na,
                    variants: va,
                },
                TypeDesc::Enum {
                    name: nb,
                    variants: vb,
                },
            ) => {
                let shapes_match = va.len() == vb.len()
                    && va.iter().zip(vb).all(|(p, q)| {
                        p.name == q.name
                            && p.is_tuple == q.is_tuple
                            && p.fields.len() == q.fields.len()
                            && p.fields
                                .iter()
                                .zip(&q.fields)
                                .all(|(f, g)| f.name == g.name)
                    });
                for (p, q) in va.iter().zip(vb) {
                    todo.extend(p.fields.iter().zip(&q.fields).map(|(f, g)| (f.ty, g.ty)));
                }
                na == nb && shapes_match
            }
            (a, b) => std::mem::discriminant(a) == std::mem::discriminant(b) && is_leaf(a),
        };
        if !ok {
            return false;
        }
    }
    true
}

fn is_leaf(t: &TypeDesc) -> bool {
    !matches!(
        t,
        TypeDesc::Vec(_)
            | TypeDesc::Box(_)
            | TypeDesc::Dyn { .. }
            | TypeDesc::Map(..)
            | TypeDesc::Tuple(_)
            | TypeDesc::Struct { .. }
            | TypeDesc::Enum { .. }
    )
}
