//! The registry as the host of running code: `ModuleRegistry` requests served while the
//! requesting call is suspended (nested calls, reloads from inside a call, draining),
//! and safe-point reloads of imported modules.

mod common;

use std::collections::{HashMap, VecDeque};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use common::asm::Asm;
use common::Project;
use dast_bytecode::Module;
use dast_runtime::*;
use dast_vm::Value;

/// Records log lines as `[LEVEL] line`.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

impl LogSink for Log {
    fn log(&mut self, level: Level, line: &str) {
        self.0.lock().unwrap().push(format!("[{level}] {line}"));
    }
}

impl Log {
    fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

/// Hands out queued builds per module; `has_update` is true while one is queued.
#[derive(Clone, Default)]
struct Source(Arc<Mutex<Builds>>);

/// Per module, the builds still to hand out.
type Builds = HashMap<String, VecDeque<Result<Module, String>>>;

impl Source {
    fn push(&self, name: &str, build: Result<Module, String>) {
        let mut q = self.0.lock().unwrap();
        q.entry(name.to_string()).or_default().push_back(build);
    }
}

impl ModuleSource for Source {
    fn has_update(&mut self, name: &str) -> bool {
        let q = self.0.lock().unwrap();
        q.get(name).is_some_and(|b| !b.is_empty())
    }
    fn build(&mut self, name: &str) -> Result<Module, String> {
        let mut q = self.0.lock().unwrap();
        match q.get_mut(name).and_then(|b| b.pop_front()) {
            Some(build) => build,
            None => Err(format!("no new source for `{name}`")),
        }
    }
}

fn dast(variant: &str, field: Option<Value>) -> Value {
    Value::Enum {
        name: "Value".to_string(),
        variant: variant.to_string(),
        fields: field.into_iter().collect(),
    }
}

/// `registry.call`'s reply for a call that returned `v`: `Ok(v)`.
fn ok(v: Value) -> Value {
    Value::Enum {
        name: "Result".to_string(),
        variant: "Ok".to_string(),
        fields: vec![v],
    }
}

/// `Ok(Value.Int(x))`.
fn int(x: i64) -> Value {
    ok(dast("Int", Some(Value::Int(x))))
}

/// The fields of the `CallError` in an `Err` reply of `registry.call`.
fn call_error(reply: Value) -> Vec<(String, Value)> {
    match reply {
        Value::Enum {
            variant, fields, ..
        } if variant == "Err" => match fields.into_iter().next() {
            Some(Value::Struct { fields, .. }) => fields,
            other => panic!("not a CallError: {other:?}"),
        },
        other => panic!("not an Err: {other}"),
    }
}

fn field<'a>(fields: &'a [(String, Value)], name: &str) -> &'a Value {
    &fields.iter().find(|(n, _)| n == name).expect(name).1
}

