//! Lowering of checked bodies to register bytecode.
//!
//! Registers are allocated like a stack: locals and temporaries take the next free
//! registers and are released at the end of their statement or block (reference
//! registers are cleared on release, so heap values are freed as soon as their owner goes
//! away). A call's window is allocated last, at the top, because the callee's frame
//! starts there.

mod builtin;
mod dyn_objects;

use std::collections::HashMap;

use dast_base::{LineIndex, Span};
use dast_bytecode as bc;
use dast_bytecode::{Cvt, FBinary, FUnary, Inst, IntKind, Intrinsic, Layout, R, S};

use crate::env::{AdtKind, Env, FnId, GlobalId, ModIdx, ParamMode};
use crate::tir::{
    self, Arg, Builtin, Expr, ExprKind, LocalId, LocalInfo, Pat, PatKind, Place, PlaceRoot, Proj,
    Stmt,
};
use crate::ty::{FloatTy, IntTy, Ty};

/// Everything lowering needs from the checker.
pub struct Checked<'a> {
    pub env: Env<'a>,
    pub bodies: Vec<Option<tir::Body>>,
    pub global_inits: Vec<Option<tir::Body>>,
    pub const_bodies: Vec<Option<tir::Body>>,
    /// The functions behind trait objects, per impl.
    pub dyn_impls: Vec<crate::dyn_impls::DynImpl>,
    /// The instance of each generic function for its type arguments.
    pub instances: HashMap<(FnId, Vec<Ty>), FnId>,
}

impl Checked<'_> {
    /// The function a call runs: `func` itself, or its instance for `type_args`.
    pub fn callee(&self, func: FnId, type_args: &[Ty]) -> FnId {
        if type_args.is_empty() {
            return func;
        }
        self.instances[&(func, type_args.to_vec())]
    }
}

/// Where a value lives: its first scalar and first reference register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Loc {
    pub s: u16,
    pub r: u16,
}

impl Loc {
    fn plus(self, l: Layout) -> Loc {
        Loc {
            s: self.s + l.words as u16,
            r: self.r + l.refs as u16,
        }
    }
}

/// Builds one bytecode module.
pub struct ModuleBuilder<'c, 'a> {
    pub c: &'c Checked<'a>,
    pub module: ModIdx,
    pub out: bc::Module,
    type_ids: HashMap<Ty, bc::TypeId>,
    fn_ids: HashMap<FnId, bc::FuncId>,
    /// The functions of this module's closures.
    closure_fns: HashMap<crate::ty::ClosureId, bc::FuncId>,
    imports: HashMap<FnId, bc::ImportId>,
    global_slots: HashMap<GlobalId, (u32, u32)>,
    /// First shared slot of each `@shared static` (its words live outside the version).
    shared_slots: HashMap<GlobalId, u32>,
    strings: HashMap<String, u32>,
    scalars: HashMap<u64, u32>,
    /// This module's impls (of its types), numbered for `DynNew`.
    impl_ids: HashMap<(crate::ty::AdtId, crate::ty::TraitId), u32>,
    /// Entries of the dynamic-call table, by trait and method index.
    dyn_ids: HashMap<(crate::ty::TraitId, u32), u32>,
    /// Imports of synthesized functions (`$wrap`), by module and name.
    named_imports: HashMap<String, bc::ImportId>,
    lines: &'c LineIndex,
    text: &'c str,
}

impl<'c, 'a> ModuleBuilder<'c, 'a> {
    pub fn new(c: &'c Checked<'a>, module: ModIdx, lines: &'c LineIndex, text: &'c str) -> Self {
        let info = &c.env.modules[module.0 as usize];
        ModuleBuilder {
            c,
            module,
            out: bc::Module {
                name: info.name.clone(),
                source: info.path.clone(),
                hot_reload: info.hot_reload,
                ..Default::default()
            },
            type_ids: HashMap::new(),
            fn_ids: HashMap::new(),
            closure_fns: HashMap::new(),
            imports: HashMap::new(),
            global_slots: HashMap::new(),
            shared_slots: HashMap::new(),
            strings: HashMap::new(),
            scalars: HashMap::new(),
            impl_ids: HashMap::new(),
            dyn_ids: HashMap::new(),
            named_imports: HashMap::new(),
            lines,
            text,
        }
    }

    /// Lowers every function and the `var` initializers of the module.
    pub fn build(mut self) -> bc::Module {
        let env = &self.c.env;
        let mine: Vec<FnId> = (0..env.fns.len() as u32)
            .map(FnId)
            .filter(|f| env.func(*f).module == self.module && !env.func(*f).is_generic())
            .collect();
        for (i, f) in mine.iter().enumerate() {
            self.fn_ids.insert(*f, bc::FuncId(i as u32));
        }
        let mut closures: Vec<crate::ty::ClosureId> = env
            .closures
            .iter()
            .filter(|(_, c)| c.module == self.module)
            .map(|(id, _)| *id)
            .collect();
        closures.sort();
        for (k, id) in closures.iter().enumerate() {
            self.closure_fns
                .insert(*id, bc::FuncId((mine.len() + k) as u32));
        }
        self.layout_globals();
        self.plan_impls();
        for f in &mine {
            let func = self.lower_fn(*f);
            self.out.functions.push(func);
        }
        for id in &closures {
            let func = self.lower_closure(*id);
            self.out.functions.push(func);
        }
        self.lower_impls();
        self.lower_shared_inits();
        if !self.global_slots.is_empty() {
            let init = self.lower_init();
            self.out.init = Some(bc::FuncId(self.out.functions.len() as u32));
            self.out.functions.push(init);
        }
        self.out
    }

    fn layout_globals(&mut self) {
        let env = &self.c.env;
        let mut w = 0;
        let mut r = 0;
        let mut sh = 0;
        for (i, g) in env.globals.iter().enumerate() {
            if g.module != self.module {
                continue;
            }
            if g.shared {
                let ty = self.type_id(&g.ty);
                self.out.shared.push(bc::SharedStatic {
                    name: g.name.clone(),
                    ty,
                    abi: self.abi_of(&g.ty),
                    slot: sh,
                    // Set by `lower_shared_inits`.
                    init: bc::FuncId(u32::MAX),
                });
                self.shared_slots.insert(GlobalId(i as u32), sh);
                sh += self.layout(&g.ty).words;
                continue;
            }
            let ty = self.type_id(&g.ty);
            let l = self.layout(&g.ty);
            self.out.globals.push(bc::Global {
                name: g.name.clone(),
                ty,
                word_slot: w,
                ref_slot: r,
                is_static: g.is_static,
            });
            self.global_slots.insert(GlobalId(i as u32), (w, r));
            w += l.words;
            r += l.refs;
        }
        self.out.global_words = w;
        self.out.global_refs = r;
        self.out.shared_words = sh;
    }

    /// The `N` of a struct type's `@abi_stable(N)` (0 for other types).
    fn abi_of(&self, ty: &Ty) -> u32 {
        match ty {
            Ty::Adt(id, _) => self.c.env.adt(*id).abi_stable.unwrap_or(0),
            _ => 0,
        }
    }

    // ---------- types ----------

    pub fn type_id(&mut self, ty: &Ty) -> bc::TypeId {
        if let Some(id) = self.type_ids.get(ty) {
            return *id;
        }
        let id = bc::TypeId(self.out.types.len() as u32);
        self.out.types.push(bc::TypeDesc::Unit);
        self.type_ids.insert(ty.clone(), id);
        let desc = self.type_desc(ty);
        self.out.types[id.0 as usize] = desc;
        id
    }

    fn type_desc(&mut self, ty: &Ty) -> bc::TypeDesc {
        use bc::TypeDesc as D;
        match ty {
            Ty::Bool => D::Bool,
            Ty::Int(i) => match i {
                IntTy::I8 => D::I8,
                IntTy::I16 => D::I16,
                IntTy::I32 => D::I32,
                IntTy::I64 => D::I64,
                IntTy::Isize => D::Isize,
                IntTy::U8 => D::U8,
                IntTy::U16 => D::U16,
                IntTy::U32 => D::U32,
                IntTy::U64 => D::U64,
                IntTy::Usize => D::Usize,
            },
            Ty::Float(FloatTy::F32) => D::F32,
            Ty::Float(FloatTy::F64) => D::F64,
            Ty::Char => D::Char,
            Ty::Str => D::Str,
            Ty::Never => D::Never,
            Ty::Vec(t) => D::Vec(self.type_id(t)),
            Ty::Map(k, v) => {
                let k = self.type_id(k);
                D::Map(k, self.type_id(v))
            }
            Ty::Tuple(ts) if ts.is_empty() => D::Unit,
            Ty::Tuple(ts) => D::Tuple(ts.iter().map(|t| self.type_id(t)).collect()),
            Ty::Option(t) => D::Enum {
                name: "Option".into(),
                variants: vec![
                    bc::Variant {
                        name: "None".into(),
                        fields: vec![],
                        is_tuple: false,
                    },
                    bc::Variant {
                        name: "Some".into(),
                        fields: vec![bc::Field {
                            name: "0".into(),
                            ty: self.type_id(t),
                        }],
                        is_tuple: true,
                    },
                ],
            },
            Ty::Result(t, e) => D::Enum {
                name: "Result".into(),
                variants: vec![
                    bc::Variant {
                        name: "Ok".into(),
                        fields: vec![bc::Field {
                            name: "0".into(),
                            ty: self.type_id(t),
                        }],
                        is_tuple: true,
                    },
                    bc::Variant {
                        name: "Err".into(),
                        fields: vec![bc::Field {
                            name: "0".into(),
                            ty: self.type_id(e),
                        }],
                        is_tuple: true,
                    },
                ],
            },
            Ty::Adt(a, args) => {
                let adt = self.c.env.adt(*a);
                let mname = &self.c.env.modules[adt.module.0 as usize].name;
                // An instance of a generic type is its own type: `m.Pair[i64, String]`.
                let name = if args.is_empty() {
                    format!("{mname}.{}", adt.name)
                } else {
                    crate::generics::instance_name(
                        &self.c.env,
                        &format!("{mname}.{}", adt.name),
                        args,
                    )
                };
                match &adt.kind {
                    AdtKind::Struct(fs) => D::Struct {
                        name,
                        fields: fs
                            .iter()
                            .map(|f| bc::Field {
                                name: f.name.clone(),
                                ty: self.type_id(&f.ty.subst(args)),
                            })
                            .collect(),
                    },
                    AdtKind::Enum(vs) => D::Enum {
                        name,
                        variants: vs
                            .iter()
                            .map(|v| bc::Variant {
                                name: v.name.clone(),
                                fields: v
                                    .fields
                                    .iter()
                                    .map(|f| bc::Field {
                                        name: f.name.clone(),
                                        ty: self.type_id(&f.ty.subst(args)),
                                    })
                                    .collect(),
                                is_tuple: v.is_tuple,
                            })
                            .collect(),
                    },
                }
            }
            Ty::Box(t) => D::Box(self.type_id(t)),
            Ty::Dyn(t) => D::Dyn {
                trait_name: self.trait_name(*t),
            },
            // A closure's value is its captures.
            Ty::Closure(id) => {
                let captures = self.c.env.closures.get(id).map(|c| c.captures.clone());
                match captures {
                    Some(ts) if !ts.is_empty() => {
                        D::Tuple(ts.iter().map(|t| self.type_id(t)).collect())
                    }
                    _ => D::Unit,
                }
            }
            // Generic bodies are never lowered: no parameter reaches here.
            Ty::Var(_) | Ty::Param(_) | Ty::Error => D::Unit,
        }
    }

    /// A trait's qualified name (`main.Plugin`).
    pub fn trait_name(&self, t: crate::ty::TraitId) -> String {
        let tr = &self.c.env.traits[t.0 as usize];
        format!(
            "{}.{}",
            self.c.env.modules[tr.module.0 as usize].name, tr.name
        )
    }

    pub fn layout(&self, ty: &Ty) -> Layout {
        layout_of(&self.c.env, ty)
    }

    fn string_const(&mut self, s: &str) -> bc::ConstId {
        if let Some(i) = self.strings.get(s) {
            return bc::ConstId(*i);
        }
        let i = self.out.strings.len() as u32;
        self.out.strings.push(s.to_string());
        self.strings.insert(s.to_string(), i);
        bc::ConstId(i)
    }

    fn scalar_const(&mut self, v: u64) -> bc::ConstId {
        if let Some(i) = self.scalars.get(&v) {
            return bc::ConstId(*i);
        }
        let i = self.out.scalars.len() as u32;
        self.out.scalars.push(v);
        self.scalars.insert(v, i);
        bc::ConstId(i)
    }

    fn signature(&mut self, f: FnId) -> bc::Signature {
        let sig = &self.c.env.func(f).sig;
        let params = sig.params.iter().map(|p| p.ty.clone()).collect::<Vec<_>>();
        let ret = sig.ret.clone();
        let mut_params = sig
            .params
            .iter()
            .enumerate()
            .filter(|(_, p)| p.mode == ParamMode::RefMut)
            .map(|(i, _)| i as u32)
            .collect();
        bc::Signature {
            params: params.iter().map(|t| self.type_id(t)).collect(),
            ret: self.type_id(&ret),
            mut_params,
        }
    }

