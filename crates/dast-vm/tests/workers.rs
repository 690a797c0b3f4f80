//! Machines of one program on several threads (`Program::worker`): calls in parallel
//! over shared instances, a stateful module entered by one thread at a time (no update
//! lost), and versions switched while the threads call, through the host and through
//! imports. Small counts under Miri, which checks the threads for data races.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use dast_bytecode::build::ModuleBuilder;
use dast_bytecode::*;
use dast_vm::{link, Program, Value};

const CALLS: usize = if cfg!(miri) { 20 } else { 2_000 };
const RELOADS: usize = if cfg!(miri) { 3 } else { 50 };

/// `counter`: `var n: i64 = 0`; `bump() -> i64 { n += step; n }` (step 1 for every
/// version: versions differ only in `tag() -> i64 { tag }`).
fn counter(tag: i32) -> Module {
    let mut b = ModuleBuilder::new("counter");
    let i64t = b.ty(TypeDesc::I64);
    let n = b.global("n", i64t);
    let g = GlobalSlot(n.word_slot);
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
    b.function(
        "tag",
        &[],
        i64t,
        (1, 0),
        vec![
            Inst::LoadI {
                dst: S(0),
                imm: tag,
            },
            Inst::Ret { s: S(0), r: R(0) },
        ],
    );
    b.finish()
}

/// `main`: `via() -> i64 { counter.bump() }` (a cross-module call through an import)
/// and `twice(x: i64) -> i64 { x + x }` (stateless).
fn main_module() -> Module {
    let mut b = ModuleBuilder::new("main");
    let i64t = b.ty(TypeDesc::I64);
    let bump = b.import("counter", "bump", &[], i64t);
    b.function(
        "via",
        &[],
        i64t,
        (1, 0),
        vec![
            Inst::CallImport {
                import: bump,
                s: S(0),
                r: R(0),
            },
            Inst::Ret { s: S(0), r: R(0) },
        ],
    );
    b.function(
        "twice",
        &[i64t],
        i64t,
        (1, 0),
        vec![
            Inst::Add64 {
                dst: S(0),
                a: S(0),
                b: S(0),
            },
            Inst::Ret { s: S(0), r: R(0) },
        ],
    );
    b.finish()
}

fn int(v: Result<Value, dast_vm::Panic>) -> i64 {
    match v {
        Ok(Value::Int(x)) => x,
        other => panic!("{other:?}"),
    }
}

/// Replaces `counter` by a new version carrying `n`, the way the registry's transaction
/// does on a concurrent program: hold the old version's state, migrate, switch, release.
fn reload(p: &mut Program, tag: i32) {
    let old = p.instance_of("counter").unwrap();
    let new = p.load_instance(counter(tag)).unwrap();
    p.init_instance(new).unwrap();
    p.check_importers(new).unwrap();
    let held = p.hold_state(old, Duration::from_secs(10)).unwrap();
    assert!(
        held.is_some(),
        "a stateful version on a concurrent program is held"
    );
    p.copy_global(old, 0, new, 0, |_, src, _, dst| {
        dst.0.copy_from_slice(src.0)
    });
    p.activate(new);
    drop(held);
    // Unloaded once no call runs in it (the threads may still be inside).
    while p.unload(old).is_err() {
        std::thread::yield_now();
    }
}

#[test]
fn workers_call_in_parallel_while_versions_switch() {
    let mut p = link(vec![counter(0), main_module()]).unwrap();
    p.set_output(Box::new(std::io::sink()));
    p.set_hot_reload(true);
    p.init().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let threads: Vec<_> = (0..2)
        .map(|k| {
            let mut w = p.worker();
            w.set_output(Box::new(std::io::sink()));
            let stop = stop.clone();
            std::thread::spawn(move || {
                let (mut last, mut bumps) = (0, 0usize);
                for i in 0..CALLS {
                    // By name into the stateful module, and through an import.
                    let via = if (i + k) % 2 == 0 { "bump" } else { "via" };
                    let module = if via == "bump" { "counter" } else { "main" };
                    let n = int(w.call(module, via, &[]));
                    assert!(n > last, "the count went from {last} to {n}");
                    last = n;
                    bumps += 1;
                    let x = i as i64;
                    assert_eq!(int(w.call("main", "twice", &[Value::Int(x)])), 2 * x);
                }
                stop.store(true, Ordering::Relaxed);
                bumps
            })
        })
        .collect();
    for tag in 1..=RELOADS as i32 {
        reload(&mut p, tag);
    }
    let bumps: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(int(p.call("counter", "bump", &[])), bumps as i64 + 1);
    assert_eq!(int(p.call("counter", "tag", &[])), RELOADS as i64);
    assert!(p.is_concurrent());
}
