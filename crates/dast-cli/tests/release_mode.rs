//! `--mode=release` (native code) against the default bytecode mode: same stdout, same
//! stderr (panic messages and traces), same exit status; and `build --mode=release`
//! writes one shared object per module.

mod common;

use std::path::{Path, PathBuf};

use common::{dast, repo, text, TempCopy};

fn root() -> PathBuf {
    repo().join("test-programs")
}

/// The differential test: every program of `test-programs/run` (output, panics, exit
/// codes) and `test-programs/errors` (compile errors: the same diagnostics, nothing
/// built) gives the same stdout, stderr and exit status in release mode as in dev mode.
#[test]
fn every_test_program_runs_in_release_like_dev() {
    let mut checked = 0;
    for folder in ["run", "errors"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join(folder))
            .expect("test-programs folder")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "dast"))
            .collect();
        paths.sort();
        for path in paths {
            assert_same_in_both_modes(&path);
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} programs found");
}

fn assert_same_in_both_modes(path: &Path) {
    let name = path.display();
    let dev = dast(&["run"], path);
    let release = dast(&["run", "--mode=release"], path);
    assert_eq!(
        text(&release.stdout),
        text(&dev.stdout),
        "{name}: stdout\nrelease stderr: {}",
        text(&release.stderr)
    );
    assert_eq!(
        release.status.code(),
        dev.status.code(),
        "{name}: exit status\nrelease stderr: {}",
        text(&release.stderr)
    );
    assert_eq!(text(&release.stderr), text(&dev.stderr), "{name}: stderr");
}

#[test]
fn release_panics_like_dev() {
    let path = root().join("run/panic_div_zero.dast");
    let release = dast(&["run", "--mode=release"], &path);
    assert_eq!(release.status.code(), Some(101));
    let stderr = text(&release.stderr);
    assert!(stderr.starts_with("panicked at "), "{stderr}");
    assert!(stderr.contains("stack backtrace"), "{stderr}");
}

#[test]
fn build_release_writes_shared_objects() {
    let project = TempCopy::of(&root().join("projects/imports"), "build");
    let out = dast(&["build", "--mode=release"], &project.0);
    assert!(out.status.success(), "build failed: {}", text(&out.stderr));
    let dir = project.0.join("target/release");
    for module in ["main", "geometry", "util.strings"] {
        let lib = dir.join(format!("lib{module}.so"));
        assert!(
            lib.is_file(),
            "missing {}: {}",
            lib.display(),
            text(&out.stderr)
        );
    }
}

#[test]
fn release_runs_a_multi_module_project_like_dev() {
    let project = TempCopy::of(&root().join("projects/imports"), "run");
    let dev = dast(&["run"], &project.0);
    let release = dast(&["run", "--mode=release"], &project.0);
    assert_eq!(
        text(&release.stdout),
        text(&dev.stdout),
        "stdout\nrelease stderr: {}",
        text(&release.stderr)
    );
    assert_eq!(release.status.code(), dev.status.code());
}

