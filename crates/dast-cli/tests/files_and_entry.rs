//! Programs without `main`: `check` and `build` accept a library, `run` asks for
//! `main`.

mod common;

use std::process::Output;

use common::{dast, text, TempCopy};

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
