//! Reloading a project on disk: recompile, reload what changed and is hot-reloadable.

mod common;

use common::TempProject;
use dast::{Error, Runtime, Value};

const GAME_V1: &str = "var hits: i32 = 0\n@hot_reload\nfn answer() -> i32 { hits += 1; hits }\n";
const GAME_V2: &str =
    "var hits: i32 = 0\n@hot_reload\nfn answer() -> i32 { hits += 1; hits * 100 }\n";
const MAIN: &str = "import game\nfn main() {}\nfn ask() -> i32 { game.answer() + 1 }\n";

#[test]
fn an_edited_file_is_recompiled_and_reloaded_with_its_state() {
    let p = TempProject::new("reload-source", &[("game", GAME_V1), ("main", MAIN)]);
    let rt = Runtime::load_project(&p.root).unwrap();
    let ask = rt.get_typed_func::<(), i32>("main", "ask").unwrap();
    assert_eq!(ask.call(()).unwrap(), 2);

    // Nothing changed: nothing reloads.
    assert!(rt.reload_source(&p.root).unwrap().is_empty());

    p.write("game", GAME_V2);
    let reports = rt.reload_source(&p.root).unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].module, "game");
    assert_eq!(reports[0].to, (2, "v1.1".to_string()));
    // `hits` was carried (1), so the next call counts 2.
    assert_eq!(ask.call(()).unwrap(), 201);
    assert_eq!(rt.get_version("game"), Some(2));
    assert_eq!(rt.get_version("main"), Some(1));
}

#[test]
fn a_compile_error_is_reported_as_text_and_changes_nothing() {
    let p = TempProject::new("reload-error", &[("game", GAME_V1), ("main", MAIN)]);
    let rt = Runtime::load_project(&p.root).unwrap();
    p.write("game", "@hot_reload\nfn answer() -> i32 { \"text\" }\n");
    let err = rt.reload_source(&p.root).unwrap_err();
    let Error::Compile(text) = &err else {
        panic!("{err}")
    };
    let first = text.lines().next().unwrap();
    assert!(first.contains("game.dast:2:"), "{text}");
    assert!(first.contains(": error[E"), "{text}");
    assert_eq!(rt.call("game", "answer", &[]), Ok(Value::Int(1)));
    assert_eq!(rt.get_version("game"), Some(1));
    // A later good edit reloads normally.
    p.write("game", GAME_V2);
    assert_eq!(rt.reload_source(&p.root).unwrap().len(), 1);
    assert_eq!(rt.call("game", "answer", &[]), Ok(Value::Int(200)));
}

#[test]
fn a_changed_module_without_hot_reload_is_left_alone() {
    let p = TempProject::new("reload-cold", &[("game", GAME_V1), ("main", MAIN)]);
    let rt = Runtime::load_project(&p.root).unwrap();
    p.write("main", "import game\nfn main() {}\nfn ask() -> i32 { 0 }\n");
    assert!(rt.reload_source(&p.root).unwrap().is_empty());
    assert_eq!(rt.call("main", "ask", &[]), Ok(Value::Int(2)));
}

#[test]
fn a_project_that_does_not_compile_or_exist_is_refused() {
    let p = TempProject::new(
        "load-error",
        &[("main", "fn main() { let x: i32 = true }\n")],
    );
    let err = Runtime::load_project(&p.root).err().unwrap();
    assert!(matches!(err, Error::Compile(_)), "{err}");
    let err = Runtime::load_project(p.root.join("nope")).err().unwrap();
    assert!(matches!(err, Error::Load(_)), "{err}");
}
