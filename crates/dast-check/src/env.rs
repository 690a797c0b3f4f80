//! Item collection: every module's structs, enums, functions, methods, `var`s, statics
//! and constants, with their signatures resolved to [`Ty`]. Bodies are checked later
//! against this environment.

use std::collections::HashMap;

use dast_base::{Diagnostic, FileId, Span};
use dast_syntax::ast;

use crate::errors;
use crate::generics::GenericDef;
use crate::resolve::TyScope;
pub use crate::ty::AdtId;
use crate::ty::Ty;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FnId(pub u32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GlobalId(pub u32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConstId(pub u32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ModIdx(pub u32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ScopeId(pub u32);

/// The path the prelude module is given (it has no file).
pub const PRELUDE_PATH: &str = "<prelude>";

/// One source module given to the checker.
#[derive(Clone)]
pub struct SourceModule<'a> {
    /// Registry name: file stem, dotted for subfolders (`plugins.greeter`).
    pub name: String,
    pub file: FileId,
    /// Path shown in stack traces.
    pub path: String,
    pub ast: &'a ast::File,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Def {
    Adt(AdtId),
    Fn(FnId),
    Global(GlobalId),
    Const(ConstId),
    /// An inline `module X { }` namespace.
    Scope(ScopeId),
    /// An imported module.
    Module(ModIdx),
    /// A trait (only named by `impl Trait for Type`; methods are called on values).
    Trait(TraitId),
}

pub use crate::ty::TraitId;

/// `trait Name { fn required(self: &Self) -> T; fn provided(self: &Self) { ... } }`.
pub struct TraitDef<'a> {
    pub name: String,
    pub module: ModIdx,
    pub scope: ScopeId,
    pub decl: &'a ast::TraitDecl,
}

impl<'a> TraitDef<'a> {
    /// The trait's methods: their declarations (with a body when provided).
    pub fn methods(&self) -> impl Iterator<Item = &'a ast::FnDecl> {
        self.decl.items.iter().filter_map(|i| match &i.kind {
            ast::ItemKind::Fn(f) => Some(f),
            _ => None,
        })
    }
}

pub struct ModInfo {
    pub name: String,
    pub file: FileId,
    pub path: String,
    pub hot_reload: bool,
    pub root: ScopeId,
    pub span: Span,
}

pub struct Scope {
    pub module: ModIdx,
    pub parent: Option<ScopeId>,
    pub names: HashMap<String, Def>,
    /// Prefix of qualified item names (`""` at the top of a module, `"Inner."` inside).
    pub prefix: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamMode {
    Value,
    Ref,
    RefMut,
}

#[derive(Clone, Debug)]
pub struct ParamSig {
    pub name: String,
    pub ty: Ty,
    pub mode: ParamMode,
    pub mutable: bool,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct FnSig {
    pub params: Vec<ParamSig>,
    pub ret: Ty,
}

impl FnSig {
    /// The signature of a generic function's instance: `args` in place of its type
    /// parameters.
    pub fn subst(&self, args: &[Ty]) -> FnSig {
        FnSig {
            params: self
                .params
                .iter()
                .map(|p| ParamSig {
                    ty: p.ty.subst(args),
                    ..p.clone()
                })
                .collect(),
            ret: self.ret.subst(args),
        }
    }
}

pub struct FnDef<'a> {
    /// Stands for a required trait method an impl forgot (already reported): callable
    /// when checking other code, so that one mistake gives one error; never lowered.
    pub placeholder: bool,
    /// Qualified within its module: `f`, `Point.new`, `Inner.f`.
    pub name: String,
    pub module: ModIdx,
    pub scope: ScopeId,
    pub decl: &'a ast::FnDecl,
    pub sig: FnSig,
    /// The type of `Self` for methods.
    pub self_adt: Option<AdtId>,
    /// True if the first parameter is `self`.
    pub has_self: bool,
    pub hot_reload: bool,
    pub span: Span,
    /// Type parameters (`fn largest[T: Ord]`); empty for ordinary functions.
    pub generics: Vec<GenericDef>,
    /// For an instance of a generic function: the function and its type arguments.
    pub instance: Option<(FnId, Vec<Ty>)>,
}

impl FnDef<'_> {
    /// A generic function itself (not one of its instances): checked, never lowered.
    pub fn is_generic(&self) -> bool {
        !self.generics.is_empty() && self.instance.is_none()
    }
}

#[derive(Clone, Debug)]
pub struct FieldDef {
    pub name: String,
    pub ty: Ty,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct VariantDef {
    pub name: String,
    pub fields: Vec<FieldDef>,
    pub is_tuple: bool,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum AdtKind {
    Struct(Vec<FieldDef>),
    Enum(Vec<VariantDef>),
}

pub struct AdtDef {
    /// Name as written (`GameState`), qualified for inline modules (`Inner.GameState`).
    pub name: String,
    pub module: ModIdx,
    pub kind: AdtKind,
    pub methods: HashMap<String, FnId>,
    pub span: Span,
    pub shared: bool,
    pub abi_stable: Option<u32>,
    /// Type parameters (`struct Pair[A, B]`); field types name them as `Ty::Param`.
    pub generics: Vec<GenericDef>,
    /// The traits implemented for the type (`impl Trait for Type`).
    pub traits: Vec<TraitId>,
}

impl AdtDef {
    pub fn fields(&self) -> &[FieldDef] {
        match &self.kind {
            AdtKind::Struct(f) => f,
            AdtKind::Enum(_) => &[],
        }
    }

    pub fn variants(&self) -> &[VariantDef] {
        match &self.kind {
            AdtKind::Enum(v) => v,
            AdtKind::Struct(_) => &[],
        }
    }
}

pub struct GlobalDef<'a> {
    pub name: String,
    pub module: ModIdx,
    pub scope: ScopeId,
    pub ty: Ty,
    pub decl: &'a ast::GlobalDecl,
    pub is_static: bool,
    pub mutable: bool,
    /// `@shared`: lives outside every version of the module (a `static mut` of plain
    /// data; see `check_shared_statics`).
    pub shared: bool,
}

pub struct ConstDef<'a> {
    pub name: String,
    pub module: ModIdx,
    pub scope: ScopeId,
    pub ty: Ty,
    pub decl: &'a ast::GlobalDecl,
}

/// Everything the checker knows about the program's items.
#[derive(Default)]
pub struct Env<'a> {
    pub modules: Vec<ModInfo>,
    pub scopes: Vec<Scope>,
    pub adts: Vec<AdtDef>,
    pub fns: Vec<FnDef<'a>>,
    pub globals: Vec<GlobalDef<'a>>,
    pub consts: Vec<ConstDef<'a>>,
    pub traits: Vec<TraitDef<'a>>,
    pub diags: Vec<Diagnostic>,
    /// The prelude module, when the program was checked with one.
    pub prelude: Option<ModIdx>,
    /// The next closure's id: closures are numbered while bodies are checked, when
    /// the environment is shared.
    pub next_closure: std::cell::Cell<u32>,
    /// Every closure, once the body it is written in is checked.
    pub closures: HashMap<crate::ty::ClosureId, ClosureDef>,
}

