//! Module handles: a held version keeps serving calls through the handle after
//! reloads, shows its handles in the version queries, and is unloaded when the last
//! handle goes.

mod common;

use dast::{Runtime, Value, VersionState};

const V1: &str = "@hot_reload\nfn answer() -> i64 { 1 }\n";

fn versions(rt: &Runtime) -> Vec<(u32, VersionState, u32)> {
    rt.modules()[0]
        .versions
        .iter()
        .map(|v| (v.number, v.state, v.handles))
        .collect()
}

#[test]
fn a_handle_keeps_its_version_serving_until_dropped() {
    let rt = Runtime::from_modules(common::compile(&[("game", V1)])).unwrap();
    let v1 = rt.module_handle("game").unwrap();
    assert_eq!((v1.module(), v1.version()), ("game", 1));
    let again = v1.clone();
    assert_eq!(versions(&rt), vec![(1, VersionState::Active, 2)]);

    let v2 = common::module(&[("game", &V1.replace("{ 1 }", "{ 2 }"))], "game");
    rt.reload_module(v2).unwrap();
    assert_eq!(
        versions(&rt),
        vec![(1, VersionState::Draining, 2), (2, VersionState::Active, 0)]
    );
    // Calls by name reach the new version; calls through the handles the held one, from
    // any thread.
    assert_eq!(rt.call("game", "answer", &[]).unwrap(), Value::Int(2));
    assert_eq!(v1.call("answer", &[]).unwrap(), Value::Int(1));
    let t = std::thread::spawn(move || again.call("answer", &[]).unwrap());
    assert_eq!(t.join().unwrap(), Value::Int(1));
    // `again` was dropped with its thread: one handle left.
    assert_eq!(
        versions(&rt),
        vec![(1, VersionState::Draining, 1), (2, VersionState::Active, 0)]
    );
    drop(v1);
    assert_eq!(versions(&rt), vec![(2, VersionState::Active, 0)]);
    assert_eq!(rt.modules()[0].unloaded, 1);
}

#[test]
fn a_handle_to_the_active_version_follows_nothing() {
    let rt = Runtime::from_modules(common::compile(&[("game", V1)])).unwrap();
    let held = rt.module_handle("game").unwrap();
    for n in 2..5 {
        let next = common::module(
            &[("game", &V1.replace("{ 1 }", &format!("{{ {n} }}")))],
            "game",
        );
        rt.reload_module(next).unwrap();
    }
    // v1 is held; v2 and v3 were unloaded as they were replaced.
    let listed = versions(&rt);
    assert_eq!(
        listed,
        vec![(1, VersionState::Draining, 1), (4, VersionState::Active, 0)]
    );
    assert_eq!(held.call("answer", &[]).unwrap(), Value::Int(1));
    assert!(rt.module_handle("nothing").is_err());
}

/// Dast code holds a version with `registry.pin`, calls it with `registry.call_version`
/// after a reload, sees its hold in `registry.modules()`, and lets it go with `unpin`.
#[test]
fn dast_code_holds_versions_through_the_registry() {
    const HOST: &str = "
var held: u32 = 0

fn pin_game() -> u32 {
    let registry = ModuleRegistry.new()
    held = registry.pin(\"game\").unwrap()
    held
}

fn ask_held() -> i64 {
    let registry = ModuleRegistry.new()
    match registry.call_version(\"game\", held, \"answer\", []) {
        Ok(Value.Int(n)) => n,
        Ok(_) => -1,
        Err(e) => { println(\"{}\", e.message); -2 }
    }
}

fn handles_of_held() -> u32 {
    let registry = ModuleRegistry.new()
    let versions = registry.modules[\"game\"].clone()
    let mut handles: u32 = 0
    for v in versions {
        if v.version == held { handles = v.handles }
    }
    handles
}

fn unpin_game() -> bool {
    let registry = ModuleRegistry.new()
    registry.unpin(\"game\", held)
}
";
    let rt = Runtime::from_modules(common::compile(&[("game", V1), ("host", HOST)])).unwrap();
    let int = |f: &str| rt.call("host", f, &[]).unwrap();
    assert_eq!(int("pin_game"), Value::UInt(1));
    let v2 = common::module(&[("game", &V1.replace("{ 1 }", "{ 2 }"))], "game");
    rt.reload_module(v2).unwrap();
    assert_eq!(rt.call("game", "answer", &[]).unwrap(), Value::Int(2));
    assert_eq!(int("ask_held"), Value::Int(1));
    assert_eq!(int("handles_of_held"), Value::UInt(1));
    assert_eq!(versions(&rt)[0], (1, VersionState::Draining, 1));
    assert_eq!(int("unpin_game"), Value::Bool(true));
    assert_eq!(versions(&rt), vec![(2, VersionState::Active, 0)]);
    assert_eq!(int("unpin_game"), Value::Bool(false));
    assert_eq!(int("ask_held"), Value::Int(-2));
}
