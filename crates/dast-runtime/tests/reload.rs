//! The reload transaction, step by step over Dast source: v1, v2, v3 of a module and
//! what must hold after each.

mod common;

use common::{int, Project};
use dast_runtime::*;
use dast_vm::Value;

const ANSWER_V1: &str = "@hot_reload\nfn answer() -> i32 { 1 }\n";
const ANSWER_V2: &str = "@hot_reload\nfn answer() -> i32 { 2 }\n";

const COUNTER_V1: &str = "
var count: i32 = 0
@hot_reload
fn bump() -> i32 { count += 1; count }
";

const COUNTER_V2: &str = "
var count: i32 = 100
@hot_reload
fn bump() -> i32 { count += 10; count }
";

#[test]
fn a_new_version_changes_behaviour_for_every_caller() {
    let mut p = Project::new(&[
        ("game", ANSWER_V1),
        (
            "main",
            "import game\nfn main() {}\nfn ask() -> i32 { game.answer() * 10 }\n",
        ),
    ]);
    let mut r = p.start();
    assert_eq!(int(&mut r, "main", "ask", &[]), 10);

    let report = r.reload(p.edited("game", ANSWER_V2)).unwrap();
    assert_eq!(report.from, (1, "v1.0".to_string()));
    assert_eq!(report.to, (2, "v1.1".to_string()));
    assert_eq!(report.old_state, OldState::Unloaded);
    assert!(!report.used_hooks);
    assert_eq!(
        report.log_lines(),
        vec![
            (
                Level::Info,
                "Module 'game' reloaded (v1.0 -> v1.1)".to_string()
            ),
            (Level::Debug, "v1.0 unloaded".to_string()),
        ]
    );
    assert_eq!(int(&mut r, "game", "answer", &[]), 2);
    assert_eq!(int(&mut r, "main", "ask", &[]), 20);
    assert_eq!(r.get_version("game"), Some(2));
    assert_eq!(r.get_version("main"), Some(1));
    assert_eq!(r.get_version("nope"), None);
}

#[test]
fn a_counter_var_is_carried_automatically() {
    let mut p = Project::new(&[("counter", COUNTER_V1)]);
    let mut r = p.start();
    for _ in 0..3 {
        int(&mut r, "counter", "bump", &[]);
    }
    let report = r.reload(p.edited("counter", COUNTER_V2)).unwrap();
    assert_eq!(report.migrated, vec!["count"]);
    // The carried value wins over the new initializer (100).
    assert_eq!(int(&mut r, "counter", "bump", &[]), 13);
}

#[test]
fn vars_added_and_removed_are_initialized_and_dropped() {
    let mut p = Project::new(&[("counter", COUNTER_V1)]);
    let mut r = p.start();
    int(&mut r, "counter", "bump", &[]);
    let v2 = "
var total: i64 = 7
@hot_reload
fn bump() -> i32 { total += 1; total as i32 }
";
    let report = r.reload(p.edited("counter", v2)).unwrap();
    assert_eq!(report.initialized, vec!["total"]);
    assert_eq!(report.dropped, vec!["count"]);
    assert!(report
        .log_lines()
        .contains(&(Level::Debug, "var 'count' dropped".to_string())));
    assert_eq!(int(&mut r, "counter", "bump", &[]), 8);
}

const STATE_V1: &str = "
struct State { score: i32 }
var state: State = State { score: 0 }
@hot_reload
fn add(n: i32) -> i32 { state.score += n; state.score }
";

#[test]
fn a_field_added_to_a_state_struct_keeps_the_old_fields() {
    let mut p = Project::new(&[("game", STATE_V1)]);
    let mut r = p.start();
    int(&mut r, "game", "add", &[Value::Int(5)]);
    let v2 = "
struct State { score: i32, lives: i32 }
var state: State = State { score: 0, lives: 3 }
@hot_reload
fn add(n: i32) -> i32 { state.score += n; state.score * 100 + state.lives }
";
    let report = r.reload(p.edited("game", v2)).unwrap();
    assert_eq!(report.migrated, vec!["state"]);
    // score 5 kept, lives from the new initializer.
    assert_eq!(int(&mut r, "game", "add", &[Value::Int(1)]), 603);
}

