//! The reload transaction under a random sequence of edits: module `game` (its `var`s,
//! a struct `var`, hooks, the functions `main` calls) is rewritten from a [`Spec`] the
//! fuzzer's bytes choose, valid or not, and reloaded into a running program; after every
//! step a model predicts what must hold:
//!
//! - a refusal (a compile error, a function `main` or the host calls removed or changed,
//!   a `var` that cannot migrate without hooks, a panicking `__on_load__`) leaves the
//!   old version active, its version number and its state unchanged;
//! - an accepted reload raises the version by one, calls reach the new code, and the
//!   state is carried by the migration rules (by name; lossless widenings; struct
//!   fields by name, added ones at their default; new `var`s from their initializer;
//!   with `__on_load__`, the hooks decide: here they carry `count` plus 100, and the
//!   other `var`s start over; without an old `__on_unload__`, what migrates
//!   automatically is carried first, all or nothing).

use std::path::Path;

use arbitrary::Unstructured;
use dast_compiler::{compile_program, MemFs, Program};
use dast_runtime::{LogSink, Registry, ReloadError};
use dast_vm::Value;

/// An integer type of `count` or of the struct's field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntTy {
    U8,
    I16,
    I32,
    U32,
    I64,
}

impl IntTy {
    const ALL: [IntTy; 5] = [IntTy::U8, IntTy::I16, IntTy::I32, IntTy::U32, IntTy::I64];

    fn name(self) -> &'static str {
        match self {
            IntTy::U8 => "u8",
            IntTy::I16 => "i16",
            IntTy::I32 => "i32",
            IntTy::U32 => "u32",
            IntTy::I64 => "i64",
        }
    }

    fn signed_bits(self) -> (bool, u32) {
        match self {
            IntTy::U8 => (false, 8),
            IntTy::I16 => (true, 16),
            IntTy::I32 => (true, 32),
            IntTy::U32 => (false, 32),
            IntTy::I64 => (true, 64),
        }
    }

    /// `x` wrapped into this type (as `as` does), as an `i64`.
    fn wrap(self, x: i64) -> i64 {
        match self {
            IntTy::U8 => x as u8 as i64,
            IntTy::I16 => x as i16 as i64,
            IntTy::I32 => x as i32 as i64,
            IntTy::U32 => x as u32 as i64,
            IntTy::I64 => x,
        }
    }

    /// Whether every value of `self` is one of `to` (the runtime's lossless widening).
    fn widens_to(self, to: IntTy) -> bool {
        let ((sa, a), (sb, b)) = (self.signed_bits(), to.signed_bits());
        match (sa, sb) {
            (true, true) | (false, false) => a <= b,
            (false, true) => a < b,
            (true, false) => false,
        }
    }
}

/// One version of module `game`, valid or not.
#[derive(Clone, Debug)]
pub struct Spec {
    /// `var count: T = 0`, which `step` raises by `delta`.
    pub count: IntTy,
    /// What `step` adds and returns: tells which version ran.
    pub delta: i64,
    /// `var extra: i64 = 5`, raised by `step`, read by `get_extra`.
    pub extra: bool,
    /// `var stats: Stats` (`hits: T`, raised by `step`, read by `hits`), and whether
    /// `Stats` has a second field `bonus: i32` (read by `hits` too).
    pub stats: Option<(IntTy, bool)>,
    /// `__on_unload__` (serializes `count` as an `i64`).
    pub unload_hook: bool,
    /// `__on_load__` (takes `count` back plus 100); `load_panics`: it panics first.
    pub load_hook: bool,
    pub load_panics: bool,
    /// `total` missing, or returning `i32` instead of `i64` (`main` calls it).
    pub no_total: bool,
    pub total_i32: bool,
    /// A syntax error, a type error.
    pub syntax_error: bool,
    pub type_error: bool,
    /// Compiled on its own, without `main` (so a change `main` does not survive reaches
    /// the runtime instead of failing `main`'s compilation).
    pub alone: bool,
}

