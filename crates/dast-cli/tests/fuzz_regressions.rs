//! Replays the inputs the fuzz targets (`fuzz/`) once crashed on, kept under
//! `fuzz/regressions/TARGET/`, through the same checks the targets make (their code is
//! included from `fuzz/src/`): the front end on a text, the VM against machine code on
//! a generated program, a sequence of reloads against the model of the contract.
//! Inputs of bugs not fixed yet live under `fuzz/regressions/open/` and are not replayed.

#[allow(dead_code)]
#[path = "../../../fuzz/src/differential.rs"]
mod differential;
#[allow(dead_code)]
#[path = "../../../fuzz/src/frontend.rs"]
mod frontend;
#[allow(dead_code)]
#[path = "../../../fuzz/src/gen.rs"]
mod gen;
#[allow(dead_code)]
#[path = "../../../fuzz/src/reload.rs"]
mod reload;

use std::path::{Path, PathBuf};

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/regressions")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

#[test]
fn frontend_regressions_compile_or_report_without_panicking() {
    for (path, bytes) in inputs("frontend") {
        println!("{}", path.display());
        frontend::check(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn differential_regressions_agree_on_the_vm_and_in_machine_code() {
    for (path, bytes) in inputs("differential") {
        println!("{}", path.display());
        let source = gen::program(bytes.get(1..).unwrap_or_default());
        let optimize = bytes.first().is_some_and(|b| b & 1 == 1);
        if let differential::Verdict::NotCompiled(diags) = differential::check(&source, optimize) {
            panic!("generated program does not compile:\n{source}\n{diags}");
        }
    }
}

#[test]
fn reload_regressions_keep_the_contract() {
    for (path, bytes) in inputs("reload") {
        println!("{}", path.display());
        reload::run(&bytes);
    }
}
