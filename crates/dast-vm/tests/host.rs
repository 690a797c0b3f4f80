//! Host requests: a call suspends on a `Registry*` intrinsic or a safe point, the
//! program asks its host, and resumes; nested calls from the host run above the
//! suspended call without disturbing it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use dast_bytecode::build::ModuleBuilder;
use dast_bytecode::*;
use dast_vm::{link, Host, HostRequest, Program, Value};

/// Adds the prelude's `Value` enum (and `Vec[Value]`) to a module; returns its id.
fn value_enum(b: &mut ModuleBuilder) -> TypeId {
    let i64_t = b.ty(TypeDesc::I64);
    let str_t = b.ty(TypeDesc::Str);
    let value = TypeId(b.module.types.len() as u32);
    let one = |name: &str, ty| Variant {
        name: name.to_string(),
        fields: vec![Field {
            name: "0".to_string(),
            ty,
        }],
        is_tuple: true,
    };
    b.module.types.push(TypeDesc::Enum {
        name: "Value".to_string(),
        variants: vec![
            Variant {
                name: "Unit".to_string(),
                fields: vec![],
                is_tuple: false,
            },
            one("Int", i64_t),
            one("Str", str_t),
            one("List", TypeId(value.0 + 1)),
        ],
    });
    b.module.types.push(TypeDesc::Vec(value));
    value
}

/// `Result[Value, String]`: the shape `registry.call` returns (its error type is the
/// prelude's `CallError`; the VM writes whatever the host replies into it).
fn call_result(b: &mut ModuleBuilder, value: TypeId) -> TypeId {
    let str_t = b.ty(TypeDesc::Str);
    let one = |name: &str, ty| Variant {
        name: name.to_string(),
        fields: vec![Field {
            name: "0".to_string(),
            ty,
        }],
        is_tuple: true,
    };
    b.ty(TypeDesc::Enum {
        name: "Result".to_string(),
        variants: vec![one("Ok", value), one("Err", str_t)],
    })
}

/// `host`: `keep() -> Result[Value, String]` keeps 7 in S20 and "kept" in R6 across
/// `registry.call("lib", "down", [])`, then adds both (7 + 4) to the `Int` it got;
/// `reload() -> bool` asks `registry.reload_module("lib")`; `twice() -> i64` calls the
/// import `lib.get` twice.
fn host_module() -> Module {
    let mut b = ModuleBuilder::new("host");
    let value = value_enum(&mut b);
    let result = call_result(&mut b, value);
    let (i64_t, bool_t) = (b.ty(TypeDesc::I64), b.ty(TypeDesc::Bool));
    let (kl, kd, kk) = (b.string("lib"), b.string("down"), b.string("kept"));
    // The result's words: its tag, Value's tag, Int; references: Str, List, the error.
    b.function(
        "keep",
        &[],
        result,
        (22, 8),
        vec![
            Inst::LoadI { dst: S(20), imm: 7 },
            Inst::LoadStr { dst: R(6), k: kk },
            Inst::LoadStr { dst: R(0), k: kl },
            Inst::LoadStr { dst: R(1), k: kd },
            Inst::VecNew {
                dst: R(2),
                elem: value,
            },
            Inst::Intrinsic {
                op: Intrinsic::RegistryCall,
                ty: result,
                s: S(0),
                r: R(0),
            },
            Inst::StrLen {
                dst: S(21),
                a: R(6),
            },
            Inst::Add64 {
                dst: S(2),
                a: S(2),
                b: S(20),
            },
            Inst::Add64 {
                dst: S(2),
                a: S(2),
                b: S(21),
            },
            Inst::Ret { s: S(0), r: R(0) },
        ],
    );
    b.function(
        "reload",
        &[],
        bool_t,
        (1, 1),
        vec![
            Inst::LoadStr { dst: R(0), k: kl },
            Inst::Intrinsic {
                op: Intrinsic::RegistryReload,
                ty: bool_t,
                s: S(0),
                r: R(0),
            },
            Inst::Ret { s: S(0), r: R(0) },
        ],
    );
    let get = b.import("lib", "get", &[], i64_t);
    b.function(
        "twice",
        &[],
        i64_t,
        (2, 0),
        vec![
            Inst::CallImport {
                import: get,
                s: S(0),
                r: R(0),
            },
            Inst::CallImport {
                import: get,
                s: S(1),
                r: R(0),
            },
            Inst::Add64 {
                dst: S(0),
                a: S(0),
                b: S(1),
            },
            Inst::Ret { s: S(0), r: R(0) },
        ],
    );
    b.finish()
}

