//! `dast run` of built bytecode (a bare file name; only the modules the program uses
//! are read), and programs without `main`: `check` and `build` accept a library,
//! `run` asks for `main`.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{dast, text, TempCopy};

/// `dast ARGS` run in `dir`.
fn dast_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dast"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run dast")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

#[test]
fn runs_a_dbc_given_by_its_bare_file_name() {
    let dir = TempCopy::empty("bare-dbc");
    std::fs::write(
        dir.0.join("good.dast"),
        "fn main() {\n    println(\"hi\")\n}\n",
    )
    .unwrap();
    ok(&dast(&["build"], &dir.0.join("good.dast")));
    let out = dast_in(&dir.0.join("target/dev"), &["run", "good.dbc"]);
    assert_eq!(ok(&out), "hi\n");
}

/// `main.dbc` importing `util.dbc`, built, in `dir/target/dev`.
fn built_program(dir: &Path) -> std::path::PathBuf {
    std::fs::write(
        dir.join("main.dast"),
        "import util\n\nfn main() {\n    println(\"{}\", util.twice(21))\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("util.dast"),
        "fn twice(x: i32) -> i32 {\n    x * 2\n}\n",
    )
    .unwrap();
    ok(&dast(&["build"], &dir.join("main.dast")));
    dir.join("target/dev")
}

/// `util.dbc` made unverifiable: decodes, but its first function jumps nowhere.
fn unverifiable(util: &Path) -> Vec<u8> {
    let mut m = dast_bytecode::decode(&std::fs::read(util).unwrap()).unwrap();
    let f = &mut m.functions[0];
    f.code.insert(0, dast_bytecode::Inst::Jmp { target: 9999 });
    let bytes = dast_bytecode::encode(&m);
    let again = dast_bytecode::decode(&bytes).unwrap();
    assert!(dast_bytecode::verify(&again).is_err());
    bytes
}

#[test]
fn run_dbc_links_only_the_modules_main_uses() {
    let dir = TempCopy::empty("dbc-imports");
    let dev = built_program(&dir.0);
    // Beside it, files main does not import: garbage, a module that does not verify,
    // and a stale copy of `main` under another name.
    std::fs::write(dev.join("junk.dbc"), b"not bytecode at all").unwrap();
    std::fs::write(dev.join("broken.dbc"), unverifiable(&dev.join("util.dbc"))).unwrap();
    std::fs::copy(dev.join("main.dbc"), dev.join("old_main.dbc")).unwrap();
    let out = dast(&["run"], &dev.join("main.dbc"));
    assert_eq!(ok(&out), "42\n");
}

#[test]
fn run_dbc_refuses_a_broken_module_main_imports() {
    let dir = TempCopy::empty("dbc-broken-import");
    let dev = built_program(&dir.0);
    let util = dev.join("util.dbc");

    // Verifiable bytes, wrong code: the verifier's message.
    std::fs::write(&util, unverifiable(&util)).unwrap();
    let out = dast(&["run"], &dev.join("main.dbc"));
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("error: module `util` failed verification: in function `twice`"),
        "{err}"
    );

    // Not bytecode at all: the decoder's message.
    std::fs::write(&util, b"garbage").unwrap();
    let out = dast(&["run"], &dev.join("main.dbc"));
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("util.dbc` is not a valid .dbc file"), "{err}");

    // Missing: the linker names the import.
    std::fs::remove_file(&util).unwrap();
    let out = dast(&["run"], &dev.join("main.dbc"));
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("module `main` imports `util.twice`, but there is no module `util`"),
        "{err}"
    );
}

#[test]
fn a_dbc_loaded_by_name_is_linked() {
    // The host loads `game` through the registry: no `import`, but its name is there.
    let dir = TempCopy::empty("dbc-by-name");
    let src = dir.0.join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(dir.0.join("dast.toml"), "[package]\nname = \"byname\"\n").unwrap();
    std::fs::write(
        src.join("main.dast"),
        "fn main() {\n    let mut registry = ModuleRegistry.new()\n    registry.load_module(\"game\", \"v1.0\")\n    registry.call(\"game\", \"hello\", &[])\n}\n",
    )
    .unwrap();
    std::fs::write(
        src.join("game.dast"),
        "@hot_reload\nfn hello() {\n    println(\"hello from game\")\n}\n",
    )
    .unwrap();
    ok(&dast(&["build"], &dir.0));
    let out = dast(&["run"], &dir.0.join("target/dev/main.dbc"));
    assert_eq!(ok(&out), "hello from game\n");
}