const HOOKS_V1: &str = "
struct State { score: i32, name: String }
var state: State = State { score: 0, name: \"ann\" }
@hot_reload
fn add(n: i32) -> i32 { state.score += n; state.score }
fn __on_unload__() -> Vec[u8] { serialize(state) }
fn __on_load__(data: Option[Vec[u8]]) {
    if let Some(bytes) = data { state = deserialize(bytes) }
}
";

#[test]
fn state_goes_through_the_hooks_and_deserialize_fills_new_fields() {
    let mut p = Project::new(&[("game", HOOKS_V1)]);
    let mut r = p.start();
    int(&mut r, "game", "add", &[Value::Int(4)]);
    let v2 = "
struct State { score: i32, name: String, lives: i32 }
var state: State = State { score: 0, name: \"new\", lives: 3 }
@hot_reload
fn add(n: i32) -> i32 { state.score += n; state.score * 100 + state.lives }
fn name() -> String { state.name }
fn __on_unload__() -> Vec[u8] { serialize(state) }
fn __on_load__(data: Option[Vec[u8]]) {
    if let Some(bytes) = data { state = deserialize(bytes) }
}
";
    let report = r.reload(p.edited("game", v2)).unwrap();
    assert!(report.used_hooks);
    assert!(report.migrated.is_empty());
    // score and name come from the bytes; lives, absent from them, is its default (0).
    assert_eq!(int(&mut r, "game", "add", &[Value::Int(1)]), 500);
    assert_eq!(
        r.call("game", "name", &[]),
        Ok(Value::Str("ann".to_string()))
    );
}

#[test]
fn a_retyped_var_is_refused_and_the_old_version_keeps_running() {
    let mut p = Project::new(&[("counter", COUNTER_V1)]);
    let mut r = p.start();
    int(&mut r, "counter", "bump", &[]);
    int(&mut r, "counter", "bump", &[]);
    let v2 = "
var count: String = \"\"
@hot_reload
fn bump() -> i32 { count.push_str(\"x\"); count.len() as i32 }
";
    let err = r.reload(p.edited("counter", v2)).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, ReloadError::State(_)));
    assert!(text.contains("`count`"), "{text}");
    assert!(
        text.contains("`i32`") && text.contains("`String`"),
        "{text}"
    );
    assert!(text.contains("__on_load__"), "{text}");
    // Old code, old state.
    assert_eq!(int(&mut r, "counter", "bump", &[]), 3);
    assert_eq!(r.get_version("counter"), Some(1));
    assert_eq!(r.modules()[0].versions.len(), 1);
    // A later good edit reloads normally, as version 2.
    let report = r.reload(p.edited("counter", COUNTER_V2)).unwrap();
    assert_eq!(report.to, (2, "v1.1".to_string()));
    assert_eq!(int(&mut r, "counter", "bump", &[]), 13);
}

#[test]
fn a_version_that_fails_to_link_or_verify_is_refused() {
    let mut p = Project::new(&[("counter", COUNTER_V1)]);
    let mut r = p.start();
    int(&mut r, "counter", "bump", &[]);
    // The new version imports a module the running program does not have.
    p.edit("helper", "fn two() -> i32 { 2 }\n");
    let v2 = "
import helper
var count: i32 = 0
@hot_reload
fn bump() -> i32 { count += helper.two(); count }
";
    let err = r.reload(p.edited("counter", v2)).unwrap_err();
    assert!(matches!(err, ReloadError::Link(_)), "{err}");
    assert!(err.to_string().contains("no module `helper`"), "{err}");
    // Corrupted bytecode fails verification.
    let mut bad = p.edited("counter", COUNTER_V2);
    let f = bad.functions.iter_mut().find(|f| f.name == "bump").unwrap();
    f.code.truncate(1);
    let err = r.reload(bad).unwrap_err();
    assert!(err.to_string().contains("failed verification"), "{err}");
    assert_eq!(int(&mut r, "counter", "bump", &[]), 2);
    assert_eq!(r.get_version("counter"), Some(1));
}

#[test]
fn changing_the_signature_of_a_function_another_module_calls_is_refused() {
    let p = Project::new(&[
        (
            "game",
            "@hot_reload\nfn update(dt: f32) -> f32 { dt * 2.0 }\n",
        ),
        (
            "main",
            "import game\nfn main() {}\nfn tick() -> f32 { game.update(0.5) }\n",
        ),
    ]);
    let mut r = p.start();
    let v2 = "@hot_reload\nfn update(dt: f64) -> f64 { dt * 3.0 }\n";
    // Compiled alone: `main` would not type-check against it.
    let err = r.reload(Project::alone("game", v2)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "module `main` calls `game.update(f32) -> f32`, but the new version of `game` \
         defines `update(f64) -> f64`"
    );
    let v3 = "@hot_reload\nfn advance(dt: f32) -> f32 { dt }\n";
    let err = r.reload(Project::alone("game", v3)).unwrap_err();
    assert!(
        err.to_string().ends_with("no longer defines `update`"),
        "{err}"
    );
    assert_eq!(r.call("main", "tick", &[]), Ok(Value::Float(1.0)));
}

#[test]
fn reverting_to_the_first_text_is_a_new_version() {
    let mut p = Project::new(&[("game", ANSWER_V1)]);
    let mut r = p.start();
    r.reload(p.edited("game", ANSWER_V2)).unwrap();
    let report = r.reload(p.edited("game", ANSWER_V1)).unwrap();
    assert_eq!(report.from, (2, "v1.1".to_string()));
    assert_eq!(report.to, (3, "v1.2".to_string()));
    assert_eq!(int(&mut r, "game", "answer", &[]), 1);
    let states: Vec<VersionState> = r.modules()[0].versions.iter().map(|v| v.state).collect();
    assert_eq!(states, vec![VersionState::Active]);
    assert_eq!(r.modules()[0].unloaded, 2);
}

#[test]
fn a_pinned_version_serves_until_unpinned() {
    let mut p = Project::new(&[("game", ANSWER_V1)]);
    let mut r = p.start();
    r.pin("game", 1).unwrap();
    let report = r.reload(p.edited("game", ANSWER_V2)).unwrap();
    assert_eq!(report.old_state, OldState::Draining { in_flight: 0 });
    // Side by side: the active version for plain calls, version 1 on request.
    assert_eq!(int(&mut r, "game", "answer", &[]), 2);
    assert_eq!(r.call_version("game", 1, "answer", &[]), Ok(Value::Int(1)));
    assert_eq!(r.call_version("game", 2, "answer", &[]), Ok(Value::Int(2)));
    assert!(r.collect().is_empty());

    r.unpin("game", 1).unwrap();
    let events = r.collect();
    assert_eq!(
        events,
        vec![Event::Unloaded {
            module: "game".into(),
            number: 1,
            label: "v1.0".into()
        }]
    );
    assert_eq!(events[0].log_line(), (Level::Debug, "v1.0 unloaded".into()));
    let err = r.call_version("game", 1, "answer", &[]).unwrap_err();
    assert_eq!(err.message, "version 1 of `game` is unloaded");
    assert_eq!(
        r.pin("game", 1),
        Err(VersionError::Unloaded {
            module: "game".into(),
            number: 1
        })
    );
    assert!(r.call_version("game", 9, "answer", &[]).is_err());
}

#[test]
fn a_version_with_calls_in_flight_drains_then_unloads() {
    let mut p = Project::new(&[("game", ANSWER_V1)]);
    let mut r = p.start();
    // Two calls running in v1 (as a host callback reloading mid-call would see).
    let v1 = r.instance("game", 1).unwrap();
    r.program_mut().begin_host_call(v1);
    r.program_mut().begin_host_call(v1);
    let report = r.reload(p.edited("game", ANSWER_V2)).unwrap();
    assert_eq!(report.old_state, OldState::Draining { in_flight: 2 });
    assert_eq!(
        report.log_lines()[1],
        (Level::Debug, "v1.0 draining (2 active calls)".to_string())
    );
    let listed = &r.modules()[0];
    assert_eq!(listed.name, "game");
    assert_eq!(
        listed.versions[0],
        VersionInfo {
            number: 1,
            label: "v1.0".into(),
            state: VersionState::Draining,
            in_flight: 2,
            handles: 0,
            serialized: false
        }
    );
    assert_eq!(listed.versions[1].state, VersionState::Active);
    // New calls go to v2 while v1 drains.
    assert_eq!(int(&mut r, "game", "answer", &[]), 2);

    r.program_mut().end_host_call(v1);
    assert!(r.collect().is_empty());
    r.program_mut().end_host_call(v1);
    assert_eq!(r.collect().len(), 1);
    // Unloaded versions leave the listing; their count stays.
    let listed = &r.modules()[0];
    assert_eq!(listed.versions.len(), 1);
    assert_eq!(listed.unloaded, 1);
}

#[test]
fn a_stateful_version_with_calls_in_flight_is_not_replaced() {
    let mut p = Project::new(&[("counter", COUNTER_V1)]);
    let mut r = p.start();
    int(&mut r, "counter", "bump", &[]);
    let v1 = r.instance("counter", 1).unwrap();
    r.program_mut().begin_host_call(v1);
    let err = r.reload(p.edited("counter", COUNTER_V2)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "module `counter` has 1 calls in flight; state cannot be handed over"
    );
    r.program_mut().end_host_call(v1);
    assert_eq!(int(&mut r, "counter", "bump", &[]), 2);
    r.reload(p.edited("counter", COUNTER_V2)).unwrap();
    assert_eq!(int(&mut r, "counter", "bump", &[]), 12);
}

#[test]
fn a_panic_in_on_load_refuses_the_reload() {
    let mut p = Project::new(&[("game", HOOKS_V1)]);
    let mut r = p.start();
    int(&mut r, "game", "add", &[Value::Int(4)]);
    let v2 = "
struct State { score: i32, name: String }
var state: State = State { score: 0, name: \"\" }
@hot_reload
fn add(n: i32) -> i32 { state.score += n; state.score }
fn __on_load__(data: Option[Vec[u8]]) { panic(\"cannot load\") }
";
    let err = r.reload(p.edited("game", v2)).unwrap_err();
    assert!(matches!(
        err,
        ReloadError::Hook {
            hook: "__on_load__",
            ..
        }
    ));
    assert_eq!(err.to_string(), "`__on_load__` panicked: cannot load");
    assert_eq!(int(&mut r, "game", "add", &[Value::Int(1)]), 5);
    assert_eq!(r.get_version("game"), Some(1));
}

#[test]
fn labels_can_be_chosen() {
    let p = Project::new(&[("game", ANSWER_V1)]);
    let modules = p.compile().into_iter().map(|m| (m, "v2.7".to_string()));
    let mut r = Registry::with_labels(modules.collect()).unwrap();
    let mut p = p;
    let report = r.reload(p.edited("game", ANSWER_V2)).unwrap();
    assert_eq!(report.to.1, "v2.8");
    r.set_next_label("game", "canary").unwrap();
    assert_eq!(
        r.reload(p.edited("game", ANSWER_V1)).unwrap().to.1,
        "canary"
    );
    assert_eq!(
        r.reload(p.edited("game", ANSWER_V2)).unwrap().to.1,
        "canary.1"
    );
    assert_eq!(next_label("build-9"), "build-10");
}

#[test]
fn a_first_version_with_hooks_gets_none_after_automatic_carrying() {
    let mut p = Project::new(&[("counter", COUNTER_V1)]);
    let mut r = p.start();
    int(&mut r, "counter", "bump", &[]);
    let v2 = "
var count: i32 = 0
var loads: i32 = 0
@hot_reload
fn bump() -> i32 { count += 1; count * 10 + loads }
fn __on_load__(data: Option[Vec[u8]]) { if data.is_none() { loads += 1 } }
";
    let report = r.reload(p.edited("counter", v2)).unwrap();
    assert!(report.used_hooks);
    assert_eq!(report.migrated, vec!["count"]);
    assert_eq!(int(&mut r, "counter", "bump", &[]), 21);
}

/// The seed's layout: the state struct outside, the `@hot_reload module` block beside
/// it. The host calls the module's functions by their plain names (`update`), while a
/// method of a type (`GameState.new`) is never mistaken for one; a `@shared static mut`
/// is allowed in the hot-reloadable module.
#[test]
fn functions_of_an_inline_module_are_called_by_plain_name() {
    const GAME: &str = "
struct GameState { score: i32 }
impl GameState {
    fn new() -> GameState { GameState { score: 0 } }
}
@shared
static mut HITS: i32 = 0
@hot_reload
module GameLogic {
    var state: GameState
    fn update() -> i32 {
        state.score += 1
        unsafe { HITS += 1 }
        state.score
    }
}
";
    let p = Project::new(&[("game", GAME)]);
    let mut r = p.start();
    assert_eq!(int(&mut r, "game", "update", &[]), 1);
    assert_eq!(int(&mut r, "game", "update", &[]), 2);
    let err = r.call("game", "new", &[]).unwrap_err();
    assert!(
        err.panic.message.contains("exports no function `new`"),
        "{}",
        err.panic.message
    );
}

/// A trait and its implementation, version 1 and 2: static dispatch compiles trait
/// methods (provided ones included) into the type's methods, which reload like any.
fn shapes(factor: i64, describe: &str) -> String {
    format!(
        "trait Shape {{\n\
             fn area(self: &Self) -> i64\n\
             fn describe(self: &Self) -> String {{ format(\"area {{}}\", self.area()) }}\n\
         }}\n\
         struct Square {{ side: i64 }}\n\
         impl Shape for Square {{\n\
             fn area(self: &Self) -> i64 {{ self.side * self.side * {factor} }}\n\
             {describe}\n\
         }}\n\
         impl Display for Square {{ fn fmt(self: &Self) -> String {{ self.describe() }} }}\n\
         @hot_reload\nfn show(side: i64) -> String {{ format(\"[{{}}]\", Square {{ side: side }}) }}\n"
    )
}

#[test]
fn trait_implementations_reload_with_their_module() {
    let mut p = Project::new(&[("shapes", &shapes(1, ""))]);
    let mut r = p.start();
    let show = |r: &mut Registry| r.call("shapes", "show", &[Value::Int(3)]).unwrap();
    assert_eq!(show(&mut r), Value::Str("[area 9]".into()));
    // The implementation changes, then overrides the provided method.
    r.reload(p.edited("shapes", &shapes(2, ""))).unwrap();
    assert_eq!(show(&mut r), Value::Str("[area 18]".into()));
    let own = "fn describe(self: &Self) -> String { format(\"square of {}\", self.side) }";
    r.reload(p.edited("shapes", &shapes(2, own))).unwrap();
    assert_eq!(show(&mut r), Value::Str("[square of 3]".into()));
}
