//! Plugins: a host module loads modules at run time (`load_bytecode`), makes trait
//! objects of their types (`instantiate`), holds them in a `var`, and keeps calling
//! them while the plugin module is reloaded.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use common::Project;
use dast_bytecode::Module;
use dast_runtime::*;
use dast_vm::Value;

/// The host: its own `trait Plugin`, the plugins it loaded, calls into all of them.
const HOST: &str = r#"
trait Plugin {
    fn update(self: &mut Self, dt: f64) -> String
    fn ticks(self: &Self) -> i64
}

var plugins: Vec[Box[dyn Plugin]] = Vec.new()

fn main() {}

fn load(path: String) -> i64 {
    let module = load_bytecode(path)
    plugins.push(module.instantiate[dyn Plugin]())
    plugins.len() as i64
}

fn update_all(dt: f64) -> String {
    let mut out = ""
    for p in plugins {
        out = out + p.update(dt) + ";"
    }
    out
}

fn ticks() -> i64 {
    plugins[0].ticks()
}
"#;

const TRAIT: &str = "
trait Plugin {
    fn update(self: &mut Self, dt: f64) -> String
    fn ticks(self: &Self) -> i64
}
";

fn counter(body: &str) -> String {
    format!("{TRAIT}\n{body}")
}

const V1: &str = r#"
struct Counter { ticks: i64, time: f64 }

impl Plugin for Counter {
    fn update(self: &mut Self, dt: f64) -> String {
        self.ticks += 1
        self.time += dt
        format("v1:{}:{}", self.ticks, self.time)
    }
    fn ticks(self: &Self) -> i64 { self.ticks }
}
"#;

/// New behaviour, same fields.
const V2: &str = r#"
struct Counter { ticks: i64, time: f64 }

impl Plugin for Counter {
    fn update(self: &mut Self, dt: f64) -> String {
        self.ticks += 10
        self.time += dt
        format("v2:{}:{}", self.ticks, self.time)
    }
    fn ticks(self: &Self) -> i64 { self.ticks }
}
"#;

/// A field added: it starts at its default, the others carry over.
const V3_ADDED: &str = r#"
struct Counter { ticks: i64, time: f64, bonus: i64 }

impl Plugin for Counter {
    fn update(self: &mut Self, dt: f64) -> String {
        self.ticks += 1
        self.bonus += 100
        format("v3:{}:{}", self.ticks, self.bonus)
    }
    fn ticks(self: &Self) -> i64 { self.ticks }
}
"#;

/// A field whose type changes in a way values cannot follow.
const V4_RETYPED: &str = r#"
struct Counter { ticks: String, time: f64 }

impl Plugin for Counter {
    fn update(self: &mut Self, dt: f64) -> String { self.ticks }
    fn ticks(self: &Self) -> i64 { 0 }
}
"#;

/// The impl removed.
const V5_NO_IMPL: &str = r#"
struct Counter { ticks: i64, time: f64 }
fn unrelated() -> i64 { 1 }
"#;

/// Plugin files by path; the module of a path is named after its file.
#[derive(Clone, Default)]
struct Files(Arc<Mutex<HashMap<String, String>>>);

impl Files {
    fn set(&self, path: &str, text: &str) {
        self.0.lock().unwrap().insert(path.into(), text.into());
    }
}

struct Source(Files);

impl ModuleSource for Source {
    fn has_update(&mut self, _name: &str) -> bool {
        false
    }

    fn build(&mut self, name: &str) -> Result<Module, String> {
        let text = self.0 .0.lock().unwrap().get(name).cloned();
        let text = text.ok_or_else(|| format!("no file for `{name}`"))?;
        Ok(Project::alone(name, &text))
    }

    fn load_path(&mut self, path: &str) -> Result<Module, String> {
        self.build(path)
    }
}

fn start(files: &Files) -> Registry {
    let mut r = Project::new(&[("main", HOST)]).start();
    r.set_source(Box::new(Source(files.clone())));
    r
}

fn text(r: &mut Registry, func: &str, args: &[Value]) -> String {
    match r.call("main", func, args) {
        Ok(Value::Str(s)) => s,
        other => panic!("main.{func}: {other:?}"),
    }
}