    fn import(&mut self, f: FnId) -> bc::ImportId {
        if let Some(i) = self.imports.get(&f) {
            return *i;
        }
        let def = self.c.env.func(f);
        let module = self.c.env.modules[def.module.0 as usize].name.clone();
        let name = def.name.clone();
        let sig = self.signature(f);
        let id = bc::ImportId(self.out.imports.len() as u32);
        self.out.imports.push(bc::Import { module, name, sig });
        self.imports.insert(f, id);
        id
    }

    fn lower_fn(&mut self, f: FnId) -> bc::Function {
        let def = self.c.env.func(f);
        if def.decl.is_host {
            return self.lower_host_fn(f);
        }
        let sig = self.signature(f);
        let body = self.c.bodies[f.0 as usize].as_ref().expect("checked body");
        let mut fl = FnLower::new(self, &body.locals);
        let mut_params: Vec<LocalId> = def
            .sig
            .params
            .iter()
            .zip(&body.params)
            .filter(|(p, _)| p.mode == ParamMode::RefMut)
            .map(|(_, l)| *l)
            .collect();
        fl.ret_ty = def.sig.ret.clone();
        fl.mut_params = mut_params;
        for l in &body.params {
            let lay = fl.local_layout(*l);
            let loc = fl.alloc(lay);
            fl.locals[l.0 as usize] = Some(loc);
        }
        fl.lower_return_value(&body.value);
        fl.finish(def.name.clone(), sig, true)
    }

    /// A `host fn`: its parameters, room for its result, and the body `HostFn; Ret`
    /// (the intrinsic's window is the frame's start: see `host_fn.rs`).
    fn lower_host_fn(&mut self, f: FnId) -> bc::Function {
        let def = self.c.env.func(f);
        let sig = self.signature(f);
        let params: Vec<Ty> = def.sig.params.iter().map(|p| p.ty.clone()).collect();
        let ret = def.sig.ret.clone();
        let operand = Ty::Tuple(vec![Ty::Tuple(params.clone()), ret.clone()]);
        let ty = self.type_id(&operand);
        let mut fl = FnLower::new(self, &[]);
        fl.ret_ty = ret.clone();
        for p in &params {
            let lay = fl.layout(p);
            fl.alloc(lay);
        }
        let lay = fl.layout(&ret);
        fl.alloc(lay);
        fl.emit(Inst::Intrinsic {
            op: bc::Intrinsic::HostFn,
            ty,
            s: S(0),
            r: R(0),
        });
        fl.emit(Inst::Ret { s: S(0), r: R(0) });
        fl.finish(def.name.clone(), sig, true)
    }

    /// A closure's function: the captured values, then the closure's parameters, over
    /// the locals of the body it is written in.
    fn lower_closure(&mut self, id: crate::ty::ClosureId) -> bc::Function {
        let c = self.c;
        let def = &c.env.closures[&id];
        let owner = c.bodies[def.owner.0 as usize]
            .as_ref()
            .expect("checked body");
        let cb = &owner.closures[def.index];
        let params: Vec<Ty> = def
            .captures
            .iter()
            .chain(&def.sig.params)
            .cloned()
            .collect();
        let sig = bc::Signature {
            params: params.iter().map(|t| self.type_id(t)).collect(),
            ret: self.type_id(&def.sig.ret),
            mut_params: vec![],
        };
        let mut fl = FnLower::new(self, &owner.locals);
        fl.ret_ty = def.sig.ret.clone();
        for l in cb.captures.iter().chain(&cb.params) {
            let lay = fl.local_layout(*l);
            let loc = fl.alloc(lay);
            fl.locals[l.0 as usize] = Some(loc);
        }
        fl.lower_return_value(&cb.value);
        fl.finish(def.name.clone(), sig, false)
    }

    /// One initializer function per `@shared static` (run only when its memory is new).
    fn lower_shared_inits(&mut self) {
        let mut statics: Vec<(GlobalId, u32)> =
            self.shared_slots.iter().map(|(g, s)| (*g, *s)).collect();
        statics.sort_by_key(|(_, slot)| *slot);
        for (k, (g, _)) in statics.into_iter().enumerate() {
            let f = self.lower_global_init(g);
            self.out.shared[k].init = bc::FuncId(self.out.functions.len() as u32);
            self.out.functions.push(f);
        }
    }

    /// `__init_shared__.NAME`: stores the initial value of shared static `g`.
    fn lower_global_init(&mut self, g: GlobalId) -> bc::Function {
        let unit = self.type_id(&Ty::unit());
        let sig = bc::Signature {
            params: vec![],
            ret: unit,
            mut_params: vec![],
        };
        let name = format!("__init_shared__.{}", self.c.env.globals[g.0 as usize].name);
        let mut fl = FnLower::new(self, &[]);
        fl.init_global_into_place(g);
        let ret = fl.alloc(Layout::ZERO);
        fl.emit(Inst::Ret {
            s: S(ret.s),
            r: R(ret.r),
        });
        fl.finish(name, sig, false)
    }

    fn lower_init(&mut self) -> bc::Function {
        let unit = self.type_id(&Ty::unit());
        let sig = bc::Signature {
            params: vec![],
            ret: unit,
            mut_params: vec![],
        };
        let env = &self.c.env;
        let mine: Vec<GlobalId> = (0..env.globals.len() as u32)
            .map(GlobalId)
            .filter(|g| {
                let def = &env.globals[g.0 as usize];
                def.module == self.module && !def.shared
            })
            .collect();
        let mut fl = FnLower::new(self, &[]);
        for g in mine {
            fl.init_global_into_place(g);
        }
        let ret = fl.alloc(Layout::ZERO);
        fl.emit(Inst::Ret {
            s: S(ret.s),
            r: R(ret.r),
        });
        fl.finish("__init__".into(), sig, false)
    }
}

/// Layout of a checked type.
pub fn layout_of(env: &Env, ty: &Ty) -> Layout {
    match ty {
        Ty::Bool | Ty::Int(_) | Ty::Float(_) | Ty::Char => Layout::WORD,
        Ty::Str | Ty::Vec(_) | Ty::Map(..) | Ty::Box(_) | Ty::Dyn(_) => Layout::REF,
        Ty::Never | Ty::Var(_) | Ty::Param(_) | Ty::Error => Layout::ZERO,
        Ty::Closure(id) => env.closures.get(id).map_or(Layout::ZERO, |c| {
            c.captures
                .iter()
                .fold(Layout::ZERO, |a, t| a.plus(layout_of(env, t)))
        }),
        Ty::Tuple(ts) => ts
            .iter()
            .fold(Layout::ZERO, |a, t| a.plus(layout_of(env, t))),
        Ty::Option(t) => Layout::WORD.plus(layout_of(env, t)),
        Ty::Result(t, e) => Layout::WORD.plus(layout_of(env, t)).plus(layout_of(env, e)),
        Ty::Adt(a, args) => match &env.adt(*a).kind {
            AdtKind::Struct(fs) => fs.iter().fold(Layout::ZERO, |acc, f| {
                acc.plus(layout_of(env, &f.ty.subst(args)))
            }),
            AdtKind::Enum(vs) => vs
                .iter()
                .flat_map(|v| v.fields.iter())
                .fold(Layout::WORD, |acc, f| {
                    acc.plus(layout_of(env, &f.ty.subst(args)))
                }),
        },
    }
}

/// Field types of a struct/tuple type, or of variant `v` of an enum type.
fn fields_of(env: &Env, ty: &Ty, variant: Option<u32>) -> Vec<Ty> {
    match (ty, variant) {
        (Ty::Tuple(ts), None) => ts.clone(),
        (Ty::Adt(a, args), None) => env
            .adt(*a)
            .fields()
            .iter()
            .map(|f| f.ty.subst(args))
            .collect(),
        (Ty::Adt(a, args), Some(v)) => env.adt(*a).variants()[v as usize]
            .fields
            .iter()
            .map(|f| f.ty.subst(args))
            .collect(),
        (Ty::Option(t), Some(1)) => vec![(**t).clone()],
        (Ty::Result(t, _), Some(0)) => vec![(**t).clone()],
        (Ty::Result(_, e), Some(1)) => vec![(**e).clone()],
        _ => vec![],
    }
}

/// Offset of field `index` (of variant `variant`, for enums) within a value of `ty`.
fn field_offset(env: &Env, ty: &Ty, variant: Option<u32>, index: u32) -> Layout {
    let mut off = Layout::ZERO;
    if let Some(v) = variant {
        off = Layout::WORD;
        for pv in 0..v {
            for t in fields_of(env, ty, Some(pv)) {
                off = off.plus(layout_of(env, &t));
            }
        }
    }
    for t in fields_of(env, ty, variant).iter().take(index as usize) {
        off = off.plus(layout_of(env, t));
    }
    off
}

fn int_kind(i: IntTy) -> IntKind {
    match i {
        IntTy::I8 => IntKind::I8,
        IntTy::I16 => IntKind::I16,
        IntTy::I32 => IntKind::I32,
        IntTy::I64 | IntTy::Isize => IntKind::I64,
        IntTy::U8 => IntKind::U8,
        IntTy::U16 => IntKind::U16,
        IntTy::U32 => IntKind::U32,
        IntTy::U64 | IntTy::Usize => IntKind::U64,
    }
}

/// The canonical 64-bit word of integer `v` of type `i` (wrapped to its width).
fn canonical(v: i128, i: IntTy) -> u64 {
    let bits = i.bits();
    if bits == 64 {
        return v as u64;
    }
    let mask = (1u128 << bits) - 1;
    let low = (v as u128) & mask;
    if i.signed() && (low >> (bits - 1)) & 1 == 1 {
        (low | !mask) as u64
    } else {
        low as u64
    }
}

struct LoopLabel {
    breaks: Vec<usize>,
    continues: Vec<usize>,
    result: Option<Loc>,
}

/// Lowers one function.
struct FnLower<'b, 'c, 'a> {
    mb: &'b mut ModuleBuilder<'c, 'a>,
    local_info: &'c [LocalInfo],
    locals: Vec<Option<Loc>>,
    code: Vec<Inst>,
    lines: Vec<bc::LineEntry>,
    s_top: u32,
    r_top: u32,
    s_max: u32,
    r_max: u32,
    loops: Vec<LoopLabel>,
    ret_ty: Ty,
    mut_params: Vec<LocalId>,
    last_line: Option<(u32, u32)>,
}

type Mark = (u32, u32);

impl<'b, 'c, 'a> FnLower<'b, 'c, 'a> {
    fn new(mb: &'b mut ModuleBuilder<'c, 'a>, locals: &'c [LocalInfo]) -> Self {
        FnLower {
            mb,
            local_info: locals,
            locals: vec![None; locals.len()],
            code: Vec::new(),
            lines: Vec::new(),
            s_top: 0,
            r_top: 0,
            s_max: 0,
            r_max: 0,
            loops: Vec::new(),
            ret_ty: Ty::unit(),
            mut_params: Vec::new(),
            last_line: None,
        }
    }

    fn finish(self, name: String, sig: bc::Signature, exported: bool) -> bc::Function {
        let mut lines = self.lines;
        if lines.first().is_none_or(|l| l.pc != 0) {
            let first = lines.first().map_or((1, 1), |l| (l.line, l.col));
            lines.insert(
                0,
                bc::LineEntry {
                    pc: 0,
                    line: first.0,
                    col: first.1,
                },
            );
        }
        bc::Function {
            name,
            sig,
            exported,
            scalar_regs: self.s_max.min(u16::MAX as u32) as u16,
            ref_regs: self.r_max.min(u16::MAX as u32) as u16,
            code: self.code,
            lines,
        }
    }

    fn with_body_locals<T>(
        &mut self,
        locals: &'c [LocalInfo],
        f: impl FnOnce(&mut Self) -> T,
    ) -> T {
        let saved_info = std::mem::replace(&mut self.local_info, locals);
        let saved = std::mem::replace(&mut self.locals, vec![None; locals.len()]);
        let out = f(self);
        self.local_info = saved_info;
        self.locals = saved;
        out
    }

    // ---------- emission ----------

    fn emit(&mut self, i: Inst) -> usize {
        self.code.push(i);
        self.code.len() - 1
    }

    fn here(&self) -> u32 {
        self.code.len() as u32
    }

    fn patch(&mut self, at: usize, target: u32) {
        if let Some(t) = self.code[at].target_mut() {
            *t = target;
        }
    }

    fn patch_here(&mut self, list: Vec<usize>) {
        let h = self.here();
        for p in list {
            self.patch(p, h);
        }
    }

    fn at(&mut self, span: Span) {
        if span.end == 0 && span.start == 0 {
            return;
        }
        let lc = self.mb.lines.line_col(self.mb.text, span.start);
        if self.last_line == Some((lc.line, lc.col)) {
            return;
        }
        self.last_line = Some((lc.line, lc.col));
        let pc = self.here();
        if let Some(last) = self.lines.last_mut() {
            if last.pc == pc {
                last.line = lc.line;
                last.col = lc.col;
                return;
            }
        }
        self.lines.push(bc::LineEntry {
            pc,
            line: lc.line,
            col: lc.col,
        });
    }

    // ---------- registers ----------

