//! Calling back into the host during a Dast call: suspend, ask, resume.
//!
//! The `Registry*` intrinsics (`ModuleRegistry` in Dast) are not run by the VM. When
//! the interpreter reaches one it *suspends*: it pushes the running frame on the
//! machine's call stack (resuming after the intrinsic) and returns to [`Program`] with
//! the request. `Program` reads the intrinsic's arguments into a [`HostRequest`] of
//! plain host data, asks its [`Host`], writes the reply into the intrinsic's result
//! registers (converted by the intrinsic's type) and resumes the frame. The same
//! happens at a *safe point*: with [`Program::set_safe_point_flag`] and hot reload on,
//! a `CallImport` that finds the flag up suspends with [`HostRequest::SafePoint`]
//! *before* reading its import, so after the host applied reloads the call goes to the
//! new version.
//!
//! # Nested calls
//! While it serves a request the host has the `&mut Program`: it may load, activate and
//! unload instances, reload, and call Dast functions. Those *nested* calls run on the
//! same machine, above the suspended frames and their registers (see `Machine::top`),
//! return when their own entry frame returns, and on a panic unwind only their own
//! frames: the suspended call stays intact and resumes once the host replies. In-flight
//! counts stay exact: the suspended call's instances stay in flight (their frames are
//! on the stack) and a nested call counts as an entry from the host. An instance with a
//! suspended frame cannot be unloaded ([`Program::unload`] refuses it even with hot
//! reload off).
//!
//! # Which host answers
//! [`Program::call`], [`Program::call_instance`], [`Program::init`] and
//! [`Program::init_instance`] use the host installed with [`Program::set_host`]; it is
//! taken out of the program for the duration of the call (so that `handle` can have
//! `&mut Program`). A nested call made from inside `handle` therefore has no installed
//! host: a host that wants to serve the nested call's own requests passes itself with
//! [`Program::call_with_host`] / [`Program::call_instance_with_host`]. A request with no
//! host to answer it panics ("`ModuleRegistry` needs a host ..."); a safe point with no
//! host just continues.
//!
//! # Conversions
//! - `RegistryCall` arguments: each element of the `Vec[Value]` (the prelude's `enum
//!   Value { Unit, Bool(bool), Int(i64), UInt(u64), Float(f64), Char(char), Str(String),
//!   List(Vec[Value]) }`) becomes the host [`Value`] it wraps (`List` -> `Value::Vec`).
//! - `RegistryCall` reply: the callee's host value becomes a Dast `Value`: `Unit`,
//!   `Bool`, `Int`, `UInt`, `Float`, `Char`, `Str` map to the variant of the same name,
//!   `Vec` and `Tuple` to `List`, and maps, structs and enums to `Str` of their `{:?}`
//!   text (`Point { x: 1, y: 2 }`), the prelude `Value` having no variant for them.
//! - `Load`/`HasUpdate`/`Reload` reply `Value::Bool`; `GetVersion` replies
//!   `Value::Enum { variant: "Some", fields: [UInt(n)] }` or `variant: "None"` (the
//!   enum's name is not checked); `Modules` replies the host form of `HashMap[String,
//!   Vec[ModuleVersion]]`: `Value::Map` of `Value::Str` to `Value::Vec` of
//!   `Value::Struct { fields: version, label, state, active_calls }` with `state` a
//!   `Value::Enum` whose variant is `Active`, `Draining` or `Unloaded`.
//!
//! A reply of the wrong shape, and an `Err` from the host, panic at the intrinsic
//! (or, for a safe point, at the `CallImport`) with the normal stack trace.

use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::Ordering;

use dast_bytecode::{intrinsic_window_with, Intrinsic, TypeDesc, TypeId};

use crate::exec::{Fault, Frame, Request};
use crate::heap::Obj;
use crate::link::Linked;
use crate::typed::{from_value, str_of, to_value, typed_vec, Types};
use crate::{Panic, Program, TraceFrame, Value};