fn load(r: &mut Registry, path: &str) -> Result<Value, String> {
    r.call("main", "load", &[Value::Str(path.into())])
        .map_err(|e| e.to_string())
}

#[test]
fn a_held_plugin_runs_the_new_code_and_keeps_its_state() {
    let files = Files::default();
    files.set("counter", &counter(V1));
    let mut r = start(&files);
    assert_eq!(load(&mut r, "counter"), Ok(Value::Int(1)));
    assert_eq!(
        text(&mut r, "update_all", &[Value::Float(0.5)]),
        "v1:1:0.5;"
    );
    assert_eq!(text(&mut r, "update_all", &[Value::Float(0.5)]), "v1:2:1;");

    let report = r.reload(Project::alone("counter", &counter(V2))).unwrap();
    assert_eq!(report.to.0, 2);
    assert_eq!(
        text(&mut r, "update_all", &[Value::Float(0.5)]),
        "v2:12:1.5;"
    );

    // A field added: the old fields carry over, the new one starts at zero.
    r.reload(Project::alone("counter", &counter(V3_ADDED)))
        .unwrap();
    assert_eq!(
        text(&mut r, "update_all", &[Value::Float(0.5)]),
        "v3:13:100;"
    );
    assert_eq!(
        text(&mut r, "update_all", &[Value::Float(0.5)]),
        "v3:14:200;"
    );
}

#[test]
fn an_incompatible_field_change_is_refused_and_the_old_plugin_keeps_running() {
    let files = Files::default();
    files.set("counter", &counter(V1));
    let mut r = start(&files);
    load(&mut r, "counter").unwrap();
    text(&mut r, "update_all", &[Value::Float(1.0)]);

    let err = r
        .reload(Project::alone("counter", &counter(V4_RETYPED)))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("1 trait object of `impl Plugin for Counter`"),
        "{err}"
    );
    assert!(
        err.contains("`Counter.ticks` from `i64` to `String`"),
        "{err}"
    );
    assert_eq!(r.get_version("counter"), Some(1));
    assert_eq!(text(&mut r, "update_all", &[Value::Float(1.0)]), "v1:2:2;");
}

#[test]
fn removing_the_impl_of_a_live_object_is_refused() {
    let files = Files::default();
    files.set("counter", &counter(V1));
    let mut r = start(&files);
    load(&mut r, "counter").unwrap();

    let err = r
        .reload(Project::alone("counter", &counter(V5_NO_IMPL)))
        .unwrap_err()
        .to_string();
    assert!(err.contains("`impl Plugin for Counter`"), "{err}");
    assert!(err.contains("the new version removes it"), "{err}");
    assert_eq!(text(&mut r, "update_all", &[Value::Float(1.0)]), "v1:1:1;");
}

#[test]
fn a_method_running_during_its_reload_finishes_in_the_old_version() {
    let files = Files::default();
    // The plugin reloads itself in the middle of `update`.
    let v1 = r#"
struct Counter { ticks: i64, time: f64 }

impl Plugin for Counter {
    fn update(self: &mut Self, dt: f64) -> String {
        self.ticks += 1
        let reloaded = ModuleRegistry.new().reload_module("counter")
        format("old:{}:{}", self.ticks, reloaded)
    }
    fn ticks(self: &Self) -> i64 { self.ticks }
}
"#;
    files.set("counter", &counter(v1));
    let mut r = start(&files);
    load(&mut r, "counter").unwrap();
    files.set("counter", &counter(V2));
    assert_eq!(
        text(&mut r, "update_all", &[Value::Float(1.0)]),
        "old:1:true;"
    );
    assert_eq!(r.get_version("counter"), Some(2));
    assert_eq!(text(&mut r, "update_all", &[Value::Float(1.0)]), "v2:11:1;");
}

