//! Trait objects: handles to one boxed value and the vtable of its type's impl of a
//! trait.
//!
//! A trait object is a heap object like a string or a vector, but it is a *handle*:
//! copies of it share one value, and a `&mut self` method mutates that value in place
//! (no copy-on-write). The value itself is a `Box[T]` (a one-element vector) that the
//! method shims take out (`DynTake`), run the method on, and put back (`DynPut`).
//!
//! The vtable is shared by every object of the same module, type and trait, and by
//! every version of the module: activating a new version repoints it, so an object
//! made before a reload calls the new code on its next method call. An object records
//! the instance whose layout its value has; when that is not the vtable's instance,
//! the caller migrates the value first (see `Program::migrate_dyn`).

use std::ptr::NonNull;
use std::sync::atomic::{AtomicPtr, AtomicU32, AtomicUsize, Ordering};
use std::sync::Arc;

use crate::core::InstanceList;
use crate::heap::{HeapObj, Obj};
use crate::link::Linked;

/// Which impl a vtable is: the module that defines the type, the type's name, and the
/// trait's short name (traits match across modules by name and method signatures).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VTableKey {
    pub module: String,
    pub ty: String,
    pub trait_name: String,
}

impl std::fmt::Display for VTableKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "impl {} for {}.{}",
            self.trait_name, self.module, self.ty
        )
    }
}

/// One impl's vtable. `repr(C)`: generated code reads `native` and `inst` (the
/// `dast_abi::heap::VTable` mirror).
#[repr(C)]
pub struct VTable {
    /// `natives`' first entry, for generated code.
    pub(crate) native: *const AtomicUsize,
    /// The instance whose shims `funcs` lists.
    pub(crate) inst: AtomicU32,
    /// Body address per method, or zero (see `dast_abi::heap::VTable::native`).
    natives: Box<[AtomicUsize]>,
    /// The shim (function index in instance `inst`) per method.
    funcs: Box<[AtomicU32]>,
    /// Objects alive with this vtable.
    live: AtomicUsize,
    pub key: VTableKey,
}

// SAFETY: `native` points into `natives`, owned by the same vtable and never
// reallocated; everything mutable is atomic.
unsafe impl Send for VTable {}
// SAFETY: as for the impl above.
unsafe impl Sync for VTable {}

impl VTable {
    pub fn new(key: VTableKey, inst: u32, funcs: &[u32]) -> Arc<VTable> {
        let natives: Box<[AtomicUsize]> = funcs.iter().map(|_| AtomicUsize::new(0)).collect();
        Arc::new(VTable {
            native: natives.as_ptr(),
            inst: AtomicU32::new(inst),
            natives,
            funcs: funcs.iter().map(|&f| AtomicU32::new(f)).collect(),
            live: AtomicUsize::new(0),
            key,
        })
    }

    pub fn methods(&self) -> usize {
        self.funcs.len()
    }

    #[inline]
    pub fn inst(&self) -> u32 {
        self.inst.load(Ordering::Acquire)
    }

    #[inline]
    pub fn func(&self, slot: usize) -> Option<u32> {
        self.funcs.get(slot).map(|f| f.load(Ordering::Relaxed))
    }

    /// Points the vtable at another instance's shims (a new version), with no machine
    /// code until [`VTable::set_native`] says so.
    pub fn repoint(&self, inst: u32, funcs: &[u32]) {
        debug_assert_eq!(funcs.len(), self.funcs.len());
        for (slot, f) in self.funcs.iter().zip(funcs) {
            slot.store(*f, Ordering::Relaxed);
        }
        for n in self.natives.iter() {
            n.store(0, Ordering::Relaxed);
        }
        self.inst.store(inst, Ordering::Release);
    }

    /// Sets method `slot`'s body address (machine code of the vtable's instance).
    pub fn set_native(&self, slot: usize, address: usize) {
        self.natives[slot].store(address, Ordering::Release);
    }

    /// How many objects of this vtable are alive.
    pub fn live(&self) -> usize {
        self.live.load(Ordering::Acquire)
    }
}

/// A trait object. `repr(C)`: generated code reads `vtable` and `inst` (the
/// `dast_abi::heap::DynObj` mirror).
#[repr(C)]
pub(crate) struct DynObj {
    /// From `Arc::into_raw`: the object holds one count of the vtable.
    pub(crate) vtable: NonNull<VTable>,
    /// The instance whose layout `payload`'s value has.
    pub(crate) inst: AtomicU32,
    /// The boxed value (`Option<Obj>` as a raw pointer; null while taken).
    pub(crate) payload: AtomicPtr<()>,
}