const GAME_V1: &str = "
@hot_reload
fn answer() -> i64 { 1 }
@hot_reload
fn add(a: i32, b: i32) -> i32 { a + b }
fn name() -> String { \"v1\" }
fn list() -> Vec[i32] { [1, 2] }
fn boom() -> i32 { panic(\"boom in game\") }
";
const GAME_V2: &str = "
@hot_reload
fn answer() -> i64 { 2 }
@hot_reload
fn add(a: i32, b: i32) -> i32 { a * b }
fn name() -> String { \"v2\" }
fn list() -> Vec[i32] { [3] }
fn boom() -> i32 { panic(\"boom in game\") }
";

/// The host module: one function per request.
fn host_module() -> Module {
    let mut a = Asm::new("host");
    a.call_fn("call_answer", "game", "answer", &[]);
    a.call_fn("call_add", "game", "add", &[2, 3]);
    a.call_fn("call_name", "game", "name", &[]);
    a.call_fn("call_list", "game", "list", &[]);
    a.call_fn("call_boom", "game", "boom", &[]);
    a.call_fn("call_work", "worker", "work", &[]);
    a.call_fn("call_missing", "nope", "f", &[]);
    a.reload_fn("reload_game", "game");
    a.version_fn("game_version", "game");
    a.version_fn("nope_version", "nope");
    a.load_fn("load_game", "game", "release-1");
    a.load_fn("load_nope", "nope", "x");
    a.modules_fn("modules");
    let has = a.bool_t;
    a.intrinsic_fn(
        "game_has_update",
        dast_bytecode::Intrinsic::RegistryHasUpdate,
        has,
        &["game"],
        has,
        (1, 1),
    );
    a.finish()
}

/// A registry over `host` and the compiled `game`, logging into `log`, with `source`.
fn start(p: &Project) -> (Registry, Log, Source) {
    let mut modules = p.compile();
    modules.push(host_module());
    let mut r = Registry::new(modules).expect("starts");
    r.set_output(Box::new(std::io::sink()));
    let (log, source) = (Log::default(), Source::default());
    r.set_log(Box::new(log.clone()));
    r.set_source(Box::new(source.clone()));
    (r, log, source)
}

#[test]
fn a_registry_call_reaches_the_active_version_and_converts_values() {
    let mut p = Project::new(&[("game", GAME_V1)]);
    let (mut r, _log, _source) = start(&p);
    assert_eq!(r.call("host", "call_answer", &[]), Ok(int(1)));
    assert_eq!(r.call("host", "call_add", &[]), Ok(int(5)));
    assert_eq!(
        r.call("host", "call_name", &[]),
        Ok(ok(dast("Str", Some(Value::Str("v1".to_string())))))
    );
    assert_eq!(
        r.call("host", "call_list", &[]),
        Ok(ok(dast(
            "List",
            Some(Value::Vec(vec![
                dast("Int", Some(Value::Int(1))),
                dast("Int", Some(Value::Int(2)))
            ]))
        )))
    );
    r.reload(p.edited("game", GAME_V2)).unwrap();
    assert_eq!(r.call("host", "call_answer", &[]), Ok(int(2)));
    assert_eq!(r.call("host", "call_add", &[]), Ok(int(6)));
    // A missing module is an `Err` the caller gets.
    let err = call_error(r.call("host", "call_missing", &[]).unwrap());
    assert_eq!(
        field(&err, "message"),
        &Value::Str("no module `nope` is loaded".to_string())
    );
    assert_eq!(field(&err, "version"), &Value::UInt(0));
}

#[test]
fn versions_modules_and_load_are_answered_from_the_registry() {
    let mut p = Project::new(&[("game", GAME_V1)]);
    let (mut r, log, _source) = start(&p);
    let some = |n: u64| Value::Enum {
        name: "Option".to_string(),
        variant: "Some".to_string(),
        fields: vec![Value::UInt(n)],
    };
    assert_eq!(r.call("host", "game_version", &[]), Ok(some(1)));
    assert_eq!(
        r.call("host", "nope_version", &[]),
        Ok(Value::Enum {
            name: "Option".to_string(),
            variant: "None".to_string(),
            fields: vec![],
        })
    );
    assert_eq!(r.call("host", "load_game", &[]), Ok(Value::Bool(true)));
    assert_eq!(r.call("host", "load_nope", &[]), Ok(Value::Bool(false)));
    assert_eq!(
        log.lines(),
        vec![
            "[INFO] Module 'game' loaded (release-1)",
            "[ERROR] Module 'nope' cannot be loaded: it is not part of the program",
        ]
    );
    r.reload(p.edited("game", GAME_V2)).unwrap();
    assert_eq!(r.call("host", "game_version", &[]), Ok(some(2)));
    let Ok(Value::Map(entries)) = r.call("host", "modules", &[]) else {
        panic!("modules() is a map");
    };
    let (name, versions) = &entries[0];
    assert_eq!(name, &Value::Str("game".to_string()));
    let text = versions.to_string();
    // Unloaded versions are pruned from the listing.
    assert_eq!(
        text,
        "[ModuleVersion { version: 2, label: \"release-2\", state: Active, active_calls: 0, handles: 0, serialized: false }]"
    );
    // The host module itself is listed, running its call.
    let (host, versions) = &entries[1];
    assert_eq!(host, &Value::Str("host".to_string()));
    assert!(versions.to_string().contains("active_calls: 1"));
}

#[test]
fn a_reload_requested_by_running_code_switches_the_next_registry_call() {
    let mut p = Project::new(&[("game", GAME_V1)]);
    let (mut r, log, source) = start(&p);
    assert_eq!(
        r.call("host", "game_has_update", &[]),
        Ok(Value::Bool(false))
    );
    source.push("game", Ok(p.edited("game", GAME_V2)));
    assert_eq!(
        r.call("host", "game_has_update", &[]),
        Ok(Value::Bool(true))
    );
    assert_eq!(r.call("host", "reload_game", &[]), Ok(Value::Bool(true)));
    assert_eq!(r.call("host", "call_answer", &[]), Ok(int(2)));
    assert_eq!(r.get_version("game"), Some(2));
    assert_eq!(
        log.lines(),
        vec![
            "[INFO] Compiling game v1.1...",
            "[INFO] Module 'game' reloaded (v1.0 -> v1.1)",
            "[DEBUG] v1.0 unloaded",
        ]
    );

    // A build error and an incompatible version are refused, logged, and change nothing.
    source.push("game", Err("error: expected `}`".to_string()));
    assert_eq!(r.call("host", "reload_game", &[]), Ok(Value::Bool(false)));
    source.push(
        "game",
        Ok(Project::alone("other", "fn answer() -> i64 { 3 }\n")),
    );
    assert_eq!(r.call("host", "reload_game", &[]), Ok(Value::Bool(false)));
    assert_eq!(r.call("host", "reload_game", &[]), Ok(Value::Bool(false)));
    // Each attempt logs "Compiling game v1.2..." (a refused reload uses no number).
    let lines = log.lines();
    assert_eq!(lines[3], "[INFO] Compiling game v1.2...");
    assert_eq!(lines[7], "[INFO] Compiling game v1.2...");
    assert_eq!(
        lines[4],
        "[ERROR] Reload of 'game' refused: error: expected `}`"
    );
    assert_eq!(
        lines[6],
        "[ERROR] Reload of 'game' refused: the source built module `other`"
    );
    assert_eq!(
        lines[8],
        "[ERROR] Reload of 'game' refused: no new source for `game`"
    );
    assert_eq!(r.call("host", "call_answer", &[]), Ok(int(2)));
}

/// `worker` v1: `work()` reloads its own module, then returns 1 (still in v1);
/// v2's `work()` returns 2.
fn worker(version: i32) -> Module {
    let mut a = Asm::new("worker");
    if version == 1 {
        a.reload_then_answer_fn("work", "worker", 1);
    } else {
        a.answer_fn("work", version);
    }
    let mut m = a.finish();
    m.hot_reload = true;
    m
}

#[test]
fn a_version_reloaded_under_a_suspended_call_drains_then_unloads() {
    let p = Project::new(&[("game", GAME_V1)]);
    let mut modules = p.compile();
    modules.push(host_module());
    modules.push(worker(1));
    let mut r = Registry::new(modules).expect("starts");
    let (log, source) = (Log::default(), Source::default());
    r.set_log(Box::new(log.clone()));
    r.set_source(Box::new(source.clone()));
    source.push("worker", Ok(worker(2)));

    // host.call_work -> (registry.call, nested) worker v1.work -> registry.reload("worker")
    // while v1 runs: v1 has one call in flight, so it drains; the call finishes in v1,
    // and when the nested call returns, v1's count is 0: it is unloaded right away.
    assert_eq!(r.call("host", "call_work", &[]), Ok(int(1)));
    assert_eq!(
        log.lines(),
        vec![
            "[INFO] Compiling worker v1.1...",
            "[INFO] Module 'worker' reloaded (v1.0 -> v1.1)",
            "[DEBUG] v1.0 draining (1 active calls)",
            "[DEBUG] v1.0 unloaded",
        ]
    );
    let worker_info = |r: &Registry| {
        let m = r
            .modules()
            .into_iter()
            .find(|m| m.name == "worker")
            .unwrap();
        m.versions
            .iter()
            .map(|v| (v.number, v.state, v.in_flight))
            .collect::<Vec<_>>()
    };
    assert_eq!(worker_info(&r), vec![(2, VersionState::Active, 0)]);
    assert!(r.collect().is_empty());
    assert_eq!(
        r.modules()
            .iter()
            .find(|m| m.name == "worker")
            .unwrap()
            .unloaded,
        1
    );
    assert_eq!(r.call("host", "call_work", &[]), Ok(int(2)));
    assert_eq!(r.call("worker", "work", &[]), Ok(Value::Int(2)));
    for m in r.modules() {
        for v in m.versions {
            assert_eq!(v.in_flight, 0, "{} v{}", m.name, v.number);
        }
    }
}

#[test]
fn a_panic_in_a_nested_call_is_an_err_of_the_caller_and_leaves_the_registry_usable() {
    let p = Project::new(&[("game", GAME_V1)]);
    let (mut r, log, _source) = start(&p);
    let err = call_error(r.call("host", "call_boom", &[]).unwrap());
    let text = |s: &str| Value::Str(s.to_string());
    assert_eq!(field(&err, "message"), &text("boom in game"));
    assert_eq!(field(&err, "module"), &text("game"));
    assert_eq!(field(&err, "label"), &text("v1.0"));
    assert_eq!(field(&err, "function"), &text("boom"));
    // The trace runs through the callee (`boom` in game.dast), not the caller.
    assert_eq!(
        field(&err, "trace"),
        &Value::Vec(vec![text("boom (/p/src/game.dast:8:20)")])
    );
    // Logged once at error level, with the trace; a repeat goes to debug.
    assert_eq!(
        log.lines(),
        vec!["[ERROR] Module 'game' v1.0 panicked in boom: boom in game\n  at boom (/p/src/game.dast:8:20)"]
    );
    r.call("host", "call_boom", &[]).unwrap();
    assert!(log.lines()[1].starts_with("[DEBUG] Module 'game' v1.0 panicked in boom"));
    for m in r.modules() {
        for v in m.versions {
            assert_eq!(v.in_flight, 0, "{} v{}", m.name, v.number);
        }
    }
    assert_eq!(r.call("host", "call_answer", &[]), Ok(int(1)));
}

/// Counts `println` lines and raises the flag at the `n`-th one: a stand-in for a file
/// watcher that notices a change while `main` runs.
struct Watcher {
    flag: Arc<AtomicBool>,
    lines: usize,
    at: usize,
}

impl Write for Watcher {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.lines += buf.iter().filter(|&&b| b == b'\n').count();
        if self.lines == self.at {
            self.flag.store(true, Ordering::Relaxed);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_safe_point_reloads_an_imported_module_while_main_loops() {
    let ticker = |answer: i64| {
        format!("@hot_reload\nfn answer() -> i64 {{ println(\"tick\"); {answer} }}\n")
    };
    let main = "import ticker\n\
        fn main() {}\n\
        fn run(n: i64) -> i64 {\n\
            let mut total: i64 = 0\n\
            for _ in 0..n { total += ticker.answer() }\n\
            total\n\
        }\n";
    let mut p = Project::new(&[("ticker", &ticker(1)), ("main", main)]);
    let mut r = p.start();
    let (log, source) = (Log::default(), Source::default());
    r.set_log(Box::new(log.clone()));
    r.set_source(Box::new(source.clone()));
    let flag = Arc::new(AtomicBool::new(false));
    r.set_safe_point_flag(flag.clone());
    r.set_output(Box::new(Watcher {
        flag: flag.clone(),
        lines: 0,
        at: 3,
    }));
    source.push("ticker", Ok(p.edited("ticker", &ticker(100))));

    // Calls 1-3 run v1; the third raises the flag; call 4 hits the safe point, which
    // reloads, and goes to v2 like every later call.
    assert_eq!(
        r.call("main", "run", &[Value::Int(10)]),
        Ok(Value::Int(703))
    );
    assert!(!flag.load(Ordering::Relaxed));
    assert_eq!(r.get_version("ticker"), Some(2));
    assert_eq!(
        log.lines(),
        vec![
            "[INFO] Compiling ticker v1.1...",
            "[INFO] Module 'ticker' reloaded (v1.0 -> v1.1)",
            "[DEBUG] v1.0 unloaded",
        ]
    );
    // Nothing pending: a raised flag finds nothing to do.
    flag.store(true, Ordering::Relaxed);
    assert_eq!(r.call("main", "run", &[Value::Int(2)]), Ok(Value::Int(200)));
    assert_eq!(log.lines().len(), 3);
    assert!(r.apply_updates().is_empty());
}

#[test]
fn between_calls_the_rust_host_applies_updates() {
    let mut p = Project::new(&[("game", GAME_V1)]);
    let (mut r, _log, source) = start(&p);
    source.push("game", Ok(p.edited("game", GAME_V2)));
    assert!(r.has_update("game"));
    assert_eq!(r.apply_updates(), vec![("game".to_string(), true)]);
    assert_eq!(r.call("game", "answer", &[]), Ok(Value::Int(2)));
    assert!(r.load_module("game", "ignored"));
    assert!(!r.reload_module("game"));
}