    fn alloc(&mut self, l: Layout) -> Loc {
        let loc = Loc {
            s: self.s_top as u16,
            r: self.r_top as u16,
        };
        self.s_top += l.words;
        self.r_top += l.refs;
        self.s_max = self.s_max.max(self.s_top);
        self.r_max = self.r_max.max(self.r_top);
        assert!(
            self.s_top < u16::MAX as u32 && self.r_top < u16::MAX as u32,
            "function too large"
        );
        loc
    }

    fn alloc_s(&mut self) -> S {
        S(self.alloc(Layout::WORD).s)
    }

    fn alloc_r(&mut self) -> R {
        R(self.alloc(Layout::REF).r)
    }

    fn mark(&self) -> Mark {
        (self.s_top, self.r_top)
    }

    /// Frees registers above `m`, clearing references so their objects can be freed.
    fn release(&mut self, m: Mark) {
        for r in m.1..self.r_top {
            self.emit(Inst::ClearR { dst: R(r as u16) });
        }
        self.s_top = m.0;
        self.r_top = m.1;
    }

    fn layout(&self, t: &Ty) -> Layout {
        self.mb.layout(t)
    }

    fn local_layout(&self, l: LocalId) -> Layout {
        self.layout(&self.local_info[l.0 as usize].ty)
    }

    fn local_loc(&mut self, l: LocalId) -> Loc {
        if let Some(loc) = self.locals[l.0 as usize] {
            return loc;
        }
        let lay = self.local_layout(l);
        let loc = self.alloc(lay);
        self.locals[l.0 as usize] = Some(loc);
        loc
    }

    fn tid(&mut self, t: &Ty) -> bc::TypeId {
        self.mb.type_id(t)
    }

    /// Copies a value of layout `l` from `src` to `dst` (references are shared).
    fn copy(&mut self, src: Loc, dst: Loc, l: Layout) {
        self.transfer(src, dst, l, false);
    }

    /// Moves a value (references leave `src`, which becomes null).
    fn move_val(&mut self, src: Loc, dst: Loc, l: Layout) {
        self.transfer(src, dst, l, true);
    }

    /// Words are copied; references are shared (`MovR`) or moved (`TakeR`).
    fn transfer(&mut self, src: Loc, dst: Loc, l: Layout, take: bool) {
        if src == dst {
            return;
        }
        for i in 0..l.words as u16 {
            self.emit(Inst::Mov {
                dst: S(dst.s + i),
                src: S(src.s + i),
            });
        }
        for i in 0..l.refs as u16 {
            let (dst, src) = (R(dst.r + i), R(src.r + i));
            self.emit(if take {
                Inst::TakeR { dst, src }
            } else {
                Inst::MovR { dst, src }
            });
        }
    }

    fn load_int(&mut self, dst: S, v: u64) {
        let as_i = v as i64;
        if as_i >= i32::MIN as i64 && as_i <= i32::MAX as i64 {
            self.emit(Inst::LoadI {
                dst,
                imm: as_i as i32,
            });
        } else {
            let k = self.mb.scalar_const(v);
            self.emit(Inst::LoadK { dst, k });
        }
    }

    fn load_str(&mut self, dst: R, s: &str) {
        let k = self.mb.string_const(s);
        self.emit(Inst::LoadStr { dst, k });
    }

    // ---------- bodies ----------

    /// Lowers the function body's value and returns it.
    fn lower_return_value(&mut self, value: &Expr) {
        let ret_ty = self.ret_ty.clone();
        let loc = self.alloc_results();
        self.expr_into(value, loc);
        if !matches!(value.ty, Ty::Never) {
            self.emit_ret(loc, &ret_ty);
        } else {
            // Unreachable, but the verifier wants a terminator.
            self.emit_ret(loc, &ret_ty);
        }
    }

    /// Space for the return value followed by the `&mut` parameters' final values.
    fn alloc_results(&mut self) -> Loc {
        let mut l = self.layout(&self.ret_ty.clone());
        for p in self.mut_params.clone() {
            l = l.plus(self.local_layout(p));
        }
        self.alloc(l)
    }

    fn emit_ret(&mut self, loc: Loc, ret_ty: &Ty) {
        let mut at = loc.plus(self.layout(ret_ty));
        for p in self.mut_params.clone() {
            let pl = self.local_layout(p);
            let src = self.local_loc(p);
            self.move_val(src, at, pl);
            at = at.plus(pl);
        }
        self.emit(Inst::Ret {
            s: S(loc.s),
            r: R(loc.r),
        });
    }

    // ---------- expressions ----------

    /// Where `e`'s value is, evaluating it into temporaries only when needed (locals and
    /// their fields are used in place).
    fn expr_loc(&mut self, e: &Expr) -> Loc {
        if let Some(loc) = self.static_place_loc(e) {
            return loc;
        }
        if let ExprKind::Call {
            func,
            type_args,
            args,
        } = &e.kind
        {
            // The result stays in the call's window: no move.
            self.at(e.span);
            let func = self.mb.c.callee(*func, type_args);
            return self.call_in_window(func, args, e.span).0;
        }
        let l = self.layout(&e.ty);
        let loc = self.alloc(l);
        self.expr_into(e, loc);
        loc
    }

    fn expr_s(&mut self, e: &Expr) -> S {
        S(self.expr_loc(e).s)
    }

    fn expr_r(&mut self, e: &Expr) -> R {
        R(self.expr_loc(e).r)
    }

    /// For a local or a chain of fields of a local: its registers.
    fn static_place_loc(&mut self, e: &Expr) -> Option<Loc> {
        match &e.kind {
            ExprKind::Local(l) => Some(self.local_loc(*l)),
            ExprKind::Field { base, index } => {
                let b = self.static_place_loc(base)?;
                Some(b.plus(field_offset(&self.mb.c.env, &base.ty, None, *index)))
            }
            _ => None,
        }
    }

    fn expr_into(&mut self, e: &Expr, dst: Loc) {
        self.at(e.span);
        if self.dyn_expr_into(e, dst) {
            return;
        }
        match &e.kind {
            ExprKind::Int(v) => match &e.ty {
                Ty::Int(i) => self.load_int(S(dst.s), canonical(*v, *i)),
                Ty::Float(f) => self.load_float(S(dst.s), *v as f64, *f),
                _ => self.load_int(S(dst.s), *v as u64),
            },
            ExprKind::Float(v) => match &e.ty {
                Ty::Float(f) => self.load_float(S(dst.s), *v, *f),
                _ => self.load_float(S(dst.s), *v, FloatTy::F64),
            },
            ExprKind::Bool(b) => {
                self.emit(Inst::LoadI {
                    dst: S(dst.s),
                    imm: i32::from(*b),
                });
            }
            ExprKind::Char(c) => {
                self.emit(Inst::LoadI {
                    dst: S(dst.s),
                    imm: *c as i32,
                });
            }
            ExprKind::Str(s) => self.load_str(R(dst.r), s),
            // Chains are collected or run by the checker: none reaches lowering.
            ExprKind::Unit | ExprKind::Error | ExprKind::Pipeline(_) => {}
            ExprKind::Local(_) | ExprKind::Field { .. } if self.static_place_loc(e).is_some() => {
                let src = self.static_place_loc(e).unwrap();
                let l = self.layout(&e.ty);
                self.copy(src, dst, l);
            }
            ExprKind::Local(_) => unreachable!("locals always have a static place"),
            ExprKind::BoxNew(_)
            | ExprKind::ToDyn { .. }
            | ExprKind::DynCall { .. }
            | ExprKind::DynPayload { .. }
            | ExprKind::DynPut { .. }
            | ExprKind::LoadBytecode(_)
            | ExprKind::Instantiate { .. } => unreachable!("lowered by `dyn_expr_into`"),
            ExprKind::Global(g) => {
                self.load_global(*g, Layout::ZERO, self.layout(&e.ty), dst, false)
            }
            ExprKind::Const(cid) => {
                let c = self.mb.c;
                let body = c.const_bodies[c_index(*cid)]
                    .as_ref()
                    .expect("checked const");
                self.with_body_locals(&body.locals, |fl| fl.expr_into(&body.value, dst));
            }
            ExprKind::Field { base, index } => self.field_into(base, *index, &e.ty, dst),
            ExprKind::Index { base, index } => {
                let m = self.mark();
                let v = self.expr_r(base);
                let i = self.expr_s(index);
                self.at(e.span);
                self.vec_load(v, i, &e.ty, Layout::ZERO, self.layout(&e.ty), dst);
                self.release(m);
            }
            ExprKind::MapIndex { base, key } => {
                let m = self.mark();
                let opt_ty = Ty::Option(Box::new(e.ty.clone()));
                let args = [&**base, &**key];
                let opt = self.intrinsic_exprs(Intrinsic::MapGet, &base.ty, &args, &opt_ty);
                self.at(e.span);
                self.unwrap_or_panic(opt, &opt_ty, 1, "key not found in map", dst, &e.ty);
                self.release(m);
            }
            ExprKind::Call {
                func,
                type_args,
                args,
            } => {
                let func = self.mb.c.callee(*func, type_args);
                self.call_into(func, args, dst, e.span)
            }
            ExprKind::Builtin { op, args } => self.builtin_into(*op, args, &e.ty, dst, e.span),
            ExprKind::MutBuiltin { op, place, args } => {
                self.mut_builtin_into(*op, place, args, &e.ty, dst, e.span)
            }
            ExprKind::Unary { op, expr } => self.unary_into(*op, expr, dst),
            ExprKind::Binary { op, lhs, rhs } => {
                let m = self.mark();
                self.binary_into(*op, lhs, rhs, S(dst.s), R(dst.r), e.span);
                self.release(m);
            }
            ExprKind::And(..) | ExprKind::Or(..) => {
                let f = self.cond_jump(e, false);
                self.emit(Inst::LoadI {
                    dst: S(dst.s),
                    imm: 1,
                });
                let j = self.emit(Inst::Jmp { target: 0 });
                self.patch_here(f);
                self.emit(Inst::LoadI {
                    dst: S(dst.s),
                    imm: 0,
                });
                self.patch_here(vec![j]);
            }
            ExprKind::Cast(inner) => self.cast_into(inner, &e.ty, S(dst.s)),
            ExprKind::Tuple(items) => {
                let mut at = dst;
                for it in items {
                    let l = self.layout(&it.ty);
                    self.expr_into(it, at);
                    at = at.plus(l);
                }
            }
            ExprKind::Closure { captures, .. } => {
                let mut at = dst;
                for l in captures {
                    let ty = self.local_info[l.0 as usize].ty.clone();
                    let lay = self.layout(&ty);
                    let read = Expr {
                        kind: ExprKind::Local(*l),
                        ty,
                        span: e.span,
                    };
                    self.expr_into(&read, at);
                    at = at.plus(lay);
                }
            }
            ExprKind::CallClosure { id, callee, args } => {
                self.call_closure_into(*id, callee, args, dst, e.span)
            }
            ExprKind::Struct { fields, .. } => {
                let mut at = dst;
                for f in fields {
                    let l = self.layout(&f.ty);
                    self.expr_into(f, at);
                    at = at.plus(l);
                }
            }
            ExprKind::Variant { variant, fields } => {
                self.variant_into(&e.ty, *variant, fields, dst)
            }
            ExprKind::VecLit(items) => {
                let elem = match &e.ty {
                    Ty::Vec(t) => (**t).clone(),
                    _ => Ty::Error,
                };
                self.vec_of_into(&elem, items, dst);
            }
            ExprKind::VecRepeat { value, count } => {
                let elem = value.ty.clone();
                let m = self.mark();
                let res =
                    self.intrinsic_exprs(Intrinsic::VecRepeat, &elem, &[&**value, &**count], &e.ty);
                self.move_val(res, dst, Layout::REF);
                self.release(m);
            }
            ExprKind::Assign { place, value } => self.assign(place, value),
            ExprKind::CompoundAssign { op, place, value } => {
                self.compound_assign(*op, place, value, e.span)
            }
            ExprKind::Block(b) => self.block_into(b, dst),
            ExprKind::If { cond, then, els } => {
                let f = self.cond_jump(cond, false);
                self.expr_into(then, dst);
                match els {
                    Some(els) => {
                        let j = self.emit(Inst::Jmp { target: 0 });
                        self.patch_here(f);
                        self.expr_into(els, dst);
                        self.patch_here(vec![j]);
                    }
                    None => self.patch_here(f),
                }
            }
            ExprKind::Match { scrutinee, arms } => self.match_into(scrutinee, arms, dst, e.span),
            ExprKind::While { cond, body } => self.while_loop(cond, body),
            ExprKind::Loop { body } => {
                let top = self.here();
                self.loops.push(LoopLabel {
                    breaks: vec![],
                    continues: vec![],
                    result: Some(dst),
                });
                let m = self.mark();
                let l = self.layout(&body.ty);
                let tmp = self.alloc(l);
                self.expr_into(body, tmp);
                self.release(m);
                self.emit(Inst::Jmp { target: top });
                let lab = self.loops.pop().unwrap();
                for c in lab.continues {
                    self.patch(c, top);
                }
                self.patch_here(lab.breaks);
            }
            ExprKind::ForRange {
                var,
                start,
                end,
                inclusive,
                reverse: false,
                body,
            } => self.for_range(var, start, end, *inclusive, body),
            ExprKind::ForRange {
                var,
                start,
                end,
                inclusive,
                reverse: true,
                body,
            } => self.for_range_down(var, start, end, *inclusive, body),
            ExprKind::ForVec { var, vec, body } => self.for_vec(var, vec, body),
            ExprKind::ForMap { var, map, body } => self.for_map(var, map, body),
            ExprKind::Break { depth, value } => {
                let target = self.loops.len().checked_sub(1 + depth);
                let result = target.and_then(|i| self.loops[i].result);
                if let (Some(v), Some(res)) = (value, result) {
                    self.expr_into(v, res);
                }
                let j = self.emit(Inst::Jmp { target: 0 });
                if let Some(i) = target {
                    self.loops[i].breaks.push(j);
                }
            }
            ExprKind::Continue(depth) => {
                let j = self.emit(Inst::Jmp { target: 0 });
                if let Some(i) = self.loops.len().checked_sub(1 + depth) {
                    self.loops[i].continues.push(j);
                }
            }
            ExprKind::Return(v) => {
                let ret_ty = self.ret_ty.clone();
                let m = self.mark();
                let loc = self.alloc_results();
                if let Some(v) = v {
                    self.expr_into(v, loc);
                }
                self.emit_ret(loc, &ret_ty);
                self.s_top = m.0;
                self.r_top = m.1;
            }
            ExprKind::Format { pieces, args } => self.format_into(pieces, args, R(dst.r)),
            ExprKind::Try(inner) => self.try_into(inner, dst, e.span),
            ExprKind::Panic(msg) => {
                let m = self.mark();
                let r = self.expr_r(msg);
                self.at(e.span);
                self.emit(Inst::Panic { msg: r });
                self.release(m);
            }
        }
    }