// SAFETY: the vtable is shared through an `Arc` count the object owns; the payload is
// an `Obj` (Send + Sync) moved in and out with atomic swaps.
unsafe impl Send for DynObj {}
// SAFETY: as for the impl above.
unsafe impl Sync for DynObj {}

fn into_raw(o: Option<Obj>) -> *mut () {
    match o {
        Some(o) => o.into_raw(),
        None => std::ptr::null_mut(),
    }
}

fn from_raw(p: *mut ()) -> Option<Obj> {
    // SAFETY: every non-null pointer stored in a payload came from `Obj::into_raw` and
    // is swapped out exactly once.
    (!p.is_null()).then(|| unsafe { Obj::from_raw(p) })
}

impl DynObj {
    pub fn new(vtable: Arc<VTable>, inst: u32, payload: Option<Obj>) -> DynObj {
        vtable.live.fetch_add(1, Ordering::AcqRel);
        let ptr = Arc::into_raw(vtable).cast_mut();
        DynObj {
            // SAFETY: `Arc::into_raw` never returns null.
            vtable: unsafe { NonNull::new_unchecked(ptr) },
            inst: AtomicU32::new(inst),
            payload: AtomicPtr::new(into_raw(payload)),
        }
    }

    #[inline]
    pub fn vtable(&self) -> &VTable {
        // SAFETY: the object holds a count of the vtable for its whole life.
        unsafe { self.vtable.as_ref() }
    }

    pub fn vtable_arc(&self) -> Arc<VTable> {
        // SAFETY: the pointer came from `Arc::into_raw` and the object still holds
        // that count; this adds one for the returned `Arc`.
        unsafe {
            Arc::increment_strong_count(self.vtable.as_ptr());
            Arc::from_raw(self.vtable.as_ptr())
        }
    }

    #[inline]
    pub fn inst(&self) -> u32 {
        self.inst.load(Ordering::Acquire)
    }

    pub fn set_inst(&self, inst: u32) {
        self.inst.store(inst, Ordering::Release);
    }

    /// The boxed value, moved out (`None` while a `&mut self` method has it).
    pub fn take(&self) -> Option<Obj> {
        from_raw(self.payload.swap(std::ptr::null_mut(), Ordering::AcqRel))
    }

    /// Puts a value back, releasing any value that was there.
    pub fn put(&self, value: Option<Obj>) {
        drop(from_raw(
            self.payload.swap(into_raw(value), Ordering::AcqRel),
        ));
    }

    /// A new reference to the boxed value, if it is in.
    pub fn load(&self) -> Option<Obj> {
        let value = self.take();
        let copy = value.clone();
        self.put(value);
        copy
    }
}

impl Clone for DynObj {
    /// Only reached if something copies the object itself (copy-on-write never does:
    /// the VM mutates trait objects through `&`): a new handle to a copy of the value.
    fn clone(&self) -> DynObj {
        DynObj::new(self.vtable_arc(), self.inst(), self.load())
    }
}

impl Drop for DynObj {
    fn drop(&mut self) {
        drop(self.take());
        self.vtable().live.fetch_sub(1, Ordering::AcqRel);
        // SAFETY: the count taken by `Arc::into_raw` in `new`, released once.
        drop(unsafe { Arc::from_raw(self.vtable.as_ptr()) });
    }
}

/// The trait object `r` holds, or why not.
pub(crate) fn dyn_of(r: &Option<Obj>) -> Result<&DynObj, String> {
    match r.as_ref().map(Obj::get) {
        Some(HeapObj::Dyn(d)) => Ok(d),
        Some(other) => Err(crate::typed::wrong_kind("a trait object", other)),
        None => Err(crate::typed::moved()),
    }
}