/// What Dast code asks of its host, with arguments already converted to host data.
/// The reply each variant expects is documented on it.
#[derive(Clone, Debug, PartialEq)]
pub enum HostRequest {
    /// `registry.load_module(name, label)`: reply `Value::Bool` (false when there is no
    /// such module).
    Load { name: String, label: String },
    /// `registry.has_update(name)`: reply `Value::Bool`.
    HasUpdate { name: String },
    /// `registry.reload_module(name)`: reply `Value::Bool` (true when the new version
    /// is active).
    Reload { name: String },
    /// `registry.call(module, func, args)`: reply a `Result` as a `Value::Enum` named
    /// `Result`: `Ok` with the callee's return value (any host value; it is converted to
    /// the prelude's `Value` enum, see the module docs), or `Err` with the prelude's
    /// `CallError` as a `Value::Struct` (written as given). `caller` is where the
    /// request was made (the `registry.call` expression).
    Call {
        module: String,
        func: String,
        args: Vec<Value>,
        caller: TraceFrame,
    },
    /// `registry.get_version(name)`: reply `Option[u32]` as a `Value::Enum` (`Some` with
    /// one `UInt`/`Int` field, or `None`).
    GetVersion { name: String },
    /// `registry.pin(name)`: hold the module's active version; reply its number as
    /// `GetVersion` does (`None`: no such module).
    Pin { name: String },
    /// `registry.unpin(name, version)`: release one hold; reply `Value::Bool` (false when
    /// the version had none).
    Unpin { name: String, version: u32 },
    /// `registry.call_version(module, version, func, args)`: as `Call`, on that version.
    CallVersion {
        module: String,
        version: u32,
        func: String,
        args: Vec<Value>,
        caller: TraceFrame,
    },
    /// `registry.modules()`: reply a `Value::Map` (see the module docs).
    Modules,
    /// `load_bytecode(path)`: load the module at `path` (a `.dbc` file, or Dast source
    /// to compile) into the program, active and initialized; reply its name as
    /// `Value::Str`. `caller` is where the request was made (relative paths may be
    /// resolved against its file).
    LoadBytecode { path: String, caller: TraceFrame },
    /// `read_dir(path)`: the names of the entries of directory `path` (relative to the
    /// program's root), sorted; reply `Value::Vec` of `Value::Str`.
    ReadDir { path: String },
    /// A call of `host fn FUNC` declared in module `MODULE`, with its arguments: reply
    /// the function's result (`Value::Unit` for `()`), converted to its return type.
    /// The host runs the Rust function it registered for `MODULE.FUNC`; an `Err`
    /// panics at the call, in the Dast code that called it.
    HostFn {
        module: String,
        func: String,
        args: Vec<Value>,
    },
    /// A safe point: the flag set with [`Program::set_safe_point_flag`] was up at a
    /// cross-module call (the program cleared it before asking). The host applies
    /// pending reloads now; the call then goes to the active version. Any `Ok` reply.
    SafePoint,
}

/// Answers the requests of running Dast code (see the module docs of `host.rs`).
pub trait Host {
    /// Serves one request while the call that made it is suspended. `program` may be
    /// used freely (nested calls, instance loading and activation, reloads). `Err`
    /// becomes a Dast panic at the requesting instruction.
    fn handle(&mut self, program: &mut Program, req: HostRequest) -> Result<Value, String>;
}

/// Why a run stopped with a panic.
pub(crate) enum Stop {
    Fault(Fault),
    /// The VM (or a host) panicked in Rust: the message.
    Internal(String),
    /// Foreign code called by the frame that was on top (of instance `module`)
    /// panicked (its frame is popped): its panic, whose trace goes before the callers'
    /// frames.
    Foreign {
        panic: Panic,
        module: usize,
    },
}

