//! Several instances (versions) of one module: loading, activating, in-flight counts,
//! unloading and copying state between instances.

use dast_bytecode::build::ModuleBuilder;
use dast_bytecode::*;
use dast_vm::{link, LinkError, Program, UnloadError, Value};

/// `lib`: `var n: i64 = start`; `get() -> i64 { answer }`; `bump() -> i64 { n += 1; n }`;
/// `boom() { panic("boom") }`.
fn lib(answer: i32, start: i32) -> Module {
    let mut b = ModuleBuilder::new("lib");
    let (i64t, unit) = (b.ty(TypeDesc::I64), b.ty(TypeDesc::Unit));
    let n = b.global("n", i64t);
    let g = GlobalSlot(n.word_slot);
    let init = b.function(
        "__init",
        &[],
        unit,
        (1, 0),
        vec![
            Inst::LoadI {
                dst: S(0),
                imm: start,
            },
            Inst::StoreG { g, src: S(0) },
            Inst::Ret { s: S(0), r: R(0) },
        ],
    );
    b.module.functions[init.0 as usize].exported = false;
    b.module.init = Some(init);
    b.function(
        "get",
        &[],
        i64t,
        (1, 0),
        vec![
            Inst::LoadI {
                dst: S(0),
                imm: answer,
            },
            Inst::Ret { s: S(0), r: R(0) },
        ],
    );
    b.function(
        "bump",
        &[],
        i64t,
        (1, 0),
        vec![
            Inst::LoadG { dst: S(0), g },
            Inst::AddImm64 {
                dst: S(0),
                a: S(0),
                imm: 1,
            },
            Inst::StoreG { g, src: S(0) },
            Inst::Ret { s: S(0), r: R(0) },
        ],
    );
    let boom = b.string("boom");
    b.function(
        "boom",
        &[],
        unit,
        (0, 1),
        vec![
            Inst::LoadStr { dst: R(0), k: boom },
            Inst::Panic { msg: R(0) },
        ],
    );
    b.finish()
}

/// `main`: `run() -> i64 { lib.get() }` and `crash() { lib.boom() }`.
fn main_module() -> Module {
    let mut b = ModuleBuilder::new("main");
    let (i64t, unit) = (b.ty(TypeDesc::I64), b.ty(TypeDesc::Unit));
    let get = b.import("lib", "get", &[], i64t);
    let boom = b.import("lib", "boom", &[], unit);
    b.function(
        "run",
        &[],
        i64t,
        (1, 0),
        vec![
            Inst::CallImport {
                import: get,
                s: S(0),
                r: R(0),
            },
            Inst::Ret { s: S(0), r: R(0) },
        ],
    );
    b.function(
        "crash",
        &[],
        unit,
        (1, 0),
        vec![
            Inst::CallImport {
                import: boom,
                s: S(0),
                r: R(0),
            },
            Inst::Ret { s: S(0), r: R(0) },
        ],
    );
    b.finish()
}

fn program() -> Program {
    let mut p = link(vec![lib(1, 5), main_module()]).unwrap();
    p.set_output(Box::new(std::io::sink()));
    p.init().unwrap();
    p
}

fn int(p: &mut Program, module: &str, func: &str) -> i64 {
    match p.call(module, func, &[]).unwrap() {
        Value::Int(x) => x,
        v => panic!("{v:?}"),
    }
}

#[test]
fn a_loaded_instance_runs_only_when_activated() {
    let mut p = program();
    let v1 = p.instance_of("lib").unwrap();
    let v2 = p.load_instance(lib(2, 0)).unwrap();
    assert_ne!(v1, v2);
    assert_eq!(p.instance_of("lib"), Some(v1));
    assert_eq!(int(&mut p, "main", "run"), 1);
    assert_eq!(p.call_instance(v2, "get", &[]), Ok(Value::Int(2)));

    p.check_importers(v2).unwrap();
    assert_eq!(p.activate(v2), Some(v1));
    assert_eq!(p.instance_of("lib"), Some(v2));
    assert_eq!(p.module_names(), vec!["lib", "main"]);
    // Both the host and the importing module reach the new code; the old stays callable.
    assert_eq!(int(&mut p, "lib", "get"), 2);
    assert_eq!(int(&mut p, "main", "run"), 2);
    assert_eq!(p.call_instance(v1, "get", &[]), Ok(Value::Int(1)));

    p.unload(v1).unwrap();
    assert!(p.is_unloaded(v1));
    let err = p.call_instance(v1, "get", &[]).unwrap_err();
    assert_eq!(err.message, "this version of `lib` is unloaded");
    assert_eq!(int(&mut p, "main", "run"), 2);
}

#[test]
fn init_instance_gives_fresh_state() {
    let mut p = program();
    assert_eq!(int(&mut p, "lib", "bump"), 6);
    let v2 = p.load_instance(lib(2, 100)).unwrap();
    p.init_instance(v2).unwrap();
    assert_eq!(p.call_instance(v2, "bump", &[]), Ok(Value::Int(101)));
    assert_eq!(int(&mut p, "lib", "bump"), 7);
}

