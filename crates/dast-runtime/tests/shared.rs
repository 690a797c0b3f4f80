//! `@shared static mut` memory across reloads: one block outside every version, read and
//! written by Draining and Active versions alike, whose layout may only grow by
//! appending fields (hot-reload.md, "Shared memory").

mod common;

use common::{int, Project};
use dast_runtime::*;
use dast_vm::Value;

/// The seed's shared-memory block, with an initializer and `add(n)` scoring `factor * n`.
fn game(score: i32, level: i32, factor: i32) -> String {
    format!(
        "@shared\n@abi_stable(1)\nstruct GameState {{ score: i32, level: i32 }}\n\
         @shared\nstatic mut STATE: GameState = GameState {{ score: {score}, level: {level} }}\n\
         @hot_reload\nfn add(n: i32) -> i32 {{\n\
             unsafe {{\n STATE.score += {factor} * n\n STATE.score * 100 + STATE.level\n }}\n\
         }}\n"
    )
}

/// Version 1, as the seed writes it.
fn game_v1() -> String {
    game(0, 1, 1)
}

/// Version 2: the same layout, another initializer (never run) and body.
fn game_v2() -> String {
    game(1000, 50, 2)
}

fn with_fields(abi: u32, fields: &str, body: &str) -> String {
    format!(
        "@shared\n@abi_stable({abi})\nstruct GameState {{ {fields} }}\n\
         @shared\nstatic mut STATE: GameState = GameState.default()\n\
         @hot_reload\nfn add(n: i32) -> i32 {{ unsafe {{ {body} }} }}\n"
    )
}

#[test]
fn a_new_version_keeps_the_bytes_and_skips_the_initializer() {
    let mut p = Project::new(&[("game", &game_v1())]);
    let mut r = p.start();
    assert_eq!(int(&mut r, "game", "add", &[Value::Int(5)]), 501);
    r.reload(p.edited("game", &game_v2())).unwrap();
    // Not `score: 1000, level: 50`: the memory exists, so v2's initializer never runs.
    assert_eq!(int(&mut r, "game", "add", &[Value::Int(5)]), 1501);
}

#[test]
fn a_draining_and_an_active_version_share_the_same_words() {
    let mut p = Project::new(&[("game", &game_v1())]);
    let mut r = p.start();
    int(&mut r, "game", "add", &[Value::Int(1)]);
    let v1 = r.instance("game", 1).unwrap();
    r.program_mut().begin_host_call(v1);
    let report = r.reload(p.edited("game", &game_v2())).unwrap();
    assert_eq!(report.old_state, OldState::Draining { in_flight: 1 });
    // v1 (draining) adds 1, v2 (active) adds 2 * 10: each sees the other's writes.
    let via_old = r.call_version("game", 1, "add", &[Value::Int(1)]).unwrap();
    assert_eq!(via_old, Value::Int(201));
    assert_eq!(int(&mut r, "game", "add", &[Value::Int(10)]), 2201);
    assert_eq!(
        r.call_version("game", 1, "add", &[Value::Int(0)]).unwrap(),
        Value::Int(2201)
    );
    r.program_mut().end_host_call(v1);
    assert_eq!(r.collect().len(), 1);
    // The memory outlives the version that made it.
    assert_eq!(
        r.program().shared_words("game", "STATE", 2),
        Some(vec![22, 1])
    );
}

