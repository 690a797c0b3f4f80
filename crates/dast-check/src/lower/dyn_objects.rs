//! Lowering of boxes and trait objects: `Box.new`, the coercion to `dyn Trait`,
//! dynamic calls, and the impl table (shims, wrappers, makers) of each module.

use dast_bytecode as bc;
use dast_bytecode::{Inst, Intrinsic, Layout, R, S};

use super::{FnLower, Loc, ModuleBuilder};
use crate::dyn_impls::SynthFn;
use crate::tir::{Expr, ExprKind};
use crate::ty::{AdtId, TraitId, Ty};

impl<'c> ModuleBuilder<'c, '_> {
    /// Numbers this module's impls (its types' trait impls) before any body is
    /// lowered, so `DynNew` can name them.
    pub(super) fn plan_impls(&mut self) {
        for imp in &self.c.dyn_impls {
            if imp.module == self.module {
                let index = self.impl_ids.len() as u32;
                self.impl_ids.insert((imp.adt, imp.tr), index);
            }
        }
    }

    /// Lowers the shims, wrappers and makers of this module's impls and fills its
    /// impl table, in the order `plan_impls` numbered them.
    pub(super) fn lower_impls(&mut self) {
        let (c, module) = (self.c, self.module);
        for imp in c.dyn_impls.iter().filter(|i| i.module == module) {
            let ty = self.type_id(&Ty::adt(imp.adt));
            let methods = imp
                .shims
                .iter()
                .map(|shim| bc::ImplMethod {
                    name: shim.name.rsplit('.').next().unwrap_or("").to_string(),
                    shim: self.lower_synth(shim),
                })
                .collect();
            self.lower_synth(&imp.wrap);
            let make = imp.make.as_ref().map(|m| self.lower_synth(m));
            let trait_name = self.trait_name(imp.tr);
            self.out.impls.push(bc::ImplDesc {
                ty,
                trait_name,
                methods,
                make,
            });
        }
    }

    /// Lowers one synthesized function and returns its id.
    fn lower_synth(&mut self, f: &'c SynthFn) -> bc::FuncId {
        let sig = bc::Signature {
            params: f.params.iter().map(|t| self.type_id(t)).collect(),
            ret: self.type_id(&f.ret),
            mut_params: vec![],
        };
        let body = &f.body;
        let func = {
            let mut fl = FnLower::new(self, &body.locals);
            fl.ret_ty = f.ret.clone();
            for l in &body.params {
                let lay = fl.local_layout(*l);
                let loc = fl.alloc(lay);
                fl.locals[l.0 as usize] = Some(loc);
            }
            fl.lower_return_value(&body.value);
            fl.finish(f.name.clone(), sig, f.exported)
        };
        let id = bc::FuncId(self.out.functions.len() as u32);
        self.out.functions.push(func);
        id
    }

    /// The entry of the dynamic-call table for method `method` of `tr`.
    fn dyn_method(&mut self, tr: TraitId, method: u32, params: &[Ty], ret: &Ty) -> bc::DynMethodId {
        if let Some(&d) = self.dyn_ids.get(&(tr, method)) {
            return bc::DynMethodId(d);
        }
        let tdef = &self.c.env.traits[tr.0 as usize];
        let name = tdef
            .methods()
            .nth(method as usize)
            .map_or(String::new(), |m| m.name.name.clone());
        let mut sig_params = vec![self.type_id(&Ty::Dyn(tr))];
        sig_params.extend(params.iter().map(|t| self.type_id(t)));
        let sig = bc::Signature {
            params: sig_params,
            ret: self.type_id(ret),
            mut_params: vec![],
        };
        let trait_name = self.trait_name(tr);
        let id = self.out.dyn_methods.len() as u32;
        self.out.dyn_methods.push(bc::DynMethod {
            trait_name,
            name,
            slot: method,
            sig,
        });
        self.dyn_ids.insert((tr, method), id);
        bc::DynMethodId(id)
    }

    /// Lists method `method` of `tr` in the dynamic-call table with the signature the
    /// trait declares (for `instantiate`'s check).
    fn declare_dyn_method(&mut self, tr: TraitId, method: u32) {
        let env = &self.c.env;
        let Some(decl) = env.traits[tr.0 as usize].methods().nth(method as usize) else {
            return;
        };
        if let Some(sig) = crate::env::dyn_method_sig(env, tr, decl) {
            let params: Vec<Ty> = sig.params.iter().map(|p| p.ty.clone()).collect();
            self.dyn_method(tr, method, &params, &sig.ret);
        }
    }

    /// The import of another module's `Type.Trait.$wrap`.
    fn wrap_import(&mut self, adt: AdtId, tr: TraitId) -> bc::ImportId {
        let env = &self.c.env;
        let def = env.adt(adt);
        let module = env.modules[def.module.0 as usize].name.clone();
        let name = format!("{}.{}.$wrap", def.name, env.traits[tr.0 as usize].name);
        let key = format!("{module}\0{name}");
        if let Some(&i) = self.named_imports.get(&key) {
            return i;
        }
        let sig = bc::Signature {
            params: vec![self.type_id(&Ty::Box(Box::new(Ty::adt(adt))))],
            ret: self.type_id(&Ty::Dyn(tr)),
            mut_params: vec![],
        };
        let id = bc::ImportId(self.out.imports.len() as u32);
        self.out.imports.push(bc::Import { module, name, sig });
        self.named_imports.insert(key, id);
        id
    }
}