/// Two modules calling each other's functions natively (a string argument and result,
/// a module global, output from both modules), then a panic raised in the imported
/// module: its trace crosses the module boundary exactly as the interpreter's.
#[test]
fn cross_module_calls_and_panics_like_dev() {
    let dir = std::env::temp_dir().join(format!("dast-release-test-xmod-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let project = TempCopy(dir.clone());
    std::fs::write(dir.join("dast.toml"), "[package]\nname = \"xmod\"\n").unwrap();
    std::fs::write(
        dir.join("src/lib2.dast"),
        "var calls: i32 = 0\n\nfn divide(a: i32, b: i32) -> i32 {\n    calls += 1\n    \
         println(\"dividing {} by {} (call {})\", a, b, calls)\n    inner(a, b)\n}\n\n\
         fn inner(a: i32, b: i32) -> i32 {\n    a / b\n}\n\n\
         fn greet(name: String) -> String {\n    format(\"hello {}\", name)\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("src/main.dast"),
        "import lib2\n\nfn outer(x: i32) -> i32 {\n    lib2.divide(100, x) + 1\n}\n\n\
         fn main() {\n    println(\"{}\", lib2.greet(\"native\"))\n    \
         println(\"{}\", outer(5))\n    println(\"{}\", outer(0))\n}\n",
    )
    .unwrap();
    let dev = dast(&["run"], &project.0);
    let release = dast(&["run", "--mode=release"], &project.0);
    assert_eq!(dev.status.code(), Some(101), "{}", text(&dev.stderr));
    assert!(text(&dev.stdout).contains("dividing 100 by 0 (call 2)"));
    assert_eq!(text(&release.stdout), text(&dev.stdout));
    assert_eq!(text(&release.stderr), text(&dev.stderr));
    assert_eq!(release.status.code(), dev.status.code());
}

/// A second run reuses the library (same module, same options); an edit rebuilds it.
#[test]
fn release_libraries_are_reused_until_the_source_changes() {
    let dir = std::env::temp_dir().join(format!("dast-release-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("app.dast");
    std::fs::write(&file, "fn main() { println(\"one\") }\n").unwrap();
    let lib = dir.join("target/release/libapp.so");
    let first = dast(&["run", "--mode=release"], &file);
    assert_eq!(text(&first.stdout), "one\n", "{}", text(&first.stderr));
    let built = std::fs::metadata(&lib).unwrap().modified().unwrap();
    let again = dast(&["run", "--mode=release"], &file);
    assert_eq!(text(&again.stdout), "one\n");
    let reused = std::fs::metadata(&lib).unwrap().modified().unwrap();
    assert_eq!(built, reused, "the library was rebuilt without a change");
    std::fs::write(&file, "fn main() { println(\"two\") }\n").unwrap();
    let edited = dast(&["run", "--mode=release"], &file);
    assert_eq!(text(&edited.stdout), "two\n", "{}", text(&edited.stderr));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A library changed after its build (truncated, bytes flipped in its code, emptied,
/// replaced by another file) is never loaded: `dast run` rebuilds it, with a note, and
/// the program runs as before. Without the check, `dlopen` of the truncated file dies
/// with SIGBUS and the flipped one with SIGSEGV.
#[test]
fn a_library_changed_after_its_build_is_rebuilt_never_loaded() {
    let dir = std::env::temp_dir().join(format!("dast-release-tamper-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("app.dast");
    std::fs::write(
        &file,
        "fn f(n: i64) -> i64 { if n < 2 { n } else { f(n - 1) + f(n - 2) } }\n\
         fn main() { println(\"{}\", f(20)) }\n",
    )
    .unwrap();
    let lib = dir.join("target/release/libapp.so");
    let first = dast(&["run", "--mode=release"], &file);
    assert_eq!(text(&first.stdout), "6765\n", "{}", text(&first.stderr));
    let good = std::fs::read(&lib).unwrap();
    let mut mutations: Vec<(&str, Vec<u8>)> = vec![
        ("truncated to half", good[..good.len() / 2].to_vec()),
        ("empty", Vec::new()),
        ("not a library", b"hello".to_vec()),
    ];
    // Bytes flipped across the file, code included.
    for k in 1..8 {
        let mut flipped = good.clone();
        let at = good.len() * k / 8;
        for b in &mut flipped[at..(at + 64).min(good.len())] {
            *b ^= 0xa5;
        }
        mutations.push(("flipped", flipped));
    }
    for (what, bytes) in mutations {
        std::fs::write(&lib, &bytes).unwrap();
        let out = dast(&["run", "--mode=release"], &file);
        assert_eq!(
            text(&out.stdout),
            "6765\n",
            "{what}: status {:?}, stderr {}",
            out.status,
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).contains("changed since it was built; rebuilding it"),
            "{what}: {}",
            text(&out.stderr)
        );
        assert_eq!(std::fs::read(&lib).unwrap(), good, "{what}: not rebuilt");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