impl Spec {
    fn arbitrary(u: &mut Unstructured, valid: bool) -> Spec {
        let mut pick = |n: usize| u.choose_index(n).unwrap_or(0);
        let count = IntTy::ALL[pick(5)];
        let delta = 1 + pick(9) as i64;
        let extra = pick(2) == 1;
        let stats = match pick(3) {
            0 => None,
            _ => Some((IntTy::ALL[pick(5)], pick(2) == 1)),
        };
        let unload_hook = pick(3) == 0;
        let load_hook = pick(3) == 0;
        // Out of bytes, nothing rare happens.
        let mut rare = |p: usize| !valid && pick(100) >= 100 - p;
        let load_panics = load_hook && rare(15);
        let no_total = rare(8);
        let total_i32 = !no_total && rare(8);
        let syntax_error = rare(8);
        let type_error = rare(8);
        let alone = pick(3) == 0;
        Spec {
            count,
            delta,
            extra,
            stats,
            unload_hook,
            load_hook,
            load_panics,
            no_total,
            total_i32,
            syntax_error,
            type_error,
            alone,
        }
    }

    /// The text of `src/game.dast`.
    pub fn source(&self) -> String {
        let t = self.count.name();
        let mut s = String::new();
        if let Some((hits, bonus)) = self.stats {
            s.push_str(&format!("struct Stats {{\n    hits: {}\n", hits.name()));
            if bonus {
                s.push_str("    bonus: i32\n");
            }
            s.push_str("}\n\n");
        }
        s.push_str(&format!("var count: {t} = 0\n"));
        if self.extra {
            s.push_str("var extra: i64 = 5\n");
        }
        if self.stats.is_some() {
            s.push_str("var stats: Stats\n");
        }
        s.push_str(&format!(
            "\n@hot_reload\nfn step() -> i64 {{\n    count += {}\n",
            self.delta
        ));
        if self.extra {
            s.push_str("    extra += 1\n");
        }
        if let Some((_, bonus)) = self.stats {
            s.push_str("    stats.hits += 1\n");
            if bonus {
                s.push_str("    stats.bonus += 2\n");
            }
        }
        s.push_str(&format!("    {}\n}}\n", self.delta));
        if !self.no_total {
            if self.total_i32 {
                s.push_str("\nfn total() -> i32 {\n    count as i32\n}\n");
            } else {
                s.push_str("\nfn total() -> i64 {\n    count as i64\n}\n");
            }
        }
        if self.extra {
            s.push_str("\nfn get_extra() -> i64 {\n    extra\n}\n");
        }
        if let Some((_, bonus)) = self.stats {
            let b = if bonus {
                " + stats.bonus as i64 * 1000"
            } else {
                ""
            };
            s.push_str(&format!(
                "\nfn hits() -> i64 {{\n    stats.hits as i64{b}\n}}\n"
            ));
        }
        if self.unload_hook {
            s.push_str("\nfn __on_unload__() -> Vec[u8] {\n    serialize(count as i64)\n}\n");
        }
        if self.load_hook {
            s.push_str("\nfn __on_load__(data: Option[Vec[u8]]) {\n");
            if self.load_panics {
                s.push_str("    panic(\"refusing the state\")\n");
            }
            s.push_str(&format!(
                "    if let Some(bytes) = data {{\n        let old: i64 = deserialize(bytes)\n        count = (old + 100) as {t}\n    }}\n}}\n"
            ));
        }
        if self.type_error {
            s.push_str("\nfn broken() -> i64 {\n    \"not a number\"\n}\n");
        }
        if self.syntax_error {
            s.push_str("\nfn unfinished( {\n");
        }
        s
    }
}

const MAIN: &str = "import game\n\nfn main() {}\n\nfn step() -> i64 {\n    game.step()\n}\n\nfn total() -> i64 {\n    game.total()\n}\n";

struct Quiet;

impl LogSink for Quiet {
    fn log(&mut self, _: dast_runtime::Level, _: &str) {}
}

/// Compiles the project: `main` and `game` (or `game` alone); `game`'s bytecode, or the
/// diagnostics as text.
fn compile(game: &str, alone: bool) -> Result<(Vec<dast_bytecode::Module>, String), String> {
    let mut fs = MemFs::default();
    fs.files
        .insert("/p/dast.toml".into(), "[package]\nname = \"p\"\n".into());
    fs.files.insert("/p/src/game.dast".into(), game.to_string());
    if !alone {
        fs.files.insert("/p/src/main.dast".into(), MAIN.into());
    }
    let program = Program::discover(&fs, Path::new("/p")).map_err(|e| e.to_string())?;
    match compile_program(&fs, program) {
        Ok(c) => Ok((c.modules, String::new())),
        Err(f) => Err(crate::frontend::render(&f.sources, &f.diagnostics)),
    }
}