#[test]
fn appended_fields_start_at_their_default_and_need_a_higher_version() {
    let mut p = Project::new(&[("game", &game_v1())]);
    let mut r = p.start();
    int(&mut r, "game", "add", &[Value::Int(7)]);
    // Same `@abi_stable(1)` with an extra field: refused, naming the field and the fix.
    let same_abi = with_fields(
        1,
        "score: i32, level: i32, bonus: i64",
        "STATE.score += n\n STATE.bonus += 3\n STATE.score",
    );
    let err = r.reload(p.edited("game", &same_abi)).unwrap_err();
    assert!(matches!(err, ReloadError::Incompatible(_)), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("`bonus`") && text.contains("@abi_stable(2)"),
        "{text}"
    );
    assert_eq!(int(&mut r, "game", "add", &[Value::Int(0)]), 701);

    let v2 = with_fields(
        2,
        "score: i32, level: i32, bonus: i64",
        "STATE.bonus += 3\n STATE.score += n\n (STATE.bonus * 10000) as i32 + STATE.score * 100 + STATE.level",
    );
    r.reload(p.edited("game", &v2)).unwrap();
    // The old fields kept their bytes; `bonus` started at 0 (not an initializer's value).
    assert_eq!(int(&mut r, "game", "add", &[Value::Int(1)]), 30801);
}

#[test]
fn reordered_renamed_retyped_and_removed_fields_are_refused() {
    let mut p = Project::new(&[("game", &game_v1())]);
    let mut r = p.start();
    int(&mut r, "game", "add", &[Value::Int(3)]);
    let cases = [
        (
            "level: i32, score: i32",
            "field `score` moved from position 1 to 2",
        ),
        (
            "points: i32, level: i32",
            "field `score` was removed or renamed",
        ),
        (
            "score: i64, level: i32",
            "field `score` changed type from `i32` to `i64`",
        ),
        ("score: i32", "field `level` was removed or renamed"),
    ];
    for (fields, expected) in cases {
        let text = with_fields(2, fields, "n");
        let err = r.reload(p.edited("game", &text)).unwrap_err();
        assert!(matches!(err, ReloadError::Incompatible(_)), "{err:?}");
        let message = err.to_string();
        assert!(
            message.contains("`@shared static STATE` of `game`"),
            "{message}"
        );
        assert!(message.contains(expected), "{fields}: {message}");
        // The old version keeps running on the same memory.
        assert_eq!(r.get_version("game"), Some(1));
        assert_eq!(int(&mut r, "game", "add", &[Value::Int(0)]), 301);
    }
}

#[test]
fn a_rolled_back_version_keeps_the_wider_layout_for_the_next_reload() {
    let mut p = Project::new(&[("game", &game_v1())]);
    let mut r = p.start();
    let v2 = with_fields(
        2,
        "score: i32, level: i32, bonus: i32",
        "STATE.bonus = 9\n n",
    );
    r.reload(p.edited("game", &v2)).unwrap();
    int(&mut r, "game", "add", &[Value::Int(0)]);
    // Back to v1's text: it reads a prefix of the memory, which is allowed only with a
    // version at least as high as the memory's.
    let err = r.reload(p.edited("game", &game_v1())).unwrap_err();
    assert!(err.to_string().contains("lower"), "{err}");
    // A v3 that drops `bonus` is a removal, even though v1 never had it.
    let v3 = with_fields(3, "score: i32, level: i32", "n");
    let err = r.reload(p.edited("game", &v3)).unwrap_err();
    assert!(
        err.to_string().contains("field `bonus` was removed"),
        "{err}"
    );
}

#[test]
fn a_shared_static_added_by_a_reload_runs_its_initializer_once() {
    let mut p = Project::new(&[("game", &game_v1())]);
    let mut r = p.start();
    int(&mut r, "game", "add", &[Value::Int(1)]);
    let with_bonus = |step: i64| {
        format!(
            "{}\n@shared\nstatic mut BONUS: i64 = 40\n\
             @hot_reload\nfn bonus() -> i64 {{ unsafe {{ BONUS += {step}\n BONUS }} }}\n",
            game_v1()
        )
    };
    r.reload(p.edited("game", &with_bonus(2))).unwrap();
    assert_eq!(int(&mut r, "game", "bonus", &[]), 42);
    // The next version finds the memory: no second initialization.
    r.reload(p.edited("game", &with_bonus(3))).unwrap();
    assert_eq!(int(&mut r, "game", "bonus", &[]), 45);
    assert_eq!(int(&mut r, "game", "add", &[Value::Int(0)]), 101);
}
