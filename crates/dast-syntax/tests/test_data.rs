//! Parses every file of `test_data/ok` (no error allowed) and `test_data/err` (at least
//! one error), comparing the printed tree and errors with the `.txt` snapshot beside
//! each file. Run with `UPDATE_EXPECT=1` to rewrite the snapshots.

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use dast_base::FileId;

fn dast_files(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("test_data")
        .join(dir);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "dast"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .dast files in {}", dir.display());
    files
}

/// The snapshot of one file: its errors (if any), then its tree.
fn snapshot(path: &Path, text: &str) -> (String, usize) {
    let (file, diags) = dast_syntax::parse(FileId(0), text);
    if let Err(problem) = support::check_ids_and_spans(&file, text.len()) {
        panic!("{}: {problem}", path.display());
    }
    let mut out = String::new();
    if !diags.is_empty() {
        out.push_str(&support::render_diagnostics(text, &diags));
        out.push_str("---\n");
    }
    out.push_str(&dast_syntax::print_tree(&file));
    (out, diags.len())
}

/// Compares (or with `UPDATE_EXPECT=1` rewrites) `path` with `.txt`; returns a problem.
fn compare_snapshot(path: &Path, actual: &str) -> Option<String> {
    let snapshot_path = path.with_extension("txt");
    if std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1") {
        fs::write(&snapshot_path, actual).expect("write snapshot");
        return None;
    }
    let expected = fs::read_to_string(&snapshot_path).unwrap_or_default();
    if expected == actual {
        return None;
    }
    Some(format!(
        "{}: snapshot differs (run with UPDATE_EXPECT=1 to update)\n--- expected\n{expected}\n--- actual\n{actual}",
        snapshot_path.display()
    ))
}

fn run_dir(dir: &str, want_errors: bool) {
    let mut problems = Vec::new();
    for path in dast_files(dir) {
        let text = fs::read_to_string(&path).expect("read test file");
        let (actual, error_count) = snapshot(&path, &text);
        if want_errors && error_count == 0 {
            problems.push(format!(
                "{}: expected syntax errors, got none",
                path.display()
            ));
        }
        if !want_errors && error_count > 0 {
            problems.push(format!(
                "{}: unexpected syntax errors:\n{actual}",
                path.display()
            ));
        }
        problems.extend(compare_snapshot(&path, &actual));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn ok_files_parse_without_errors() {
    run_dir("ok", false);
}

#[test]
fn err_files_report_errors() {
    run_dir("err", true);
}