/// What the model knows of the running version.
#[derive(Clone, Debug)]
struct State {
    spec: Spec,
    version: u32,
    count: i64,
    extra: i64,
    hits: i64,
    bonus: i64,
}

/// What the program says its state is: `count` through `main`, and when `all`, the
/// other `var`s through `game`'s own functions (which the host has then called, so a
/// reload must keep them: recorded in `host_called`).
fn observe(
    r: &mut Registry,
    spec: &Spec,
    all: bool,
    host_called: &mut Vec<&'static str>,
) -> (i64, Option<i64>, Option<i64>) {
    let int = |v: Result<Value, _>| match v {
        Ok(Value::Int(i)) => i,
        other => panic!("expected an integer, got {other:?}"),
    };
    let count = int(r.call("main", "total", &[]));
    let mut extra = None;
    let mut hits = None;
    if all && spec.extra {
        extra = Some(int(r.call("game", "get_extra", &[])));
        if !host_called.contains(&"get_extra") {
            host_called.push("get_extra");
        }
    }
    if all && spec.stats.is_some() {
        hits = Some(int(r.call("game", "hits", &[])));
        if !host_called.contains(&"hits") {
            host_called.push("hits");
        }
    }
    (count, extra, hits)
}

fn expected(s: &State, all: bool) -> (i64, Option<i64>, Option<i64>) {
    let hits = s.spec.stats.map(|(_, bonus)| {
        let b = if bonus { s.bonus * 1000 } else { 0 };
        s.hits + b
    });
    (
        s.count,
        s.spec.extra.then_some(s.extra).filter(|_| all),
        hits.filter(|_| all),
    )
}

/// Why the model expects a refusal: every reason that applies (the runtime reports
/// one of them); a compile error, when there is one, comes first. Empty: accepted.
fn refusal(old: &State, new: &Spec, host_called: &[&str]) -> Vec<&'static str> {
    let changes_total = new.no_total || new.total_i32;
    if new.syntax_error || new.type_error || (changes_total && !new.alone) {
        return vec!["compile"];
    }
    let mut why = Vec::new();
    if changes_total {
        why.push("incompatible");
    }
    if new.load_hook && new.load_panics {
        why.push("hook");
    }
    // The host called these functions of `game`: the new version must keep them.
    for f in host_called {
        let kept = match *f {
            "get_extra" => new.extra,
            "hits" => new.stats.is_some(),
            _ => true,
        };
        if !kept && !why.contains(&"host call") {
            why.push("host call");
        }
    }
    if !new.load_hook && !migrates(&old.spec, new) {
        why.push("state");
    }
    why
}

/// Whether every `var` of `old` that `new` keeps migrates automatically.
fn migrates(old: &Spec, new: &Spec) -> bool {
    let count = old.count.widens_to(new.count);
    let stats = match (old.stats, new.stats) {
        (Some((a, _)), Some((b, _))) => a.widens_to(b),
        _ => true,
    };
    count && stats
}

/// The state after an accepted reload from `old` to `new`.
fn migrated(old: &State, new: &Spec) -> State {
    let hooks_carry = new.load_hook && old.spec.unload_hook;
    let auto = !new.load_hook || (!old.spec.unload_hook && migrates(&old.spec, new));
    let mut s = State {
        spec: new.clone(),
        version: old.version + 1,
        count: 0,
        extra: 5,
        hits: 0,
        bonus: 0,
    };
    if hooks_carry {
        s.count = new.count.wrap(old.count.wrapping_add(100));
        return s;
    }
    if auto {
        s.count = old.count;
        if old.spec.extra {
            s.extra = old.extra;
        }
        if let (Some((_, old_bonus)), Some((_, new_bonus))) = (old.spec.stats, new.stats) {
            s.hits = old.hits;
            if old_bonus && new_bonus {
                s.bonus = old.bonus;
            }
        }
    }
    s
}