/// `lib`: `get() -> i64 { answer }`, `down(n: i64) -> i64` (recursion `n` deep with
/// big frames, so the stacks grow), `boom() -> i64` panics.
fn lib(answer: i32) -> Module {
    let mut b = ModuleBuilder::new("lib");
    let i64_t = b.ty(TypeDesc::I64);
    b.function(
        "get",
        &[],
        i64_t,
        (1, 0),
        vec![
            Inst::LoadI {
                dst: S(0),
                imm: answer,
            },
            Inst::Ret { s: S(0), r: R(0) },
        ],
    );
    let down = b.declare("down", &[i64_t], i64_t);
    b.define(
        down,
        200,
        0,
        vec![
            Inst::LoadI { dst: S(1), imm: 0 },
            Inst::EqI {
                dst: S(2),
                a: S(0),
                b: S(1),
            },
            Inst::JmpIfNot {
                cond: S(2),
                target: 4,
            },
            Inst::Ret { s: S(0), r: R(0) },
            Inst::AddImm64 {
                dst: S(10),
                a: S(0),
                imm: -1,
            },
            Inst::Call {
                func: down,
                s: S(10),
                r: R(0),
            },
            Inst::AddImm64 {
                dst: S(0),
                a: S(10),
                imm: 1,
            },
            Inst::Ret { s: S(0), r: R(0) },
        ],
    );
    let msg = b.string("boom in lib");
    b.function(
        "boom",
        &[],
        i64_t,
        (1, 1),
        vec![
            Inst::LoadStr { dst: R(0), k: msg },
            Inst::Panic { msg: R(0) },
        ],
    );
    b.finish()
}

fn program() -> Program {
    let mut p = link(vec![lib(1), host_module()]).expect("links");
    p.set_output(Box::new(std::io::sink()));
    p.init().unwrap();
    p
}

fn int(x: i64) -> Value {
    Value::Enum {
        name: "Value".to_string(),
        variant: "Int".to_string(),
        fields: vec![Value::Int(x)],
    }
}

/// `Ok(v)`, as a host replies to `registry.call` and `keep` returns.
fn ok(v: Value) -> Value {
    Value::Enum {
        name: "Result".to_string(),
        variant: "Ok".to_string(),
        fields: vec![v],
    }
}

/// Serves `Call` by calling `lib.<call_as>` instead (with `arg`), recording what it saw.
#[derive(Default)]
struct TestHost {
    call_as: String,
    arg: Option<Value>,
    seen: Arc<Mutex<Vec<String>>>,
    fail_with: Option<String>,
}

impl Host for TestHost {
    fn handle(&mut self, program: &mut Program, req: HostRequest) -> Result<Value, String> {
        let depth = program.suspended_calls();
        self.seen
            .lock()
            .unwrap()
            .push(format!("{req:?} at depth {depth}"));
        if let Some(msg) = &self.fail_with {
            return Err(msg.clone());
        }
        match req {
            HostRequest::Call { .. } => {
                let args: Vec<Value> = self.arg.iter().cloned().collect();
                match program.call("lib", &self.call_as, &args) {
                    Ok(v) => Ok(ok(v)),
                    // A nested panic handled by the host: the outer call goes on.
                    Err(p) => {
                        self.seen
                            .lock()
                            .unwrap()
                            .push(format!("nested: {}", p.message));
                        Ok(ok(Value::Int(-1)))
                    }
                }
            }
            HostRequest::Reload { .. } => {
                // Load and activate a new `lib`, and try to unload the instance of the
                // suspended `host` (refused: a frame is on the stack).
                let new = program.load_instance(lib(100)).map_err(|e| e.to_string())?;
                program.activate(new);
                let host = program.instance_of("host").unwrap();
                let again = program
                    .load_instance(host_module())
                    .map_err(|e| e.to_string())?;
                program.activate(again);
                let refused = program.unload(host);
                self.seen
                    .lock()
                    .unwrap()
                    .push(format!("unload: {refused:?}"));
                Ok(Value::Bool(true))
            }
            HostRequest::SafePoint => {
                let new = program.load_instance(lib(100)).map_err(|e| e.to_string())?;
                program.activate(new);
                Ok(Value::Unit)
            }
            other => Err(format!("unexpected {other:?}")),
        }
    }
}

