//! The reload transaction (hot-reload.md, "The reload transaction"): load and verify,
//! check compatibility, instantiate and migrate state, publish, and later drain. Steps
//! 1-3 touch only the new instance (and, for hooks, call `__on_unload__` on the old
//! one), so a failure among them discards the new instance and changes nothing else.

use std::sync::Arc;
use std::time::{Duration, Instant};

use dast_bytecode::Module;
use dast_vm::{Foreign, InstanceId, LinkError, StateHold, Value};

use crate::migrate::{self, Action};
use crate::registry::{try_free, Registry, Session, Version};
use crate::report::*;

/// `__on_unload__() -> Vec[u8]`: the old version's state, serialized.
pub const UNLOAD_HOOK: &str = "__on_unload__";
/// `__on_load__(data: Option[Vec[u8]])`: the new version takes the old one's bytes.
pub const LOAD_HOOK: &str = "__on_load__";

/// How state goes from the old version to the new one.
enum Strategy {
    /// Carry `var`s by name, following the migration plan.
    Auto(Vec<Action>),
    /// The new version's `__on_load__` (function `load`) takes over. `unload`: the old
    /// version's `__on_unload__`, whose bytes it gets (else `None`, after carrying what
    /// `auto` can carry automatically).
    Hooks {
        load: String,
        unload: Option<String>,
        auto: Option<Vec<Action>>,
    },
}

/// What migration did, for the report.
#[derive(Default)]
pub(crate) struct Migrated {
    migrated: Vec<String>,
    dropped: Vec<String>,
    initialized: Vec<String>,
    used_hooks: bool,
}

impl Registry {
    /// Replaces the active version of module `new.name` with `new`, all or nothing.
    /// On error, the old version is still active with its state untouched.
    pub fn reload(&mut self, new: Module) -> Result<ReloadReport, ReloadError> {
        let keep = self.hub.rollback;
        self.session().reload_with(new, None, keep)
    }

    /// As [`Registry::reload`], the new version running `code` instead of its bytecode
    /// (a native module's new library, see [`dast_vm::Foreign`]) when given.
    pub fn reload_foreign(
        &mut self,
        new: Module,
        code: Option<Arc<dyn Foreign>>,
    ) -> Result<ReloadReport, ReloadError> {
        let keep = self.hub.rollback;
        self.session().reload_with(new, code, keep)
    }
}