/// Runs the sequence of edits `data` describes. Panics when the runtime breaks the
/// contract.
pub fn run(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let mut first = Spec::arbitrary(&mut u, true);
    first.alone = false;
    let (modules, _) = compile(&first.source(), false).unwrap_or_else(|e| {
        panic!(
            "the first version does not compile:\n{}\n{e}",
            first.source()
        )
    });
    let mut r = Registry::new(modules).expect("the first version loads");
    r.set_log(Box::new(Quiet));
    r.set_output(Box::new(std::io::sink()));
    let mut state = State {
        spec: first,
        version: 1,
        count: 0,
        extra: 5,
        hits: 0,
        bonus: 0,
    };
    let mut host_called: Vec<&'static str> = Vec::new();
    let mut steps = 0;
    while !u.is_empty() && steps < 12 {
        steps += 1;
        // Some calls: each reaches the active version's `step`.
        let calls = u.choose_index(4).unwrap_or(0);
        for _ in 0..calls {
            let got = r.call("main", "step", &[]);
            assert_eq!(
                got,
                Ok(Value::Int(state.spec.delta)),
                "step of version {} ({:?})",
                state.version,
                state.spec
            );
            state.count = state.spec.count.wrap(state.count + state.spec.delta);
            state.extra += 1;
            if let Some((hits, _)) = state.spec.stats {
                state.hits = hits.wrap(state.hits + 1);
                state.bonus = (state.bonus as i32).wrapping_add(2) as i64;
            }
        }
        // The host reads the state (and so calls `get_extra`, `hits`).
        if u.ratio(1u8, 4).unwrap_or(false) {
            let seen = observe(&mut r, &state.spec, true, &mut host_called);
            assert_eq!(
                seen,
                expected(&state, true),
                "state of version {}",
                state.version
            );
        }
        // An edit, valid or not.
        let new = Spec::arbitrary(&mut u, false);
        let source = new.source();
        let predicted = refusal(&state, &new, &host_called);
        let outcome: Result<(), String> = match compile(&source, new.alone) {
            Err(e) => Err(format!("compile: {e}")),
            Ok((modules, _)) => {
                let game = modules
                    .into_iter()
                    .find(|m| m.name == "game")
                    .expect("module game");
                match r.reload(game) {
                    Ok(report) => {
                        assert_eq!(report.to.0, state.version + 1, "{report:?}");
                        Ok(())
                    }
                    Err(e) => Err(format!("{}: {e}", kind(&e))),
                }
            }
        };
        if std::env::var_os("DAST_FUZZ_DEBUG").is_some() {
            eprintln!(
                "step {steps}: v{} {:?} -> {:?}: {}",
                state.version,
                state.spec,
                new,
                match &outcome {
                    Ok(()) => "reloaded".to_string(),
                    Err(e) => e.lines().next().unwrap_or_default().to_string(),
                }
            );
        }
        match &outcome {
            Ok(()) if predicted.is_empty() => state = migrated(&state, &new),
            Err(e) if predicted.iter().any(|why| e.starts_with(why)) => {}
            _ => panic!(
                "from {:?}\nto {:?}\n{source}\nexpected {predicted:?} (empty: success), got {outcome:?}",
                state.spec, new
            ),
        }
        assert_eq!(r.get_version("game"), Some(state.version), "version");
        let all = u.ratio(1u8, 4).unwrap_or(false);
        let seen = observe(&mut r, &state.spec, all, &mut host_called);
        assert_eq!(
            seen,
            expected(&state, all),
            "state after {} of\n{source}",
            if outcome.is_ok() {
                "reloading"
            } else {
                "refusing"
            }
        );
    }
}

fn kind(e: &ReloadError) -> &'static str {
    match e {
        ReloadError::Incompatible(_) => "incompatible",
        ReloadError::State(_) => "state",
        ReloadError::Hook { .. } => "hook",
        ReloadError::HostCall { .. } => "host call",
        ReloadError::Link(_) => "link",
        ReloadError::Init(_) => "init",
        ReloadError::InFlight { .. } => "in flight",
        _ => "other",
    }
}