#[test]
fn copy_global_carries_state_between_instances() {
    let mut p = program();
    int(&mut p, "lib", "bump");
    int(&mut p, "lib", "bump");
    let v1 = p.instance_of("lib").unwrap();
    let v2 = p.load_instance(lib(2, 0)).unwrap();
    p.init_instance(v2).unwrap();
    p.copy_global(v1, 0, v2, 0, |old, src, new, dst| {
        assert_eq!((old.name.as_str(), new.name.as_str()), ("lib", "lib"));
        assert_eq!((src.0.len(), src.1.len()), (1, 0));
        dst.0.copy_from_slice(src.0);
    });
    p.activate(v2);
    assert_eq!(int(&mut p, "lib", "bump"), 8);
}

#[test]
fn importers_must_still_find_their_functions() {
    let mut p = program();
    // lib v2: `get(x: i64) -> i64`, and no `boom`.
    let mut b = ModuleBuilder::new("lib");
    let i64t = b.ty(TypeDesc::I64);
    b.function(
        "get",
        &[i64t],
        i64t,
        (1, 0),
        vec![Inst::Ret { s: S(0), r: R(0) }],
    );
    let v2 = p.load_instance(b.finish()).unwrap();
    let err = p.check_importers(v2).unwrap_err();
    assert_eq!(
        err.to_string(),
        "module `main` calls `lib.get() -> i64`, but the new version of `lib` defines \
         `get(i64) -> i64`"
    );

    let mut b = ModuleBuilder::new("lib");
    let i64t = b.ty(TypeDesc::I64);
    b.function(
        "get",
        &[],
        i64t,
        (1, 0),
        vec![
            Inst::LoadI { dst: S(0), imm: 3 },
            Inst::Ret { s: S(0), r: R(0) },
        ],
    );
    let v3 = p.load_instance(b.finish()).unwrap();
    let err = p.check_importers(v3).unwrap_err();
    assert!(matches!(err, LinkError::BreaksImporter { found: None, .. }));
    assert_eq!(
        err.to_string(),
        "module `main` calls `lib.boom()`, but the new version of `lib` no longer defines `boom`"
    );
    // Neither was activated, and both can be discarded.
    assert_eq!(int(&mut p, "main", "run"), 1);
    p.unload(v2).unwrap();
    p.unload(v3).unwrap();
}

#[test]
fn a_module_failing_verification_is_not_loaded() {
    let mut p = program();
    let mut bad = lib(2, 0);
    bad.functions[1].code = vec![Inst::Ret { s: S(9), r: R(0) }];
    let err = p.load_instance(bad).unwrap_err();
    assert!(matches!(err, LinkError::Verify { .. }), "{err}");
    assert_eq!(int(&mut p, "main", "run"), 1);
}

#[test]
fn in_flight_counts_host_calls_and_returns_to_zero() {
    let mut p = program();
    p.set_hot_reload(true);
    let v1 = p.instance_of("lib").unwrap();
    let main = p.instance_of("main").unwrap();
    assert_eq!(int(&mut p, "main", "run"), 1);
    assert!(p.call("main", "crash", &[]).is_err());
    assert_eq!((p.in_flight(v1), p.in_flight(main)), (0, 0));

    let v2 = p.load_instance(lib(2, 0)).unwrap();
    p.activate(v2);
    p.begin_host_call(v1);
    assert_eq!(p.in_flight(v1), 1);
    assert_eq!(
        p.unload(v1),
        Err(UnloadError::InFlight {
            module: "lib".into(),
            calls: 1
        })
    );
    assert_eq!(
        p.unload(v2),
        Err(UnloadError::Active {
            module: "lib".into()
        })
    );
    p.end_host_call(v1);
    assert_eq!(p.in_flight(v1), 0);
    p.unload(v1).unwrap();
    assert!(matches!(
        p.unload(v1),
        Err(UnloadError::AlreadyUnloaded { .. })
    ));
}

#[test]
fn nothing_is_counted_with_hot_reload_off() {
    let mut p = program();
    let v1 = p.instance_of("lib").unwrap();
    assert_eq!(int(&mut p, "main", "run"), 1);
    assert_eq!(p.in_flight(v1), 0);
}

#[test]
fn an_instance_still_imported_cannot_be_unloaded() {
    let mut p = program();
    let main1 = p.instance_of("main").unwrap();
    let lib1 = p.instance_of("lib").unwrap();
    // A second `main` bound to lib v1, then lib v2 activated: both mains re-point.
    let main2 = p.load_instance(main_module()).unwrap();
    let lib2 = p.load_instance(lib(2, 0)).unwrap();
    p.activate(lib2);
    assert_eq!(p.call_instance(main2, "run", &[]), Ok(Value::Int(2)));
    assert_eq!(p.call_instance(main1, "run", &[]), Ok(Value::Int(2)));
    p.unload(lib1).unwrap();
    // lib2 is active; make lib3 active and unload lib2 while main2 is gone.
    p.unload(main2).unwrap();
    let lib3 = p.load_instance(lib(3, 0)).unwrap();
    p.activate(lib3);
    p.unload(lib2).unwrap();
    assert_eq!(int(&mut p, "main", "run"), 3);
}
