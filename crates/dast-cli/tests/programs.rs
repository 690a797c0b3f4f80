//! Runs every program of `test-programs/` through the `dast` binary and checks its
//! output, and every program of `test-programs/errors/` through the compiler, checking
//! that it reports exactly the expected diagnostics (position and message) and that
//! `dast check` prints exactly the snapshot `NAME.stderr` beside the program.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-programs")
}

fn dast() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dast"))
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "dast"))
        .collect();
    v.sort();
    v
}

struct Expectation {
    stdout: String,
    exit: i32,
    stderr_contains: Vec<String>,
}

fn expectation(text: &str) -> Expectation {
    let mut out = String::new();
    let mut exit = 0;
    let mut stderr_contains = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix("// expect-exit:") {
            exit = rest.trim().parse().expect("expect-exit number");
        } else if let Some(rest) = t.strip_prefix("// expect-stderr-contains:") {
            stderr_contains.push(rest.trim().to_string());
        } else if let Some(rest) = t.strip_prefix("// expect:") {
            out.push_str(rest.strip_prefix(' ').unwrap_or(rest));
            out.push('\n');
        }
    }
    Expectation {
        stdout: out,
        exit,
        stderr_contains,
    }
}

/// Runs one program; returns a description of the mismatch, if any.
pub fn check_run(path: &Path, extra_args: &[&str]) -> Option<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let exp = expectation(&text);
    let out = dast()
        .arg("run")
        .args(extra_args)
        .arg(path)
        .output()
        .expect("run dast");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code().unwrap_or(-1);
    let mut problems = Vec::new();
    if stdout != exp.stdout {
        problems.push(format!(
            "stdout differs:\n--- expected\n{}--- got\n{}",
            exp.stdout, stdout
        ));
    }
    if code != exp.exit {
        problems.push(format!("exit status {code}, expected {}", exp.exit));
    }
    for s in &exp.stderr_contains {
        if !stderr.contains(s.as_str()) {
            problems.push(format!("stderr does not contain {s:?}"));
        }
    }
    if problems.is_empty() {
        None
    } else {
        Some(format!(
            "{}:\n{}\nstderr:\n{}",
            path.display(),
            problems.join("\n"),
            stderr
        ))
    }
}

#[test]
fn run_programs_give_expected_output() {
    let files = files_in(&root().join("run"));
    assert!(
        files.len() >= 40,
        "expected at least 40 programs, found {}",
        files.len()
    );
    let failures: Vec<String> = files.iter().filter_map(|p| check_run(p, &[])).collect();
    assert!(
        failures.is_empty(),
        "{} of {} programs failed:\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}

#[test]
fn import_project_runs() {
    let dir = root().join("projects/imports");
    let expected = std::fs::read_to_string(dir.join("expected.txt")).unwrap();
    let out = dast().arg("run").arg(&dir).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        expected,
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success());
}

/// `dast run ARGS projects/NAME`: its stdout is `expected.txt`, and it succeeds.
fn check_project(name: &str, args: &[&str]) {
    let dir = root().join("projects").join(name);
    let expected = std::fs::read_to_string(dir.join("expected.txt")).unwrap();
    let out = dast().arg("run").args(args).arg(&dir).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        expected,
        "{name} {args:?}: stderr: {stderr}"
    );
    assert!(out.status.success(), "{name} {args:?}: {stderr}");
}

/// Trait objects made in one module and in another, called in both, in every mode
/// (machine code calling bytecode's objects and the other way round included).
#[test]
fn trait_objects_cross_modules_in_every_mode() {
    for args in [
        &[][..],
        &["--mode=release"],
        &["--mode=hybrid", "--native", "main"],
        &["--mode=hybrid", "--native", "shapes"],
    ] {
        check_project("trait_objects", args);
    }
}

/// Generic functions of one module used by another (instances of the other's types
/// included), in every mode: the instances are machine code in the native module.
#[test]
fn generic_functions_cross_modules_in_every_mode() {
    for args in [
        &[][..],
        &["--mode=release"],
        &["--mode=hybrid", "--native", "main"],
        &["--mode=hybrid", "--native", "stats"],
    ] {
        check_project("generics", args);
    }
}

/// The seed's plugin block as written: a plugin loaded at run time, as bytecode, as
/// bytecode under a host in machine code, and as machine code built at load time.
#[test]
fn the_seed_plugin_block_runs_as_written() {
    for args in [
        &[][..],
        &["--mode=hybrid", "--native", "main"],
        &["--mode=release"],
    ] {
        check_project("seed_plugins", args);
    }
}

/// A call that panics while it changes module state in place (a `var` vector or map,
/// a struct `var`'s `&mut self` method, an element of a `var`'s vector, a trait
/// object's `&mut self` method) leaves that state whole, in every mode.
#[test]
fn a_panicking_call_leaves_module_state_whole_in_every_mode() {
    for args in [
        &[][..],
        &["--mode=release"],
        &["--mode=hybrid", "--native", "store"],
        &["--mode=hybrid", "--native", "main"],
    ] {
        check_project("panics_keep_state", args);
    }
}