/// Where `CallDyn` of the caller's dynamic call `d` on the object `obj` goes: the
/// instance and shim its vtable names, after migrating the object's value to that
/// instance's layout if a reload changed it. Panics (as `Err`) when the object's type
/// lacks the method or its shim does not take what the caller passes.
///
/// `None` when the vtable or the object names an instance `modules` (a machine's view)
/// does not have yet: the machine takes the newest view and tries again.
pub(crate) fn dyn_target(
    modules: &InstanceList,
    caller: &Linked,
    d: u32,
    obj: &Option<Obj>,
) -> Result<Option<(usize, u32)>, String> {
    let o = dyn_of(obj)?;
    let vt = o.vtable();
    let call = &caller.m.dyn_methods[d as usize];
    let ti = vt.inst() as usize;
    if ti >= modules.len() || o.inst() as usize >= modules.len() {
        return Ok(None);
    }
    let Some(f) = vt.func(call.slot as usize) else {
        return Err(no_such_method(vt, &call.name));
    };
    let Some(target) = modules.get(ti) else {
        return Err(crate::typed::internal("a vtable names no instance"));
    };
    let Some(info) = target.funcs.get(f as usize) else {
        return Err(no_such_method(vt, &call.name));
    };
    if (info.params, info.results) != caller.dyn_sigs[d as usize] {
        return Err(format!(
            "method `{}` of `{}` does not take what trait `{}` says: its impl changed",
            call.name, vt.key.ty, vt.key.trait_name
        ));
    }
    if o.inst() as usize != ti {
        migrate(modules, o, ti)?;
    }
    Ok(Some((ti, f)))
}

/// Whether the trait object in `obj` still calls instance `ti` (activation of a new
/// version re-points its vtable).
pub(crate) fn still_targets(obj: &Option<Obj>, ti: usize) -> bool {
    dyn_of(obj).is_ok_and(|o| o.vtable().inst() as usize == ti)
}

#[cold]
fn no_such_method(vt: &VTable, name: &str) -> String {
    format!(
        "`{}` has no method `{name}` of trait `{}` (its module `{}` no longer implements it)",
        vt.key.ty, vt.key.trait_name, vt.key.module
    )
}

/// Rewrites the object's value from its instance's layout to instance `to`'s (the
/// rules of `serialize`/`deserialize`: fields kept by name, widened numbers, added
/// fields at their defaults).
#[cold]
#[inline(never)]
pub(crate) fn migrate(modules: &InstanceList, o: &DynObj, to: usize) -> Result<(), String> {
    let key = &o.vtable().key;
    let from = &modules[o.inst() as usize];
    let into = &modules[to];
    let (Some(old), Some(new)) = (from.impl_by_key(key), into.impl_by_key(key)) else {
        return Err(format!("cannot migrate a `{}`: {key} is gone", key.ty));
    };
    let Some(value) = o.take() else {
        return Err(format!("already borrowed: a `{}` is in use", key.ty));
    };
    let result = (|| {
        let holder = Some(value.clone());
        let (w, r) = crate::typed::box_view(from.types(), old.ty, &holder)?;
        let bytes = crate::serialize::serialize(from.types(), old.ty, (&w, r))?;
        let (mut nw, mut nr) = crate::typed::scratch(into.types().layout(new.ty));
        crate::serialize::deserialize(into.types(), new.ty, &bytes, &mut nw, &mut nr)?;
        Ok::<Obj, String>(crate::typed::make_box(into.types(), new.ty, &nw, &mut nr))
    })();
    match result {
        Ok(moved) => {
            o.put(Some(moved));
            o.set_inst(to as u32);
            Ok(())
        }
        Err(e) => {
            o.put(Some(value));
            Err(format!(
                "cannot migrate a `{}` to the new version: {e}",
                key.ty
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> VTableKey {
        VTableKey {
            module: "m".into(),
            ty: "T".into(),
            trait_name: "Tr".into(),
        }
    }

    #[test]
    fn objects_count_as_live_until_dropped() {
        let vt = VTable::new(key(), 0, &[3, 4]);
        let a = DynObj::new(vt.clone(), 0, Some(Obj::string("x".into())));
        let b = a.clone();
        assert_eq!(vt.live(), 2);
        drop(a);
        assert_eq!(vt.live(), 1);
        drop(b);
        assert_eq!(vt.live(), 0);
        assert_eq!(Arc::strong_count(&vt), 1);
    }

    #[test]
    fn a_taken_value_is_gone_until_put_back() {
        let vt = VTable::new(key(), 0, &[1]);
        let d = DynObj::new(vt, 0, Some(Obj::string("x".into())));
        let v = d.take();
        assert!(v.is_some());
        assert!(d.load().is_none());
        d.put(v);
        assert!(d.load().is_some());
    }

    #[test]
    fn repointing_changes_instance_and_clears_machine_code() {
        let vt = VTable::new(key(), 0, &[1, 2]);
        vt.set_native(0, 0x1000);
        vt.repoint(5, &[7, 8]);
        assert_eq!((vt.inst(), vt.func(1)), (5, Some(8)));
        assert_eq!(vt.natives[0].load(Ordering::Relaxed), 0);
    }
}
