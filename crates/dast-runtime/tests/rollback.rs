//! Calls by name that fail: a panicking new version rolled back to the one it replaced
//! (state carried back by the hooks, by the automatic plan, or restored as it was at the
//! switch), and reloads refused because they would break a function the host calls.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{int, Project};
use dast_runtime::*;
use dast_vm::Value;

#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

impl LogSink for Log {
    fn log(&mut self, level: Level, line: &str) {
        self.0.lock().unwrap().push(format!("[{level}] {line}"));
    }
}

impl Log {
    fn has(&self, line: &str) -> bool {
        self.0.lock().unwrap().iter().any(|l| l == line)
    }
}

/// A registry over the project with rollback kept for a minute, logging into `log`.
fn start(p: &Project) -> (Registry, Log) {
    let mut r = p.start();
    let log = Log::default();
    r.set_log(Box::new(log.clone()));
    r.set_rollback(Some(Duration::from_secs(60)));
    (r, log)
}

fn hooked(update: &str) -> String {
    format!(
        "@hot_reload
module Game {{
    struct S {{ n: i64 }}
    var s: S
    fn __on_unload__() -> Vec[u8] {{ serialize(s) }}
    fn __on_load__(data: Option[Vec[u8]]) {{
        if let .Some(d) = data {{ s = deserialize(d) }} else {{ s = S.default() }}
    }}
    fn update() -> i64 {{ {update} }}
}}
"
    )
}

const COUNTING: &str = "s.n += 1; s.n";
/// Changes the state, then panics: the rollback carries the change back.
const PANICKING: &str = "s.n += 100; if s.n > 0 { panic(\"bad edit\") }; s.n";

#[test]
fn a_panicking_new_version_is_rolled_back_with_its_state_carried_back_by_the_hooks() {
    let mut p = Project::new(&[("game", &hooked(COUNTING))]);
    let (mut r, log) = start(&p);
    assert_eq!(int(&mut r, "game", "update", &[]), 1);
    assert_eq!(int(&mut r, "game", "update", &[]), 2);
    let report = r.reload(p.edited("game", &hooked(PANICKING))).unwrap();
    assert_eq!(
        report.old_state,
        OldState::KeptForRollback {
            in_flight: 0,
            window_ms: 60_000
        }
    );
    assert_eq!(
        report.log_lines()[1].1,
        "v1.0 draining (0 active calls), kept 60 s for rollback"
    );

    let err = r.call("game", "update", &[]).unwrap_err();
    assert_eq!(err.label, "v1.1");
    assert_eq!(err.function, "update");
    assert_eq!(err.panic.message, "bad edit");
    assert_eq!(err.panic.trace[0].function, "update");
    assert_eq!(err.rolled_back_to.as_deref(), Some("v1.0"));
    assert!(log.has("[WARN] Module 'game' v1.1 panicked in update; rolled back to v1.0"));
    assert!(log.has("[DEBUG] v1.0 active again; the state was carried back by the hooks"));

    // v1.0 runs again, from the state v1.1 had (2 + 100), and v1.1 is gone.
    assert_eq!(r.get_version("game"), Some(1));
    assert_eq!(int(&mut r, "game", "update", &[]), 103);
    let listed = &r.modules()[0];
    assert_eq!(listed.versions.len(), 1);
    assert_eq!(listed.versions[0].state, VersionState::Active);
    assert_eq!(listed.unloaded, 1);

    // A later good version reloads as usual (numbers keep counting).
    let report = r.reload(p.edited("game", &hooked(COUNTING))).unwrap();
    assert_eq!(report.to.1, "v1.2");
    assert_eq!(int(&mut r, "game", "update", &[]), 104);
}

#[test]
fn without_hooks_the_automatic_plan_carries_the_state_back() {
    let v1 = "@hot_reload\nvar n: i64 = 0\nfn update() -> i64 { n += 1; n }\n";
    let v2 = "@hot_reload\nvar n: i64 = 0\nvar extra: i32 = 5\n\
              fn update() -> i64 { n += 100; if n > 0 { panic(\"bad\") }; n }\n";
    let mut p = Project::new(&[("game", v1)]);
    let (mut r, log) = start(&p);
    assert_eq!(int(&mut r, "game", "update", &[]), 1);
    r.reload(p.edited("game", v2)).unwrap();
    let err = r.call("game", "update", &[]).unwrap_err();
    assert_eq!(err.rolled_back_to.as_deref(), Some("v1.0"));
    assert!(log.has("[DEBUG] v1.0 active again; the state was carried back automatically"));
    assert_eq!(int(&mut r, "game", "update", &[]), 102);
}

#[test]
fn state_that_cannot_go_back_is_restored_as_it_was_at_the_switch() {
    // v2 turned `n` into a String through its load hook; String -> i32 cannot go back.
    let v1 = "@hot_reload\nvar n: i32 = 0\nfn update() -> i32 { n += 1; n }\n";
    let v2 = "@hot_reload\nvar n: String = \"\"\n\
              fn __on_load__(data: Option[Vec[u8]]) { n = \"many\" }\n\
              fn update() -> i32 { n.push_str(\"!\"); panic(\"bad\") }\n";
    let mut p = Project::new(&[("game", v1)]);
    let (mut r, log) = start(&p);
    assert_eq!(int(&mut r, "game", "update", &[]), 1);
    assert_eq!(int(&mut r, "game", "update", &[]), 2);
    r.reload(p.edited("game", v2)).unwrap();
    let err = r.call("game", "update", &[]).unwrap_err();
    assert_eq!(err.rolled_back_to.as_deref(), Some("v1.0"));
    assert!(log.has("[DEBUG] v1.0 active again; the state is as it was at the switch"));
    assert_eq!(int(&mut r, "game", "update", &[]), 3);
}