/// Where an `impl` block is: its module, whether all its methods hot-reload, and the
/// impl's type parameters.
#[derive(Clone, Copy)]
struct ImplSite<'g> {
    module: ModIdx,
    hot_all: bool,
    generics: &'g [GenericDef],
}

/// A checked closure: where its code lives and what it takes.
#[derive(Clone, Debug)]
pub struct ClosureDef {
    pub module: ModIdx,
    /// `enclosing_fn.closure#N` (N counts the closures of that body from 1).
    pub name: String,
    pub sig: crate::generics::CallSig,
    /// Types of the captured values, in order (the closure value's layout).
    pub captures: Vec<Ty>,
    /// The body it is written in and its index among that body's closures.
    pub owner: FnId,
    pub index: usize,
}

/// Items waiting for their types to be resolved (after every name is declared).
enum Pending<'a> {
    Adt(AdtId, ScopeId, &'a ast::Item),
    Fn(FnId, &'a ast::FnDecl),
    Impl(ScopeId, &'a ast::ImplDecl, bool),
    Global(GlobalId, &'a ast::GlobalDecl),
    Const(ConstId, &'a ast::GlobalDecl),
    Import(ScopeId, &'a [ast::Ident], Span),
}

pub fn has_attr(attrs: &[ast::Attribute], name: &str) -> bool {
    attrs.iter().any(|a| a.name.name == name)
}

/// The items of a module file: the inner items when the file is one `module X { }`
/// block (the seed's form), else the file's items.
pub fn module_items(file: &ast::File) -> (&[ast::Item], bool) {
    let real: Vec<&ast::Item> = file
        .items
        .iter()
        .filter(|i| !matches!(i.kind, ast::ItemKind::Error))
        .collect();
    if let [only] = real.as_slice() {
        if let ast::ItemKind::Module(m) = &only.kind {
            return (&m.items, has_attr(&only.attrs, "hot_reload"));
        }
    }
    (&file.items, false)
}

fn items_hot_reload(items: &[ast::Item]) -> bool {
    items.iter().any(|i| {
        has_attr(&i.attrs, "hot_reload")
            && matches!(i.kind, ast::ItemKind::Fn(_) | ast::ItemKind::Module(_))
    })
}

impl<'a> Env<'a> {
    /// Declares and resolves every item of every module.
    pub fn collect(modules: &'a [SourceModule<'a>]) -> Env<'a> {
        let mut env = Env::default();
        let mut pending = Vec::new();
        for (i, m) in modules.iter().enumerate() {
            let (items, whole_hot) = module_items(m.ast);
            let scope = env.new_scope(ModIdx(i as u32), None, String::new());
            let span = m
                .ast
                .items
                .first()
                .map_or(Span::new(m.file, 0, 0), |it| it.span);
            env.modules.push(ModInfo {
                name: m.name.clone(),
                file: m.file,
                path: m.path.clone(),
                hot_reload: whole_hot || items_hot_reload(items),
                root: scope,
                span,
            });
            env.declare_items(scope, items, &mut pending);
        }
        env.prelude = modules
            .iter()
            .position(|m| m.path == PRELUDE_PATH)
            .map(|i| ModIdx(i as u32));
        env.resolve_pending(pending, modules);
        env
    }

    fn new_scope(&mut self, module: ModIdx, parent: Option<ScopeId>, prefix: String) -> ScopeId {
        self.scopes.push(Scope {
            module,
            parent,
            names: HashMap::new(),
            prefix,
        });
        ScopeId(self.scopes.len() as u32 - 1)
    }

    fn define(&mut self, scope: ScopeId, name: &ast::Ident, def: Def) {
        let names = &mut self.scopes[scope.0 as usize].names;
        if names.contains_key(&name.name) {
            self.diags.push(
                Diagnostic::error(
                    errors::DUPLICATE_DEFINITION,
                    format!("the name `{}` is defined more than once", name.name),
                    name.span,
                )
                .with_label(format!("`{}` redefined here", name.name))
                .with_help("rename one of the definitions"),
            );
            return;
        }
        names.insert(name.name.clone(), def);
    }

    fn declare_items(
        &mut self,
        scope: ScopeId,
        items: &'a [ast::Item],
        pending: &mut Vec<Pending<'a>>,
    ) {
        let module = self.scopes[scope.0 as usize].module;
        let prefix = self.scopes[scope.0 as usize].prefix.clone();
        for item in items {
            match &item.kind {
                ast::ItemKind::Fn(f) => {
                    let id = self.add_fn(
                        format!("{prefix}{}", f.name.name),
                        module,
                        scope,
                        f,
                        None,
                        has_attr(&item.attrs, "hot_reload"),
                        item.span,
                    );
                    self.define(scope, &f.name, Def::Fn(id));
                    pending.push(Pending::Fn(id, f));
                }
                ast::ItemKind::Struct(s) => {
                    let id = self.add_adt(
                        format!("{prefix}{}", s.name.name),
                        module,
                        AdtKind::Struct(Vec::new()),
                        item,
                    );
                    self.define(scope, &s.name, Def::Adt(id));
                    pending.push(Pending::Adt(id, scope, item));
                }
                ast::ItemKind::Enum(e) => {
                    let id = self.add_adt(
                        format!("{prefix}{}", e.name.name),
                        module,
                        AdtKind::Enum(Vec::new()),
                        item,
                    );
                    self.define(scope, &e.name, Def::Adt(id));
                    pending.push(Pending::Adt(id, scope, item));
                }
                ast::ItemKind::Impl(imp) => pending.push(Pending::Impl(
                    scope,
                    imp,
                    has_attr(&item.attrs, "hot_reload"),
                )),
                ast::ItemKind::Module(m) => {
                    let inner =
                        self.new_scope(module, Some(scope), format!("{prefix}{}.", m.name.name));
                    self.define(scope, &m.name, Def::Scope(inner));
                    self.declare_items(inner, &m.items, pending);
                }
                ast::ItemKind::Var(g) => {
                    let id = self.add_global(module, scope, g, false, true);
                    self.globals[id.0 as usize].shared = has_attr(&item.attrs, "shared");
                    self.define(scope, &g.name, Def::Global(id));
                    pending.push(Pending::Global(id, g));
                }
                ast::ItemKind::Static { decl, mutable } => {
                    let id = self.add_global(module, scope, decl, true, *mutable);
                    self.globals[id.0 as usize].shared = has_attr(&item.attrs, "shared");
                    self.define(scope, &decl.name, Def::Global(id));
                    pending.push(Pending::Global(id, decl));
                    if *mutable
                        && self.modules[module.0 as usize].hot_reload
                        && !has_attr(&item.attrs, "shared")
                    {
                        self.diags
                            .push(static_mut_in_hot_module(&decl.name, item.span));
                    }
                }
                ast::ItemKind::Const(g) => {
                    self.consts.push(ConstDef {
                        name: g.name.name.clone(),
                        module,
                        scope,
                        ty: Ty::Error,
                        decl: g,
                    });
                    let id = ConstId(self.consts.len() as u32 - 1);
                    self.define(scope, &g.name, Def::Const(id));
                    pending.push(Pending::Const(id, g));
                }
                ast::ItemKind::Import(path) => {
                    pending.push(Pending::Import(scope, path, item.span));
                }
                ast::ItemKind::Trait(t) => {
                    self.traits.push(TraitDef {
                        name: t.name.name.clone(),
                        module,
                        scope,
                        decl: t,
                    });
                    let id = TraitId(self.traits.len() as u32 - 1);
                    self.define(scope, &t.name, Def::Trait(id));
                    self.refuse_generic_trait_methods(t);
                }
                ast::ItemKind::Error => {}
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn add_fn(
        &mut self,
        name: String,
        module: ModIdx,
        scope: ScopeId,
        decl: &'a ast::FnDecl,
        self_adt: Option<AdtId>,
        hot_reload: bool,
        span: Span,
    ) -> FnId {
        let has_self = decl.params.first().is_some_and(|p| p.name.name == "self");
        self.fns.push(FnDef {
            placeholder: false,
            name,
            module,
            scope,
            decl,
            sig: FnSig {
                params: Vec::new(),
                ret: Ty::unit(),
            },
            self_adt,
            has_self,
            hot_reload,
            span,
            generics: Vec::new(),
            instance: None,
        });
        FnId(self.fns.len() as u32 - 1)
    }

    fn add_adt(&mut self, name: String, module: ModIdx, kind: AdtKind, item: &ast::Item) -> AdtId {
        let abi_stable = item
            .attrs
            .iter()
            .find(|a| a.name.name == "abi_stable")
            .and_then(|a| a.args.first())
            .and_then(|s| s.parse().ok());
        self.adts.push(AdtDef {
            name,
            module,
            kind,
            methods: HashMap::new(),
            span: item.span,
            shared: has_attr(&item.attrs, "shared"),
            abi_stable,
            traits: Vec::new(),
            generics: Vec::new(),
        });
        AdtId(self.adts.len() as u32 - 1)
    }

    fn add_global(
        &mut self,
        module: ModIdx,
        scope: ScopeId,
        g: &'a ast::GlobalDecl,
        is_static: bool,
        mutable: bool,
    ) -> GlobalId {
        self.globals.push(GlobalDef {
            name: g.name.name.clone(),
            module,
            scope,
            ty: Ty::Error,
            decl: g,
            is_static,
            mutable,
            shared: false,
        });
        GlobalId(self.globals.len() as u32 - 1)
    }

    fn resolve_pending(&mut self, pending: Vec<Pending<'a>>, modules: &'a [SourceModule<'a>]) {
        // Imports first: signatures may name imported types.
        for p in &pending {
            if let Pending::Import(scope, path, span) = p {
                self.resolve_import(*scope, path, *span, modules);
            }
        }
        // Type parameters of every struct and enum before any field: a field may name
        // another generic type with its arguments.
        for p in &pending {
            if let Pending::Adt(id, scope, item) = p {
                self.resolve_adt_generics(*id, *scope, item);
            }
        }
        let mut impls = Vec::new();
        for p in &pending {
            match p {
                Pending::Adt(id, scope, item) => self.resolve_adt(*id, *scope, item),
                Pending::Impl(scope, imp, hot) => impls.push((*scope, *imp, *hot)),
                _ => {}
            }
        }
        for (scope, imp, hot) in impls {
            self.declare_impl(scope, imp, hot);
        }
        for p in &pending {
            match p {
                Pending::Fn(id, decl) => self.resolve_fn(*id, decl),
                Pending::Global(id, g) => {
                    let scope = self.globals[id.0 as usize].scope;
                    if let Some(t) = &g.ty {
                        self.globals[id.0 as usize].ty = self.resolve_item_ty(scope, t);
                    } else if g.init.is_none() {
                        self.diags.push(
                            Diagnostic::error(
                                errors::GLOBAL_WITHOUT_TYPE,
                                format!("`{}` needs a type or an initializer", g.name.name),
                                g.name.span,
                            )
                            .with_help(format!("write `var {}: T = value`", g.name.name)),
                        );
                    }
                }
                Pending::Const(id, g) => {
                    let scope = self.consts[id.0 as usize].scope;
                    if let Some(t) = &g.ty {
                        self.consts[id.0 as usize].ty = self.resolve_item_ty(scope, t);
                    }
                }
                _ => {}
            }
        }
        self.check_recursive_adts();
    }

    fn resolve_import(
        &mut self,
        scope: ScopeId,
        path: &[ast::Ident],
        span: Span,
        modules: &[SourceModule<'_>],
    ) {
        let full: Vec<&str> = path.iter().map(|i| i.name.as_str()).collect();
        let full = full.join(".");
        let Some(idx) = modules.iter().position(|m| m.name == full) else {
            let known: Vec<&str> = modules.iter().map(|m| m.name.as_str()).collect();
            let mut d = Diagnostic::error(
                errors::UNKNOWN_MODULE,
                format!("cannot find module `{full}`"),
                span,
            )
            .with_label("no such module in this project");
            if let Some(best) = crate::suggest::closest(&full, known.iter().copied()) {
                d = d.with_help(format!("did you mean `{best}`?"));
            } else {
                d = d.with_help("a module is a `.dast` file under `src/`; `src/a/b.dast` is `a.b`");
            }
            self.diags.push(d);
            return;
        };
        if let Some(last) = path.last() {
            self.define(scope, last, Def::Module(ModIdx(idx as u32)));
        }
        if path.len() > 1 {
            // `import util.strings` also makes `util.strings.f` work: register the first
            // segment as a chain only if not taken.
            let first = &path[0];
            let names = &self.scopes[scope.0 as usize].names;
            if !names.contains_key(&first.name) {
                let module = self.scopes[scope.0 as usize].module;
                let mut parent = self.new_scope(module, None, String::new());
                self.define(scope, first, Def::Scope(parent));
                for seg in &path[1..path.len() - 1] {
                    let next = self.new_scope(module, None, String::new());
                    self.define(parent, seg, Def::Scope(next));
                    parent = next;
                }
                self.define(
                    parent,
                    path.last().unwrap(),
                    Def::Module(ModIdx(idx as u32)),
                );
            }
        }
    }

    fn resolve_adt_generics(&mut self, id: AdtId, scope: ScopeId, item: &ast::Item) {
        let params = match &item.kind {
            ast::ItemKind::Struct(s) => &s.generics,
            ast::ItemKind::Enum(e) => &e.generics,
            _ => return,
        };
        for p in params.iter().filter(|p| !p.bounds.is_empty()) {
            self.diags.push(
                Diagnostic::error(
                    errors::BAD_TYPE_PARAMS,
                    format!("bounds on the type parameters of a struct or enum are not supported (`{}`)", p.name.name),
                    p.span,
                )
                .with_label("bound here")
                .with_help(format!(
                    "write `{}` alone here, and the bound on the `impl` or functions that need it: `impl[{}: ...] Name[{}]`",
                    p.name.name, p.name.name, p.name.name
                )),
            );
        }
        let mut diags = Vec::new();
        let generics = crate::generics::resolve_generics(self, scope, params, &mut diags);
        self.diags.extend(diags);
        self.adts[id.0 as usize].generics = generics;
    }

    /// The names a generic struct's or enum's fields see: its parameters, and `Self` as
    /// the type with them as arguments.
    fn adt_param_scope(&self, id: AdtId) -> Vec<(String, Ty)> {
        let mut names = crate::generics::param_scope(&self.adts[id.0 as usize].generics);
        if !names.is_empty() {
            let args = names.iter().map(|(_, t)| t.clone()).collect();
            names.push(("Self".to_string(), Ty::Adt(id, args)));
        }
        names
    }

    fn resolve_adt(&mut self, id: AdtId, scope: ScopeId, item: &ast::Item) {
        let names = self.adt_param_scope(id);
        let cx = TyScope {
            self_adt: Some(id),
            params: &names,
        };
        let kind = match &item.kind {
            ast::ItemKind::Struct(s) => AdtKind::Struct(self.resolve_fields(scope, &s.fields, cx)),
            ast::ItemKind::Enum(e) => {
                let mut variants: Vec<VariantDef> = Vec::new();
                for v in &e.variants {
                    if variants.iter().any(|x| x.name == v.name.name) {
                        self.diags.push(
                            Diagnostic::error(
                                errors::DUPLICATE_DEFINITION,
                                format!("the variant `{}` is defined more than once", v.name.name),
                                v.name.span,
                            )
                            .with_label("redefined here"),
                        );
                        continue;
                    }
                    let (fields, is_tuple) = match &v.kind {
                        ast::VariantKind::Unit => (Vec::new(), false),
                        ast::VariantKind::Tuple(tys) => (
                            tys.iter()
                                .enumerate()
                                .map(|(i, t)| FieldDef {
                                    name: i.to_string(),
                                    ty: self.resolve_ty_in(scope, t, cx),
                                    span: t.span,
                                })
                                .collect(),
                            true,
                        ),
                        ast::VariantKind::Struct(fs) => (self.resolve_fields(scope, fs, cx), false),
                    };
                    variants.push(VariantDef {
                        name: v.name.name.clone(),
                        fields,
                        is_tuple,
                        span: v.span,
                    });
                }
                AdtKind::Enum(variants)
            }
            _ => return,
        };
        self.adts[id.0 as usize].kind = kind;
    }

    fn resolve_fields(
        &mut self,
        scope: ScopeId,
        fields: &[ast::FieldDecl],
        cx: TyScope,
    ) -> Vec<FieldDef> {
        let mut out: Vec<FieldDef> = Vec::new();
        for f in fields {
            if out.iter().any(|x| x.name == f.name.name) {
                self.diags.push(
                    Diagnostic::error(
                        errors::DUPLICATE_DEFINITION,
                        format!("field `{}` is already declared", f.name.name),
                        f.name.span,
                    )
                    .with_label("field already declared"),
                );
                continue;
            }
            out.push(FieldDef {
                name: f.name.name.clone(),
                ty: self.resolve_ty_in(scope, &f.ty, cx),
                span: f.span,
            });
        }
        out
    }

    fn declare_impl(&mut self, scope: ScopeId, imp: &'a ast::ImplDecl, hot_all: bool) {
        let tr = match &imp.trait_name {
            Some(name) => match self.lookup(scope, &name.name) {
                Some(Def::Trait(t)) => Some((t, name)),
                _ => {
                    self.diags.push(unknown_trait(name));
                    return;
                }
            },
            None => None,
        };
        let mut diags = Vec::new();
        let impl_generics =
            crate::generics::resolve_generics(self, scope, &imp.generics, &mut diags);
        self.diags.extend(diags);
        let impl_names = crate::generics::param_scope(&impl_generics);
        let self_ty = self.resolve_ty_in(
            scope,
            &imp.self_ty,
            TyScope {
                self_adt: None,
                params: &impl_names,
            },
        );
        let Ty::Adt(adt, self_args) = self_ty else {
            if !self_ty.is_error() {
                self.diags.push(
                    Diagnostic::error(
                        errors::IMPL_OF_FOREIGN_TYPE,
                        "`impl` blocks are only allowed for structs and enums of this program",
                        imp.self_ty.span,
                    )
                    .with_label("not a struct or enum declared here"),
                );
            }
            return;
        };
        if !self.impl_covers_params(adt, &self_args, &impl_generics, &imp.self_ty) {
            return;
        }
        let module = self.scopes[scope.0 as usize].module;
        let type_name = self.adts[adt.0 as usize].name.clone();
        if let Some((t, name)) = tr {
            if self.adts[adt.0 as usize].traits.contains(&t) {
                self.diags.push(
                    Diagnostic::error(
                        errors::DUPLICATE_IMPL,
                        format!("`{}` is implemented twice for `{type_name}`", name.name),
                        name.span,
                    )
                    .with_label("second implementation")
                    .with_help("keep one `impl` block per trait and type"),
                );
                return;
            }
            self.adts[adt.0 as usize].traits.push(t);
        }
        for item in &imp.items {
            let ast::ItemKind::Fn(f) = &item.kind else {
                continue;
            };
            let id = self.add_fn(
                format!("{type_name}.{}", f.name.name),
                module,
                scope,
                f,
                Some(adt),
                hot_all || has_attr(&item.attrs, "hot_reload"),
                item.span,
            );
            self.resolve_method(id, f, &impl_generics);
            let methods = &mut self.adts[adt.0 as usize].methods;
            if methods.insert(f.name.name.clone(), id).is_some() {
                self.diags.push(
                    Diagnostic::error(
                        errors::DUPLICATE_DEFINITION,
                        format!(
                            "method `{}` is defined more than once for `{type_name}`",
                            f.name.name
                        ),
                        f.name.span,
                    )
                    .with_label("redefined here"),
                );
            }
        }
        if let Some((t, name)) = tr {
            let site = ImplSite {
                module,
                hot_all,
                generics: &impl_generics,
            };
            self.check_trait_impl(t, name, adt, imp, site);
        }
    }

    /// Checks an `impl Trait for Type` against the trait, and gives the type the
    /// trait's provided methods it does not write itself (each a method of the type,
    /// compiled with `Self` = the type: static dispatch).
    fn check_trait_impl(
        &mut self,
        t: TraitId,
        name: &ast::Ident,
        adt: AdtId,
        imp: &'a ast::ImplDecl,
        site: ImplSite,
    ) {
        let ImplSite {
            module,
            hot_all,
            generics: impl_generics,
        } = site;
        let tdef = &self.traits[t.0 as usize];
        let (trait_name, tscope) = (tdef.name.clone(), tdef.scope);
        let required: Vec<&'a ast::FnDecl> = tdef.methods().collect();
        let type_name = self.adts[adt.0 as usize].name.clone();
        let written: Vec<&'a ast::FnDecl> = imp
            .items
            .iter()
            .filter_map(|i| match &i.kind {
                ast::ItemKind::Fn(f) => Some(f),
                _ => None,
            })
            .collect();
        for f in &written {
            let Some(decl) = required.iter().find(|m| m.name.name == f.name.name) else {
                let names: Vec<String> = required
                    .iter()
                    .map(|m| format!("`{}`", m.name.name))
                    .collect();
                self.diags.push(
                    Diagnostic::error(
                        errors::NOT_A_TRAIT_METHOD,
                        format!("method `{}` is not a member of trait `{trait_name}`", f.name.name),
                        f.name.span,
                    )
                    .with_label(format!("not declared in `{trait_name}`"))
                    .with_help(format!(
                        "`{trait_name}` declares {}; move other methods to a plain `impl {type_name} {{ }}` block",
                        if names.is_empty() { "no methods".to_string() } else { names.join(", ") }
                    )),
                );
                continue;
            };
            let expected = self.trait_method_sig(tscope, decl, adt, impl_generics);
            let id = self.adts[adt.0 as usize].methods[&f.name.name];
            let found = &self.fns[id.0 as usize].sig;
            if !same_sig(&expected, found) {
                let show = |sig: &FnSig| self.show_sig(sig, adt);
                let (want, got) = (show(&expected), show(found));
                self.diags.push(
                    Diagnostic::error(
                        errors::TRAIT_METHOD_SIGNATURE,
                        format!(
                            "method `{}` does not match its declaration in trait `{trait_name}`",
                            f.name.name
                        ),
                        f.name.span,
                    )
                    .with_label(format!("expected `{want}`, found `{got}`"))
                    .with_secondary(decl.name.span, "declared here")
                    .with_help(format!("write `fn {}{want}`", f.name.name)),
                );
            }
        }
        let mut missing = Vec::new();
        for decl in required {
            if written.iter().any(|f| f.name.name == decl.name.name) {
                continue;
            }
            // A provided method is the trait's body with `Self` = this type; a missing
            // required one a placeholder (reported below).
            let id = self.add_fn(
                format!("{type_name}.{}", decl.name.name),
                module,
                tscope,
                decl,
                Some(adt),
                hot_all,
                decl.name.span,
            );
            let sig = self.trait_method_sig(tscope, decl, adt, impl_generics);
            self.fns[id.0 as usize].sig = sig;
            self.fns[id.0 as usize].generics = impl_generics.to_vec();
            if decl.body.is_none() {
                self.fns[id.0 as usize].placeholder = true;
                missing.push(decl);
            }
            self.adts[adt.0 as usize]
                .methods
                .entry(decl.name.name.clone())
                .or_insert(id);
        }
        if !missing.is_empty() {
            let names: Vec<String> = missing
                .iter()
                .map(|m| format!("`{}`", m.name.name))
                .collect();
            let first = missing[0];
            let sig = self.trait_method_sig(tscope, first, adt, impl_generics);
            let shown = self.show_sig(&sig, adt);
            let mut d = Diagnostic::error(
                errors::MISSING_TRAIT_METHODS,
                format!(
                    "not all methods of trait `{trait_name}` are implemented for `{type_name}`: missing {}",
                    names.join(", ")
                ),
                name.span,
            )
            .with_label(format!("missing {}", names.join(", ")))
            .with_help(format!("add `fn {}{shown} {{ ... }}`", first.name.name));
            for m in &missing {
                d = d.with_secondary(m.name.span, format!("`{}` declared here", m.name.name));
            }
            self.diags.push(d);
        }
    }

    /// A trait method's signature in an impl for `adt`: `Self` is the type, with the
    /// impl's parameters when it is generic.
    fn trait_method_sig(
        &mut self,
        tscope: ScopeId,
        decl: &ast::FnDecl,
        adt: AdtId,
        impl_generics: &[GenericDef],
    ) -> FnSig {
        if impl_generics.is_empty() {
            return self.resolve_sig(tscope, decl, Some(adt));
        }
        let mut names = crate::generics::param_scope(impl_generics);
        let args = names.iter().map(|(_, t)| t.clone()).collect();
        names.push(("Self".to_string(), Ty::Adt(adt, args)));
        self.resolve_sig_in(
            tscope,
            decl,
            TyScope {
                self_adt: Some(adt),
                params: &names,
            },
        )
    }

    /// `(self: &Self, n: i32) -> String`, as written in messages (`this` shown as
    /// `Self`).
    pub(crate) fn show_sig(&self, sig: &FnSig, this: AdtId) -> String {
        let infer = crate::ty::Infer::default();
        let name = SelfNames { env: self, this };
        let params: Vec<String> = sig
            .params
            .iter()
            .map(|p| {
                let ty = crate::ty::display_ty(&p.ty, &infer, &name);
                let mode = match p.mode {
                    ParamMode::Value => "",
                    ParamMode::Ref => "&",
                    ParamMode::RefMut => "&mut ",
                };
                format!("{}: {mode}{ty}", p.name)
            })
            .collect();
        let ret = if sig.ret.is_unit() {
            String::new()
        } else {
            format!(" -> {}", crate::ty::display_ty(&sig.ret, &infer, &name))
        };
        format!("({}){ret}", params.join(", "))
    }

    /// A trait object calls a method through one address per type, so a trait's
    /// methods cannot have type parameters (which need one copy per type argument).
    fn refuse_generic_trait_methods(&mut self, t: &ast::TraitDecl) {
        for item in &t.items {
            let ast::ItemKind::Fn(f) = &item.kind else {
                continue;
            };
            if let Some(first) = f.generics.first() {
                self.diags.push(
                    Diagnostic::error(
                        errors::BAD_TYPE_PARAMS,
                        format!("trait method `{}` cannot have type parameters", f.name.name),
                        first.span,
                    )
                    .with_label("type parameter of a trait method")
                    .with_help("make the method take a concrete type, or move it to a generic function outside the trait"),
                );
            }
        }
    }

    /// An `impl` of a generic type names it with exactly the impl's own parameters, in
    /// order (`impl[T] Stack[T]`): its methods are generic over all of them.
    fn impl_covers_params(
        &mut self,
        adt: AdtId,
        args: &[Ty],
        impl_generics: &[GenericDef],
        written: &ast::Type,
    ) -> bool {
        let adt_def = &self.adts[adt.0 as usize];
        let exact = args.len() == impl_generics.len()
            && args
                .iter()
                .enumerate()
                .all(|(i, t)| matches!(t, Ty::Param(p) if p.index as usize == i));
        if exact || args.iter().any(Ty::is_error) {
            return exact;
        }
        let name = adt_def.name.clone();
        let params: Vec<&str> = adt_def.generics.iter().map(|g| g.name.as_str()).collect();
        let shape = format!("impl[{0}] {name}[{0}]", params.join(", "));
        self.diags.push(
            Diagnostic::error(
                errors::BAD_TYPE_PARAMS,
                format!("an `impl` of generic `{name}` must cover all its type parameters"),
                written.span,
            )
            .with_label("not the impl's own parameters, in order")
            .with_help(format!(
                "write `{shape}`; an impl for one argument (`impl {name}[i64]`) is not supported"
            )),
        );
        false
    }

    /// A method of an `impl[T..] Type[T..]`: generic over the impl's parameters, then
    /// its own; `Self` is the type with the impl's parameters.
    fn resolve_method(&mut self, id: FnId, decl: &ast::FnDecl, impl_generics: &[GenericDef]) {
        let f = &self.fns[id.0 as usize];
        let (scope, self_adt) = (f.scope, f.self_adt);
        let mut diags = Vec::new();
        let own = crate::generics::resolve_generics(self, scope, &decl.generics, &mut diags);
        self.diags.extend(diags);
        let mut generics = impl_generics.to_vec();
        generics.extend(own);
        let mut names = crate::generics::param_scope(&generics);
        if let (Some(a), false) = (self_adt, impl_generics.is_empty()) {
            let args = names[..impl_generics.len()]
                .iter()
                .map(|(_, t)| t.clone())
                .collect();
            names.push(("Self".to_string(), Ty::Adt(a, args)));
        }
        let sig = self.resolve_sig_in(
            scope,
            decl,
            TyScope {
                self_adt,
                params: &names,
            },
        );
        let f = &mut self.fns[id.0 as usize];
        f.generics = generics;
        f.sig = sig;
    }

    /// Resolves a function's type parameters, then its signature with them in scope.
    fn resolve_fn(&mut self, id: FnId, decl: &ast::FnDecl) {
        self.resolve_method(id, decl, &[]);
    }

    fn resolve_sig(
        &mut self,
        scope: ScopeId,
        decl: &ast::FnDecl,
        self_adt: Option<AdtId>,
    ) -> FnSig {
        self.resolve_sig_in(scope, decl, TyScope::of_self(self_adt))
    }

    fn resolve_sig_in(&mut self, scope: ScopeId, decl: &ast::FnDecl, self_adt: TyScope) -> FnSig {
        let params = decl
            .params
            .iter()
            .map(|p| {
                let (ty, mode) = self.resolve_param_ty(scope, &p.ty, self_adt);
                ParamSig {
                    name: p.name.name.clone(),
                    ty,
                    mode,
                    mutable: p.mutable,
                    span: p.span,
                }
            })
            .collect();
        let ret = decl
            .ret
            .as_ref()
            .map_or(Ty::unit(), |t| self.resolve_ty_in(scope, t, self_adt));
        FnSig { params, ret }
    }

    fn resolve_param_ty(
        &mut self,
        scope: ScopeId,
        ty: &ast::Type,
        self_adt: TyScope,
    ) -> (Ty, ParamMode) {
        let resolve = |env: &mut Self, t: &ast::Type| env.resolve_ty_in(scope, t, self_adt);
        match &ty.kind {
            ast::TypeKind::Ref { mutable, inner } => (
                resolve(self, inner),
                if *mutable {
                    ParamMode::RefMut
                } else {
                    ParamMode::Ref
                },
            ),
            ast::TypeKind::Slice { mutable, elem } => (
                Ty::Vec(Box::new(resolve(self, elem))),
                if *mutable {
                    ParamMode::RefMut
                } else {
                    ParamMode::Ref
                },
            ),
            _ => (resolve(self, ty), ParamMode::Value),
        }
    }

    /// Looks a name up in `scope` and its parents.
    pub fn lookup(&self, scope: ScopeId, name: &str) -> Option<Def> {
        let mut s = Some(scope);
        while let Some(id) = s {
            let sc = &self.scopes[id.0 as usize];
            if let Some(d) = sc.names.get(name) {
                return Some(*d);
            }
            s = sc.parent;
        }
        // Last, the prelude (`Value`, `ModuleRegistry`, ...).
        let prelude = self.prelude?;
        let root = self.modules[prelude.0 as usize].root;
        self.scopes[root.0 as usize].names.get(name).copied()
    }

    /// The prelude type named `name` (`Value`, `ModuleRegistry`, ...).
    pub fn prelude_adt(&self, name: &str) -> Option<AdtId> {
        let root = self.modules[self.prelude?.0 as usize].root;
        match self.scopes[root.0 as usize].names.get(name) {
            Some(Def::Adt(a)) => Some(*a),
            _ => None,
        }
    }

    /// A trait of the prelude (`Display`).
    pub fn prelude_trait(&self, name: &str) -> Option<TraitId> {
        let root = self.modules[self.prelude?.0 as usize].root;
        match self.scopes[root.0 as usize].names.get(name) {
            Some(Def::Trait(t)) => Some(*t),
            _ => None,
        }
    }

    /// The `fmt` method of `adt`'s `impl Display`, if it has one: what `{}` calls.
    pub fn display_fmt(&self, adt: AdtId) -> Option<FnId> {
        let display = self.prelude_trait("Display")?;
        let def = self.adt(adt);
        def.traits
            .contains(&display)
            .then(|| def.methods.get("fmt").copied())?
    }

    /// Looks a name up among the items visible from outside a module or namespace.
    pub fn lookup_in(&self, def: Def, name: &str) -> Option<Def> {
        let scope = match def {
            Def::Scope(s) => s,
            Def::Module(m) => self.modules[m.0 as usize].root,
            _ => return None,
        };
        self.scopes[scope.0 as usize].names.get(name).copied()
    }

    /// All names visible from a scope (for "did you mean" suggestions).
    pub fn visible_names(&self, scope: ScopeId) -> Vec<String> {
        let mut out = Vec::new();
        let mut s = Some(scope);
        while let Some(id) = s {
            out.extend(self.scopes[id.0 as usize].names.keys().cloned());
            s = self.scopes[id.0 as usize].parent;
        }
        out
    }

    /// The type of a `const`, `static` or `var`. Rust programs write string constants as
    /// `const NAME: &str = "..."`; a Dast string literal is a `String`, so a shared `&str`
    /// here is read as `String` (any other reference is still rejected).
    fn resolve_item_ty(&mut self, scope: ScopeId, ty: &ast::Type) -> Ty {
        if let ast::TypeKind::Ref {
            mutable: false,
            inner,
        } = &ty.kind
        {
            if matches!(&inner.kind, ast::TypeKind::Path { segments, args }
                if args.is_empty() && segments.len() == 1 && segments[0].name == "str")
            {
                return Ty::Str;
            }
        }
        self.resolve_ty(scope, ty, None)
    }

    pub fn resolve_ty(&mut self, scope: ScopeId, ty: &ast::Type, self_adt: Option<AdtId>) -> Ty {
        self.resolve_ty_in(scope, ty, TyScope::of_self(self_adt))
    }

    fn resolve_ty_in(&mut self, scope: ScopeId, ty: &ast::Type, cx: TyScope) -> Ty {
        let mut diags = Vec::new();
        let t = crate::resolve::resolve_ty_in(self, scope, ty, cx, &mut diags);
        self.diags.extend(diags);
        t
    }

    /// Structs may not contain themselves by value (their layout would be infinite).
    fn check_recursive_adts(&mut self) {
        for i in 0..self.adts.len() {
            let id = AdtId(i as u32);
            if !self.adt_contains(id, id, &mut Vec::new()) {
                continue;
            }
            // The fields that lead back to the type itself.
            let recursive: Vec<usize> = all_fields(&self.adts[i].kind)
                .iter()
                .enumerate()
                .filter(|(_, f)| self.ty_contains(id, &f.ty, &mut Vec::new()))
                .map(|(k, _)| k)
                .collect();
            let adt = &mut self.adts[i];
            let name = adt.name.clone();
            let at = match recursive.first() {
                Some(k) => all_fields(&adt.kind)[*k].span,
                None => adt.span,
            };
            // Break the cycle so later phases can compute layouts; the fields keep their
            // names (so their uses report nothing more) and take the error type.
            let mut fields = all_fields_mut(&mut adt.kind);
            for k in recursive {
                fields[k].ty = Ty::Error;
            }
            self.diags.push(
                Diagnostic::error(
                    errors::RECURSIVE_TYPE,
                    format!("recursive type `{name}` has infinite size"),
                    at,
                )
                .with_label(format!("`{name}` contains itself by value here"))
                .with_help("put the recursive part in a `Vec` (for example `children: Vec[Node]`)"),
            );
        }
    }

    fn adt_contains(&self, target: AdtId, current: AdtId, seen: &mut Vec<AdtId>) -> bool {
        if seen.contains(&current) {
            return false;
        }
        seen.push(current);
        let adt = &self.adts[current.0 as usize];
        let tys: Vec<&Ty> = match &adt.kind {
            AdtKind::Struct(fs) => fs.iter().map(|f| &f.ty).collect(),
            AdtKind::Enum(vs) => vs
                .iter()
                .flat_map(|v| v.fields.iter().map(|f| &f.ty))
                .collect(),
        };
        tys.into_iter().any(|t| self.ty_contains(target, t, seen))
    }

    fn ty_contains(&self, target: AdtId, ty: &Ty, seen: &mut Vec<AdtId>) -> bool {
        match ty {
            Ty::Adt(a, _) => *a == target || self.adt_contains(target, *a, seen),
            Ty::Tuple(ts) => ts.iter().any(|t| self.ty_contains(target, t, seen)),
            Ty::Option(t) => self.ty_contains(target, t, seen),
            Ty::Result(a, b) => {
                self.ty_contains(target, a, seen) || self.ty_contains(target, b, seen)
            }
            _ => false,
        }
    }

    /// Adds the instance of generic function `f` for `args`: the same declaration, its
    /// signature with the arguments in place of the parameters.
    pub fn add_instance(&mut self, f: FnId, args: Vec<Ty>, module: Option<ModIdx>) -> FnId {
        let def = &self.fns[f.0 as usize];
        let name = crate::generics::instance_name(self, &def.name, &args);
        let sig = def.sig.subst(&args);
        let instance = FnDef {
            placeholder: def.placeholder,
            name,
            module: module.unwrap_or(def.module),
            scope: def.scope,
            decl: def.decl,
            sig,
            self_adt: def.self_adt,
            has_self: def.has_self,
            hot_reload: def.hot_reload,
            span: def.span,
            generics: def.generics.clone(),
            instance: Some((f, args)),
        };
        self.fns.push(instance);
        FnId(self.fns.len() as u32 - 1)
    }

    pub fn adt(&self, id: AdtId) -> &AdtDef {
        &self.adts[id.0 as usize]
    }

    pub fn func(&self, id: FnId) -> &FnDef<'a> {
        &self.fns[id.0 as usize]
    }

    /// Whether `T.default()` exists: scalars, strings, collections, options, boxes, and
    /// structs or tuples made of those; enums whose first variant has no fields. Not
    /// trait objects (which type would it be?). `shallow` resolves inference variables.
    pub fn has_default(&self, t: &Ty, shallow: &dyn Fn(&Ty) -> Ty) -> bool {
        self.has_default_rec(t, shallow, &mut Vec::new())
    }

    fn has_default_rec(&self, t: &Ty, shallow: &dyn Fn(&Ty) -> Ty, seen: &mut Vec<AdtId>) -> bool {
        match shallow(t) {
            Ty::Tuple(ts) => ts.iter().all(|t| self.has_default_rec(t, shallow, seen)),
            Ty::Box(t) => self.has_default_rec(&t, shallow, seen),
            Ty::Adt(a, args) => {
                if seen.contains(&a) {
                    return false;
                }
                seen.push(a);
                let ok = match &self.adt(a).kind {
                    AdtKind::Struct(fs) => fs
                        .iter()
                        .all(|f| self.has_default_rec(&f.ty.subst(&args), shallow, seen)),
                    AdtKind::Enum(vs) => vs.first().is_some_and(|v| v.fields.is_empty()),
                };
                seen.pop();
                ok
            }
            Ty::Result(..) | Ty::Never | Ty::Dyn(_) | Ty::Param(_) => false,
            // Already reported (a field whose type was refused): no second error.
            Ty::Error => true,
            _ => true,
        }
    }
}

/// The fields of a struct, or of every variant of an enum, in declaration order.
fn all_fields(kind: &AdtKind) -> Vec<&FieldDef> {
    match kind {
        AdtKind::Struct(fs) => fs.iter().collect(),
        AdtKind::Enum(vs) => vs.iter().flat_map(|v| &v.fields).collect(),
    }
}

fn all_fields_mut(kind: &mut AdtKind) -> Vec<&mut FieldDef> {
    match kind {
        AdtKind::Struct(fs) => fs.iter_mut().collect(),
        AdtKind::Enum(vs) => vs.iter_mut().flat_map(|v| &mut v.fields).collect(),
    }
}

/// Same parameter types and passing modes, same return type (names may differ).
fn same_sig(a: &FnSig, b: &FnSig) -> bool {
    a.ret == b.ret
        && a.params.len() == b.params.len()
        && a.params
            .iter()
            .zip(&b.params)
            .all(|(x, y)| x.ty == y.ty && x.mode == y.mode)
}

/// A trait method's signature as trait objects see it (see `FnCx::dyn_method_sig`).
pub(crate) fn dyn_method_sig(env: &Env, tr: TraitId, decl: &ast::FnDecl) -> Option<FnSig> {
    let scope = env.traits[tr.0 as usize].scope;
    let first = decl.params.first()?;
    if first.name.name != "self" {
        return None;
    }
    let mut diags = Vec::new();
    let mut params = Vec::new();
    for p in &decl.params[1..] {
        let (inner, mode) = match &p.ty.kind {
            ast::TypeKind::Ref { mutable, inner } => (
                &**inner,
                if *mutable {
                    ParamMode::RefMut
                } else {
                    ParamMode::Ref
                },
            ),
            _ => (&p.ty, ParamMode::Value),
        };
        if mode == ParamMode::RefMut {
            return None;
        }
        params.push(ParamSig {
            name: p.name.name.clone(),
            ty: crate::resolve::resolve_ty(env, scope, inner, None, &mut diags),
            mode,
            mutable: p.mutable,
            span: p.span,
        });
    }
    let ret = match &decl.ret {
        Some(t) => crate::resolve::resolve_ty(env, scope, t, None, &mut diags),
        None => Ty::unit(),
    };
    diags.is_empty().then_some(FnSig { params, ret })
}

pub(crate) fn unknown_trait(name: &ast::Ident) -> Diagnostic {
    Diagnostic::error(
        errors::UNKNOWN_TRAIT,
        format!("cannot find trait `{}` in this scope", name.name),
        name.span,
    )
    .with_label("not a trait")
    .with_help(format!(
        "declare it with `trait {} {{ fn method(self: &Self) }}` in this module",
        name.name
    ))
}

fn static_mut_in_hot_module(name: &ast::Ident, span: Span) -> Diagnostic {
    Diagnostic::error(
        errors::STATIC_MUT_IN_HOT_MODULE,
        format!("`static mut {}` is not allowed in a hot-reloadable module", name.name),
        span,
    )
    .with_label("global `static mut` cannot survive a reload")
    .with_help(format!(
        "use `var {}: T = ...` (module state, migrated on reload) or a `@shared static mut` with an `@abi_stable` struct (memory shared by all versions)",
        name.name
    ))
}

impl crate::ty::TypeNames for Env<'_> {
    fn adt_name(&self, id: AdtId) -> String {
        self.adts[id.0 as usize].name.clone()
    }

    fn trait_name(&self, id: TraitId) -> String {
        self.traits[id.0 as usize].name.clone()
    }

    fn closure_name(&self, id: crate::ty::ClosureId) -> String {
        match self.closures.get(&id) {
            Some(c) => format!("{{{}}}", c.name),
            None => "{closure}".to_string(),
        }
    }
}

/// Names as a signature inside an impl shows them: the impl's own type is `Self`.
struct SelfNames<'e, 'a> {
    env: &'e Env<'a>,
    this: AdtId,
}

impl crate::ty::TypeNames for SelfNames<'_, '_> {
    fn adt_name(&self, id: AdtId) -> String {
        match id == self.this {
            true => "Self".to_string(),
            false => self.env.adt_name(id),
        }
    }

    fn trait_name(&self, id: TraitId) -> String {
        self.env.trait_name(id)
    }
}