    fn load_float(&mut self, dst: S, v: f64, f: FloatTy) {
        let bits = match f {
            FloatTy::F64 => v.to_bits(),
            FloatTy::F32 => (v as f32).to_bits() as u64,
        };
        let k = self.mb.scalar_const(bits);
        self.emit(Inst::LoadK { dst, k });
    }

    /// Evaluates global `g`'s initializer (or its type's default) and stores it.
    fn init_global_into_place(&mut self, g: GlobalId) {
        let ty = self.mb.c.env.globals[g.0 as usize].ty.clone();
        let mark = self.mark();
        let lay = self.mb.layout(&ty);
        let loc = self.alloc(lay);
        let c = self.mb.c;
        match &c.global_inits[g.0 as usize] {
            Some(body) => self.with_body_locals(&body.locals, |fl| fl.expr_into(&body.value, loc)),
            None => self.default_into(&ty, loc),
        }
        self.store_global(g, Layout::ZERO, lay, loc);
        self.release(mark);
    }

    fn load_global(&mut self, g: GlobalId, off: Layout, l: Layout, dst: Loc, take: bool) {
        if let Some(&base) = self.mb.shared_slots.get(&g) {
            for i in 0..l.words {
                self.emit(Inst::LoadSh {
                    dst: S(dst.s + i as u16),
                    g: bc::SharedSlot(base + off.words + i),
                });
            }
            return;
        }
        let (w, r) = self.mb.global_slots[&g];
        for i in 0..l.words {
            self.emit(Inst::LoadG {
                dst: S(dst.s + i as u16),
                g: bc::GlobalSlot(w + off.words + i),
            });
        }
        for i in 0..l.refs {
            let g = bc::GlobalSlot(r + off.refs + i);
            let dst = R(dst.r + i as u16);
            self.emit(if take {
                Inst::TakeGR { dst, g }
            } else {
                Inst::LoadGR { dst, g }
            });
        }
    }

    fn store_global(&mut self, g: GlobalId, off: Layout, l: Layout, src: Loc) {
        if let Some(&base) = self.mb.shared_slots.get(&g) {
            for i in 0..l.words {
                self.emit(Inst::StoreSh {
                    g: bc::SharedSlot(base + off.words + i),
                    src: S(src.s + i as u16),
                });
            }
            return;
        }
        let (w, r) = self.mb.global_slots[&g];
        for i in 0..l.words {
            self.emit(Inst::StoreG {
                g: bc::GlobalSlot(w + off.words + i),
                src: S(src.s + i as u16),
            });
        }
        for i in 0..l.refs {
            self.emit(Inst::StoreGR {
                g: bc::GlobalSlot(r + off.refs + i),
                src: R(src.r + i as u16),
            });
        }
    }

    /// Loads part of element `i` of vector `v` (at `off` within the element, `l` slots).
    fn vec_load(&mut self, v: R, i: S, elem: &Ty, off: Layout, l: Layout, dst: Loc) {
        if self.is_byte_elem(elem) {
            self.emit(Inst::VecLoadB {
                dst: S(dst.s),
                v,
                idx: i,
            });
            return;
        }
        for k in 0..l.words {
            self.emit(Inst::VecLoadW {
                dst: S(dst.s + k as u16),
                v,
                idx: i,
                off: (off.words + k) as u16,
            });
        }
        for k in 0..l.refs {
            self.emit(Inst::VecLoadR {
                dst: R(dst.r + k as u16),
                v,
                idx: i,
                off: (off.refs + k) as u16,
            });
        }
    }

    fn vec_store(&mut self, v: R, i: S, elem: &Ty, off: Layout, l: Layout, src: Loc) {
        if self.is_byte_elem(elem) {
            self.emit(Inst::VecStoreB {
                v,
                idx: i,
                src: S(src.s),
            });
            return;
        }
        for k in 0..l.words {
            self.emit(Inst::VecStoreW {
                v,
                idx: i,
                off: (off.words + k) as u16,
                src: S(src.s + k as u16),
            });
        }
        for k in 0..l.refs {
            self.emit(Inst::VecStoreR {
                v,
                idx: i,
                off: (off.refs + k) as u16,
                src: R(src.r + k as u16),
            });
        }
    }

    fn is_byte_elem(&self, t: &Ty) -> bool {
        matches!(t, Ty::Bool | Ty::Int(IntTy::U8) | Ty::Int(IntTy::I8))
    }

    /// `base.index` where `base` may be a vector element or any value: loads only the
    /// field's slots.
    fn field_into(&mut self, base: &Expr, index: u32, ty: &Ty, dst: Loc) {
        // Walk down through fields to find an indexed vector element or a global.
        let mut off = field_offset(&self.mb.c.env, &base.ty, None, index);
        let mut cur = base;
        while let ExprKind::Field { base: b, index: i } = &cur.kind {
            off = off.plus(field_offset(&self.mb.c.env, &b.ty, None, *i));
            cur = b;
        }
        let l = self.layout(ty);
        match &cur.kind {
            ExprKind::Index {
                base: vb,
                index: vi,
            } => {
                let m = self.mark();
                let v = self.expr_r(vb);
                let i = self.expr_s(vi);
                self.vec_load(v, i, &cur.ty, off, l, dst);
                self.release(m);
            }
            ExprKind::Global(g) => self.load_global(*g, off, l, dst, false),
            _ => {
                let m = self.mark();
                let src = self.expr_loc(cur);
                self.copy(src.plus(off), dst, l);
                self.release(m);
            }
        }
    }

    fn variant_into(&mut self, enum_ty: &Ty, variant: u32, fields: &[Expr], dst: Loc) {
        self.emit(Inst::LoadI {
            dst: S(dst.s),
            imm: variant as i32,
        });
        let env = &self.mb.c.env;
        let nvariants = match enum_ty {
            Ty::Adt(a, _) => env.adt(*a).variants().len() as u32,
            _ => 2,
        };
        // Clear the references of the other variants so stale values are freed.
        for v in 0..nvariants {
            if v == variant {
                continue;
            }
            let off = field_offset(&self.mb.c.env, enum_ty, Some(v), 0);
            let len: Layout = fields_of(&self.mb.c.env, enum_ty, Some(v))
                .iter()
                .fold(Layout::ZERO, |a, t| a.plus(layout_of(&self.mb.c.env, t)));
            for k in 0..len.refs {
                self.emit(Inst::ClearR {
                    dst: R(dst.r + (off.refs + k) as u16),
                });
            }
        }
        let mut at = dst.plus(field_offset(&self.mb.c.env, enum_ty, Some(variant), 0));
        for f in fields {
            let l = self.layout(&f.ty);
            self.expr_into(f, at);
            at = at.plus(l);
        }
    }

    fn block_into(&mut self, b: &tir::Block, dst: Loc) {
        let m = self.mark();
        for s in &b.stmts {
            match s {
                Stmt::Let { pat, init } => self.let_stmt(pat, init.as_ref()),
                Stmt::Expr(e) => {
                    let m2 = self.mark();
                    let l = self.layout(&e.ty);
                    let tmp = self.alloc(l);
                    self.expr_into(e, tmp);
                    self.release(m2);
                }
            }
        }
        if let Some(t) = &b.tail {
            self.expr_into(t, dst);
        }
        self.release(m);
    }

    fn let_stmt(&mut self, pat: &Pat, init: Option<&Expr>) {
        if let PatKind::Bind(l) = pat.kind {
            let loc = self.local_loc(l);
            if let Some(init) = init {
                let m = self.mark();
                self.expr_into(init, loc);
                self.release(m);
            }
            return;
        }
        self.prealloc_binds(pat);
        let Some(init) = init else { return };
        let m = self.mark();
        let src = self.expr_loc(init);
        let mut fails = Vec::new();
        self.match_pat(pat, src, &mut fails);
        self.release(m);
        self.patch_here(fails);
    }

    fn prealloc_binds(&mut self, p: &Pat) {
        match &p.kind {
            PatKind::Bind(l) => {
                self.local_loc(*l);
            }
            PatKind::Fields(fs) | PatKind::Variant { fields: fs, .. } => {
                for (_, sp) in fs {
                    self.prealloc_binds(sp);
                }
            }
            PatKind::Or(alts) => alts.iter().for_each(|a| self.prealloc_binds(a)),
            PatKind::At(l, sub) => {
                self.local_loc(*l);
                self.prealloc_binds(sub);
            }
            _ => {}
        }
    }

    // ---------- calls ----------

    /// `f(args)` of closure `id`: its function called with the closure's value (the
    /// captures) and the arguments, one after another in the window.
    fn call_closure_into(
        &mut self,
        id: crate::ty::ClosureId,
        callee: &Expr,
        args: &[Expr],
        dst: Loc,
        span: Span,
    ) {
        let m = self.mark();
        let def = &self.mb.c.env.closures[&id];
        let ret_layout = self.layout(&def.sig.ret);
        let mut arg_layout = self.layout(&callee.ty);
        for a in args {
            arg_layout = arg_layout.plus(self.layout(&a.ty));
        }
        let win = self.alloc(Layout {
            words: arg_layout.words.max(ret_layout.words),
            refs: arg_layout.refs.max(ret_layout.refs),
        });
        self.expr_into(callee, win);
        let mut at = win.plus(self.layout(&callee.ty));
        for a in args {
            let l = self.layout(&a.ty);
            self.expr_into(a, at);
            at = at.plus(l);
        }
        self.at(span);
        let func = self.mb.closure_fns[&id];
        self.emit(Inst::Call {
            func,
            s: S(win.s),
            r: R(win.r),
        });
        self.move_val(win, dst, ret_layout);
        self.release(m);
    }

    fn call_into(&mut self, func: FnId, args: &[Arg], dst: Loc, span: Span) {
        let m = self.mark();
        let (win, ret_layout) = self.call_in_window(func, args, span);
        self.move_val(win, dst, ret_layout);
        self.release(m);
    }

    /// Emits a call with its window at the top of the registers and returns where the
    /// return value is (the window's start) and its layout; registers above the return
    /// value are free again.
    fn call_in_window(&mut self, func: FnId, args: &[Arg], span: Span) -> (Loc, Layout) {
        let env = &self.mb.c.env;
        let sig = env.func(func).sig.clone();
        let mut arg_layout = Layout::ZERO;
        for p in &sig.params {
            arg_layout = arg_layout.plus(self.layout(&p.ty));
        }
        let ret_layout = self.layout(&sig.ret);
        let mut res_layout = ret_layout;
        for p in sig.params.iter().filter(|p| p.mode == ParamMode::RefMut) {
            res_layout = res_layout.plus(self.layout(&p.ty));
        }
        let win = self.alloc(Layout {
            words: arg_layout.words.max(res_layout.words),
            refs: arg_layout.refs.max(res_layout.refs),
        });
        let mut at = win;
        for (a, p) in args.iter().zip(&sig.params) {
            let l = self.layout(&p.ty);
            match a {
                Arg::Value(e) => self.expr_into(e, at),
                Arg::MutPlace(pl) => self.place_read(pl, at, true),
            }
            at = at.plus(l);
        }
        self.at(span);
        let same_module = env.func(func).module == self.mb.module;
        if same_module {
            let f = self.mb.fn_ids[&func];
            self.emit(Inst::Call {
                func: f,
                s: S(win.s),
                r: R(win.r),
            });
        } else {
            let i = self.mb.import(func);
            self.emit(Inst::CallImport {
                import: i,
                s: S(win.s),
                r: R(win.r),
            });
        }
        // Write back `&mut` arguments; their references leave the window.
        let mut back = win.plus(ret_layout);
        for (a, p) in args.iter().zip(&sig.params) {
            if let Arg::MutPlace(pl) = a {
                let l = self.layout(&p.ty);
                self.place_write(pl, back);
                back = back.plus(l);
            }
        }
        let keep = win.plus(ret_layout);
        self.release((keep.s as u32, keep.r as u32));
        (win, ret_layout)
    }