#[test]
fn after_the_window_or_with_rollback_off_a_panic_is_only_reported() {
    let mut p = Project::new(&[("game", &hooked(COUNTING))]);
    let (mut r, log) = start(&p);
    r.set_rollback(Some(Duration::ZERO));
    r.reload(p.edited("game", &hooked(PANICKING))).unwrap();
    let err = r.call("game", "update", &[]).unwrap_err();
    assert_eq!(err.rolled_back_to, None);
    assert_eq!(r.get_version("game"), Some(2));
    let lines = log.0.lock().unwrap().clone();
    assert!(lines.contains(&"[ERROR] Module 'game' v1.1 panicked in update: bad edit\n  at update (/p/src/game.dast:9:51)".to_string()), "{lines:?}");
    // The old version was freed once its hold ended.
    assert_eq!(r.modules()[0].versions.len(), 1);

    let mut p = Project::new(&[("game", &hooked(COUNTING))]);
    let (mut r, _log) = start(&p);
    r.set_rollback(None);
    let report = r.reload(p.edited("game", &hooked(PANICKING))).unwrap();
    assert_eq!(report.old_state, OldState::Unloaded);
    assert_eq!(
        r.call("game", "update", &[]).unwrap_err().rolled_back_to,
        None
    );
}

#[test]
fn only_the_version_replaced_last_is_kept() {
    let mut p = Project::new(&[("game", &hooked(COUNTING))]);
    let (mut r, _log) = start(&p);
    r.reload(p.edited("game", &hooked("s.n += 10; s.n")))
        .unwrap();
    r.reload(p.edited("game", &hooked(PANICKING))).unwrap();
    r.collect();
    let numbers: Vec<u32> = r.modules()[0].versions.iter().map(|v| v.number).collect();
    assert_eq!(numbers, vec![2, 3]);
    let err = r.call("game", "update", &[]).unwrap_err();
    assert_eq!(err.rolled_back_to.as_deref(), Some("v1.1"));
    assert_eq!(int(&mut r, "game", "update", &[]), 110);
}

/// The seed's host shape in Dast: `main` calls `game` by name.
const HOST: &str = "
fn frame() -> bool {
    let mut registry = ModuleRegistry.new()
    match registry.call(\"game\", \"update\", &[]) {
        .Ok(_) => true,
        .Err(e) => {
            println(\"{} {} {} {}\", e.module, e.label, e.function, e.message)
            false
        }
    }
}
fn main() {}
";

#[test]
fn a_dast_host_gets_an_err_and_the_rolled_back_version() {
    let mut p = Project::new(&[("game", &hooked(COUNTING)), ("main", HOST)]);
    let (mut r, log) = start(&p);
    let out = Capture::default();
    r.set_output(Box::new(out.clone()));
    assert_eq!(r.call("main", "frame", &[]), Ok(Value::Bool(true)));
    r.reload(p.edited("game", &hooked(PANICKING))).unwrap();
    assert_eq!(r.call("main", "frame", &[]), Ok(Value::Bool(false)));
    assert_eq!(out.text(), "game v1.1 update bad edit\n");
    assert!(log.has("[WARN] Module 'game' v1.1 panicked in update; rolled back to v1.0"));
    assert_eq!(r.call("main", "frame", &[]), Ok(Value::Bool(true)));
    assert_eq!(int(&mut r, "game", "update", &[]), 103);
}

#[test]
fn a_reload_that_removes_or_changes_a_function_the_host_calls_is_refused() {
    let mut p = Project::new(&[("game", &hooked(COUNTING)), ("main", HOST)]);
    let (mut r, _log) = start(&p);
    // Before the host called it, `update` may go.
    let without = "@hot_reload\nmodule Game {\n    fn other() -> i64 { 1 }\n}\n";
    assert_eq!(r.call("main", "frame", &[]), Ok(Value::Bool(true)));
    let err = r.reload(p.edited("game", without)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the host calls `game.update` by name (from frame (/p/src/main.dast:4:44)) and the \
         new version removes it; keep `update` as it was, or restart the program"
    );
    let changed = hooked(COUNTING).replace("fn update() -> i64", "fn update(k: i64) -> i64");
    let err = r.reload(p.edited("game", &changed)).unwrap_err();
    assert!(
        err.to_string()
            .contains("the new version changes its signature from () -> i64 to (i64) -> i64"),
        "{err}"
    );
    // The old version is untouched and keeps its state.
    assert_eq!(r.get_version("game"), Some(1));
    assert_eq!(int(&mut r, "game", "update", &[]), 2);
    assert_eq!(r.host_called("game").len(), 1);
}

/// Program output, readable by the test.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}