impl FnLower<'_, '_, '_> {
    /// A new vector of `elem`s holding `items`, in `dst`: a vector literal, and
    /// `Box.new(value)` (a one-element vector).
    pub(super) fn vec_of_into(&mut self, elem: &Ty, items: &[Expr], dst: Loc) {
        let elem = self.tid(elem);
        self.emit(Inst::VecNew {
            dst: R(dst.r),
            elem,
        });
        for it in items {
            let m = self.mark();
            let l = self.layout(&it.ty);
            let tmp = self.alloc(l);
            self.expr_into(it, tmp);
            self.emit(Inst::VecPush {
                v: R(dst.r),
                s: S(tmp.s),
                r: R(tmp.r),
            });
            self.release(m);
        }
    }

    /// A `Box[Type]` made a trait object: `DynNew` in the type's module, a call of its
    /// `$wrap` elsewhere (the vtable is the type's module's).
    pub(super) fn coerce_dyn_into(&mut self, value: &Expr, adt: AdtId, tr: TraitId, dst: Loc) {
        let m = self.mark();
        let local = self.mb.impl_ids.get(&(adt, tr)).copied();
        match local {
            Some(imp) => {
                let src = self.expr_r(value);
                self.emit(Inst::DynNew {
                    dst: R(dst.r),
                    src,
                    imp: bc::ImplId(imp),
                });
            }
            None => {
                let import = self.mb.wrap_import(adt, tr);
                let win = self.alloc(Layout::REF);
                self.expr_into(value, win);
                self.emit(Inst::CallImport {
                    import,
                    s: S(win.s),
                    r: R(win.r),
                });
                self.move_val(win, dst, Layout::REF);
            }
        }
        self.release(m);
    }

    /// `recv.method(args)` on a trait object: the object, then the arguments, in a
    /// window; `CallDyn`; the result moved to `dst`.
    pub(super) fn dyn_call_into(
        &mut self,
        e: &Expr,
        (tr, method): (TraitId, u32),
        recv: &Expr,
        args: &[Expr],
        dst: Loc,
    ) {
        let params: Vec<Ty> = args.iter().map(|a| a.ty.clone()).collect();
        let d = self.mb.dyn_method(tr, method, &params, &e.ty);
        let m = self.mark();
        let arg_layout = args
            .iter()
            .fold(Layout::REF, |acc, a| acc.plus(self.layout(&a.ty)));
        let ret_layout = self.layout(&e.ty);
        let win = self.alloc(Layout {
            words: arg_layout.words.max(ret_layout.words),
            refs: arg_layout.refs.max(ret_layout.refs),
        });
        self.expr_into(recv, win);
        let mut at = win.plus(Layout::REF);
        for a in args {
            self.expr_into(a, at);
            at = at.plus(self.layout(&a.ty));
        }
        self.at(e.span);
        self.emit(Inst::CallDyn {
            m: d,
            s: S(win.s),
            r: R(win.r),
        });
        self.move_val(win, dst, ret_layout);
        self.release(m);
    }

    /// `DynLoad`/`DynTake` (a shim's first step) and `DynPut` (its last).
    pub(super) fn dyn_payload_into(&mut self, obj: &Expr, take: bool, dst: Loc) {
        let m = self.mark();
        let o = self.expr_r(obj);
        self.emit(if take {
            Inst::DynTake {
                dst: R(dst.r),
                obj: o,
            }
        } else {
            Inst::DynLoad {
                dst: R(dst.r),
                obj: o,
            }
        });
        self.release(m);
    }

    pub(super) fn dyn_put(&mut self, obj: &Expr, value: &Expr) {
        let m = self.mark();
        let o = self.expr_r(obj);
        let v = self.expr_r(value);
        self.emit(Inst::DynPut { obj: o, src: v });
        self.release(m);
    }

    /// Lowers the trait-object expression kinds; false for any other kind.
    pub(super) fn dyn_expr_into(&mut self, e: &Expr, dst: Loc) -> bool {
        match &e.kind {
            ExprKind::BoxNew(v) => self.vec_of_into(&v.ty, std::slice::from_ref(v), dst),
            ExprKind::ToDyn { value, adt, tr } => self.coerce_dyn_into(value, *adt, *tr, dst),
            ExprKind::DynCall {
                tr,
                method,
                recv,
                args,
            } => self.dyn_call_into(e, (*tr, *method), recv, args, dst),
            ExprKind::DynPayload { obj, take } => self.dyn_payload_into(obj, *take, dst),
            ExprKind::DynPut { obj, value } => self.dyn_put(obj, value),
            ExprKind::LoadBytecode(path) => {
                // A `LoadedModule` is its name: one string.
                let m = self.mark();
                let res =
                    self.intrinsic_exprs(Intrinsic::LoadBytecode, &Ty::Str, &[path], &Ty::Str);
                self.move_val(res, dst, Layout::REF);
                self.release(m);
            }
            ExprKind::Instantiate { module, tr } => {
                // The program checks the impl against every method of the trait as
                // this module calls them: list them all.
                let n = self.mb.c.env.traits[tr.0 as usize].methods().count() as u32;
                for method in 0..n {
                    self.mb.declare_dyn_method(*tr, method);
                }
                let m = self.mark();
                let ty = Ty::Dyn(*tr);
                let res = self.intrinsic_exprs(Intrinsic::Instantiate, &ty, &[module], &ty);
                self.move_val(res, dst, Layout::REF);
                self.release(m);
            }
            _ => return false,
        }
        true
    }
}