#[test]
fn instantiate_refuses_a_plugin_whose_trait_differs_or_is_missing() {
    let files = Files::default();
    let other_trait = "
trait Plugin {
    fn update(self: &mut Self, dt: f32) -> String
    fn ticks(self: &Self) -> i64
}
struct Odd { n: i64 }
impl Plugin for Odd {
    fn update(self: &mut Self, dt: f32) -> String { \"odd\" }
    fn ticks(self: &Self) -> i64 { self.n }
}
";
    files.set("odd", other_trait);
    files.set("none", "struct Nothing { n: i64 }\n");
    files.set(
        "two",
        &counter(
            "struct A { n: i64 }\nstruct B { n: i64 }\n\
             impl Plugin for A { fn update(self: &mut Self, dt: f64) -> String { \"a\" } fn ticks(self: &Self) -> i64 { 0 } }\n\
             impl Plugin for B { fn update(self: &mut Self, dt: f64) -> String { \"b\" } fn ticks(self: &Self) -> i64 { 0 } }\n",
        ),
    );
    let mut r = start(&files);
    let err = load(&mut r, "odd").unwrap_err();
    assert!(
        err.contains(
            "implements a trait named `Plugin`, but not the `Plugin` this program declares"
        ),
        "{err}"
    );
    assert!(err.contains("method `update`"), "{err}");
    let err = load(&mut r, "none").unwrap_err();
    assert!(
        err.contains("module `none` has no type that implements `Plugin`"),
        "{err}"
    );
    let err = load(&mut r, "two").unwrap_err();
    assert!(
        err.contains("several types that implement `Plugin` (`two.A`, `two.B`)"),
        "{err}"
    );
}

#[test]
fn a_plugin_that_does_not_compile_is_a_panic_with_its_diagnostic() {
    let files = Files::default();
    let mut r = start(&files);
    let err = load(&mut r, "missing").unwrap_err();
    assert!(err.contains("load_bytecode(\"missing\") failed"), "{err}");
    assert!(err.contains("no file for `missing`"), "{err}");
}

const PRINTS: &str = r#"
struct Counter { ticks: i64, time: f64 }

impl Plugin for Counter {
    fn update(self: &mut Self, dt: f64) -> String {
        self.ticks += 1
        println("tick")
        format("p:{}", self.ticks)
    }
    fn ticks(self: &Self) -> i64 { self.ticks }
}
"#;

#[test]
fn a_plugin_needing_a_capability_its_host_does_not_grant_is_refused_at_load() {
    let files = Files::default();
    files.set("printer", &counter(PRINTS));
    files.set(
        "sleeper",
        &counter(&PRINTS.replace("println(\"tick\")", "sleep(1)")),
    );
    let mut r = start(&files);
    r.set_plugin_grants(Grants::none().with(dast_bytecode::Capability::Print));
    let err = load(&mut r, "sleeper").unwrap_err();
    assert!(
        err.contains("module `sleeper` needs the `sleep` capability (`Counter.update` calls `sleep`), which its host does not grant"),
        "{err}"
    );
    assert_eq!(load(&mut r, "printer"), Ok(Value::Int(1)));
    assert_eq!(text(&mut r, "update_all", &[Value::Float(1.0)]), "p:1;");

    // A new version cannot gain what the plugin was not granted; the old one goes on.
    let more = counter(&PRINTS.replace("println(\"tick\")", "println(\"tick {}\", now_ms())"));
    let err = r.reload(Project::alone("printer", &more)).unwrap_err();
    assert!(matches!(err, ReloadError::Capability(_)), "{err}");
    assert!(
        err.to_string().contains("needs the `time` capability"),
        "{err}"
    );
    assert_eq!(text(&mut r, "update_all", &[Value::Float(1.0)]), "p:2;");
}

#[test]
fn the_rust_api_loads_a_plugin_with_only_what_it_lists() {
    let files = Files::default();
    let mut r = start(&files);
    let module = Project::alone("printer", &counter(PRINTS));
    let err = r.load_plugin(module.clone(), Grants::none()).unwrap_err();
    assert!(err.contains("needs the `print` capability"), "{err}");
    let name = r
        .load_plugin(
            module,
            Grants::none().with(dast_bytecode::Capability::Print),
        )
        .unwrap();
    assert_eq!(name, "printer");
    assert_eq!(r.get_version("printer"), Some(1));
}
