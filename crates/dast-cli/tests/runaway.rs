//! Runaway code never takes the process down: unbounded recursion is a Dast panic with
//! a trace in every mode (bytecode, machine code, both mixed, and through
//! `registry.call`), and source nested 100,000 levels deep is a compile error.

mod common;

use common::{dast, text, TempCopy};

const DEEP: &str = "
fn down(n: i64) -> i64 { if n == 0 { 0 } else { 1 + down(n - 1) } }
fn forever(n: i64) -> i64 { 1 + forever(n + 1) }
";

const MAIN: &str = r#"
import deep

fn main() {
    println("{}", deep.down(1000))
    let mut registry = ModuleRegistry.new()
    registry.load_module("deep", "v1.0")
    match registry.call("deep", "forever", &[0]) {
        .Ok(_) => println("returned"),
        .Err(e) => println("registry.call: {}", e.message),
    }
    println("{}", deep.forever(0))
}
"#;

#[test]
fn unbounded_recursion_is_a_panic_with_a_trace_in_every_mode() {
    let dir = TempCopy::empty("runaway");
    std::fs::write(dir.0.join("dast.toml"), "[package]\nname = \"runaway\"\n").unwrap();
    std::fs::create_dir_all(dir.0.join("src")).unwrap();
    std::fs::write(dir.0.join("src/deep.dast"), DEEP).unwrap();
    std::fs::write(dir.0.join("src/main.dast"), MAIN).unwrap();
    for args in [
        &["run"][..],
        &["run", "--mode=release"],
        &["run", "--mode=hybrid", "--native", "deep"],
        &["run", "--mode=hybrid", "--native", "main"],
    ] {
        let out = dast(args, &dir.0);
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        assert_eq!(out.status.code(), Some(101), "{args:?}: {stderr}");
        assert_eq!(
            stdout, "1000\nregistry.call: stack overflow\n",
            "{args:?}: {stderr}"
        );
        assert!(
            stderr.contains("deep.dast:3:33: stack overflow"),
            "{args:?}: {stderr}"
        );
        assert!(stderr.contains(": forever at "), "{args:?}: {stderr}");
        assert!(stderr.contains(": main at "), "{args:?}: {stderr}");
    }
}

#[test]
fn source_nested_100_000_levels_deep_is_a_compile_error() {
    let dir = TempCopy::empty("deep-source");
    let n = 100_000;
    let cases = [
        (
            "parens",
            format!(
                "fn main() {{ let x = {}1{} }}\n",
                "(".repeat(n),
                ")".repeat(n)
            ),
        ),
        (
            "blocks",
            format!("fn main() {{ {}{} }}\n", "{".repeat(n), "}".repeat(n)),
        ),
        (
            "negations",
            format!("fn main() {{ let x = {}1 }}\n", "-".repeat(n)),
        ),
        (
            "vectors",
            format!(
                "fn main() {{ let v = {}{} }}\n",
                "[".repeat(n),
                "]".repeat(n)
            ),
        ),
    ];
    for (what, source) in cases {
        let file = dir.0.join(format!("{what}.dast"));
        std::fs::write(&file, source).unwrap();
        let out = dast(&["check"], &file);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{what}: {stderr}");
        assert!(stderr.contains("nesting is too deep"), "{what}: {stderr}");
    }
}

const SPIN: &str = "
fn work(n: i64) -> i64 {
    let mut t = 0
    for i in 0..n {
        t += i % 7
    }
    t
}

fn forever() -> i64 {
    let mut n = 0
    loop {
        n += 1
    }
}