impl Session<'_> {
    /// See [`Registry::reload`]; also used while a call is suspended (a reload
    /// requested by running code).
    /// `keep`: how long the replaced version is kept to roll back to (`None`: it
    /// drains and is freed as usual).
    pub(crate) fn reload_with(
        &mut self,
        new: Module,
        code: Option<Arc<dyn Foreign>>,
        keep: Option<Duration>,
    ) -> Result<ReloadReport, ReloadError> {
        let name = new.name.clone();
        let entry = self
            .entry(&name)
            .ok_or_else(|| ReloadError::UnknownModule(name.clone()))?;
        if let Some(grants) = &entry.grants {
            grants.check(&new).map_err(ReloadError::Capability)?;
        }
        let old = entry.active().instance;
        let new_id = self.program.load_instance(new).map_err(|e| match e {
            // The new layout cannot use the shared memory running versions use.
            LinkError::SharedLayout(_) => ReloadError::Incompatible(Box::new(e)),
            _ => ReloadError::Link(Box::new(e)),
        })?;
        if let Some(code) = code {
            self.program
                .set_foreign(new_id, code)
                .expect("a freshly loaded instance is live");
        }
        match self.prepare(old, new_id) {
            Ok((migrated, held)) => {
                let report = self.publish(&name, (old, new_id), migrated, keep);
                // Calls that waited to enter the old version now find the new one.
                drop(held);
                Ok(report)
            }
            Err(e) => {
                // Never activated and never entered by anyone else: it can go at once.
                let _ = self.program.unload(new_id);
                Err(e)
            }
        }
    }

    /// Steps 2 and 3: compatibility, then the new version's initializers and state.
    /// Also gives the hold of the old version's state, if it was held (the caller
    /// drops it after the switch; a refusal drops it here).
    fn prepare(
        &mut self,
        old: InstanceId,
        new: InstanceId,
    ) -> Result<(Migrated, Option<StateHold>), ReloadError> {
        self.program
            .check_importers(new)
            .map_err(|e| ReloadError::Incompatible(Box::new(e)))?;
        self.check_host_calls(new)?;
        self.check_trait_objects(old, new)?;
        let strategy = self.strategy(old, new)?;
        let held = self.ensure_no_lost_updates(old)?;
        let migrated = self.init_and_migrate(old, new, strategy)?;
        Ok((migrated, held))
    }

    fn init_and_migrate(
        &mut self,
        old: InstanceId,
        new: InstanceId,
        strategy: Strategy,
    ) -> Result<Migrated, ReloadError> {
        self.program.init_instance(new).map_err(ReloadError::Init)?;
        match strategy {
            Strategy::Auto(plan) => Ok(self.carry(old, new, &plan)),
            Strategy::Hooks { load, unload, auto } => {
                let mut done = match auto {
                    Some(plan) => self.carry(old, new, &plan),
                    None => Migrated::default(),
                };
                self.run_hooks((old, unload.as_deref()), (new, &load))?;
                done.used_hooks = true;
                Ok(done)
            }
        }
    }

    /// Every function the host called by name is still exported by `new` with the
    /// signature it had (else the host's next call would fail).
    fn check_host_calls(&self, new: InstanceId) -> Result<(), ReloadError> {
        let module = &self.program.module_of(new).name;
        let Some(entry) = self.entry(module) else {
            return Ok(());
        };
        for (function, called) in &entry.called {
            let change = match self.program.instance_signature(new, function) {
                None => "removes it".to_string(),
                Some(sig) if sig != called.sig => {
                    format!("changes its signature from {} to {}", called.sig, sig)
                }
                Some(_) => continue,
            };
            return Err(ReloadError::HostCall {
                module: module.clone(),
                function: function.clone(),
                caller: called.caller.clone(),
                change,
            });
        }
        Ok(())
    }

    /// Every trait object alive of a type of the module keeps working with the new
    /// version: its impl is still there, with the same methods, and its value migrates
    /// by the rules of `var`s (see `docs/language.md`, "Reloading trait objects").
    fn check_trait_objects(&self, old: InstanceId, new: InstanceId) -> Result<(), ReloadError> {
        let (om, nm) = (self.program.module_of(old), self.program.module_of(new));
        for (key, live) in self.program.live_trait_objects(old) {
            let what = format!("impl {} for {}", key.trait_name, key.ty);
            let refuse = |change: String| ReloadError::TraitObjects {
                module: om.name.clone(),
                what: what.clone(),
                live,
                change,
            };
            let same_key = |m: &Module, imp: &&dast_bytecode::ImplDesc| {
                short(&imp.trait_name) == key.trait_name
                    && short(&dast_bytecode::type_name(&m.types, imp.ty)) == key.ty
            };
            let (Some(oi), Some(ni)) = (
                om.impls.iter().find(|i| same_key(om, i)),
                nm.impls.iter().find(|i| same_key(nm, i)),
            ) else {
                return Err(refuse("removes it".into()));
            };
            if let Some(change) = changed_method(om, oi, nm, ni) {
                return Err(refuse(change));
            }
            if let Err(r) = migrate::type_plan(om, oi.ty, nm, ni.ty, &key.ty) {
                return Err(refuse(format!(
                    "changes `{}` from `{}` to `{}`, which cannot be migrated",
                    r.path, r.old_ty, r.new_ty
                )));
            }
        }
        Ok(())
    }

    fn strategy(&self, old: InstanceId, new: InstanceId) -> Result<Strategy, ReloadError> {
        let (om, nm) = (self.program.module_of(old), self.program.module_of(new));
        let Some(load) = hook(nm, LOAD_HOOK) else {
            let plan = migrate::plan(om, nm).map_err(ReloadError::State)?;
            return Ok(Strategy::Auto(plan));
        };
        let unload = hook(om, UNLOAD_HOOK);
        // Without bytes from the old version, carry what carries automatically so a
        // first hook-based version does not start from scratch.
        let auto = match unload {
            Some(_) => None,
            None => migrate::plan(om, nm).ok(),
        };
        Ok(Strategy::Hooks { load, unload, auto })
    }

    /// "No lost updates": a stateful version's state is handed over only when no call
    /// runs in it. On a concurrent program the old version's state is held (calls on
    /// other threads finish first, within the state wait; new ones wait to enter) until
    /// the switch: returns the hold then. A call of this thread running in it (a reload
    /// from inside a call) cannot finish while we wait: refused instead.
    fn ensure_no_lost_updates(
        &mut self,
        old: InstanceId,
    ) -> Result<Option<StateHold>, ReloadError> {
        let module = self.program.module_of(old).name.clone();
        let held = match self.program.hold_state(old, self.state_wait) {
            Ok(held) => held,
            Err(dast_vm::StateBusy::Timeout(waited)) => {
                return Err(ReloadError::Busy {
                    module,
                    waited_ms: waited.as_millis() as u64,
                })
            }
            Err(dast_vm::StateBusy::ThisThread) => None,
        };
        let om = self.program.module_of(old);
        let calls = self.program.in_flight(old);
        if om.globals.is_empty() || calls == 0 {
            return Ok(held);
        }
        Err(ReloadError::InFlight { module, calls })
    }

    /// Applies an automatic migration plan: carried `var`s are copied (or widened) over
    /// the new version's initial values; new ones keep them; removed ones are reported.
    pub(crate) fn carry(&mut self, old: InstanceId, new: InstanceId, plan: &[Action]) -> Migrated {
        let mut done = Migrated::default();
        for action in plan {
            match action {
                Action::Carry {
                    name,
                    old: og,
                    new: ng,
                    plan,
                } => {
                    self.program
                        .copy_global(old, *og, new, *ng, |om, src, nm, dst| {
                            let (oty, nty) = (om.globals[*og].ty, nm.globals[*ng].ty);
                            migrate::apply_value(plan, om, oty, nm, nty, src, dst);
                        });
                    done.migrated.push(name.clone());
                }
                Action::Init { name, .. } => done.initialized.push(name.clone()),
                Action::Drop { name, .. } => done.dropped.push(name.clone()),
            }
        }
        done
    }

    /// Hands the old version's `__on_unload__` bytes (or `None`) to the new version's
    /// `__on_load__`. A panic in either refuses the reload.
    pub(crate) fn run_hooks(
        &mut self,
        (old, unload): (InstanceId, Option<&str>),
        (new, load): (InstanceId, &str),
    ) -> Result<(), ReloadError> {
        let data = if let Some(unload) = unload {
            let bytes = self
                .program
                .call_instance(old, unload, &[])
                .map_err(|panic| ReloadError::Hook {
                    hook: UNLOAD_HOOK,
                    panic,
                })?;
            option(Some(bytes))
        } else {
            option(None)
        };
        self.program
            .call_instance(new, load, &[data])
            .map_err(|panic| ReloadError::Hook {
                hook: LOAD_HOOK,
                panic,
            })?;
        Ok(())
    }

    /// Step 4 (and 5 when nothing holds the old version): the switch. With `keep`, the
    /// old version is kept that long to roll back to, and a version kept before is
    /// released (it drains as usual).
    fn publish(
        &mut self,
        name: &str,
        (old, new): (InstanceId, InstanceId),
        migrated: Migrated,
        keep: Option<Duration>,
    ) -> ReloadReport {
        self.program.activate(new);
        let entry = self
            .modules
            .iter_mut()
            .find(|e| e.name == name)
            .expect("reloaded module is loaded");
        let (number, label) = entry.next_version();
        entry.next_label = None;
        entry.newest = (number, label.clone());
        for v in &mut entry.versions {
            v.kept_until = None;
        }
        let previous = entry
            .versions
            .iter_mut()
            .find(|v| v.instance == old)
            .expect("the old version is listed");
        let in_flight = self.program.in_flight(old);
        let old_state = if let Some(window) = keep {
            previous.state = VersionState::Draining;
            previous.kept_until = Some(Instant::now() + window);
            OldState::KeptForRollback {
                in_flight,
                window_ms: window.as_millis() as u64,
            }
        } else if try_free(self.program, old, previous.pins) {
            previous.state = VersionState::Unloaded;
            OldState::Unloaded
        } else {
            previous.state = VersionState::Draining;
            OldState::Draining { in_flight }
        };
        let from = (previous.number, previous.label.clone());
        entry
            .versions
            .push(Version::new(number, label.clone(), new));
        entry.prune_unloaded();
        ReloadReport {
            module: name.to_string(),
            from,
            to: (number, label),
            old_state,
            migrated: migrated.migrated,
            dropped: migrated.dropped,
            initialized: migrated.initialized,
            used_hooks: migrated.used_hooks,
        }
    }
}