struct ExpectedError {
    line: u32,
    col: u32,
    contains: String,
}

fn expected_errors(text: &str) -> Vec<ExpectedError> {
    let mut out = Vec::new();
    let mut pending: Option<(u32, u32)> = None;
    for line in text.lines() {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix("// error-at:") {
            let (l, c) = rest.trim().split_once(':').expect("LINE:COL");
            pending = Some((l.parse().unwrap(), c.parse().unwrap()));
        } else if let Some(rest) = t.strip_prefix("// error-contains:") {
            let (line, col) = pending.take().expect("error-at before error-contains");
            out.push(ExpectedError {
                line,
                col,
                contains: rest.trim().to_lowercase(),
            });
        }
    }
    out
}

fn check_errors(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let expected = expected_errors(&text);
    assert!(
        !expected.is_empty(),
        "{}: no `// error-at:` lines",
        path.display()
    );
    let failed = match dast_compiler::compile(&dast_compiler::RealFs, path) {
        Ok(Err(f)) => f,
        Ok(Ok(_)) => return Some(format!("{}: compiled without errors", path.display())),
        Err(e) => return Some(format!("{}: {e}", path.display())),
    };
    let found: Vec<(u32, u32, String)> = failed
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let lc = failed
                .sources
                .line_col(d.primary.span.file, d.primary.span.start);
            (
                lc.line,
                lc.col,
                format!("{} {}", d.message, d.primary.message).to_lowercase(),
            )
        })
        .collect();
    let mut problems = Vec::new();
    for e in &expected {
        if !found
            .iter()
            .any(|(l, c, m)| *l == e.line && *c == e.col && m.contains(&e.contains))
        {
            problems.push(format!(
                "missing error at {}:{} containing {:?}",
                e.line, e.col, e.contains
            ));
        }
    }
    // One mistake gives one error: every error found must be listed.
    for (l, c, m) in &found {
        if !expected
            .iter()
            .any(|e| e.line == *l && e.col == *c && m.contains(&e.contains))
        {
            problems.push(format!("unexpected error at {l}:{c}: {m}"));
        }
    }
    let rendered = render_check(&failed);
    if problems.is_empty() {
        None
    } else {
        Some(format!(
            "{}:\n{}\nfound:\n{:#?}\nrendered:\n{}",
            path.display(),
            problems.join("\n"),
            found,
            rendered
        ))
    }
}

fn render_check(f: &dast_compiler::Failed) -> String {
    f.diagnostics
        .iter()
        .map(|d| format!("{} {} ({})\n", d.code, d.message, d.primary.message))
        .collect()
}

#[test]
fn error_programs_report_expected_diagnostics() {
    let files = files_in(&root().join("errors"));
    assert!(
        files.len() >= 15,
        "expected at least 15 error programs, found {}",
        files.len()
    );
    let failures: Vec<String> = files.iter().filter_map(|p| check_errors(p)).collect();
    assert!(
        failures.is_empty(),
        "{} of {} error programs failed:\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}

/// Every error program's full `dast check` output (stderr, as a user sees it) equals
/// the snapshot `NAME.stderr` beside it, and the exit status is 1. The whole output is
/// compared, so an extra error fails the test. `UPDATE_EXPECT=1` rewrites the snapshots
/// (review the diff: every line is what a user reads).
#[test]
fn error_programs_match_their_snapshots() {
    let dir = root().join("errors");
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut failures = Vec::new();
    let programs = files_in(&dir);
    for p in &programs {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        // Run beside the file with its bare name, so the snapshot does not depend on
        // where the checkout is: the output names `NAME.dast` as a user in that folder
        // would see it.
        let out = dast()
            .current_dir(&dir)
            .arg("check")
            .arg(&name)
            .output()
            .unwrap();
        let dir_text = format!("{}/", dir.display());
        let stderr = String::from_utf8_lossy(&out.stderr).replace(&dir_text, "");
        if out.status.code() != Some(1) {
            failures.push(format!("{name}: exit status {:?}, expected 1", out.status));
        }
        let snap = p.with_extension("stderr");
        let old = std::fs::read_to_string(&snap).unwrap_or_default();
        if old == stderr {
            continue;
        }
        if update {
            std::fs::write(&snap, stderr.as_bytes()).unwrap();
        } else {
            failures.push(format!(
                "{name}: output differs from {}\n--- expected\n{old}--- got\n{stderr}",
                snap.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    // A snapshot without its program is stale.
    for e in std::fs::read_dir(&dir).unwrap() {
        let snap = e.unwrap().path();
        if snap.extension().is_some_and(|x| x == "stderr") && !snap.with_extension("dast").exists()
        {
            failures.push(format!("{}: no program for this snapshot", snap.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} error programs differ from their snapshots (UPDATE_EXPECT=1 updates \
         them):\n\n{}",
        failures.len(),
        programs.len(),
        failures.join("\n\n")
    );
}