fn main() {
    println(\"{}\", work(1000))
    println(\"{}\", forever())
}
";

/// `--timeout` and `--fuel` stop a runaway `main` with a panic and its trace, the same
/// in bytecode, machine code (built with the checks) and both mixed.
#[test]
fn timeout_and_fuel_stop_a_runaway_main_in_every_mode() {
    let dir = TempCopy::empty("limits");
    let file = dir.0.join("spin.dast");
    std::fs::write(&file, SPIN).unwrap();
    for mode in [
        &[][..],
        &["--mode=release"],
        &["--mode=hybrid", "--native", "spin"],
    ] {
        for (limit, message) in [
            (
                ["--timeout", "0.2"],
                "call exceeded its time limit (200 ms)",
            ),
            (
                ["--fuel", "100000"],
                "call exceeded its fuel (100000 jumps and calls)",
            ),
        ] {
            let mut args = vec!["run"];
            args.extend_from_slice(mode);
            args.extend_from_slice(&limit);
            let started = std::time::Instant::now();
            let out = dast(&args, &file);
            let stderr = text(&out.stderr);
            assert_eq!(out.status.code(), Some(101), "{args:?}: {stderr}");
            assert_eq!(text(&out.stdout), "2997\n", "{args:?}: {stderr}");
            assert!(stderr.contains(message), "{args:?}: {stderr}");
            assert!(stderr.contains("0: forever at "), "{args:?}: {stderr}");
            assert!(started.elapsed() < std::time::Duration::from_secs(20));
        }
    }
}

const HOARD: &str = r#"
// Appends a megabyte at a time, forever: 10 GB and more if nothing stops it.
fn hoard(chunk: String) -> i64 {
    let mut all = String.new()
    loop {
        all.push_str(chunk)
    }
}

fn main() {
    let mut chunk = "0123456789abcdef"
    let mut i = 0
    while i < 16 {
        chunk = chunk + chunk
        i += 1
    }
    println("{}", chunk.len())
    println("{}", hoard(chunk))
}
"#;

/// `--heap-limit` ends a loop that would append 10 GB with an "out of memory" panic and
/// its trace (never an abort), in bytecode, machine code and both mixed.
#[test]
fn a_heap_limit_stops_a_ten_gigabyte_push_str_loop_in_every_mode() {
    let dir = TempCopy::empty("heap-limit");
    let file = dir.0.join("hoard.dast");
    std::fs::write(&file, HOARD).unwrap();
    for mode in [
        &[][..],
        &["--mode=release"],
        &["--mode=hybrid", "--native", "hoard"],
    ] {
        let mut args = vec!["run", "--heap-limit", "64M"];
        args.extend_from_slice(mode);
        let out = dast(&args, &file);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(101), "{args:?}: {stderr}");
        assert_eq!(text(&out.stdout), "1048576\n", "{args:?}: {stderr}");
        assert!(
            stderr.contains("hoard.dast:6:9: out of memory: the heap limit of 64 MiB"),
            "{args:?}: {stderr}"
        );
        assert!(stderr.contains("0: hoard at "), "{args:?}: {stderr}");
        assert!(stderr.contains("1: main at "), "{args:?}: {stderr}");
        assert!(!stderr.contains("thread"), "a Rust panic leaked: {stderr}");
    }
    // A map of numbers (machine code inserts into it without calling the runtime's
    // instruction, except when it must grow).
    let file = dir.0.join("numbers.dast");
    std::fs::write(
        &file,
        "fn main() {\n    let mut m: HashMap[i64, i64] = HashMap.new()\n    let mut i: i64 = 0\n    loop {\n        m.insert(i, i)\n        i += 1\n    }\n}\n",
    )
    .unwrap();
    for mode in ["--mode=dev", "--mode=release"] {
        let out = dast(&["run", "--heap-limit", "32M", mode], &file);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(101), "{mode}: {stderr}");
        assert!(
            stderr.contains("numbers.dast:5:9: out of memory: the heap limit of 32 MiB"),
            "{mode}: {stderr}"
        );
    }
    let out = dast(&["run", "--heap-limit", "lots"], &file);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("`lots` is not a size"));
}

/// A project's `dast.toml` `[limits]` applies to `dast run` (the command line's flags
/// win), and a bad value there is an error naming the line.
#[test]
fn dast_toml_limits_apply_and_flags_override_them() {
    let dir = TempCopy::empty("toml-limits");
    std::fs::create_dir_all(dir.0.join("src")).unwrap();
    std::fs::write(dir.0.join("src/main.dast"), HOARD).unwrap();
    let manifest = |limits: &str| {
        let text = format!("[package]\nname = \"hoard\"\n\n[limits]\n{limits}\n");
        std::fs::write(dir.0.join("dast.toml"), text).unwrap();
    };
    manifest("heap = \"32M\"\ntimeout = 30");
    let out = dast(&["run"], &dir.0);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(101), "{stderr}");
    assert!(stderr.contains("heap limit of 32 MiB"), "{stderr}");
    let out = dast(&["run", "--heap-limit", "48M"], &dir.0);
    assert!(text(&out.stderr).contains("heap limit of 48 MiB"));
    manifest("fuel = 100");
    let out = dast(&["run", "--mode=release"], &dir.0);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("call exceeded its fuel (100 jumps and calls)"),
        "{stderr}"
    );
    manifest("heap = \"plenty\"");
    let out = dast(&["run"], &dir.0);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("dast.toml:5: invalid `heap` in `[limits]`: `plenty` is not a size"),
        "{stderr}"
    );
}