const LIBRARY: &str = "fn add(a: i32, b: i32) -> i32 {\n    a + b\n}\n";

#[test]
fn check_and_build_accept_a_file_without_main_and_run_asks_for_it() {
    let dir = TempCopy::empty("library-file");
    let lib = dir.0.join("lib.dast");
    std::fs::write(&lib, LIBRARY).unwrap();

    let out = dast(&["check"], &lib);
    ok(&out);
    assert!(text(&out.stderr).contains("checked 1 module: no errors"));

    ok(&dast(&["build"], &lib));
    assert!(dir.0.join("target/dev/lib.dbc").is_file());

    let out = dast(&["run"], &lib);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("error[E0601]: `main` function not found in module `lib`"),
        "{err}"
    );
}

#[test]
fn check_and_build_accept_a_project_without_main() {
    let dir = TempCopy::empty("library-project");
    let src = dir.0.join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(dir.0.join("dast.toml"), "[package]\nname = \"lib\"\n").unwrap();
    std::fs::write(src.join("util.dast"), LIBRARY).unwrap();

    ok(&dast(&["check"], &dir.0));
    ok(&dast(&["build"], &dir.0));
    assert!(dir.0.join("target/dev/util.dbc").is_file());
    let out = dast(&["run"], &dir.0);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no `main` module"));

    // A `main.dast` without `fn main`: still a library for check and build.
    std::fs::write(
        src.join("main.dast"),
        "import util\n\nfn three() -> i32 {\n    util.add(1, 2)\n}\n",
    )
    .unwrap();
    ok(&dast(&["check"], &dir.0));
    ok(&dast(&["build"], &dir.0));
    let out = dast(&["run"], &dir.0);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("error[E0601]: `main` function not found in module `main`"),
        "{}",
        text(&out.stderr)
    );
}

/// A `.dbc` with a byte changed in a string constant is refused by its checksum (it
/// used to decode and print the changed text), naming the file and what to do.
#[test]
fn a_dbc_with_a_changed_byte_is_refused() {
    let dir = TempCopy::empty("corrupt-dbc");
    std::fs::write(
        dir.0.join("app.dast"),
        "fn main() {\n    println(\"hello there\")\n}\n",
    )
    .unwrap();
    ok(&dast(&["build"], &dir.0.join("app.dast")));
    let dbc = dir.0.join("target/dev/app.dbc");
    let mut bytes = std::fs::read(&dbc).unwrap();
    let at = bytes
        .windows(5)
        .position(|w| w == b"hello")
        .expect("the string constant");
    bytes[at] = b'j';
    std::fs::write(&dbc, &bytes).unwrap();
    let out = dast(&["run"], &dbc);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "");
    let err = text(&out.stderr);
    assert!(
        err.contains("app.dbc") && err.contains("checksum does not match"),
        "{err}"
    );
}

/// `dast completions SHELL` prints a completion script naming every subcommand and
/// flag; an unknown shell is a usage error.
#[test]
fn completion_scripts_for_the_usual_shells() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = Command::new(env!("CARGO_BIN_EXE_dast"))
            .args(["completions", shell])
            .output()
            .unwrap();
        let script = text(&out.stdout);
        assert!(out.status.success(), "{shell}: {}", text(&out.stderr));
        for word in [
            "run",
            "build",
            "check",
            "completions",
            "heap-limit",
            "hot-reload",
        ] {
            assert!(script.contains(word), "{shell} script lacks {word}");
        }
    }
    let out = Command::new(env!("CARGO_BIN_EXE_dast"))
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("invalid value 'tcsh'"));
}