/// The name of a module's hook function: `__on_load__` in a file module, or
/// `Game.__on_load__` inside a `module Game { }` block.
pub(crate) fn hook(m: &Module, name: &str) -> Option<String> {
    let is_hook =
        |f: &&dast_bytecode::Function| f.exported && f.name.rsplit('.').next() == Some(name);
    m.functions.iter().find(is_hook).map(|f| f.name.clone())
}

/// A host `Option[T]` value.
pub(crate) fn option(value: Option<Value>) -> Value {
    let (variant, fields) = match value {
        Some(v) => ("Some", vec![v]),
        None => ("None", vec![]),
    };
    Value::Enum {
        name: "Option".to_string(),
        variant: variant.to_string(),
        fields,
    }
}

/// The name without its module qualifier.
fn short(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// How impl `ni` of `nm` differs from `oi` of `om` in its methods (names, order,
/// signatures without the receiver), if it does.
fn changed_method(
    om: &Module,
    oi: &dast_bytecode::ImplDesc,
    nm: &Module,
    ni: &dast_bytecode::ImplDesc,
) -> Option<String> {
    let names = |imp: &dast_bytecode::ImplDesc| -> Vec<String> {
        imp.methods.iter().map(|m| m.name.clone()).collect()
    };
    if names(oi) != names(ni) {
        return Some(format!(
            "changes its methods from {} to {}",
            names(oi).join(", "),
            names(ni).join(", ")
        ));
    }
    for (a, b) in oi.methods.iter().zip(&ni.methods) {
        let (sa, sb) = (
            &om.functions[a.shim.0 as usize].sig,
            &nm.functions[b.shim.0 as usize].sig,
        );
        let (ta, tb) = (
            dast_bytecode::signature_text(&om.types, sa),
            dast_bytecode::signature_text(&nm.types, sb),
        );
        if ta != tb {
            return Some(format!("changes method `{}` from `{ta}` to `{tb}`", a.name));
        }
    }
    None
}