/// The host serving the call that entered foreign code, kept while that code runs.
/// Its lifetime is erased: it is set only for the duration of a `serve_foreign` that
/// borrows the host, and restored to what it was before when that returns.
pub(crate) struct HostPtr(*mut (dyn Host + 'static));

// SAFETY: used only by the thread running the program (set and cleared within one call).
unsafe impl Send for HostPtr {}

impl HostPtr {
    pub(crate) fn new(host: &mut dyn Host) -> HostPtr {
        let ptr: *mut (dyn Host + '_) = host;
        // SAFETY: only the lifetime is erased; see the type's comment.
        HostPtr(unsafe {
            std::mem::transmute::<*mut (dyn Host + '_), *mut (dyn Host + 'static)>(ptr)
        })
    }
}

const NO_HOST: &str = "`ModuleRegistry` needs a host: run this program with `dast run`";

impl Program {
    /// Serves the request of the frame on top of the stacks and leaves the frame ready
    /// to resume, or pops it and returns the panic it gets.
    pub(crate) fn serve(&mut self, req: Request, host: Option<&mut dyn Host>) -> Result<(), Stop> {
        self.refresh_view();
        let fr = *self.machine.frames.last().expect("a suspended frame");
        if let Request::Intrinsic {
            op: Intrinsic::Foreign,
            ..
        } = req
        {
            return self.serve_foreign(&fr, host).inspect_err(|_| {
                self.machine.frames.pop();
            });
        }
        if let Request::Intrinsic {
            op: Intrinsic::Instantiate,
            ty,
            wr,
            ..
        } = req
        {
            return self
                .serve_instantiate(&fr, ty, wr, host)
                .map_err(|message| {
                    self.machine.frames.pop();
                    Stop::Fault(Fault {
                        message,
                        module: fr.module as usize,
                        func: fr.func as usize,
                        pc: fr.pc as usize - 1,
                        sbase: fr.sbase as usize,
                        rbase: fr.rbase as usize,
                    })
                });
        }
        let result = match req {
            Request::Resync => {
                self.refresh_view();
                Ok(())
            }
            Request::SafePoint => {
                if let Some(flag) = &self.machine.safe_point {
                    flag.store(false, Ordering::Relaxed);
                }
                match host {
                    Some(host) => self.ask(host, &fr, HostRequest::SafePoint).map(drop),
                    None => Ok(()),
                }
            }
            Request::Intrinsic { op, ty, ws, wr } => self
                .read_request(&fr, op, ty, ws, wr)
                .and_then(|req| match (req, host) {
                    // The program's own table serves host functions (no host involved).
                    (HostRequest::HostFn { module, func, args }, _) => {
                        let fns = self.host_fns.clone();
                        let _ = self.out.flush();
                        fns.call(&module, &func, &args)
                    }
                    (req, Some(host)) => self.ask(host, &fr, req),
                    (_, None) => Err(format!("{NO_HOST} (operation {op:?})")),
                })
                .and_then(|reply| self.write_reply(&fr, op, ty, (ws, wr), reply)),
        };
        result.map_err(|message| {
            self.machine.frames.pop();
            let pc = match req {
                Request::SafePoint | Request::Resync => fr.pc as usize,
                Request::Intrinsic { .. } => fr.pc as usize - 1,
            };
            Stop::Fault(Fault {
                message,
                module: fr.module as usize,
                func: fr.func as usize,
                pc,
                sbase: fr.sbase as usize,
                rbase: fr.rbase as usize,
            })
        })
    }

    /// Asks the host of the call that entered the foreign code now running (a native
    /// module's `Registry*` intrinsic in hybrid mode). Without one (the foreign code was
    /// entered by a call with no host), the request fails as in bytecode.
    pub fn ask_host(&mut self, req: HostRequest) -> Result<Value, String> {
        if let HostRequest::HostFn { module, func, args } = &req {
            return self.host_fns.clone().call(module, func, args);
        }
        let Some(host) = self.foreign_host.take() else {
            return Err(NO_HOST.to_string());
        };
        // SAFETY: the host outlives the foreign call this runs in (see `HostPtr`).
        let reply = catch_unwind(AssertUnwindSafe(|| unsafe { (*host.0).handle(self, req) }));
        self.foreign_host = Some(host);
        match reply {
            Ok(reply) => reply,
            Err(payload) => Err(format!("the host panicked: {}", panic_text(&*payload))),
        }
    }

    /// Runs `f` with the host of the running foreign call, if any (for nested calls).
    pub(crate) fn with_foreign_host<T>(
        &mut self,
        f: impl FnOnce(&mut Program, Option<&mut dyn Host>) -> T,
    ) -> T {
        let host = self.foreign_host.take();
        // SAFETY: as in `ask_host`.
        let out = f(self, host.as_ref().map(|h| unsafe { &mut *h.0 }));
        self.foreign_host = host;
        out
    }

    /// Runs the host with the machine's top above the suspended frame `fr`.
    fn ask(&mut self, host: &mut dyn Host, fr: &Frame, req: HostRequest) -> Result<Value, String> {
        let info = self.inst(fr.module as usize).funcs[fr.func as usize];
        let saved = self.machine.top;
        let depth = self.machine.frames.len();
        self.machine.top = (
            fr.sbase as usize + info.scalar_regs as usize,
            fr.rbase as usize + info.ref_regs as usize,
        );
        self.suspended += 1;
        let reply = catch_unwind(AssertUnwindSafe(|| host.handle(self, req)));
        self.suspended -= 1;
        self.machine.top = saved;
        debug_assert_eq!(self.machine.frames.len(), depth, "nested calls unwound");
        match reply {
            Ok(reply) => reply,
            Err(payload) => Err(format!("the host panicked: {}", panic_text(&*payload))),
        }
    }

    fn read_request(
        &self,
        fr: &Frame,
        op: Intrinsic,
        ty: TypeId,
        ws: usize,
        wr: usize,
    ) -> Result<HostRequest, String> {
        let lm = &self.inst(fr.module as usize);
        let (nw, nr) = host_window(lm, op, ty)?;
        let sb = fr.sbase as usize + ws;
        let rb = fr.rbase as usize + wr;
        let w = &self.machine.sstack[sb..sb + nw];
        let r = &self.machine.rstack[rb..rb + nr];
        read_host_request(lm, op, ty, (w, r), || {
            self.trace_frame(fr.module as usize, fr.func as usize, fr.pc as usize - 1)
        })
    }

    /// Writes the host's reply as the intrinsic's results and clears the rest of its
    /// window's references.
    fn write_reply(
        &mut self,
        fr: &Frame,
        op: Intrinsic,
        ty: TypeId,
        (ws, wr): (usize, usize),
        reply: Value,
    ) -> Result<(), String> {
        let lm = &self.view[fr.module as usize];
        let (nw, nr) = host_window(lm, op, ty)?;
        let sb = fr.sbase as usize + ws;
        let rb = fr.rbase as usize + wr;
        let w = &mut self.machine.sstack[sb..sb + nw];
        let r = &mut self.machine.rstack[rb..rb + nr];
        write_host_reply(lm, op, ty, w, r, reply)
    }
}

/// Reads the request of host intrinsic `op` (type operand `ty`) of module `lm` from its
/// window's registers `(w, r)` (at least [`host_window`] long); `caller` names the
/// intrinsic's place.
pub(crate) fn read_host_request(
    lm: &Linked,
    op: Intrinsic,
    ty: TypeId,
    (w, r): (&[u64], &[Option<Obj>]),
    caller: impl FnOnce() -> TraceFrame,
) -> Result<HostRequest, String> {
    let t = lm.types();
    let text = |i: usize| str_of(&r[i]).map(str::to_string);
    Ok(match op {
        Intrinsic::RegistryLoad => HostRequest::Load {
            name: text(0)?,
            label: text(1)?,
        },
        Intrinsic::RegistryHasUpdate => HostRequest::HasUpdate { name: text(0)? },
        Intrinsic::RegistryReload => HostRequest::Reload { name: text(0)? },
        Intrinsic::RegistryGetVersion => HostRequest::GetVersion { name: text(0)? },
        Intrinsic::RegistryPin => HostRequest::Pin { name: text(0)? },
        Intrinsic::RegistryUnpin => HostRequest::Unpin {
            name: text(0)?,
            version: w[0] as u32,
        },
        Intrinsic::RegistryCallVersion => HostRequest::CallVersion {
            module: text(0)?,
            version: w[0] as u32,
            func: text(1)?,
            args: call_args(t, ty, &r[2])?,
            caller: caller(),
        },
        Intrinsic::RegistryModules => HostRequest::Modules,
        Intrinsic::HostFn => {
            let (params, _) = host_fn_types(t, ty)?;
            let args = match to_value(t, params, (w, r), 0)? {
                Value::Tuple(args) => args,
                other => vec![other],
            };
            HostRequest::HostFn {
                module: lm.m.name.clone(),
                func: caller().function,
                args,
            }
        }
        Intrinsic::ReadDir => HostRequest::ReadDir { path: text(0)? },
        Intrinsic::LoadBytecode => HostRequest::LoadBytecode {
            path: text(0)?,
            caller: caller(),
        },
        Intrinsic::RegistryCall => HostRequest::Call {
            module: text(0)?,
            func: text(1)?,
            args: call_args(t, ty, &r[2])?,
            caller: caller(),
        },
        other => unreachable!("{other:?} is not a host intrinsic"),
    })
}

/// The words and references of host intrinsic `op`'s window (the larger of its
/// arguments and results).
pub(crate) fn host_window(
    lm: &Linked,
    op: Intrinsic,
    ty: TypeId,
) -> Result<(usize, usize), String> {
    let t = lm.types();
    let (args, res) = intrinsic_window_with(op, ty, t.types, |x| t.layout(x))?;
    Ok((
        args.words.max(res.words) as usize,
        args.refs.max(res.refs) as usize,
    ))
}

/// Writes the host's reply to intrinsic `op` into its window (`w`/`r`, at least
/// [`host_window`] long) and clears the window's other references.
pub(crate) fn write_host_reply(
    lm: &Linked,
    op: Intrinsic,
    ty: TypeId,
    w: &mut [u64],
    r: &mut [Option<Obj>],
    reply: Value,
) -> Result<(), String> {
    let t = lm.types();
    let (_, res) = intrinsic_window_with(op, ty, t.types, |x| t.layout(x))?;
    let (rw, rr) = (res.words as usize, res.refs as usize);
    let bad = |what: &str| format!("the host replied {reply} to {op:?}, expected {what}");
    match op {
        Intrinsic::RegistryLoad
        | Intrinsic::RegistryHasUpdate
        | Intrinsic::RegistryReload
        | Intrinsic::RegistryUnpin => match &reply {
            Value::Bool(b) => w[0] = *b as u64,
            _ => return Err(bad("a bool")),
        },
        Intrinsic::RegistryGetVersion | Intrinsic::RegistryPin => {
            let n = match &reply {
                Value::Enum {
                    variant, fields, ..
                } => match (variant.as_str(), fields.as_slice()) {
                    ("None", []) => None,
                    ("Some", [Value::UInt(n)]) if *n <= u32::MAX as u64 => Some(*n),
                    ("Some", [Value::Int(n)]) if (0..=u32::MAX as i64).contains(n) => {
                        Some(*n as u64)
                    }
                    _ => return Err(bad("an Option[u32]")),
                },
                _ => return Err(bad("an Option[u32]")),
            };
            (w[0], w[1]) = match n {
                Some(n) => (1, n),
                None => (0, 0),
            };
        }
        Intrinsic::RegistryCall | Intrinsic::RegistryCallVersion => {
            let (_, value_name) = call_result_types(t, ty)?;
            let result = match reply {
                Value::Enum {
                    name,
                    variant,
                    mut fields,
                } if fields.len() == 1 && (variant == "Ok" || variant == "Err") => {
                    let field = fields.pop().expect("one field");
                    let field = match variant.as_str() {
                        "Ok" => to_dast_value(value_name, field),
                        _ => field,
                    };
                    Value::Enum {
                        name,
                        variant,
                        fields: vec![field],
                    }
                }
                other => {
                    return Err(format!(
                        "the host replied {other} to {op:?}, expected a Result"
                    ))
                }
            };
            from_value(t, ty, &result, &mut w[..rw], &mut r[..rr])
                .map_err(|e| format!("the host's reply to {op:?}: {e}"))?;
        }
        Intrinsic::RegistryModules => {
            from_value(t, ty, &reply, &mut w[..rw], &mut r[..rr])
                .map_err(|e| format!("the host's reply to {op:?}: {e}"))?;
        }
        Intrinsic::HostFn => {
            let (_, ret) = host_fn_types(t, ty)?;
            from_value(t, ret, &reply, &mut w[..rw], &mut r[..rr])
                .map_err(|e| format!("the host function's result: {e}"))?;
        }
        Intrinsic::ReadDir => match &reply {
            Value::Vec(names) => {
                // A `Vec[String]`: one reference per element.
                let mut vec = crate::heap::VecObj::new(crate::heap::VecShape {
                    kind: crate::heap::ElemKind::Words,
                    wpe: 0,
                    rpe: 1,
                });
                for name in names {
                    let Value::Str(name) = name else {
                        return Err(bad("a list of names"));
                    };
                    vec.push_cloned(&[], &[Some(Obj::string(name.clone()))]);
                }
                r[0] = Some(Obj::new(crate::heap::HeapObj::Vec(vec)));
            }
            _ => return Err(bad("a list of names")),
        },
        Intrinsic::LoadBytecode => match reply {
            Value::Str(name) => r[0] = Some(Obj::string(name)),
            _ => return Err(bad("the loaded module's name")),
        },
        other => unreachable!("{other:?} is not a host intrinsic"),
    }
    for x in &mut r[rr..] {
        *x = None;
    }
    Ok(())
}

/// The arguments of `registry.call` / `call_version` (a `Vec[Value]` of the prelude's
/// `Value`, `ty` the call's result type) as host values.
fn call_args(t: Types<'_>, ty: TypeId, list: &Option<Obj>) -> Result<Vec<Value>, String> {
    let (value_ty, _) = call_result_types(t, ty)?;
    let list = typed_vec(t, value_ty, list)?;
    let mut args = Vec::with_capacity(list.len);
    for i in 0..list.len {
        let (ew, er) = list.elem(i);
        args.push(from_dast_value(to_value(t, value_ty, (&ew, er), 0)?)?);
    }
    Ok(args)
}

/// `HostFn`'s type operand `((P1, .., Pn), R)`: the parameters' tuple and the return
/// type (the verifier checked the shape).
fn host_fn_types(t: Types<'_>, ty: TypeId) -> Result<(TypeId, TypeId), String> {
    match t.desc(ty) {
        TypeDesc::Tuple(parts) if parts.len() == 2 => Ok((parts[0], parts[1])),
        _ => Err(format!(
            "HostFn needs ((params), ret) as its type, found `{}`",
            t.name(ty)
        )),
    }
}

/// `RegistryCall`'s type operand is `Result[Value, CallError]`: the type and name of
/// the prelude's `Value` enum inside it.
fn call_result_types(t: Types<'_>, ty: TypeId) -> Result<(TypeId, &str), String> {
    let expected = || {
        format!(
            "RegistryCall needs `Result[Value, CallError]` (prelude types) as its type, found `{}`",
            t.name(ty)
        )
    };
    let TypeDesc::Enum { name, variants } = t.desc(ty) else {
        return Err(expected());
    };
    let ok = match variants.as_slice() {
        [ok, err] if name == "Result" && ok.fields.len() == 1 && err.fields.len() == 1 => {
            ok.fields[0].ty
        }
        _ => return Err(expected()),
    };
    match t.desc(ok) {
        TypeDesc::Enum { name, .. } if name.rsplit('.').next() == Some("Value") => Ok((ok, name)),
        _ => Err(expected()),
    }
}

/// A Dast `Value` (as read by `to_value`: an enum value) -> the host value it wraps.
fn from_dast_value(v: Value) -> Result<Value, String> {
    let Value::Enum {
        variant,
        mut fields,
        ..
    } = v
    else {
        return Err(format!("expected a `Value`, found {v}"));
    };
    Ok(match (variant.as_str(), fields.len()) {
        ("Unit", 0) => Value::Unit,
        ("List", 1) => match fields.pop() {
            Some(Value::Vec(items)) => Value::Vec(
                items
                    .into_iter()
                    .map(from_dast_value)
                    .collect::<Result<_, _>>()?,
            ),
            other => return Err(format!("`Value::List` holds {other:?}")),
        },
        (_, 1) => fields.pop().expect("one field"),
        _ => return Err(format!("unknown `Value` variant `{variant}`")),
    })
}

/// A host value -> a Dast `Value` (enum `name`) in host form, for `from_value`.
fn to_dast_value(name: &str, v: Value) -> Value {
    let (variant, field) = match v {
        Value::Unit => ("Unit", None),
        Value::Bool(_) => ("Bool", Some(v)),
        Value::Int(_) => ("Int", Some(v)),
        Value::UInt(_) => ("UInt", Some(v)),
        Value::Float(_) => ("Float", Some(v)),
        Value::Char(_) => ("Char", Some(v)),
        Value::Str(_) => ("Str", Some(v)),
        Value::Vec(items) | Value::Tuple(items) => {
            let items = items.into_iter().map(|x| to_dast_value(name, x)).collect();
            ("List", Some(Value::Vec(items)))
        }
        Value::Map(_) | Value::Struct { .. } | Value::Enum { .. } => {
            ("Str", Some(Value::Str(v.to_string())))
        }
    };
    Value::Enum {
        name: name.to_string(),
        variant: variant.to_string(),
        fields: field.into_iter().collect(),
    }
}

pub(crate) fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}
