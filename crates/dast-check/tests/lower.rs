//! Lowering snapshots: every `test_data/lower/NAME.dast` is checked and lowered, and the
//! disassembly of its modules (`dast_bytecode::disassemble`) must equal
//! `test_data/lower/NAME.dis`. The native back end pattern-matches the instruction
//! shapes lowering emits, so a change to them shows up here, in review, before it
//! surprises the back end. `UPDATE_EXPECT=1 cargo test -p dast-check --test lower`
//! rewrites the snapshots.
//!
//! `import a.b` in a program loads `test_data/lower/a/b.dast` (as `dast` does for a single
//! file); the snapshot holds the program's module first, then each imported module.

use std::path::{Path, PathBuf};

use dast_base::SourceMap;
use dast_check::{check, SourceModule};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/lower")
}

/// `(module name, path relative to the data folder)` of `entry` and, transitively, of the
/// modules it imports.
fn module_files(dir: &Path, entry: &str) -> Vec<(String, String)> {
    let mut out = vec![(entry.to_string(), format!("{entry}.dast"))];
    let mut i = 0;
    while i < out.len() {
        let text = std::fs::read_to_string(dir.join(&out[i].1)).unwrap();
        for line in text.lines() {
            let Some(import) = line.trim().strip_prefix("import ") else {
                continue;
            };
            let import = import.trim().to_string();
            if !out.iter().any(|(n, _)| *n == import) {
                let rel = format!("{}.dast", import.replace('.', "/"));
                out.push((import, rel));
            }
        }
        i += 1;
    }
    out
}

/// The disassembly of program `entry` and its imports, or its diagnostics.
fn lower(dir: &Path, entry: &str) -> Result<String, String> {
    let files = module_files(dir, entry);
    let mut sources = SourceMap::new();
    let mut ids = Vec::new();
    for (_, rel) in &files {
        let text = std::fs::read_to_string(dir.join(rel))
            .unwrap_or_else(|e| panic!("{}: {e}", dir.join(rel).display()));
        ids.push(sources.add(rel.clone(), text));
    }
    let mut diags = Vec::new();
    let trees: Vec<_> = ids
        .iter()
        .map(|id| {
            let (tree, errors) = dast_syntax::parse(*id, &sources.get(*id).text);
            diags.extend(errors);
            tree
        })
        .collect();
    let modules: Vec<SourceModule> = files
        .iter()
        .zip(&ids)
        .zip(&trees)
        .map(|(((name, rel), id), tree)| SourceModule {
            name: name.clone(),
            file: *id,
            path: rel.clone(),
            ast: tree,
        })
        .collect();
    let out = check(&modules, &sources);
    diags.extend(out.diagnostics);
    if diags.iter().any(|d| d.is_error()) {
        return Err(diags
            .iter()
            .map(|d| {
                let lc = sources.line_col(d.primary.span.file, d.primary.span.start);
                format!("{lc} {} {} ({})\n", d.code, d.message, d.primary.message)
            })
            .collect());
    }
    let mut text = String::new();
    for m in &out.modules {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&dast_bytecode::disassemble(m));
    }
    Ok(text)
}

#[test]
fn lowering_matches_the_disassembly_snapshots() {
    let dir = data_dir();
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut programs: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "dast"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    programs.sort();
    assert!(
        programs.len() >= 9,
        "expected the lowering programs in {}, found {}",
        dir.display(),
        programs.len()
    );
    let mut failures = Vec::new();
    for name in &programs {
        let got = match lower(&dir, name) {
            Ok(t) => t,
            Err(diags) => {
                failures.push(format!("{name}.dast does not compile:\n{diags}"));
                continue;
            }
        };
        let snap = dir.join(format!("{name}.dis"));
        let old = std::fs::read_to_string(&snap).unwrap_or_default();
        if old == got {
            continue;
        }
        if update {
            std::fs::write(&snap, &got).unwrap();
        } else {
            failures.push(format!(
                "{name}.dis differs from the lowering of {name}.dast:\n{}",
                diff(&old, &got)
            ));
        }
    }
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "dis") && !p.with_extension("dast").exists() {
            failures.push(format!("{}: no program for this snapshot", p.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} lowering snapshots differ (UPDATE_EXPECT=1 updates them):\n\n{}",
        failures.len(),
        programs.len(),
        failures.join("\n\n")
    );
}

/// The lines that differ, with their line numbers (`-` expected, `+` got).
fn diff(old: &str, new: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    let mut out = String::new();
    let mut shown = 0;
    for i in 0..a.len().max(b.len()) {
        let (x, y) = (a.get(i), b.get(i));
        if x != y {
            if let Some(x) = x {
                out.push_str(&format!("{:5} - {x}\n", i + 1));
            }
            if let Some(y) = y {
                out.push_str(&format!("{:5} + {y}\n", i + 1));
            }
            shown += 1;
            if shown == 40 {
                out.push_str("...\n");
                break;
            }
        }
    }
    out
}
