//! Generic functions across a reload. An instance (`scale[i64]`) is a function of the
//! module that defines the generic function, named with its type arguments: editing
//! the generic body reloads every instance with that module, for every caller; a caller
//! that starts using a new instance needs the defining module's new version too.

mod common;

use common::{int, Project};
use dast_vm::Value;

const UTIL_V1: &str = "
@hot_reload
fn scale[T: Num](x: T, k: T) -> T { x * k }
@hot_reload
fn pick[T: Ord](a: T, b: T) -> T { if a > b { a } else { b } }
";

const UTIL_V2: &str = "
@hot_reload
fn scale[T: Num](x: T, k: T) -> T { x * k + k }
@hot_reload
fn pick[T: Ord](a: T, b: T) -> T { if a < b { a } else { b } }
";

const MAIN: &str = "
import util
fn main() {}
fn wide(x: i64) -> i64 { util.scale(x, 10) }
fn narrow(x: i32) -> i64 { util.scale[i32](x, 3) as i64 }
fn best(a: i64, b: i64) -> i64 { util.pick(a, b) }
fn longest() -> i64 { util.pick(\"pear\".to_string(), \"fig\".to_string()).len() as i64 }
";

#[test]
fn editing_a_generic_function_reloads_every_instance_for_every_caller() {
    let mut p = Project::new(&[("util", UTIL_V1), ("main", MAIN)]);
    let mut r = p.start();
    assert_eq!(int(&mut r, "main", "wide", &[Value::Int(4)]), 40);
    assert_eq!(int(&mut r, "main", "narrow", &[Value::Int(4)]), 12);
    assert_eq!(
        int(&mut r, "main", "best", &[Value::Int(4), Value::Int(9)]),
        9
    );
    assert_eq!(int(&mut r, "main", "longest", &[]), 4);

    let report = r.reload(p.edited("util", UTIL_V2)).unwrap();
    assert_eq!(report.to.0, 2);
    assert_eq!(int(&mut r, "main", "wide", &[Value::Int(4)]), 50);
    assert_eq!(int(&mut r, "main", "narrow", &[Value::Int(4)]), 15);
    assert_eq!(
        int(&mut r, "main", "best", &[Value::Int(4), Value::Int(9)]),
        4
    );
    assert_eq!(int(&mut r, "main", "longest", &[]), 3);
    assert_eq!(r.get_version("main"), Some(1));
}

#[test]
fn instances_are_named_functions_of_the_defining_module() {
    let p = Project::new(&[("util", UTIL_V1), ("main", MAIN)]);
    let util = p.module("util");
    let mut names: Vec<&str> = util.functions.iter().map(|f| f.name.as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        ["pick[String]", "pick[i64]", "scale[i32]", "scale[i64]"],
        "the generic functions themselves are not lowered, only their instances"
    );
    // A host can call an instance by its name.
    let mut r = p.start();
    assert_eq!(
        int(
            &mut r,
            "util",
            "scale[i64]",
            &[Value::Int(6), Value::Int(7)]
        ),
        42
    );
}

#[test]
fn a_caller_needing_an_instance_the_running_version_lacks_is_refused_until_it_has_it() {
    let mut p = Project::new(&[("util", UTIL_V1), ("main", MAIN)]);
    let mut r = p.start();
    let main_v2 = format!("{MAIN}fn tiny(x: i8) -> i64 {{ util.scale(x, 2) as i64 }}\n");
    let refused = r.reload(p.edited("main", &main_v2));
    let err = format!("{:?}", refused.expect_err("util v1 has no scale[i8]"));
    assert!(err.contains("scale[i8]"), "{err}");
    assert_eq!(
        int(&mut r, "main", "wide", &[Value::Int(4)]),
        40,
        "old main runs"
    );
    // The defining module's new version has the instance: now the caller loads.
    r.reload(p.module("util")).unwrap();
    r.reload(p.module("main")).unwrap();
    assert_eq!(int(&mut r, "main", "tiny", &[Value::Int(5)]), 10);
}

const STATE_V1: &str = "
struct Stack[T] { items: Vec[T] }
impl[T] Stack[T] {
    fn push(self: &mut Self, x: T) { self.items.push(x) }
}
var ints: Stack[i64]
var words: Stack[String]
@hot_reload
fn add(x: i64) -> i64 {
    ints.push(x)
    words.push(format(\"w{}\", x))
    ints.items.len() as i64
}
@hot_reload
fn total() -> i64 {
    let mut t = 0
    for x in ints.items { t += x }
    t
}
";

const STATE_V2: &str = "
struct Stack[T] { items: Vec[T], pushes: i64 }
impl[T] Stack[T] {
    fn push(self: &mut Self, x: T) {
        self.items.push(x)
        self.pushes += 1
    }
}
var ints: Stack[i64]
var words: Stack[String]
@hot_reload
fn add(x: i64) -> i64 {
    ints.push(x)
    words.push(format(\"w{}\", x))
    ints.items.len() as i64 * 100 + ints.pushes
}
@hot_reload
fn total() -> i64 {
    let mut t = 0
    for x in ints.items { t += x }
    t + words.items.len() as i64 * 1000
}
";

#[test]
fn state_of_a_generic_type_migrates_field_by_field() {
    let mut p = Project::new(&[("store", STATE_V1)]);
    let mut r = p.start();
    assert_eq!(int(&mut r, "store", "add", &[Value::Int(5)]), 1);
    assert_eq!(int(&mut r, "store", "add", &[Value::Int(7)]), 2);
    r.reload(p.edited("store", STATE_V2)).unwrap();
    // The items survive in both instances; the new field starts at its default.
    assert_eq!(int(&mut r, "store", "total", &[]), 2012);
    assert_eq!(int(&mut r, "store", "add", &[Value::Int(1)]), 301);
}

const LIB_V1: &str = "
@hot_reload
fn apply_twice[F: Fn(i64) -> i64](f: F, x: i64) -> i64 { f(f(x)) }
";

const LIB_V2: &str = "
@hot_reload
fn apply_twice[F: Fn(i64) -> i64](f: F, x: i64) -> i64 { f(f(f(x))) }
";

const GAME_V1: &str = "
import lib
@hot_reload
fn run(x: i64) -> i64 {
    let k = 2
    lib.apply_twice(|v| v * k, x)
}
";

const GAME_V2: &str = "
import lib
@hot_reload
fn run(x: i64) -> i64 {
    let k = 2
    lib.apply_twice(|v| v + k, x)
}
";

/// A closure's code, and the instances of generic functions made for it, belong to
/// the module the closure is written in: they change with that module's reloads, so
/// a closure never calls code of a version that is gone.
#[test]
fn closures_and_their_instances_reload_with_the_module_that_writes_them() {
    let mut p = Project::new(&[("lib", LIB_V1), ("game", GAME_V1)]);
    let game = p.module("game");
    assert!(
        game.functions
            .iter()
            .any(|f| f.name.starts_with("apply_twice[")),
        "the instance for game's closure is game's function"
    );
    let mut r = p.start();
    assert_eq!(int(&mut r, "game", "run", &[Value::Int(3)]), 12);
    // A new closure body: game's new version has it, and the instance calling it.
    r.reload(p.edited("game", GAME_V2)).unwrap();
    assert_eq!(int(&mut r, "game", "run", &[Value::Int(3)]), 7);
    // A new generic body in lib reaches the closure's instance when game is rebuilt
    // and reloaded with it (the instance is game's code).
    r.reload(p.edited("lib", LIB_V2)).unwrap();
    assert_eq!(int(&mut r, "game", "run", &[Value::Int(3)]), 7);
    r.reload(p.module("game")).unwrap();
    assert_eq!(int(&mut r, "game", "run", &[Value::Int(3)]), 9);
}