    /// Runs an intrinsic on already-evaluated argument locations; returns the results'
    /// location (the window, valid until the caller releases).
    fn intrinsic_locs(
        &mut self,
        op: Intrinsic,
        ty: &Ty,
        args: &[(Loc, Layout)],
        res: Layout,
    ) -> Loc {
        let total = args.iter().fold(Layout::ZERO, |a, (_, l)| a.plus(*l));
        let win = self.alloc(Layout {
            words: total.words.max(res.words),
            refs: total.refs.max(res.refs),
        });
        let mut at = win;
        for (loc, l) in args {
            self.copy(*loc, at, *l);
            at = at.plus(*l);
        }
        let t = self.tid(ty);
        self.emit(Inst::Intrinsic {
            op,
            ty: t,
            s: S(win.s),
            r: R(win.r),
        });
        win
    }

    /// Evaluates `args` straight into a window and runs the intrinsic.
    fn intrinsic_exprs(&mut self, op: Intrinsic, ty: &Ty, args: &[&Expr], res_ty: &Ty) -> Loc {
        let total = args
            .iter()
            .fold(Layout::ZERO, |a, e| a.plus(self.layout(&e.ty)));
        let res = self.layout(res_ty);
        let win = self.alloc(Layout {
            words: total.words.max(res.words),
            refs: total.refs.max(res.refs),
        });
        let mut at = win;
        for e in args {
            let l = self.layout(&e.ty);
            self.expr_into(e, at);
            at = at.plus(l);
        }
        let t = self.tid(ty);
        self.emit(Inst::Intrinsic {
            op,
            ty: t,
            s: S(win.s),
            r: R(win.r),
        });
        win
    }

    // ---------- places ----------

    /// Reads a place into `dst`; with `take`, a local's references are moved out (the
    /// place is written back right after, as for `&mut` arguments), so the callee holds
    /// the only reference and mutates without copying.
    fn place_read(&mut self, p: &Place, dst: Loc, take: bool) {
        let l = self.layout(&p.ty);
        let (root_off, idx_split) = self.split_place(p);
        match (&p.root, idx_split) {
            (PlaceRoot::Local(loc_id), None) => {
                let src = self.local_loc(*loc_id).plus(root_off);
                if take {
                    self.move_val(src, dst, l);
                } else {
                    self.copy(src, dst, l);
                }
            }
            (PlaceRoot::Global(g), None) => self.load_global(*g, root_off, l, dst, false),
            _ => {
                let e = self.place_as_expr(p);
                self.expr_into(&e, dst);
            }
        }
    }

    /// Writes the value at `src` into place `p` (references are copied).
    fn place_write(&mut self, p: &Place, src: Loc) {
        let l = self.layout(&p.ty);
        let (root_off, idx_split) = self.split_place(p);
        match (&p.root, idx_split) {
            (PlaceRoot::Local(loc_id), None) => {
                let dst = self.local_loc(*loc_id).plus(root_off);
                self.copy(src, dst, l);
            }
            (PlaceRoot::Global(g), None) => self.store_global(*g, root_off, l, src),
            (PlaceRoot::Temp(_), None) => {}
            (_, Some(k)) => {
                let (prefix, idx, elem_ty, off) = self.split_at_index(p, k);
                let m = self.mark();
                let i = self.expr_s(idx);
                self.with_place_ref(&prefix, &mut |fl, v| {
                    fl.vec_store(v, i, &elem_ty, off, l, src)
                });
                self.release(m);
            }
        }
    }