#[test]
fn without_a_host_a_request_panics() {
    let mut p = program();
    let err = p.call("host", "reload", &[]).unwrap_err();
    assert!(err.message.contains("needs a host"), "{}", err.message);
    assert_eq!(
        (err.trace[0].function.as_str(), err.trace[0].line),
        ("reload", 2)
    );
}

#[test]
fn a_nested_call_runs_above_the_suspended_call_and_it_resumes_intact() {
    let mut p = program();
    p.set_hot_reload(true);
    let seen = Arc::new(Mutex::new(Vec::new()));
    // Deep enough to grow the stacks, within the frame limit (which Miri lowers).
    let depth = (dast_vm::MAX_FRAMES as i64 - 100).min(5000);
    p.set_host(Box::new(TestHost {
        call_as: "down".to_string(),
        arg: Some(Value::Int(depth)),
        seen: seen.clone(),
        ..TestHost::default()
    }));
    // depth + 7 + len("kept"): the nested recursion grew the stacks, and the outer
    // call's registers survived it.
    assert_eq!(p.call("host", "keep", &[]), Ok(ok(int(depth + 11))));
    assert_eq!(
        seen.lock().unwrap().as_slice(),
        ["Call { module: \"lib\", func: \"down\", args: [], caller: TraceFrame { function: \"keep\", file: \"host.dast\", line: 6, col: 1 } } at depth 1".to_string(),]
    );
    for m in ["host", "lib"] {
        assert_eq!(p.in_flight(p.instance_of(m).unwrap()), 0, "{m}");
    }
    // The host stays installed.
    assert_eq!(p.call("host", "keep", &[]), Ok(ok(int(depth + 11))));
}

#[test]
fn a_panic_in_a_nested_call_leaves_the_suspended_call_intact() {
    let mut p = program();
    p.set_hot_reload(true);
    let seen = Arc::new(Mutex::new(Vec::new()));
    p.set_host(Box::new(TestHost {
        call_as: "boom".to_string(),
        seen: seen.clone(),
        ..TestHost::default()
    }));
    assert_eq!(p.call("host", "keep", &[]), Ok(ok(int(-1 + 7 + 4))));
    assert_eq!(seen.lock().unwrap()[1], "nested: boom in lib");
    for m in ["host", "lib"] {
        assert_eq!(p.in_flight(p.instance_of(m).unwrap()), 0, "{m}");
    }
}

#[test]
fn a_host_error_is_a_panic_at_the_intrinsic() {
    let mut p = program();
    p.set_hot_reload(true);
    p.set_host(Box::new(TestHost {
        fail_with: Some("refused by the host".to_string()),
        ..TestHost::default()
    }));
    let err = p.call("host", "keep", &[]).unwrap_err();
    assert_eq!(err.message, "refused by the host");
    assert_eq!(err.trace.len(), 1);
    assert_eq!(
        (err.trace[0].function.as_str(), err.trace[0].line),
        ("keep", 6)
    );
    assert_eq!(p.in_flight(p.instance_of("host").unwrap()), 0);
    // Still usable.
    assert_eq!(p.call("lib", "get", &[]), Ok(Value::Int(1)));
}

#[test]
fn instances_change_under_a_suspended_call_but_its_own_is_not_unloaded() {
    for hot in [false, true] {
        let mut p = program();
        p.set_hot_reload(hot);
        let seen = Arc::new(Mutex::new(Vec::new()));
        p.set_host(Box::new(TestHost {
            seen: seen.clone(),
            ..TestHost::default()
        }));
        assert_eq!(p.call("host", "reload", &[]), Ok(Value::Bool(true)));
        let seen = seen.lock().unwrap();
        assert!(
            seen[1].starts_with("unload: Err(InFlight { module: \"host\""),
            "{}",
            seen[1]
        );
        // The new `lib` serves the new `host`.
        assert_eq!(p.call("host", "twice", &[]), Ok(Value::Int(200)));
    }
}

#[test]
fn a_safe_point_lets_the_host_repoint_an_import_before_the_call() {
    for hot in [false, true] {
        let mut p = program();
        p.set_hot_reload(hot);
        let flag = Arc::new(AtomicBool::new(true));
        p.set_safe_point_flag(flag.clone());
        p.set_host(Box::new(TestHost::default()));
        // With hot reload on, the first `CallImport` stops at the safe point, the host
        // activates `lib` v2 (100), and both calls reach it. Off: the flag is not read.
        let expected = if hot { 200 } else { 2 };
        assert_eq!(p.call("host", "twice", &[]), Ok(Value::Int(expected)));
        assert_eq!(flag.load(Ordering::Relaxed), !hot);
    }
}