    /// Splits `p = prefix[idx].fields` at index projection `k`: the vector's place, the
    /// index, the element type, and the offset of `fields` within an element.
    fn split_at_index<'p>(&self, p: &'p Place, k: usize) -> (Place, &'p Expr, Ty, Layout) {
        let Proj::Index(idx) = &p.projs[k] else {
            unreachable!("split_place returns the position of an index projection")
        };
        let prefix = Place {
            root: p.root.clone(),
            projs: p.projs[..k].to_vec(),
            ty: self.prefix_ty(p, k),
        };
        let elem_ty = vec_elem(&prefix.ty);
        let mut off = Layout::ZERO;
        for proj in &p.projs[k + 1..] {
            if let Proj::Field { of, index } = proj {
                off = off.plus(field_offset(&self.mb.c.env, of, None, *index));
            }
        }
        (prefix, idx, elem_ty, off)
    }

    /// The static offset of the root-relative fields before the first index projection,
    /// and the position of the LAST index projection (if any).
    fn split_place(&self, p: &Place) -> (Layout, Option<usize>) {
        let last_index = p.projs.iter().rposition(|pr| matches!(pr, Proj::Index(_)));
        let mut off = Layout::ZERO;
        if last_index.is_none() {
            for pr in &p.projs {
                if let Proj::Field { of, index } = pr {
                    off = off.plus(field_offset(&self.mb.c.env, of, None, *index));
                }
            }
        }
        (off, last_index)
    }

    /// Type of the place made of the first `k` projections.
    fn prefix_ty(&self, p: &Place, k: usize) -> Ty {
        let mut t = match &p.root {
            PlaceRoot::Local(l) => self.local_info[l.0 as usize].ty.clone(),
            PlaceRoot::Global(g) => self.mb.c.env.globals[g.0 as usize].ty.clone(),
            PlaceRoot::Temp(e) => e.ty.clone(),
        };
        for pr in &p.projs[..k] {
            t = match pr {
                Proj::Field { of, index } => {
                    fields_of(&self.mb.c.env, of, None)[*index as usize].clone()
                }
                Proj::Index(_) => vec_elem(&t),
            };
        }
        t
    }

    fn place_as_expr(&self, p: &Place) -> Expr {
        let mut e = match &p.root {
            PlaceRoot::Local(l) => Expr {
                kind: ExprKind::Local(*l),
                ty: self.local_info[l.0 as usize].ty.clone(),
                span: Span::default(),
            },
            PlaceRoot::Global(g) => Expr {
                kind: ExprKind::Global(*g),
                ty: self.mb.c.env.globals[g.0 as usize].ty.clone(),
                span: Span::default(),
            },
            PlaceRoot::Temp(t) => (**t).clone(),
        };
        for (k, pr) in p.projs.iter().enumerate() {
            let ty = self.prefix_ty(p, k + 1);
            e = match pr {
                Proj::Field { index, .. } => Expr {
                    kind: ExprKind::Field {
                        base: Box::new(e),
                        index: *index,
                    },
                    ty,
                    span: Span::default(),
                },
                Proj::Index(i) => Expr {
                    kind: ExprKind::Index {
                        base: Box::new(e),
                        index: i.clone(),
                    },
                    ty,
                    span: i.span,
                },
            };
        }
        e
    }

    /// Runs `f` with a reference register holding the (unique) object at place `p`,
    /// which must be of a reference type; the object is written back afterwards.
    fn with_place_ref(&mut self, p: &Place, f: &mut dyn FnMut(&mut Self, R)) {
        let (root_off, idx_split) = self.split_place(p);
        match (&p.root, idx_split) {
            (PlaceRoot::Local(l), None) => {
                let loc = self.local_loc(*l).plus(root_off);
                f(self, R(loc.r));
            }
            (PlaceRoot::Global(g), None) => {
                let m = self.mark();
                let tmp = self.alloc_r();
                let (_, r) = self.mb.global_slots[g];
                let slot = bc::GlobalSlot(r + root_off.refs);
                self.emit(Inst::TakeGR { dst: tmp, g: slot });
                f(self, tmp);
                self.emit(Inst::StoreGR { g: slot, src: tmp });
                self.release(m);
            }
            (PlaceRoot::Temp(e), None) => {
                let m = self.mark();
                let loc = self.expr_loc(e);
                f(self, R(loc.plus(root_off).r));
                self.release(m);
            }
            (_, Some(k)) => {
                let (prefix, idx, _, off) = self.split_at_index(p, k);
                let m = self.mark();
                let i = self.expr_s(idx);
                let tmp = self.alloc_r();
                let null = self.alloc_r();
                self.emit(Inst::ClearR { dst: null });
                self.with_place_ref(&prefix, &mut |fl, v| {
                    // Take the element's reference out so the object is unique, mutate it,
                    // and put it back.
                    fl.emit(Inst::VecLoadR {
                        dst: tmp,
                        v,
                        idx: i,
                        off: off.refs as u16,
                    });
                    fl.emit(Inst::VecStoreR {
                        v,
                        idx: i,
                        off: off.refs as u16,
                        src: null,
                    });
                    f(fl, tmp);
                    fl.emit(Inst::VecStoreR {
                        v,
                        idx: i,
                        off: off.refs as u16,
                        src: tmp,
                    });
                });
                self.release(m);
            }
        }
    }

    fn assign(&mut self, p: &Place, value: &Expr) {
        let l = self.layout(&p.ty);
        let (root_off, idx_split) = self.split_place(p);
        if let (PlaceRoot::Local(loc_id), None) = (&p.root, idx_split) {
            let dst = self.local_loc(*loc_id).plus(root_off);
            let m = self.mark();
            if l.words + l.refs <= 1 {
                self.expr_into(value, dst);
            } else {
                // The value may read the place it overwrites: build it aside first.
                let tmp = self.alloc(l);
                self.expr_into(value, tmp);
                self.move_val(tmp, dst, l);
            }
            self.release(m);
            return;
        }
        let m = self.mark();
        let src = self.expr_loc(value);
        self.place_write(p, src);
        self.release(m);
    }

    fn compound_assign(&mut self, op: tir::BinOp, p: &Place, value: &Expr, span: Span) {
        let (root_off, idx_split) = self.split_place(p);
        let m = self.mark();
        if let (PlaceRoot::Local(loc_id), None) = (&p.root, idx_split) {
            let dst = self.local_loc(*loc_id).plus(root_off);
            let cur = Expr {
                kind: ExprKind::Local(*loc_id),
                ty: p.ty.clone(),
                span,
            };
            // Compute in place: `x op= v` is `x = x op v` on the same register.
            let place_expr = if p.projs.is_empty() {
                cur
            } else {
                self.place_as_expr(p)
            };
            self.binary_into(op, &place_expr, value, S(dst.s), R(dst.r), span);
            self.release(m);
            return;
        }
        let cur = self.place_as_expr(p);
        let tmp = self.alloc(self.layout(&p.ty));
        self.binary_into(op, &cur, value, S(tmp.s), R(tmp.r), span);
        self.place_write(p, tmp);
        self.release(m);
    }

    // ---------- operators ----------

    fn unary_into(&mut self, op: tir::UnOp, e: &Expr, dst: Loc) {
        let m = self.mark();
        let a = self.expr_s(e);
        let d = S(dst.s);
        match (op, &e.ty) {
            (tir::UnOp::Neg, Ty::Float(FloatTy::F64)) => {
                self.emit(Inst::NegF64 { dst: d, a });
            }
            (tir::UnOp::Neg, Ty::Float(FloatTy::F32)) => {
                self.emit(Inst::NegF32 { dst: d, a });
            }
            (tir::UnOp::Neg, Ty::Int(i)) => {
                self.emit(Inst::Neg64 { dst: d, a });
                self.norm(d, *i);
            }
            (tir::UnOp::Not, Ty::Bool) => {
                self.emit(Inst::NotB { dst: d, a });
            }
            (tir::UnOp::Not, Ty::Int(i)) => {
                self.emit(Inst::BitNot { dst: d, a });
                if !i.signed() {
                    self.norm(d, *i);
                }
            }
            _ => {}
        }
        self.release(m);
    }

    /// Re-canonicalises an integer after 64-bit arithmetic, for types narrower than 64.
    fn norm(&mut self, d: S, i: IntTy) {
        if i.bits() < 64 {
            self.emit(Inst::Norm {
                dst: d,
                src: d,
                kind: int_kind(i),
            });
        }
    }

    /// Small integer literal, for immediate forms.
    fn small_imm(e: &Expr) -> Option<i32> {
        match e.kind {
            ExprKind::Int(v) if v >= i32::MIN as i128 && v <= i32::MAX as i128 => Some(v as i32),
            _ => None,
        }
    }

    fn binary_into(&mut self, op: tir::BinOp, lhs: &Expr, rhs: &Expr, d: S, dr: R, span: Span) {
        use tir::BinOp as B;
        let ty = lhs.ty.clone();
        // `x + 1` with an immediate.
        if let (B::Add | B::Sub, Ty::Int(i)) = (op, &ty) {
            if let Some(imm) = Self::small_imm(rhs) {
                let imm = if op == B::Sub {
                    imm.checked_neg()
                } else {
                    Some(imm)
                };
                if let (Some(imm), 32 | 64) = (imm, i.bits()) {
                    let a = self.expr_s(lhs);
                    self.emit(if i.bits() == 64 || !i.signed() && i.bits() == 64 {
                        Inst::AddImm64 { dst: d, a, imm }
                    } else if *i == IntTy::I32 {
                        Inst::AddImm32 { dst: d, a, imm }
                    } else {
                        Inst::AddImm64 { dst: d, a, imm }
                    });
                    if *i == IntTy::U32 {
                        self.norm(d, *i);
                    }
                    return;
                }
            }
        }
        match &ty {
            Ty::Str => return self.str_binary(op, lhs, rhs, d, dr),
            Ty::Int(_) | Ty::Float(_) | Ty::Bool | Ty::Char => {}
            _ => return self.composite_compare(op, lhs, rhs, d),
        }
        let a = self.expr_s(lhs);
        let b = self.expr_s(rhs);
        self.at(span);
        match &ty {
            Ty::Int(i) => self.int_binary(op, *i, d, a, b),
            Ty::Float(f) => self.float_binary(op, *f, d, a, b),
            Ty::Bool | Ty::Char => self.int_binary(
                op,
                if matches!(ty, Ty::Bool) {
                    IntTy::U8
                } else {
                    IntTy::U32
                },
                d,
                a,
                b,
            ),
            _ => unreachable!(),
        }
    }

    fn int_binary(&mut self, op: tir::BinOp, i: IntTy, d: S, a: S, b: S) {
        use tir::BinOp as B;
        let w64 = i.bits() == 64;
        let is32 = i == IntTy::I32;
        let unsigned64 = w64 && !i.signed();
        match op {
            B::Add | B::Sub | B::Mul => {
                let inst = match (op, is32) {
                    (B::Add, true) => Inst::Add32 { dst: d, a, b },
                    (B::Sub, true) => Inst::Sub32 { dst: d, a, b },
                    (B::Mul, true) => Inst::Mul32 { dst: d, a, b },
                    (B::Add, false) => Inst::Add64 { dst: d, a, b },
                    (B::Sub, false) => Inst::Sub64 { dst: d, a, b },
                    _ => Inst::Mul64 { dst: d, a, b },
                };
                self.emit(inst);
                if !is32 {
                    self.norm(d, i);
                }
            }
            B::Div | B::Rem => {
                let inst = match (op, i.signed()) {
                    (B::Div, true) => Inst::DivS { dst: d, a, b },
                    (B::Rem, true) => Inst::RemS { dst: d, a, b },
                    (B::Div, false) => Inst::DivU { dst: d, a, b },
                    _ => Inst::RemU { dst: d, a, b },
                };
                self.emit(inst);
                if i.signed() {
                    self.norm(d, i);
                }
            }
            B::BitAnd => {
                self.emit(Inst::And { dst: d, a, b });
            }
            B::BitOr => {
                self.emit(Inst::Or { dst: d, a, b });
            }
            B::BitXor => {
                self.emit(Inst::Xor { dst: d, a, b });
            }
            B::Shl => {
                self.emit(Inst::Shl {
                    dst: d,
                    a,
                    b,
                    kind: int_kind(i),
                });
            }
            B::Shr => {
                self.emit(Inst::Shr {
                    dst: d,
                    a,
                    b,
                    kind: int_kind(i),
                });
            }
            B::Eq => {
                self.emit(Inst::EqI { dst: d, a, b });
            }
            B::Ne => {
                self.emit(Inst::NeI { dst: d, a, b });
            }
            B::Lt | B::Le | B::Gt | B::Ge => {
                let (x, y) = if matches!(op, B::Gt | B::Ge) {
                    (b, a)
                } else {
                    (a, b)
                };
                let strict = matches!(op, B::Lt | B::Gt);
                self.emit(match (strict, unsigned64) {
                    (true, false) => Inst::LtS { dst: d, a: x, b: y },
                    (false, false) => Inst::LeS { dst: d, a: x, b: y },
                    (true, true) => Inst::LtU { dst: d, a: x, b: y },
                    (false, true) => Inst::LeU { dst: d, a: x, b: y },
                });
            }
        }
    }

    fn float_binary(&mut self, op: tir::BinOp, f: FloatTy, d: S, a: S, b: S) {
        use tir::BinOp as B;
        // The f64 instruction or its f32 twin.
        let pick = |f64_inst: Inst, f32_inst: Inst| {
            if f == FloatTy::F64 {
                f64_inst
            } else {
                f32_inst
            }
        };
        let inst = match op {
            B::Add => pick(Inst::AddF64 { dst: d, a, b }, Inst::AddF32 { dst: d, a, b }),
            B::Sub => pick(Inst::SubF64 { dst: d, a, b }, Inst::SubF32 { dst: d, a, b }),
            B::Mul => pick(Inst::MulF64 { dst: d, a, b }, Inst::MulF32 { dst: d, a, b }),
            B::Div => pick(Inst::DivF64 { dst: d, a, b }, Inst::DivF32 { dst: d, a, b }),
            B::Rem => pick(Inst::RemF64 { dst: d, a, b }, Inst::RemF32 { dst: d, a, b }),
            B::Eq | B::Ne => pick(Inst::EqF64 { dst: d, a, b }, Inst::EqF32 { dst: d, a, b }),
            B::Lt => pick(Inst::LtF64 { dst: d, a, b }, Inst::LtF32 { dst: d, a, b }),
            B::Le => pick(Inst::LeF64 { dst: d, a, b }, Inst::LeF32 { dst: d, a, b }),
            // `a > b` is `b < a`, `a >= b` is `b <= a`.
            B::Gt => pick(
                Inst::LtF64 { dst: d, a: b, b: a },
                Inst::LtF32 { dst: d, a: b, b: a },
            ),
            B::Ge => pick(
                Inst::LeF64 { dst: d, a: b, b: a },
                Inst::LeF32 { dst: d, a: b, b: a },
            ),
            _ => return,
        };
        self.emit(inst);
        if op == B::Ne {
            self.emit(Inst::NotB { dst: d, a: d });
        }
    }

    fn str_binary(&mut self, op: tir::BinOp, lhs: &Expr, rhs: &Expr, d: S, dr: R) {
        use tir::BinOp as B;
        let a = self.expr_r(lhs);
        let b = self.expr_r(rhs);
        match op {
            B::Add => {
                self.emit(Inst::StrConcat { dst: dr, a, b });
            }
            B::Eq | B::Ne => {
                self.emit(Inst::StrEq { dst: d, a, b });
                if op == B::Ne {
                    self.emit(Inst::NotB { dst: d, a: d });
                }
            }
            _ => {
                let c = self.alloc_s();
                self.emit(Inst::StrCmp { dst: c, a, b });
                self.cmp_result(op, c, d);
            }
        }
    }

    /// From an ordering word (-1, 0, 1) in `c`, computes `op`'s boolean into `d`.
    fn cmp_result(&mut self, op: tir::BinOp, c: S, d: S) {
        use tir::BinOp as B;
        let zero = self.alloc_s();
        self.emit(Inst::LoadI { dst: zero, imm: 0 });
        self.emit(match op {
            B::Lt => Inst::LtS {
                dst: d,
                a: c,
                b: zero,
            },
            B::Le => Inst::LeS {
                dst: d,
                a: c,
                b: zero,
            },
            B::Gt => Inst::LtS {
                dst: d,
                a: zero,
                b: c,
            },
            B::Ge => Inst::LeS {
                dst: d,
                a: zero,
                b: c,
            },
            B::Eq => Inst::EqI {
                dst: d,
                a: c,
                b: zero,
            },
            _ => Inst::NeI {
                dst: d,
                a: c,
                b: zero,
            },
        });
    }

    fn composite_compare(&mut self, op: tir::BinOp, lhs: &Expr, rhs: &Expr, d: S) {
        use tir::BinOp as B;
        let ty = lhs.ty.clone();
        let bool_ty = Ty::Bool;
        match op {
            B::Eq | B::Ne => {
                let res = self.intrinsic_exprs(Intrinsic::Eq, &ty, &[lhs, rhs], &bool_ty);
                self.emit(Inst::Mov {
                    dst: d,
                    src: S(res.s),
                });
                if op == B::Ne {
                    self.emit(Inst::NotB { dst: d, a: d });
                }
            }
            _ => {
                let res =
                    self.intrinsic_exprs(Intrinsic::Cmp, &ty, &[lhs, rhs], &Ty::Int(IntTy::I64));
                self.cmp_result(op, S(res.s), d);
            }
        }
    }

    fn cast_into(&mut self, e: &Expr, to: &Ty, d: S) {
        let m = self.mark();
        let a = self.expr_s(e);
        match (&e.ty, to) {
            (Ty::Int(_) | Ty::Bool | Ty::Char, Ty::Int(t)) => {
                self.emit(Inst::Mov { dst: d, src: a });
                self.norm(d, *t);
            }
            (Ty::Int(_), Ty::Char) => {
                self.emit(Inst::Mov { dst: d, src: a });
            }
            (Ty::Int(f), Ty::Float(t)) => {
                let unsigned = !f.signed();
                let op = match (t, unsigned) {
                    (FloatTy::F64, false) => Cvt::SToF64,
                    (FloatTy::F64, true) => Cvt::UToF64,
                    (FloatTy::F32, false) => Cvt::SToF32,
                    (FloatTy::F32, true) => Cvt::UToF32,
                };
                self.emit(Inst::Cvt { dst: d, src: a, op });
            }
            (Ty::Float(f), Ty::Int(t)) => {
                let src = if *f == FloatTy::F32 {
                    self.emit(Inst::Cvt {
                        dst: d,
                        src: a,
                        op: Cvt::F32ToF64,
                    });
                    d
                } else {
                    a
                };
                if t.bits() < 64 {
                    // Convert (NaN gives 0), then saturate at the target's bounds, as
                    // Rust's `as` does.
                    let op = if t.signed() { Cvt::F64ToS } else { Cvt::F64ToU };
                    self.emit(Inst::Cvt { dst: d, src, op });
                    let (lo, hi) = t.range();
                    let bound = self.alloc_s();
                    let flag = self.alloc_s();
                    self.load_int(bound, hi as u64);
                    self.emit(if t.signed() {
                        Inst::LtS {
                            dst: flag,
                            a: bound,
                            b: d,
                        }
                    } else {
                        Inst::LtU {
                            dst: flag,
                            a: bound,
                            b: d,
                        }
                    });
                    let j = self.emit(Inst::JmpIfNot {
                        cond: flag,
                        target: 0,
                    });
                    self.emit(Inst::Mov { dst: d, src: bound });
                    self.patch_here(vec![j]);
                    if t.signed() {
                        self.load_int(bound, lo as u64);
                        let j = self.emit(Inst::JmpGeS {
                            a: d,
                            b: bound,
                            target: 0,
                        });
                        self.emit(Inst::Mov { dst: d, src: bound });
                        self.patch_here(vec![j]);
                    }
                } else {
                    let op = if t.signed() { Cvt::F64ToS } else { Cvt::F64ToU };
                    self.emit(Inst::Cvt { dst: d, src, op });
                }
            }
            (Ty::Float(FloatTy::F32), Ty::Float(FloatTy::F64)) => {
                self.emit(Inst::Cvt {
                    dst: d,
                    src: a,
                    op: Cvt::F32ToF64,
                });
            }
            (Ty::Float(FloatTy::F64), Ty::Float(FloatTy::F32)) => {
                self.emit(Inst::Cvt {
                    dst: d,
                    src: a,
                    op: Cvt::F64ToF32,
                });
            }
            _ => {
                self.emit(Inst::Mov { dst: d, src: a });
            }
        }
        self.release(m);
    }

    /// Emits jumps taken when `e` is `jump_if`; returns them for patching.
    fn cond_jump(&mut self, e: &Expr, jump_if: bool) -> Vec<usize> {
        use tir::BinOp as B;
        match &e.kind {
            ExprKind::Bool(b) => {
                if *b == jump_if {
                    vec![self.emit(Inst::Jmp { target: 0 })]
                } else {
                    vec![]
                }
            }
            ExprKind::Unary {
                op: tir::UnOp::Not,
                expr,
            } if matches!(expr.ty, Ty::Bool) => self.cond_jump(expr, !jump_if),
            ExprKind::And(a, b) => {
                if !jump_if {
                    let mut j = self.cond_jump(a, false);
                    j.extend(self.cond_jump(b, false));
                    j
                } else {
                    let fail = self.cond_jump(a, false);
                    let t = self.cond_jump(b, true);
                    self.patch_here(fail);
                    t
                }
            }
            ExprKind::Or(a, b) => {
                if jump_if {
                    let mut j = self.cond_jump(a, true);
                    j.extend(self.cond_jump(b, true));
                    j
                } else {
                    let ok = self.cond_jump(a, true);
                    let f = self.cond_jump(b, false);
                    self.patch_here(ok);
                    f
                }
            }
            ExprKind::Binary {
                op: op @ (B::Lt | B::Le | B::Gt | B::Ge),
                lhs,
                rhs,
            } if matches!(&lhs.ty, Ty::Int(i) if i.bits() != 64 || i.signed()) => {
                let m = self.mark();
                let a = self.expr_s(lhs);
                let b = self.expr_s(rhs);
                self.at(e.span);
                // Express as "jump if x < y" or "jump if x >= y".
                let (x, y, lt) = match (op, jump_if) {
                    (B::Lt, true) => (a, b, true),
                    (B::Lt, false) => (a, b, false),
                    (B::Ge, true) => (a, b, false),
                    (B::Ge, false) => (a, b, true),
                    (B::Gt, true) => (b, a, true),
                    (B::Gt, false) => (b, a, false),
                    (B::Le, true) => (b, a, false),
                    _ => (b, a, true),
                };
                let j = self.emit(if lt {
                    Inst::JmpLtS {
                        a: x,
                        b: y,
                        target: 0,
                    }
                } else {
                    Inst::JmpGeS {
                        a: x,
                        b: y,
                        target: 0,
                    }
                });
                self.release(m);
                vec![j]
            }
            _ => {
                let m = self.mark();
                let c = self.expr_s(e);
                let j = self.emit(if jump_if {
                    Inst::JmpIf { cond: c, target: 0 }
                } else {
                    Inst::JmpIfNot { cond: c, target: 0 }
                });
                self.release(m);
                vec![j]
            }
        }
    }

    // ---------- loops ----------

    fn while_loop(&mut self, cond: &Expr, body: &Expr) {
        // Rotated loop: test once, then body and the test at the bottom.
        let exit = self.cond_jump(cond, false);
        let top = self.here();
        let breaks = self.loop_body(body);
        let back = self.cond_jump(cond, true);
        for b in back {
            self.patch(b, top);
        }
        self.patch_here(exit);
        self.patch_here(breaks);
    }

    fn unit_expr(&mut self, e: &Expr) {
        let m = self.mark();
        let l = self.layout(&e.ty);
        let tmp = self.alloc(l);
        self.expr_into(e, tmp);
        self.release(m);
    }

    /// Lowers a loop's body, then its back edge (where `continue` lands), and patches
    /// the loop's exits and `break`s to the instruction after it.
    /// Lowers a loop's body (its `continue`s land right after it); returns its
    /// `break`s, for the caller to patch to the loop's exit.
    fn loop_body(&mut self, body: &Expr) -> Vec<usize> {
        self.loops.push(LoopLabel {
            breaks: vec![],
            continues: vec![],
            result: None,
        });
        self.unit_expr(body);
        let lab = self.loops.pop().unwrap();
        let cont = self.here();
        for c in lab.continues {
            self.patch(c, cont);
        }
        lab.breaks
    }

    fn loop_body_and_back_edge(&mut self, body: &Expr, back_edge: Inst, exits: Vec<usize>) {
        let breaks = self.loop_body(body);
        self.emit(back_edge);
        self.patch_here(exits);
        self.patch_here(breaks);
    }

    /// A range loop's variable: the counter register itself unless the body may change
    /// it (`None`); else its own place, which the counter is copied to each time round
    /// (`Some`).
    fn bind_counter(&mut self, var: &Pat, ctr: S) -> Option<()> {
        match &var.kind {
            PatKind::Bind(l) if !self.local_info[l.0 as usize].mutable => {
                self.locals[l.0 as usize] = Some(Loc { s: ctr.0, r: 0 });
                None
            }
            _ => {
                self.prealloc_binds(var);
                Some(())
            }
        }
    }

    fn for_range(&mut self, var: &Pat, start: &Expr, end: &Expr, inclusive: bool, body: &Expr) {
        let m = self.mark();
        let ctr = self.alloc_s();
        let end_r = self.alloc_s();
        self.expr_into(start, Loc { s: ctr.0, r: 0 });
        self.expr_into(end, Loc { s: end_r.0, r: 0 });
        let var_loc = self.bind_counter(var, ctr);
        let exit = if inclusive {
            vec![self.emit(Inst::JmpLtS {
                a: end_r,
                b: ctr,
                target: 0,
            })]
        } else {
            vec![self.emit(Inst::JmpGeS {
                a: ctr,
                b: end_r,
                target: 0,
            })]
        };
        let top = self.here();
        if var_loc.is_some() {
            let mut fails = Vec::new();
            self.match_pat(var, Loc { s: ctr.0, r: 0 }, &mut fails);
            self.patch_here(fails);
        }
        let back_edge = if inclusive {
            Inst::LoopLe {
                ctr,
                end: end_r,
                target: top,
            }
        } else {
            Inst::LoopLt {
                ctr,
                end: end_r,
                target: top,
            }
        };
        self.loop_body_and_back_edge(body, back_edge, exit);
        self.release(m);
    }

    /// `for i in (lo..hi).rev()` / `(lo..=hi).rev()`: the counter starts at the top and
    /// steps down, never past `lo` (so unsigned ranges down to 0 do not wrap).
    fn for_range_down(&mut self, var: &Pat, lo: &Expr, hi: &Expr, inclusive: bool, body: &Expr) {
        let m = self.mark();
        let ctr = self.alloc_s();
        let lo_r = self.alloc_s();
        self.expr_into(hi, Loc { s: ctr.0, r: 0 });
        self.expr_into(lo, Loc { s: lo_r.0, r: 0 });
        let var_loc = self.bind_counter(var, ctr);
        // Empty: `hi <= lo` (exclusive) or `hi < lo` (inclusive).
        let mut exits = vec![if inclusive {
            self.emit(Inst::JmpLtS {
                a: ctr,
                b: lo_r,
                target: 0,
            })
        } else {
            self.emit(Inst::JmpGeS {
                a: lo_r,
                b: ctr,
                target: 0,
            })
        }];
        let top = self.here();
        // Exclusive: step down first (the counter starts one past the top).
        let step = Inst::AddImm64 {
            dst: ctr,
            a: ctr,
            imm: -1,
        };
        if !inclusive {
            self.emit(step);
        }
        if var_loc.is_some() {
            let mut fails = Vec::new();
            self.match_pat(var, Loc { s: ctr.0, r: 0 }, &mut fails);
            self.patch_here(fails);
        }
        let breaks = self.loop_body(body);
        if inclusive {
            // Done once the counter is `lo`; else step down and go round.
            exits.push(self.emit(Inst::JmpGeS {
                a: lo_r,
                b: ctr,
                target: 0,
            }));
            self.emit(step);
            self.emit(Inst::Jmp { target: top });
        } else {
            self.emit(Inst::JmpLtS {
                a: lo_r,
                b: ctr,
                target: top,
            });
        }
        self.patch_here(exits);
        self.patch_here(breaks);
        self.release(m);
    }

    fn for_vec(&mut self, var: &Pat, vec: &Expr, body: &Expr) {
        let m = self.mark();
        let elem = match &vec.ty {
            Ty::Vec(t) => (**t).clone(),
            _ => Ty::Error,
        };
        let v = self.alloc_r();
        let idx = self.alloc_s();
        let len = self.alloc_s();
        // The loop iterates over a snapshot (a shared reference): value semantics.
        self.expr_into(vec, Loc { s: 0, r: v.0 });
        self.emit(Inst::VecLen { dst: len, v });
        self.emit(Inst::LoadI { dst: idx, imm: 0 });
        self.prealloc_binds(var);
        let el = self.layout(&elem);
        let item = match &var.kind {
            PatKind::Bind(l) => self.local_loc(*l),
            _ => self.alloc(el),
        };
        let exit = self.emit(Inst::JmpGeS {
            a: idx,
            b: len,
            target: 0,
        });
        let top = self.here();
        self.vec_load(v, idx, &elem, Layout::ZERO, el, item);
        if !matches!(var.kind, PatKind::Bind(_)) {
            let mut fails = Vec::new();
            self.match_pat(var, item, &mut fails);
            self.patch_here(fails);
        }
        self.loop_body_and_back_edge(
            body,
            Inst::LoopLt {
                ctr: idx,
                end: len,
                target: top,
            },
            vec![exit],
        );
        self.release(m);
    }

    fn for_map(&mut self, var: &Pat, map: &Expr, body: &Expr) {
        let m = self.mark();
        let entry_ty = match &map.ty {
            Ty::Map(k, v) => Ty::Tuple(vec![(**k).clone(), (**v).clone()]),
            _ => Ty::Error,
        };
        let mr = self.alloc_r();
        let idx = self.alloc_s();
        let len = self.alloc_s();
        self.expr_into(map, Loc { s: 0, r: mr.0 });
        let usize_t = Ty::Int(IntTy::Usize);
        {
            let m2 = self.mark();
            let res = self.intrinsic_locs(
                Intrinsic::MapLen,
                &map.ty,
                &[(Loc { s: 0, r: mr.0 }, Layout::REF)],
                Layout::WORD,
            );
            self.emit(Inst::Mov {
                dst: len,
                src: S(res.s),
            });
            self.release(m2);
        }
        let _ = usize_t;
        self.emit(Inst::LoadI { dst: idx, imm: 0 });
        self.prealloc_binds(var);
        let el = self.layout(&entry_ty);
        let item = self.alloc(el);
        let exit = self.emit(Inst::JmpGeS {
            a: idx,
            b: len,
            target: 0,
        });
        let top = self.here();
        {
            let m2 = self.mark();
            let res = self.intrinsic_locs(
                Intrinsic::MapEntryAt,
                &map.ty,
                &[
                    (Loc { s: 0, r: mr.0 }, Layout::REF),
                    (Loc { s: idx.0, r: 0 }, Layout::WORD),
                ],
                el,
            );
            self.move_val(res, item, el);
            self.release(m2);
        }
        let mut fails = Vec::new();
        self.match_pat(var, item, &mut fails);
        self.patch_here(fails);
        self.loop_body_and_back_edge(
            body,
            Inst::LoopLt {
                ctr: idx,
                end: len,
                target: top,
            },
            vec![exit],
        );
        self.release(m);
    }

    // ---------- match ----------

    fn match_into(&mut self, scrutinee: &Expr, arms: &[tir::Arm], dst: Loc, span: Span) {
        let m = self.mark();
        let s = self.expr_loc(scrutinee);
        let mut ends = Vec::new();
        for arm in arms {
            let am = self.mark();
            self.prealloc_binds(&arm.pat);
            let mut fails = Vec::new();
            self.match_pat(&arm.pat, s, &mut fails);
            if let Some(g) = &arm.guard {
                fails.extend(self.cond_jump(g, false));
            }
            self.expr_into(&arm.body, dst);
            self.release(am);
            ends.push(self.emit(Inst::Jmp { target: 0 }));
            self.patch_here(fails);
        }
        // Exhaustiveness was checked; this is only reachable through a checker bug.
        self.at(span);
        let r = self.alloc_r();
        self.load_str(r, "internal error: no match arm matched");
        self.emit(Inst::Panic { msg: r });
        self.patch_here(ends);
        self.release(m);
    }

    /// Tests `p` against the value at `loc`, binding as it goes; failing tests jump to
    /// the returned patches.
    fn match_pat(&mut self, p: &Pat, loc: Loc, fails: &mut Vec<usize>) {
        match &p.kind {
            PatKind::Wild => {}
            PatKind::Bind(l) => {
                let dst = self.local_loc(*l);
                let lay = self.layout(&p.ty);
                self.copy(loc, dst, lay);
            }
            PatKind::At(l, sub) => {
                self.match_pat(sub, loc, fails);
                let dst = self.local_loc(*l);
                let lay = self.layout(&p.ty);
                self.copy(loc, dst, lay);
            }
            PatKind::Int(v) => {
                let word = match &p.ty {
                    Ty::Int(i) => canonical(*v, *i),
                    _ => *v as u64,
                };
                self.test_word(loc, word, fails);
            }
            PatKind::Char(c) => self.test_word(loc, *c as u64, fails),
            PatKind::Bool(b) => {
                fails.push(self.emit(if *b {
                    Inst::JmpIfNot {
                        cond: S(loc.s),
                        target: 0,
                    }
                } else {
                    Inst::JmpIf {
                        cond: S(loc.s),
                        target: 0,
                    }
                }));
            }
            PatKind::Float(f) => {
                let m = self.mark();
                let (k, t) = (self.alloc_s(), self.alloc_s());
                let ft = match p.ty {
                    Ty::Float(ft) => ft,
                    _ => FloatTy::F64,
                };
                self.load_float(k, *f, ft);
                self.emit(if ft == FloatTy::F64 {
                    Inst::EqF64 {
                        dst: t,
                        a: S(loc.s),
                        b: k,
                    }
                } else {
                    Inst::EqF32 {
                        dst: t,
                        a: S(loc.s),
                        b: k,
                    }
                });
                fails.push(self.emit(Inst::JmpIfNot { cond: t, target: 0 }));
                self.release(m);
            }
            PatKind::Str(s) => {
                let m = self.mark();
                let k = self.alloc_r();
                let t = self.alloc_s();
                self.load_str(k, s);
                self.emit(Inst::StrEq {
                    dst: t,
                    a: R(loc.r),
                    b: k,
                });
                fails.push(self.emit(Inst::JmpIfNot { cond: t, target: 0 }));
                self.release(m);
            }
            PatKind::Range { lo, hi, inclusive } => {
                let m = self.mark();
                let canon = |v: i128| match &p.ty {
                    Ty::Int(i) => canonical(v, *i),
                    _ => v as u64,
                };
                if let Some(lo) = lo {
                    let k = self.alloc_s();
                    self.load_int(k, canon(*lo));
                    fails.push(self.emit(Inst::JmpLtS {
                        a: S(loc.s),
                        b: k,
                        target: 0,
                    }));
                }
                if let Some(hi) = hi {
                    let k = self.alloc_s();
                    self.load_int(k, canon(*hi));
                    fails.push(self.emit(if *inclusive {
                        Inst::JmpLtS {
                            a: k,
                            b: S(loc.s),
                            target: 0,
                        }
                    } else {
                        Inst::JmpGeS {
                            a: S(loc.s),
                            b: k,
                            target: 0,
                        }
                    }));
                }
                self.release(m);
            }
            PatKind::Fields(fs) => {
                for (i, sp) in fs {
                    let off = field_offset(&self.mb.c.env, &p.ty, None, *i);
                    self.match_pat(sp, loc.plus(off), fails);
                }
            }
            PatKind::Variant { variant, fields } => {
                let n = match &p.ty {
                    Ty::Adt(a, _) => self.mb.c.env.adt(*a).variants().len(),
                    _ => 2,
                };
                if n > 1 {
                    self.test_word(loc, *variant as u64, fails);
                }
                for (i, sp) in fields {
                    let off = field_offset(&self.mb.c.env, &p.ty, Some(*variant), *i);
                    self.match_pat(sp, loc.plus(off), fails);
                }
            }
            PatKind::Or(alts) => {
                let mut oks = Vec::new();
                for (k, alt) in alts.iter().enumerate() {
                    if k + 1 == alts.len() {
                        self.match_pat(alt, loc, fails);
                    } else {
                        let mut f = Vec::new();
                        self.match_pat(alt, loc, &mut f);
                        oks.push(self.emit(Inst::Jmp { target: 0 }));
                        self.patch_here(f);
                    }
                }
                self.patch_here(oks);
            }
        }
    }

    fn test_word(&mut self, loc: Loc, word: u64, fails: &mut Vec<usize>) {
        if let Ok(imm) = i32::try_from(word as i64) {
            fails.push(self.emit(Inst::JmpNeImm {
                a: S(loc.s),
                imm,
                target: 0,
            }));
            return;
        }
        let m = self.mark();
        let (k, t) = (self.alloc_s(), self.alloc_s());
        self.load_int(k, word);
        self.emit(Inst::EqI {
            dst: t,
            a: S(loc.s),
            b: k,
        });
        fails.push(self.emit(Inst::JmpIfNot { cond: t, target: 0 }));
        self.release(m);
    }

    // ---------- Option / Result helpers ----------

    /// `dst = payload` of the `ok_variant` of the option/result at `v`, else panic `msg`.
    fn unwrap_or_panic(
        &mut self,
        v: Loc,
        opt_ty: &Ty,
        ok_variant: u32,
        msg: &str,
        dst: Loc,
        payload_ty: &Ty,
    ) {
        let mut fails = Vec::new();
        self.test_word(v, ok_variant as u64, &mut fails);
        let off = field_offset(&self.mb.c.env, opt_ty, Some(ok_variant), 0);
        let l = self.layout(payload_ty);
        self.copy(v.plus(off), dst, l);
        let j = self.emit(Inst::Jmp { target: 0 });
        self.patch_here(fails);
        let m = self.mark();
        let r = self.alloc_r();
        self.load_str(r, msg);
        self.emit(Inst::Panic { msg: r });
        self.release(m);
        self.patch_here(vec![j]);
    }

    fn try_into(&mut self, inner: &Expr, dst: Loc, span: Span) {
        let m = self.mark();
        let v = self.expr_loc(inner);
        let (ok_variant, payload_ty) = match &inner.ty {
            Ty::Option(t) => (1, (**t).clone()),
            Ty::Result(t, _) => (0, (**t).clone()),
            _ => return,
        };
        let mut fails = Vec::new();
        self.test_word(v, ok_variant, &mut fails);
        let off = field_offset(&self.mb.c.env, &inner.ty, Some(ok_variant as u32), 0);
        let l = self.layout(&payload_ty);
        self.copy(v.plus(off), dst, l);
        let j = self.emit(Inst::Jmp { target: 0 });
        self.patch_here(fails);
        // Early return of None / Err(e).
        self.at(span);
        let ret_ty = self.ret_ty.clone();
        let rm = self.mark();
        let res = self.alloc_results();
        match (&inner.ty, &ret_ty) {
            (Ty::Option(_), _) => {
                self.emit(Inst::LoadI {
                    dst: S(res.s),
                    imm: 0,
                });
            }
            (Ty::Result(_, e), Ty::Result(..)) => {
                self.emit(Inst::LoadI {
                    dst: S(res.s),
                    imm: 1,
                });
                let src_off = field_offset(&self.mb.c.env, &inner.ty, Some(1), 0);
                let dst_off = field_offset(&self.mb.c.env, &ret_ty, Some(1), 0);
                let el = self.layout(e);
                self.copy(v.plus(src_off), res.plus(dst_off), el);
            }
            _ => {}
        }
        self.emit_ret(res, &ret_ty);
        self.s_top = rm.0;
        self.r_top = rm.1;
        self.patch_here(vec![j]);
        self.release(m);
    }

    fn default_into(&mut self, ty: &Ty, dst: Loc) {
        match ty {
            Ty::Vec(t) => {
                let id = self.tid(t);
                self.emit(Inst::VecNew {
                    dst: R(dst.r),
                    elem: id,
                });
            }
            Ty::Map(..) => {
                let id = self.tid(ty);
                self.emit(Inst::MapNew {
                    dst: R(dst.r),
                    ty: id,
                });
            }
            Ty::Str => self.load_str(R(dst.r), ""),
            Ty::Int(_) | Ty::Bool | Ty::Char | Ty::Float(_) => {
                self.emit(Inst::LoadI {
                    dst: S(dst.s),
                    imm: 0,
                });
            }
            _ => {
                let m = self.mark();
                let l = self.layout(ty);
                let res = self.intrinsic_locs(Intrinsic::Default, ty, &[], l);
                self.move_val(res, dst, l);
                self.release(m);
            }
        }
    }

    // ---------- built-ins ----------

    fn format_into(&mut self, pieces: &[tir::FmtPiece], args: &[Expr], dst: R) {
        let m = self.mark();
        let locs: Vec<Loc> = args.iter().map(|a| self.expr_loc(a)).collect();
        let mut out = Vec::new();
        for p in pieces {
            match p {
                tir::FmtPiece::Lit(s) => out.push(bc::FormatPiece::Lit(s.clone())),
                tir::FmtPiece::Arg(i, style) => {
                    let ty = self.tid(&args[*i].ty);
                    out.push(bc::FormatPiece::Arg(bc::FormatArg {
                        ty,
                        style: *style,
                        s: locs[*i].s,
                        r: locs[*i].r,
                    }));
                }
            }
        }
        let spec = bc::ConstId(self.mb.out.formats.len() as u32);
        self.mb.out.formats.push(bc::FormatSpec { pieces: out });
        self.emit(Inst::Format { dst, spec });
        self.release(m);
    }

    fn intrinsic_to(&mut self, op: Intrinsic, tyop: &Ty, args: &[&Expr], res_ty: &Ty, dst: Loc) {
        let l = self.layout(res_ty);
        let res = self.intrinsic_exprs(op, tyop, args, res_ty);
        self.move_val(res, dst, l);
    }

    #[allow(clippy::too_many_arguments)]
    fn unwrap_with_message(
        &mut self,
        v: Loc,
        opt_ty: &Ty,
        ok: u32,
        msg: Option<&Expr>,
        op: Builtin,
        dst: Loc,
        payload_ty: &Ty,
    ) {
        let mut fails = Vec::new();
        self.test_word(v, ok as u64, &mut fails);
        let off = field_offset(&self.mb.c.env, opt_ty, Some(ok), 0);
        let l = self.layout(payload_ty);
        self.copy(v.plus(off), dst, l);
        let j = self.emit(Inst::Jmp { target: 0 });
        self.patch_here(fails);
        let m = self.mark();
        let r = self.alloc_r();
        match opt_ty {
            Ty::Result(_, e) => {
                // "called `Result::unwrap()` on an `Err` value: {e:?}" or "{msg}: {e:?}"
                let err_off = field_offset(&self.mb.c.env, opt_ty, Some(1), 0);
                let err_loc = v.plus(err_off);
                let ety = self.tid(e);
                let head = if op == Builtin::Expect {
                    msg.map(|m| self.expr_r(m))
                } else {
                    None
                };
                let debug = bc::FormatStyle {
                    debug: true,
                    ..Default::default()
                };
                let mut pieces = Vec::new();
                match head {
                    Some(hr) => {
                        let st = self.tid(&Ty::Str);
                        pieces.push(bc::FormatPiece::Arg(bc::FormatArg {
                            ty: st,
                            style: Default::default(),
                            s: 0,
                            r: hr.0,
                        }));
                        pieces.push(bc::FormatPiece::Lit(": ".into()));
                    }
                    None => pieces.push(bc::FormatPiece::Lit(
                        "called `Result::unwrap()` on an `Err` value: ".into(),
                    )),
                }
                pieces.push(bc::FormatPiece::Arg(bc::FormatArg {
                    ty: ety,
                    style: debug,
                    s: err_loc.s,
                    r: err_loc.r,
                }));
                let spec = bc::ConstId(self.mb.out.formats.len() as u32);
                self.mb.out.formats.push(bc::FormatSpec { pieces });
                self.emit(Inst::Format { dst: r, spec });
            }
            _ => match msg {
                Some(mexpr) => {
                    let mr = self.expr_r(mexpr);
                    self.emit(Inst::MovR { dst: r, src: mr });
                }
                None => self.load_str(r, "called `Option::unwrap()` on a `None` value"),
            },
        }
        self.emit(Inst::Panic { msg: r });
        self.release(m);
        self.patch_here(vec![j]);
    }

    /// Runs a float operation on f64 values, converting f32 operands around it.
    fn float_op(&mut self, ty: &Ty, d: S, f: impl FnOnce(&mut Self, S), a: S, b: Option<S>) {
        if matches!(ty, Ty::Float(FloatTy::F32)) {
            self.emit(Inst::Cvt {
                dst: d,
                src: a,
                op: Cvt::F32ToF64,
            });
            if let Some(b) = b {
                self.emit(Inst::Cvt {
                    dst: b,
                    src: b,
                    op: Cvt::F32ToF64,
                });
            }
            f(self, d);
            self.emit(Inst::Cvt {
                dst: d,
                src: d,
                op: Cvt::F64ToF32,
            });
        } else {
            self.emit(Inst::Mov { dst: d, src: a });
            f(self, d);
        }
    }

    fn min_max(&mut self, is_min: bool, a: &Expr, b: &Expr, d: S) {
        if let Ty::Float(_) = a.ty {
            let x = self.expr_s(a);
            let y = self.expr_s(b);
            let op = if is_min { FBinary::Min } else { FBinary::Max };
            self.float_op(
                &a.ty.clone(),
                d,
                |fl, t| {
                    fl.emit(Inst::FBinary {
                        dst: t,
                        a: t,
                        b: y,
                        op,
                    });
                },
                x,
                Some(y),
            );
            return;
        }
        let x = self.expr_s(a);
        let y = self.expr_s(b);
        let unsigned64 = matches!(a.ty, Ty::Int(i) if i.bits() == 64 && !i.signed());
        let t = self.alloc_s();
        // d = x; if (min: y < x | max: x < y) d = y
        let (p, q) = if is_min { (y, x) } else { (x, y) };
        self.emit(if unsigned64 {
            Inst::LtU { dst: t, a: p, b: q }
        } else {
            Inst::LtS { dst: t, a: p, b: q }
        });
        self.emit(Inst::Mov { dst: d, src: x });
        let j = self.emit(Inst::JmpIfNot { cond: t, target: 0 });
        self.emit(Inst::Mov { dst: d, src: y });
        self.patch_here(vec![j]);
    }

    fn abs_into(&mut self, a: &Expr, d: S) {
        let x = self.expr_s(a);
        match &a.ty {
            Ty::Float(_) => self.float_op(
                &a.ty.clone(),
                d,
                |fl, t| {
                    fl.emit(Inst::FUnary {
                        dst: t,
                        a: t,
                        op: FUnary::Abs,
                    });
                },
                x,
                None,
            ),
            Ty::Int(i) => {
                let z = self.alloc_s();
                self.emit(Inst::LoadI { dst: z, imm: 0 });
                self.emit(Inst::Mov { dst: d, src: x });
                if i.signed() {
                    let j = self.emit(Inst::JmpGeS {
                        a: x,
                        b: z,
                        target: 0,
                    });
                    self.emit(Inst::Neg64 { dst: d, a: x });
                    self.norm(d, *i);
                    self.patch_here(vec![j]);
                }
            }
            _ => {}
        }
    }

    fn int_pow(&mut self, base: &Expr, exp: &Expr, d: S) {
        let Ty::Int(i) = base.ty else { return };
        let b = self.expr_s(base);
        let n = self.expr_s(exp);
        let k = self.alloc_s();
        let acc = self.alloc_s();
        self.emit(Inst::LoadI { dst: acc, imm: 1 });
        self.emit(Inst::LoadI { dst: k, imm: 0 });
        let exit = self.emit(Inst::JmpGeS {
            a: k,
            b: n,
            target: 0,
        });
        let top = self.here();
        self.int_binary(tir::BinOp::Mul, i, acc, acc, b);
        self.emit(Inst::LoopLt {
            ctr: k,
            end: n,
            target: top,
        });
        self.patch_here(vec![exit]);
        self.emit(Inst::Mov { dst: d, src: acc });
    }
}

/// The element type of a vector, or the value type of a box (a one-element vector).
fn vec_elem(t: &Ty) -> Ty {
    match t {
        Ty::Vec(e) | Ty::Box(e) => (**e).clone(),
        _ => Ty::Error,
    }
}

fn c_index(c: crate::env::ConstId) -> usize {
    c.0 as usize
}
